"""Tests of the NTT golden model (cerite.ntt.golden, primes, rns, golden_bench).

Spec: docs/ntt.md ("Math and conventions", "Known-answer vectors"). Independent references: the
published known-answer vectors, sympy's and galois's cyclic NTTs (with the psi twist), the direct
definition A[brv(k)] = sum_j a_j psi**(j(2k+1)), schoolbook products written here in plain Python,
and sympy's primality / primitive-root / factoring routines.
"""

import random
import re

import galois
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.discrete.transforms import ntt as sympy_ntt

from cerite.ntt.golden import (
    NttContext, check_width, make_context, negacyclic_schoolbook, ntt_forward, ntt_inverse,
    pointwise_mul, poly_mul,
)
from cerite.ntt.golden_bench import benchmark_golden
from cerite.ntt.primes import (
    bit_reverse, bit_reverse_indices, bit_reverse_permute, factorize, find_ntt_primes, is_prime,
    minimal_psi, primitive_root,
)
from cerite.ntt.rns import RnsBasis, from_rns, rns_poly_mul, to_rns

SPEC_PRIMES = [7681, 12289, 65537, 268042241, 4293918721]
REF_PRIMES = [12289, 7681, 268042241, 4293918721]
Q50 = find_ntt_primes(256, 50, 1)[0]
Q60 = find_ntt_primes(2**16, 60, 1)[0]
Q100 = find_ntt_primes(64, 100, 1)[0]


def max_log_n(q):
    """Largest log2 N with q = 1 mod 2N (computed without the code under test)."""
    v = 0
    while (q - 1) % (2 ** (v + 1)) == 0:
        v += 1
    return v - 1


def brv(k, bits):
    return int(format(k, f"0{bits}b")[::-1], 2) if bits else 0


def rand_poly(rng, n, q):
    return [rng.randrange(q) for _ in range(n)]


def plain_negacyclic(a, b, q):
    """Schoolbook product mod (X^N + 1, q) in plain Python (independent of the module)."""
    n = len(a)
    c = [0] * n
    for i in range(n):
        for j in range(n):
            if i + j < n:
                c[i + j] += a[i] * b[j]
            else:
                c[i + j - n] -= a[i] * b[j]
    return [x % q for x in c]


def as_ints(arr):
    return [int(x) for x in arr]


# ---------------------------------------------------------------- known-answer vectors (spec)

KATS = [
    # (N, q, input, forward output in bit-reversed order); sources in docs/ntt.md
    (113, [94, 109, 11, 18], [82, 2, 81, 98]),  # intel/hexl test/test-ntt.cpp
    (73, [2, 1, 1, 1], [17, 41, 36, 60]),  # intel/hexl test/test-ntt.cpp
    (4194353, [1, 0, 0, 0, 0, 0, 0, 0], [1] * 8),  # intel/hexl test/test-ntt.cpp
    (4194353, [1, 1, 0, 0, 0, 0, 0, 0],
     [132171, 4062184, 2675172, 1519183, 462763, 3731592, 1824324, 2370031]),  # intel/hexl
    (12289, [1, 2, 3, 4, 5, 6, 7, 8], [2285, 6357, 1586, 9352, 404, 729, 6197, 9965]),  # spec
]


@pytest.mark.parametrize("q, a, expected", KATS)
def test_known_answer_forward_and_inverse(q, a, expected):
    out = ntt_forward(a, q)
    assert out.dtype == np.uint64
    assert as_ints(out) == expected
    assert as_ints(ntt_inverse(expected, q)) == a


def test_known_answer_product():
    # openfhe-development src/core/unittest/UnitTestTransform.cpp
    a = [1, 2, 4, 1]
    assert as_ints(poly_mul(a, a, 113)) == [94, 109, 11, 18]
    assert as_ints(negacyclic_schoolbook(a, a, 113)) == [94, 109, 11, 18]
    fa = ntt_forward(a, 113)
    assert as_ints(ntt_inverse(pointwise_mul(fa, fa, 113), 113)) == [94, 109, 11, 18]


# ---------------------------------------------------------------- cyclic references (sympy, galois)

