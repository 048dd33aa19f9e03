"""Bit-exact golden model of the negacyclic NTT computed by the NTT butterfly array.

Implements ``spec``: docs/ntt.md, "Math and conventions", which follows Microsoft SEAL and Intel
HEXL: over ``Z_q[X] / (X^N + 1)`` with ``q`` prime, ``q = 1 (mod 2N)`` and ``psi`` the minimal
primitive 2N-th root of unity (or an explicit one),

- forward: Cooley-Tukey, natural order in, bit-reversed order out, twiddles
  ``fwd_twiddles[k] = psi**brv(k)``: ``ntt_forward(a)[brv(k)] = sum_j a[j] * psi**(j * (2k + 1))``;
- inverse: Gentleman-Sande, bit-reversed order in, natural order out, twiddles
  ``inv_twiddles[k] = psi**-brv(k)``, followed by the scaling by ``N**-1``;
- product: ``poly_mul(a, b) = ntt_inverse(ntt_forward(a) * ntt_forward(b))`` (pointwise, mod q),
  the negacyclic convolution; :func:`negacyclic_schoolbook` computes it independently in O(N^2).

Every function takes lists or numpy arrays of residues in ``[0, q)`` and returns a new numpy array:
dtype ``uint64`` when ``q < 2**32`` (one stage is a handful of vectorised numpy operations;
products of two residues fit in 64 bits), dtype ``object`` holding exact Python ints otherwise.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .primes import _as_int, _check_ntt_modulus, _minimal_psi, bit_reverse_indices
from .reduction import barrett_constants

__all__ = [
    "NttContext", "make_context", "check_width",
    "ntt_forward", "ntt_inverse", "pointwise_mul", "poly_mul", "negacyclic_schoolbook",
]

#: Moduli below this bound use the vectorised uint64 path.
FAST_LIMIT = 1 << 32


@dataclass(frozen=True, eq=False)
class NttContext:
    """Everything one RNS limb needs: modulus, roots, scaling and twiddle tables.

    Attributes
    ----------
    q, n, log_n : int
        Prime modulus, transform length ``n = 2**log_n`` (``q = 1 mod 2n``).
    psi, psi_inv : int
        The primitive 2n-th root of unity used and its inverse modulo ``q``.
    n_inv : int
        ``n**-1 mod q``.
    fwd_twiddles, inv_twiddles : numpy.ndarray
        Read-only, length ``n``: ``fwd_twiddles[k] = psi**brv(k)``, ``inv_twiddles[k] =
        psi**-brv(k)`` (mod q), with ``brv`` the ``log_n``-bit reversal. Entry 0 (= 1) is unused.
    barrett : tuple of int
        ``(k, mu)`` from :func:`cerite.ntt.reduction.barrett_constants`.
    """

    q: int
    n: int
    log_n: int
    psi: int
    psi_inv: int
    n_inv: int
    fwd_twiddles: np.ndarray
    inv_twiddles: np.ndarray
    barrett: tuple

    @property
    def dtype(self):
        """The dtype of arrays modulo ``q``: ``uint64`` below ``2**32``, else ``object``."""
        return _dtype(self.q)


def _dtype(q):
    return np.dtype(np.uint64) if q < FAST_LIMIT else np.dtype(object)


def _powers(x, n, q):
    """Return ``[x**0, ..., x**(n-1)] mod q`` in ``_dtype(q)`` by repeated doubling."""
    dt = _dtype(q)
    qq = dt.type(q) if dt != object else q
    out = np.ones(1, dtype=dt)
    step = x
    while out.size < n:
        out = np.concatenate((out, out * (dt.type(step) if dt != object else step) % qq))
        step = step * step % q
    return out


@lru_cache(maxsize=64)
def _make_context(q, n, psi):
    log_n = n.bit_length() - 1
    psi_inv = pow(psi, -1, q)
    brv = bit_reverse_indices(n)
    fwd = _powers(psi, n, q)[brv]
    inv = _powers(psi_inv, n, q)[brv]
    for table in (fwd, inv):
        table.flags.writeable = False
    return NttContext(q=q, n=n, log_n=log_n, psi=psi, psi_inv=psi_inv, n_inv=pow(n, -1, q),
                      fwd_twiddles=fwd, inv_twiddles=inv, barrett=barrett_constants(q))


def make_context(q, n, psi=None):
    """Return the (cached) :class:`NttContext` for prime ``q``, length ``n`` and root ``psi``.

    ``n`` must be a power of two >= 2 and ``q`` a prime with ``q = 1 (mod 2n)``; ``psi`` defaults
    to the minimal primitive 2n-th root, and an explicit ``psi`` must be a primitive 2n-th root of
    unity in ``[1, q)`` (i.e. ``psi**n = -1 mod q``). Raises ``ValueError`` otherwise.
    """
    q, n = _check_ntt_modulus(q, n)
    if psi is None:
        psi = _minimal_psi(q, n)
    else:
        psi = _as_int(psi, "psi")
        if not 0 < psi < q or pow(psi, n, q) != q - 1:
            raise ValueError(
                f"psi = {psi} is not a primitive 2n-th root of unity mod q = {q} for n = {n} "
                f"(psi**{n} must be -1 mod q)")
    return _make_context(q, n, psi)


def check_width(q, width):
    """Raise ``ValueError`` unless residues mod ``q`` fit in ``width`` bits (``q < 2**width``)."""
    q = _as_int(q, "q")
    width = _as_int(width, "width")
    if width < 1:
        raise ValueError(f"width must be >= 1, not {width}")
    if q < 2:
        raise ValueError(f"q must be >= 2, not {q}")
    if q.bit_length() > width:
        raise ValueError(
            f"width {width} is too small for q = {q} (needs {q.bit_length()} bits)")


def _check_modulus(q):
    q = _as_int(q, "q")
    if q < 2:
        raise ValueError(f"q must be >= 2, not {q}")
    return q


def _residues(a, q, name):
    """Return a 1-D copy of ``a`` in ``_dtype(q)``, checking every entry is an integer in [0, q)."""
    arr = np.asarray(a)
    if arr.size == 0:
        arr = arr.astype(np.int64)  # np.asarray([]) is float64; let the length checks report it
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, not shape {arr.shape}")
    if arr.dtype.kind == "O":
        for i, x in enumerate(arr):
            if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
                raise TypeError(f"{name}[{i}] must be an int, not {type(x).__name__}")
    elif arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integers, not {arr.dtype}")
    if arr.size and (int(arr.min()) < 0 or int(arr.max()) >= q):
        i, x = next((i, int(x)) for i, x in enumerate(arr.tolist()) if not 0 <= x < q)
        raise ValueError(f"{name}[{i}] = {x} is not in [0, q) for q = {q}")
    if _dtype(q) == object:
        out = np.empty(arr.size, dtype=object)
        out[:] = [int(x) for x in arr.tolist()]
        return out
    return arr.astype(np.uint64)  # always a copy


def _check_length(arr, name):
    n = arr.size
    if n < 2 or n & (n - 1):
        raise ValueError(f"length of {name} must be a power of two >= 2, not {n}")
    return n


def _check_same_length(a, b):
    if a.size != b.size:
        raise ValueError(f"a and b must have the same length, not {a.size} and {b.size}")


def _prepare(a, q, psi):
    """Validate ``a`` (as residues of a transform) and return ``(array, context)``."""
    q = _check_modulus(q)
    arr = _residues(a, q, "a")
    n = _check_length(arr, "a")
    return arr, make_context(q, n, psi)


def _add(x, y, q):
    """``(x + y) mod q`` for residues."""
    s = x + y
    if s.dtype == object:
        return s % q
    return np.subtract(s, q, out=s, where=s >= q)


def _sub(x, y, q):
    """``(x - y) mod q`` for residues (no unsigned wrap-around)."""
    if x.dtype == object:
        return (x - y) % q
    d = x + (q - y)
    return np.subtract(d, q, out=d, where=d >= q)


def _forward_in_place(x, ctx):
    q = ctx.q if x.dtype == object else np.uint64(ctx.q)
    m = 1
    while m < ctx.n:
        # row i of blk is group i: blk[i, 0] = a[2it : 2it + t], blk[i, 1] = a[2it + t : 2it + 2t]
        blk = x.reshape(m, 2, ctx.n // (2 * m))
        u = blk[:, 0, :]
        v = blk[:, 1, :] * ctx.fwd_twiddles[m:2 * m, None] % q
        hi, lo = _add(u, v, q), _sub(u, v, q)
        blk[:, 0, :] = hi
        blk[:, 1, :] = lo
        m *= 2


def _inverse_in_place(x, ctx):
    q = ctx.q if x.dtype == object else np.uint64(ctx.q)
    m = ctx.n // 2
    while m >= 1:
        blk = x.reshape(m, 2, ctx.n // (2 * m))
        u, v = blk[:, 0, :], blk[:, 1, :]
        hi = _add(u, v, q)
        lo = _sub(u, v, q) * ctx.inv_twiddles[m:2 * m, None] % q
        blk[:, 0, :] = hi
        blk[:, 1, :] = lo
        m //= 2
    x *= ctx.n_inv if x.dtype == object else np.uint64(ctx.n_inv)
    x %= q


def ntt_forward(a, q, psi=None):
    """Forward negacyclic NTT: natural order in, bit-reversed order out.

    ``a`` holds ``N`` residues in ``[0, q)``, ``N`` a power of two >= 2; ``q`` is a prime with
    ``q = 1 (mod 2N)``; ``psi`` an explicit primitive 2N-th root (default: the minimal one).
    Returns ``A`` with ``A[brv(k)] = sum_j a[j] * psi**(j * (2k + 1)) mod q``.
    """
    x, ctx = _prepare(a, q, psi)
    _forward_in_place(x, ctx)
    return x


def ntt_inverse(a, q, psi=None):
    """Inverse negacyclic NTT: bit-reversed order in, natural order out, scaled by ``N**-1``.

    Same contract as :func:`ntt_forward`, of which it is the exact inverse for the same ``psi``.
    """
    x, ctx = _prepare(a, q, psi)
    _inverse_in_place(x, ctx)
    return x


def pointwise_mul(a, b, q):
    """Return ``a[i] * b[i] mod q`` for residues ``a, b`` in ``[0, q)`` of the same length."""
    q = _check_modulus(q)
    x, y = _residues(a, q, "a"), _residues(b, q, "b")
    _check_same_length(x, y)
    return x * y % (q if x.dtype == object else np.uint64(q))


def poly_mul(a, b, q, psi=None):
    """Negacyclic product ``a * b mod (X^N + 1, q)`` as ``INTT(NTT(a) . NTT(b))``.

    Same contract as :func:`ntt_forward` for each operand; ``a`` and ``b`` must have the same
    length. The result does not depend on the choice of ``psi``.
    """
    q = _check_modulus(q)
    x, y = _residues(a, q, "a"), _residues(b, q, "b")
    _check_same_length(x, y)
    ctx = make_context(q, _check_length(x, "a"), psi)
    _forward_in_place(x, ctx)
    _forward_in_place(y, ctx)
    x = x * y % (q if x.dtype == object else np.uint64(q))
    _inverse_in_place(x, ctx)
    return x


def negacyclic_schoolbook(a, b, q):
    """Reference negacyclic product in O(N^2).

    ``c[k] = sum_{i+j=k} a_i b_j - sum_{i+j=k+N} a_i b_j (mod q)``, i.e. ``a * b mod (X^N + 1)``.

    Independent of the NTT (no roots, any modulus ``q >= 2``, any length ``N >= 1``); ``a`` and
    ``b`` hold residues in ``[0, q)`` of the same length.
    """
    q = _check_modulus(q)
    x, y = _residues(a, q, "a"), _residues(b, q, "b")
    _check_same_length(x, y)
    n = x.size
    if n < 1:
        raise ValueError("a and b must not be empty")
    if x.dtype == object:
        full = np.zeros(2 * n, dtype=object)
        for i, ai in enumerate(x):
            full[i:i + n] += ai * y
        return (full[:n] - full[n:]) % q
    # uint64: each row a_i * b mod q < 2**32, and N <= 2**31 rows keep the sums below 2**63.
    qq = np.uint64(q)
    full = np.zeros(2 * n, dtype=np.uint64)
    for i in range(n):
        full[i:i + n] += x[i] * y % qq
    lo, hi = full[:n] % qq, full[n:] % qq
    return _sub(lo, hi, qq)
