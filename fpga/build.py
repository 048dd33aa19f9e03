"""Bitstream builds with resource and timing reports, and loading a bitstream into a board.

Implements the per-build reports of spec/soc.md (Boards): LUT/FF/DSP/EBR/SPRAM use against the
part's totals and nextpnr's Fmax per clock against its constraint, as JSON and Markdown under
``docs/results/fpga/``. The flow is Amaranth's own build plan for the board's amaranth-boards
platform (Yosys ``synth_ice40``/``synth_ecp5``, nextpnr, icepack/ecppack), run stage by stage
with the YoWASP tools of :mod:`.toolchain`; nextpnr writes a machine-readable ``--report`` and
Yosys a ``stat -json`` of the mapped netlist. A design that does not fit, or misses timing, is
reported as such (not raised), naming the resource that overflows and the module that uses most
of it (a second, hierarchy-preserving Yosys run) or the critical path.
"""

import json
import math
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from amaranth import Elaboratable

from .boards import BoardProfile, PLLClocked, get_board
from .global_buffers import DEFAULT_MIN_FANOUT, promote_netlist_file
from .shell import UnitShell
from .toolchain import ToolchainMissing, tool_versions, toolchain_env

__all__ = ["BuildReport", "build", "program", "parse_nextpnr_report", "parse_nextpnr_log",
           "parse_yosys_stat", "hierarchy_consumers", "default_results_dir", "ProgrammerMissing"]

_ROOT = Path(__file__).resolve().parent.parent
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

#: Yosys cell type (regular expression) -> report category, per family.
_CELL_KINDS = {
    "ice40": [(r"SB_LUT4", "lut"), (r"SB_DFF\w*", "ff"), (r"SB_CARRY", "carry"),
              (r"SB_MAC16", "dsp"), (r"SB_RAM40_4K\w*", "bram"), (r"SB_SPRAM256KA", "spram"),
              (r"SB_PLL40\w*", "pll"), (r"SB_(GB_)?IO\w*", "io")],
    "ecp5": [(r"LUT4", "lut"), (r"TRELLIS_FF", "ff"), (r"CCU2C", "carry"),
             (r"MULT18X18D|ALU54B", "dsp"), (r"DP16KD|PDPW16KD", "bram"),
             (r"TRELLIS_DPR16X4", "lutram"), (r"PFUMX|L6MUX21", "mux"), (r"EHXPLLL", "pll"),
             (r"TRELLIS_IO", "io")],
}

#: Yosys category that ranks modules when a nextpnr resource kind overflows.
_RANK_BY = {"lut": "lut", "ff": "ff", "dsp": "dsp", "bram": "bram", "spram": "spram"}


class ProgrammerMissing(ToolchainMissing):
    """The board's programming tool is not on PATH (the message says what to install)."""


def default_results_dir():
    """``docs/results/fpga`` of this checkout (``$CERITE_RESULTS_DIR/fpga`` when set)."""
    from ..results import results_dir
    return results_dir() / "fpga"


def _display_path(path):
    """``path`` relative to the checkout or the working folder when inside one, else its name."""
    path = Path(path).resolve()
    for base in (_ROOT, Path.cwd()):
        try:
            return str(path.relative_to(base))
        except ValueError:
            continue
    return path.name


def _relative_source(source):
    """A ``file:line`` source location with the checkout prefix removed."""
    prefix = str(_ROOT) + os.sep
    return source[len(prefix):] if source.startswith(prefix) else source


# -- parsers (pure functions of tool output) ---------------------------------------------------

