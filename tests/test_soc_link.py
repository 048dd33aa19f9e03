# amaranth: UnusedElaboratable=no
"""The host-link engine (cerite.hw.soc.link) in the Amaranth simulator.

Responses are compared byte for byte with the driver's encoder (cerite.driver.link), every error
code is provoked, retried requests are answered from the replay record, and random byte strings
never reach the bus and always leave the link idle, ready for the next good frame.
"""

import random
import re
from pathlib import Path

import pytest
from amaranth import Module
from amaranth.lib import wiring
from amaranth.lib.wiring import In
from amaranth.sim import Simulator

from cerite.driver.link import (Command, Status, crc32, decode_response, encode_request,
                                encode_response)
from cerite.hw.common.bus import BusError, BusSignature
from cerite.hw.common.registers import BusDecoder, Peripheral, RegisterMapBuilder, Window
from cerite.hw.soc.link import HostLink
from cerite.hw.soc.top import ScratchPeripheral

MAX_BURST = 16
FRAME_TIMEOUT = 64
BUS_TIMEOUT = 16
SCRATCH = 0x100  # value0..3 at +0..3, config +4, control +5, status +6, ram_addr +7, ram_data +8
STUCK = 0x200  # a window that never has data
FAILING = 0x300  # a target that answers every access with FAILED


class Stuck(Peripheral):
    def __init__(self):
        b = RegisterMapBuilder(name="stuck", desc="A window without data")
        b.add(Window("fifo", "Never valid, never ready"))
        super().__init__(b.build())


class Failing(wiring.Component):
    bus: In(BusSignature(addr_width=1))

    def elaborate(self, platform):
        m = Module()
        m.d.comb += [self.bus.ack.eq(self.bus.r_stb | self.bus.w_stb),
                     self.bus.err.eq(BusError.FAILED)]
        return m


def _system():
    link = HostLink(addr_width=16, max_burst=MAX_BURST, frame_timeout=FRAME_TIMEOUT,
                    bus_timeout=BUS_TIMEOUT)
    decoder = BusDecoder(addr_width=16)
    scratch = ScratchPeripheral(depth=16)
    stuck = Stuck()
    failing = Failing()
    decoder.add(scratch.bus, name="scratch", base=SCRATCH)
    decoder.add(stuck.bus, name="stuck", base=STUCK)
    decoder.add(failing.bus, name="failing", base=FAILING)
    m = Module()
    m.submodules.link = link
    m.submodules.decoder = decoder
    m.submodules.scratch = scratch
    m.submodules.stuck = stuck
    m.submodules.failing = failing
    wiring.connect(m, link.bus, decoder.bus)
    return m, link


def exchange(chunks, *, idle_limit=4000, gap=None):
    """Send each chunk of bytes (back to back), wait until the link is idle again (at most
    ``idle_limit`` cycles), and return ``(tx bytes per chunk, bus writes per chunk)``; a bus
    write is a write access completed without error."""
    m, link = _system()
    replies = [bytearray() for _ in chunks]
    writes = [0 for _ in chunks]
    current = [0]

    async def feeder(ctx):
        for i, chunk in enumerate(chunks):
            current[0] = i
            for b in chunk:
                ctx.set(link.rx.valid, 1)
                ctx.set(link.rx.payload, b)
                await ctx.tick().until(link.rx.ready)
                ctx.set(link.rx.valid, 0)
                if gap:
                    await ctx.tick().repeat(gap)
            ctx.set(link.rx.valid, 0)
            for cycle in range(idle_limit):
                await ctx.tick()
                if ctx.get(link.idle):
                    break
            else:
                raise AssertionError(f"link not idle {idle_limit} cycles after chunk {i}")
            await ctx.tick().repeat(2)

    async def monitor(ctx):
        ctx.set(link.tx.ready, 1)
        async for _, _, valid, payload, w_stb, ack, err in ctx.tick().sample(
                link.tx.valid, link.tx.payload, link.bus.w_stb, link.bus.ack, link.bus.err):
            if valid:
                replies[current[0]].append(payload)
            if w_stb and ack and err == BusError.NONE:  # a write that took effect
                writes[current[0]] += 1

    sim = Simulator(m)
    sim.add_clock(1e-6)
    sim.add_testbench(feeder)
    sim.add_process(monitor)
    sim.run()
    return [bytes(r) for r in replies], writes


