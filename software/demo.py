"""``cerite demo``: the main job on the simulated board.

Until the system-on-chip with its host link exists, the demo checks what can be checked without
it: the golden models agree with their independent references on an FHE-sized polynomial product,
and it lists the units the simulated board will carry.
"""

import os
import sys

__all__ = ["run_demo"]


def run_demo(args):
    import numpy as np

    from .ntt.golden import negacyclic_schoolbook, poly_mul
    from .ntt.primes import find_ntt_primes

    device = args.device or os.environ.get("CERITE_DEVICE", "sim")
    if device != "sim":
        print(f"error: device {device!r} is not available yet: the host link and system-on-chip "
              "are not built (only the simulated board, 'sim', will be the default)",
              file=sys.stderr)
        return 2
    n, bits, limbs = 1024, 28, 3
    primes = find_ntt_primes(n, bits, limbs)
    rng = np.random.default_rng(0)
    mismatches = 0
    for q in primes:
        a = rng.integers(0, q, n)
        b = rng.integers(0, q, n)
        fast = poly_mul(a, b, q)
        slow = negacyclic_schoolbook(a, b, q)
        mismatches += int(np.count_nonzero(np.asarray(fast, dtype=object) !=
                                           np.asarray(slow, dtype=object)))
    print(f"golden RNS polynomial product, N = {n}, {limbs} limbs of {bits} bits "
          f"({', '.join(map(str, primes))}): NTT method vs schoolbook, {mismatches} mismatches")
    print("the simulated board (host link + NTT array + learned MMU) is not assembled yet; "
          "run `make test` for the unit regressions on Verilator")
    return 1 if mismatches else 0
