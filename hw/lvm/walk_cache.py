"""LVM walk cache (LWC) of model nodes (docs/lvm-format.md: "Replacement", "Flushes").

The paper's LWC (Zhao et al., MICRO 2025) holds recently used model nodes of levels 1 and 2 (the
root lives in registers), tagged ``{asid, level, index}``; it is fully associative with the same
replacement as the TLB. Tags sit in flip-flops for the associative compare; node data sits in a
small memory read one cycle after the lookup. The lookup is registered, for FPGA timing: ``hit``
answers the key of the previous cycle, and the node follows a cycle later.
"""

from amaranth.hdl import Module, Mux, Signal
from amaranth.lib import memory, wiring
from amaranth.lib.wiring import In, Out

from .layouts import INDEX_BITS, NODE_LAYOUT
from .replacement import Replacement
from .tlb import registered_match

__all__ = ["WalkCache"]


class WalkCache(wiring.Component):
    """Fully associative cache of decoded model nodes.

    Ports
    -----
    asid : In(asid_bits), level : In(1), index : In(32)
        Lookup and fill key; ``level`` is the node's level minus one (0: level 1, 1: level 2).
    hit : Out(1)
        An entry holds the key of the previous cycle (keys are unique: a fill follows a miss);
        an entry flushed since, or a fill in that cycle, makes it a miss.
    node : Out(NODE_LAYOUT)
        The node of the entry that hit, one cycle after ``hit`` (the key held stable).
    fill : In(1), fill_node : In(NODE_LAYOUT)
        Write the key and ``fill_node`` into the replacement victim.
    flush : In(1), flush_by_asid : In(1), flush_asid : In(asid_bits)
        Remove every entry, or (``flush_by_asid``) the entries of ``flush_asid``. Never in the
        same cycle as ``fill`` (the MMU applies flushes only between walks).
    valid : Out(entries)
        Valid bit of every entry (for tests and status).
    """

    def __init__(self, *, entries, asid_bits):
        self.entries = entries
        super().__init__({
            "asid": In(asid_bits), "level": In(1), "index": In(INDEX_BITS),
            "hit": Out(1), "node": Out(NODE_LAYOUT),
            "fill": In(1), "fill_node": In(NODE_LAYOUT),
            "flush": In(1), "flush_by_asid": In(1), "flush_asid": In(asid_bits),
            "valid": Out(entries),
        })

    def elaborate(self, platform):
        m = Module()
        n = self.entries
        m.submodules.replacement = repl = Replacement(entries=n)
        m.submodules.nodes = nodes = memory.Memory(shape=NODE_LAYOUT, depth=n, init=[])
        rd = nodes.read_port(domain="sync")
        wr = nodes.write_port(domain="sync")

        valid = Signal(n)
        tag_asid = [Signal.like(self.asid, name=f"tag_asid{i}") for i in range(n)]
        tag_level = [Signal(1, name=f"tag_level{i}") for i in range(n)]
        tag_index = [Signal(INDEX_BITS, name=f"tag_index{i}") for i in range(n)]
        m.d.comb += self.valid.eq(valid)

        # Lookup: at most one entry matches; the match is registered, and its number addresses
        # the data memory in the next cycle.
        hits = Signal(n)
        for i in range(n):
            m.d.comb += hits[i].eq(valid[i] & (tag_asid[i] == self.asid)
                                   & (tag_level[i] == self.level) & (tag_index[i] == self.index))
        matched = registered_match(m, hits, valid, self.fill)
        way = 0
        for i in range(n):
            way = way | Mux(matched[i], i, 0)
        m.d.comb += [self.hit.eq(matched.any()), rd.addr.eq(way), rd.en.eq(1),
                     self.node.eq(rd.data)]

        # Flush.
        for i in range(n):
            with m.If(self.flush & (~self.flush_by_asid | (tag_asid[i] == self.flush_asid))):
                m.d.sync += valid[i].eq(0)

        # Fill.
        m.d.comb += [repl.valid.eq(valid), repl.fill.eq(self.fill),
                     wr.addr.eq(repl.victim), wr.data.eq(self.fill_node), wr.en.eq(self.fill)]
        for i in range(n):
            with m.If(self.fill & (repl.victim == i)):
                m.d.sync += [valid[i].eq(1), tag_asid[i].eq(self.asid),
                             tag_level[i].eq(self.level), tag_index[i].eq(self.index)]
        return m
