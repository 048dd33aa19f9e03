"""The host driver on the simulated board (and on scripted and faulty transports).

The board is built once (cached across workers and runs, see cerite.sim.board). The driver code
under test is the same that drives a real board: only the transport differs. A fault-injecting
transport flips bits, drops and duplicates bytes and stalls the device; the driver must then
return correct data after retries or raise the documented exception, never return wrong data.

The tests in :data:`DRIVER_SUITE` take the device from the ``device`` fixture (here the simulated
board) and hold for any profile and transport: tests/test_hil.py runs them on a real board.
"""

import copy
import os
import random
import re
import struct
import time
import types

import pytest

from cerite import regmap_generated
from cerite.driver import (Command, DesignMismatch, Device, DeviceAccessDenied, DeviceBadAddress,
                           DeviceBadLength, Link, LinkError, LinkTimeout, SerialTransport,
                           SimTransport, Status, Transport, TransportError, open_transport)
from cerite.assurance.faults import FaultyTransport
from cerite.driver.link import decode_response, encode_request, encode_response
from cerite.sim.board import build_board

SCRATCH_DEPTH = regmap_generated.PROFILES["sim"]["parameters"]["scratch_depth"]


@pytest.fixture(scope="module")
def board():
    return build_board()


@pytest.fixture(scope="module")
def device(board):
    """The device of the driver suite: the simulated board (its default, ``sim`` profile)."""
    with Device(SimTransport()) as dev:
        yield dev


# -- the driver suite: any device, any profile ---------------------------------------------------

def test_identify(device):
    ident = device.identity
    data = regmap_generated.PROFILES[ident.profile]
    assert ident.version == (1, 0)
    assert ident.parameters == data["parameters"]
    assert ident.map_hash == data["map_hash"]
    assert ident.link.max_burst == data["parameters"]["link_max_burst"]
    assert ident.link.addr_width == 16
    assert device.read("ident.magic") == 0x43455249
    if isinstance(device.transport, SimTransport):
        assert ident.profile == "sim"
        assert ident.info == {"clk_freq": 12_000_000, "uart_divisor": 4,
                              "frame_timeout": 24_000, "bus_timeout": 1024}
    else:
        assert ident.info["clk_freq"] > 0 and ident.info["uart_divisor"] >= 4


def test_registers_and_fields_by_name(device):
    for i, value in enumerate([0, 0xFFFFFFFF, 0x12345678, 0x80000001]):
        device.write(f"scratch.value{i}", value)
    assert [device.read(f"scratch.value{i}") for i in range(4)] == [
        0, 0xFFFFFFFF, 0x12345678, 0x80000001]
    device.write("scratch.control.mode", 9)
    assert device.read("scratch.control") == 9 << 8
    before = device.read("scratch.status.pulses")
    for _ in range(3):
        device.write("scratch.control", count=1)  # keeps mode, pulses once each
    assert device.read("scratch.status.pulses") == (before + 3) & 0xFFFF
    assert device.read("scratch.control.mode") == 9
    depth = device.identity.parameters["scratch_depth"]
    assert device.read("scratch.config.depth_log2") == depth.bit_length() - 1
    base = device.regmap.address("scratch.value0")
    assert device.read_words(base, 4) == [0, 0xFFFFFFFF, 0x12345678, 0x80000001]


def test_burst_of_4096_words_round_trip(device):
    """A whole burst (4096 words on the full and sim profiles) in one request each way."""
    burst = device.identity.link.max_burst
    depth = device.identity.parameters["scratch_depth"]
    count = min(burst, depth)
    rng = random.Random(4096)
    words = [rng.getrandbits(32) for _ in range(count)]
    device.write("scratch.ram_addr", 0)
    requests, attempts = device.link.stats["requests"], device.link.stats["attempts"]
    device.write_window("scratch.ram_data", words)
    assert device.link.stats["requests"] == requests + 1
    assert device.read("scratch.ram_addr") == count % depth
    device.write("scratch.ram_addr", 0)
    assert device.read_window("scratch.ram_data", count) == words
    # no retries
    assert device.link.stats["attempts"] - attempts == device.link.stats["requests"] - requests