def parse_nextpnr_report(report, board):
    """Utilisation, clocks and critical path from nextpnr's ``--report`` JSON.

    Parameters
    ----------
    report : dict
        The parsed ``report.json`` (keys ``utilization``, ``fmax``, ``critical_paths``).
    board : BoardProfile or str

    Returns
    -------
    dict
        ``utilisation``: kind -> ``{"cell", "used", "available", "percent"}`` for the kinds of
        ``board.nextpnr_types``; ``overflow``: ``[(nextpnr type, used, available)]`` of every type
        used beyond its availability; ``clocks``: ``[{"clock", "fmax_mhz", "constraint_mhz",
        "met"}]``; ``critical_path``: a summary of the slowest path or ``None``.
    """
    board = get_board(board) if isinstance(board, str) else board
    if not isinstance(report, dict) or "utilization" not in report:
        raise ValueError("report must be nextpnr's --report JSON with a 'utilization' key")
    raw = {cell: (int(v["used"]), int(v["available"]))
           for cell, v in report["utilization"].items()}
    clocks = []
    for clock, v in sorted(report.get("fmax", {}).items()):
        clocks.append(_clock_entry(clock, float(v["achieved"]), float(v["constraint"])))
    return {"utilisation": _utilisation(raw, board), "overflow": _overflow(raw),
            "clocks": clocks,
            "critical_path": _critical_path(report.get("critical_paths", []),
                                            tuple(report.get("fmax", {})))}


_LOG_UTIL = re.compile(r"^Info:\s+(\S+):\s+(\d+)/\s*(\d+)\s+\d+%\s*$")
_LOG_FMAX = re.compile(
    r"^Info: Max frequency for clock\s+'([^']+)':\s+([\d.]+) MHz \((PASS|FAIL) at ([\d.]+) MHz\)")


def parse_nextpnr_log(text, board):
    """Utilisation and clocks from a nextpnr log (for runs that ended before writing a report).

    The last "Device utilisation" block and the last Fmax line of each clock count. Returns the
    same keys as :func:`parse_nextpnr_report` (``critical_path`` is ``None``) plus ``errors``:
    the log's ``ERROR:`` lines.
    """
    board = get_board(board) if isinstance(board, str) else board
    raw, fmax, errors = {}, {}, []
    in_block = False
    for line in text.splitlines():
        if line.startswith("Info: Device utilisation:"):
            raw, in_block = {}, True
            continue
        match = _LOG_UTIL.match(line)
        if in_block and match:
            raw[match[1]] = (int(match[2]), int(match[3]))
            continue
        in_block = False
        match = _LOG_FMAX.match(line)
        if match:
            fmax[match[1]] = (float(match[2]), float(match[4]))
        elif line.startswith("ERROR:"):
            errors.append(line[len("ERROR:"):].strip())
    clocks = [_clock_entry(c, a, k) for c, (a, k) in sorted(fmax.items())]
    return {"utilisation": _utilisation(raw, board), "overflow": _overflow(raw),
            "clocks": clocks, "critical_path": None, "errors": errors}


def parse_yosys_stat(stat, family):
    """Cell counts of the mapped netlist by category (``lut``, ``ff``, ``carry``, ``dsp`` ...).

    Parameters
    ----------
    stat : dict
        Yosys ``stat -json`` output; its ``design`` totals are used (or the only module).
    family : str
        ``"ice40"`` or ``"ecp5"``.
    """
    if family not in _CELL_KINDS:
        raise ValueError(f"family must be one of {', '.join(_CELL_KINDS)}, not {family!r}")
    by_type = stat.get("design", {}).get("num_cells_by_type")
    if by_type is None:
        modules = list(stat.get("modules", {}).values())
        if len(modules) != 1:
            raise ValueError("stat must hold a 'design' summary or exactly one module")
        by_type = modules[0]["num_cells_by_type"]
    return _categorise(by_type, family)


