"""The results book: every benchmark of the project behind one command, ``cerite bench``.

Each entry of :data:`BENCHMARKS` runs one benchmark and writes its own files (JSON with
provenance, Markdown, PNG plots) under ``docs/results/`` (or ``--out`` / ``$CERITE_RESULTS_DIR``).
After the runs, :func:`write_book` reads every benchmark's JSON that exists there — whether this
run wrote it or an earlier one — and regenerates the cross-benchmark plots, ``comparison.md``
(our numbers beside cited outside figures) and ``README.md`` (headline numbers, links, and the
machine or FPGA part, tools, date and command behind each figure). Plots are drawn from the JSON
files only; nothing is simulated again to draw them.

The ``fpga`` entry never builds: it collects the reports ``cerite build`` / ``make fpga-all`` left
in ``docs/results/fpga/``. The ``soc`` entry runs :mod:`cerite.soc_bench` when that module exists
and otherwise reports "not available".

Outside figures (cited, not measured here) come from: Intel HEXL pull request #32
(IntelLabs/hexl, one Ice Lake core, AVX-512 forward NTT: 2.6 µs at N = 1024, 12.4 µs at N = 4096,
57.4 µs at N = 16384); Zhao et al., *Learning to Walk: Architecting Learned Virtual Memory
Translation*, MICRO 2025 (99.4% single-access translations, 112-162 B index); the RISC-V
Privileged Architecture, section "Sv39" (three levels, so three accesses per 4 KiB walk without
a page-walk cache); the Hardcaml ZPrize NTT core (zprize.hardcaml.com, "Core (I)NTT design": one
butterfly per cycle at 250 MHz).
"""

import contextlib
import json
import os
import re
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Benchmark", "BENCHMARKS", "BenchmarkUnavailable", "HEXL", "HARDCAML_NTT", "SV39",
           "Progress", "hexl_butterflies_per_s", "run_benchmarks", "write_book", "load_results",
           "golden_markdown"]


class BenchmarkUnavailable(Exception):
    """A benchmark that cannot run here (its module or its inputs are missing)."""


#: Intel HEXL's single-core forward NTT (cited, not measured): IntelLabs/hexl PR #32, one Ice Lake
#: core, AVX-512, 64-bit. Transform length -> microseconds.
HEXL = {
    "citation": "Intel HEXL, IntelLabs/hexl pull request #32: forward NTT on one Ice Lake core "
                "(AVX-512, 64-bit words)",
    "ntt_us": {1024: 2.6, 4096: 12.4, 16384: 57.4},
}

#: A published FPGA NTT core (cited, not measured): one butterfly per cycle at 250 MHz, the
#: data path pipelined 8 cycles, over the 64-bit Goldilocks field.
HARDCAML_NTT = {
    "citation": "Hardcaml ZPrize NTT, zprize.hardcaml.com, page \"Core (I)NTT design\" (one "
                "butterfly per cycle, 250 MHz, 8-cycle pipeline; field from its "
                "Hardcaml_ntt.Roots documentation)",
    "clock_mhz": 250.0,
    "butterflies_per_cycle": 1,
}

#: Radix Sv39 walk length without a page-walk cache (cited).
SV39 = {"citation": "RISC-V Privileged Architecture, section \"Sv39\" (three-level page table)",
        "accesses_4k": 3}


def _butterflies(n):
    return n // 2 * (n.bit_length() - 1)


def hexl_butterflies_per_s():
    """Butterflies per second of the HEXL figures, per transform length."""
    return {n: _butterflies(n) / (us * 1e-6) for n, us in HEXL["ntt_us"].items()}


# ---------------------------------------------------------------------------------------------
# Progress display


