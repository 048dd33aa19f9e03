"""``cerite demo``: both accelerators on the simulated board (or a real one), checked end to end.

1. An RNS polynomial product at an FHE-like size (``N = 1024``, three 28-bit limbs) on the NTT
   array (docs/ntt.md conventions, after Microsoft SEAL / Intel HEXL), limb by limb through the
   host link, checked coefficient by coefficient against the golden model (``poly_mul`` per limb
   and the CRT, :mod:`cerite.ntt.rns`); the busy cycles of every command against the ideal bound
   ``(N/2) log2 N / B`` and the array's exact cycle model.
2. The learned MMU (*Learning to Walk*, Zhao et al., MICRO 2025; RISC-V Sv39) with the radix
   tables and learned index of a real process (this one unless ``--pid``), a batch of
   translations in learned and in radix-only mode, every response and counter checked against
   the golden MMU model; memory accesses per walk, the share of single-access walks and walk
   cycles. The simulated board's 64 MiB external table memory holds a whole process; a board
   whose table RAM is smaller gets the largest prefix of the pages that fits.

Any mismatch counts as an error; the exit code is 1 when there is one. ``--json`` prints one
JSON document. Progress goes to stderr, only when it is a terminal and ``--json`` is off.
"""

import json
import os
import random
import sys
import time

__all__ = ["run_demo", "demo_ntt", "demo_mmu"]

#: The product of the demo: N, bits per limb, limbs.
NTT_N, NTT_BITS, NTT_LIMBS = 1024, 28, 3
#: Translations per mode.
TRANSLATIONS = 400


class _Progress:
    """Progress lines on stderr (nothing when disabled)."""

    def __init__(self, enabled):
        self.enabled = enabled
        self._started = time.monotonic()
        self._partial = False

    def __call__(self, message):
        if self.enabled:
            self._end_partial()
            print(f"cerite: {message}", file=sys.stderr, flush=True)

    def fraction(self, message, done, total):
        if self.enabled:
            pct = 100 * done // max(1, total)
            print(f"\rcerite: {message} {pct:3d}%", end="", file=sys.stderr, flush=True)
            self._partial = done < total
            if done >= total:
                print(file=sys.stderr, flush=True)

    def _end_partial(self):
        if self._partial:
            print(file=sys.stderr, flush=True)
            self._partial = False


def _open(spec, progress):
    from .driver import open_device
    if spec.partition(":")[0] == "sim":
        from .sim.board import DEFAULT_PROFILE, board_verilog, build_board
        profile = spec.partition(":")[2] or DEFAULT_PROFILE
        progress(f"generating the simulated board's Verilog ({profile} profile)")
        board_verilog(profile)
        build_board(profile=profile, progress=progress)
        progress("starting the simulated board")
    return open_device(spec)


def demo_ntt(device, *, seed=0, progress=None):
    """The RNS product on ``device``; returns a dict (``errors`` counts every mismatch)."""
    from .driver.ntt import NttInterface
    from .ntt.primes import find_ntt_primes
    from .ntt.rns import RnsBasis, from_rns, rns_poly_mul, to_rns
    progress = progress or (lambda message: None)
    ntt = NttInterface(device)
    bits = min(NTT_BITS, ntt.width)
    primes = find_ntt_primes(ntt.n, bits, NTT_LIMBS)
    basis = RnsBasis(primes, ntt.n)
    rng = random.Random(seed)
    a = [rng.randrange(basis.modulus) for _ in range(ntt.n)]
    b = [rng.randrange(basis.modulus) for _ in range(ntt.n)]
    progress(f"RNS product on the NTT array: N = {ntt.n}, {NTT_LIMBS} limbs of {bits} bits")
    started = time.monotonic()
    coeffs, limbs = ntt.rns_poly_mul(a, b, primes)
    seconds = time.monotonic() - started
    golden = from_rns(rns_poly_mul(to_rns(a, basis), to_rns(b, basis), basis), basis)
    mismatches = sum(int(x) != int(y) for x, y in zip(coeffs, golden))
    bounds, expected = ntt.cycle_bounds(), ntt.expected_cycles()
    rows, cycle_errors = [], 0
    for name, key in (("ntt", "ntt_a"), ("ntt", "ntt_b"), ("pwmul", "pwmul"), ("intt", "intt")):
        measured = [r.cycles[key] for r in limbs]
        cycle_errors += sum(c != expected[name] for c in measured)
        if key != "ntt_b":
            rows.append({"op": name, "cycles": max(measured), "expected": expected[name],
                         "bound": bounds[name], "ratio": max(measured) / bounds[name]})
    total = max(r.compute_cycles for r in limbs)
    bound_total = 2 * bounds["ntt"] + bounds["pwmul"] + bounds["intt"]
    rows.append({"op": "product", "cycles": total,
                 "expected": 2 * expected["ntt"] + expected["pwmul"] + expected["intt"],
                 "bound": bound_total, "ratio": total / bound_total})
    return {"n": ntt.n, "width": ntt.width, "lanes": ntt.lanes, "reducer": ntt.reducer,
            "primes": primes, "modulus_bits": basis.modulus.bit_length(),
            "coefficients": len(coeffs), "mismatches": mismatches, "cycle_errors": cycle_errors,
            "errors": mismatches + cycle_errors, "cycles": rows, "seconds": round(seconds, 3)}


