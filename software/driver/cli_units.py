"""``cerite ntt ...`` and ``cerite mmu ...``: single operations of the SoC's units from the shell.

Each command opens the device (``--device``, else ``$CERITE_DEVICE``, else the simulated board),
runs one operation through :class:`~cerite.driver.ntt.NttInterface` or
:class:`~cerite.driver.mmu.MmuInterface`, checks the result against the golden model and exits 1
on a mismatch. ``--json`` prints one JSON document on stdout and nothing else.
"""

import json
import os
import random
import sys

__all__ = ["add_ntt_commands", "add_mmu_commands"]


def _emit(args, data, text):
    if getattr(args, "json", False):
        print(json.dumps(data, indent=2, sort_keys=True, default=str))
    else:
        print(text)


def _common(p):
    p.add_argument("--device", default=None,
                   help="sim (default), sim:PROFILE or serial:PORT (also $CERITE_DEVICE)")
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    return p


def _open(args):
    from .device import open_device
    return open_device(args.device or os.environ.get("CERITE_DEVICE") or "sim")


def _guard(func):
    """Run ``func(args)``; a bad argument or a device error becomes a message and exit code 2."""
    def run(args):
        try:
            return func(args)
        except (ValueError, TypeError, OSError, RuntimeError, LookupError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        except Exception as err:  # driver errors (NttError, MmuError, LinkError, ...)
            print(f"error: {type(err).__name__}: {err}", file=sys.stderr)
            return 2
    return run


# -- ntt ----------------------------------------------------------------------------------------


def _ntt_info(args):
    from .ntt import NttInterface
    with _open(args) as dev:
        ntt = NttInterface(dev)
        info = {"n": ntt.n, "width": ntt.width, "lanes": ntt.lanes, "reducer": ntt.reducer,
                "slots": ntt.slots, "pipeline_depth": ntt.pipeline_depth,
                "cycles": ntt.expected_cycles(), "bounds": ntt.cycle_bounds()}
    _emit(args, info, "\n".join(f"{k}: {v}" for k, v in info.items()))
    return 0


def _default_q(ntt, q):
    from ..ntt.primes import find_ntt_primes
    return q if q is not None else find_ntt_primes(ntt.n, min(28, ntt.width), 1)[0]


def _ntt_op(args):
    import numpy as np

    from ..ntt import golden
    from .ntt import NttInterface
    with _open(args) as dev:
        ntt = NttInterface(dev)
        q = _default_q(ntt, args.q)
        rng = random.Random(args.seed)
        a = [rng.randrange(q) for _ in range(ntt.n)]
        b = [rng.randrange(q) for _ in range(ntt.n)]
        ntt.load_context(q)
        op = args.unit_op
        if op == "polymul":
            result = ntt.poly_mul(a, b)
            out, cycles = result.coeffs, result.cycles
            expect = golden.poly_mul(a, b, q)
        else:
            ntt.load(0, a)
            if op == "forward":
                cycles = {"ntt": ntt.forward(0)}
                expect = golden.ntt_forward(a, q)
            elif op == "inverse":
                cycles = {"intt": ntt.inverse(0)}
                expect = golden.ntt_inverse(a, q)
            else:
                ntt.load(1, b)
                cycles = {"pwmul": ntt.pointwise(0, 1)}
                expect = golden.pointwise_mul(a, b, q)
            out = ntt.unload(0)
    mismatches = int(np.count_nonzero(np.asarray(out, dtype=object)
                                      != np.asarray(expect, dtype=object)))
    data = {"op": op, "n": len(out), "q": q, "seed": args.seed, "cycles": cycles,
            "mismatches": mismatches}
    _emit(args, data, f"{op}: N = {len(out)}, q = {q}, cycles {cycles}, "
                      f"{mismatches} mismatches against the golden model")
    return 1 if mismatches else 0


def add_ntt_commands(subparsers):
    """Add ``info``, ``forward``, ``inverse``, ``pwmul`` and ``polymul`` to the ``cerite ntt``
    subcommand parsers ``subparsers`` (an ``argparse`` subparsers action)."""
    p = _common(subparsers.add_parser("info", help="parameters of the device's NTT array",
                                      description="parameters of the device's NTT array"))
    p.set_defaults(func=_guard(_ntt_info))
    helps = {"forward": "forward NTT of a random polynomial on the device, vs the golden model",
             "inverse": "inverse NTT of a random vector on the device, vs the golden model",
             "pwmul": "pointwise product of two random vectors on the device, vs golden",
             "polymul": "negacyclic product of two random polynomials, vs the golden model"}
    for op, text in helps.items():
        p = _common(subparsers.add_parser(op, help=text, description=text))
        p.add_argument("-q", type=int, default=None,
                       help="modulus (default: the largest NTT prime of min(28, width) bits)")
        p.add_argument("--seed", type=int, default=0, help="seed of the random inputs")
        p.set_defaults(func=_guard(_ntt_op), unit_op=op)


# -- mmu ----------------------------------------------------------------------------------------


def _mmu_info(args):
    from .mmu import MmuInterface
    with _open(args) as dev:
        mmu = MmuInterface(dev)
        info = {k: getattr(mmu, k) for k in ("learned_walk", "tlb_entries", "lwc_entries",
                                             "asid_bits", "pa_bits", "counter_bits",
                                             "mem_base", "mem_bytes", "queue_depth")}
    _emit(args, info, "\n".join(f"{k}: {v}" for k, v in info.items()))
    return 0


def _mappings(args):
    from ..lvm import LAYOUTS, mappings_from_process
    if args.layout is not None:
        if args.layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {args.layout!r}")
        return LAYOUTS[args.layout](args.seed)
    return mappings_from_process("self" if args.pid is None else args.pid)


def _mmu_translate(args):
    from .mmu import MmuInterface, MmuMemoryFull
    access = {"r": 0, "w": 1, "x": 2}[args.access]
    maps = _mappings(args)
    with _open(args) as dev:
        mmu = MmuInterface(dev)
        count = len(maps)
        while True:  # the largest prefix of the pages that fits the table RAM
            try:
                loaded = mmu.load_mappings(maps[:count],
                                           learned=False if args.radix else None)
                break
            except MmuMemoryFull:
                if count <= 1:
                    raise
                count = int(count * 0.8)
        used = loaded.mappings
        if args.va:
            vas = [int(v, 0) for v in args.va]
        else:
            rng = random.Random(args.seed)
            vas = [m.va + rng.randrange(4096 * m.pages) for m in rng.choices(used, k=args.count)]
        golden = mmu.golden()
        responses = mmu.translate(vas, access, not args.supervisor)
        expect = [golden.translate(va, access, not args.supervisor) for va in vas]
        counters = mmu.counters()
        learned = loaded.config.learned
    rows = [{"va": va, "pa": r.pa, "fault": r.fault, "size": r.size, "source": r.source,
             "golden_agrees": r.matches(g)} for va, r, g in zip(vas, responses, expect)]
    mismatches = sum(not row["golden_agrees"] for row in rows)
    data = {"pages": len(maps), "pages_loaded": count, "learned": learned,
            "translations": rows, "counters": counters, "mismatches": mismatches}
    names = ("none", "page fault", "access fault")
    sources = ("tlb", "learned", "radix")
    lines = [f"{count} of {len(maps)} pages loaded, {'learned' if learned else 'radix'} "
             "walks"]
    for row in rows[:64]:
        lines.append(f"  va 0x{row['va']:010x} -> pa 0x{row['pa']:014x}  "
                     f"{names[row['fault']]:<12} size {row['size']}  {sources[row['source']]}"
                     f"{'' if row['golden_agrees'] else '  MISMATCH'}")
    if len(rows) > 64:
        lines.append(f"  ... {len(rows) - 64} more")
    lines.append(f"{mismatches} mismatches against the golden model; counters {counters}")
    _emit(args, data, "\n".join(lines))
    return 1 if mismatches else 0


def add_mmu_commands(subparsers):
    """Add ``info`` and ``translate`` to the ``cerite mmu`` subcommand parsers ``subparsers``
    (an ``argparse`` subparsers action)."""
    p = _common(subparsers.add_parser("info", help="parameters of the device's learned MMU",
                                      description="parameters of the device's learned MMU"))
    p.set_defaults(func=_guard(_mmu_info))
    text = ("load a layout or a process into the MMU's table RAM and translate addresses, "
            "checked against the golden MMU")
    p = _common(subparsers.add_parser("translate", help=text, description=text))
    p.add_argument("va", nargs="*", help="virtual addresses (default: --count random mapped "
                   "ones)")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--layout", default=None, help="a synthetic layout (cerite.lvm.LAYOUTS)")
    source.add_argument("--pid", type=int, default=None,
                        help="a process's mappings (default: this one's)")
    p.add_argument("--count", type=int, default=16, help="random addresses when none are given")
    p.add_argument("--seed", type=int, default=0, help="seed of the layout and the addresses")
    p.add_argument("--access", choices=("r", "w", "x"), default="r", help="access type")
    p.add_argument("--supervisor", action="store_true", help="supervisor (not user) requests")
    p.add_argument("--radix", action="store_true", help="radix walks only (learned off)")
    p.set_defaults(func=_guard(_mmu_translate))