def hierarchy_consumers(stat, family, kind="lut", *, top=None, limit=5):
    """Modules ranked by the cells of ``kind`` they hold, from a hierarchy-preserving Yosys stat.

    Parameters
    ----------
    stat : dict
        ``stat -json`` after ``synth_<family> -noflatten``: per-module counts, where an instance
        of another module appears as a cell whose type is that module's name.
    kind : str
        Category to rank by (see :func:`parse_yosys_stat`); ECP5 ``lut`` also counts each CCU2C
        carry cell as the two LUT4 positions it occupies.
    top : str, optional
        The top module (its own cells are left out of the ranking); default: the module nobody
        instantiates.
    limit : int or None
        Return at most this many (``None``: all).

    Returns
    -------
    list of dict
        ``{"module", "own", "total"}`` (cells of ``kind`` in the module itself, and with its
        submodules), largest ``own`` first.
    """
    modules = {name.lstrip("\\"): m["num_cells_by_type"] for name, m in stat["modules"].items()}
    own = {name: _rank_value(_categorise({t: n for t, n in types.items()
                                          if t.lstrip("\\") not in modules}, family), kind, family)
           for name, types in modules.items()}
    children = {name: {t.lstrip("\\"): n for t, n in types.items() if t.lstrip("\\") in modules}
                for name, types in modules.items()}
    totals = {}

    def total(name):
        if name not in totals:
            totals[name] = own[name] + sum(n * total(c) for c, n in children[name].items())
        return totals[name]

    if top is None:
        used = {c for kids in children.values() for c in kids}
        roots = [name for name in modules if name not in used]
        top = roots[0] if len(roots) == 1 else None
    prefix = f"{top}." if top else ""
    ranked = [{"module": name.removeprefix(prefix), "own": own[name], "total": total(name)}
              for name in modules if name != top and total(name) > 0]
    ranked.sort(key=lambda e: (-e["own"], -e["total"], e["module"]))
    return ranked[:limit]


def _rank_value(counts, kind, family):
    """Cells of ``kind``; for ECP5 LUTs a CCU2C carry cell counts as the two LUT4s it occupies."""
    if kind == "lut" and family == "ecp5":
        return counts.get("lut", 0) + 2 * counts.get("carry", 0)
    return counts.get(kind, 0)


def _categorise(by_type, family):
    counts = {}
    for cell, number in by_type.items():
        cell = cell.lstrip("\\")
        for pattern, kind in _CELL_KINDS[family]:
            if re.fullmatch(pattern, cell):
                counts[kind] = counts.get(kind, 0) + int(number)
                break
    return counts


def _clock_entry(clock, achieved, constraint):
    name = clock[len("$glbnet$"):] if clock.startswith("$glbnet$") else clock
    return {"clock": name, "fmax_mhz": round(achieved, 2), "constraint_mhz": round(constraint, 3),
            "met": achieved >= constraint}


def _utilisation(raw, board):
    table = {}
    for cell, kind in board.nextpnr_types.items():
        if cell in raw:
            used, available = raw[cell]
            table[kind] = {"cell": cell, "used": used, "available": available,
                           "percent": round(100 * used / available, 1) if available else None}
    return table


def _overflow(raw):
    return [(cell, used, available) for cell, (used, available) in sorted(raw.items())
            if used > available]


def _critical_path(paths, clocks=()):
    """Summary of the slowest register-to-register path within one of ``clocks`` (nextpnr's
    names), or of the slowest path of any kind when none is."""
    def edge_clock(text):
        return (text or "").split(" ", 1)[-1]

    best = None
    for entry in paths:
        segments = entry.get("path", [])
        if not segments:
            continue
        same = edge_clock(entry.get("from")) == edge_clock(entry.get("to"))
        internal = same and edge_clock(entry.get("from")) in clocks
        delay = sum(float(s.get("delay", 0)) for s in segments)
        key = (internal, delay)
        if best is None or key > best[0]:
            best = (key, entry)
    if best is None:
        return None
    (_, delay), entry = best
    segments = entry["path"]
    sources = []
    for s in segments:
        for source in s.get("sources", []):
            source = _relative_source(source)
            # Yosys' own cell libraries (absolute paths) say nothing about the design.
            if not source.startswith("/") and source not in sources:
                sources.append(source)
    return {"from_clock": entry.get("from"), "to_clock": entry.get("to"),
            "delay_ns": round(delay, 3), "start": segments[0]["from"]["cell"],
            "end": segments[-1]["to"]["cell"],
            "logic_levels": sum(1 for s in segments if s.get("type") == "logic"),
            "sources": sources[:12]}


# -- the report ---------------------------------------------------------------------------------

