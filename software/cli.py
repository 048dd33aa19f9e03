"""The ``cerite`` command line: one entry point, one subcommand per job.

Every subcommand that reports results accepts ``--json`` and then prints exactly one JSON document
on stdout (and nothing else), so scripts and CI can read it.
"""

import argparse
import json
import sys

from . import __version__
from .driver.cli_units import add_mmu_commands, add_ntt_commands

__all__ = ["main"]


def _emit(args, data, text):
    """Print ``data`` as JSON under ``--json``, else the human-readable ``text``."""
    if getattr(args, "json", False):
        print(json.dumps(data, indent=2, sort_keys=True, default=str))
    else:
        print(text)


def _cmd_version(args):
    from .sim.toolchain import verilator_root
    info = {"cerite": __version__}
    try:
        import amaranth
        import cocotb
        info.update(amaranth=amaranth.__version__, cocotb=cocotb.__version__)
        info["verilator_root"] = str(verilator_root())
    except Exception as error:  # a partial install still reports what it has
        info["problem"] = str(error)
    _emit(args, info, "\n".join(f"{k}: {v}" for k, v in info.items()))
    return 0


def _cmd_rtl(args):
    from .rtl import checkout_rtl_dir, stale_files, write_rtl
    directory = args.out or checkout_rtl_dir()
    if directory is None:
        print("error: not running from a checkout; name the output folder with --out",
              file=sys.stderr)
        return 2
    if args.check:
        stale = stale_files(directory)
        _emit(args, {"directory": str(directory), "stale": stale},
              "rtl/ is up to date" if not stale else
              "stale files in rtl/ (run `make rtl`):\n  " + "\n  ".join(stale))
        return 1 if stale else 0
    written = write_rtl(directory)
    _emit(args, {"directory": str(directory), "written": [p.name for p in written]},
          f"wrote {len(written)} files to {directory}")
    return 0


def _cmd_regmap(args):
    from .regmap import regmap_is_current, write_regmap
    if args.check:
        current = regmap_is_current()
        _emit(args, {"current": current},
              "the host register map is current" if current else
              "software/regmap_generated.py is stale: run `cerite regmap`")
        return 0 if current else 1
    path = write_regmap()
    _emit(args, {"written": str(path)}, f"wrote {path}")
    return 0


def _cmd_lint(args):
    from .hw.designs import STANDARD_DESIGNS
    from .sim.lint import lint_verilog
    from .sim.verilog import generate_verilog
    report = {}
    for name, factory in STANDARD_DESIGNS.items():
        report[name] = lint_verilog(generate_verilog(factory(), name), name)
    dirty = {name: msgs for name, msgs in report.items() if msgs}
    lines = [f"{name}: {'clean' if not msgs else f'{len(msgs)} messages'}"
             for name, msgs in report.items()]
    for name, msgs in dirty.items():
        lines += [f"  {m}" for m in msgs]
    _emit(args, report, "\n".join(lines))
    return 1 if dirty else 0


def _cmd_demo(args):
    from .demo import run_demo
    return run_demo(args)


def _cmd_ntt_bench_golden(args):
    from .bench import golden_markdown
    from .ntt.golden_bench import benchmark_golden
    from .results import write_results
    result = benchmark_golden(ns=tuple(args.n), repeats=args.repeats)
    table = golden_markdown(result)
    if args.write:
        write_results("ntt_golden_bench", result, table)
    _emit(args, result, table)
    return 0 if all(entry["agree"] for entry in result["results"]) else 1


