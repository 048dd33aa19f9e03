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

from .modmul import ModMul, modmul_latency
from .ops import Mode

__all__ = ["ButterflyLane", "add_mod", "sub_mod", "lane_latency"]


def add_mod(a, b, q):
    """Combinational ``(a + b) mod q`` for ``a, b < q`` (one conditional subtraction)."""
    s = a + b
    return Mux(s >= q, s - q, s)[:len(q)]


def sub_mod(a, b, q):
    """Combinational ``(a - b) mod q`` for ``a, b < q`` (one conditional addition)."""
    return Mux(a >= b, a - b, a + q - b)[:len(q)]


def lane_latency(*, width, reducer, pipeline_depth, dsp_width=None):
    """Latency of ``ButterflyLane(...)`` with these parameters: the multiplier's
    (:func:`~cerite.hw.ntt.modmul.modmul_latency`) plus 2, plus 2 more with ``dsp_width``."""
    mul = modmul_latency(width=width, reducer=reducer, pipeline_depth=pipeline_depth,
                         dsp_width=dsp_width)
    return mul + 2 + (2 if dsp_width is not None else 0)


class ButterflyLane(wiring.Component):
    """A pipelined butterfly lane with a fixed latency (:func:`lane_latency`).

    Without ``dsp_width`` the latency is the multiplier's plus 2 (input register, output
    register). With ``dsp_width`` (for FPGA timing) the operands are registered once more before
    the input additions, and the output additions and their corrections get one register each:
    the multiplier's latency plus 4.

    Parameters
    ----------
    width : int
        Coefficient width ``W``.
    reducer : str
        Multiplier reducer (see :class:`~cerite.hw.ntt.modmul.ModMul`).
    pipeline_depth : int
        The multiplier's ``pipeline_depth``.
    dsp_width : int or None
        The multiplier's ``dsp_width`` (see :class:`~cerite.hw.ntt.modmul.ModMul`).

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

    def __init__(self, *, width, reducer, pipeline_depth, dsp_width=None):
        self._mul = ModMul(width=width, reducer=reducer, pipeline_depth=pipeline_depth,
                           dsp_width=dsp_width)
        self._split = dsp_width is not None
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
        """Advancing cycles from operands to results: input register(s) + multiplier +
        output register(s)."""
        return self._mul.latency + 2 + (2 if self._split else 0)

    def elaborate(self, platform):
        m = Module()
        m.submodules.mul = mul = self._mul
        w = self._width
        q = self.q

        u, v, w_in, mode_in = self.u, self.v, self.w, self.mode
        if self._split:
            # Register the operands first: they arrive through the array's read crossbar.
            u, v, w_in, mode_in = Signal(w), Signal(w), Signal(w), Signal(2)
            with m.If(self.en):
                m.d.sync += [u.eq(self.u), v.eq(self.v), w_in.eq(self.w), mode_in.eq(self.mode)]

        x0 = Signal(w)          # the operand that bypasses the multiplier
        x1 = Signal(w)          # the multiplier's first operand
        wb = Signal(w)
        mode = Signal(2)
        with m.If(self.en):
            m.d.sync += [
                x0.eq(Mux(mode_in == Mode.GS, add_mod(u, v, q), u)),
                x1.eq(Mux(mode_in == Mode.GS, sub_mod(u, v, q),
                          Mux(mode_in == Mode.CT, v, u))),
                wb.eq(w_in),
                mode.eq(mode_in),
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
        if self._split:
            # The CT sum and difference, registered before their corrections (x0 + r < 2q;
            # x0 - r wraps below zero into the top bit).
            total, diff = Signal(w + 1), Signal(w + 1)
            x0_d, r_d, mode_d = Signal(w), Signal(w), Signal(2)
            with m.If(self.en):
                m.d.sync += [total.eq(x0 + r), diff.eq(x0 - r), x0_d.eq(x0), r_d.eq(r),
                             mode_d.eq(mode)]
            with m.If(self.en):
                with m.Switch(mode_d):
                    with m.Case(Mode.CT):
                        m.d.sync += [
                            self.x.eq(Mux(total >= q, total - q, total)[:w]),
                            self.y.eq(Mux(diff[w], diff + q, diff)[:w]),
                        ]
                    with m.Case(Mode.GS):
                        m.d.sync += [self.x.eq(x0_d), self.y.eq(r_d)]
                    with m.Default():
                        m.d.sync += [self.x.eq(r_d), self.y.eq(r_d)]
            return m

        with m.If(self.en):
            with m.Switch(mode):
                with m.Case(Mode.CT):
                    m.d.sync += [self.x.eq(add_mod(x0, r, q)), self.y.eq(sub_mod(x0, r, q))]
                with m.Case(Mode.GS):
                    m.d.sync += [self.x.eq(x0), self.y.eq(r)]
                with m.Default():
                    m.d.sync += [self.x.eq(r), self.y.eq(r)]
        return m
