"""Address generator of the NTT butterfly array: rows, half swap and twiddle reads of one cycle.

Implements the access pattern of ``spec``: docs/ntt.md ("Math and conventions", "Hardware shape")
on the banking of :mod:`.banks`. Cycle ``c`` of a butterfly stage of distance ``t = 2**s`` runs
the butterflies ``b = cB .. cB + B - 1`` in natural (group, j) order: group ``i = b >> s``,
``j = insert_zero(b, s)``, pair ``(j, j + t)``, twiddle index ``m + i`` with ``m = N / 2t``
(forward: ``Psi[m + i]``; inverse: ``Psiinv[m + i]``, stored after the forward table). Cycle ``c``
of an element-wise pass touches the ``B`` addresses ``[cB, cB + B)``.

Per cycle the generator gives the row of each bank half (``row_u`` for the half holding the
``U`` operands, ``row_v`` for the other), the ``swap`` bit (physical half of the ``U`` operands),
the lane routing select ``sp = min(s, log2 B)``, and the twiddle row (one row of all ``B``
twiddle banks) with ``tw_base``: lane ``l`` takes twiddle bank ``tw_base + (l >> sp)``.
"""

from dataclasses import dataclass

from amaranth import Const, Module, Mux, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from .banks import insert_zero, parity

__all__ = ["Issue", "issue_model", "butterfly_schedule", "AddressGenerator"]


@dataclass(frozen=True)
class Issue:
    """The addresses of one cycle (see the module docstring)."""

    row_u: int
    row_v: int
    swap: int
    sp: int
    tw_row: int
    tw_base: int


def issue_model(*, log_n, lanes, butterfly, inverse, s, c):
    """Behavioural model of :class:`AddressGenerator` for cycle ``c`` of a pass (pure Python)."""
    n = 1 << log_n
    lb = lanes.bit_length() - 1
    b0 = c << lb
    if not butterfly:
        return Issue(row_u=b0 >> (lb + 1), row_v=b0 >> (lb + 1), swap=parity(c), sp=lb,
                     tw_row=0, tw_base=0)
    j0 = insert_zero(b0, s)
    k0 = (n // 2 >> s) + (b0 >> s)
    return Issue(row_u=j0 >> (lb + 1), row_v=(j0 | 1 << s) >> (lb + 1), swap=parity(j0 >> lb),
                 sp=min(s, lb), tw_row=(k0 >> lb) + (n // lanes if inverse else 0),
                 tw_base=k0 & (lanes - 1))


def butterfly_schedule(log_n, lanes, s):
    """Reference order of one stage, straight from the loop nest of the spec.

    Returns a list over cycles of lists over lanes of ``(j, j + t, twiddle index)``, enumerating
    ``for i < m: for j in [2it, 2it + t)`` and cutting it into groups of ``lanes`` butterflies.
    """
    n = 1 << log_n
    t = 1 << s
    m = n // (2 * t)
    flat = [(j, j + t, m + i) for i in range(m) for j in range(2 * i * t, 2 * i * t + t)]
    return [flat[k:k + lanes] for k in range(0, len(flat), lanes)]


class AddressGenerator(wiring.Component):
    """Combinational address generator (see the module docstring for the contract).

    Parameters
    ----------
    log_n : int
        ``N = 2**log_n``.
    lanes : int
        ``B``, a power of two ``<= N / 2``.

    Members
    -------
    butterfly : In(1)
        1 for a butterfly stage, 0 for an element-wise pass.
    inverse : In(1)
        Butterfly stage of the inverse transform (twiddles from the inverse table).
    s : In(range(log_n))
        ``log2`` of the butterfly distance ``t``.
    c : In(range(N / B))
        Cycle within the pass.
    row_u, row_v : Out(range(N / 2B))
        Row of the bank half that holds the ``U`` operands, and of the other half.
    swap : Out(1)
        Physical bank half of logical positions ``0 .. B-1`` (the ``U`` operands).
    sp : Out(range(log2 B + 1))
        Lane routing select, ``min(s, log2 B)`` (``log2 B`` for element-wise passes).
    tw_row : Out(range(2N / B))
        Row of the twiddle banks.
    tw_base : Out(range(B))
        Twiddle bank of lane 0.
    """

    def __init__(self, *, log_n, lanes):
        self._log_n = log_n
        self._lanes = lanes
        n = 1 << log_n
        lb = lanes.bit_length() - 1
        super().__init__({
            "butterfly": In(1),
            "inverse": In(1),
            "s": In(range(log_n)),
            "c": In(range(n // lanes)),
            "row_u": Out(range(n // (2 * lanes))),
            "row_v": Out(range(n // (2 * lanes))),
            "swap": Out(1),
            "sp": Out(range(lb + 1)),
            "tw_row": Out(range(2 * n // lanes)),
            "tw_base": Out(range(lanes)),
        })

    def elaborate(self, platform):
        m = Module()
        log_n, lanes = self._log_n, self._lanes
        n = 1 << log_n
        lb = lanes.bit_length() - 1

        b0 = Signal(log_n, name="b0")                 # first butterfly / element of the cycle
        m.d.comb += b0.eq(self.c << lb)
        t = Signal(log_n, name="t")
        m.d.comb += t.eq(Const(1, 1) << self.s)
        j0 = Signal(log_n, name="j0")                 # insert_zero(b0, s)
        m.d.comb += j0.eq((((b0 & ~(t - 1)) << 1) | (b0 & (t - 1)))[:log_n])
        jv = Signal(log_n, name="jv")
        m.d.comb += jv.eq(j0 | t)
        k0 = Signal(log_n, name="k0")                 # twiddle index of lane 0: m + (b0 >> s)
        m.d.comb += k0.eq((Const(n // 2, log_n) >> self.s) | (b0 >> self.s))

        with m.If(self.butterfly):
            m.d.comb += [
                self.row_u.eq(j0 >> (lb + 1)),
                self.row_v.eq(jv >> (lb + 1)),
                self.swap.eq((j0 >> lb).xor()),
                self.sp.eq(Mux(self.s > lb, lb, self.s)),
                self.tw_row.eq((k0 >> lb) + Mux(self.inverse, n // lanes, 0)),
                self.tw_base.eq(k0[:lb]),
            ]
        with m.Else():
            m.d.comb += [
                self.row_u.eq(b0 >> (lb + 1)),
                self.row_v.eq(b0 >> (lb + 1)),
                self.swap.eq(self.c.xor()),
                self.sp.eq(lb),
            ]
        return m
