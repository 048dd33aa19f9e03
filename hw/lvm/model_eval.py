"""Evaluation of one learned-index model node (docs/lvm-format.md, "Model node").

Bit-exact with the doc's integer formula (the fixed-point linear model of Zhao et al., MICRO
2025, with a pre-shift of the VPN)::

    x   = vpn >> shift
    y   = (slope * x + intercept) >> 20      # arithmetic shift (floor)
    idx = min(max(y, lo), hi)

One multiply-add per node: either one parallel multiplier (``done`` the cycle after ``start``) or
a shift-and-add multiplier that retires one bit of ``x`` per cycle (``serial``, ``done`` 29 cycles
after ``start``, for small FPGAs without spare DSPs).
"""

from amaranth.hdl import Cat, Module, Mux, Signal, signed
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from .layouts import INDEX_BITS, NODE_LAYOUT, VPN_BITS

__all__ = ["ModelEval"]

FRACTION_BITS = 20


class ModelEval(wiring.Component):
    """One node evaluation per ``start`` pulse.

    Ports
    -----
    start : In(1)
        Pulse; ``vpn`` and ``node`` must stay stable until ``done``.
    vpn : In(27), node : In(NODE_LAYOUT)
        The key and the node (slope, intercept, lo, hi, shift are used).
    done : Out(1)
        One-cycle pulse with ``idx`` valid; ``latency`` cycles after ``start``.
    idx : Out(32)
        The clamped index.
    """

    def __init__(self, *, serial=False):
        self.serial = bool(serial)
        self.latency = VPN_BITS + 2 if self.serial else 1
        super().__init__({
            "start": In(1), "vpn": In(VPN_BITS), "node": In(NODE_LAYOUT),
            "done": Out(1), "idx": Out(INDEX_BITS),
        })

    def elaborate(self, platform):
        m = Module()
        node = self.node
        x = Signal(VPN_BITS)
        m.d.comb += x.eq(self.vpn >> node.shift)
        intercept = node.intercept.as_signed()

        y = Signal(signed(64 + 2 - FRACTION_BITS))   # (product + intercept) >> 20
        pending = Signal()
        m.d.sync += pending.eq(0)
        if self.serial:
            acc = Signal(32)             # high part of the partial product
            low = Signal(VPN_BITS)       # remaining multiplier bits, then the product's low part
            count = Signal(range(VPN_BITS + 1))
            finish = Signal()
            m.d.sync += finish.eq(0)
            step = Signal(33)
            m.d.comb += step.eq(acc + Mux(low[0], node.slope, 0))
            with m.If(self.start):
                m.d.sync += [acc.eq(0), low.eq(x), count.eq(VPN_BITS)]
            with m.Elif(count != 0):
                m.d.sync += [acc.eq(step[1:]), low.eq(Cat(low[1:], step[0])),
                             count.eq(count - 1), finish.eq(count == 1)]
            with m.If(finish):
                m.d.sync += [y.eq((Cat(low, acc) + intercept) >> FRACTION_BITS),
                             pending.eq(1)]
        else:
            with m.If(self.start):
                m.d.sync += [y.eq((node.slope * x + intercept) >> FRACTION_BITS),
                             pending.eq(1)]

        low_clamped = Mux(y < node.lo, node.lo, y)
        m.d.comb += [self.done.eq(pending),
                     self.idx.eq(Mux(low_clamped > node.hi, node.hi, low_clamped))]
        return m