class Progress:
    """A one-line progress display on stderr; silent unless ``enabled``.

    Call it with a message; :meth:`step` adds a ``[done/total]`` prefix, :meth:`fraction` a
    percentage. ``enabled=None`` enables it when the stream is a terminal. While a stage runs,
    a background thread redraws the line every ``tick`` seconds with the time elapsed, so a long
    simulation without messages still shows that it runs (``tick=None``: no thread).
    """

    def __init__(self, enabled=None, stream=None, *, tick=1.0):
        self._stream = stream or sys.stderr
        if enabled is None:
            enabled = hasattr(self._stream, "isatty") and self._stream.isatty()
        self.enabled = bool(enabled)
        self._width = 0
        self._prefix = ""
        self._text = ""
        self._start = None
        self._lock = threading.Lock()
        self._tick = tick
        self._thread = None

    def _draw(self):
        line = f"{self._prefix}: {self._text}" if self._text else self._prefix
        if self._start is not None and self._tick:
            line += f" ({time.monotonic() - self._start:.0f} s)"
        line = line[:max(20, shutil.get_terminal_size((100, 20)).columns - 1)]
        self._stream.write("\r" + line.ljust(self._width))
        self._stream.flush()
        self._width = len(line)

    def _heartbeat(self):
        while True:
            time.sleep(self._tick)
            with self._lock:
                if self._start is None:
                    return
                self._draw()

    def stage(self, prefix):
        """Start a stage: ``prefix`` is shown before every message (the benchmark being run)."""
        if not self.enabled:
            return
        with self._lock:
            self._prefix, self._text, self._start = prefix, "", time.monotonic()
            self._draw()
        if self._tick and (self._thread is None or not self._thread.is_alive()):
            self._thread = threading.Thread(target=self._heartbeat, daemon=True)
            self._thread.start()

    def __call__(self, *message, **_):
        if not self.enabled:
            return
        with self._lock:
            self._text = " ".join(str(m) for m in message).strip()
            self._draw()

    def step(self, done, total, message=""):
        self(f"[{done}/{total}] {message}")

    def fraction(self, message, done, total):
        self(f"{message} {100 * done / total:.0f}%" if total else message)

    def done(self, message):
        """End the stage's line with ``message``."""
        if not self.enabled:
            return
        with self._lock:
            self._start = None
            line = f"{self._prefix}: {message}" if self._prefix else message
            self._stream.write("\r" + line.ljust(self._width) + "\n")
            self._stream.flush()
            self._width = 0


# ---------------------------------------------------------------------------------------------
# The registry


@dataclass(frozen=True)
class Benchmark:
    """One benchmark of the project.

    Members
    -------
    name : str
        Its name on the command line (``cerite bench NAME``).
    title : str
        One line saying what it measures.
    json_name : str
        The stem of its result file in the results folder (``<json_name>.json``).
    run : callable
        ``run(*, quick, directory, progress)``: runs it and writes its files to ``directory``;
        raises :class:`BenchmarkUnavailable` when it cannot run here.
    command : str
        The command that produces its files on its own.
    """

    name: str
    title: str
    json_name: str
    run: object = field(repr=False)
    command: str = ""


@contextlib.contextmanager
def _results_env(directory):
    """Point ``$CERITE_RESULTS_DIR`` at ``directory`` (for benches that write to
    :func:`cerite.results.results_dir`)."""
    old = os.environ.get("CERITE_RESULTS_DIR")
    os.environ["CERITE_RESULTS_DIR"] = str(directory)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("CERITE_RESULTS_DIR", None)
        else:
            os.environ["CERITE_RESULTS_DIR"] = old


def _run_ntt(*, quick, directory, progress):
    from .ntt.bench import CONFIGS, run_ntt_bench, write_ntt_bench
    # The quick pass measures one configuration: N = 1024, B = 4, the one built for the FPGA.
    configs = [c for c in CONFIGS if c[:4] == (10, 28, 4, "barrett")] if quick else CONFIGS
    rows, result = [], None
    for i, cfg in enumerate(configs):
        progress.step(i, len(configs), f"N={1 << cfg[0]} W={cfg[1]} B={cfg[2]} {cfg[3]} "
                                       "(Verilator)")
        with contextlib.redirect_stdout(sys.stderr):
            result = run_ntt_bench([cfg])
        rows += result["rows"]
    result = {**result, "rows": rows, "quick": quick}
    write_ntt_bench(result, directory)


def golden_markdown(result):
    """The Markdown table of :func:`cerite.ntt.golden_bench.benchmark_golden`'s result."""
    rows = ["| N | golden NTT/s | sympy NTT/s | galois NTT/s | outputs agree |",
            "| ---: | ---: | ---: | ---: | :---: |"]
    for entry in result["results"]:
        rows.append(f"| {entry['n']} | {entry['golden']['ntt_per_s']:.1f} | "
                    f"{entry['sympy']['ntt_per_s']:.2f} | {entry['galois']['ntt_per_s']:.1f} | "
                    f"{'yes' if entry['agree'] else 'NO'} |")
    return (f"# Golden-model NTT throughput (q = {result['q']}, one thread)\n\n"
            + "\n".join(rows) + "\n\n" + "\n".join(f"- {n}" for n in result["notes"]))


def _run_golden(*, quick, directory, progress):
    from .ntt.golden_bench import benchmark_golden
    from .results import write_results
    progress("timing the golden model, sympy and galois")
    if quick:
        result = benchmark_golden(ns=(256,), repeats=3, sympy_repeats=1, galois_repeats=1,
                                  galois_compile="python-calculate")
    else:
        result = benchmark_golden()
    result["quick"] = quick
    write_results("ntt_golden_bench", result, golden_markdown(result), directory)
    if not all(entry["agree"] for entry in result["results"]):
        raise AssertionError("the golden model, sympy and galois disagree (see ntt_golden_bench)")