def test_device_errors_raise_their_exceptions(device):
    with pytest.raises(DeviceBadAddress, match=re.escape(
            "no register or window at the address: READ of 1 words at 0x1000 (0 done)")):
        device.read_words(0x1000, 1)
    with pytest.raises(DeviceBadAddress, match=r"READ of 2 words at 0xffff"):
        device.read_words(0xFFFF, 2)
    with pytest.raises(DeviceAccessDenied, match=re.escape(
            "access denied: WRITE of 1 words at 0x104 (0 done)")):
        device.write("scratch.config", 1)
    burst = device.identity.link.max_burst
    with pytest.raises(DeviceBadLength, match=re.escape(
            f"bad length {burst + 1} (the device takes 1..{burst} words): READ of {burst + 1} "
            f"words at 0x100")):
        device.link.request(Command.READ, 0x100, length=burst + 1)
    assert device.read("scratch.value0") is not None  # the link still works


def test_unknown_command_gets_bad_command(device):
    transport = device.transport
    transport.discard_input()
    transport.write(encode_request(0x6E, 0x33, 0))
    expected = encode_response(0x6E, 0x33, Status.BAD_COMMAND)
    data = b""
    deadline = time.monotonic() + 5
    while len(data) < len(expected) and time.monotonic() < deadline:
        data += transport.read(64, 0.5)
    assert data == expected


def test_wrong_names_and_values(device):
    with pytest.raises(KeyError, match="no register or window 'scratch.nothing'"):
        device.read("scratch.nothing")
    with pytest.raises(KeyError, match="no field 'nothing' in 'scratch.control'"):
        device.read("scratch.control.nothing")
    with pytest.raises(ValueError, match="^'scratch.ram_data' is a window; use read_window$"):
        device.read("scratch.ram_data")
    with pytest.raises(ValueError, match="^'scratch.value0' is a register, not a window$"):
        device.read_window("scratch.value0", 1)
    with pytest.raises(ValueError, match="^field 'mode' takes an integer in 0..15, not 16$"):
        device.write("scratch.control", mode=16)
    with pytest.raises(ValueError, match="^'scratch.control' has no field 'speed'; its fields "
                                         "are count, mode$"):
        device.write("scratch.control", speed=1)
    with pytest.raises(ValueError, match="^value must be an integer in 0..4294967295, not -1$"):
        device.write("scratch.value0", -1)


#: The tests above: they take only the ``device`` fixture and hold on any board.
DRIVER_SUITE = (test_identify, test_registers_and_fields_by_name,
                test_burst_of_4096_words_round_trip, test_device_errors_raise_their_exceptions,
                test_unknown_command_gets_bad_command, test_wrong_names_and_values)


# -- faults -------------------------------------------------------------------------------------

def test_faulty_transport_names_an_unknown_fault_kind():
    transport = FaultyTransport(types.SimpleNamespace(default_timeout=1.0),
                                plan={("request", 0): "melt"})
    with pytest.raises(ValueError, match="^fault kind must be one of flip, drop, dup, not 'melt'$"):
        transport.write(b"\x5a")


def faulty_device(**kwargs):
    transport = FaultyTransport(SimTransport(), **kwargs)
    return Device(transport, timeout=0.3, retries=6), transport


@pytest.mark.parametrize("where, kind", [
    ("request", "flip"), ("request", "drop"), ("request", "dup"),
    ("response", "flip"), ("response", "drop"), ("response", "dup"),
])
def test_a_damaged_window_read_is_retried_without_losing_data(board, where, kind):
    dev, transport = faulty_device()
    with dev:
        words = list(range(1000, 1040))
        dev.write("scratch.ram_addr", 0)
        dev.write_window("scratch.ram_data", words)
        dev.write("scratch.ram_addr", 0)
        transport.plan = {(where, transport.writes if where == "request" else transport.reads):
                          kind}
        attempts = dev.link.stats["attempts"]
        assert dev.read_window("scratch.ram_data", 40) == words
        assert [k for _, k in transport.damaged] == [kind]
        assert dev.link.stats["attempts"] > attempts + 1  # it was retried
        assert dev.read("scratch.ram_addr") == 40  # popped once, not twice