def cyclic_ntt(lib, y, q):
    """Natural-order cyclic NTT with omega = g**((q-1)/N), g the smallest primitive root."""
    if lib == "sympy":
        return [int(x) for x in sympy_ntt(list(y), q)]
    # galois's pure-Python ufuncs: the same arithmetic as its numba mode without seconds of JIT
    # per field (the benchmark uses the JIT mode)
    galois.GF(q, compile="python-calculate")
    return [int(x) for x in np.asarray(galois.ntt(y, modulus=q))]


def check_against_cyclic(lib, q, n, seed, minimal):
    rng = random.Random(seed)
    a = rand_poly(rng, n, q)
    bits = n.bit_length() - 1
    omega_ref = pow(sympy.primitive_root(q), (q - 1) // n, q)
    if minimal:
        psi = minimal_psi(q, n)
        # omega_min = omega_ref**s for one odd s; then X_min[k] = X_ref[s*k mod N]
        omega = psi * psi % q
        s = next(s for s in range(1, n, 2) if pow(omega_ref, s, q) == omega)
        ours = ntt_forward(a, q)
    else:
        psi = pow(sympy.primitive_root(q), (q - 1) // (2 * n), q)
        s = 1
        ours = ntt_forward(a, q, psi)
    y = [x * pow(psi, j, q) % q for j, x in enumerate(a)]
    ref = cyclic_ntt(lib, y, q)
    natural = [ref[s * k % n] for k in range(n)]
    assert as_ints(ours) == [natural[brv(k, bits)] for k in range(n)]


def ref_cases(log_ns):
    return [(q, 2**k) for q in REF_PRIMES for k in log_ns if k <= max_log_n(q)]


@pytest.mark.parametrize("minimal", [False, True], ids=["psi_ref", "psi_min"])
@pytest.mark.parametrize("lib", ["sympy", "galois"])
@pytest.mark.parametrize("q, n", ref_cases(range(2, 11)))
def test_forward_matches_cyclic_reference(q, n, lib, minimal):
    check_against_cyclic(lib, q, n, seed=q ^ n, minimal=minimal)


@pytest.mark.slow
@pytest.mark.parametrize("minimal", [False, True], ids=["psi_ref", "psi_min"])
@pytest.mark.parametrize("lib", ["sympy", "galois"])
@pytest.mark.parametrize("q, n", ref_cases(range(11, 17)))
def test_forward_matches_cyclic_reference_large(q, n, lib, minimal):
    check_against_cyclic(lib, q, n, seed=q ^ n, minimal=minimal)


def test_python_int_path_matches_sympy():
    check_against_cyclic("sympy", Q60, 256, seed=1, minimal=True)
    check_against_cyclic("sympy", Q100, 64, seed=2, minimal=False)


@pytest.mark.parametrize("q, n", [(113, 4), (12289, 16), (7681, 32), (4293918721, 8),
                                  (Q60, 16), (Q100, 8)])
@pytest.mark.parametrize("explicit", [False, True])
def test_forward_matches_definition(q, n, explicit):
    rng = random.Random(n)
    a = rand_poly(rng, n, q)
    psi = minimal_psi(q, n)
    if explicit:
        psi = pow(psi, 2 * n - 3, q)  # another primitive 2n-th root
        out = ntt_forward(a, q, psi)
    else:
        out = ntt_forward(a, q)
    bits = n.bit_length() - 1
    direct = [sum(x * pow(psi, j * (2 * k + 1), q) for j, x in enumerate(a)) % q
              for k in range(n)]
    assert as_ints(out) == [direct[brv(k, bits)] for k in range(n)]


# ---------------------------------------------------------------- products and round trips

def stimulus(kind, n, q, rng):
    if kind == "random":
        return rand_poly(rng, n, q)
    if kind == "ramp":
        return [j % q for j in range(n)]
    if kind == "ones":
        return [1] * n
    if kind == "zeros":
        return [0] * n
    if kind == "impulse":
        return [int(j == rng.randrange(n)) for j in range(n)]
    assert kind == "max"
    return [q - 1] * n


PAIRS = [("random", "random"), ("ramp", "max"), ("ones", "ones"), ("zeros", "random"),
         ("impulse", "random"), ("max", "max")]


@pytest.mark.parametrize("pair", PAIRS, ids=["-".join(p) for p in PAIRS])
@pytest.mark.parametrize("n", [2, 4, 16, 64, 256])
@pytest.mark.parametrize("q", SPEC_PRIMES)
def test_poly_mul_matches_schoolbook(q, n, pair):
    rng = random.Random(q * n)
    a, b = (stimulus(kind, n, q, rng) for kind in pair)
    ours = poly_mul(a, b, q)
    assert ours.dtype == np.uint64
    assert as_ints(ours) == as_ints(negacyclic_schoolbook(a, b, q))


@pytest.mark.parametrize("q, n", [(113, 4), (12289, 8), (4293918721, 16), (Q60, 8), (7, 5)])
def test_schoolbook_matches_plain_python(q, n):
    rng = random.Random(n)
    a, b = rand_poly(rng, n, q), rand_poly(rng, n, q)
    assert as_ints(negacyclic_schoolbook(a, b, q)) == plain_negacyclic(a, b, q)


def test_schoolbook_wraps_negatively():
    n, q = 8, 12289
    x_last = [0] * (n - 1) + [1]  # X^(N-1)
    x_one = [0, 1] + [0] * (n - 2)  # X
    assert as_ints(negacyclic_schoolbook(x_last, x_one, q)) == [q - 1] + [0] * (n - 1)
    assert as_ints(poly_mul(x_last, x_one, q)) == [q - 1] + [0] * (n - 1)


@pytest.mark.parametrize("q, n", [(12289, 2), (12289, 2048), (65537, 2**15), (268042241, 2**16),
                                  (4293918721, 2**16), (Q50, 256), (Q100, 64)])
def test_round_trip(q, n):
    rng = np.random.default_rng(n)
    a = rng.integers(0, min(q, 2**63), n, dtype=np.int64)
    a[0], a[-1] = 0, q - 1 if q < 2**63 else 2**63 - 1
    fwd = ntt_forward(a, q)
    assert fwd.dtype == (np.uint64 if q < 2**32 else object)
    back = ntt_inverse(fwd, q)
    assert as_ints(back) == as_ints(a)
    assert as_ints(ntt_forward(ntt_inverse(a, q), q)) == as_ints(a)


def test_explicit_non_minimal_psi():
    q, n = 12289, 64
    psi_min = minimal_psi(q, n)
    psi = pow(psi_min, 3, q)
    assert psi != psi_min and pow(psi, n, q) == q - 1
    rng = random.Random(7)
    a, b = rand_poly(rng, n, q), rand_poly(rng, n, q)
    fwd = ntt_forward(a, q, psi)
    assert as_ints(fwd) != as_ints(ntt_forward(a, q))
    assert as_ints(ntt_inverse(fwd, q, psi)) == a
    assert as_ints(ntt_inverse(fwd, q)) != a  # the inverse must use the same psi
    assert as_ints(poly_mul(a, b, q, psi)) == plain_negacyclic(a, b, q)
    ctx = make_context(q, n, psi)
    assert ctx.psi == psi and ctx.psi * ctx.psi_inv % q == 1


@pytest.mark.parametrize("q, bits", [(Q50, 50), (Q60, 60), (Q100, 100)])
def test_python_int_path_products(q, bits):
    assert q.bit_length() == bits
    for n in (2, 16, 64):
        rng = random.Random(bits + n)
        a, b = rand_poly(rng, n, q), rand_poly(rng, n, q)
        a[0] = b[-1] = q - 1
        ours = poly_mul(a, b, q)
        assert ours.dtype == object and all(type(x) is int for x in ours)
        assert as_ints(ours) == plain_negacyclic(a, b, q)
        assert as_ints(negacyclic_schoolbook(a, b, q)) == plain_negacyclic(a, b, q)
        assert as_ints(pointwise_mul(a, b, q)) == [x * y % q for x, y in zip(a, b)]


def test_pointwise_mul_fast_path():
    q = 4293918721
    a = [q - 1, q - 2, 0, 123456789]
    b = [q - 1, q - 1, 5, 987654321]
    out = pointwise_mul(np.array(a, dtype=np.uint64), b, q)
    assert out.dtype == np.uint64
    assert as_ints(out) == [x * y % q for x, y in zip(a, b)]


def test_inputs_are_not_modified():
    a = np.arange(8, dtype=np.uint64)
    ntt_forward(a, 12289)
    ntt_inverse(a, 12289)
    assert as_ints(a) == list(range(8))


# ---------------------------------------------------------------- context

@pytest.mark.parametrize("q, n", [(12289, 8), (268042241, 1024), (Q60, 16)])
def test_context_tables(q, n):
    ctx = make_context(q, n)
    assert isinstance(ctx, NttContext)
    assert (ctx.q, ctx.n, ctx.log_n) == (q, n, n.bit_length() - 1)
    assert ctx.psi == minimal_psi(q, n)
    assert ctx.psi * ctx.psi_inv % q == 1 and ctx.n * ctx.n_inv % q == 1
    bits = ctx.log_n
    assert as_ints(ctx.fwd_twiddles) == [pow(ctx.psi, brv(k, bits), q) for k in range(n)]
    assert as_ints(ctx.inv_twiddles) == [pow(ctx.psi_inv, brv(k, bits), q) for k in range(n)]
    k = q.bit_length()
    assert ctx.barrett == (k, 4**k // q)
    assert ctx.dtype == (np.uint64 if q < 2**32 else object)
    with pytest.raises(ValueError):
        ctx.fwd_twiddles[1] = 0  # read-only tables


def test_context_barrett_mu_from_spec():
    assert make_context(12289, 8).barrett[1] == 21843
    assert make_context(268042241, 8).barrett[1] == 268829247
    assert make_context(4293918721, 8).barrett[1] == 4296016127


# ---------------------------------------------------------------- primes and roots

@pytest.mark.parametrize("q, n", [(113, 4), (73, 4), (4194353, 8), (12289, 8), (12289, 2048),
                                  (7681, 256), (65537, 2**15), (268042241, 2**16),
                                  (4293918721, 2**10), (Q50, 256)])
def test_minimal_psi_is_primitive_and_minimal(q, n):
    psi = minimal_psi(q, n)
    assert pow(psi, n, q) == q - 1  # order divides 2n but not n: exactly 2n (n a power of 2)
    assert pow(psi, 2 * n, q) == 1
    if psi < 200_000:
        assert all(pow(x, n, q) != q - 1 for x in range(1, psi))
    r = pow(sympy.primitive_root(q), (q - 1) // (2 * n), q)
    assert psi == min(pow(r, e, q) for e in range(1, 2 * n, 2))


@pytest.mark.parametrize("q", SPEC_PRIMES + [113, 73, 4194353, Q60])
def test_primitive_root_is_smallest_generator(q):
    assert primitive_root(q) == sympy.primitive_root(q)


def test_is_prime_against_sympy_on_a_range():
    assert [n for n in range(-3, 30000) if is_prime(n)] == list(sympy.primerange(0, 30000))


STRONG_PSEUDOPRIMES = [
    2047, 1373653, 25326001, 3215031751, 2152302898747, 3474749660383, 341550071728321,
    3825123056546413051, 318665857834031151167461, 3317044064679887385961981,
    561, 41041, 825265, 321197185,  # Carmichael numbers
]


@pytest.mark.parametrize("n", SPEC_PRIMES + [113, 73, 4194353, Q50, Q60, Q100]
                         + STRONG_PSEUDOPRIMES
                         + [2**61 - 1, 2**89 - 1, 2**127 - 1, (2**61 - 1) * (2**31 - 1),
                            (2**89 - 1) ** 2, 2**64 + 1, 2**64 - 59, 2**64 - 58])
def test_is_prime_against_sympy(n):
    assert is_prime(n) == sympy.isprime(n)


def test_is_prime_around_spec_primes():
    for q in SPEC_PRIMES:
        for n in range(q - 300, q + 300):
            assert is_prime(n) == sympy.isprime(n), n


def test_find_ntt_primes_known():
    assert find_ntt_primes(2**16, 28, 1) == [268042241]
    assert find_ntt_primes(2**19, 32, 1) == [4293918721]


@pytest.mark.parametrize("n, bits, count", [(1024, 30, 5), (2**16, 32, 3), (8, 20, 6),
                                            (256, 60, 2)])
def test_find_ntt_primes_properties(n, bits, count):
    found = find_ntt_primes(n, bits, count)
    assert len(found) == count and found == sorted(found, reverse=True)
    for q in found:
        assert sympy.isprime(q) and q % (2 * n) == 1 and q.bit_length() == bits
    # none skipped: every other candidate 1 mod 2n between the smallest result and 2**bits
    # is composite
    skipped = [c for c in range(found[-1], 2**bits, 2 * n) if c not in found]
    assert not any(sympy.isprime(c) for c in skipped)


def test_factorize_against_sympy():
    for n in [1, 2, 12288, 268042240, 4293918720, Q60 - 1, 2**64 - 1, (2**31 - 1) * (2**61 - 1),
              (2**61 - 1) ** 2 * 3]:
        assert factorize(n) == sympy.factorint(n)


def test_bit_reverse():
    assert bit_reverse(1, 3) == 4
    assert bit_reverse(6, 3) == 3
    assert bit_reverse(0, 0) == 0
    for bits in range(0, 11):
        n = 2**bits
        idx = bit_reverse_indices(n)
        assert as_ints(idx) == [brv(k, bits) for k in range(n)]
        assert all(bit_reverse(k, bits) == brv(k, bits) for k in range(n))
        a = np.arange(n) * 7
        assert as_ints(bit_reverse_permute(a)) == [7 * brv(k, bits) for k in range(n)]
        assert as_ints(bit_reverse_permute(bit_reverse_permute(a))) == as_ints(a)


# ---------------------------------------------------------------- RNS

@pytest.fixture(scope="module")
def basis():
    return RnsBasis(find_ntt_primes(64, 30, 3) + [find_ntt_primes(64, 61, 1)[0]], 64)


def test_rns_round_trip(basis):
    rng = random.Random(3)
    big_q = basis.modulus
    x = [rng.randrange(big_q) for _ in range(64)]
    x[0], x[1] = 0, big_q - 1
    limbs = to_rns(x, basis)
    assert len(limbs) == 4
    assert [lim.dtype for lim in limbs] == [np.uint64] * 3 + [object]
    for limb, q in zip(limbs, basis.primes):
        assert as_ints(limb) == [v % q for v in x]
    assert as_ints(from_rns(limbs, basis)) == x
    signed = [rng.randrange(-8 * big_q, 8 * big_q) for _ in range(64)]
    assert as_ints(from_rns(to_rns(signed, basis), basis)) == [v % big_q for v in signed]


def test_rns_poly_mul_matches_big_integer_product(basis):
    rng = random.Random(4)
    big_q = basis.modulus
    a = [rng.randrange(big_q) for _ in range(64)]
    b = [rng.randrange(big_q) for _ in range(64)]
    prod = rns_poly_mul(to_rns(a, basis), to_rns(b, basis), basis)
    expected = plain_negacyclic(a, b, big_q)
    assert as_ints(from_rns(prod, basis)) == expected
    assert as_ints(negacyclic_schoolbook(a, b, big_q)) == expected


def test_rns_errors(basis):
    with pytest.raises(ValueError, match=re.escape("primes must be distinct, not [12289, 12289]")):
        RnsBasis([12289, 12289], 8)
    with pytest.raises(ValueError, match=re.escape("q = 7681 is not 1 mod 2n = 1024 for n = 512")):
        RnsBasis([12289, 7681], 512)
    with pytest.raises(ValueError, match="^primes must not be empty$"):
        RnsBasis([], 8)
    with pytest.raises(ValueError, match="^coeffs must have length n = 64, not 3$"):
        to_rns([1, 2, 3], basis)
    limbs = to_rns(list(range(64)), basis)
    with pytest.raises(ValueError, match="^limbs must have 4 limbs, not 3$"):
        from_rns(limbs[:3], basis)
    with pytest.raises(ValueError, match="^limbs limb 1 must have length n = 64, not 32$"):
        from_rns([limbs[0], limbs[1][:32], limbs[2], limbs[3]], basis)
    q0 = basis.primes[0]
    with pytest.raises(ValueError, match=re.escape(f"a_limbs limb 0[5] = {q0} is not in [0, q)")):
        rns_poly_mul([[q0 if i == 5 else 0 for i in range(64)]] + limbs[1:], limbs, basis)


# ---------------------------------------------------------------- hypothesis properties

HYP_PRIMES = [7681, 12289, 268042241, 4293918721, Q60]


@st.composite
def modulus_and_poly(draw, count):
    q = draw(st.sampled_from(HYP_PRIMES))
    n = 2 ** draw(st.integers(1, min(8, max_log_n(q))))
    polys = [draw(st.lists(st.integers(0, q - 1), min_size=n, max_size=n)) for _ in range(count)]
    return q, polys


@settings(max_examples=40, deadline=None)
@given(modulus_and_poly(1))
def test_property_round_trip(case):
    q, (a,) = case
    assert as_ints(ntt_inverse(ntt_forward(a, q), q)) == a


@settings(max_examples=40, deadline=None)
@given(modulus_and_poly(2))
def test_property_product(case):
    q, (a, b) = case
    assert as_ints(poly_mul(a, b, q)) == plain_negacyclic(a, b, q)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-(2**200), 2**200), min_size=8, max_size=8))
def test_property_rns_round_trip(x):
    basis = RnsBasis([12289, 7681, 65537], 8)
    assert as_ints(from_rns(to_rns(x, basis), basis)) == [v % basis.modulus for v in x]


# ---------------------------------------------------------------- bad input

def raises(message, exc=ValueError):
    return pytest.raises(exc, match="^" + re.escape(message) + "$")


@pytest.mark.parametrize("fn", [ntt_forward, ntt_inverse])
def test_transform_errors(fn):
    with raises("length of a must be a power of two >= 2, not 6"):
        fn([1, 2, 3, 4, 5, 6], 12289)
    with raises("length of a must be a power of two >= 2, not 1"):
        fn([1], 12289)
    with raises("length of a must be a power of two >= 2, not 0"):
        fn([], 12289)
    with raises("q must be prime, not 12288"):
        fn([1, 2, 3, 4], 12288)
    with raises("q must be >= 2, not 1"):
        fn([0, 0, 0, 0], 1)
    with raises("q = 7681 is not 1 mod 2n = 1024 for n = 512"):
        fn([0] * 512, 7681)
    with raises("q = 7 is not 1 mod 2n = 8 for n = 4"):
        fn([1, 2, 3, 4], 7)
    with raises("a[2] = -1 is not in [0, q) for q = 113"):
        fn([1, 2, -1, 4], 113)
    with raises("a[3] = 113 is not in [0, q) for q = 113"):
        fn(np.array([1, 2, 3, 113]), 113)
    with raises(f"a[1] = {2**70} is not in [0, q) for q = {Q60}"):
        fn([1, 2**70], Q60)
    with raises("psi = 3 is not a primitive 2n-th root of unity mod q = 113 for n = 4 "
                "(psi**4 must be -1 mod q)"):
        fn([1, 2, 3, 4], 113, 3)
    psi = minimal_psi(113, 4)
    with raises("psi = 1 is not a primitive 2n-th root of unity mod q = 113 for n = 4 "
                "(psi**4 must be -1 mod q)"):
        fn([1, 2, 3, 4], 113, 1)
    with raises(f"psi = {psi + 113} is not a primitive 2n-th root of unity mod q = 113 for n = 4 "
                "(psi**4 must be -1 mod q)"):
        fn([1, 2, 3, 4], 113, psi + 113)
    with raises(f"psi = {psi * psi % 113} is not a primitive 2n-th root of unity mod q = 113 "
                "for n = 4 (psi**4 must be -1 mod q)"):  # a 4th root only
        fn([1, 2, 3, 4], 113, psi * psi % 113)
    with raises("a must be one-dimensional, not shape (2, 2)"):
        fn([[1, 2], [3, 4]], 113)
    with raises("a must hold integers, not float64", TypeError):
        fn([1.0, 2.0], 113)
    with raises("a[1] must be an int, not str", TypeError):
        fn(np.array([1, "x"], dtype=object), 113)
    with raises("q must be an int, not float", TypeError):
        fn([1, 2], 113.0)


@pytest.mark.parametrize("fn", [poly_mul, pointwise_mul, negacyclic_schoolbook])
def test_binary_errors(fn):
    with raises("a and b must have the same length, not 4 and 8"):
        fn([1, 2, 3, 4], [0] * 8, 113)
    with raises("b[0] = -5 is not in [0, q) for q = 113"):
        fn([1, 2, 3, 4], [-5, 0, 0, 0], 113)
    with raises("a[3] = 200 is not in [0, q) for q = 113"):
        fn([1, 2, 3, 200], [0, 0, 0, 0], 113)


def test_poly_mul_errors():
    with raises("length of a must be a power of two >= 2, not 3"):
        poly_mul([1, 2, 3], [1, 2, 3], 12289)
    with raises("q must be prime, not 115"):
        poly_mul([1, 2, 3, 4], [1, 2, 3, 4], 115)
    with raises("q = 7681 is not 1 mod 2n = 1024 for n = 512"):
        poly_mul([0] * 512, [0] * 512, 7681)


def test_primes_errors():
    with raises("n must be a power of two >= 2, not 6"):
        minimal_psi(12289, 6)
    with raises("n must be a power of two >= 2, not 1"):
        find_ntt_primes(1, 20, 1)
    with raises("q must be prime, not 12291"):
        minimal_psi(12291, 2)
    with raises("q = 12289 is not 1 mod 2n = 16384 for n = 8192"):
        minimal_psi(12289, 8192)
    with raises("only 0 primes of 12 bits are 1 mod 2n = 2048, asked for 1"):
        find_ntt_primes(1024, 12, 1)
    with raises("count must be >= 1, not 0"):
        find_ntt_primes(1024, 30, 0)
    with raises("q must be prime, not 1"):
        primitive_root(1)
    with raises("k must be in [0, 2**3), not 8"):
        bit_reverse(8, 3)
    with raises("length of a must be a power of two, not 3"):
        bit_reverse_permute([1, 2, 3])
    with raises("n must be an int, not float", TypeError):
        is_prime(7.0)
    with raises("n must be >= 1, not 0"):
        factorize(0)


def test_make_context_errors():
    with raises("n must be a power of two >= 2, not 12"):
        make_context(12289, 12)
    with raises("q must be prime, not 12345"):
        make_context(12345, 8)
    with raises("psi = 2 is not a primitive 2n-th root of unity mod q = 12289 for n = 8 "
                "(psi**8 must be -1 mod q)"):
        make_context(12289, 8, 2)


def test_check_width():
    check_width(268042241, 28)
    check_width(4293918721, 32)
    check_width(12289, 14)
    with raises("width 14 is too small for q = 268042241 (needs 28 bits)"):
        check_width(268042241, 14)
    with raises("width 28 is too small for q = 268435456 (needs 29 bits)"):
        check_width(2**28, 28)
    with raises("width 13 is too small for q = 12289 (needs 14 bits)"):
        check_width(12289, 13)
    with raises("width must be >= 1, not 0"):
        check_width(12289, 0)


# ---------------------------------------------------------------- benchmark (tiny sizes)

def test_benchmark_golden_small():
    result = benchmark_golden(ns=(8, 64), repeats=2, sympy_repeats=1, galois_repeats=1,
                              galois_compile="python-calculate")
    assert result["q"] == 268042241 and result["galois_mode"] == "python-calculate"
    assert [r["n"] for r in result["results"]] == [8, 64]
    for r in result["results"]:
        assert r["agree"] is True
        for who, reps in (("golden", 2), ("sympy", 1), ("galois", 1)):
            assert r[who]["repeats"] == reps and r[who]["ntt_per_s"] > 0
    machine = result["machine"]
    assert machine["cores"] >= 1 and machine["python"] and machine["versions"]["numpy"]
    with raises("repeats must be >= 1, not 0"):
        benchmark_golden(ns=(8,), repeats=0)
    with raises("galois_compile must be one of auto, jit-lookup, jit-calculate, "
                "python-calculate, not 'numba'"):
        benchmark_golden(ns=(8,), galois_compile="numba")