def _run_mmu(*, quick, directory, progress):
    from .lvm.bench import run_mmu_bench
    progress("RTL walks under cocotb (Verilator)" + ("" if quick else ", several minutes"))
    with _results_env(directory), contextlib.redirect_stdout(sys.stderr):
        run_mmu_bench(quick=quick)


def _run_soc(*, quick, directory, progress):
    try:
        from .soc_bench import run_soc_bench, write_soc_bench
    except ImportError as error:
        raise BenchmarkUnavailable(f"cerite.soc_bench is not available ({error})") from None
    with contextlib.redirect_stdout(sys.stderr):
        result = run_soc_bench(quick=quick, progress=progress)
        write_soc_bench(result, directory)


def _checkout_fpga_dir():
    return Path(__file__).resolve().parent.parent / "docs" / "results" / "fpga"


def _run_fpga(*, quick, directory, progress):
    """Collect the FPGA reports (never build): from ``directory/fpga``, else copied there from
    this checkout's ``docs/results/fpga``; then write ``fpga_bench.{json,md}``."""
    from .results import write_results
    target = Path(directory) / "fpga"
    reports = sorted(target.glob("*.json"))
    source = _checkout_fpga_dir()
    if not reports and source.resolve() != target.resolve() and any(source.glob("*.json")):
        progress(f"reusing the FPGA reports of {source}")
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(source.glob("*.json")) + sorted(source.glob("*.md")):
            shutil.copy2(path, target / path.name)
        reports = sorted(target.glob("*.json"))
    if not reports:
        raise BenchmarkUnavailable("no FPGA reports in docs/results/fpga/: run `make fpga-all` "
                                   "(or `cerite build`) first; `cerite bench` never builds")
    builds = []
    for path in reports:
        report = json.loads(path.read_text())
        builds.append(_fpga_row(report, path.stem))
    data = {"method": "FPGA reports of `cerite build`, collected (not rebuilt)",
            "builds": builds}
    write_results("fpga_bench", data, _fpga_markdown(builds), directory)


#: Every benchmark, in the order ``cerite bench`` runs them. ``mmu`` comes first: its real-process
#: world ``process:self`` is this process, whose page count grows with every library the other
#: benchmarks load (galois brings numba and LLVM).
BENCHMARKS = {b.name: b for b in (
    Benchmark("mmu", "learned MMU: accesses per walk, cycles per translation, index size (RTL)",
              "mmu_bench", _run_mmu, "cerite mmu bench"),
    Benchmark("ntt", "NTT array cycles of every operation against the bound (Verilator)",
              "ntt_bench", _run_ntt, "cerite ntt bench"),
    Benchmark("ntt-golden", "golden-model NTT throughput beside sympy and galois (this CPU)",
              "ntt_golden_bench", _run_golden, "cerite ntt bench-golden --write"),
    Benchmark("soc", "simulated board: cycles per second, host-link bytes/s, product time",
              "soc_bench", _run_soc, "python -m cerite.soc_bench"),
    Benchmark("fpga", "FPGA builds: resources and Fmax per unit configuration (collected)",
              "fpga_bench", _run_fpga, "make fpga-all"),
)}


# ---------------------------------------------------------------------------------------------
# FPGA rows


def _fpga_row(report, stem):
    util = report.get("utilisation") or {}
    used = {k: v.get("used") for k, v in util.items()}
    lanes = None
    match = re.search(r"\bB = (\d+)", report.get("description") or "")
    if match and str(report.get("name", "")).startswith("ntt"):
        lanes = int(match.group(1))
    prov = report.get("provenance") or {}
    return {"file": stem, "board": report.get("board"), "part": report.get("part"),
            "name": report.get("name"), "description": report.get("description"),
            "status": report.get("status"), "fmax_mhz": report.get("fmax_mhz"),
            "lut": used.get("lut"), "ff": used.get("ff"), "dsp": used.get("dsp"),
            "bram": used.get("bram"), "lanes": lanes,
            "butterflies_per_s": lanes * report["fmax_mhz"] * 1e6
            if lanes and report.get("fmax_mhz") else None,
            "date": prov.get("date"), "command": prov.get("command"),
            "tools": report.get("tools") or {}}


def _fmt(x, spec=""):
    return "–" if x is None else format(x, spec)