@dataclass
class BuildReport:
    """What one build produced and measured (see :func:`build`).

    ``status`` is ``"ok"``, ``"does not fit"``, ``"fails timing"`` or ``"tool error"``;
    ``problems`` says why in sentences. ``utilisation`` is nextpnr's (kind -> used/available),
    ``cells`` the mapped netlist's cell counts from Yosys, ``clocks`` nextpnr's Fmax per clock.
    """

    board: str
    name: str
    part: str
    family: str
    status: str
    problems: list
    utilisation: dict
    cells: dict
    clocks: list
    critical_path: dict = None
    consumers: list = field(default_factory=list)
    consumer_kind: str = None
    pll: dict = None
    shell: dict = None
    seed: int = 1
    stage_seconds: dict = field(default_factory=dict)
    build_seconds: float = 0.0
    bitstream: str = None
    build_dir: str = None
    tools: dict = field(default_factory=dict)
    tool_commands: list = field(default_factory=list)
    description: str = None
    global_nets: list = field(default_factory=list)

    @property
    def ok(self):
        return self.status == "ok"

    @property
    def fits(self):
        return self.status != "does not fit"

    @property
    def fmax_mhz(self):
        """The lowest Fmax over the constrained clocks (``None`` without timing data)."""
        return min((c["fmax_mhz"] for c in self.clocks), default=None)

    def as_dict(self):
        data = asdict(self)
        data["fmax_mhz"] = self.fmax_mhz
        return data

    def summary(self):
        """One line: status, LUT/FF/DSP/BRAM use and Fmax."""
        parts = []
        for kind in ("lut", "ff", "dsp", "bram", "spram"):
            entry = self.utilisation.get(kind)
            if entry:
                parts.append(f"{entry['cell']} {entry['used']}/{entry['available']}")
        if "ff" not in self.utilisation and "ff" in self.cells:
            parts.append(f"FF {self.cells['ff']}")
        fmax = self.fmax_mhz
        timing = f", Fmax {fmax:.2f} MHz" if fmax is not None else ""
        return f"{self.board} {self.name}: {self.status}; {', '.join(parts)}{timing}"

    def markdown(self):
        """The report as a Markdown document."""
        lines = [f"# FPGA build: {self.name} on {self.board} ({self.part})", ""]
        if self.description:
            lines += [self.description, ""]
        lines += [f"**Status: {self.status}.**" + ("" if self.ok else " "
                  + " ".join(self.problems)), ""]
        lines += ["## Resources (nextpnr)", "", "| kind | cell | used | available | % |",
                  "| --- | --- | ---: | ---: | ---: |"]
        for kind, e in self.utilisation.items():
            pct = "" if e["percent"] is None else f"{e['percent']:.1f}"
            lines.append(f"| {kind} | {e['cell']} | {e['used']} | {e['available']} | {pct} |")
        if self.cells:
            lines += ["", "## Mapped cells (Yosys)", "", "| kind | cells |", "| --- | ---: |"]
            lines += [f"| {k} | {v} |" for k, v in sorted(self.cells.items())]
        if self.shell:
            o = self.shell["overhead"]
            lines += ["", f"Per-unit shell: {self.shell['inputs']} input and "
                      f"{self.shell['outputs']} output bits scanned; it adds about {o['ff']} "
                      f"FFs and {o['lut']} LUTs to the counts above."]
        lines += ["", "## Timing (nextpnr)", "", "| clock | Fmax (MHz) | constraint (MHz) | met |",
                  "| --- | ---: | ---: | :---: |"]
        for c in self.clocks:
            lines.append(f"| {c['clock']} | {c['fmax_mhz']:.2f} | {c['constraint_mhz']:.3f} | "
                         f"{'yes' if c['met'] else 'NO'} |")
        if self.critical_path:
            p = self.critical_path
            lines += ["", f"Critical path: {p['delay_ns']} ns, {p['logic_levels']} logic levels, "
                      f"from `{p['start']}` to `{p['end']}`."]
            if p["sources"]:
                lines.append("Sources on it: " + ", ".join(f"`{s}`" for s in p["sources"]) + ".")
        if self.global_nets:
            lines += ["", "## Control nets on global buffers", "",
                      "Reset and enable nets moved onto the ECP5's global network (a DCCA each, "
                      "`cerite.fpga.global_buffers`) before place and route:", "",
                      "| net | driver | flip-flop LSR/CE sinks | other sinks |",
                      "| --- | --- | ---: | ---: |"]
            lines += [f"| `{g['net']}` | {g['driver']} | {g['control_sinks']} | "
                      f"{g['other_sinks']} |" for g in self.global_nets]
        if self.pll:
            lines += ["", f"PLL {self.pll['primitive']}: {self.pll['input_mhz']:g} MHz -> "
                      f"{self.pll['achieved_mhz']:.4f} MHz (asked {self.pll['requested_mhz']:g}; "
                      f"VCO {self.pll['vco_mhz']:.1f} MHz; {self.pll['params']})."]
        if self.consumers:
            lines += ["", f"## Largest modules by {self.consumer_kind} cells (Yosys, hierarchy "
                      "kept)", "", "| module | own | with submodules |", "| --- | ---: | ---: |"]
            lines += [f"| {c['module']} | {c['own']} | {c['total']} |" for c in self.consumers]
        lines += ["", "## Run", "", f"Seed {self.seed}; build time {self.build_seconds:.1f} s ("
                  + ", ".join(f"{k} {v:.1f} s" for k, v in self.stage_seconds.items()) + ").",
                  "Tools: " + ", ".join(f"{k} {v}" for k, v in sorted(self.tools.items())) + ".",
                  "", "```", *self.tool_commands, "```"]
        return "\n".join(lines) + "\n"


