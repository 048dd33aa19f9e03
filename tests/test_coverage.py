"""Coverage models and the coverage report (cerite.sim.models, cerite.assurance.coverage).

The fast tests build the coverage model of one small design (the 14-bit Barrett multiplier), check
that it is a separate model from the normal one, that a run leaves Verilator counters and
functional points, and that the report maps them back to the Amaranth source. The coverage board
(``build_board(coverage=True)``) is checked with a tiny driver exchange under
``CERITE_COVERAGE_DIR``; with its first build (about 100 s on two busy cores) that test takes
about 2 minutes, so it is ``slow``. The full run of
every unit's regression with coverage models is ``python -m cerite.assurance.coverage``, also run
here under ``slow``.
"""

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cerite.assurance.coverage import (SOC_UNITS, VerilogSource, collect, design_report, merge,
                                       read_coverage, report, split_soc_points, unit_report)
from cerite.hw.ntt.modmul import ModMul
from cerite.sim.board import BoardBuild, board_command, build_board, coverage_scope
from cerite.sim.cocotb import run_cocotb
from cerite.sim.models import build_cocotb_model

ROOT = Path(__file__).resolve().parent.parent
PARAMS = {"width": 14, "q": 12289, "reducer": "barrett", "latency": 3, "count": 200,
          "stall_p": 0.2}


def modmul():
    return ModMul(width=14, reducer="barrett", pipeline_depth=3)


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    folder = tmp_path_factory.mktemp("coverage")
    for _ in range(2):
        run_cocotb(modmul, toplevel="modmul_barrett_w14_d3", test_module="cerite.tb.ntt_modmul",
                   params=PARAMS, coverage=folder)
    return folder


def test_a_coverage_run_leaves_counters_and_functional_points(collected):
    design = collected / "modmul_barrett_w14_d3"
    runs = sorted(design.glob("*.dat"))
    assert len(runs) == 2
    assert "src = " in (design / "modmul_barrett_w14_d3.v").read_text()
    functional = [json.loads(p.read_text()) for p in design.glob("*.functional.json")]
    assert len(functional) == 2
    assert all(f["ntt.reducer"] == {"barrett": 1} for f in functional)
    assert all(f["modmul.stall"]["held"] > 0 for f in functional)
    points = read_coverage(runs[0])
    kinds = {dict(k).get("t") for k in points}
    assert {"line", "branch", "toggle"} <= kinds
    merged = merge([points, read_coverage(runs[1])])
    assert merged.keys() == points.keys()
    assert all(merged[k] >= points[k] for k in points)


def test_the_coverage_model_is_separate_from_the_normal_model(collected):
    from cerite.sim.cocotb import _design_verilog
    text = _design_verilog("modmul_barrett_w14_d3", tuple(sorted(
        (k, repr(v)) for k, v in PARAMS.items())), modmul, src=True)
    normal = build_cocotb_model(text, "modmul_barrett_w14_d3")
    covered = build_cocotb_model(text, "modmul_barrett_w14_d3", coverage=True)
    assert covered.coverage and not normal.coverage
    assert covered.directory != normal.directory and covered.key != normal.key
    assert "-cov-" in covered.directory.name and "-cov-" not in normal.directory.name
    assert not covered.built_now        # built once by the fixture's runs, then reused


def test_wrong_coverage_flag():
    with pytest.raises(TypeError, match=r"^coverage must be True or False, not 'yes'$"):
        build_cocotb_model("module m; endmodule", "m", coverage="yes")


def test_the_report_maps_points_to_the_amaranth_source(collected, tmp_path):
    designs, functional = collect(collected, root=ROOT)
    design = designs["modmul_barrett_w14_d3"]
    assert design["runs"] == 2
    # The yosys initial-evaluation trigger is explained, never counted as missing.
    assert design["line"]["explained"] > 0
    assert design["line"]["percent"] == 100.0, design["uncovered_lines"]
    assert 50.0 < design["toggle"]["percent"] < 100.0   # q, mu, k are constant in this run
    assert any(src.startswith("hw/ntt/modmul.py:") for src in design["by_source"])
    assert all("/work/" not in src and not src.startswith("/") for src in design["by_source"])
    assert functional["ntt.reducer"] == {"barrett": 2}
    unit = unit_report({"modmul_barrett_w14_d3": design})
    assert unit["source_lines_never_covered"] == []
    data = report(collected, root=ROOT, out_dir=tmp_path)
    assert "modmul" in data["units"]
    assert (tmp_path / "coverage.json").exists() and (tmp_path / "coverage.md").exists()
    annotated = (tmp_path / "coverage.annotated.md").read_text()
    assert "### hw/ntt/modmul.py" in annotated