def split_responses(data):
    out = []
    while data:
        length = data[4] | data[5] << 8
        size = 14 + 4 * length
        out.append(decode_response(data[:size]))
        data = data[size:]
    return out


def identify_words():
    return [(0xCE21 << 16) | (16 << 8) | 1, MAX_BURST]


def test_commands_answer_exactly():
    requests = [
        encode_request(Command.IDENTIFY, 1),
        encode_request(Command.WRITE, 2, SCRATCH, payload=[11, 22, 33, 44]),
        encode_request(Command.READ, 3, SCRATCH, length=4),
        encode_request(Command.WRITE, 4, SCRATCH + 7, payload=[3]),  # ram_addr = 3
        encode_request(Command.WRITE_FIXED, 5, SCRATCH + 8, payload=[100, 101, 102]),
        encode_request(Command.WRITE, 6, SCRATCH + 7, payload=[3]),
        encode_request(Command.READ_FIXED, 7, SCRATCH + 8, length=3),
        encode_request(Command.READ, 8, SCRATCH + 7, length=1),
        encode_request(Command.READ, 9, SCRATCH + 4, length=1),  # config: depth_log2 = 4
    ]
    replies, _ = exchange(requests)
    expected = [
        encode_response(Command.IDENTIFY, 1, Status.OK, count=2, data=identify_words()),
        encode_response(Command.WRITE, 2, Status.OK, count=4),
        encode_response(Command.READ, 3, Status.OK, count=4, data=[11, 22, 33, 44]),
        encode_response(Command.WRITE, 4, Status.OK, count=1),
        encode_response(Command.WRITE_FIXED, 5, Status.OK, count=3),
        encode_response(Command.WRITE, 6, Status.OK, count=1),
        encode_response(Command.READ_FIXED, 7, Status.OK, count=3, data=[100, 101, 102]),
        encode_response(Command.READ, 8, Status.OK, count=1, data=[6]),
        encode_response(Command.READ, 9, Status.OK, count=1, data=[4]),
    ]
    assert replies == expected


def test_full_burst():
    words = [random.Random(1).getrandbits(32) for _ in range(MAX_BURST)]
    replies, writes = exchange([
        encode_request(Command.WRITE_FIXED, 1, SCRATCH + 8, payload=words),
        encode_request(Command.READ_FIXED, 2, SCRATCH + 8, length=MAX_BURST),
    ])
    assert writes == [MAX_BURST, 0]
    assert replies[1] == encode_response(Command.READ_FIXED, 2, Status.OK, count=MAX_BURST,
                                         data=words)


ERROR_CASES = [  # (what, request, status, count of words done)
    ("unknown command", encode_request(0x77, 1, 0), Status.BAD_COMMAND, 0),
    ("command 0", encode_request(0x00, 2, 0), Status.BAD_COMMAND, 0),
    ("read of 0 words", encode_request(Command.READ, 3, SCRATCH, length=0),
     Status.BAD_LENGTH, 0),
    ("read over max_burst", encode_request(Command.READ, 4, SCRATCH, length=MAX_BURST + 1),
     Status.BAD_LENGTH, 0),
    ("write of 0 words", encode_request(Command.WRITE, 5, SCRATCH, length=0),
     Status.BAD_LENGTH, 0),
    ("write over max_burst", encode_request(Command.WRITE, 6, SCRATCH,
                                            payload=[0] * (MAX_BURST + 1)),
     Status.BAD_LENGTH, 0),
    ("unmapped", encode_request(Command.READ, 7, 0x1000, length=1), Status.BAD_ADDRESS, 0),
    ("past the bus", encode_request(Command.READ, 8, 0xFFFF, length=2), Status.BAD_ADDRESS, 0),
    ("fixed past the bus", encode_request(Command.READ_FIXED, 9, 0x10000, length=1),
     Status.BAD_ADDRESS, 0),
    ("into a hole", encode_request(Command.READ, 10, SCRATCH + 7, length=3),
     Status.BAD_ADDRESS, 2),
    ("write to a constant", encode_request(Command.WRITE, 11, SCRATCH + 4, payload=[1]),
     Status.DENIED, 0),
    ("burst into a constant", encode_request(Command.WRITE, 12, SCRATCH + 2, payload=[1, 2, 3]),
     Status.DENIED, 2),
    ("empty window", encode_request(Command.READ_FIXED, 13, STUCK, length=2), Status.TIMEOUT, 0),
    ("full window", encode_request(Command.WRITE_FIXED, 14, STUCK, payload=[5]),
     Status.TIMEOUT, 0),
    ("failing unit", encode_request(Command.READ, 15, FAILING, length=1), Status.BUS_ERROR, 0),
]


