"""Event counters of the learned MMU (docs/lvm-format.md, "Counters").

Every counter is ``counter_bits`` wide and wraps. ``walk_cycles_total`` adds, and
``walk_cycles_max`` keeps the largest, walk length: the number of cycles from the cycle after the
TLB lookup that missed to the cycle the walker reports its result, inclusive.

The strobes are registered before they count, for FPGA timing: a counter shows an event two
cycles after its strobe.
"""

from amaranth.hdl import Module, Mux, Signal
from amaranth.lib import data, wiring
from amaranth.lib.wiring import In, Out

from .layouts import EVENT_NAMES, CountersSignature

__all__ = ["Counters"]


class Counters(wiring.Component):
    """Counters fed by one-cycle event strobes.

    Ports
    -----
    events : In(StructLayout of :data:`~.layouts.EVENT_NAMES`)
        Strobes; each set bit adds one to its counter.
    walk_end : In(1), walk_cycles : In(counter_bits)
        Strobe and length of a finished walk.
    counters : Out(CountersSignature)
        The counter registers (zero after reset).

    ``constant`` names events that cannot happen in the design (the learned events of a
    radix-only MMU): they have no strobe in ``events``, and their counters are not built and
    read 0.
    """

    def __init__(self, *, counter_bits, constant=()):
        unknown = set(constant) - set(EVENT_NAMES)
        if unknown:
            raise ValueError(f"constant names unknown events: {', '.join(sorted(unknown))}")
        self._constant = frozenset(constant)
        super().__init__({
            "events": In(data.StructLayout({name: 1 for name in EVENT_NAMES
                                            if name not in self._constant})),
            "walk_end": In(1), "walk_cycles": In(counter_bits),
            "counters": Out(CountersSignature(counter_bits=counter_bits)),
        })

    def elaborate(self, platform):
        m = Module()
        out = self.counters
        events = Signal.like(self.events)
        walk_end = Signal()
        walk_cycles = Signal.like(self.walk_cycles)
        m.d.sync += [events.eq(self.events), walk_end.eq(self.walk_end),
                     walk_cycles.eq(self.walk_cycles)]
        for name in EVENT_NAMES:
            if name in self._constant:
                continue
            with m.If(events[name]):
                m.d.sync += getattr(out, name).eq(getattr(out, name) + 1)
        with m.If(walk_end):
            m.d.sync += [
                out.walk_cycles_total.eq(out.walk_cycles_total + walk_cycles),
                out.walk_cycles_max.eq(Mux(walk_cycles > out.walk_cycles_max,
                                           walk_cycles, out.walk_cycles_max)),
            ]
        return m