def test_an_unhit_point_is_reported_with_its_source():
    text = "\n".join([
        "module m(clk, a, y);",
        '  (* src = "/x/hw/ntt/demo.py:7" *)',
        "  reg y = 1'h0;",
        "  always @(posedge clk)",
        "    if (a) begin",
        "      y <= 1'h1;",
        "    end",
        "endmodule"])
    verilog = VerilogSource(text, root=Path("/x"))
    key = tuple(sorted({"f": "m.v", "l": "5", "n": "5", "t": "branch", "o": "if",
                        "S": "5-6", "page": "v_branch/m", "h": "m"}.items()))
    result = design_report({key: 0}, verilog)
    assert result["line"]["percent"] == 0.0
    [entry] = result["uncovered_lines"]
    assert entry["verilog_line"] == 5 and entry["source"] == ["hw/ntt/demo.py:7"]


def test_wrong_board_coverage_options(tmp_path):
    with pytest.raises(TypeError, match=r"^coverage must be True or False, not 'yes'$"):
        build_board(coverage="yes")
    normal = BoardBuild(path=tmp_path / "board", directory=tmp_path, key="k", profile="sim",
                        divisor=4, trace=False, built_now=False)
    with pytest.raises(ValueError, match=r"^coverage needs a board built with "
                                         r"build_board\(coverage=True\)$"):
        board_command(normal, coverage=tmp_path / "x.dat")
    covered = dataclasses.replace(normal, coverage=True)
    with pytest.raises(ValueError, match=r"^a board built with build_board\(coverage=True\) "
                                         r"needs coverage=FILE$"):
        board_command(covered)
    assert board_command(covered, coverage=tmp_path / "x.dat")[-2:] == [
        "--coverage", str(tmp_path / "x.dat")]


def test_soc_points_split_by_module_and_file():
    text = "\n".join([
        '(* src = "/x/hw/soc/top.py:1" *)',
        "module top(clk);",
        '  (* src = "/x/hw/soc/top.py:2" *)',
        "  reg a = 1'h0;",
        "endmodule",
        '(* src = "/x/hw/common/registers.py:9" *)',
        '(* generator = "Amaranth" *)',
        "module \\top.mmu (clk);",
        '  (* src = "/x/hw/soc/mmu_unit.py:5" *)',
        "  reg b = 1'h0;",
        "endmodule",
        '(* src = "/x/amaranth/lib/fifo.py:3" *)',
        "module \\top.mmu.fifo (clk);",
        "  reg c = 1'h0;",
        "endmodule",
        '(* src = "/x/hw/lvm/mmu.py:4" *)',
        "module \\top.mmu.core (clk);",
        "  reg d = 1'h0;",
        "endmodule"])
    verilog = VerilogSource(text, root=Path("/x"))

    def key(line):
        return tuple(sorted({"f": "m.v", "l": str(line), "t": "toggle", "o": "x"}.items()))
    split = split_soc_points({key(4): 1, key(10): 0, key(14): 2, key(18): 3}, verilog)
    # top.mmu is a peripheral (a registers.py module) but b's line is from mmu_unit.py; the FIFO
    # (Amaranth's library) belongs to its parent's unit; the MMU core (hw/lvm) to none.
    assert split == {"soc_link": {}, "soc_registers": {key(4): 1, key(14): 2},
                     "soc_units": {key(10): 0}}
    assert set(SOC_UNITS) == set(split)


