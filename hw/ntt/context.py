"""Host side of the NTT array's ``CONTEXT`` operation: the exact words one RNS limb needs.

Implements the context of ``spec``: docs/ntt.md ("Modular reduction", "Hardware shape"). The
driver and the testbenches stream the list returned by :func:`hw_context_words` (natural order,
``beat`` words per stream beat) after a ``CONTEXT`` command. Layout, ``2N + 8`` words of ``width``
bits:

======  ==========================================================================================
word    contents
======  ==========================================================================================
0       ``q``
1       ``N**-1`` in the multiplier's domain
2       ``to_domain``: ``R**2 mod q`` for Montgomery (LOAD multiplies by it: ``x*R``), else 1
3       Barrett ``k = bitlen(q)`` (0 for the other reducers)
4, 5    Barrett ``mu = 2**(2k) // q``: low ``width`` bits, then ``mu >> width`` (0 otherwise)
6       Montgomery ``qprime = -q**-1 mod 2**width`` (0 otherwise)
7       reserved, 0
8 ..    forward twiddles ``psi**brv(k)``, ``k = 0 .. N-1``, in the multiplier's domain
8+N ..  inverse twiddles ``psi**-brv(k)``, in the multiplier's domain; entry 1 (used only by the
        last inverse stage, on the upper half) premultiplied by ``N**-1``
======  ==========================================================================================

"The multiplier's domain" is the value itself for Barrett and Solinas and ``x * R mod q``
(``R = 2**width``) for Montgomery: the array keeps every coefficient in that domain between LOAD
and UNLOAD, so each Montgomery product ``a*b*R**-1`` of two domain values is again a domain value
and every operation (PWMUL included) is exact, with no stray ``R**-1``.
"""

import enum

from ...ntt.golden import NttContext, check_width, make_context
from ...ntt.reduction import SOLINAS_Q, barrett_constants, montgomery_constants
from .modmul import REDUCERS

__all__ = ["CONTEXT_HEADER_WORDS", "Header", "domain_factor", "hw_context_words"]

#: Number of header words before the twiddle tables.
CONTEXT_HEADER_WORDS = 8


class Header(enum.IntEnum):
    """Index of each header word."""

    Q = 0
    N_INV = 1
    TO_DOMAIN = 2
    BARRETT_K = 3
    BARRETT_MU_LO = 4
    BARRETT_MU_HI = 5
    QPRIME = 6
    RESERVED = 7


def _check(q, width, reducer):
    if reducer not in REDUCERS:
        raise ValueError(f"reducer must be one of {', '.join(REDUCERS)}, not {reducer!r}")
    if not isinstance(width, int) or not 14 <= width <= 32:
        raise ValueError(f"width must be an integer in 14..32, not {width!r}")
    if reducer == "solinas":
        if width != 32:
            raise ValueError(f"width must be 32 for the solinas reducer, not {width}")
        if q != SOLINAS_Q:
            raise ValueError(f"q must be {SOLINAS_Q} for the solinas reducer, not {q}")
    check_width(q, width)


def domain_factor(q, *, width, reducer):
    """Return the factor a value carries inside the array: ``2**width mod q`` or 1."""
    _check(q, width, reducer)
    return (1 << width) % q if reducer == "montgomery" else 1


def hw_context_words(ctx_or_q_n_psi, *, width, reducer):
    """Return the ``2N + 8`` context words (Python ints) for one limb (see the module docstring).

    Parameters
    ----------
    ctx_or_q_n_psi : NttContext or tuple
        A :class:`cerite.ntt.golden.NttContext`, or ``(q, n)`` / ``(q, n, psi)`` to build one
        (``psi`` defaults to the minimal primitive 2n-th root).
    width, reducer :
        The array's elaboration parameters.
    """
    if isinstance(ctx_or_q_n_psi, NttContext):
        ctx = ctx_or_q_n_psi
    else:
        try:
            q, n, *rest = ctx_or_q_n_psi
        except (TypeError, ValueError):
            raise TypeError("ctx_or_q_n_psi must be an NttContext or a tuple (q, n[, psi]), "
                            f"not {ctx_or_q_n_psi!r}") from None
        if len(rest) > 1:
            raise TypeError(f"ctx_or_q_n_psi must be (q, n[, psi]), not {ctx_or_q_n_psi!r}")
        ctx = make_context(q, n, rest[0] if rest else None)
    q, n = ctx.q, ctx.n
    factor = domain_factor(q, width=width, reducer=reducer)

    def dom(x):
        return int(x) * factor % q

    header = [0] * CONTEXT_HEADER_WORDS
    header[Header.Q] = q
    header[Header.N_INV] = dom(ctx.n_inv)
    header[Header.TO_DOMAIN] = factor * factor % q if reducer == "montgomery" else 1
    if reducer == "barrett":
        k, mu = barrett_constants(q)
        header[Header.BARRETT_K] = k
        header[Header.BARRETT_MU_LO] = mu & ((1 << width) - 1)
        header[Header.BARRETT_MU_HI] = mu >> width
    elif reducer == "montgomery":
        header[Header.QPRIME] = montgomery_constants(q, width)
    fwd = [dom(x) for x in ctx.fwd_twiddles]
    inv = [dom(x) for x in ctx.inv_twiddles]
    inv[1] = dom(int(ctx.inv_twiddles[1]) * ctx.n_inv % q)
    words = header + fwd + inv
    assert len(words) == 2 * n + CONTEXT_HEADER_WORDS
    return words