# -- the build ----------------------------------------------------------------------------------

def _check_number(name, value, *, positive=True):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or (positive and not value > 0):
        raise ValueError(f"{name} must be a positive number, not {value!r}")


def _stage_commands(script):
    """Split Amaranth's build script into its prelude and one command per tool."""
    prelude, commands = [], []
    for line in script.splitlines():
        if line.startswith('"$'):
            commands.append(line)
        elif not commands:
            prelude.append(line)
    return "\n".join(prelude), commands


def _run_stage(argv, *, cwd, env, timeout):
    """``subprocess.run(argv, capture_output=True, text=True)`` in a process group of its own,
    the whole group killed when ``timeout`` seconds pass (then ``TimeoutExpired`` is raised): a
    stage runs its tool under ``sh``, and killing only the shell would leave the tool running."""
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()
        raise
    return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)


def _stage_name(command):
    tool = command.split('"', 2)[1].lstrip("$")
    return {"YOSYS": "synth", "ICEPACK": "pack", "ECPPACK": "pack"}.get(
        tool, "pnr" if tool.startswith("NEXTPNR") else tool.lower())


def build(design_factory, *, board, name, out_dir=None, pll_mhz=None, seed=1,
          results_dir=None, write=True, hierarchy=False, description=None, timeout_s=None,
          nextpnr_opts=None, global_fanout=DEFAULT_MIN_FANOUT):
    """Build ``design_factory()`` into a bitstream for ``board`` and report area and timing.

    Parameters
    ----------
    design_factory : callable
        Returns the top-level ``Elaboratable`` (a :class:`~.shell.UnitShell` for per-unit
        builds). It runs in the ``sync`` domain, which comes from the board clock, or from the PLL
        when ``pll_mhz`` is given.
    board : str
        A name from :data:`~.boards.BOARDS`.
    name : str
        Build name: a Verilog identifier; files are ``<name>.*`` and the reports
        ``<board>_<name>.json/.md``.
    out_dir : path, optional
        Build folder (default ``build/fpga/<board>_<name>`` under the working folder).
    pll_mhz : float, optional
        Core clock to make with the board's PLL (the timing constraint becomes the achieved
        frequency).
    seed : int
        nextpnr placement seed.
    results_dir : path, optional
        Where the reports go (default :func:`default_results_dir`).
    write : bool
        Write the reports (``False``: only return it).
    hierarchy : bool
        Also rank modules by size with a second Yosys run (done anyway when the design does not
        fit).
    description : str, optional
        One line about the design, for the reports.
    timeout_s : float, optional
        Limit for each tool run.
    nextpnr_opts : str, optional
        Extra nextpnr options, appended to the build's own (the report records the command).
    global_fanout : int or None
        ECP5 only: put every reset or clock-enable net with at least this many flip-flop sinks
        on a global buffer between synthesis and place and route
        (:mod:`.global_buffers`; the report lists them). ``None`` or 0 turns it off.

    Returns
    -------
    BuildReport

    Raises
    ------
    ValueError, TypeError
        On bad arguments (before any tool runs).
    ToolchainMissing
        When the fpga extra is not installed.
    """
    extra = nextpnr_opts
    if extra is not None and (not isinstance(extra, str) or any(c in extra for c in ";&|`$\n")):
        raise ValueError(f"nextpnr_opts must be a string of options without shell "
                         f"metacharacters, not {extra!r}")
    if not callable(design_factory):
        raise TypeError(f"design_factory must be callable, not {design_factory!r}")
    profile = get_board(board)
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"name must be an identifier (letters, digits, _), not {name!r}")
    if pll_mhz is not None:
        _check_number("pll_mhz", pll_mhz)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    if timeout_s is not None:
        _check_number("timeout_s", timeout_s)
    if global_fanout is not None and (isinstance(global_fanout, bool)
                                      or not isinstance(global_fanout, int)
                                      or global_fanout < 0 or global_fanout == 1):
        raise ValueError(f"global_fanout must be 0 (off) or an integer >= 2, not "
                         f"{global_fanout!r}")
    pll = profile.pll(pll_mhz) if pll_mhz is not None else None
    env = toolchain_env(profile.family)
    platform = profile.platform()

    design = design_factory()
    if not isinstance(design, Elaboratable):
        raise TypeError(f"design_factory must return an Elaboratable, not {design!r}")
    shell = None
    if isinstance(design, UnitShell):
        shell = {"unit": type(design.unit).__name__, "inputs": design.n_inputs,
                 "outputs": design.n_outputs, "overhead": design.overhead()}
    top = PLLClocked(design, board=profile, settings=pll) if pll else design

    out_dir = Path(out_dir) if out_dir is not None else \
        Path("build") / "fpga" / f"{profile.name}_{name}"
    out_dir.mkdir(parents=True, exist_ok=True)
    stat_file, report_file = f"{name}.stat.json", "report.json"
    for stale in (stat_file, report_file, f"{name}.hier.json", f"{name}.tim", f"{name}.rpt",
                  f"{name}{profile.bitstream_suffix}"):
        (out_dir / stale).unlink(missing_ok=True)
    plan = platform.build(
        top, name=name, do_build=False,
        nextpnr_opts=f"--report {report_file} --timing-allow-fail --seed {seed}"
                     + (f" {extra}" if extra else ""),
        synth_opts=profile.synth_opts,
        script_after_synth=f"tee -q -o {stat_file} stat -json")
    build_dir = plan.extract(out_dir)

    prelude, commands = _stage_commands(plan.files[f"{plan.script}.sh"])
    stage_seconds, failure, global_nets = {}, None, []
    started = time.monotonic()
    for command in commands:
        stage = _stage_name(command)
        if stage == "pnr" and profile.family == "ecp5" and global_fanout:
            t0 = time.monotonic()
            try:
                global_nets = [g.as_dict() for g in promote_netlist_file(
                    build_dir / f"{name}.json", min_fanout=global_fanout)]
            except (OSError, ValueError) as error:
                failure = ("globals", f"the netlist could not be read: {error}")
                break
            stage_seconds["globals"] = time.monotonic() - t0
        t0 = time.monotonic()
        try:
            result = _run_stage(["sh", "-c", f"{prelude}\n{command}"], cwd=build_dir, env=env,
                                timeout=timeout_s)
        except subprocess.TimeoutExpired:
            stage_seconds[stage] = time.monotonic() - t0
            failure = (stage, f"{stage} ran past {timeout_s} s")
            break
        stage_seconds[stage] = time.monotonic() - t0
        (build_dir / f"{name}.{stage}.log").write_text(result.stdout + result.stderr)
        if result.returncode != 0:
            failure = (stage, (result.stdout + result.stderr).strip())
            break
    build_seconds = time.monotonic() - started

    problems, consumers, rank = [], [], None
    cells = {}
    if (build_dir / stat_file).exists():
        cells = parse_yosys_stat(json.loads((build_dir / stat_file).read_text()), profile.family)
    if (build_dir / report_file).exists():
        parsed = parse_nextpnr_report(json.loads((build_dir / report_file).read_text()), profile)
        errors = []
    else:
        log = build_dir / f"{name}.tim"
        parsed = parse_nextpnr_log(log.read_text(errors="replace") if log.exists() else "",
                                   profile)
        errors = parsed["errors"]

    if parsed["overflow"]:
        status = "does not fit"
        for cell, used, available in parsed["overflow"]:
            problems.append(f"It does not fit: {cell} {used} used of {available} "
                            f"({100 * used / available:.0f}%).")
        rank = _RANK_BY.get(profile.nextpnr_types.get(parsed["overflow"][0][0]), "lut")
        ranked = _hierarchy(build_dir, name, profile, env, rank, timeout_s)
        consumers = ranked[:_CONSUMERS_LISTED]
        if consumers:
            c = consumers[0]
            problems.append(f"Biggest consumer of {rank}: {c['module']} ({c['own']} of its own, "
                            f"{c['total']} with submodules).")
            unit = _largest_unit(ranked)
            if unit is not None and unit is not c:
                problems.append(f"Largest unit: {unit['module']} ({unit['total']} with "
                                f"submodules).")
    elif failure is not None:
        status = "tool error"
        stage, text = failure
        detail = errors[-1] if errors else (text.splitlines()[-1] if text else "no output")
        problems.append(f"The {stage} stage failed: {detail}")
    else:
        status = "ok"
        missed = [c for c in parsed["clocks"] if not c["met"]]
        if missed:
            status = "fails timing"
            for c in missed:
                problems.append(f"It fails timing: clock {c['clock']} reaches {c['fmax_mhz']:.2f} "
                                f"MHz, below the {c['constraint_mhz']:.2f} MHz constraint.")
            if parsed["critical_path"]:
                p = parsed["critical_path"]
                problems.append(f"Critical path ({p['delay_ns']} ns, {p['logic_levels']} logic "
                                f"levels): {p['start']} -> {p['end']}.")
        if hierarchy:
            rank = "lut"
            consumers = _hierarchy(build_dir, name, profile, env, rank,
                                   timeout_s)[:_CONSUMERS_LISTED]

    bitstream = build_dir / f"{name}{profile.bitstream_suffix}"
    report = BuildReport(
        board=profile.name, name=name, part=profile.part, family=profile.family, status=status,
        problems=problems, utilisation=parsed["utilisation"], cells=cells,
        clocks=parsed["clocks"], critical_path=parsed["critical_path"], consumers=consumers,
        consumer_kind=rank if consumers else None,
        pll=pll.as_dict() if pll else None, shell=shell, seed=seed,
        stage_seconds={k: round(v, 1) for k, v in stage_seconds.items()},
        build_seconds=round(build_seconds, 1),
        bitstream=_display_path(bitstream) if bitstream.exists() and status != "tool error"
        else None,
        build_dir=_display_path(build_dir), tools=tool_versions(profile.family),
        tool_commands=[" ".join(c.split()) for c in commands], description=description,
        global_nets=global_nets)
    if write:
        from ..results import write_results
        directory = Path(results_dir) if results_dir is not None else default_results_dir()
        write_results(f"{profile.name}_{name}", report.as_dict(), report.markdown(), directory)
    return report