def _fpga_markdown(builds):
    lines = ["# FPGA builds: resources and Fmax per unit configuration", "",
             "Collected from the reports of `cerite build` in [fpga/](fpga/) (nextpnr's "
             "utilisation and Fmax, seed 1); a unit is wrapped in the scan shell for its build. "
             "Butterflies/s = B x Fmax, one butterfly per lane per cycle at the bound.", "",
             "| board | part | design | status | LUT | FF | DSP | EBR | Fmax MHz | "
             "butterflies/s | report |",
             "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for b in builds:
        lines.append(
            f"| {b['board']} | {b['part']} | {b['description']} | {b['status']} | "
            f"{_fmt(b['lut'])} | {_fmt(b['ff'])} | {_fmt(b['dsp'])} | {_fmt(b['bram'])} | "
            f"{_fmt(b['fmax_mhz'], '.2f')} | {_fmt(b['butterflies_per_s'], '.3g')} | "
            f"[{b['file']}](fpga/{b['file']}.md) |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Running


def _resolve(names):
    if not names:
        return list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        raise ValueError(f"unknown benchmark {', '.join(repr(n) for n in unknown)}; "
                         f"known: {', '.join(BENCHMARKS)}")
    return [n for n in BENCHMARKS if n in names]  # the registry's order, each once


def run_benchmarks(names=None, *, quick=False, directory=None, progress=None, book=True):
    """Run the named benchmarks (default: all) and then :func:`write_book`.

    Parameters
    ----------
    names : list of str, optional
        Names from :data:`BENCHMARKS`, run in the registry's order; ``ValueError`` names the
        unknown ones.
    quick : bool
        A short pass of each benchmark (a few configurations, short streams).
    directory : path, optional
        The results folder (default :func:`cerite.results.results_dir`).
    progress : Progress, optional
        Progress display (default: silent).
    book : bool
        Also regenerate the summary, cross-benchmark plots and comparison.

    Returns
    -------
    dict
        ``{"directory", "quick", "benchmarks": {name: {"status": "ok" | "not available" |
        "failed", "seconds", "reason"?}}, "book": write_book's result}``.
    """
    from .results import results_dir
    if not isinstance(quick, bool):
        raise TypeError(f"quick must be a bool, not {type(quick).__name__}")
    selected = _resolve(names)
    directory = Path(directory) if directory else results_dir()
    directory.mkdir(parents=True, exist_ok=True)
    progress = progress or Progress(False)
    outcome = {}
    for i, name in enumerate(selected):
        bench = BENCHMARKS[name]
        progress.stage(f"[{i + 1}/{len(selected)}] {name}")
        start = time.monotonic()
        try:
            bench.run(quick=quick, directory=directory, progress=progress)
            entry = {"status": "ok"}
        except BenchmarkUnavailable as error:
            entry = {"status": "not available", "reason": str(error)}
        except Exception as error:  # noqa: BLE001 - one failing benchmark must not hide others
            entry = {"status": "failed", "reason": f"{type(error).__name__}: {error}"}
        entry["seconds"] = round(time.monotonic() - start, 1)
        outcome[name] = entry
        progress.done(f"{entry['status']} ({entry['seconds']} s)"
                      + (f": {entry['reason']}" if "reason" in entry else ""))
    result = {"directory": str(directory), "quick": quick, "benchmarks": outcome}
    if book:
        result["book"] = write_book(directory)
    return result


# ---------------------------------------------------------------------------------------------
# The book: summary, cross-benchmark plots, comparison


def load_results(directory):
    """Every benchmark's JSON found in ``directory``: name -> data (missing ones left out)."""
    directory = Path(directory)
    found = {}
    for name, bench in BENCHMARKS.items():
        path = directory / f"{bench.json_name}.json"
        if path.is_file():
            found[name] = json.loads(path.read_text())
    return found


def _provenance_line(prov, *, part=None):
    if not prov:
        return "provenance not recorded"
    machine = prov.get("machine") or {}
    tools = ", ".join(f"{k} {v}" for k, v in sorted((prov.get("tools") or {}).items()))
    where = f"FPGA {part}, built on " if part else ""
    return (f"{where}{machine.get('cpu', '?')} ({machine.get('cores', '?')} cores); "
            f"{tools}; {prov.get('date', '?')}; `{prov.get('command', '?')}`")


def _find_numbers(data, key_part):
    """(path, value) of every number in ``data`` whose key contains ``key_part``."""
    out = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool) \
                        and key_part in str(k):
                    out.append((f"{path}{k}", v))
                else:
                    walk(v, f"{path}{k}.")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}{i}.")

    walk(data, "")
    return out


