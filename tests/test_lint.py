"""Verilator ``--lint-only -Wall`` of every standard configuration (waivers: sim/lint.vlt)."""

import pytest

from cerite.hw.designs import STANDARD_DESIGNS
from cerite.rtl import render
from cerite.sim.lint import lint_verilog


@pytest.mark.parametrize("name", sorted(STANDARD_DESIGNS))
def test_lint_clean(name):
    # the text of rtl/<name>.v (generated once per process, shared with tests/test_rtl.py)
    messages = lint_verilog(render(name), name)
    assert messages == []


def test_lint_reports_real_problems():
    """The lint run can fail: a combinational loop and a truncation are reported."""
    bad = ("module bad(input [3:0] a, output [1:0] y);\n"
           "  wire [3:0] loop;\n  assign loop = loop + a;\n  assign y = loop;\nendmodule\n")
    messages = lint_verilog(bad, "bad")
    assert any("WIDTHTRUNC" in m for m in messages)
    assert any("UNOPTFLAT" in m or "ALWCOMBORDER" in m or "loop" in m.lower() for m in messages)
