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

Every reducer is four arithmetic steps; ``pipeline_depth`` registers sit between them. With
``dsp_width`` set, each step is pipelined inside as well, for FPGA timing: every product is split
into ``dsp_width``-bit partial products (one hard multiplier each) with a register after the
multipliers and after every adder level but the last, and the run-time shifts, the Barrett
``qhat * q`` product and the first correction get registers of their own (:func:`modmul_latency`).

The context inputs (``q``, ``mu``, ``k``, ``qprime``) must stay constant while products are in flight.
"""

from amaranth import Module, Mux, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from ...ntt.reduction import SOLINAS_Q

__all__ = ["ModMul", "ModularReducer", "REDUCERS", "modmul_latency", "split_mul_levels"]

#: Reducer names accepted by :class:`ModMul` (and by the NTT array).
REDUCERS = ("barrett", "montgomery", "solinas")

#: Number of arithmetic steps of every reducer; ``pipeline_depth`` registers go between them.
_STEPS = 4


def _check_params(width, reducer, pipeline_depth, dsp_width):
    if reducer not in REDUCERS:
        raise ValueError(f"reducer must be one of {', '.join(REDUCERS)}, not {reducer!r}")
    if not isinstance(width, int) or isinstance(width, bool) or not 2 <= width <= 64:
        raise ValueError(f"width must be an integer in 2..64, not {width!r}")
    if reducer == "solinas" and width != 32:
        raise ValueError(f"width must be 32 for the solinas reducer, not {width}")
    if (not isinstance(pipeline_depth, int) or isinstance(pipeline_depth, bool)
            or not 1 <= pipeline_depth <= _STEPS):
        raise ValueError(
            f"pipeline_depth must be an integer in 1..{_STEPS}, not {pipeline_depth!r}")
    if dsp_width is not None and (not isinstance(dsp_width, int) or isinstance(dsp_width, bool)
                                  or not 8 <= dsp_width <= 64):
        raise ValueError(f"dsp_width must be None or an integer in 8..64, not {dsp_width!r}")


def _partial_products(a_bits, b_bits, out_bits, dsp_width):
    """``(a offset, b offset)`` of every partial product that reaches the low ``out_bits``."""
    return [(i, j) for i in range(0, a_bits, dsp_width) for j in range(0, b_bits, dsp_width)
            if out_bits is None or i + j < out_bits]


def split_mul_levels(a_bits, b_bits, *, dsp_width, out_bits=None):
    """Adder levels (and so internal registers) of an ``a_bits x b_bits`` product split into
    ``dsp_width``-bit partial products: ``ceil(log2(partial products))``, 0 for one multiplier."""
    terms = len(_partial_products(a_bits, b_bits, out_bits, dsp_width))
    return (terms - 1).bit_length()


def modmul_latency(*, width, reducer, pipeline_depth=3, dsp_width=None):
    """Latency in cycles of ``ModMul(width=..., reducer=..., pipeline_depth=..., dsp_width=...)``
    (validating the parameters as the constructor does)."""
    _check_params(width, reducer, pipeline_depth, dsp_width)
    if dsp_width is None:
        return pipeline_depth
    w = width

    def levels(a_bits, b_bits, out_bits=None):
        return split_mul_levels(a_bits, b_bits, dsp_width=dsp_width, out_bits=out_bits)

    if reducer == "barrett":
        # product; shift + estimate; shift + qhat*q (+ register) ; first correction
        inner = (levels(w, w) + 1 + levels(w + 1, w + 1) + 1 + levels(w + 1, w, w + 2) + 1 + 1)
    elif reducer == "montgomery":
        # product; m = x*q' mod R; m*q (+ register before the final add)
        inner = levels(w, w) + levels(w, w, w) + levels(w, w) + 1
    else:
        # product; fold 1; fold 2 (+ register) fold 3; correction
        inner = levels(32, 32) + 1
    return pipeline_depth + inner


class ModMul(wiring.Component):
    """Fully pipelined modular multiplier with a fixed latency.

    Parameters
    ----------
    width : int
        Operand and modulus width in bits, 2..64 (32 for ``solinas``).
    reducer : str
        One of :data:`REDUCERS`.
    pipeline_depth : int
        Registers between the four arithmetic steps, 1..4.
    dsp_width : int or None
        ``None``: each product is one ``*`` (the tools split it) and the latency is
        ``pipeline_depth``. An integer in 8..64: the operand width of the FPGA's hard multiplier
        (18 for the ECP5 MULT18X18D, 16 for the iCE40 SB_MAC16); every product is split into
        partial products of that size and the steps are pipelined inside (see the module
        docstring), adding :func:`modmul_latency` ``- pipeline_depth`` cycles.

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

    def __init__(self, *, width, reducer, pipeline_depth=3, dsp_width=None):
        _check_params(width, reducer, pipeline_depth, dsp_width)
        self._width = width
        self._reducer = reducer
        self._pipeline_depth = pipeline_depth
        self._dsp_width = dsp_width

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
    def dsp_width(self):
        return self._dsp_width

    @property
    def latency(self):
        """Cycles of ``en = 1`` from operands to result (:func:`modmul_latency`)."""
        return modmul_latency(width=self._width, reducer=self._reducer,
                              pipeline_depth=self._pipeline_depth, dsp_width=self._dsp_width)

    @staticmethod
    def _operand_ports(width):
        return {"a": In(width), "b": In(width)}

    def _product(self, pipe):
        """The value step 0 starts from: the full product of the operands."""
        product, = pipe.mul(self.a, self.b)
        return product

    def _registered_after(self):
        """Steps after which a register stage sits: always the last, then the multipliers'."""
        order = [_STEPS - 1, 0, 1, 2]
        return set(order[:self._pipeline_depth])

    def elaborate(self, platform):
        m = Module()
        pipe = _Pipe(m, self.en, registered=self._registered_after(), dsp_width=self._dsp_width)
        steps = {
            "barrett": self._barrett,
            "montgomery": self._montgomery,
            "solinas": self._solinas,
        }[self._reducer]
        m.d.comb += self.r.eq(steps(pipe))
        assert pipe.steps == _STEPS
        assert pipe.inner + self._pipeline_depth == self.latency, (pipe.inner, self.latency)
        return m

    def _barrett(self, p):
        w = self._width
        k = self.k
        x = p.stage(x=self._product(p))
        # x < q**2 < 2**(2k), so x >> (k-1) < 2**(k+1) fits width + 1 bits. Shifting left by one
        # and then right by k keeps the run-time shift amount a plain register (no k - 1 adder).
        # Only the low width + 2 bits of x matter from here on: r = x - qhat*q lies in [0, 3q).
        x_hi, x_low = p.cut(x_hi=((x << 1) >> k)[:w + 1], x_low=x[:w + 2])
        estimate, x_low = p.mul(x_hi, self.mu, x_low=x_low)
        estimate, x_low = p.stage(estimate=estimate, x_low=x_low)
        qhat, x_low = p.cut(qhat=((estimate >> 1) >> k)[:w + 1], x_low=x_low)
        qhat_q, x_low = p.mul(qhat, self.q, w + 2, x_low=x_low)
        qhat_q, x_low = p.cut(qhat_q=qhat_q, x_low=x_low)
        r = p.stage(r=(x_low - qhat_q)[:w + 2])
        r1 = p.cut(r1=Mux(r >= self.q, r - self.q, r)[:w + 2])
        return p.stage(result=Mux(r1 >= self.q, r1 - self.q, r1)[:w])

    def _montgomery(self, p):
        w = self._width
        x = p.stage(x=self._product(p))
        # After m is known only x >> w and whether x mod R is zero matter: x + m*q is a multiple
        # of R = 2**w, so its low half is 0 (x mod R = 0, hence m = 0) or exactly R (a carry).
        mq, x_hi, carry = p.mul(x[:w], self.qprime, w, x_hi=x[w:], carry=x[:w] != 0)
        mq, x_hi, carry = p.stage(m=mq, x_hi=x_hi, carry=carry)
        mq_q, x_hi, carry = p.mul(mq, self.q, x_hi=x_hi, carry=carry)
        mq_hi, x_hi, carry = p.cut(mq_hi=mq_q[w:], x_hi=x_hi, carry=carry)
        # t = (x + m*q) / R < 2q.
        t = p.stage(t=(x_hi + mq_hi + carry)[:w + 1])
        return p.stage(result=Mux(t >= self.q, t - self.q, t)[:w])

    def _solinas(self, p):
        q = SOLINAS_Q

        def fold(value, bits_out):
            hi, lo = value[32:], value[:32]
            return (lo + (hi << 20) - hi)[:bits_out]

        x = p.stage(x=self._product(p))
        # Bounds as in cerite.ntt.reduction.solinas_reduce: < 2**52 + 2**32, < 2**40 + 2**32,
        # then < 2**32 + 2**28 < 2q.
        f1 = p.stage(fold1=fold(x, 53))
        f2 = p.cut(fold2=fold(f1, 41))
        f3 = p.stage(fold3=fold(f2, 33))
        return p.stage(result=Mux(f3 >= q, f3 - q, f3)[:32])