def test_a_damaged_pulse_is_not_repeated(board):
    dev, transport = faulty_device()
    with dev:
        before = dev.read("scratch.status.pulses")
        transport.plan = {("response", transport.reads): "flip"}
        dev.write("scratch.control", count=1, mode=2)
        assert dev.read("scratch.status.pulses") == (before + 1) & 0xFFFF


def test_a_stalled_device_raises_link_timeout(board):
    dev, transport = faulty_device()
    with dev:
        transport.stalled = True
        dev.link._retries = 2
        started = time.monotonic()
        with pytest.raises(LinkTimeout, match=r"^no valid response to READ at 0x100 \(seq \d+\) "
                                              r"in 3 attempts \(0\.\d\d s each\)$"):
            dev.read("scratch.value0")
        assert time.monotonic() - started < 5


def test_random_faults_never_give_wrong_data(board):
    seed = 1234
    rng = random.Random(seed)
    dev, transport = faulty_device(rate=0.1, seed=seed)
    depth = SCRATCH_DEPTH
    with dev:
        values = [dev.read(f"scratch.value{i}") for i in range(4)]
        pulses = dev.read("scratch.status.pulses")
        ram = {}
        dev.write("scratch.ram_addr", 0)
        ptr = 0
        for step in range(70):
            op = rng.randrange(6)
            context = f"seed {seed}, step {step}, op {op}"
            if op == 0:
                i, v = rng.randrange(4), rng.getrandbits(32)
                dev.write(f"scratch.value{i}", v)
                values[i] = v
            elif op == 1:
                i = rng.randrange(4)
                assert dev.read(f"scratch.value{i}") == values[i], context
            elif op == 2:
                words = [rng.getrandbits(32) for _ in range(rng.randrange(1, 64))]
                dev.write_window("scratch.ram_data", words)
                for w in words:
                    ram[ptr] = w
                    ptr = (ptr + 1) % depth
            elif op == 3:
                n = rng.randrange(1, 64)
                got = dev.read_window("scratch.ram_data", n)
                want = [ram.get((ptr + k) % depth, 0) for k in range(n)]
                ptr = (ptr + n) % depth
                assert got == want, context
            elif op == 4:
                dev.write("scratch.control", count=1)
                pulses = (pulses + 1) & 0xFFFF
                assert dev.read("scratch.status.pulses") == pulses, context
            else:
                ptr = rng.randrange(depth)
                dev.write("scratch.ram_addr", ptr)
                assert dev.read("scratch.ram_addr") == ptr, context
        print(f"seed {seed}: {len(transport.damaged)} faults injected, link stats "
              f"{dev.link.stats}")
        assert len(transport.damaged) > 10


# -- identification ----------------------------------------------------------------------------

def doctored(change):
    gen = types.SimpleNamespace(**{k: copy.deepcopy(getattr(regmap_generated, k)) for k in (
        "MAGIC", "VERSION", "IDENT_BASE", "IDENT_HEADER", "PROFILES")})
    change(gen)
    return gen


@pytest.mark.parametrize("change, message", [
    (lambda g: g.PROFILES["sim"]["parameters"].update(scratch_depth=1024),
     "the device does not match this driver's 'sim' register map:\n"
     "  scratch_depth: the device has 4096, the driver expects 1024\n"
     "rebuild the bitstream or simulated board from this checkout, or regenerate "
     "software/regmap_generated.py"),
    (lambda g: g.PROFILES["sim"].update(map_hash=0x12345678),
     "the device does not match this driver's 'sim' register map:\n"
     f"  register map hash: the device has 0x{regmap_generated.PROFILES['sim']['map_hash']:08x}"
     ", the driver expects 0x12345678\n"),
    (lambda g: g.PROFILES.pop("sim"),
     "the device reports profile code 3; this driver knows 1 (full), 2 (small)"),
    (lambda g: setattr(g, "MAGIC", 0x11111111),
     "not a cerite SoC: word 0x0 reads 0x43455249, not the magic 0x11111111"),
    (lambda g: setattr(g, "VERSION", (2, 0)),
     "the device's SoC version is 1.0; this driver needs 2.x"),
])
def test_a_mismatching_design_is_refused(board, change, message):
    transport = SimTransport()
    try:
        with pytest.raises(DesignMismatch, match=f"^{re.escape(message)}"):
            Device(transport, regmap=doctored(change))
    finally:
        transport.close()