#: Modules a report lists by size.
_CONSUMERS_LISTED = 10


def _largest_unit(ranked):
    """The module with most cells counting its submodules, among those holding at most 90 % of
    the largest total (which leaves out the wrappers around the whole design); or None."""
    if not ranked:
        return None
    whole = max(e["total"] for e in ranked)
    units = [e for e in ranked if e["total"] <= 0.9 * whole]
    return max(units, key=lambda e: e["total"]) if units else None


_ABC_MODULE = re.compile(r"from module `([^']+)'")


def _hierarchy(build_dir, name, profile, env, kind, timeout_s):
    """Re-synthesise keeping the hierarchy and rank modules by ``kind`` (best effort: [] on error).

    Every module keeps its hierarchy (``keep_hierarchy``) except the top. Yosys's ABC9 pass fails
    on some kept modules (an internal assertion); such a module, named by the log, is flattened
    into its parent and the run repeated, up to four times.
    """
    script = (build_dir / f"{name}.ys").read_text()
    il = (build_dir / f"{name}.il").read_text()
    modules = [line.split()[1].lstrip("\\") for line in il.splitlines()
               if line.startswith("module ")]
    synth = f"synth_{profile.family}"
    flattened = {name}
    for _ in range(5):
        keep = " ".join(m for m in modules if m not in flattened)
        lines = []
        for line in script.splitlines():
            stripped = line.strip()
            if stripped.startswith(synth):
                lines += [f"hierarchy -top {name}",
                          f"setattr -mod -set keep_hierarchy 1 {keep}" if keep else "", line]
            elif stripped.startswith(("write_json", "tee ")):
                continue
            else:
                lines.append(line)
        lines.append(f"tee -q -o {name}.hier.json stat -json")
        (build_dir / f"{name}.hier.ys").write_text("\n".join(lines) + "\n")
        log = build_dir / f"{name}.hier.rpt"
        try:
            result = subprocess.run([env["YOSYS"], "-q", "-l", log.name, f"{name}.hier.ys"],
                                    cwd=build_dir, env=env, capture_output=True,
                                    timeout=timeout_s)
            if result.returncode == 0:
                stat = json.loads((build_dir / f"{name}.hier.json").read_text())
                return hierarchy_consumers(stat, profile.family, kind, top=name, limit=None)
            failing = _ABC_MODULE.findall(log.read_text(errors="replace"))
            if not failing or failing[-1] in flattened:
                return []
            flattened.add(failing[-1])
        except (subprocess.SubprocessError, OSError, ValueError, KeyError):
            return []
    return []


