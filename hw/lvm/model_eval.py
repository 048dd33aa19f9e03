"""Evaluation of one learned-index model node (docs/lvm-format.md, "Model node").

Bit-exact with the doc's integer formula (the fixed-point linear model of Zhao et al., MICRO
2025, with a pre-shift of the VPN)::

    x   = vpn >> shift
    y   = (slope * x + intercept) >> 20      # arithmetic shift (floor)
    idx = min(max(y, lo), hi)

One multiply-add per node, pipelined for FPGA timing: either one parallel multiplier
(``done`` 3 cycles after ``start``: the shifted key, the product and the clamped index each get a
register) or a shift-and-add multiplier that retires one bit of ``x`` per cycle (``serial``,
``done`` 29 cycles after ``start``, for small FPGAs without spare DSPs).
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
        self.latency = VPN_BITS + 2 if self.serial else 3
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

        product = Signal(32 + VPN_BITS)   # slope * x
        product_valid = Signal()          # `product` was written in the last cycle
        m.d.sync += product_valid.eq(0)
        if self.serial:
            acc = Signal(32)             # high part of the partial product
            low = Signal(VPN_BITS)       # remaining multiplier bits, then the product's low part
            count = Signal(range(VPN_BITS + 1))
            step = Signal(33)
            m.d.comb += [step.eq(acc + Mux(low[0], node.slope, 0)), product.eq(Cat(low, acc))]
            with m.If(self.start):
                m.d.sync += [acc.eq(0), low.eq(x), count.eq(VPN_BITS)]
            with m.Elif(count != 0):
                m.d.sync += [acc.eq(step[1:]), low.eq(Cat(low[1:], step[0])),
                             count.eq(count - 1), product_valid.eq(count == 1)]
        else:
            # One register after the key's shift, one after the product (the hard multipliers
            # and their adder tree); the intercept's sum and the clamp end in `idx`.
            x_reg = Signal(VPN_BITS)
            x_valid = Signal()
            m.d.sync += x_valid.eq(self.start)
            with m.If(self.start):
                m.d.sync += x_reg.eq(x)
            with m.If(x_valid):
                m.d.sync += [product.eq(node.slope * x_reg), product_valid.eq(1)]

        y = Signal(signed(64 + 2 - FRACTION_BITS))   # (product + intercept) >> 20
        m.d.comb += y.eq((product + intercept) >> FRACTION_BITS)
        low_clamped = Mux(y < node.lo, node.lo, y)
        done = Signal()
        m.d.sync += done.eq(product_valid)
        with m.If(product_valid):
            m.d.sync += self.idx.eq(Mux(low_clamped > node.hi, node.hi, low_clamped))
        m.d.comb += self.done.eq(done)
        return m
