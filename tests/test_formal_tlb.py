# amaranth: UnusedElaboratable=no
"""Formal proofs (SymbiYosys + z3) of the learned MMU's TLB isolation and flush rules.

Over every sequence of fills, flushes and lookups (free inputs each cycle), proved by k-induction:
- a lookup never hits an entry of another ASID unless the entry is global, and never an entry
  whose page does not contain the VPN (``docs/lvm-format.md``, "Replacement");
- the cycle after a flush, no entry that the flush should have removed can hit (the flush table).
"""

import pytest
from amaranth import Elaboratable, Module, Signal
from amaranth.asserts import AnySeq
from amaranth.hdl import Assert, Assume

from cerite.hw.lvm.layouts import FlushKind
from cerite.hw.lvm.tlb import TLB, page_match
from cerite.sim.formal import run_sby, sby_available

pytestmark = pytest.mark.skipif(not sby_available(), reason="yowasp-sby / z3 not installed")


class TlbProperties(Elaboratable):
    def __init__(self, *, entries=4, asid_bits=4, broken=False):
        self.entries, self.asid_bits, self.broken = entries, asid_bits, broken

    def elaborate(self, platform):
        m = Module()
        m.submodules.tlb = tlb = TLB(entries=self.entries, asid_bits=self.asid_bits, pa_bits=24)
        for port in ("vpn", "asid", "fill", "fill_entry", "flush", "flush_kind", "flush_asid",
                     "flush_vpn"):
            signal = getattr(tlb, port)
            width = len(signal.as_value()) if hasattr(signal, "as_value") else len(signal)
            m.d.comb += signal.eq(AnySeq(width))
        m.d.comb += Assume(~(tlb.fill & tlb.flush))

        # Isolation: a hit is of this ASID or global, and its page contains the VPN.
        with m.If(tlb.hit):
            m.d.comb += Assert(tlb.entry.glob | (tlb.entry.asid == tlb.asid))
            m.d.comb += Assert(page_match(tlb.entry.vpn, tlb.vpn, tlb.entry.size))

        # Flushes: remember the last cycle's flush and check this cycle's lookup against it.
        flushed, kind = Signal(), Signal(2)
        f_asid, f_vpn = Signal(self.asid_bits), Signal(27)
        m.d.sync += [flushed.eq(tlb.flush), kind.eq(tlb.flush_kind), f_asid.eq(tlb.flush_asid),
                     f_vpn.eq(tlb.flush_vpn)]
        in_page = page_match(tlb.entry.vpn, f_vpn, tlb.entry.size)
        with m.If(flushed & tlb.hit):
            with m.Switch(kind):
                with m.Case(FlushKind.ALL):
                    m.d.comb += Assert(0)
                with m.Case(FlushKind.ASID):
                    m.d.comb += Assert(tlb.entry.glob | (tlb.entry.asid != f_asid))
                with m.Case(FlushKind.VA):
                    m.d.comb += Assert(~in_page)
                with m.Case(FlushKind.VA_ASID):
                    m.d.comb += Assert(tlb.entry.glob | (tlb.entry.asid != f_asid) | ~in_page)
        if self.broken:
            # A deliberately false claim: global entries never hit. The proof must fail.
            with m.If(tlb.hit):
                m.d.comb += Assert(~tlb.entry.glob)
        return m


def test_tlb_isolation_and_flushes_proved():
    result = run_sby(TlbProperties(), name="tlb_isolation", mode="prove", depth=3)
    assert result.status == "PASS", result.log_tail


def test_tlb_proof_can_fail():
    result = run_sby(TlbProperties(broken=True), name="tlb_isolation_broken", mode="bmc", depth=4)
    assert result.status == "FAIL", result.log_tail
