# amaranth: UnusedElaboratable=no
"""Formal proofs (SymbiYosys + z3) of the learned MMU's TLB isolation and flush rules.

Over every sequence of fills, flushes and lookups (free inputs each cycle), proved by k-induction:
- a lookup (answered in the cycle after its key) never hits an entry of another ASID unless the
  entry is global, and never an entry whose page does not contain the VPN (``docs/lvm-format.md``,
  "Replacement");
- in each of the two cycles after a flush (so whether the answered key came before or after it),
  no entry that the flush should have removed can hit (the flush table).
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

        # The answer in this cycle is for the key of the last cycle.
        key_vpn, key_asid = Signal(27), Signal(self.asid_bits)
        m.d.sync += [key_vpn.eq(tlb.vpn), key_asid.eq(tlb.asid)]

        # Isolation: a hit is of the key's ASID or global, and its page contains the key's VPN.
        with m.If(tlb.hit):
            m.d.comb += Assert(tlb.entry.glob | (tlb.entry.asid == key_asid))
            m.d.comb += Assert(page_match(tlb.entry.vpn, key_vpn, tlb.entry.size))

        # Flushes: remember the flushes of the last two cycles and check this cycle's answer
        # against each.
        previous = (tlb.flush, tlb.flush_kind, tlb.flush_asid, tlb.flush_vpn)
        for age in (1, 2):
            flushed, kind = Signal(name=f"flushed{age}"), Signal(2, name=f"kind{age}")
            f_asid = Signal(self.asid_bits, name=f"f_asid{age}")
            f_vpn = Signal(27, name=f"f_vpn{age}")
            m.d.sync += [flushed.eq(previous[0]), kind.eq(previous[1]), f_asid.eq(previous[2]),
                         f_vpn.eq(previous[3])]
            previous = (flushed, kind, f_asid, f_vpn)
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
                        m.d.comb += Assert(tlb.entry.glob | (tlb.entry.asid != f_asid)
                                           | ~in_page)
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
