"""CRC-32/ISO-HDLC of the host link: the software model against zlib and the catalogue's check
value and residue, and the gateware's byte update against the software model."""

import random
import zlib

from amaranth import Module, Signal
from amaranth.sim import Simulator
from hypothesis import given, settings
from hypothesis import strategies as st

from cerite.driver.link import (CRC32_CHECK, CRC32_INIT, CRC32_RESIDUE, CRC32_XOROUT, crc32,
                                crc32_update)
from cerite.hw.soc.link import crc32_next


def test_check_value():
    # Catalogue of parametrised CRC algorithms, CRC-32/ISO-HDLC: check=0xcbf43926.
    assert crc32(b"123456789") == CRC32_CHECK == 0xCBF43926


def test_empty_message():
    assert crc32(b"") == 0


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_model_matches_zlib(data):
    assert crc32(data) == zlib.crc32(data)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=100))
def test_residue(data):
    # A message followed by its CRC, little-endian, leaves the register at the residue.
    assert crc32_update(CRC32_INIT, data + crc32(data).to_bytes(4, "little")) == CRC32_RESIDUE


def test_gateware_byte_update_matches_model():
    crc_in = Signal(32)
    byte = Signal(8)
    crc_out = Signal(32)
    m = Module()
    m.d.comb += crc_out.eq(crc32_next(crc_in, byte))
    rng = random.Random(7)
    vectors = [(rng.getrandbits(32), rng.randrange(256)) for _ in range(300)]
    vectors += [(0, 0), (0xFFFFFFFF, 0xFF), (CRC32_INIT, 0x31), (1, 0), (0, 1)]
    message = b"123456789"
    seen = []

    async def testbench(ctx):
        for state, b in vectors:
            ctx.set(crc_in, state)
            ctx.set(byte, b)
            assert ctx.get(crc_out) == crc32_update(state, [b]), (hex(state), b)
        state = CRC32_INIT
        for b in message:
            ctx.set(crc_in, state)
            ctx.set(byte, b)
            state = ctx.get(crc_out)
        seen.append(state ^ CRC32_XOROUT)

    sim = Simulator(m)
    sim.add_testbench(testbench)
    sim.run()
    assert seen == [CRC32_CHECK]