def test_error_statuses():
    replies, writes = exchange([request for _, request, _, _ in ERROR_CASES])
    for (what, request, status, count), reply in zip(ERROR_CASES, replies):
        command, seq = request[1], request[2]
        assert reply == encode_response(command, seq, status, count=count), what
    # only the words before a DENIED inside a burst were written
    assert writes == [0] * 11 + [2, 0, 0, 0]


def test_bad_crc_answers_and_never_writes():
    base = encode_request(Command.WRITE, 9, SCRATCH, payload=[0x1234])
    chunks = []
    for position in range(1, len(base)):
        bad = bytearray(base)
        bad[position] ^= 0x10
        chunks += [bytes(bad), encode_request(Command.WRITE, 100 + position, SCRATCH,
                                              payload=[position])]
    replies, writes = exchange(chunks)
    assert writes == [0, 1] * (len(base) - 1)
    for position in range(1, len(base)):
        bad_reply, good_reply = replies[2 * position - 2:2 * position]
        assert good_reply == encode_response(Command.WRITE, 100 + position, Status.OK, count=1)
        if position >= 9:  # header intact: the device answers BAD_CRC
            assert bad_reply == encode_response(Command.WRITE, 9, Status.BAD_CRC)


def test_replay_answers_without_repeating():
    read7 = encode_request(Command.READ_FIXED, 7, SCRATCH + 8, length=2)
    replies, writes = exchange([
        encode_request(Command.WRITE_FIXED, 1, SCRATCH + 8, payload=[10, 11, 12, 13]),
        encode_request(Command.WRITE, 2, SCRATCH + 7, payload=[0]),
        read7, read7,  # a retry: same data, the RAM pointer advances once
        encode_request(Command.READ, 3, SCRATCH + 7, length=1),
        encode_request(Command.WRITE_FIXED, 4, SCRATCH + 8, payload=[50]),
        encode_request(Command.WRITE_FIXED, 4, SCRATCH + 8, payload=[50]),  # written once
        encode_request(Command.READ, 5, SCRATCH + 7, length=1),
    ])
    assert replies[2] == replies[3] == encode_response(Command.READ_FIXED, 7, Status.OK,
                                                       count=2, data=[10, 11])
    assert split_responses(replies[4])[0].data == (2,)
    assert writes[5:7] == [1, 0]
    assert replies[5] == replies[6]
    assert split_responses(replies[7])[0].data == (3,)


def test_replay_lost_after_payload_overwrote_the_buffer():
    read7 = encode_request(Command.READ_FIXED, 7, SCRATCH + 8, length=2)
    garbage = bytearray(encode_request(Command.WRITE, 8, SCRATCH, payload=[1, 2]))
    garbage[-1] ^= 1  # bad CRC, but its payload went into the buffer
    replies, writes = exchange([read7, bytes(garbage), read7])
    assert writes == [0, 0, 0]
    assert replies[2] == encode_response(Command.READ_FIXED, 7, Status.REPLAY_LOST)


def test_identify_clears_the_replay_record():
    read7 = encode_request(Command.READ_FIXED, 7, SCRATCH + 8, length=1)
    replies, _ = exchange([
        encode_request(Command.WRITE_FIXED, 1, SCRATCH + 8, payload=[10, 11]),
        encode_request(Command.WRITE, 2, SCRATCH + 7, payload=[0]),
        read7, encode_request(Command.IDENTIFY, 3), read7,
    ])
    assert split_responses(replies[2])[0].data == (10,)
    assert split_responses(replies[4])[0].data == (11,)


def test_truncated_frame_is_dropped_after_the_timeout():
    good = encode_request(Command.READ, 4, SCRATCH, length=1)
    replies, writes = exchange([encode_request(Command.WRITE, 3, SCRATCH, payload=[7, 8])[:12],
                                good])
    assert replies[0] == b"" and writes == [0, 0]
    assert replies[1] == encode_response(Command.READ, 4, Status.OK, count=1, data=[0])


