# amaranth: UnusedElaboratable=no
"""Formal proofs (SymbiYosys + z3) of the reduction logic every NTT butterfly shares.

:class:`ModularReducer` is the reduction pipeline of :class:`ModMul` with the product ``x`` as a
free input, so the proof covers every operand pair at once (``a, b < q`` means ``x < q**2``)
without the solver reasoning through the multiplier. For each modulus of the regression: for every
``x`` in range, the result is below ``q`` and congruent to ``x`` (times ``2**-width`` for
Montgomery). The context constants are computed by ``cerite.ntt.reduction``, as the host does.
With ``dsp_width`` the reducer is the split, fully pipelined variant, checked ``latency`` cycles
after its input.
"""

import pytest
from amaranth import Const, Elaboratable, Module, Signal
from amaranth.asserts import AnySeq
from amaranth.hdl import Assert, Assume

from cerite.hw.ntt.modmul import ModularReducer, modmul_latency
from cerite.ntt.reduction import SOLINAS_Q, barrett_constants, montgomery_constants
from cerite.sim.formal import run_sby, sby_available

pytestmark = pytest.mark.skipif(not sby_available(), reason="yowasp-sby / z3 not installed")


class ReducerProperties(Elaboratable):
    """Free ``x`` every cycle; the result ``latency`` cycles later is checked against ``x mod q``.

    The expected residue is not computed with a divider (which solvers handle badly): ``x`` is
    written as ``quotient * q + residue`` with free ``quotient`` and ``residue < q``, which pins the
    residue down uniquely, and only multiplications by constants remain.
    """

    def __init__(self, *, width, reducer, q, mu_offset=0, dsp_width=None):
        self.width, self.reducer, self.q, self.dsp_width = width, reducer, q, dsp_width
        self.mu_offset = mu_offset  # a deliberately wrong Barrett constant shows the proof can fail

    def elaborate(self, platform):
        m = Module()
        w, q = self.width, self.q
        m.submodules.dut = dut = ModularReducer(width=w, reducer=self.reducer, pipeline_depth=1,
                                                dsp_width=self.dsp_width)
        quotient, residue = AnySeq(2 * w), AnySeq(w)
        x = Signal(2 * w)
        m.d.comb += [x.eq(quotient * q + residue), Assume(x == quotient * q + residue),
                     Assume(residue < q)]
        m.d.comb += [dut.en.eq(1), dut.x.eq(x), dut.q.eq(q)]
        if self.reducer == "barrett":
            k, mu = barrett_constants(q)
            m.d.comb += [dut.k.eq(k), dut.mu.eq(mu + self.mu_offset)]
        elif self.reducer == "montgomery":
            m.d.comb += dut.qprime.eq(montgomery_constants(q, w))
        bound = q << w if self.reducer == "montgomery" else q * q
        m.d.comb += Assume(x < bound)

        expected = Signal(w)
        if self.reducer == "montgomery":
            # The result is the unique e < q with e * 2**w = residue (mod q).
            e, quotient2 = AnySeq(w), AnySeq(2 * w)
            m.d.comb += [Assume(e < q), Assume((e << w) == quotient2 * q + residue),
                         expected.eq(e)]
        else:
            m.d.comb += expected.eq(residue)

        # The expected residue and a "result is meaningful" flag, delayed like the pipeline.
        for i in range(dut.latency):
            expected_d, started = Signal(w, name=f"expected{i}"), Signal(name=f"started{i}")
            m.d.sync += [expected_d.eq(expected), started.eq(1 if i == 0 else valid)]
            expected, valid = expected_d, started
        with m.If(valid):
            m.d.comb += [Assert(dut.r < q), Assert(dut.r == expected)]
        return m


# About a minute for Barrett; Montgomery takes five or more on one core (over ten on a loaded
# machine), so the default run proves Barrett and the rest runs under the slow marker.
CASES = [("barrett", 14, 12289)]


@pytest.mark.parametrize("reducer,width,q", CASES, ids=[f"{r}-w{w}-q{q}" for r, w, q in CASES])
def test_reducer_correct_for_every_product(reducer, width, q):
    result = run_sby(ReducerProperties(width=width, reducer=reducer, q=q),
                     name=f"reducer_{reducer}_w{width}_q{q}", mode="bmc", depth=2)
    assert result.status == "PASS", result.log_tail


# The split, pipelined reducers (dsp_width = 8 gives 14-bit operands two-by-two partial products,
# so every adder tree is exercised); BMC must reach one step past the latency (12 steps for
# Barrett: about six minutes on a loaded core, hence slow; the simulations cover them by default).
SPLIT_CASES = [("barrett", 14, 12289, 8)]


@pytest.mark.slow
@pytest.mark.parametrize("reducer,width,q,dsp_width", SPLIT_CASES,
                         ids=[f"{r}-w{w}-q{q}-dsp{d}" for r, w, q, d in SPLIT_CASES])
def test_split_reducer_correct_for_every_product(reducer, width, q, dsp_width):
    props = ReducerProperties(width=width, reducer=reducer, q=q, dsp_width=dsp_width)
    latency = modmul_latency(width=width, reducer=reducer, pipeline_depth=1, dsp_width=dsp_width)
    result = run_sby(props, name=f"reducer_{reducer}_w{width}_q{q}_dsp{dsp_width}", mode="bmc",
                     depth=latency + 1, timeout_s=3600)
    assert result.status == "PASS", result.log_tail


SLOW_CASES = [("montgomery", 14, 12289), ("barrett", 14, 7681), ("montgomery", 14, 7681),
              ("solinas", 32, SOLINAS_Q),
              ("barrett", 28, 268042241), ("montgomery", 32, 4293918721)]


@pytest.mark.slow
@pytest.mark.parametrize("reducer,width,q", SLOW_CASES,
                         ids=[f"{r}-w{w}-q{q}" for r, w, q in SLOW_CASES])
def test_reducer_correct_for_every_product_wide(reducer, width, q):
    result = run_sby(ReducerProperties(width=width, reducer=reducer, q=q),
                     name=f"reducer_{reducer}_w{width}_q{q}", mode="bmc", depth=2, timeout_s=3600)
    assert result.status == "PASS", result.log_tail


def test_proof_can_fail():
    """A Barrett constant one too small breaks the two-subtraction bound: the proof fails."""
    result = run_sby(ReducerProperties(width=14, reducer="barrett", q=12289, mu_offset=-40),
                     name="reducer_barrett_wrong_mu", mode="bmc", depth=2)
    assert result.status == "FAIL", result.log_tail


def test_constant_context_is_used():
    """Sanity: the harness really elaborates a constant q (not a free one)."""
    props = ReducerProperties(width=14, reducer="barrett", q=12289)
    assert props.q == 12289 and isinstance(Const(props.q, 14), Const)
