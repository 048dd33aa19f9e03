"""Fill-slot choice for the TLB and the walk cache (docs/lvm-format.md, "Replacement").

A fill takes the lowest-numbered invalid entry; when every entry is valid it takes the entry at a
round-robin pointer, which then advances by one (mod ``entries``). The pointer moves only when a
valid entry is evicted and is 0 after reset.
"""

from amaranth.hdl import Module, Mux, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

__all__ = ["Replacement"]


class Replacement(wiring.Component):
    """Victim selection for ``entries`` fully associative entries.

    Ports
    -----
    valid : In(entries)
        Valid bit of each entry.
    fill : In(1)
        Strobe: the entry named by ``victim`` is written this cycle.
    victim : Out(range(entries))
        Lowest invalid entry, else the round-robin pointer (combinational).
    """

    def __init__(self, *, entries):
        if not isinstance(entries, int) or isinstance(entries, bool) or entries < 1:
            raise ValueError(f"entries must be a positive int, not {entries!r}")
        self.entries = entries
        super().__init__({
            "valid": In(entries),
            "fill": In(1),
            "victim": Out(range(entries)),
        })

    def elaborate(self, platform):
        m = Module()
        pointer = Signal(range(self.entries))
        full = self.valid.all()
        m.d.comb += self.victim.eq(pointer)
        # Descending order: the lowest invalid entry is assigned last and wins.
        for i in reversed(range(self.entries)):
            with m.If(~self.valid[i]):
                m.d.comb += self.victim.eq(i)
        with m.If(self.fill & full):
            m.d.sync += pointer.eq(Mux(pointer == self.entries - 1, 0, pointer + 1))
        return m