# -- the board process ---------------------------------------------------------------------------

def _cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc")
def test_board_sleeps_when_idle_and_exits_when_stdin_closes(board):
    transport = SimTransport()
    link = Link(transport)
    link.read(0, 1)
    time.sleep(0.2)
    before = _cpu_seconds(transport._proc.pid)
    time.sleep(1.0)
    used = _cpu_seconds(transport._proc.pid) - before
    transport.close()
    assert used < 0.1, f"the idle board used {used:.2f} s of CPU in 1 s"
    assert transport._proc.returncode == 0
    assert transport.stats["cycles"] > 1000 and transport.stats["cycles_per_second"] > 0
    print(f"simulated board: {transport.stats['cycles_per_second'] / 1e6:.1f} M cycles/s")


def test_a_dead_board_is_reported(board):
    transport = SimTransport()
    transport._proc.kill()
    transport._proc.wait()
    with pytest.raises(TransportError, match=r"^the simulated board exited \(code -9\)"):
        while True:
            transport.read(1, 1.0)
    transport.close()


# -- transports and the link without a board ----------------------------------------------------

def test_open_transport_errors(monkeypatch):
    with pytest.raises(TransportError,
                       match="^serial port '/dev/cerite-no-such-port' does not exist$"):
        open_transport("serial:/dev/cerite-no-such-port")
    with pytest.raises(ValueError, match=re.escape(
            "device must be 'sim', 'sim:PROFILE', 'serial:PORT' or 'serial:PORT@BAUD', not "
            "'usb'")):
        open_transport("usb")
    with pytest.raises(ValueError, match="^baud in 'serial:/dev/x@fast' must be an integer$"):
        open_transport("serial:/dev/x@fast")
    monkeypatch.setenv("CERITE_DEVICE", "nowhere")
    with pytest.raises(ValueError, match="not 'nowhere'$"):
        open_transport()
    with pytest.raises(ValueError,
                       match="^profile must be one of full, small, sim, small-mmu, not 'tiny'$"):
        open_transport("sim:tiny")


def test_serial_transport_over_a_loopback():
    transport = SerialTransport("loop://")
    try:
        transport.write(b"cerite")
        data = b""
        while len(data) < 6:
            data += transport.read(16, 1.0)
        assert data == b"cerite"
        assert transport.read(16, 0.05) == b""
        # The host's own request echoed back is never taken for a response.
        link = Link(transport, retries=1, timeout=0.05)
        with pytest.raises(LinkTimeout, match=r"^no valid response to IDENTIFY"):
            link.info()
    finally:
        transport.close()


class ScriptedTransport(Transport):
    """Answers each request with the frames ``script(seq, command, length)`` returns."""
    default_timeout = 0.2

    def __init__(self, script):
        self.script = script
        self.pending = b""

    def write(self, data):
        seq, command, length = data[2], data[1], data[3] | data[4] << 8
        self.pending += b"".join(self.script(seq, command, length))

    def read(self, size, timeout):
        data, self.pending = self.pending[:size], self.pending[size:]
        if not data:
            time.sleep(min(timeout, 0.01))
        return data

    def close(self):
        pass


IDENT = [(0xCE21 << 16) | (16 << 8) | 1, 4096]


def test_link_discards_stale_and_corrupt_responses():
    def script(seq, command, length):
        if command == Command.IDENTIFY:
            return [encode_response(command, seq, Status.OK, count=2, data=IDENT)]
        stale = encode_response(command, (seq - 1) & 0xFF, Status.OK, count=1, data=[666])
        other = encode_response(Command.READ_FIXED, seq, Status.OK, count=1, data=[667])
        bad = bytearray(encode_response(command, seq, Status.OK, count=1, data=[668]))
        bad[10] ^= 1
        return [b"\x5a\x00noise", stale, other, bytes(bad),
                encode_response(command, seq, Status.OK, count=1, data=[42])]

    link = Link(ScriptedTransport(script), retries=2)
    assert link.read(0x10, 1) == [42]
    assert link.stats["stale"] >= 2 and link.stats["corrupted"] >= 1


