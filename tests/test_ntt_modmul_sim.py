# amaranth: UnusedElaboratable=no
"""Amaranth-simulator tests of the NTT modular multiplier (``cerite.hw.ntt.modmul``)."""

import random

import pytest
from amaranth.hdl import Fragment
from amaranth.sim import Simulator

from cerite.hw.ntt.modmul import ModMul, modmul_latency, split_mul_levels
from cerite.ntt.reduction import (SOLINAS_Q, barrett_constants, montgomery_constants)


def expected(reducer, a, b, q, width):
    """The multiplier's contract: a*b mod q, times 2**-width for Montgomery."""
    if reducer == "montgomery":
        return a * b * pow(1 << width, -1, q) % q
    return a * b % q


def context(dut, reducer, q, width):
    if reducer == "barrett":
        k, mu = barrett_constants(q)
        return [(dut.q, q), (dut.k, k), (dut.mu, mu)]
    if reducer == "montgomery":
        return [(dut.q, q), (dut.qprime, montgomery_constants(q, width))]
    return [(dut.q, q)]


def run_pairs(reducer, width, q, pairs, *, depth, stall_every=0, dsp_width=None):
    """Stream operand pairs through the pipeline (with optional stalls) and check every result
    ``dut.latency`` advancing cycles after its operands."""
    dut = ModMul(width=width, reducer=reducer, pipeline_depth=depth, dsp_width=dsp_width)
    results = []

    async def bench(ctx):
        for signal, value in context(dut, reducer, q, width):
            ctx.set(signal, value)
        in_flight = []
        cycle = 0
        feed = list(pairs)
        while feed or any(p is not None for p in in_flight):
            stall = stall_every and cycle % stall_every == stall_every - 1
            ctx.set(dut.en, 0 if stall else 1)
            if not stall:
                pair = feed.pop(0) if feed else None
                if pair is not None:
                    ctx.set(dut.a, pair[0])
                    ctx.set(dut.b, pair[1])
                in_flight.append(pair)
            await ctx.tick()
            cycle += 1
            if not stall and len(in_flight) > dut.latency - 1:
                # The result of the pair entered `latency` advancing cycles ago is now on r
                # (registered output) once the tick has happened.
                pair = in_flight.pop(0)
                if pair is not None:
                    results.append((pair, ctx.get(dut.r)))

    sim = Simulator(dut)
    sim.add_clock(1e-6)
    sim.add_testbench(bench)
    sim.run()
    assert len(results) == len([p for p in pairs if p is not None])
    for (a, b), r in results:
        assert r == expected(reducer, a, b, q, width), (reducer, q, a, b, r)


@pytest.mark.parametrize("reducer", ["barrett", "montgomery"])
@pytest.mark.parametrize("dsp_width", [None, 8])
def test_exhaustive_one_operand_14_bit(reducer, dsp_width):
    """Every a in [0, q) against a few fixed b (including 0, 1, q-1) for q = 12289, width 14;
    ``dsp_width = 8`` splits every product of this width into a tree of partial products."""
    q, width = 12289, 14
    rng = random.Random(1)
    fixed = [0, 1, q - 1, rng.randrange(q)]
    pairs = [(a, b) for b in fixed for a in range(q)]
    run_pairs(reducer, width, q, pairs, depth=4, dsp_width=dsp_width)


@pytest.mark.parametrize("reducer", ["barrett", "montgomery"])
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_exhaustive_one_operand_split_products(reducer, depth):
    """As above with the split products (``dsp_width = 8``) at the other pipeline depths, against
    one random b and q - 1, and a q narrower than the datapath for Barrett."""
    q, width = (7681, 14) if reducer == "barrett" and depth == 2 else (12289, 14)
    b = random.Random(depth).randrange(q)
    pairs = [(a, bb) for bb in (b, q - 1) for a in range(q)]
    run_pairs(reducer, width, q, pairs, depth=depth, stall_every=7, dsp_width=8)


@pytest.mark.parametrize("reducer,width,q", [
    ("barrett", 14, 7681),          # q narrower than the datapath
    ("barrett", 28, 268042241),
    ("barrett", 32, 4293918721),
    ("montgomery", 14, 7681),
    ("montgomery", 28, 268042241),
    ("montgomery", 32, 4293918721),
    ("solinas", 32, SOLINAS_Q),
])
@pytest.mark.parametrize("depth", [1, 2, 3, 4])
@pytest.mark.parametrize("dsp_width", [None, 18])
def test_random_products(reducer, width, q, depth, dsp_width):
    rng = random.Random(f"{reducer}{width}{q}{depth}")
    edge = [(0, 0), (q - 1, q - 1), (1, q - 1), (q - 1, 1)]
    pairs = edge + [(rng.randrange(q), rng.randrange(q)) for _ in range(300)]
    run_pairs(reducer, width, q, pairs, depth=depth, stall_every=5, dsp_width=dsp_width)


