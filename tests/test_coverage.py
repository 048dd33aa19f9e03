"""Coverage models and the coverage report (cerite.sim.models, cerite.assurance.coverage).

The fast tests build the coverage model of one small design (the 14-bit Barrett multiplier), check
that it is a separate model from the normal one, that a run leaves Verilator counters and
functional points, and that the report maps them back to the Amaranth source. The full run of
every unit's regression with coverage models is ``python -m cerite.assurance.coverage``, also run
here under ``slow``.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cerite.assurance.coverage import (VerilogSource, collect, design_report, merge, read_coverage,
                                       report, unit_report)
from cerite.hw.ntt.modmul import ModMul
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


@pytest.mark.slow
def test_full_coverage_run(tmp_path):
    done = subprocess.run([sys.executable, "-m", "cerite.assurance.coverage", "--out",
                           str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    data = json.loads((tmp_path / "coverage.json").read_text())
    assert set(data["units"]) >= {"modmul", "ntt_array", "lvm_mmu"}
    assert not data["functional"]["missing"], data["functional"]["missing"]