def test_link_refuses_a_malformed_answer_and_a_foreign_device():
    def script(seq, command, length):
        if command == Command.IDENTIFY:
            return [encode_response(command, seq, Status.OK, count=2, data=IDENT)]
        return [encode_response(command, seq, Status.OK, count=3)]

    with pytest.raises(LinkError, match=re.escape(
            "malformed OK response to READ: 0 data words and count 3, expected 1 and 1")):
        Link(ScriptedTransport(script)).read(0, 1)

    def foreign(seq, command, length):
        return [encode_response(command, seq, Status.OK, count=2, data=[0x12345678, 1])]

    with pytest.raises(LinkError, match=re.escape(
            "the device is not a cerite host link: IDENTIFY returned 0x12345678")):
        Link(ScriptedTransport(foreign)).info()


def test_link_gives_up_on_a_device_that_always_sees_bad_crcs():
    from cerite.driver import DeviceBadCRC

    def script(seq, command, length):
        return [encode_response(command, seq, Status.BAD_CRC)]

    with pytest.raises(DeviceBadCRC, match=r"^the device saw a bad CRC in IDENTIFY at 0x0 "
                                           r"\(seq \d+\) in 3 attempts: the link corrupts "
                                           r"requests$"):
        Link(ScriptedTransport(script), retries=2).info()


def test_link_splits_long_transfers():
    seen = []

    def script(seq, command, length):
        if command == Command.IDENTIFY:
            return [encode_response(command, seq, Status.OK, count=2,
                                    data=[IDENT[0], 4])]
        return [encode_response(command, seq, Status.OK, count=length, data=[seq] * length)]

    transport = ScriptedTransport(script)
    original = transport.write

    def spy(data):
        seen.append(struct.unpack_from("<BBBHI", data, 0))
        original(data)

    transport.write = spy
    link = Link(transport)
    assert len(link.read(0x20, 12, fixed=True)) == 12
    reads = [(cmd, length, addr) for _, cmd, _, length, addr in seen if cmd != Command.IDENTIFY]
    assert reads == [(Command.READ_FIXED, 4, 0x20)] * 3
    seen.clear()
    link.read(0x20, 9)
    assert [(length, addr) for _, _, _, length, addr in seen] == [(4, 0x20), (4, 0x24),
                                                                  (1, 0x28)]


@pytest.mark.parametrize("kwargs, message", [
    (dict(retries=-1), "retries must be an integer in 0..100, not -1"),
    (dict(timeout=0), "timeout must be a positive number of seconds, not 0"),
])
def test_wrong_link_parameters(kwargs, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        Link(ScriptedTransport(lambda seq, command, length: []), **kwargs)


def test_decode_response_names_the_problem():
    good = encode_response(Command.READ, 1, Status.OK, count=1, data=[5])
    assert decode_response(good).data == (5,)
    with pytest.raises(ValueError, match="^response CRC 0x"):
        decode_response(good[:-1] + bytes([good[-1] ^ 1]))
    with pytest.raises(ValueError, match="^a response starts with 0x5a, not 0xa5$"):
        decode_response(b"\xa5" + good[1:])
    with pytest.raises(ValueError, match="^a response with length 1 has 18 bytes, not 17$"):
        decode_response(good[:-1])


@pytest.mark.slow
def test_trace_writes_a_waveform(tmp_path):
    vcd = tmp_path / "board.vcd"
    transport = SimTransport(trace=vcd)
    try:
        assert Link(transport).info().max_burst == 4096
    finally:
        transport.close()
    text = vcd.read_text()
    assert text.startswith("$version") and " uart_tx " in text


@pytest.mark.slow
def test_small_profile_board():
    with Device.open("sim:small") as dev:
        assert dev.identity.profile == "small"
        assert dev.identity.parameters == regmap_generated.PROFILES["small"]["parameters"]
        words = list(range(2000))  # longer than the small profile's 1024-word bursts
        dev.write("scratch.ram_addr", 0)
        dev.write_window("scratch.ram_data", words)
        depth = dev.identity.parameters["scratch_depth"]
        dev.write("scratch.ram_addr", 0)
        last = {k % depth: k for k in words}  # the RAM wraps: the last word at each address
        assert dev.read_window("scratch.ram_data", depth) == [last[j] for j in range(depth)]