# -- programming --------------------------------------------------------------------------------

_PROGRAMMER_HINTS = {
    "iceprog": "iceprog (Project IceStorm: the fpga-icestorm package of Debian/Ubuntu, or the "
               "OSS CAD Suite)",
    "openFPGALoader": "openFPGALoader (the openfpgaloader package of Debian/Ubuntu, Homebrew, "
                      "or the OSS CAD Suite)",
}


def program(board, bitstream, *, dry_run=False):
    """Load ``bitstream`` into ``board``'s FPGA (volatile) with the board's programmer.

    The programmer is ``$ICEPROG`` / ``$OPENFPGALOADER`` when set, else ``iceprog`` /
    ``openFPGALoader`` from PATH.

    Returns
    -------
    list of str
        The command that ran (or would run, with ``dry_run``).

    Raises
    ------
    ValueError
        Unknown board, or a bitstream of the wrong kind.
    FileNotFoundError
        The bitstream does not exist.
    ProgrammerMissing
        The programmer is not installed; the message says what to install.
    subprocess.CalledProcessError
        The programmer failed.
    """
    profile = board if isinstance(board, BoardProfile) else get_board(board)
    bitstream = Path(bitstream)
    if bitstream.suffix != profile.bitstream_suffix:
        raise ValueError(f"bitstream for {profile.name} must be a {profile.bitstream_suffix} "
                         f"file, not {bitstream.name!r}")
    if not bitstream.is_file():
        raise FileNotFoundError(f"bitstream {bitstream} does not exist; run `cerite build "
                                f"--board {profile.name} --design ...` first")
    var = profile.programmer.upper()
    tool = os.environ.get(var) or profile.programmer
    found = shutil.which(tool)
    if found is None:
        raise ProgrammerMissing(
            f"{tool} not found on PATH: install {_PROGRAMMER_HINTS[profile.programmer]}, or set "
            f"${var} to it. Then run: {shlex.join(profile.program_command(str(bitstream)))}")
    command = [found, *profile.program_command(str(bitstream))[1:]]
    if not dry_run:
        subprocess.run(command, check=True)
    return command