def _fit(mmu, maps, progress):
    """Load the largest prefix of ``maps`` (lowest pages first) that fits the table RAM."""
    from .driver.mmu import MmuMemoryFull
    count = len(maps)
    while count > 0:
        try:
            def report(written, total):
                progress.fraction("writing the tables to the table RAM", written, total)
            return mmu.load_mappings(maps[:count], progress=report), count
        except MmuMemoryFull:
            count = int(count * 0.8)
    return None, 0


def demo_mmu(device, *, pid="self", translations=TRANSLATIONS, seed=0, progress=None):
    """Translations of a real process's pages on ``device``; returns a dict."""
    import warnings

    from .driver.mmu import MmuInterface
    from .lvm import mappings_from_process
    from .lvm.golden import COUNTER_NAMES
    from .lvm.mapping import PagemapUnavailableWarning
    progress = progress or _Progress(False)
    mmu = MmuInterface(device)
    progress(f"reading the mappings of process {pid}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PagemapUnavailableWarning)
        maps = mappings_from_process(pid)
    what = "the radix tables and the learned index" if mmu.learned_walk else \
        "the radix tables (radix-only MMU)"
    progress(f"building {what} of {len(maps)} pages")
    loaded, used = _fit(mmu, maps, progress)
    result = {"pid": pid if pid != "self" else os.getpid(), "pages": len(maps),
              "pages_used": used, "ram_bytes": mmu.mem_bytes,
              "mem_latency": getattr(device.transport, "mem_latency", None), "errors": 0,
              "learned_walk": mmu.learned_walk, "modes": []}
    if loaded is None:
        result["skipped"] = (f"the table RAM ({mmu.mem_bytes // 1024} KiB) cannot hold the "
                             "radix tables of even one page")
        return result
    used_maps = loaded.mappings
    result.update(pt_bytes=loaded.pt_bytes, index_bytes=loaded.index_bytes,
                  index_levels=list(loaded.index.stats.nodes_per_level) if loaded.index else [],
                  overflow_keys=loaded.index.stats.overflow_keys if loaded.index else 0)
    rng = random.Random(seed)
    requests = []
    mapped = max(1, translations * 9 // 10)
    for m in rng.choices(used_maps, k=mapped):
        requests.append((m.va + rng.randrange(4096 * m.pages), rng.choice((0, 0, 0, 1, 2))))
    low, high = used_maps[0].vpn, used_maps[-1].end_vpn
    while len(requests) < translations:
        vpn = rng.randrange(max(0, low - 64), high + 64)
        if not any(m.vpn <= vpn < m.end_vpn for m in used_maps):
            requests.append((vpn << 12 | rng.randrange(4096), 0))
    rng.shuffle(requests)
    vas = [va for va, _ in requests]
    accesses = [acc for _, acc in requests]
    mask = (1 << mmu.counter_bits) - 1
    for learned in (True, False) if mmu.learned_walk else (False,):
        mode = "learned" if learned else "radix"
        progress(f"{len(vas)} translations, {mode} walks")
        mmu.set_learned(learned)
        mmu.reset()
        golden = mmu.golden()
        responses = mmu.translate(vas, accesses, True)
        expect = [golden.translate(va, acc, True) for va, acc in zip(vas, accesses)]
        mismatches = sum(not r.matches(g) for r, g in zip(responses, expect))
        counters = mmu.counters()
        counter_errors = [name for name in COUNTER_NAMES
                          if counters[name] != golden.counters[name] & mask]
        walks = counters["walks"]
        reads = counters["reads_node"] + counters["reads_gpt"] + counters["reads_radix"]
        result["modes"].append({
            "mode": mode, "translations": len(vas), "walks": walks,
            "faults": counters["faults"],
            "accesses_per_walk": reads / walks if walks else 0.0,
            "single_access_share": counters["learned_single"] / walks if walks else 0.0,
            "cycles_per_walk": counters["walk_cycles_total"] / walks if walks else 0.0,
            "mismatches": mismatches, "counter_mismatches": counter_errors,
            "errors": mismatches + len(counter_errors), "counters": counters})
        result["errors"] += mismatches + len(counter_errors)
    return result


def _table(report):
    lines = [f"cerite demo on {report['device']} ({report['profile']} profile)", ""]
    ntt = report["ntt"]
    if "skipped" in ntt:
        lines.append(f"NTT: skipped, {ntt['skipped']}")
    else:
        lines.append(f"RNS polynomial product on the NTT array: N = {ntt['n']}, "
                     f"{len(ntt['primes'])} limbs ({', '.join(map(str, ntt['primes']))}), "
                     f"Q of {ntt['modulus_bits']} bits; {ntt['lanes']} butterflies, "
                     f"{ntt['reducer']} reduction")
        lines.append(f"  {'command':<10}{'cycles':>9}{'model':>9}{'bound':>9}{'vs bound':>10}")
        for row in ntt["cycles"]:
            lines.append(f"  {row['op']:<10}{row['cycles']:>9}{row['expected']:>9}"
                         f"{row['bound']:>9}{row['ratio']:>10.3f}")
        lines.append(f"  {ntt['coefficients']} coefficients vs golden (poly_mul per limb + CRT): "
                     f"{ntt['mismatches']} mismatches; cycle counts off the model: "
                     f"{ntt['cycle_errors']}")
    lines.append("")
    mmu = report["mmu"]
    if "skipped" in mmu:
        lines.append(f"MMU: skipped, {mmu['skipped']}")
    else:
        latency = mmu.get("mem_latency")
        memory = (f"external table memory {mmu['ram_bytes'] >> 20} MiB, read latency "
                  f"{latency} cycles" if latency else
                  f"on-chip table RAM {mmu['ram_bytes'] // 1024} KiB")
        if mmu.get("learned_walk", True):
            tables = (f"radix {mmu['pt_bytes'] // 1024} KiB, index "
                      f"{mmu['index_bytes'] // 1024} KiB, {mmu['overflow_keys']} overflow keys")
            name = "learned MMU"
        else:
            tables = f"radix {mmu['pt_bytes'] // 1024} KiB"
            name = "radix-only MMU (this profile has no learned walk)"
        lines.append(f"{name}: process {mmu['pid']}, {mmu['pages_used']} of "
                     f"{mmu['pages']} pages ({memory}: {tables})")
        lines.append(f"  {'mode':<9}{'walks':>7}{'faults':>8}{'accesses/walk':>15}"
                     f"{'single-access':>15}{'cycles/walk':>13}{'errors':>8}")
        for row in mmu["modes"]:
            lines.append(f"  {row['mode']:<9}{row['walks']:>7}{row['faults']:>8}"
                         f"{row['accesses_per_walk']:>15.3f}"
                         f"{100 * row['single_access_share']:>14.1f}%"
                         f"{row['cycles_per_walk']:>13.1f}{row['errors']:>8}")
    lines.append("")
    lines.append(f"errors found: {report['errors']}")
    return "\n".join(lines)


def run_demo(args):
    """The ``cerite demo`` command; returns the exit code (0 only when no error was found)."""
    as_json = getattr(args, "json", False)
    spec = getattr(args, "device", None) or os.environ.get("CERITE_DEVICE") or "sim"
    pid = getattr(args, "pid", None)
    pid = "self" if pid is None else pid
    seed = getattr(args, "seed", None) or 0
    progress = _Progress(not as_json and sys.stderr.isatty())
    started = time.monotonic()
    try:
        device = _open(spec, progress)
    except Exception as err:  # a missing board or port: say what failed, exit 2
        print(f"error: cannot open device {spec!r}: {err}", file=sys.stderr)
        return 2
    with device:
        report = {"device": spec, "profile": device.identity.profile}
        params = device.identity.parameters
        missing = f"the {report['profile']} profile's design has no %s unit"
        report["ntt"] = demo_ntt(device, seed=seed, progress=progress) \
            if "ntt_log_n" in params else {"skipped": missing % "NTT", "errors": 0}
        report["mmu"] = demo_mmu(device, pid=pid, seed=seed, progress=progress) \
            if "mmu_mem_bytes" in params else {"skipped": missing % "MMU", "errors": 0}
    report["errors"] = report["ntt"]["errors"] + report["mmu"]["errors"]
    report["seconds"] = round(time.monotonic() - started, 1)
    stats = getattr(device.transport, "stats", None)
    if stats:
        report["simulation"] = stats
    if as_json:
        print(json.dumps(report, indent=2, sort_keys=True, default=str))
    else:
        print(_table(report))
    return 1 if report["errors"] else 0
