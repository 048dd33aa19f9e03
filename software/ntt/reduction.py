"""Bit-exact models of the modular reducers used by the NTT butterfly (``cerite.hw.ntt.modmul``).

Each reducer takes a product ``x = a * b`` of two residues ``a, b < q`` and returns a value in
``[0, q)``. The functions here follow the hardware step by step (same intermediate widths, same
number of conditional subtractions) so that tests can check the hardware's internals as well as
its result. See ``spec``: docs/ntt.md, "Modular reduction".

- Barrett, run-time q: ``k = bitlen(q)``, ``mu = floor(2**(2k) / q)``,
  ``qhat = ((x >> (k-1)) * mu) >> (k+1)``, ``r = x - qhat*q``, then at most two subtractions.
- Montgomery, run-time q: ``R = 2**r_log2`` (hardware: ``r_log2 = width``), ``q' = -q^-1 mod R``;
  ``REDC(x) = x * R^-1 mod q`` with one conditional subtraction.
- Solinas, fixed ``q = 2**32 - 2**20 + 1``: ``2**32 = 2**20 - 1 (mod q)`` folds the high word with
  shifts and adds, three times, then conditional subtractions.
"""

__all__ = [
    "SOLINAS_Q",
    "barrett_constants", "barrett_reduce",
    "montgomery_constants", "montgomery_reduce", "to_montgomery", "from_montgomery",
    "solinas_reduce",
]

#: The Solinas prime 2**32 - 2**20 + 1 (the largest 32-bit NTT-friendly prime, N <= 2**19).
SOLINAS_Q = 2**32 - 2**20 + 1


def _check_modulus(q):
    if not isinstance(q, int) or isinstance(q, bool):
        raise TypeError(f"q must be an int, not {type(q).__name__}")
    if q < 3 or q % 2 == 0:
        raise ValueError(f"q must be an odd modulus >= 3, not {q}")


def barrett_constants(q):
    """Return ``(k, mu)`` for Barrett reduction modulo ``q``.

    ``k = bitlen(q)`` and ``mu = 2**(2k) // q``.
    """
    _check_modulus(q)
    k = q.bit_length()
    return k, (1 << (2 * k)) // q


def barrett_reduce(x, q, mu=None, k=None):
    """Reduce ``0 <= x < q**2`` modulo ``q`` the way the hardware does; returns ``x % q``.

    Raises ``AssertionError`` if more than two correction subtractions would be needed (which
    the analysis rules out; the check guards the model itself).
    """
    if mu is None or k is None:
        k, mu = barrett_constants(q)
    if not 0 <= x < q * q:
        raise ValueError(f"x must be in [0, q**2), not {x}")
    qhat = ((x >> (k - 1)) * mu) >> (k + 1)
    r = x - qhat * q
    for _ in range(2):
        if r >= q:
            r -= q
    assert 0 <= r < q, "Barrett estimate off by more than two"
    return r


def montgomery_constants(q, r_log2):
    """Return ``q' = -q**-1 mod 2**r_log2`` for Montgomery reduction; requires ``q < 2**r_log2``."""
    _check_modulus(q)
    if q >= 1 << r_log2:
        raise ValueError(f"q must be below R = 2**{r_log2}, not {q}")
    r = 1 << r_log2
    return (-pow(q, -1, r)) % r


def montgomery_reduce(x, q, qprime, r_log2):
    """Return ``x * R**-1 mod q`` for ``0 <= x < q * R`` (REDC with one conditional subtraction)."""
    r_mask = (1 << r_log2) - 1
    if not 0 <= x < q << r_log2:
        raise ValueError(f"x must be in [0, q*R), not {x}")
    m = ((x & r_mask) * qprime) & r_mask
    t = (x + m * q) >> r_log2
    if t >= q:
        t -= q
    assert 0 <= t < q
    return t


def to_montgomery(a, q, r_log2):
    """Map a residue into Montgomery form: ``a * R mod q``."""
    return (a << r_log2) % q


def from_montgomery(a, q, r_log2):
    """Map a Montgomery-form residue back: ``a * R**-1 mod q``."""
    return (a * pow(1 << r_log2, -1, q)) % q


def solinas_reduce(x):
    """Reduce ``0 <= x < SOLINAS_Q**2`` modulo ``SOLINAS_Q`` by folding ``2**32 = 2**20 - 1``."""
    if not 0 <= x < SOLINAS_Q * SOLINAS_Q:
        raise ValueError(f"x must be in [0, q**2), not {x}")
    mask = (1 << 32) - 1
    for _ in range(3):
        hi, lo = x >> 32, x & mask
        x = lo + (hi << 20) - hi
    # After three folds x < 2**32 + 2**29, i.e. below 2q.
    assert x < 2 * SOLINAS_Q
    if x >= SOLINAS_Q:
        x -= SOLINAS_Q
    return x