def _cmd_bench(args):
    from .bench import BENCHMARKS, Progress, run_benchmarks, write_book
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        print(f"error: unknown benchmark {', '.join(repr(n) for n in unknown)}; "
              f"known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    if args.list:
        _emit(args, {n: b.title for n, b in BENCHMARKS.items()},
              "\n".join(f"{n:>10}  {b.title}" for n, b in BENCHMARKS.items()))
        return 0
    progress = Progress(None if not args.json else False)
    saved, sys.argv = sys.argv, ["cerite", *args.argv]  # the command the result files record
    try:
        if args.book_only:
            result = {"directory": args.out, "quick": args.quick, "benchmarks": {},
                      "book": write_book(args.out)}
        else:
            result = run_benchmarks(args.names, quick=args.quick, directory=args.out,
                                    progress=progress)
    finally:
        sys.argv = saved
    lines = [f"{name:>10}: {entry['status']} ({entry['seconds']} s)"
             + (f" - {entry['reason']}" if "reason" in entry else "")
             for name, entry in result["benchmarks"].items()]
    lines.append("wrote " + ", ".join(result["book"]["files"]))
    _emit(args, result, "\n".join(lines))
    return 1 if any(e["status"] == "failed" for e in result["benchmarks"].values()) else 0


def _cmd_ntt_bench(args):
    from .ntt.bench import run_ntt_bench, write_ntt_bench
    result = run_ntt_bench()
    json_path, md_path = write_ntt_bench(result)
    table = md_path.read_text()
    _emit(args, result, table)
    return 0


def _parser():
    parser = argparse.ArgumentParser(
        prog="cerite",
        description="cerite: verified hardware IP (learned-translation MMU, NTT array for FHE).")
    parser.add_argument("--version", action="version", version=f"cerite {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name, func, help_text):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    def with_json(p):
        p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
        return p

    with_json(command("version", _cmd_version, "show versions of cerite and its tools"))

    p = with_json(command("rtl", _cmd_rtl,
                          "regenerate the checked-in Verilog of the standard configurations"))
    p.add_argument("--out", help="output folder (default: rtl/ of this checkout)")
    p.add_argument("--check", action="store_true",
                   help="only report files that are stale; exit 1 if any")

    p = with_json(command("regmap", _cmd_regmap,
                          "regenerate the host register map from the Amaranth register blocks"))
    p.add_argument("--check", action="store_true", help="only check it is current; exit 1 if not")

    with_json(command("lint", _cmd_lint,
                      "Verilator --lint-only -Wall of every standard configuration"))

    p = with_json(command("demo", _cmd_demo, "run the demo on the simulated board"))
    p.add_argument("--device", default=None,
                   help="sim (default) or serial:PORT (also $CERITE_DEVICE)")
    p.add_argument("--pid", type=int, default=None,
                   help="process whose mappings the MMU demo translates (default: the demo's own)")

    ntt = sub.add_parser("ntt", help="NTT array: single operations and benchmarks",
                         description="NTT array: single operations and benchmarks")
    ntt_sub = ntt.add_subparsers(dest="ntt_command", metavar="NTT_COMMAND")
    p = ntt_sub.add_parser("bench-golden", help="golden-model NTT throughput beside sympy/galois",
                           description="golden-model NTT throughput beside sympy and galois")
    with_json(p)
    p.add_argument("-n", type=int, action="append", default=None,
                   help="transform size (repeatable; default 4096 and 65536)")
    p.add_argument("--repeats", type=int, default=20, help="timed repetitions per size")
    p.add_argument("--write", action="store_true",
                   help="also write docs/results/ntt_golden_bench.{json,md}")
    p.set_defaults(func=_cmd_ntt_bench_golden)
    p = ntt_sub.add_parser("bench", help="measured NTT array cycles against the bound "
                           "(Verilator); writes docs/results/ntt_bench.*",
                           description="measure every operation of the NTT array for each "
                           "regression configuration and write docs/results/ntt_bench.*")
    with_json(p)
    p.set_defaults(func=_cmd_ntt_bench)
    ntt.set_defaults(func=lambda args: (ntt.print_help(), 2)[1])
    add_ntt_commands(ntt_sub)

    mmu = sub.add_parser("mmu", help="learned MMU: single operations and benchmarks",
                         description="learned MMU: single operations and benchmarks")
    mmu_sub = mmu.add_subparsers(dest="mmu_command", metavar="MMU_COMMAND")
    add_mmu_commands(mmu_sub)
    from .lvm.bench import add_mmu_bench_parser
    add_mmu_bench_parser(mmu_sub)

    p = with_json(command("bench", _cmd_bench,
                          "run the project's benchmarks and regenerate docs/results/ "
                          "(summary README.md, comparison.md, plots)"))
    p.add_argument("names", nargs="*", metavar="NAME",
                   help="benchmarks to run (default: all; see --list)")
    p.add_argument("--quick", action="store_true", help="a short pass of each benchmark")
    p.add_argument("--out", default=None,
                   help="results folder (default: docs/results/, or $CERITE_RESULTS_DIR)")
    p.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    p.add_argument("--book-only", action="store_true",
                   help="run nothing: regenerate README.md, comparison.md and the plots from "
                        "the JSON files present")

    from .fpga.cli import add_build_parser, add_program_parser
    add_build_parser(sub)
    add_program_parser(sub)
    mmu.set_defaults(func=lambda args: (mmu.print_help(), 2)[1])
    return parser


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if getattr(args, "n", None) is None and hasattr(args, "repeats"):
        args.n = [4096, 65536]
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
