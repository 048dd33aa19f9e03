# amaranth: UnusedElaboratable=no
"""Formal proofs (SymbiYosys + z3) of the learned MMU's walker and request/response contract.

Small configurations (2-bit ASIDs, 24-bit physical addresses, one walk-cache entry, the serial
multiplier of the small profile); ``docs/lvm-format.md`` is the contract. TLB isolation and
flushes are proved in ``tests/test_formal_tlb.py``.

- Regions (:class:`WalkerProperties`, k-induction): with every input free in every cycle (memory
  data, errors, configuration), each memory read the walker issues lies wholly inside its region:
  a radix read (1 word) in ``[pt_base, pt_limit)``, a node (4 words) or GPT line (8 words) read in
  ``[index_base, index_limit)``. The region check is written here independently of the walker's.
- A fault never fills the TLB (same harness, k-induction): whenever the walker offers a fill
  (``fill_ok``), its fault is NONE. The MMU's TLB fill is ``fill_ok`` gated further
  (``hw/lvm/mmu.py``), so no faulting walk reaches the TLB.
- Exactly one response, in bounded time (:class:`ResponseProperties` around the whole
  :class:`LearnedMMU`, BMC): a memory model answers every read after a nondeterministic wait of
  at most ``latency`` cycles before the request is taken and before each beat, with free data
  and error bits; the host takes responses whenever it likes. Every response answers exactly one
  accepted request, and with radix walks (``learned = 0``; the learned walk's serial multiplier
  makes its bound too deep for BMC, it is covered by the fault campaigns) a request's response
  is valid within :func:`response_bound` cycles.
"""

import pytest
from amaranth import Elaboratable, Module, Signal
from amaranth.asserts import AnyConst, AnySeq
from amaranth.hdl import Assert, Assume
from amaranth.lib import wiring

from cerite.hw.lvm.layouts import Fault
from cerite.hw.lvm.mmu import LearnedMMU
from cerite.hw.lvm.walker import Walker
from cerite.sim.formal import run_sby, sby_available

pytestmark = pytest.mark.skipif(not sby_available(), reason="yowasp-sby / z3 not installed")

PA_BITS = 24


def _drive_free(m, port):
    """Drive every input of ``port`` (a signature member tree) from free values."""
    for path, member, value in port.signature.flatten(port):
        if member.flow == wiring.In:
            m.d.comb += value.eq(AnySeq(member.shape))


def _inside(addr, nbytes, base, limit):
    """``[addr, addr + nbytes)`` within ``[base, limit)``, at a width where nothing wraps."""
    end = Signal(PA_BITS + 2)
    return [end.eq(addr + nbytes)], (addr >= base) & (end <= limit)


class WalkerProperties(Elaboratable):
    """The walker with free inputs; ``broken`` (``"pt_limit"``) claims radix reads end a word
    before ``pt_limit``, which must fail."""

    def __init__(self, *, broken=None):
        self.broken = broken

    def elaborate(self, platform):
        m = Module()
        m.submodules.walker = walker = Walker(lwc_entries=1, asid_bits=2, pa_bits=PA_BITS,
                                              serial_multiplier=True)
        for port in (walker.cfg, walker.mem_req, walker.mem_resp):
            _drive_free(m, port)
        for name in ("start", "va", "access", "user", "lwc_flush", "lwc_flush_by_asid",
                     "lwc_flush_asid"):
            signal = getattr(walker, name)
            m.d.comb += signal.eq(AnySeq(len(signal)))
        cfg, req = walker.cfg, walker.mem_req.payload
        pt_limit = cfg.pt_limit - 8 if self.broken == "pt_limit" else cfg.pt_limit
        eq1, radix_ok = _inside(req.addr, 8, cfg.pt_base, pt_limit)
        eq4, node_ok = _inside(req.addr, 32, cfg.index_base, cfg.index_limit)
        eq8, gpt_ok = _inside(req.addr, 64, cfg.index_base, cfg.index_limit)
        m.d.comb += eq1 + eq4 + eq8
        with m.If(walker.mem_req.valid):
            with m.Switch(req.len):
                with m.Case(0):
                    m.d.comb += Assert(radix_ok)
                with m.Case(3):
                    m.d.comb += Assert(node_ok)
                with m.Case(7):
                    m.d.comb += Assert(gpt_ok)
                with m.Default():
                    m.d.comb += Assert(0)
        m.d.comb += Assert(~walker.fill_ok | (walker.fault == Fault.NONE))
        return m


