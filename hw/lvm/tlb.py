"""Fully associative TLB of the learned MMU (docs/lvm-format.md: "Walk order", "Replacement",
"Flushes").

Entries hold 4 KiB, 2 MiB and 1 GiB pages, tagged ``{asid, global, vpn masked by size, size}``
(RISC-V Privileged Architecture, "Sv39": superpages, ASIDs and global mappings). A lookup hits an
entry that is valid, whose page contains the VPN, and that is global or of the current ASID; if
several hit (possible only across ASIDs), the lowest-numbered one is used.

The lookup takes two cycles, for FPGA timing: the compares and the choice of the lowest hit are
registered, and the entry is selected in the next cycle. A flush or fill in between never lets a
stale entry out: a removed entry no longer hits, and a fill in the lookup's cycle makes it a miss.
"""

from amaranth.hdl import Module, Mux, Signal
from amaranth.lib import data, wiring
from amaranth.lib.wiring import In, Out

from .layouts import VPN_BITS, FlushKind
from .replacement import Replacement

__all__ = ["tlb_entry_layout", "page_match", "registered_match", "TLB"]


def tlb_entry_layout(*, asid_bits, pa_bits):
    """A TLB entry: tag (asid, glob, vpn, size) and data (ppn, permission bits r w x u a d)."""
    return data.StructLayout({
        "asid": asid_bits, "glob": 1, "vpn": VPN_BITS, "size": 2, "ppn": pa_bits - 12,
        "r": 1, "w": 1, "x": 1, "u": 1, "a": 1, "d": 1,
    })


def page_match(page_vpn, vpn, size):
    """Whether the page of ``size`` at ``page_vpn`` contains ``vpn`` (low 0/9/18 bits ignored)."""
    hi = page_vpn[18:27] == vpn[18:27]
    mid = page_vpn[9:18] == vpn[9:18]
    lo = page_vpn[0:9] == vpn[0:9]
    return hi & (size[1] | (mid & (size[0] | lo)))


def mask_vpn(vpn, size):
    """``vpn`` with its low 9 (2 MiB) or 18 (1 GiB) bits cleared."""
    return Mux(size[1], vpn & ~0x3FFFF, Mux(size[0], vpn & ~0x1FF, vpn))


def registered_match(m, match, valid, fill):
    """The one-hot (or empty) ``match`` of an associative lookup, registered, as the entries it
    still names a cycle later: cleared where an entry is no longer ``valid`` (flushed since), and
    empty if ``fill`` was asserted in the lookup's cycle (the entry may have been replaced)."""
    matched = Signal(len(match))
    filled = Signal()
    m.d.sync += [matched.eq(match), filled.eq(fill)]
    chosen = Signal(len(match))
    m.d.comb += chosen.eq(Mux(filled, 0, matched & valid))
    return chosen


class TLB(wiring.Component):
    """Fully associative TLB with round-robin replacement and the doc's four flush kinds.

    Ports
    -----
    vpn, asid : In
        Lookup key; ``hit`` and ``entry`` answer it in the next cycle.
    hit : Out(1), entry : Out(tlb_entry_layout)
        For the key of the previous cycle: whether an entry hits, and the lowest-numbered hitting
        entry (zero on a miss). An entry flushed since no longer hits, and a fill in the previous
        cycle makes the answer a miss.
    fill : In(1), fill_entry : In(tlb_entry_layout)
        Write ``fill_entry`` (its VPN is masked by its size here) into the replacement victim.
    flush : In(1), flush_kind : In(2), flush_asid : In(asid_bits), flush_vpn : In(27)
        Remove entries as the doc's flush table says (:class:`~.layouts.FlushKind`). ``flush``
        and ``fill`` must not be asserted in the same cycle (the MMU never does).
    valid : Out(entries)
        Valid bit of every entry (for tests and status).
    """

    def __init__(self, *, entries, asid_bits, pa_bits):
        self.entries = entries
        layout = tlb_entry_layout(asid_bits=asid_bits, pa_bits=pa_bits)
        super().__init__({
            "vpn": In(VPN_BITS), "asid": In(asid_bits),
            "hit": Out(1), "entry": Out(layout),
            "fill": In(1), "fill_entry": In(layout),
            "flush": In(1), "flush_kind": In(2), "flush_asid": In(asid_bits),
            "flush_vpn": In(VPN_BITS),
            "valid": Out(entries),
        })

    def elaborate(self, platform):
        m = Module()
        n = self.entries
        layout = self.entry.shape()
        m.submodules.replacement = repl = Replacement(entries=n)
        entries = [Signal(layout, name=f"entry{i}") for i in range(n)]
        valid = Signal(n)
        m.d.comb += self.valid.eq(valid)

        # Lookup: the hit vector and its lowest set bit, registered; in the next cycle an AND-OR
        # mux of that entry, if it is still valid and no fill came in between.
        hits = Signal(n)
        for i, e in enumerate(entries):
            m.d.comb += hits[i].eq(valid[i] & page_match(e.vpn, self.vpn, e.size)
                                   & (e.glob | (e.asid == self.asid)))
        chosen = registered_match(m, hits & (~hits + 1)[:n], valid, self.fill)
        selected = 0
        for i, e in enumerate(entries):
            selected = selected | Mux(chosen[i], e.as_value(), 0)
        m.d.comb += [self.hit.eq(chosen.any()), self.entry.eq(selected)]

        # Flush: which entries the command removes.
        kind = self.flush_kind
        for i, e in enumerate(entries):
            asid_ok = ~e.glob & (e.asid == self.flush_asid)
            in_page = page_match(e.vpn, self.flush_vpn, e.size)
            remove = Mux(kind == FlushKind.ALL, 1,
                         Mux(kind == FlushKind.ASID, asid_ok,
                             Mux(kind == FlushKind.VA, in_page, asid_ok & in_page)))
            with m.If(self.flush & remove):
                m.d.sync += valid[i].eq(0)

        # Fill: the victim of the replacement policy.
        m.d.comb += [repl.valid.eq(valid), repl.fill.eq(self.fill)]
        fill = Signal(layout)
        m.d.comb += [fill.eq(self.fill_entry),
                     fill.vpn.eq(mask_vpn(self.fill_entry.vpn, self.fill_entry.size))]
        for i, e in enumerate(entries):
            with m.If(self.fill & (repl.victim == i)):
                m.d.sync += [e.eq(fill), valid[i].eq(1)]
        return m