def _plots(results, directory):
    """The cross-benchmark plots drawn from the JSON files; returns {key: file name}."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    directory = Path(directory)
    made = {}

    fpga = results.get("fpga", {}).get("builds", [])
    ntt_fpga = sorted((b for b in fpga if b["board"] == "ulx3s-85f" and b["butterflies_per_s"]
                       and b["status"] == "ok"), key=lambda b: b["lanes"])
    if ntt_fpga:
        fig = Figure(figsize=(7, 4.5))
        ax = fig.add_subplot()
        variants = {}
        for b in ntt_fpga:  # one line per build variant: ntt_b1, ntt_b2 ... / ntt_b1_dsp18 ...
            variants.setdefault(re.sub(r"_b\d+", "", b["name"]), []).append(b)
        xs = sorted({b["lanes"] for b in ntt_fpga})
        for k, (variant, builds) in enumerate(sorted(variants.items())):
            ax.plot([b["lanes"] for b in builds], [b["butterflies_per_s"] for b in builds],
                    "o-", color=("#1971c2", "#2b8a3e", "#7048e8", "#e8590c")[k % 4],
                    label=f"{variant}: B x Fmax (measured, nextpnr)")
            for b in builds:
                ax.annotate(f"{b['fmax_mhz']:.1f} MHz", (b["lanes"], b["butterflies_per_s"]),
                            fontsize=7, xytext=(4, -10), textcoords="offset points")
        hexl = hexl_butterflies_per_s()[1024]
        ax.axhline(hexl, color="#c92a2a", linestyle="--",
                   label=f"Intel HEXL, one Ice Lake core, N=1024: {hexl:.2g}/s "
                         "(cited: IntelLabs/hexl PR #32)")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(xs, [str(x) for x in xs])
        ax.set_xlabel("butterfly lanes B (N = 1024, 28-bit Barrett) on ULX3S-85F (LFE5U-85F)")
        ax.set_ylabel("butterflies per second")
        ax.set_title("NTT butterfly throughput: FPGA builds vs one CPU core")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7, loc="center right")
        fig.tight_layout()
        made["butterflies"] = "fpga_butterflies.png"
        fig.savefig(directory / made["butterflies"], dpi=110)

    built = [b for b in fpga if b["lut"] is not None]
    if built:
        fig = Figure(figsize=(11, 0.8 + 0.35 * len(built)))
        axes = fig.subplots(1, 4, sharey=True)
        labels = [f"{b['board']}: {b['name']}" for b in built]
        for ax, (key, title) in zip(axes, (("lut", "LUT"), ("dsp", "DSP"), ("bram", "EBR"),
                                           ("fmax_mhz", "Fmax (MHz)"))):
            values = [b[key] or 0 for b in built]
            colors = ["#1971c2" if b["status"] == "ok" else "#adb5bd" for b in built]
            ax.barh(range(len(built)), values, color=colors)
            ax.set_title(title, fontsize=9)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3, axis="x")
        axes[0].set_yticks(range(len(built)), labels, fontsize=7)
        axes[0].invert_yaxis()
        fig.suptitle("FPGA resources and Fmax per unit configuration (grey: did not fit)",
                     fontsize=10)
        fig.tight_layout()
        made["resources"] = "fpga_resources.png"
        fig.savefig(directory / made["resources"], dpi=110)

    soc = results.get("soc")
    if soc:
        try:
            sim, link = soc["simulation"], soc["link"]
            bars = [("line rate", link["line_bytes_per_s"]),
                    ("payload, theory", link["theory_payload_bytes_per_s"]),
                    ("payload, simulated board", link["sim_payload_bytes_per_s"])]
            rate = sim["cycles_per_second"]
        except (KeyError, TypeError):  # another layout: plot whatever cycle rates it has
            bars, rate = None, None
        rates = _find_numbers(soc, "cycles_per_s")
        if bars and rate:
            fig = Figure(figsize=(10, 3.2))
            left, right = fig.subplots(1, 2, width_ratios=(1, 2))
            left.bar(["simulated board"], [rate], color="#2b8a3e")
            left.set_ylabel("simulated cycles per wall-clock second")
            left.annotate(f"{rate / 1e6:.2f} M/s", (0, rate), ha="center", va="bottom",
                          fontsize=8)
            right.barh([b for b, _ in bars], [v for _, v in bars], color="#1971c2")
            right.set_xscale("log")
            right.set_xlabel(f"host-link bytes per second ({link['baud'] / 1e6:g} Mbaud)")
            right.invert_yaxis()
            right.grid(alpha=0.3, axis="x", which="both")
            fig.suptitle(f"Simulated board ({soc.get('profile', '?')} profile, Verilator)",
                         fontsize=10)
        elif rates:
            fig = Figure(figsize=(7, 0.8 + 0.45 * len(rates)))
            ax = fig.add_subplot()
            ax.barh(range(len(rates)), [v for _, v in rates], color="#2b8a3e")
            ax.set_yticks(range(len(rates)), [p for p, _ in rates], fontsize=7)
            ax.invert_yaxis()
            ax.set_xlabel("simulated clock cycles per wall-clock second")
            ax.set_title("Simulated board speed (Verilator)")
        if (bars and rate) or rates:
            fig.tight_layout()
            made["soc"] = "soc_cycles_per_s.png"
            fig.savefig(directory / made["soc"], dpi=110)
    return made


def _ntt_row(results, n, lanes, width=28, reducer="barrett"):
    for r in results.get("ntt", {}).get("rows", []):
        if (r["n"], r["lanes"], r["width"], r["reducer"]) == (n, lanes, width, reducer):
            return r
    return None


def _comparison(results):
    """``comparison.md``: outside anchors (cited) beside our measured numbers."""
    lines = [
        "# Comparison with outside figures",
        "",
        "**Outside figures are cited, not measured here**; each names where it comes from. Our "
        "numbers come from the benchmark files in this folder (linked), which record the "
        "machine or FPGA part, tools, date and command. The last column says what differs in "
        "the setting, so the two numbers are not read as a like-for-like race.",
        "",
        "| quantity | outside figure (cited) | source | ours (measured) | from | what differs |",
        "| --- | ---: | --- | ---: | --- | --- |",
    ]
    mmu = results.get("mmu")
    if mmu:
        paper = mmu["paper"]
        verdicts = mmu.get("verdicts", [])
        shares = ", ".join(f"{v['name']} {100 * v['single_share']:.2f}%" for v in verdicts)
        sizes = ", ".join(f"{v['name']} {v['index_bytes']} B" for v in verdicts)
        lines.append(
            f"| learned walks taking one memory access | {100 * paper['single_access_share']:.1f}%"
            f" | {paper['citation']} (as quoted in the project's LVM spec notes) | "
            f"{shares or '–'} | "
            "[mmu_bench](mmu_bench.md) | ours: RTL with a "
            f"{mmu['design']['lwc_entries']}-entry walk cache, a uniform stream with a cold TLB "
            "over snapshots of Linux processes on this machine; the paper: full-system "
            "simulation of its workloads |")
        lines.append(
            f"| learned index size | {paper['index_bytes'][0]}–{paper['index_bytes'][1]} B | "
            f"{paper['citation']} | {sizes or '–'} | [mmu_bench](mmu_bench.md) | our model "
            "nodes (root included) for the processes above; index size grows with the number "
            "of mapped regions |")
        for v in verdicts:
            w = next(w for w in mmu["worlds"] if w["name"] == v["name"])
            lat = [str(x) for x in mmu["settings"]["latencies"]]
            rc = "/".join(f"{w['radix']['cycles'][x]['mean']:.0f}" for x in lat)
            lc = "/".join(f"{w['learned']['cycles'][x]['mean']:.0f}" for x in lat)
            lines.append(
                f"| Sv39 radix walk, {v['name']}: accesses; cycles at latency "
                f"{'/'.join(lat)} | {SV39['accesses_4k']} accesses (4 KiB page, no page-walk "
                "cache) | "
                f"{SV39['citation']} | radix {w['radix']['accesses_mean']:.3f} accesses, "
                f"{rc} cycles; learned {w['learned']['accesses_mean']:.4f} accesses, {lc} cycles"
                " | [mmu_bench](mmu_bench.md) | both walks are our own, in the same RTL "
                "(`learned = 0` is the radix fallback); cycles are request to response on "
                "a memory model with a fixed latency |")
    hexl = hexl_butterflies_per_s()
    fpga = results.get("fpga", {}).get("builds", [])
    ntt_fpga = [b for b in fpga if b["butterflies_per_s"] and b["status"] == "ok"]
    if ntt_fpga:
        best = max(ntt_fpga, key=lambda b: b["butterflies_per_s"])
        row = _ntt_row(results, 1024, best["lanes"])
        time_us = (f"; NTT {row['ntt']} cycles in ntt_bench -> "
                   f"{row['ntt'] / best['fmax_mhz']:.1f} µs" if row else "")
        lines.append(
            f"| forward NTT, N = 1024: butterflies/s (time) | {hexl[1024]:.3g}/s "
            f"({HEXL['ntt_us'][1024]} µs) | {HEXL['citation']} | "
            f"{best['butterflies_per_s']:.3g}/s ({best['name']}: B = {best['lanes']} at "
            f"{best['fmax_mhz']:.2f} MHz{time_us}) | [fpga_bench](fpga_bench.md), "
            f"[ntt_bench](ntt_bench.md) | ours: {best['description']}, on "
            f"{best['part']} ({best['board']}; nextpnr Fmax, seed 1), B x Fmax at the bound; "
            "HEXL: 64-bit words, AVX-512 on a server CPU core. "
            f"Matching it needs B x Fmax ≈ {hexl[1024]:.1g} |")
        one = [b for b in ntt_fpga if b["lanes"] == 1]
        if one:
            b1 = max(one, key=lambda b: b["butterflies_per_s"])
            ref = HARDCAML_NTT["clock_mhz"] * 1e6 * HARDCAML_NTT["butterflies_per_cycle"]
            lines.append(
                f"| one butterfly lane on an FPGA: butterflies/s | {ref:.3g}/s (one per cycle at "
                f"{HARDCAML_NTT['clock_mhz']:.0f} MHz) | {HARDCAML_NTT['citation']} | "
                f"{b1['butterflies_per_s']:.3g}/s ({b1['board']} {b1['name']}, "
                f"{b1['fmax_mhz']:.2f} MHz) | [fpga_bench](fpga_bench.md) | theirs: a 64-bit "
                "Goldilocks field (q = 2^64 - 2^32 + 1, a special form) and a different, "
                f"larger FPGA; ours: run-time 28-bit q with Barrett reduction on {b1['part']}, "
                "nextpnr's Fmax with no PLL |")
    golden = results.get("ntt-golden")
    if golden:
        for entry in golden["results"]:
            n = entry["n"]
            if n in HEXL["ntt_us"]:
                us = 1e6 / entry["golden"]["ntt_per_s"]
                lines.append(
                    f"| forward NTT, N = {n}, software on one core | {HEXL['ntt_us'][n]} µs | "
                    f"{HEXL['citation']} | {us:.0f} µs (our NumPy golden model) | "
                    "[ntt_golden_bench](ntt_golden_bench.md) | ours is a bit-exact reference "
                    "in NumPy on this machine's CPU, not an optimised library; HEXL: AVX-512 "
                    "on Ice Lake |")
    lines += [
        "",
        "Published FPGA NTT systems that we do not put in the table: HEAX (Riazi et al., "
        "ASPLOS 2020, Intel FPGAs), FAB (Agrawal et al., HPCA 2023, Alveo U280) and Poseidon "
        "(Yang et al., HPCA 2023, Alveo U280) report whole-scheme speedups or use board-scale "
        "parallelism on much larger devices; we have not extracted a per-NTT figure with a "
        "precise table or page reference, so none is quoted here.",
    ]
    missing = [n for n in ("mmu", "fpga", "ntt", "ntt-golden") if n not in results]
    if missing:
        lines += ["", f"Rows missing because these results are absent: {', '.join(missing)}."]
    return "\n".join(lines) + "\n"


def _headlines(name, data):
    """Headline lines (Markdown bullets) of one benchmark's data."""
    out = []
    if name == "ntt":
        for r in data.get("rows", []):
            out.append(f"N = {r['n']}, W = {r['width']}, B = {r['lanes']} {r['reducer']}: "
                       f"NTT {r['ntt']} cycles against the bound {r['bound']} "
                       f"({100 * r['ntt_over_bound']:+.2f}%); product {r['product']} cycles "
                       "with I/O")
    elif name == "ntt-golden":
        for e in data.get("results", []):
            out.append(f"N = {e['n']}: golden model {e['golden']['ntt_per_s']:.0f} NTT/s, "
                       f"galois {e['galois']['ntt_per_s']:.0f}, sympy "
                       f"{e['sympy']['ntt_per_s']:.1f}; outputs "
                       f"{'agree' if e['agree'] else 'DISAGREE'}")
    elif name == "mmu":
        for v in data.get("verdicts", []):
            out.append(f"{v['name']} ({v['keys']} keys): {100 * v['single_share']:.2f}% "
                       f"one-access walks, {v['accesses_mean']:.4f} accesses per walk (radix "
                       f"{v['radix_accesses_mean']:.2f}), index {v['index_bytes']} B")
        worlds = data.get("worlds", [])
        if worlds:
            lat = str(data["settings"]["latencies"][-1])
            ratios = [w["radix"]["cycles"][lat]["mean"] / w["learned"]["cycles"][lat]["mean"]
                      for w in worlds]
            out.append(f"radix / learned cycles per translation at latency {lat}: "
                       f"{min(ratios):.2f}–{max(ratios):.2f} over {len(worlds)} worlds")
    elif name == "fpga":
        for b in data.get("builds", []):
            fmax = f"{b['fmax_mhz']:.2f} MHz" if b["fmax_mhz"] else "no Fmax"
            out.append(f"{b['board']} {b['name']}: {b['status']}, {_fmt(b['lut'])} LUT, "
                       f"{_fmt(b['dsp'])} DSP, {_fmt(b['bram'])} EBR, {fmax}")
    elif name == "soc":
        try:
            out += _soc_headlines(data)
        except (KeyError, TypeError, ZeroDivisionError):  # another layout: its rates as found
            out += [f"{path}: {value:.4g}" for path, value in _find_numbers(data, "per_s")[:8]]
    return out


