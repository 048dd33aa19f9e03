"""Residue number system (RNS) helpers: one NTT limb per word-sized prime.

Implements ``spec``: docs/ntt.md, "Why it exists": a big modulus ``Q = q_0 * ... * q_{L-1}`` of
distinct NTT-friendly primes is handled limb by limb, one :class:`~cerite.ntt.golden.NttContext`
per prime (the hardware loads one limb's context at a time). Reconstruction uses the Chinese
remainder theorem: ``x = sum_i [x_i * (Q/q_i)**-1 mod q_i] * (Q/q_i) mod Q``.
"""

import numpy as np

from .golden import _residues, make_context, poly_mul
from .primes import _as_int, _check_power_of_two

__all__ = ["RnsBasis", "to_rns", "from_rns", "rns_poly_mul"]


class RnsBasis:
    """A basis of distinct primes ``q_i = 1 (mod 2n)`` for polynomials of length ``n``.

    Parameters
    ----------
    primes : sequence of int
        The limb moduli, at least one, pairwise distinct, each prime with ``q_i = 1 mod 2n``.
    n : int
        Polynomial length, a power of two >= 2.

    Attributes
    ----------
    primes : tuple of int
    n : int
    modulus : int
        ``Q``, the product of the primes.
    contexts : tuple of NttContext
        One per limb, with the minimal ``psi``.
    """

    def __init__(self, primes, n):
        n = _check_power_of_two(n, "n")
        primes = tuple(_as_int(q, "each prime") for q in primes)
        if not primes:
            raise ValueError("primes must not be empty")
        if len(set(primes)) != len(primes):
            raise ValueError(f"primes must be distinct, not {list(primes)}")
        self.n = n
        self.primes = primes
        self.contexts = tuple(make_context(q, n) for q in primes)
        self.modulus = 1
        for q in primes:
            self.modulus *= q
        self._crt = tuple((self.modulus // q, pow(self.modulus // q, -1, q)) for q in primes)

    def __len__(self):
        return len(self.primes)

    def __repr__(self):
        return f"RnsBasis(primes={list(self.primes)}, n={self.n})"


def _check_basis(basis):
    if not isinstance(basis, RnsBasis):
        raise TypeError(f"basis must be an RnsBasis, not {type(basis).__name__}")


def to_rns(coeffs, basis):
    """Reduce a polynomial with integer coefficients (any size and sign) into its limbs.

    Returns a list of ``len(basis)`` arrays of length ``n``: limb ``i`` is ``coeffs mod q_i``
    (dtype as in :mod:`cerite.ntt.golden`).
    """
    _check_basis(basis)
    arr = np.asarray(coeffs, dtype=object)
    if arr.ndim != 1:
        raise ValueError(f"coeffs must be one-dimensional, not shape {arr.shape}")
    if arr.size != basis.n:
        raise ValueError(f"coeffs must have length n = {basis.n}, not {arr.size}")
    values = [_as_int(x, f"coeffs[{i}]") for i, x in enumerate(arr)]
    return [_residues([x % q for x in values], q, f"limb {i}") for i, q in enumerate(basis.primes)]


def _check_limbs(limbs, basis, name):
    _check_basis(basis)
    limbs = list(limbs)
    if len(limbs) != len(basis):
        raise ValueError(f"{name} must have {len(basis)} limbs, not {len(limbs)}")
    out = []
    for i, (limb, q) in enumerate(zip(limbs, basis.primes)):
        arr = _residues(limb, q, f"{name} limb {i}")
        if arr.size != basis.n:
            raise ValueError(f"{name} limb {i} must have length n = {basis.n}, not {arr.size}")
        out.append(arr)
    return out


def from_rns(limbs, basis):
    """Reconstruct the coefficients in ``[0, Q)`` from their limbs (CRT); dtype ``object``."""
    limbs = _check_limbs(limbs, basis, "limbs")
    acc = np.zeros(basis.n, dtype=object)
    for limb, (q_hat, q_hat_inv) in zip(limbs, basis._crt):
        acc += np.array([int(x) * q_hat_inv for x in limb.tolist()], dtype=object) * q_hat
    return acc % basis.modulus


def rns_poly_mul(a_limbs, b_limbs, basis):
    """Limb-wise negacyclic product: limb ``i`` is ``poly_mul(a_i, b_i, q_i)``.

    By the CRT the result represents ``a * b mod (X^n + 1, Q)``.
    """
    a_limbs = _check_limbs(a_limbs, basis, "a_limbs")
    b_limbs = _check_limbs(b_limbs, basis, "b_limbs")
    return [poly_mul(a, b, ctx.q, ctx.psi) for a, b, ctx in zip(a_limbs, b_limbs, basis.contexts)]
