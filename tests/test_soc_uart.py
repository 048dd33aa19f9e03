# amaranth: UnusedElaboratable=no
"""The UART PHY (cerite.hw.soc.uart) in the Amaranth simulator: the exact 8N1 waveform it sends,
bytes it receives from a bit-banged line, loopback, framing errors, glitches and overruns."""

import random
import re

import pytest
from amaranth import Module
from amaranth.sim import Simulator

from cerite.hw.soc.uart import UART, UARTReceiver, UARTTransmitter, uart_divisor


def line_of(data, divisor):
    """The 8N1 line levels, one per clock cycle, of ``data`` sent back to back."""
    levels = []
    for byte in data:
        bits = [0] + [(byte >> i) & 1 for i in range(8)] + [1]
        for bit in bits:
            levels += [bit] * divisor
    return levels


def run(dut, *, rx_levels=(), tx_bytes=(), cycles, ready=lambda cycle: True):
    """Drive ``dut.rx`` (if any) with ``rx_levels``, feed ``tx_bytes`` to the transmitter, and
    record what comes out, cycle by cycle."""
    rx_pin = getattr(dut, "rx", None)
    tx_pin = getattr(dut, "tx", None)
    rx_stream = getattr(dut, "rx_data", None) or getattr(dut, "data", None)
    tx_stream = getattr(dut, "tx_data", None) or (dut.data if isinstance(dut, UARTTransmitter)
                                                   else None)
    if isinstance(dut, UARTTransmitter):
        rx_stream = None
    out = dict(received=[], errors=0, overruns=0, tx=[])

    async def drive_rx(ctx):
        for level in rx_levels:
            ctx.set(rx_pin, level)
            await ctx.tick()
        ctx.set(rx_pin, 1)

    async def feed_tx(ctx):
        for byte in tx_bytes:
            ctx.set(tx_stream.valid, 1)
            ctx.set(tx_stream.payload, byte)
            await ctx.tick().until(tx_stream.ready)
        ctx.set(tx_stream.valid, 0)

    async def monitor(ctx):
        error = getattr(dut, "rx_error", None) or getattr(dut, "error", None)
        overrun = getattr(dut, "rx_overrun", None) or getattr(dut, "overrun", None)
        cycle = 0
        while cycle < cycles:
            take = ready(cycle)
            if rx_stream is not None:
                ctx.set(rx_stream.ready, take)
            if tx_pin is not None:
                out["tx"].append(ctx.get(tx_pin))
            if rx_stream is not None and ctx.get(rx_stream.valid) and take:
                out["received"].append(ctx.get(rx_stream.payload))
            if error is not None:
                out["errors"] += ctx.get(error)
                out["overruns"] += ctx.get(overrun)
            await ctx.tick()
            cycle += 1

    sim = Simulator(dut)
    sim.add_clock(1e-6)
    if rx_pin is not None and rx_levels:
        sim.add_testbench(drive_rx)
    if tx_stream is not None and tx_bytes:
        sim.add_testbench(feed_tx)
    sim.add_testbench(monitor)
    sim.run()
    return out


@pytest.mark.parametrize("divisor", [4, 5, 8])
def test_transmitter_waveform_is_exact(divisor):
    data = [0x55, 0x00, 0xFF, 0xA5, 0x3C]
    expected = line_of(data, divisor)
    out = run(UARTTransmitter(divisor=divisor), tx_bytes=data, cycles=len(expected) + 40)
    line = out["tx"]
    start = line.index(0)
    assert all(line[:start])
    assert line[start:start + len(expected)] == expected  # back to back, 10 bits a byte
    assert all(line[start + len(expected):])


@pytest.mark.parametrize("divisor", [4, 7])
def test_receiver_takes_bit_banged_bytes(divisor):
    rng = random.Random(divisor)
    data = [rng.randrange(256) for _ in range(24)] + [0x00, 0xFF]
    levels = [1] * 5
    for byte in data:
        levels += [1] * rng.randrange(0, 2 * divisor)  # idle gaps of any length, or none
        levels += line_of([byte], divisor)
    out = run(UARTReceiver(divisor=divisor), rx_levels=levels, cycles=len(levels) + 20)
    assert out["received"] == data
    assert out["errors"] == 0 and out["overruns"] == 0