class _Pipe:
    """Builds one reducer's pipeline: step-boundary registers (``pipeline_depth`` of them) and,
    with ``dsp_width``, the registers inside the steps and the split products."""

    def __init__(self, m, en, *, registered, dsp_width):
        self.m, self.en, self.registered, self.dsp_width = m, en, registered, dsp_width
        self.steps = 0          # step boundaries passed
        self.inner = 0          # registers inside steps

    def _register(self, prefix, values, present):
        outs = []
        for name, value in values.items():
            sig = Signal(value.shape(), name=f"{prefix}_{name}")
            if present:
                with self.m.If(self.en):
                    self.m.d.sync += sig.eq(value)
            else:
                self.m.d.comb += sig.eq(value)
            outs.append(sig)
        return outs[0] if len(outs) == 1 else outs

    def stage(self, **values):
        """End one arithmetic step: register its results (and every value a later step still
        needs) or pass them on combinationally. Returns the signals in the order given."""
        outs = self._register(f"s{self.steps}", values, self.steps in self.registered)
        self.steps += 1
        return outs

    def cut(self, **values):
        """A register inside a step, present only with ``dsp_width``."""
        if self.dsp_width is not None:
            self.inner += 1
        return self._register(f"s{self.steps}_c{self.inner}", values, self.dsp_width is not None)

    def mul(self, a, b, out_bits=None, **carry):
        """``a * b`` (its low ``out_bits`` bits), then the ``carry`` values delayed alongside it.

        With ``dsp_width``: the partial products, registered, then a tree of adder levels with a
        register after each but the last (whose sum the caller registers or uses)."""
        d = self.dsp_width
        if d is None:
            product = a * b
            return (product if out_bits is None else product[:out_bits], *carry.values())
        terms = sorted(((i + j, a[i:i + d] * b[j:j + d])
                        for i, j in _partial_products(len(a), len(b), out_bits, d)),
                       key=lambda term: term[0])
        names = list(carry)
        while len(terms) > 1:
            regs = self.cut(**{f"pp{n}": v for n, (_, v) in enumerate(terms)}, **carry)
            terms = [(s, r) for (s, _), r in zip(terms, regs)]
            carry = dict(zip(names, regs[len(terms):]))
            summed = []
            for (s0, v0), (s1, v1) in zip(terms[0::2], terms[1::2]):
                total = v0 + (v1 << (s1 - s0))
                summed.append((s0, total if out_bits is None else total[:out_bits - s0]))
            if len(terms) % 2:
                summed.append(terms[-1])
            terms = summed
        shift, product = terms[0]
        assert shift == 0
        return (product if out_bits is None else product[:out_bits], *carry.values())

    def delay(self, value, cycles):
        """``value`` through ``cycles`` inner registers (only with ``dsp_width``)."""
        for _ in range(cycles if self.dsp_width is not None else 0):
            value = self.cut(x=value)
        return value


class ModularReducer(ModMul):
    """The reduction pipeline of :class:`ModMul` on its own: ``x`` in place of ``a * b``.

    Same parameters, context ports, latency and result as :class:`ModMul`, with input
    ``x: In(2 * width)`` (``x < q**2``; for Montgomery ``x < q * 2**width``). With ``dsp_width``,
    ``x`` passes through as many registers as the product's adder tree would have. It exists so
    that the reduction logic, which every butterfly shares, can be proved correct for every ``x``
    without the solver having to reason through the multiplier.
    """

    @staticmethod
    def _operand_ports(width):
        return {"x": In(2 * width)}

    def _product(self, pipe):
        if self._dsp_width is None:
            return self.x
        return pipe.delay(self.x, split_mul_levels(self._width, self._width,
                                                   dsp_width=self._dsp_width))