def test_walker_reads_inside_regions_and_faults_never_fill():
    result = run_sby(WalkerProperties(), name="mmu_walker_regions", mode="prove", depth=2)
    assert result.status == "PASS", result.log_tail


def test_walker_region_proof_can_fail():
    result = run_sby(WalkerProperties(broken="pt_limit"), name="mmu_walker_regions_broken",
                     mode="bmc", depth=4)
    assert result.status == "FAIL", result.log_tail


#: Memory latency bound of the response proofs (cycles of wait before the request is taken and
#: before each beat).
LATENCY = 1


def walk_bound(latency):
    """Cycles from the first cycle of a radix walk (the one after ``start``) to its ``done``: up
    to three reads of (register the address and its region check, wait at most ``latency``
    cycles for the request to be taken, at most ``latency`` for the beat, check the PTE), each
    ``2 * latency + 4`` cycles, then the leaf checks; ``done`` is high in the cycle after."""
    return 3 * (2 * latency + 4) + 1


def response_bound(latency):
    """Cycles from the first cycle after an accepted request to its valid response: the TLB
    lookup and the cycle that checks its registered result, a radix walk (:func:`walk_bound`),
    and the cycle that takes the walk's result."""
    return 2 + walk_bound(latency) + 1


def _memory_model(m, mem_req, mem_resp, lat):
    """Assumptions of a memory that takes a request within ``lat`` cycles of its ``valid``, then
    returns ``len + 1`` beats, each within ``lat`` cycles of the previous event, with free data
    and error bits; and the assertion that the requester holds ``valid`` until taken."""
    beats = Signal(4)
    wait = Signal(range(lat + 1))
    m.d.comb += [mem_req.ready.eq(AnySeq(1)), mem_resp.valid.eq(AnySeq(1)),
                 mem_resp.payload.eq(AnySeq(65))]
    req_fire = mem_req.valid & mem_req.ready
    beat_fire = mem_resp.valid & mem_resp.ready
    with m.If(beats == 0):
        m.d.comb += Assume(~mem_resp.valid)
        with m.If(mem_req.valid & (wait == lat)):
            m.d.comb += Assume(mem_req.ready)
    with m.Else():
        m.d.comb += Assume(~mem_req.ready)
        with m.If(wait == lat):
            m.d.comb += Assume(mem_resp.valid)
    with m.If(req_fire):
        m.d.sync += [beats.eq(mem_req.payload.len + 1), wait.eq(0)]
    with m.Elif(beat_fire):
        m.d.sync += [beats.eq(beats - 1), wait.eq(0)]
    with m.Elif(mem_req.valid | (beats != 0)):
        m.d.sync += wait.eq(wait + (wait != lat))
    held = Signal()
    m.d.sync += held.eq(mem_req.valid & ~mem_req.ready)
    with m.If(held):
        m.d.comb += Assert(mem_req.valid)


