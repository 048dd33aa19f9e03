"""Pipelined modular multiplier: the arithmetic core of every NTT butterfly.

``r = a * b mod q`` (Barrett, Solinas) or ``r = a * b * 2**-width mod q`` (Montgomery), always fully
reduced to ``[0, q)``. The reducers follow ``cerite.ntt.reduction`` step by step; see that module for
the arithmetic and ``docs/ntt.md`` for where each is used.

- ``barrett``: run-time ``q`` of at most ``width`` bits; context ``k = bitlen(q)`` and
  ``mu = 2**(2k) // q``. Three multipliers (product, quotient estimate, ``qhat * q``).
- ``montgomery``: run-time odd ``q < 2**width``, ``R = 2**width``; context ``qprime = -q**-1 mod R``.
  Three multipliers (product, ``m``, ``m * q``); the result carries a factor ``R**-1``.
- ``solinas``: ``q = 2**32 - 2**20 + 1`` fixed at elaboration, ``width = 32``. One multiplier; the
  reduction folds ``2**32 = 2**20 - 1`` with shifts and adds.

The context inputs (``q``, ``mu``, ``k``, ``qprime``) must stay constant while products are in flight.
"""

from amaranth import Module, Mux, Signal, unsigned
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from ...ntt.reduction import SOLINAS_Q

__all__ = ["ModMul", "ModularReducer", "REDUCERS"]

#: Reducer names accepted by :class:`ModMul` (and by the NTT array).
REDUCERS = ("barrett", "montgomery", "solinas")

#: Number of arithmetic steps of every reducer; ``pipeline_depth`` registers go between them.
_STEPS = 4