@pytest.mark.parametrize("reducer,width,q", [
    ("barrett", 32, 4293918721), ("barrett", 28, 12289), ("montgomery", 28, 268042241),
    ("solinas", 32, SOLINAS_Q)])
@pytest.mark.parametrize("dsp_width", [9, 16, 64])
def test_random_products_other_dsp_widths(reducer, width, q, dsp_width):
    """Four-limb trees (9), the iCE40 size (16) and one multiplier per product (64)."""
    rng = random.Random(f"{reducer}{width}{q}{dsp_width}")
    edge = [(0, 0), (q - 1, q - 1), (1, q - 1), (q - 1, 1)]
    pairs = edge + [(rng.randrange(q), rng.randrange(q)) for _ in range(150)]
    run_pairs(reducer, width, q, pairs, depth=4, stall_every=3, dsp_width=dsp_width)


@pytest.mark.parametrize("kwargs,message", [
    ({"width": 14, "reducer": "karatsuba"},
     r"reducer must be one of barrett, montgomery, solinas, not 'karatsuba'"),
    ({"width": 1, "reducer": "barrett"}, r"width must be an integer in 2\.\.64, not 1"),
    ({"width": 28, "reducer": "solinas"}, r"width must be 32 for the solinas reducer, not 28"),
    ({"width": 14, "reducer": "barrett", "pipeline_depth": 0},
     r"pipeline_depth must be an integer in 1\.\.4, not 0"),
    ({"width": 14, "reducer": "barrett", "pipeline_depth": 5},
     r"pipeline_depth must be an integer in 1\.\.4, not 5"),
    ({"width": 14, "reducer": "barrett", "dsp_width": 7},
     r"dsp_width must be None or an integer in 8\.\.64, not 7"),
    ({"width": 14, "reducer": "montgomery", "dsp_width": "18"},
     r"dsp_width must be None or an integer in 8\.\.64, not '18'"),
    ({"width": 14, "reducer": "montgomery", "dsp_width": True},
     r"dsp_width must be None or an integer in 8\.\.64, not True"),
])
def test_wrong_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ModMul(**kwargs)


def test_latency_is_pipeline_depth():
    for depth in range(1, 5):
        dut = ModMul(width=14, reducer="barrett", pipeline_depth=depth)
        Fragment.get(dut, None)  # elaborate it, as every design must be
        assert dut.latency == depth


def test_split_product_levels():
    # 28 x 28 in 18-bit pieces: four partial products, two adder levels; the low 30 bits of
    # 29 x 28 need three of them (the high x high piece starts at bit 36), still two levels.
    assert split_mul_levels(28, 28, dsp_width=18) == 2
    assert split_mul_levels(29, 28, dsp_width=18, out_bits=30) == 2
    assert split_mul_levels(17, 17, dsp_width=18) == 0
    assert split_mul_levels(32, 32, dsp_width=9) == 4        # 16 partial products
    assert split_mul_levels(32, 32, dsp_width=16, out_bits=16) == 0


@pytest.mark.parametrize("reducer,width,dsp_width,latency", [
    # Barrett: product 2 + shift 1 + estimate 2 + shift 1 + qhat*q 2 + 1 + correction 1.
    ("barrett", 28, 18, 10), ("barrett", 32, 18, 10), ("barrett", 14, 18, 4),
    # Montgomery: product 2 + m 2 + m*q 2 + 1. Solinas: product 2 + fold 1.
    ("montgomery", 32, 18, 7), ("solinas", 32, 18, 3), ("solinas", 32, 64, 1)])
@pytest.mark.parametrize("depth", [1, 4])
def test_latency_with_split_products(reducer, width, dsp_width, latency, depth):
    """The documented latencies; elaboration checks that the registers built match them."""
    dut = ModMul(width=width, reducer=reducer, pipeline_depth=depth, dsp_width=dsp_width)
    Fragment.get(dut, None)
    assert dut.latency == depth + latency
    assert modmul_latency(width=width, reducer=reducer, pipeline_depth=depth,
                          dsp_width=dsp_width) == depth + latency