def test_slow_bytes_within_the_timeout_are_a_frame():
    good = encode_request(Command.WRITE, 4, SCRATCH, payload=[99])
    replies, writes = exchange([good], gap=FRAME_TIMEOUT - 8)
    assert writes == [1]
    assert replies[0] == encode_response(Command.WRITE, 4, Status.OK, count=1)


def test_fuzz_garbage_never_writes_and_the_link_recovers():
    rng = random.Random(20250611)
    good = encode_request(Command.WRITE, 0x42, SCRATCH + 1, payload=[0xC0FFEE])
    chunks = []
    for i in range(40):
        kind = i % 4
        if kind == 0:  # plain random bytes
            chunk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 48)))
        elif kind == 1:  # random bytes full of sync bytes
            chunk = bytes(rng.choice([0xA5, rng.randrange(256)]) for _ in range(40))
        elif kind == 2:  # a good frame cut short, then noise
            frame = encode_request(Command.WRITE, rng.randrange(256), SCRATCH,
                                   payload=[rng.getrandbits(32) for _ in range(3)])
            chunk = frame[:rng.randrange(1, len(frame))] + bytes([rng.randrange(256)])
        else:  # a good write frame with random bytes flipped
            frame = bytearray(encode_request(Command.WRITE, rng.randrange(256), SCRATCH,
                                             payload=[rng.getrandbits(32) for _ in range(2)]))
            for _ in range(rng.randrange(1, 4)):
                frame[rng.randrange(1, len(frame))] ^= 1 << rng.randrange(8)
            chunk = bytes(frame)
        chunks.append(chunk)
    chunks.append(good)
    chunks.append(encode_request(Command.READ, 0x43, SCRATCH + 1, length=1))
    replies, writes = exchange(chunks)
    print(f"seed 20250611, {len(chunks)} chunks")
    assert writes == [0] * 40 + [1, 0]
    assert replies[-2] == encode_response(Command.WRITE, 0x42, Status.OK, count=1)
    assert replies[-1] == encode_response(Command.READ, 0x43, Status.OK, count=1,
                                          data=[0xC0FFEE])
    for reply in replies[:40]:  # anything the garbage provoked is a well-formed error response
        for response in split_responses(reply):
            assert response.status != Status.OK


def test_bytes_during_a_response_are_dropped():
    read = encode_request(Command.READ, 5, SCRATCH, length=MAX_BURST // 2)
    replies, writes = exchange([read + bytes(range(0xA0, 0xB0)) + bytes([0xA5] * 8),
                                encode_request(Command.READ, 6, SCRATCH, length=1)])
    assert writes == [0, 0]
    assert replies[0] == encode_response(Command.READ, 5, Status.OK, count=8,
                                         data=[0, 0, 0, 0, 4, 5 << 8, 0, 0])
    assert replies[1] == encode_response(Command.READ, 6, Status.OK, count=1, data=[0])


def test_crc_of_a_response_covers_everything_after_sync():
    (reply,), _ = exchange([encode_request(Command.IDENTIFY, 1)])
    assert int.from_bytes(reply[-4:], "little") == crc32(reply[1:-4])


@pytest.mark.parametrize("kwargs, message", [
    (dict(max_burst=1), "max_burst must be an integer in 2..65535, not 1"),
    (dict(max_burst=70000), "max_burst must be an integer in 2..65535, not 70000"),
    (dict(addr_width=0), "addr_width must be an integer in 1..32, not 0"),
    (dict(frame_timeout=0), r"frame_timeout must be an integer in 1..4294967296, not 0"),
    (dict(bus_timeout=1.5), r"bus_timeout must be an integer in 1..4294967296, not 1.5"),
])
def test_wrong_parameters(kwargs, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        HostLink(**kwargs)


def test_examples_in_the_documentation_are_frames():
    text = (Path(__file__).resolve().parent.parent / "docs" / "host-link.md").read_text()
    frames = [bytes.fromhex(hexes) for hexes in re.findall(
        r"(?:request|response) +((?:[0-9a-f]{2} )*[0-9a-f]{2})$", text, flags=re.M)]
    assert len(frames) == 8
    requests, responses = frames[0::2], frames[1::2]
    replies, _ = exchange(requests[:1])  # the device's own IDENTIFY answer, max_burst aside
    assert replies[0][:14] == responses[0][:14]
    for frame in requests:
        assert frame[0] == 0xA5 and int.from_bytes(frame[-4:], "little") == crc32(frame[1:-4])
    for frame in responses:
        decode_response(frame)