def test_the_coverage_board_measures_the_socs_own_logic():
    text = "\n".join([
        '(* src = "/x/hw/soc/top.py:1" *)',
        "module top(clk);",
        "  wire \\$1 ;",
        "  reg a = 1'h0;",
        "endmodule",
        '(* src = "/x/hw/ntt/array.py:4" *)',
        '(* generator = "Amaranth" *)',
        "module \\top.array (clk);",
        "  reg b = 1'h0;",
        "endmodule",
        '(* src = "/x/amaranth/lib/fifo.py:3" *)',
        "module \\top.array.fifo (clk);",
        "endmodule"])
    scoped = coverage_scope(text).splitlines()
    assert len(scoped) == len(text.splitlines())
    off, on = "/*verilator coverage_off*/", "/*verilator coverage_on*/"
    assert scoped[2] == f"{off}   wire \\$1 ; {on}" and scoped[3] == "  reg a = 1'h0;"
    assert scoped[4] == "endmodule"
    assert scoped[7].startswith(off + " module") and scoped[9] == on + " endmodule"
    assert scoped[11].startswith(off + " module") and scoped[12] == on + " endmodule"


@pytest.mark.slow
def test_the_coverage_board_leaves_counters(tmp_path, monkeypatch):
    """A tiny exchange with the coverage board (IDENTIFY, one register write and read), closed
    by the driver and stopped by SIGTERM, leaves counters that map to the host link's source.
    Slow: the coverage board's first build takes about 100 s on two busy cores."""
    from cerite.driver import Device, SimTransport
    monkeypatch.setenv("CERITE_COVERAGE_DIR", str(tmp_path))
    with Device(SimTransport()) as dev:
        assert dev.identity.profile == "sim"
        dev.write("scratch.value0", 0x12345678)
        assert dev.read("scratch.value0") == 0x12345678
        assert dev.transport.board.coverage
        closed = dev.transport.coverage_file
    assert closed.exists()
    stopped = SimTransport()
    with Device(stopped):           # the board answered: it is running its main loop
        stopped._proc.terminate()   # SIGTERM: the board stops and still writes its counters
        assert stopped._proc.wait(timeout=30) == 0
    assert stopped.coverage_file.exists()
    design = tmp_path / "soc_sim"
    assert sorted(design.glob("*.dat")) == sorted([closed, stopped.coverage_file])
    assert "src = " in (design / "soc_sim.v").read_text()
    designs, _ = collect(tmp_path, root=ROOT)
    assert {"soc_link/soc_sim", "soc_registers/soc_sim", "soc_units/soc_sim"} <= set(designs)
    link = designs["soc_link/soc_sim"]
    assert link["runs"] == 2 and link["line"]["covered"] > 0 and link["toggle"]["covered"] > 0
    sources = {src.rpartition(":")[0] for src in link["by_source"]}
    assert {"hw/soc/link.py", "hw/soc/uart.py"} <= sources
    data = report(tmp_path, root=ROOT, out_dir=tmp_path / "out")
    assert {"soc_link", "soc_registers", "soc_units"} <= set(data["units"])
    assert data["units"]["soc_link"]["line_percent"] > 0


@pytest.mark.slow
def test_full_coverage_run(tmp_path):
    done = subprocess.run([sys.executable, "-m", "cerite.assurance.coverage", "--out",
                           str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    data = json.loads((tmp_path / "coverage.json").read_text())
    assert set(data["units"]) >= {"modmul", "ntt_array", "lvm_mmu"}
    assert not data["functional"]["missing"], data["functional"]["missing"]


def test_constant_branch_is_explained():
    """A branch on a net tied to a constant cannot go the other way: explained, not uncovered;
    a branch on a live net stays uncovered."""
    text = "\n".join([
        "module top(a);", "  input a;", "  wire \\$1 ;", "  wire \\$2 ;",
        "  assign \\$1  = 1'h0;", "  assign \\$2  = a & a;",
        "  always @* begin", "    if (\\$1 ) begin", "    end", "    if (\\$2 ) begin", "    end",
        "  end", "endmodule"])
    source = VerilogSource(text, root=".")
    assert source.constant_branch(8) and not source.constant_branch(10)
    points = {(("l", "8"), ("o", "if"), ("page", "v_branch/top"), ("t", "branch")): 0,
              (("l", "10"), ("o", "if"), ("page", "v_branch/top"), ("t", "branch")): 0}
    report = design_report(points, source)
    assert report["line"]["explained"] == 1
    assert [u["verilog_line"] for u in report["uncovered_lines"]] == [10]
