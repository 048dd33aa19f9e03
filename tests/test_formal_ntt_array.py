# amaranth: UnusedElaboratable=no
"""Formal proofs (SymbiYosys + z3) of the NTT array's banking and control (``spec/ntt.md``).

- Banking (:class:`AguProperties`, BMC depth 1 = exhaustive over every pass, stage and cycle,
  since the address generator is combinational): the ``2B`` operands of one cycle lie in ``2B``
  distinct banks (no bank is asked for two words in one cycle), each at the row the generator
  sends to that bank's half, and the crossbar routes each to the lane that needs it; the ``B``
  twiddles of a cycle lie in one twiddle row, in the bank each lane reads. The expected addresses
  come straight from the loop nest of the spec (``j = insert_zero(b, s)``, twiddle ``m + i``),
  not from the generator.
- Control (:class:`ControlProperties` around the real :class:`NTTArray`, small configuration
  ``log_n=3, B=2, W=14``, Barrett, BMC): status never shows ``done`` together with an error that
  means "nothing ran" (BAD_OP, BAD_SLOT, NO_CONTEXT, ABORTED) nor while busy; a start while busy
  records BUSY (unless an earlier error is kept, or the running operation raises its own in the
  same cycle); with streams that neither idle nor stall, every accepted operation is busy for at
  most :meth:`NTTArray.op_cycles` cycles and ends ``done`` after exactly that many, however many
  starts arrive while it runs (the running operation is not disturbed).
"""

import pytest
from amaranth import Cat, Const, Elaboratable, Module, Mux, Signal
from amaranth.asserts import AnySeq
from amaranth.hdl import Assert, Assume

from cerite.hw.ntt.agu import AddressGenerator
from cerite.hw.ntt.array import NTTArray
from cerite.hw.ntt.ops import Cause, Op
from cerite.sim.formal import run_sby, sby_available

pytestmark = pytest.mark.skipif(not sby_available(), reason="yowasp-sby / z3 not installed")


# -- banking --------------------------------------------------------------------------------------

def _insert_zero(value, bit, width):
    """``value`` with a 0 inserted at the (signal) position ``bit``, ``width`` bits wide."""
    mask = (Const(1, width) << bit)[:width] - 1
    return ((((value & ~mask) << 1) | (value & mask)))[:width]


