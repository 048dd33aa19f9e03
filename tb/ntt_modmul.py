"""cocotb testbench of the NTT modular multiplier (``cerite.hw.ntt.modmul.ModMul``).

Driver: random operand pairs, with random stall cycles (``en`` low). Model:
:func:`cerite.ntt.reduction` constants and ``a*b mod q`` (times ``2**-width`` for Montgomery).
Scoreboard: every result that leaves the pipeline is compared, in order.
"""

import collections
import random

import cocotb
from cocotb.triggers import ReadOnly, RisingEdge

from cerite.ntt.reduction import barrett_constants, montgomery_constants
from cerite.tb.common import cover, param, start


def expected(reducer, a, b, q, width):
    if reducer == "montgomery":
        return a * b * pow(1 << width, -1, q) % q
    return a * b % q


def load_context(dut, reducer, q, width):
    dut.q.value = q
    if reducer == "barrett":
        k, mu = barrett_constants(q)
        dut.k.value = k
        dut.mu.value = mu
    elif reducer == "montgomery":
        dut.qprime.value = montgomery_constants(q, width)


@cocotb.test()
async def random_products_with_stalls(dut):
    width, q, latency = param("width"), param("q"), param("latency")
    reducer = param("reducer", str)
    count, stall_p = param("count"), param("stall_p", float)
    rng = random.Random(cocotb.RANDOM_SEED)
    cover("ntt.reducer", reducer)

    load_context(dut, reducer, q, width)
    dut.en.value = 0
    await start(dut)

    edge = [(0, 0), (q - 1, q - 1), (1, q - 1), (q - 1, 1)]
    feed = collections.deque(edge + [(rng.randrange(q), rng.randrange(q)) for _ in range(count)])
    pipe = collections.deque([None] * latency, maxlen=latency)
    checked = 0
    while feed or any(p is not None for p in pipe):
        advance = rng.random() >= stall_p
        pair = None
        if advance and feed:
            pair = feed.popleft()
            dut.a.value, dut.b.value = pair
        dut.en.value = int(advance)
        await ReadOnly()
        if pipe[0] is not None:
            a, b = pipe[0]
            got = int(dut.r.value)
            want = expected(reducer, a, b, q, width)
            assert got == want, f"{a}*{b} mod {q}: got {got}, want {want}"
            # The result holds through stall cycles (checked each time); it leaves on an advance.
            checked += advance
            cover("modmul.stall", "held" if not advance else "advance")
        await RisingEdge(dut.clk)
        if advance:
            pipe.append(pair)
    assert checked == count + len(edge)
    dut._log.info("checked %d products", checked)
