# amaranth: UnusedElaboratable=no
"""Formal checks (SymbiYosys + z3, BMC) of the host link's frame parser (``docs/host-link.md``).

A small engine (4-bit word addresses, 2-word bursts, short timeouts) takes a free byte on ``rx``
in every cycle and sees a free bus. The harness follows the bytes on its own: a frame starts with
the request sync byte taken while the engine is idle; it keeps the CRC-32 of the bytes after the
sync byte, the four CRC values before the latest bytes, and the byte count.

- No bus write for a bad or truncated frame: whenever ``w_stb`` is high, the frame taken so far is
  a whole write request (``1 + 8 + 4 * length + 4`` bytes, ``length`` from its header) and its
  last four bytes equal the CRC of the bytes before them.
- Back to idle: with the host reading responses at once, the engine is ``idle`` no later than
  :func:`idle_bound` cycles after the last byte, whatever came before; and ``frame_timeout + 4``
  cycles after it when it has neither touched the bus nor started a response since (a frame cut
  short, or garbage, is dropped).

Both are bounded (BMC); each test names the frames its depth covers.
"""

import pytest
from amaranth import Cat, Elaboratable, Module, Signal
from amaranth.asserts import AnySeq
from amaranth.hdl import Assert

from cerite.driver.link import CRC32_INIT, CRC32_XOROUT, SYNC_REQUEST, Command
from cerite.hw.soc.link import HostLink, crc32_next
from cerite.sim.formal import run_sby, sby_available

pytestmark = pytest.mark.skipif(not sby_available(), reason="yowasp-sby / z3 not installed")

LINK = dict(addr_width=4, max_burst=2, frame_timeout=3, bus_timeout=1)


def idle_bound(*, max_burst, frame_timeout, bus_timeout, **_):
    """Cycles after the last byte within which the engine is idle again: a partial frame waits
    ``frame_timeout``; a whole one is checked (1), executed (``bus_timeout`` per word at most),
    answered (10 header bytes, 4 per data word, 4 CRC bytes), and the engine is idle the cycle
    after."""
    return max(frame_timeout, 1 + max_burst * bus_timeout + 10 + 4 * max_burst + 4) + 1


class LinkProperties(Elaboratable):
    """``check``: ``"crc"`` or ``"idle"``. ``broken`` tests the proof (must fail): ``"count"``
    claims one byte more than a frame has, ``"timeout"`` a frame timeout of 2 cycles."""

    def __init__(self, *, check, broken=None):
        self.check, self.broken = check, broken

    def elaborate(self, platform):
        m = Module()
        m.submodules.dut = dut = HostLink(**LINK)
        rx_valid, rx_byte = AnySeq(1), AnySeq(8)
        m.d.comb += [dut.rx.valid.eq(rx_valid), dut.rx.payload.eq(rx_byte),
                     dut.bus.ack.eq(AnySeq(1)), dut.bus.err.eq(AnySeq(2)),
                     dut.bus.r_data.eq(AnySeq(32))]
        got = dut.rx.valid & dut.rx.ready

        if self.check == "crc":
            m.d.comb += dut.tx.ready.eq(AnySeq(1))
            active, frozen = Signal(), Signal()
            count = Signal(8)
            crc = Signal(32)
            history = [Signal(32, name=f"crc_before{k}") for k in range(4)]
            last = Signal(32)            # the latest four bytes, little-endian
            header = Signal(64)          # the first eight bytes after the sync byte
            with m.If(dut.idle):
                m.d.sync += [active.eq(got & (rx_byte == SYNC_REQUEST)), frozen.eq(0),
                             count.eq(0), crc.eq(CRC32_INIT)]
            with m.Elif(dut.bus.w_stb | dut.bus.r_stb | dut.tx.valid):
                m.d.sync += frozen.eq(1)
            with m.Elif(got & active & ~frozen):
                m.d.sync += [count.eq(count + 1), crc.eq(crc32_next(crc, rx_byte)),
                             history[0].eq(crc), last.eq(Cat(last[8:], rx_byte))]
                m.d.sync += [history[k].eq(history[k - 1]) for k in range(1, 4)]
                with m.If(count < 8):
                    m.d.sync += header.eq(Cat(header[8:], rx_byte))
            length = header[16:32]
            expected = 8 + (length << 2) + 4 + (1 if self.broken == "count" else 0)
            cmd = header[0:8]
            with m.If(dut.bus.w_stb):
                m.d.comb += [Assert(active), Assert(count == expected),
                             Assert((cmd == Command.WRITE) | (cmd == Command.WRITE_FIXED)),
                             Assert((history[3] ^ CRC32_XOROUT) == last)]

        elif self.check == "idle":
            m.d.comb += dut.tx.ready.eq(1)
            quiet = Signal(8)        # byte-free cycles before this one
            acted = Signal()         # a bus access or response since the last byte
            started = Signal()       # some byte was ever sent
            acting = dut.bus.w_stb | dut.bus.r_stb | dut.tx.valid
            with m.If(rx_valid):
                m.d.sync += [quiet.eq(0), acted.eq(0), started.eq(1)]
            with m.Else():
                m.d.sync += [quiet.eq(quiet + (quiet != 255)), acted.eq(acted | acting)]
            with m.If(started & ~rx_valid):
                # A frame cut short (or garbage) is dropped after the frame timeout; a whole one
                # has started its bus access or response by then (CHECK and IDENTIFY take 3).
                quiet_limit = 2 if self.broken == "timeout" else LINK["frame_timeout"] + 4
                with m.If(~(acted | acting) & (quiet + 1 >= quiet_limit)):
                    m.d.comb += Assert(dut.idle)
                with m.If(quiet + 1 >= idle_bound(**LINK)):
                    m.d.comb += Assert(dut.idle)
        else:
            raise ValueError(f"check must be crc or idle, not {self.check!r}")
        return m


# z3 needs more than ten minutes for the step where a whole frame first reaches the bus (it must
# show the harness's CRC and the engine's agree), so both CRC checks are slow.
@pytest.mark.slow
def test_no_bus_write_without_whole_frame_and_good_crc():
    result = run_sby(LinkProperties(check="crc"), name="link_crc", mode="bmc", depth=20,
                     timeout_s=14400)
    assert result.status == "PASS", result.log_tail


@pytest.mark.slow
def test_link_crc_proof_can_fail():
    result = run_sby(LinkProperties(check="crc", broken="count"), name="link_crc_broken",
                     mode="bmc", depth=20, timeout_s=14400)
    assert result.status == "FAIL", result.log_tail


def test_link_idle_proof_can_fail():
    """Claiming the engine is idle two cycles after the last byte is false (a frame cut short
    waits for its timeout)."""
    result = run_sby(LinkProperties(check="idle", broken="timeout"), name="link_idle_broken",
                     mode="bmc", depth=12)
    assert result.status == "FAIL", result.log_tail


# Depth 16 (default): anything of up to 15 bytes (a frame cut short, garbage), followed by
# silence, is dropped in time; 24 (slow) covers a write frame of one word cut anywhere; 48 (slow)
# also the whole bound after executed requests.
@pytest.mark.parametrize("depth", [16, pytest.param(24, marks=pytest.mark.slow),
                                   pytest.param(48, marks=pytest.mark.slow)])
def test_parser_returns_to_idle(depth):
    result = run_sby(LinkProperties(check="idle"), name=f"link_idle_d{depth}", mode="bmc",
                     depth=depth, timeout_s=7200)
    assert result.status == "PASS", result.log_tail