def _soc_headlines(data):
    sim, link, product = data["simulation"], data["link"], data["product"]
    out = [f"simulated board ({data['profile']} profile): {sim['cycles_per_second'] / 1e6:.2f} M "
           f"simulated cycles per second ({sim['cycles']} cycles in {sim['wall_s']:.1f} s)",
           f"host link at {link['baud']} baud: {link['theory_payload_bytes_per_s']} payload "
           f"bytes/s in theory (frame efficiency {link['frame_efficiency']:.4f}), "
           f"{link['sim_payload_bytes_per_s']} on the simulated board (wall clock)",
           f"RNS product, N = {product['n']}, {product['limbs']} limbs: "
           f"{product['compute_cycles']} compute cycles = "
           f"{1e3 * product['board_compute_s']:.2f} ms at "
           f"{product['board_clock_hz'] / 1e6:g} MHz, transfer "
           f"{1e3 * product['board_transfer_s']:.1f} ms over the link (compute "
           f"{100 * product['compute_share']:.2f}% of the total)"]
    for row in data["walks"]["by_latency"]:
        lw, rw = row["learned"], row["radix"]
        out.append(f"MMU walks on the board, table latency {row['latency']}: learned "
                   f"{lw['cycles_per_walk']:.1f} cycles ({lw['reads_per_walk']:.2f} reads), "
                   f"radix {rw['cycles_per_walk']:.1f} cycles ({rw['reads_per_walk']:.2f} "
                   "reads)")
    out.append(f"errors against the golden models: {data['errors']}")
    return out