def test_loopback():
    rng = random.Random(3)
    data = [rng.randrange(256) for _ in range(40)]
    dut = UART(divisor=4)
    top = Module()
    top.submodules.uart = dut
    top.d.comb += dut.rx.eq(dut.tx)
    out = run_loop(top, dut, data, cycles=len(data) * 40 + 100)
    assert out == data


def run_loop(top, dut, data, *, cycles):
    received = []

    async def feed(ctx):
        for byte in data:
            ctx.set(dut.tx_data.valid, 1)
            ctx.set(dut.tx_data.payload, byte)
            await ctx.tick().until(dut.tx_data.ready)
        ctx.set(dut.tx_data.valid, 0)

    async def take(ctx):
        ctx.set(dut.rx_data.ready, 1)
        for _ in range(cycles):
            if ctx.get(dut.rx_data.valid):
                received.append(ctx.get(dut.rx_data.payload))
            assert not ctx.get(dut.rx_error)
            await ctx.tick()

    sim = Simulator(top)
    sim.add_clock(1e-6)
    sim.add_testbench(feed)
    sim.add_testbench(take)
    sim.run()
    return received


def test_framing_error_drops_the_byte_and_recovers():
    d = 4
    bad = [0] + [(0x5A >> i) & 1 for i in range(8)] + [0]  # stop bit 0
    levels = [1] * 8 + [b for bit in bad for b in [bit] * d] + [0] * (3 * d)  # a break
    levels += [1] * (2 * d) + line_of([0xC3], d) + [1] * 8
    out = run(UARTReceiver(divisor=d), rx_levels=levels, cycles=len(levels) + 10)
    assert out["received"] == [0xC3]
    assert out["errors"] == 1


def test_short_glitch_is_not_a_start_bit():
    d = 8
    levels = [1] * 8 + [0] * (d // 2 - 2) + [1] * (3 * d) + line_of([0x81], d) + [1] * 8
    out = run(UARTReceiver(divisor=d), rx_levels=levels, cycles=len(levels) + 10)
    assert out["received"] == [0x81]
    assert out["errors"] == 0


def test_overrun_keeps_the_first_byte():
    d = 4
    levels = [1] * 4 + line_of([0x11, 0x22], d) + [1] * 8
    hold = len(levels) + 4
    out = run(UARTReceiver(divisor=d), rx_levels=levels, cycles=hold + 6,
              ready=lambda cycle: cycle >= hold)
    assert out["received"] == [0x11]
    assert out["overruns"] == 1


def test_idle_follows_activity():
    d = 4
    levels = [1] * 4 + line_of([0x42], d) + [1] * 8
    seen = []
    dut = UARTReceiver(divisor=d)

    async def bench(ctx):
        ctx.set(dut.data.ready, 1)
        for level in levels:
            ctx.set(dut.rx, level)
            seen.append(ctx.get(dut.idle))
            await ctx.tick()

    sim = Simulator(dut)
    sim.add_clock(1e-6)
    sim.add_testbench(bench)
    sim.run()
    assert seen[:6] == [1] * 6 and not all(seen[6:40]) and seen[-1] == 1


def test_divisor_from_clock_and_baud():
    assert uart_divisor(clk_freq=12_000_000, baud=3_000_000) == 4
    assert uart_divisor(clk_freq=48_000_000, baud=3_000_000) == 16
    assert uart_divisor(clk_freq=25_000_000, baud=115_200) == 217


@pytest.mark.parametrize("kwargs, message", [
    (dict(clk_freq=25_000_000, baud=3_000_000),
     "baud 3000000 is not reachable from clk_freq 25000000 within 2%: divisor 8 gives 3125000"),
    (dict(clk_freq=12_000_000, baud=4_000_000),
     "baud 4000000 needs at least 4 clock cycles per bit; clk_freq 12000000 gives 3.00"),
    (dict(clk_freq=0, baud=9600), "clk_freq must be a positive number, not 0"),
    (dict(clk_freq=12e6, baud="fast"), "baud must be a positive number, not 'fast'"),
])
def test_wrong_divisor_request(kwargs, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        uart_divisor(**kwargs)


@pytest.mark.parametrize("cls", [UART, UARTReceiver, UARTTransmitter])
def test_wrong_divisor(cls):
    with pytest.raises(ValueError, match=r"^divisor must be an integer >= 4, not 3$"):
        cls(divisor=3)
