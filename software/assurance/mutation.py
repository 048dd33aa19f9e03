"""Mutation check of the regression: deliberate bugs that the tests must catch.

Each :class:`Mutant` is a textual patch of one source file (an exact snippet and its
replacement) and the pytest node ids that should catch it. :func:`run_mutant` copies the sources
into a temporary folder laid out as the ``cerite`` package (never touching the working tree),
applies the patch there and runs the node ids with ``-x`` against the copy, with the Verilator /
formal cache pointed at a temporary folder; a mutant is *caught* when pytest fails, and the first
failing test is recorded.

Run ``python -m cerite.assurance.mutation [--quick]``; it writes ``docs/results/mutation.json``
and ``mutation.md`` through :func:`cerite.results.write_results`.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..results import results_dir, write_results

__all__ = ["Mutant", "MUTANTS", "source_root", "check_applies", "mutated_tree", "run_mutant",
           "main"]

#: The package's folders, as ``package-dir`` in pyproject.toml maps them.
_PACKAGE_DIRS = {"software": "", "hw": "hw", "sim": "sim", "tb": "tb", "fpga": "fpga"}


@dataclass(frozen=True)
class Mutant:
    """One deliberate bug: replace ``old`` (exactly once in ``path``) with ``new``.

    ``path`` is relative to the repository root; ``tests`` are pytest node ids relative to it;
    ``quick`` marks the cheap mutants of ``--quick``.
    """

    name: str
    description: str
    path: str
    old: str
    new: str
    tests: tuple
    quick: bool = False


MUTANTS = (
    Mutant("ntt-bank-map-off-by-one",
           "NTT address generator: the bank-half parity of a butterfly stage taken one bit too "
           "high (an off-by-one in the bank map)",
           "hw/ntt/agu.py",
           "self.swap.eq((j0 >> lb).xor()),",
           "self.swap.eq((j0 >> (lb + 1)).xor()),",
           ("tests/test_formal_ntt_array.py::test_banks_conflict_free_and_routed",
            "tests/test_ntt_array_sim.py::test_address_generator_matches_model"),
           quick=True),
    Mutant("ntt-wrong-twiddle",
           "NTT address generator: twiddle index m + i + 1 instead of m + i",
           "hw/ntt/agu.py",
           "m.d.comb += k0.eq((Const(n // 2, log_n) >> self.s) | (b0 >> self.s))",
           "m.d.comb += k0.eq((Const(n // 2, log_n) >> self.s) | ((b0 >> self.s) + 1))",
           ("tests/test_formal_ntt_array.py::test_banks_conflict_free_and_routed",
            "tests/test_ntt_array_sim.py::test_every_operation")),
    Mutant("mmu-skip-permission-check",
           "MMU: a TLB hit skips the permission checks (never faults)",
           "hw/lvm/mmu.py",
           "resp.fault.eq(Mux(hit_fault, Fault.PAGE, Fault.NONE)),",
           "resp.fault.eq(Fault.NONE),",
           ("tests/test_lvm_mmu_sim.py::test_tlb_hit_still_checks_permissions",)),
    Mutant("tlb-ignores-asid",
           "TLB: a lookup matches entries of any ASID",
           "hw/lvm/tlb.py",
           "& (e.glob | (e.asid == self.asid)))",
           "& (e.glob | 1))",
           ("tests/test_formal_tlb.py::test_tlb_isolation_and_flushes_proved",
            "tests/test_lvm_mmu_sim.py::test_tlb_asid_and_global")),
    Mutant("link-skips-crc",
           "Host link: the received CRC is never compared",
           "hw/soc/link.py",
           "with m.If((crc ^ CRC32_XOROUT) != rx_crc):",
           "with m.If(0):",
           ("tests/test_soc_link.py::test_bad_crc_answers_and_never_writes",
            "tests/test_formal_link.py::test_no_bus_write_without_whole_frame_and_good_crc")),
    Mutant("barrett-no-final-correction",
           "Barrett reducer: the second conditional subtraction of q removed",
           "hw/ntt/modmul.py",
           "return p.stage(result=Mux(r1 >= self.q, r1 - self.q, r1)[:w])",
           "return p.stage(result=r1[:w])",
           ("tests/test_ntt_modmul_sim.py::test_exhaustive_one_operand_14_bit",
            "tests/test_ntt_modmul_sim.py::test_exhaustive_one_operand_split_products",
            "tests/test_ntt_modmul_sim.py::test_random_products",
            "tests/test_formal_modmul.py::test_reducer_correct_for_every_product")),
)


def source_root():
    """The repository root of this checkout (the folder holding ``hw/`` and ``tests/``)."""
    return Path(__file__).resolve().parent.parent.parent


def check_applies(mutant, root=None):
    """The text of ``mutant.path`` with the patch applied; ``ValueError`` unless ``old`` occurs
    exactly once."""
    root = Path(root) if root else source_root()
    text = (root / mutant.path).read_text()
    count = text.count(mutant.old)
    if count != 1:
        raise ValueError(f"mutant {mutant.name}: the snippet must occur exactly once in "
                         f"{mutant.path}, not {count} times")
    return text.replace(mutant.old, mutant.new)


def mutated_tree(mutant, destination, root=None):
    """Lay out a copy of the sources in ``destination`` with ``mutant`` applied (``None``: no
    patch): ``pkg/cerite/...`` (the package), ``tests/``, ``pyproject.toml``. Return the
    destination."""
    root = Path(root) if root else source_root()
    destination = Path(destination)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "build", ".cache")
    package = destination / "pkg" / "cerite"
    for folder, sub in _PACKAGE_DIRS.items():
        if (root / folder).is_dir():
            shutil.copytree(root / folder, package / sub if sub else package,
                            ignore=ignore, dirs_exist_ok=True)
    shutil.copytree(root / "tests", destination / "tests", ignore=ignore)
    shutil.copy2(root / "pyproject.toml", destination / "pyproject.toml")
    if mutant is not None:
        text = check_applies(mutant, root)
        folder, _, rest = mutant.path.partition("/")
        target = package / _PACKAGE_DIRS[folder] / rest if _PACKAGE_DIRS[folder] else \
            package / rest
        target.write_text(text)
    return destination


def _first_failure(output):
    match = re.search(r"^(?:FAILED|ERROR) (\S+)", output, re.MULTILINE)
    return match.group(1) if match else None


def run_mutant(mutant, *, timeout_s=1800, keep=False):
    """Run ``mutant``'s tests against a mutated copy; return a result dict (``caught``,
    ``failed_test``, ``returncode``, ``seconds``, ``log_tail``)."""
    with tempfile.TemporaryDirectory(prefix=f"cerite-mutant-{mutant.name}-") as tmp:
        tree = mutated_tree(mutant, Path(tmp) / "tree")
        env = dict(os.environ)
        env["PYTHONPATH"] = str(tree / "pkg") + os.pathsep + env.get("PYTHONPATH", "")
        env["CERITE_CACHE_DIR"] = str(Path(tmp) / "cache")
        env["CERITE_RESULTS_DIR"] = str(Path(tmp) / "results")
        command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                   "-p", "no:randomly", "-n", "0", "-m", "", *mutant.tests]
        start = time.monotonic()
        try:
            proc = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True,
                                  timeout=timeout_s)
            output, returncode = proc.stdout + proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as exc:
            output, returncode = f"timed out after {timeout_s} s\n{exc.stdout or ''}", None
        seconds = time.monotonic() - start
        tail = "\n".join(output.splitlines()[-15:])
        # pytest: 1 = some test failed (caught); 0 = all passed (survived); other = broken run.
        return {"mutant": mutant.name, "caught": returncode == 1,
                "failed_test": _first_failure(output) if returncode == 1 else None,
                "returncode": returncode, "seconds": round(seconds, 1), "log_tail": tail}


def _markdown(records, quick):
    lines = ["# Mutation check", "",
             "Deliberate bugs applied to a temporary copy of the sources, each followed by the "
             "tests that should catch it (`python -m cerite.assurance.mutation"
             + (" --quick" if quick else "") + "`; the tests run in the order listed, "
             "stopping at the first failure).", "",
             "| mutant | file | bug | caught | first failing test | seconds |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in records:
        caught = "yes" if r["caught"] else f"**NO** (rc {r['returncode']})"
        lines.append(f"| {r['name']} | `{r['path']}` | {r['description']} | {caught} | "
                     f"`{r['failed_test'] or '-'}` | {r['seconds']} |")
    total = sum(r["caught"] for r in records)
    lines += ["", f"{total} of {len(records)} mutants caught."]
    return "\n".join(lines)


def _record(mutant, result):
    return {"name": mutant.name, "path": mutant.path, "description": mutant.description,
            "tests": list(mutant.tests), **result}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cerite.assurance.mutation",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the cheap mutants")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="run only this mutant (repeatable)")
    args = parser.parse_args(argv)
    known = {m.name for m in MUTANTS}
    for name in args.only:
        if name not in known:
            parser.error(f"unknown mutant {name!r}; known: {', '.join(sorted(known))}")
    chosen = [m for m in MUTANTS
              if (not args.quick or m.quick) and (not args.only or m.name in args.only)]
    for mutant in chosen:
        check_applies(mutant)
    results = []
    for mutant in chosen:
        result = run_mutant(mutant)
        print(f"{mutant.name}: {'caught' if result['caught'] else 'NOT CAUGHT'} "
              f"({result['failed_test']}, {result['seconds']} s)", flush=True)
        results.append((mutant, result))
    records = [_record(m, r) for m, r in results]
    previous = results_dir() / "mutation.json"
    if args.only and previous.exists():
        # Keep the earlier results of the mutants not rerun, in the list's order.
        fresh = {r["name"]: r for r in records}
        old = {r["name"]: r for r in json.loads(previous.read_text()).get("mutants", [])}
        records = [fresh.get(m.name) or old[m.name] for m in MUTANTS
                   if m.name in fresh or m.name in old]
    write_results("mutation", {"quick": args.quick, "mutants": records},
                  _markdown(records, args.quick))
    return 0 if all(r["caught"] for _, r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