def _readme(results, plots, directory):
    directory = Path(directory)
    lines = [
        "# Results",
        "",
        "Generated by `cerite bench` (`make bench`) — do not edit; every figure in the docs "
        "comes from these files. Each benchmark's JSON holds its full data and provenance; its "
        "Markdown holds the tables. Outside figures are only in [comparison.md](comparison.md), "
        "cited.",
        "",
        "| benchmark | what | files | status |",
        "| --- | --- | --- | --- |",
    ]
    for name, bench in BENCHMARKS.items():
        stem = bench.json_name
        if name in results:
            files = f"[{stem}.md]({stem}.md), [{stem}.json]({stem}.json)"
            status = "quick pass" if results[name].get("quick") else "measured"
        else:
            files, status = "–", f"not present (run `cerite bench {name}`)"
        lines.append(f"| `{name}` | {bench.title} | {files} | {status} |")
    for name, bench in BENCHMARKS.items():
        data = results.get(name)
        if data is None:
            continue
        stem = bench.json_name
        lines += ["", f"## {name}: {bench.title}", ""]
        lines += [f"- {h}" for h in _headlines(name, data)]
        pngs = sorted(p.name for p in directory.glob(f"{stem}*.png"))
        if name == "fpga":
            pngs += [plots[k] for k in ("butterflies", "resources") if k in plots]
        if name == "soc" and "soc" in plots:
            pngs.append(plots["soc"])
        pngs = list(dict.fromkeys(pngs))
        if pngs:
            lines += ["", " ".join(f"[![{p}]({p})]({p})" for p in pngs)]
        lines += ["", f"Details: [{stem}.md]({stem}.md). Standalone command: "
                      f"`{bench.command}`."]
        if name == "fpga":
            lines += ["", "Each build (FPGA part, tools, date, command):", ""]
            for b in data.get("builds", []):
                tools = ", ".join(f"{k} {v}" for k, v in sorted(b["tools"].items()))
                lines.append(f"- [{b['file']}](fpga/{b['file']}.md): {b['part']}; {tools}; "
                             f"{b['date']}; `{b['command']}`")
            lines += ["", "Collected: " + _provenance_line(data.get("provenance"))]
        else:
            lines += ["", "Produced on: " + _provenance_line(data.get("provenance"))]
    lines += ["", "## Comparison", "",
              "Our numbers beside cited outside figures: [comparison.md](comparison.md)."]
    return "\n".join(lines) + "\n"


def write_book(directory=None):
    """Regenerate ``README.md``, ``comparison.md`` and the cross-benchmark PNGs in ``directory``
    (default :func:`cerite.results.results_dir`) from the benchmark JSON files present there.
    Returns ``{"benchmarks": names found, "plots": [...], "files": [...]}``."""
    from .results import results_dir
    directory = Path(directory) if directory else results_dir()
    directory.mkdir(parents=True, exist_ok=True)
    results = load_results(directory)
    plots = _plots(results, directory)
    comparison = directory / "comparison.md"
    comparison.write_text(_comparison(results))
    readme = directory / "README.md"
    readme.write_text(_readme(results, plots, directory))
    return {"benchmarks": sorted(results), "plots": sorted(plots.values()),
            "files": [str(readme), str(comparison), *(str(directory / p)
                                                     for p in sorted(plots.values()))]}
