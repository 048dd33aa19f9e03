"""Per-unit build shell: makes one gateware unit buildable on a board by itself.

Implements the "per-unit builds" of spec/soc.md (Boards: per-build LUT/FF/DSP/EBR use and Fmax).
A unit such as the modular multiplier has far more ports than a board has pins, and a unit whose
outputs reach no pin is optimised away entirely. The shell keeps every bit observable with four
pins and registers at both boundaries, so what the tools report is the unit's own logic and its
internal Fmax:

- **inputs**: a scan chain with one flip-flop per input bit of the unit. While ``scan_en`` is 1 it
  shifts in one bit from ``sdi`` per cycle (``sdi`` enters the lowest bit); the chain drives the
  unit's inputs directly (input bits in :meth:`UnitShell.input_ports` order, from bit 0).
- **outputs**: a capture register with one flip-flop per output bit. While ``capture`` is 1 it
  loads the unit's outputs, otherwise it shifts towards bit 0, which drives ``sdo``.
- the three input pins pass through two-flip-flop synchronizers, so no pin-to-register path
  enters the timing report.

Overhead, for subtracting from a report: one flip-flop per input bit, one flip-flop and about one
LUT (the load/shift multiplexer) per output bit, plus six synchronizer flip-flops
(:meth:`UnitShell.overhead`).
"""

from amaranth import Cat, Elaboratable, Module, Signal, Value
from amaranth.lib import io, wiring
from amaranth.lib.cdc import FFSynchronizer
from amaranth.lib.wiring import Flow

from .boards import SCAN_RESOURCE

__all__ = ["UnitShell"]


class UnitShell(Elaboratable):
    """Wraps ``unit`` (an ``amaranth.lib.wiring.Component``) between a scan chain and a capture
    register.

    Parameters
    ----------
    unit : wiring.Component
        The unit to measure; it runs in the ``sync`` domain.

    Attributes
    ----------
    sdi, scan_en, capture : Signal(1)
        Pin-side inputs (without a platform they are the shell's ports).
    sdo : Signal(1)
        Serial output.
    n_inputs, n_outputs : int
        Input and output bits of the unit.
    """

    def __init__(self, unit):
        if not isinstance(unit, wiring.Component):
            raise TypeError(f"unit must be an amaranth.lib.wiring.Component, not {unit!r}")
        self.unit = unit
        self._inputs = []
        self._outputs = []
        for path, member, value in unit.signature.flatten(unit):
            value = Value.cast(value)
            name = ".".join(str(p) for p in path)
            (self._inputs if member.flow == Flow.In else self._outputs).append((name, value))
        if not self._outputs:
            raise ValueError(f"unit {type(unit).__name__} has no output ports to observe")
        self.n_inputs = sum(len(v) for _, v in self._inputs)
        self.n_outputs = sum(len(v) for _, v in self._outputs)
        self.sdi = Signal()
        self.scan_en = Signal()
        self.capture = Signal()
        self.sdo = Signal()

    def input_ports(self):
        """``[(port name, width)]`` of the unit's inputs, in scan-chain order from bit 0."""
        return [(name, len(value)) for name, value in self._inputs]

    def output_ports(self):
        """``[(port name, width)]`` of the unit's outputs, in capture order from bit 0."""
        return [(name, len(value)) for name, value in self._outputs]

    def overhead(self):
        """Approximate cells the shell adds: ``{"ff": ..., "lut": ...}``."""
        return {"ff": self.n_inputs + self.n_outputs + 6, "lut": self.n_outputs}

    def elaborate(self, platform):
        m = Module()
        m.submodules.unit = self.unit
        if platform is not None:
            pins = platform.request(SCAN_RESOURCE, 0, dir="-")
            for pin in ("sdi", "scan_en", "capture"):
                m.submodules[f"{pin}_buf"] = buffer = io.Buffer("i", getattr(pins, pin))
                m.d.comb += getattr(self, pin).eq(buffer.i)
            m.submodules.sdo_buf = buffer = io.Buffer("o", pins.sdo)
            m.d.comb += buffer.o.eq(self.sdo)
        sdi, scan_en, capture = Signal(), Signal(), Signal()
        m.submodules.sync_sdi = FFSynchronizer(self.sdi, sdi)
        m.submodules.sync_scan_en = FFSynchronizer(self.scan_en, scan_en)
        m.submodules.sync_capture = FFSynchronizer(self.capture, capture)

        if self.n_inputs:
            chain = Signal(self.n_inputs)
            with m.If(scan_en):
                m.d.sync += chain.eq(Cat(sdi, chain[:-1]))
            m.d.comb += Cat(*(v for _, v in self._inputs)).eq(chain)

        captured = Signal(self.n_outputs)
        with m.If(capture):
            m.d.sync += captured.eq(Cat(*(v for _, v in self._outputs)))
        with m.Else():
            m.d.sync += captured.eq(captured >> 1)
        m.d.comb += self.sdo.eq(captured[0])
        return m
