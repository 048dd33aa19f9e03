"""Throughput of the golden NTT model against two independent software NTTs on this machine.

Implements the comparison asked for by ``spec``: docs/ntt.md ("Cyclic references"): the negacyclic
forward NTT ``NTT_psi(a)`` (bit-reversed output) equals the cyclic NTT with ``omega = psi**2`` of
the twisted input ``(a_j * psi**j)``, in natural order, then bit-reversed. sympy's
``sympy.discrete.transforms.ntt`` and ``galois.ntt`` both take ``omega = g**((q-1)/N)`` with ``g``
the smallest primitive root of ``q``, so every contender here uses ``psi = g**((q-1)/(2N))`` and
computes exactly the same function (twist, cyclic NTT, bit reversal all inside the timed region).
"""

import os
import platform
import time
from importlib import metadata

import numpy as np

from .golden import _as_int, make_context, ntt_forward
from .primes import bit_reverse_indices, primitive_root

__all__ = ["benchmark_golden", "machine_info"]


def machine_info():
    """Return a dict describing the machine and the library versions used by the benchmark."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = {}
    for lib in ("numpy", "sympy", "galois", "numba"):
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
    }


def _timed(fn, repeats):
    """Run ``fn`` ``repeats`` times; return (last result, list of seconds per run)."""
    times = []
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, times


def _summary(times):
    mean = sum(times) / len(times)
    return {"repeats": len(times), "mean_s": mean, "best_s": min(times), "ntt_per_s": 1.0 / mean}


def benchmark_golden(*, ns=(4096, 65536), q=268042241, repeats=20, sympy_repeats=2,
                     galois_repeats=5, galois_compile="auto", seed=0):
    """Time forward NTTs of the golden model, sympy and galois on random input.

    Parameters
    ----------
    ns : sequence of int
        Transform lengths, powers of two >= 2 with ``q = 1 mod 2N``.
    q : int
        NTT prime (default ``2**28 - 3*2**17 + 1``, supports N <= 2**16; galois stays in its
        compiled mode below 2**31).
    repeats, sympy_repeats, galois_repeats : int
        Timed runs per N for each contender. sympy is pure Python (about 0.3 s per transform at
        N = 2**16), hence fewer runs by default.
    galois_compile : str
        galois ufunc mode for GF(q): ``"auto"`` (its default, numba JIT) or one of
        ``"jit-lookup"``, ``"jit-calculate"``, ``"python-calculate"`` (no JIT; for quick checks).
    seed : int
        Seed of the random input.

    Returns
    -------
    dict
        ``{"q", "galois_mode", "machine", "method", "notes", "results": [{"n", "psi", "agree",
        "golden", "sympy", "galois"}, ...]}``; each contender entry holds ``repeats``, ``mean_s``,
        ``best_s`` and ``ntt_per_s`` (= 1 / mean_s). ``agree`` is true when all three outputs
        are identical (checked on every N).
    """
    import galois
    from sympy.discrete.transforms import ntt as sympy_ntt

    q = _as_int(q, "q")
    ns = tuple(_as_int(n, "each n") for n in ns)
    for name, value in (("repeats", repeats), ("sympy_repeats", sympy_repeats),
                        ("galois_repeats", galois_repeats)):
        if _as_int(value, name) < 1:
            raise ValueError(f"{name} must be >= 1, not {value}")
    if not ns:
        raise ValueError("ns must not be empty")
    modes = ("auto", "jit-lookup", "jit-calculate", "python-calculate")
    if galois_compile not in modes:
        raise ValueError(
            f"galois_compile must be one of {', '.join(modes)}, not {galois_compile!r}")
    galois_mode = galois.GF(q, compile=galois_compile).ufunc_mode  # galois.ntt reuses this class
    g = primitive_root(q)
    rng = np.random.default_rng(seed)
    results = []
    for n in ns:
        psi = pow(g, (q - 1) // (2 * n), q)
        ctx = make_context(q, n, psi)  # validates n and q; built before timing
        a = rng.integers(0, q, n, dtype=np.int64)
        twist = np.array([pow(psi, j, q) for j in range(n)], dtype=np.int64)
        brv = bit_reverse_indices(n)
        a_list = a.tolist()
        twist_list = twist.tolist()

        def run_golden():
            return ntt_forward(a, q, psi)

        def run_sympy():
            y = [x * w % q for x, w in zip(a_list, twist_list)]
            return np.array(sympy_ntt(y, q), dtype=np.int64)[brv]

        def run_galois():
            y = a * twist % q
            return np.asarray(galois.ntt(y, modulus=q), dtype=np.int64)[brv]

        run_galois()  # JIT compilation and field construction happen on the first call
        ours, t_ours = _timed(run_golden, repeats)
        ref_s, t_s = _timed(run_sympy, sympy_repeats)
        ref_g, t_g = _timed(run_galois, galois_repeats)
        agree = bool(np.array_equal(ours.astype(np.int64), ref_s)
                     and np.array_equal(ref_s, ref_g))
        results.append({
            "n": n, "psi": ctx.psi, "agree": agree,
            "golden": _summary(t_ours), "sympy": _summary(t_s), "galois": _summary(t_g),
        })
    return {
        "q": q,
        "galois_mode": galois_mode,
        "machine": machine_info(),
        "method": ("forward negacyclic NTT, natural in, bit-reversed out, psi = g**((q-1)/(2N)) "
                   "with g the smallest primitive root; sympy and galois compute it as twist, "
                   "cyclic NTT with omega = psi**2, bit reversal, all timed; single thread"),
        "notes": [
            f"sympy is pure Python: {sympy_repeats} timed run(s) per N versus {repeats} for the "
            "golden model",
            "galois: one untimed warm-up call per N (numba JIT / field construction)",
            "golden model: twiddle tables built once per (q, N) before timing (cached context)",
        ],
        "results": results,
    }
