"""One butterfly lane of the NTT array: Cooley-Tukey, Gentleman-Sande or a plain product.

Implements the butterflies of ``spec``: docs/ntt.md, "Math and conventions", around one shared
modular multiplier (:class:`cerite.hw.ntt.modmul.ModMul`):

- ``CT`` (forward): ``x = U + V*W``, ``y = U - V*W``;
- ``GS`` (inverse): ``x = U + V``, ``y = (U - V)*W``;
- ``MUL`` (element-wise): ``x = U*W`` (``y`` is unspecified).

"``*``" is the multiplier's product (``a*b mod q``, or ``a*b*R**-1 mod q`` for Montgomery, where
all values then live in the Montgomery domain); additions and subtractions are modulo ``q``.
Inputs must be below ``q``; outputs are fully reduced to ``[0, q)``.
"""

from amaranth import Module, Mux, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from .modmul import ModMul
from .ops import Mode

__all__ = ["ButterflyLane", "add_mod", "sub_mod"]


def add_mod(a, b, q):
    """Combinational ``(a + b) mod q`` for ``a, b < q`` (one conditional subtraction)."""
    s = a + b
    return Mux(s >= q, s - q, s)[:len(q)]


def sub_mod(a, b, q):
    """Combinational ``(a - b) mod q`` for ``a, b < q`` (one conditional addition)."""
    return Mux(a >= b, a - b, a + q - b)[:len(q)]


class ButterflyLane(wiring.Component):
    """A pipelined butterfly lane with a fixed latency of ``pipeline_depth + 2`` cycles.

    Parameters
    ----------
    width : int
        Coefficient width ``W``.
    reducer : str
        Multiplier reducer (see :class:`~cerite.hw.ntt.modmul.ModMul`).
    pipeline_depth : int
        Multiplier pipeline depth (its latency).

    Members
    -------
    en : In(1)
        Advance the pipeline; every stage holds while 0.
    mode : In(2)
        A :class:`~cerite.hw.ntt.ops.Mode`, sampled with the operands.
    u, v, w : In(W)
        Operands ``U``, ``V`` and the multiplier operand ``W``.
    q : In(W)
        Modulus (and, per reducer, ``mu``/``k`` or ``qprime``, as on ``ModMul``); constant while
        tokens are in flight.
    x, y : Out(W)
        Results, ``latency`` advancing cycles after the operands (registered).
    """

    def __init__(self, *, width, reducer, pipeline_depth):
        self._mul = ModMul(width=width, reducer=reducer, pipeline_depth=pipeline_depth)
        members = {
            "en": In(1), "mode": In(2), "u": In(width), "v": In(width), "w": In(width),
            "q": In(width), "x": Out(width), "y": Out(width),
        }
        if reducer == "barrett":
            members["mu"] = In(width + 1)
            members["k"] = In(range(width + 1))
        elif reducer == "montgomery":
            members["qprime"] = In(width)
        self._width = width
        self._reducer = reducer
        super().__init__(members)

    @property
    def latency(self):
        """Advancing cycles from operands to results: input register + multiplier + output."""
        return self._mul.latency + 2

    def elaborate(self, platform):
        m = Module()
        m.submodules.mul = mul = self._mul
        w = self._width
        q = self.q

        x0 = Signal(w)          # the operand that bypasses the multiplier
        x1 = Signal(w)          # the multiplier's first operand
        wb = Signal(w)
        mode = Signal(2)
        with m.If(self.en):
            m.d.sync += [
                x0.eq(Mux(self.mode == Mode.GS, add_mod(self.u, self.v, q), self.u)),
                x1.eq(Mux(self.mode == Mode.GS, sub_mod(self.u, self.v, q),
                          Mux(self.mode == Mode.CT, self.v, self.u))),
                wb.eq(self.w),
                mode.eq(self.mode),
            ]
        m.d.comb += [mul.en.eq(self.en), mul.a.eq(x1), mul.b.eq(wb), mul.q.eq(q)]
        if self._reducer == "barrett":
            m.d.comb += [mul.mu.eq(self.mu), mul.k.eq(self.k)]
        elif self._reducer == "montgomery":
            m.d.comb += mul.qprime.eq(self.qprime)

        # Delay the bypass operand and the mode alongside the multiplier.
        for i in range(mul.latency):
            x0_d, mode_d = Signal(w, name=f"x0_d{i}"), Signal(2, name=f"mode_d{i}")
            with m.If(self.en):
                m.d.sync += [x0_d.eq(x0), mode_d.eq(mode)]
            x0, mode = x0_d, mode_d

        r = mul.r
        with m.If(self.en):
            with m.Switch(mode):
                with m.Case(Mode.CT):
                    m.d.sync += [self.x.eq(add_mod(x0, r, q)), self.y.eq(sub_mod(x0, r, q))]
                with m.Case(Mode.GS):
                    m.d.sync += [self.x.eq(x0), self.y.eq(r)]
                with m.Default():
                    m.d.sync += [self.x.eq(r), self.y.eq(r)]
        return m