class AguProperties(Elaboratable):
    """Free pass kind, stage ``s`` and cycle ``c``: the generator's rows, swap, lane select and
    twiddle row/bank agree with the spec's addresses. ``broken`` tests the proof: ``"bank"``
    claims the bank map ``bank(a) = a mod 2B`` (an off-by-one in the parity term)."""

    def __init__(self, *, log_n, lanes, broken=None):
        self.log_n, self.lanes, self.broken = log_n, lanes, broken

    def elaborate(self, platform):
        m = Module()
        log_n, lanes = self.log_n, self.lanes
        n, lb = 1 << log_n, lanes.bit_length() - 1
        m.submodules.agu = agu = AddressGenerator(log_n=log_n, lanes=lanes)
        butterfly, inverse = AnySeq(1), AnySeq(1)
        s, c = AnySeq(len(agu.s)), AnySeq(len(agu.c))
        m.d.comb += [agu.butterfly.eq(butterfly), agu.inverse.eq(inverse), agu.s.eq(s),
                     agu.c.eq(c)]
        m.d.comb += Assume(s < log_n)
        with m.If(butterfly):
            m.d.comb += Assume(c < n // (2 * lanes))

        def bank(a):
            if self.broken == "bank":
                return a[:lb + 1]
            return (a[:lb] if lb else 0) + Mux((a >> lb).xor(), lanes, 0)

        def row(a):
            return a >> (lb + 1)

        def half_row(k):          # the row the generator sends to bank ``k``
            return Mux((k >> lb) == agu.swap, agu.row_u, agu.row_v)

        def logical_to_bank(position):   # the crossbar: logical position -> physical bank
            return position ^ Mux(agu.swap, lanes, 0)

        with m.If(butterfly):
            banks = []
            for lane in range(lanes):
                b = Signal(log_n, name=f"b{lane}")
                m.d.comb += b.eq((c << lb) + lane)
                u, v = Signal(log_n, name=f"u{lane}"), Signal(log_n, name=f"v{lane}")
                m.d.comb += [u.eq(_insert_zero(b, s, log_n)),
                             v.eq(u | (Const(1, log_n) << s)[:log_n])]
                bu, bv = Signal(lb + 1, name=f"bank_u{lane}"), Signal(lb + 1, name=f"bank_v{lane}")
                m.d.comb += [bu.eq(bank(u)), bv.eq(bank(v))]
                banks += [bu, bv]
                upos = _insert_zero(Const(lane, lb + 1), agu.sp, lb + 1)
                vpos = (upos | (Const(1, lb + 1) << agu.sp)[:lb + 1])[:lb + 1]
                m.d.comb += [Assert(row(u) == half_row(bu)), Assert(row(v) == half_row(bv)),
                             Assert(bu == logical_to_bank(upos)),
                             Assert(bv == logical_to_bank(vpos))]
                # Twiddle m + i of this butterfly, stored at bank k mod B, row k / B
                # (+ N/B for the inverse table).
                k = Signal(log_n, name=f"k{lane}")
                m.d.comb += k.eq((Const(n // 2, log_n) >> s) | (b >> s))
                tw_bank = Signal(lb + 1, name=f"tw_bank{lane}")
                m.d.comb += tw_bank.eq(agu.tw_base + (Const(lane, lb + 1) >> agu.sp))
                m.d.comb += [Assert(tw_bank == (k[:lb] if lb else 0)),
                             Assert(agu.tw_row == (k >> lb) + Mux(inverse, n // lanes, 0))]
            for x in range(len(banks)):
                for y in range(x + 1, len(banks)):
                    m.d.comb += Assert(banks[x] != banks[y])
        with m.Else():
            for lane in range(lanes):
                a = Signal(log_n, name=f"a{lane}")
                m.d.comb += a.eq((c << lb) + lane)
                ba = Signal(lb + 1, name=f"bank_a{lane}")
                m.d.comb += [ba.eq(bank(a)), Assert(ba == logical_to_bank(lane)),
                             Assert(row(a) == half_row(ba)), Assert(agu.sp == lb)]
        return m


AGU_CASES = [(3, 1), (3, 2), (3, 4), (4, 2), (5, 4), (6, 8)]


@pytest.mark.parametrize("log_n,lanes", AGU_CASES, ids=[f"n{1 << n}-b{b}" for n, b in AGU_CASES])
def test_banks_conflict_free_and_routed(log_n, lanes):
    result = run_sby(AguProperties(log_n=log_n, lanes=lanes), name=f"ntt_agu_n{log_n}_b{lanes}",
                     mode="bmc", depth=1)
    assert result.status == "PASS", result.log_tail


def test_bank_proof_can_fail():
    result = run_sby(AguProperties(log_n=4, lanes=2, broken="bank"), name="ntt_agu_broken",
                     mode="bmc", depth=1)
    assert result.status == "FAIL", result.log_tail


# -- control ----------------------------------------------------------------------------------

_NOTHING_RAN = (Cause.BAD_OP, Cause.BAD_SLOT, Cause.NO_CONTEXT, Cause.ABORTED)


def _array(lanes):
    return NTTArray(log_n=3, width=14, lanes=lanes, reducer="barrett", pipeline_depth=1,
                    slots=2, beat=lanes)


class ControlProperties(Elaboratable):
    """Free commands and stream traffic into a small array.

    ``check``: ``"status"`` (done never with a nothing-ran error, never done while busy, a
    start while busy reported), ``"bound"`` (streams always valid/ready, no cancel, starts
    free: busy for at most ``op_cycles(op)`` cycles, then done after exactly that many).
    ``slack`` shortens the claimed bound, so that a negative value must fail.
    """

    def __init__(self, *, lanes=1, check, slack=0):
        self.lanes, self.check, self.slack = lanes, check, slack

    def elaborate(self, platform):
        m = Module()
        lanes = self.lanes
        m.submodules.dut = dut = _array(lanes)
        start, cancel = AnySeq(1), AnySeq(1)
        op, slot_a, slot_b = AnySeq(3), AnySeq(4), AnySeq(4)
        i_valid, i_payload, o_ready = AnySeq(1), AnySeq(14 * lanes), AnySeq(1)
        m.d.comb += [dut.start.eq(start), dut.cancel.eq(cancel), dut.op.eq(op),
                     dut.slot_a.eq(slot_a), dut.slot_b.eq(slot_b), dut.i.valid.eq(i_valid),
                     dut.i.payload.eq(i_payload), dut.o.ready.eq(o_ready)]

        if self.check == "status":
            nothing_ran = Cat(*[dut.cause == c for c in _NOTHING_RAN]).any()
            m.d.comb += [Assert(~(dut.done & dut.error & nothing_ran)),
                         Assert(~(dut.done & dut.busy))]
            # A start while busy records BUSY unless an error is already kept, or the running
            # operation raises its own (RANGE, CONTEXT) in the same cycle, which is kept instead.
            busy_start, error_d = Signal(), Signal()
            m.d.sync += [busy_start.eq(start & dut.busy & ~cancel), error_d.eq(dut.error)]
            kept = Cat(*[dut.cause == c for c in (Cause.BUSY, Cause.RANGE, Cause.CONTEXT)]).any()
            with m.If(busy_start & ~error_d):
                m.d.comb += Assert(dut.error & kept)

        elif self.check == "bound":
            m.d.comb += [Assume(i_valid), Assume(o_ready), Assume(~cancel)]
            busy_d, op_d, running_op = Signal(), Signal(3), Signal(3)
            count = Signal(8)       # busy cycles before this one
            rising = dut.busy & ~busy_d
            cur_op, cur_count = Signal(3), Signal(8)
            m.d.comb += [cur_op.eq(Mux(rising, op_d, running_op)),
                         cur_count.eq(Mux(rising, 0, count))]
            m.d.sync += [busy_d.eq(dut.busy), op_d.eq(op), running_op.eq(cur_op),
                         count.eq(cur_count + 1)]
            with m.If(dut.busy):
                limit = Signal(8)
                with m.Switch(cur_op):
                    for o in Op:
                        with m.Case(o):
                            m.d.comb += limit.eq(dut.op_cycles(o) + self.slack)
                m.d.comb += Assert(cur_count < limit)
            # Starts while busy (free here) change nothing: the operation ends done, after
            # exactly its cycle count.
            with m.If(busy_d & ~dut.busy):
                finished = Signal(8)
                with m.Switch(running_op):
                    for o in Op:
                        with m.Case(o):
                            m.d.comb += finished.eq(dut.op_cycles(o))
                m.d.comb += [Assert(dut.done), Assert(count == finished),
                             Assert(dut.cycles == finished)]

        else:
            raise ValueError(f"check must be status or bound, not {self.check!r}")
        return m


# Depth 26 (default) covers a CONTEXT (13 cycles with beat 2) and a following LOAD, UNLOAD or
# PWMUL to the end; depth 44 (slow) also an NTT or INTT and the command after it.
@pytest.mark.parametrize("depth", [26, pytest.param(44, marks=pytest.mark.slow)])
def test_status_never_done_with_a_nothing_ran_error(depth):
    result = run_sby(ControlProperties(lanes=2, check="status"), name=f"ntt_status_d{depth}",
                     mode="bmc", depth=depth)
    assert result.status == "PASS", result.log_tail


@pytest.mark.parametrize("depth", [26, pytest.param(42, marks=pytest.mark.slow)])
def test_every_operation_finishes_within_its_cycle_count(depth):
    result = run_sby(ControlProperties(lanes=2, check="bound"), name=f"ntt_bound_d{depth}",
                     mode="bmc", depth=depth)
    assert result.status == "PASS", result.log_tail


def test_cycle_bound_proof_can_fail():
    """One cycle less than ``op_cycles`` is exceeded (by the CONTEXT every trace starts with)."""
    result = run_sby(ControlProperties(lanes=2, check="bound", slack=-1),
                     name="ntt_bound_broken", mode="bmc", depth=16)
    assert result.status == "FAIL", result.log_tail
