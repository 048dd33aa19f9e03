"""Number theory for the NTT golden model: primality, NTT-friendly primes, roots, bit reversal.

Implements the conventions of ``spec``: docs/ntt.md, "Math and conventions" (SEAL / Intel HEXL):
``psi`` is the *minimal* primitive 2N-th root of unity modulo a prime ``q = 1 (mod 2N)``, i.e. the
smallest of ``r, r**3, r**5, ...`` for any primitive 2N-th root ``r`` (the odd powers of ``r`` are
exactly the primitive 2N-th roots).

Primality is a Miller-Rabin test with fixed bases. Bases 2, 3, ..., 41 (the first 13 primes) are
proven exact for ``n < 3 317 044 064 679 887 385 961 981`` (Sorenson and Webster, "Strong
pseudoprimes to twelve prime bases", Math. Comp. 86 (2017)), which covers every 64-bit and 80-bit
input. Above that bound every base ``a <= 2 ln(n)**2`` is tried, which is exact if the generalised
Riemann hypothesis holds (Bach, "Explicit bounds for primality testing", Math. Comp. 55 (1990)).
"""

import math
import operator
from functools import lru_cache

import numpy as np

__all__ = [
    "is_prime", "find_ntt_primes", "factorize", "primitive_root", "minimal_psi",
    "bit_reverse", "bit_reverse_indices", "bit_reverse_permute",
]

_SMALL_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)
#: Bases 2..41 decide Miller-Rabin exactly below this bound (Sorenson and Webster 2017).
_MR_PROVEN_BOUND = 3_317_044_064_679_887_385_961_981


