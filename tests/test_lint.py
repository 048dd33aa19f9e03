"""Verilator ``--lint-only -Wall`` of every standard configuration (waivers: sim/lint.vlt)."""

import pytest

from cerite.hw.designs import STANDARD_DESIGNS
from cerite.sim.lint import lint_verilog
from cerite.sim.verilog import generate_verilog


@pytest.mark.parametrize("name", sorted(STANDARD_DESIGNS))
def test_lint_clean(name):
    messages = lint_verilog(generate_verilog(STANDARD_DESIGNS[name](), name), name)
    assert messages == []


def test_lint_reports_real_problems():
    """The lint run can fail: a combinational loop and a truncation are reported."""
    bad = ("module bad(input [3:0] a, output [1:0] y);\n"
           "  wire [3:0] loop;\n  assign loop = loop + a;\n  assign y = loop;\nendmodule\n")
    messages = lint_verilog(bad, "bad")
    assert any("WIDTHTRUNC" in m for m in messages)
    assert any("UNOPTFLAT" in m or "ALWCOMBORDER" in m or "loop" in m.lower() for m in messages)