class WalkBoundProperties(Elaboratable):
    """The walker alone, radix walks, constant configuration, the bounded-latency memory:
    ``done`` comes once per ``start`` and at most :func:`walk_bound` cycles after it."""

    def __init__(self, *, latency=LATENCY, slack=0):
        self.latency, self.slack = latency, slack

    def elaborate(self, platform):
        m = Module()
        m.submodules.walker = walker = Walker(lwc_entries=1, asid_bits=2, pa_bits=PA_BITS,
                                              serial_multiplier=True)
        for path, member, value in walker.cfg.signature.flatten(walker.cfg):
            m.d.comb += value.eq(AnyConst(member.shape))
        m.d.comb += Assume(~walker.cfg.learned)
        for name in ("va", "access", "user"):
            signal = getattr(walker, name)
            m.d.comb += signal.eq(AnyConst(len(signal)))
        m.d.comb += [walker.start.eq(AnySeq(1)), walker.lwc_flush.eq(0)]
        _memory_model(m, walker.mem_req, walker.mem_resp, self.latency)
        walking, age = Signal(), Signal(8)
        with m.If(walker.start & ~walking):
            m.d.sync += [walking.eq(1), age.eq(0)]
        with m.Elif(walking):
            m.d.sync += age.eq(age + (age != 255))
        with m.If(walker.done):
            m.d.sync += walking.eq(0)
        m.d.comb += [Assume(~(walking & walker.start)), Assert(~walker.done | walking),
                     Assert(~walker.mem_req.valid | walking)]
        with m.If(walking & ~walker.done):
            m.d.comb += Assert(age < walk_bound(self.latency) + self.slack)
        return m


class ResponseProperties(Elaboratable):
    """The small-profile MMU between a free host and a bounded-latency memory model.

    ``slack`` shortens the claimed bound (a negative value must fail).
    """

    def __init__(self, *, latency=LATENCY, slack=0):
        self.latency, self.slack = latency, slack

    def elaborate(self, platform):
        m = Module()
        lat = self.latency
        m.submodules.mmu = mmu = LearnedMMU.small(asid_bits=2, tlb_entries=2, lwc_entries=1,
                                                  counter_bits=8)
        for port in (mmu.req, mmu.flush):
            m.d.comb += [port.valid.eq(AnySeq(1)),
                         port.payload.eq(AnySeq(len(port.payload.as_value())))]
        m.d.comb += mmu.resp.ready.eq(AnySeq(1))
        # Configuration: constant over the trace (the registers are stable while a request is
        # in flight); radix walks only.
        for path, member, value in mmu.cfg.signature.flatten(mmu.cfg):
            m.d.comb += value.eq(AnyConst(member.shape))
        m.d.comb += Assume(~mmu.cfg.learned)

        _memory_model(m, mmu.mem_req, mmu.mem_resp, lat)

        # Exactly one response per accepted request, within the bound.
        outstanding = Signal(2)
        age = Signal(8)
        req_in = mmu.req.valid & mmu.req.ready
        resp_out = mmu.resp.valid & mmu.resp.ready
        m.d.sync += outstanding.eq(outstanding + req_in - resp_out)
        with m.If(req_in):
            m.d.sync += age.eq(0)
        with m.Elif(outstanding != 0):
            m.d.sync += age.eq(age + (age != 255))
        m.d.comb += [Assert(outstanding <= 1), Assert(~mmu.resp.valid | (outstanding == 1)),
                     Assert(~mmu.req.ready | (outstanding == 0))]
        with m.If((outstanding == 1) & ~mmu.resp.valid):
            m.d.comb += Assert(age < response_bound(lat) + self.slack)
        return m


@pytest.mark.slow
def test_radix_walk_ends_within_the_latency_bound():
    depth = walk_bound(LATENCY) + 2
    result = run_sby(WalkBoundProperties(), name="mmu_walk_bound", mode="bmc", depth=depth,
                     timeout_s=7200)
    assert result.status == "PASS", result.log_tail


@pytest.mark.slow
def test_walk_bound_proof_can_fail():
    result = run_sby(WalkBoundProperties(slack=-1), name="mmu_walk_bound_broken", mode="bmc",
                     depth=walk_bound(LATENCY) + 2, timeout_s=7200)
    assert result.status == "FAIL", result.log_tail


# Depth 10 (default): no response without a request and never two, for TLB hits and the first
# steps of walks; the full depth (slow) adds the response time bound for radix walks.
@pytest.mark.parametrize("depth", [10, pytest.param(response_bound(LATENCY) + 2,
                                                    marks=pytest.mark.slow)])
def test_exactly_one_response_per_request(depth):
    result = run_sby(ResponseProperties(), name=f"mmu_response_d{depth}", mode="bmc",
                     depth=depth, timeout_s=7200)
    assert result.status == "PASS", result.log_tail