class ModMul(wiring.Component):
    """Fully pipelined modular multiplier with a fixed latency.

    Parameters
    ----------
    width : int
        Operand and modulus width in bits, 2..64 (32 for ``solinas``).
    reducer : str
        One of :data:`REDUCERS`.
    pipeline_depth : int
        Register stages, 1..4; the latency in cycles of ``en = 1``.

    Members
    -------
    en : In(1)
        Advance the pipeline. All stages hold their values while ``en`` is 0.
    a, b : In(width)
        Operands, each below ``q``.
    q : In(width)
        The modulus (present for every reducer; ignored by ``solinas``).
    mu : In(width + 1)
        Barrett only: ``2**(2k) // q``.
    k : In(range(width + 1))
        Barrett only: the bit length of ``q``.
    qprime : In(width)
        Montgomery only: ``-q**-1 mod 2**width``.
    r : Out(width)
        The reduced product, ``latency`` advancing cycles after ``a`` and ``b``.
    """

    def __init__(self, *, width, reducer, pipeline_depth=3):
        if reducer not in REDUCERS:
            raise ValueError(f"reducer must be one of {', '.join(REDUCERS)}, not {reducer!r}")
        if not isinstance(width, int) or not 2 <= width <= 64:
            raise ValueError(f"width must be an integer in 2..64, not {width!r}")
        if reducer == "solinas" and width != 32:
            raise ValueError(f"width must be 32 for the solinas reducer, not {width}")
        if not isinstance(pipeline_depth, int) or not 1 <= pipeline_depth <= _STEPS:
            raise ValueError(
                f"pipeline_depth must be an integer in 1..{_STEPS}, not {pipeline_depth!r}")
        self._width = width
        self._reducer = reducer
        self._pipeline_depth = pipeline_depth

        members = {"en": In(1), **self._operand_ports(width), "q": In(width), "r": Out(width)}
        if reducer == "barrett":
            members["mu"] = In(width + 1)
            members["k"] = In(range(width + 1))
        elif reducer == "montgomery":
            members["qprime"] = In(width)
        super().__init__(members)

    @property
    def width(self):
        return self._width

    @property
    def reducer(self):
        return self._reducer

    @property
    def pipeline_depth(self):
        return self._pipeline_depth

    @property
    def latency(self):
        """Cycles of ``en = 1`` from operands to result."""
        return self._pipeline_depth

    @staticmethod
    def _operand_ports(width):
        return {"a": In(width), "b": In(width)}

    def _product(self):
        """The value step 0 starts from: the full product of the operands."""
        return self.a * self.b

    def _registered_after(self):
        """Steps after which a register stage sits: always the last, then the multipliers'."""
        order = [_STEPS - 1, 0, 1, 2]
        return set(order[:self._pipeline_depth])

    def elaborate(self, platform):
        m = Module()
        registered = self._registered_after()
        step_index = 0

        def stage(**values):
            """End one arithmetic step: register its results (and every value a later step still
            needs) or pass them on combinationally. Returns the signals in the order given."""
            nonlocal step_index
            outs = []
            for name, value in values.items():
                sig = Signal(value.shape(), name=f"s{step_index}_{name}")
                if step_index in registered:
                    with m.If(self.en):
                        m.d.sync += sig.eq(value)
                else:
                    m.d.comb += sig.eq(value)
                outs.append(sig)
            step_index += 1
            return outs[0] if len(outs) == 1 else outs

        steps = {
            "barrett": self._barrett,
            "montgomery": self._montgomery,
            "solinas": self._solinas,
        }[self._reducer]
        m.d.comb += self.r.eq(steps(m, stage))
        assert step_index == _STEPS
        return m

    def _barrett(self, m, stage):
        w = self._width
        k_minus_1 = Signal(range(w + 1))
        k_plus_1 = Signal(range(w + 2))
        m.d.comb += [k_minus_1.eq(self.k - 1), k_plus_1.eq(self.k + 1)]

        x = stage(x=self._product())
        # x < q**2 < 2**(2k), so x >> (k-1) < 2**(k+1) fits width + 1 bits.
        x_hi = (x >> k_minus_1)[:w + 1]
        # Only the low width + 2 bits of x matter from here on: r = x - qhat*q lies in [0, 3q).
        estimate, x_low = stage(estimate=x_hi * self.mu, x_low=x[:w + 2])
        qhat = (estimate >> k_plus_1)[:w + 1]
        r = stage(r=(x_low - (qhat * self.q)[:w + 2])[:w + 2])
        r1 = Mux(r >= self.q, r - self.q, r)[:w + 2]
        return stage(result=Mux(r1 >= self.q, r1 - self.q, r1)[:w])

    def _montgomery(self, m, stage):
        w = self._width
        x = stage(x=self._product())
        mq, x = stage(m=(x[:w] * self.qprime)[:w], x=x)
        # (x + m*q) is a multiple of R = 2**w; t = (x + m*q) / R < 2q.
        t = stage(t=((x + mq * self.q) >> w)[:w + 1])
        return stage(result=Mux(t >= self.q, t - self.q, t)[:w])

    def _solinas(self, m, stage):
        q = SOLINAS_Q

        def fold(value, bits_out):
            hi, lo = value[32:], value[:32]
            return (lo + (hi << 20) - hi)[:bits_out]

        x = stage(x=self._product())
        # Bounds as in cerite.ntt.reduction.solinas_reduce: < 2**52 + 2**32, < 2**40 + 2**32,
        # then < 2**32 + 2**28 < 2q.
        f1 = stage(fold1=fold(x, 53))
        f3 = stage(fold3=fold(fold(f1, 41), 33))
        return stage(result=Mux(f3 >= q, f3 - q, f3)[:32])


class ModularReducer(ModMul):
    """The reduction pipeline of :class:`ModMul` on its own: ``x`` in place of ``a * b``.

    Same parameters, context ports, latency and result as :class:`ModMul`, with input
    ``x: In(2 * width)`` (``x < q**2``; for Montgomery ``x < q * 2**width``). It exists so that the
    reduction logic, which every butterfly shares, can be proved correct for every ``x`` without
    the solver having to reason through the multiplier.
    """

    @staticmethod
    def _operand_ports(width):
        return {"x": In(2 * width)}

    def _product(self):
        return self.x