def _as_int(value, name):
    """Return ``value`` as a Python int (numpy integers accepted); reject bools and non-integers."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not bool")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an int, not {type(value).__name__}") from None


def _check_power_of_two(n, name):
    n = _as_int(n, name)
    if n < 2 or n & (n - 1):
        raise ValueError(f"{name} must be a power of two >= 2, not {n}")
    return n


def _strong_probable_prime(n, d, s, a):
    """One Miller-Rabin round: is odd ``n = d * 2**s + 1`` a strong probable prime to base ``a``?"""
    x = pow(a, d, n)
    if x == 1 or x == n - 1:
        return True
    for _ in range(s - 1):
        x = x * x % n
        if x == n - 1:
            return True
    return False


def is_prime(n):
    """Return whether the integer ``n`` is prime (``False`` for ``n < 2``).

    Deterministic Miller-Rabin: proven exact below about ``3.3e24`` (bases 2..41), and for larger
    ``n`` exact under the generalised Riemann hypothesis (all bases up to ``2 ln(n)**2``).
    """
    n = _as_int(n, "n")
    if n < 2:
        return False
    for p in _SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    if n < _MR_PROVEN_BOUND:
        bases = _SMALL_PRIMES
    else:
        bases = range(2, min(n - 2, math.floor(2 * math.log(n) ** 2)) + 1)
    return all(_strong_probable_prime(n, d, s, a) for a in bases)


def find_ntt_primes(n, bits, count):
    """Return the ``count`` largest ``bits``-bit primes ``q = 1 (mod 2n)``, in decreasing order.

    Every result satisfies ``2**(bits-1) <= q < 2**bits``, so it supports negacyclic NTTs of
    length ``n`` (and any smaller power of two). Raises ``ValueError`` if there are fewer than
    ``count`` such primes.
    """
    n = _check_power_of_two(n, "n")
    bits = _as_int(bits, "bits")
    count = _as_int(count, "count")
    if bits < 2:
        raise ValueError(f"bits must be >= 2, not {bits}")
    if count < 1:
        raise ValueError(f"count must be >= 1, not {count}")
    step = 2 * n
    low = 1 << (bits - 1)
    q = ((1 << bits) - 2) // step * step + 1  # largest candidate below 2**bits
    found = []
    while q >= low and len(found) < count:
        if is_prime(q):
            found.append(q)
        q -= step
    if len(found) < count:
        raise ValueError(
            f"only {len(found)} primes of {bits} bits are 1 mod 2n = {step}, asked for {count}")
    return found


def _pollard_brent(n):
    """Return a non-trivial factor of the odd composite ``n`` (Brent's variant of Pollard's rho)."""
    for c in range(1, n):
        y, r, g, m = 2, 1, 1, 128
        x = ys = 2
        while g == 1:
            x = y
            for _ in range(r):
                y = (y * y + c) % n
            k = 0
            while k < r and g == 1:
                ys = y
                prod = 1
                for _ in range(min(m, r - k)):
                    y = (y * y + c) % n
                    prod = prod * abs(x - y) % n
                g = math.gcd(prod, n)
                k += m
            r *= 2
        if g == n:  # the batch overshot: redo it one step at a time
            g = 1
            while g == 1:
                ys = (ys * ys + c) % n
                g = math.gcd(abs(x - ys), n)
        if g != n:
            return g
    raise ArithmeticError(f"no factor found for {n}")  # unreachable for composite n


def _iroot(m, k):
    """Return ``floor(m ** (1/k))`` for integers ``m >= 0``, ``k >= 1`` (Newton's method)."""
    if m < 2:
        return m
    x = 1 << -(-m.bit_length() // k)  # an upper bound
    while True:
        y = ((k - 1) * x + m // x ** (k - 1)) // k
        if y >= x:
            return x
        x = y


def _perfect_power(m):
    """Return ``(r, k)`` with ``m = r**k`` and ``k`` as large as possible (``k = 1`` if none)."""
    for k in range(m.bit_length(), 1, -1):
        r = _iroot(m, k)
        if r > 1 and r**k == m:
            return r, k
    return m, 1


def factorize(n):
    """Return the prime factorisation of ``n >= 1`` as a sorted dict ``{prime: exponent}``."""
    n = _as_int(n, "n")
    if n < 1:
        raise ValueError(f"n must be >= 1, not {n}")
    factors = {}
    for p in _SMALL_PRIMES:
        while n % p == 0:
            factors[p] = factors.get(p, 0) + 1
            n //= p
    stack = [n] if n > 1 else []
    while stack:
        m = stack.pop()
        if is_prime(m):
            factors[m] = factors.get(m, 0) + 1
            continue
        root, k = _perfect_power(m)  # rho is slow on prime powers; split them first
        if k > 1:
            stack += [root] * k
        else:
            f = _pollard_brent(m)
            stack += [f, m // f]
    return dict(sorted(factors.items()))


@lru_cache(maxsize=1024)
def _is_prime_cached(q):
    return is_prime(q)


def _check_prime(q):
    q = _as_int(q, "q")
    if not _is_prime_cached(q):
        raise ValueError(f"q must be prime, not {q}")
    return q


@lru_cache(maxsize=256)
def _primitive_root(q):
    if q == 2:
        return 1
    cofactors = [(q - 1) // p for p in factorize(q - 1)]
    g = 2
    while any(pow(g, c, q) == 1 for c in cofactors):
        g += 1
    return g


def primitive_root(q):
    """Return the smallest generator of the multiplicative group modulo the prime ``q``."""
    return _primitive_root(_check_prime(q))


@lru_cache(maxsize=256)
def _minimal_psi(q, n):
    r = pow(_primitive_root(q), (q - 1) // (2 * n), q)
    r2 = r * r % q
    best = cur = r
    for _ in range(n - 1):  # r**3, r**5, ..., r**(2n-1)
        cur = cur * r2 % q
        best = min(best, cur)
    return best


def _check_ntt_modulus(q, n):
    """Check ``n`` (power of two >= 2) and ``q`` (prime, ``1 mod 2n``); return them as ints."""
    n = _check_power_of_two(n, "n")
    q = _check_prime(q)
    if q % (2 * n) != 1:
        raise ValueError(f"q = {q} is not 1 mod 2n = {2 * n} for n = {n}")
    return q, n


def minimal_psi(q, n):
    """Return the minimal primitive ``2n``-th root of unity modulo the prime ``q = 1 (mod 2n)``.

    This is the smallest ``psi`` in ``[1, q)`` with ``psi**n = -1 (mod q)`` (SEAL's
    ``try_minimal_primitive_root``, HEXL's ``MinimalPrimitiveRoot``).
    """
    q, n = _check_ntt_modulus(q, n)
    return _minimal_psi(q, n)


def bit_reverse(k, bits):
    """Return ``k`` with its lowest ``bits`` bits reversed; requires ``0 <= k < 2**bits``."""
    k = _as_int(k, "k")
    bits = _as_int(bits, "bits")
    if bits < 0:
        raise ValueError(f"bits must be >= 0, not {bits}")
    if not 0 <= k < 1 << bits:
        raise ValueError(f"k must be in [0, 2**{bits}), not {k}")
    r = 0
    for _ in range(bits):
        r = (r << 1) | (k & 1)
        k >>= 1
    return r


@lru_cache(maxsize=32)
def _bit_reverse_indices(n):
    idx = np.zeros(1, dtype=np.int64)
    while idx.size < n:
        idx = np.concatenate((2 * idx, 2 * idx + 1))
    idx.flags.writeable = False
    return idx


def bit_reverse_indices(n):
    """Return the read-only int64 array ``[brv(0), ..., brv(n-1)]`` for ``n`` a power of two."""
    n = _as_int(n, "n")
    if n < 1 or n & (n - 1):
        raise ValueError(f"n must be a power of two, not {n}")
    return _bit_reverse_indices(n)


def bit_reverse_permute(a):
    """Return a new array ``b[k] = a[brv(k)]`` (an involution); ``len(a)`` a power of two."""
    a = np.asarray(a)
    if a.ndim != 1:
        raise ValueError(f"a must be one-dimensional, not shape {a.shape}")
    if a.size < 1 or a.size & (a.size - 1):
        raise ValueError(f"length of a must be a power of two, not {a.size}")
    return a[_bit_reverse_indices(a.size)]
