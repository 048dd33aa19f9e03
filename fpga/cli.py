"""``cerite build`` and ``cerite program``: argparse builders, their commands, and the registry of
buildable designs.

Implements the board flow of spec/soc.md from the command line. ``cerite build --board BOARD
[--design NAME] [--pll MHZ] [--json]`` builds a registered design (see :func:`available_designs`;
the default, ``soc``, is the whole SoC of the board's profile on its USB-serial pins,
:class:`~.soc.BoardSoC`) with :func:`~.build.build` and writes
``docs/results/fpga/<board>_<design>.{json,md}``; ``cerite program --board BOARD [--design NAME]``
loads the bitstream that build left in its build folder. Per-unit designs are wrapped in
:class:`~.shell.UnitShell`.

The registry holds the SoC, the modular multipliers of ``cerite.hw.designs.STANDARD_DESIGNS`` plus a
14-bit Barrett one (the ICEBreaker smoke build), and, when they import cleanly, the NTT array
(``ntt-b1`` ... ``ntt-b8``: ``log_n = 10``, 28-bit Barrett, ``B`` lanes; ``ntt-solinas-b4``,
``ntt-solinas-b8``: the Solinas prime with 18-bit DSP splits; ``ntt-w16-b1``: the
small profile's 16-bit size), the learned MMU (``mmu-full``, ``mmu-small``) and the
radix-only MMU beside it (``mmu-full-radix``, ``mmu-small-radix``).
:func:`register_design` adds more.
"""

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from .boards import BOARDS, get_board
from .global_buffers import DEFAULT_MIN_FANOUT

__all__ = ["Design", "register_design", "available_designs", "get_design", "SMOKE_DESIGN",
           "DEFAULT_DESIGN", "board_clock_hz",
           "add_build_parser", "add_program_parser", "cmd_build", "cmd_program",
           "default_build_dir"]

#: The design ``make fpga`` builds on the ICEBreaker.
SMOKE_DESIGN = "modmul-barrett-w14"

#: The design ``cerite build --board B`` builds without ``--design``: the whole SoC.
DEFAULT_DESIGN = "soc"


@dataclass(frozen=True)
class Design:
    """A buildable design.

    Attributes
    ----------
    name : str
        Registry name (lower case, ``-`` separated).
    factory : callable
        Zero-argument factory of the unit (``unit=True``) or of the whole top level.
    description : str
        One line for listings and reports.
    unit : bool
        Wrap the factory's component in :class:`~.shell.UnitShell` (a per-unit build).
    board_design : bool
        The factory takes ``board=`` (a :class:`~.boards.BoardProfile`) and ``clk_hz=`` (the
        core clock) and returns the whole top level (the SoC on the board's pins).
    """

    name: str
    factory: object
    description: str
    unit: bool = True
    board_design: bool = False

    @property
    def build_name(self):
        """The identifier used for the build's files (``-`` becomes ``_``)."""
        return self.name.replace("-", "_")

    def top_factory(self, board=None, clk_hz=None):
        """Factory of the top-level elaboratable that :func:`~.build.build` takes (a board design
        needs ``board`` and ``clk_hz``)."""
        if self.board_design:
            if board is None or clk_hz is None:
                raise ValueError(f"design {self.name} is a board design: give board and clk_hz")
            return lambda: self.factory(board=board, clk_hz=clk_hz)
        if not self.unit:
            return self.factory

        def make():
            from .shell import UnitShell
            return UnitShell(self.factory())
        return make


_EXTRA = {}


def register_design(name, factory, *, description, unit=True, board_design=False):
    """Add a design to the registry (replacing one of the same name).

    Raises
    ------
    ValueError
        If ``name`` is not lower-case letters, digits and ``-``, or ``factory`` is not callable.
    """
    if not isinstance(name, str) or not name or not all(c.isdigit() or c == "-" or
                                                         "a" <= c <= "z" for c in name):
        raise ValueError(f"name must be lower-case letters, digits and '-', not {name!r}")
    if not callable(factory):
        raise ValueError(f"factory must be callable, not {factory!r}")
    _EXTRA[name] = Design(name, factory, description, unit and not board_design, board_design)
    return _EXTRA[name]


def _modmul(width, reducer, depth=3, dsp_width=None):
    def make():
        from ..hw.ntt.modmul import ModMul
        return ModMul(width=width, reducer=reducer, pipeline_depth=depth, dsp_width=dsp_width)
    return make


def _ntt_array(**params):
    """Factory of an N = 1024 :class:`~cerite.hw.ntt.array.NTTArray` with ``params``."""
    def make():
        from ..hw.ntt.array import NTTArray
        return NTTArray(log_n=10, **params)
    return make


def _board_soc(*, board, clk_hz):
    from .soc import BoardSoC
    return BoardSoC(board=board, clk_hz=clk_hz)


def _board_soc_mmu(*, board, clk_hz):
    from ..hw.soc.top import PROFILES
    from .soc import BoardSoC
    profile = f"{board.profile}-mmu"
    if profile not in PROFILES:
        raise ValueError(f"board {board.name}'s SoC (profile {board.profile!r}) holds the MMU "
                         f"already: build the design 'soc'")
    return BoardSoC(board=board, clk_hz=clk_hz, profile=profile)


def _builtin_designs():
    designs = {DEFAULT_DESIGN: Design(
        DEFAULT_DESIGN, _board_soc, "the whole SoC of the board's profile (UART host link, "
        "identification, scratch, NTT and MMU units) on the board's USB-serial pins",
        unit=False, board_design=True)}
    designs["soc-mmu"] = Design(
        "soc-mmu", _board_soc_mmu, "the ICEBreaker's second SoC: host link, identification, "
        "scratch and the radix-only MMU (profile small-mmu; the UP5K holds the NTT array or "
        "the MMU, not both)", unit=False, board_design=True)
    try:
        from ..hw.designs import STANDARD_DESIGNS
    except Exception:  # noqa: BLE001 - a broken unit must not break the CLI
        STANDARD_DESIGNS = {}
    for verilog_name, factory in STANDARD_DESIGNS.items():
        name = verilog_name.removeprefix("cerite_").replace("_", "-")
        designs[name] = Design(name, factory, f"standard configuration {verilog_name}")
    for width, reducer in ((28, "barrett"), (32, "montgomery"), (32, "solinas")):
        name = f"modmul-{reducer}-w{width}-dsp18"
        designs[name] = Design(name, _modmul(width, reducer, dsp_width=18),
                               f"modular multiplier, {reducer}, {width}-bit q, products split "
                               f"into 18-bit DSP blocks (ECP5 timing)")
    designs[SMOKE_DESIGN] = Design(SMOKE_DESIGN, _modmul(14, "barrett"),
                                   "modular multiplier, Barrett, 14-bit q, 3 pipeline stages "
                                   "(ICEBreaker smoke build)")
    try:
        from ..hw.ntt.array import NTTArray
    except Exception:  # noqa: BLE001
        NTTArray = None
    if NTTArray is not None:
        for lanes in (1, 2, 4, 8):
            designs[f"ntt-b{lanes}"] = Design(
                f"ntt-b{lanes}", _ntt_array(width=28, lanes=lanes, reducer="barrett"),
                f"NTT array, N = 1024, 28-bit Barrett, B = {lanes}")
            designs[f"ntt-b{lanes}-dsp18"] = Design(
                f"ntt-b{lanes}-dsp18",
                _ntt_array(width=28, lanes=lanes, reducer="barrett", dsp_width=18),
                f"NTT array, N = 1024, 28-bit Barrett, B = {lanes}, products split into "
                f"18-bit DSP blocks (ECP5 timing)")
        for lanes in (4, 8):
            designs[f"ntt-solinas-b{lanes}"] = Design(
                f"ntt-solinas-b{lanes}",
                _ntt_array(width=32, lanes=lanes, reducer="solinas", dsp_width=18),
                f"NTT array, N = 1024, Solinas q = 2^32 - 2^20 + 1, B = {lanes}, products split "
                f"into 18-bit DSP blocks")
        designs["ntt-w16-b1"] = Design(
            "ntt-w16-b1", _ntt_array(width=16, lanes=1, reducer="barrett"),
            "NTT array, N = 1024, 16-bit Barrett, B = 1 (the small profile's size)")
    try:
        from ..hw.lvm import LearnedMMU
    except Exception:  # noqa: BLE001
        LearnedMMU = None
    if LearnedMMU is not None:
        designs["mmu-full"] = Design("mmu-full", LearnedMMU.full,
                                     "learned-translation MMU, full profile")
        designs["mmu-small"] = Design("mmu-small", LearnedMMU.small,
                                      "learned-translation MMU, small profile")
        for prof in ("full", "small"):
            designs[f"mmu-{prof}-radix"] = Design(
                f"mmu-{prof}-radix",
                (lambda p: lambda: getattr(LearnedMMU, p)(learned_walk=False))(prof),
                f"radix-only MMU (no model, no walk cache), {prof} profile's TLB and widths")
    return designs


def available_designs():
    """Registry name -> :class:`Design`, built-in designs first, then registered ones."""
    return {**_builtin_designs(), **_EXTRA}


def get_design(name):
    """The design called ``name``; a ValueError lists the known names otherwise."""
    designs = available_designs()
    if name not in designs:
        raise ValueError(f"design must be one of {', '.join(designs)}, not {name!r}")
    return designs[name]


def board_clock_hz(board, pll_mhz=None):
    """The core clock in Hz of a build on ``board``: the PLL's achieved output for ``pll_mhz``,
    else the board oscillator."""
    board = get_board(board) if isinstance(board, str) else board
    mhz = board.clock_mhz if pll_mhz is None else board.pll(pll_mhz).achieved_mhz
    return mhz * 1e6


def default_build_dir(board, design):
    """``build/fpga/<board>_<design build name>`` under the working folder."""
    return Path("build") / "fpga" / f"{board}_{design.build_name}"


# -- argparse -----------------------------------------------------------------------------------

def _positive_float(text):
    import argparse
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of MHz, not {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of MHz, not {text!r}")
    return value


def _seconds(text):
    import argparse
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text!r}")
    return value


def _seed(text):
    import argparse
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, not {text!r}")
    return value


def _global_fanout(text):
    import argparse
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0 or value == 1:
        raise argparse.ArgumentTypeError(f"must be 0 (off) or an integer >= 2, not {text!r}")
    return value


def add_build_parser(subparsers):
    """Add ``build`` to ``subparsers`` (from ``ArgumentParser.add_subparsers``); returns it."""
    text = "build a bitstream for a board and report resources and Fmax"
    p = subparsers.add_parser("build", help=text, description=text)
    p.add_argument("--board", required=True, choices=list(BOARDS), help="target board")
    p.add_argument("--design", default=DEFAULT_DESIGN,
                   help=f"registered design (see --list; default {DEFAULT_DESIGN}, the whole SoC)")
    p.add_argument("--list", action="store_true", help="list the registered designs and exit")
    p.add_argument("--pll", type=_positive_float, metavar="MHZ",
                   help="make the core clock with the board's PLL")
    p.add_argument("--seed", type=_seed, default=1, help="nextpnr placement seed (default 1)")
    p.add_argument("--out", help="build folder (default build/fpga/<board>_<design>)")
    p.add_argument("--results", help="report folder (default docs/results/fpga)")
    p.add_argument("--no-write", action="store_true", help="do not write the report files")
    p.add_argument("--hierarchy", action="store_true",
                   help="also rank modules by size (a second Yosys run)")
    p.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                   help="stop a tool (synthesis, place and route) that runs longer")
    p.add_argument("--nextpnr-opts", metavar="OPTIONS",
                   help="extra nextpnr options, appended to the build's own (quoted as one "
                        "argument, e.g. --nextpnr-opts='--placer-heap-beta 0.6')")
    p.add_argument("--global-fanout", type=_global_fanout, default=DEFAULT_MIN_FANOUT,
                   metavar="N",
                   help=f"ECP5: put reset and enable nets with at least N flip-flop sinks on "
                        f"global buffers (default {DEFAULT_MIN_FANOUT}; 0 turns it off)")
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.set_defaults(func=cmd_build)
    return p


def add_program_parser(subparsers):
    """Add ``program`` to ``subparsers``; returns it."""
    text = "load a built bitstream into the board's FPGA (iceprog / openFPGALoader)"
    p = subparsers.add_parser("program", help=text, description=text)
    p.add_argument("--board", required=True, choices=list(BOARDS), help="target board")
    p.add_argument("--design", default=DEFAULT_DESIGN,
                   help=f"the design built with `cerite build` (its bitstream; default "
                        f"{DEFAULT_DESIGN})")
    p.add_argument("--bitstream", help="a bitstream file instead of --design's")
    p.add_argument("--dry-run", action="store_true", help="print the command, do not run it")
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.set_defaults(func=cmd_program)
    return p


def _fail(args, message, code):
    if getattr(args, "json", False):
        print(json.dumps({"error": message}, indent=2, sort_keys=True))
    else:
        print(f"error: {message}", file=sys.stderr)
    return code


def cmd_build(args):
    """Run ``cerite build``: 0 when the design fits and meets timing, 1 when not (or the tools
    are missing), 2 on bad arguments."""
    from .build import build
    from .toolchain import ToolchainMissing

    if args.list:
        designs = available_designs()
        if args.json:
            print(json.dumps({n: d.description for n, d in designs.items()}, indent=2))
        else:
            print("\n".join(f"{n:24} {d.description}" for n, d in designs.items()))
        return 0
    try:
        design = get_design(args.design or DEFAULT_DESIGN)
        board = get_board(args.board)
        out = Path(args.out) if args.out else default_build_dir(board.name, design)
        clk_hz = board_clock_hz(board, args.pll)
        description = design.description
        factory = design.top_factory(board, clk_hz)
        if design.board_design:
            from .soc import choose_baud
            top = factory()
            factory = (lambda made: lambda: made)(top)
            description += (f"; profile {top.soc.profile.name}, core clock "
                            f"{clk_hz / 1e6:.4g} MHz, UART {choose_baud(clk_hz)} baud")
        report = build(factory,
                       board=board.name, name=design.build_name,
                       out_dir=out, pll_mhz=args.pll, seed=args.seed,
                       results_dir=args.results, write=not args.no_write,
                       hierarchy=args.hierarchy, description=description,
                       timeout_s=getattr(args, "timeout", None),
                       nextpnr_opts=getattr(args, "nextpnr_opts", None),
                       global_fanout=getattr(args, "global_fanout", DEFAULT_MIN_FANOUT))
    except ToolchainMissing as error:
        return _fail(args, str(error), 1)
    except ValueError as error:
        return _fail(args, str(error), 2)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, sort_keys=True, default=str))
    else:
        print(report.summary())
        for problem in report.problems:
            print(f"  {problem}")
        if report.bitstream:
            print(f"  bitstream: {report.bitstream}")
    return 0 if report.ok else 1


def cmd_program(args):
    """Run ``cerite program``: 0 on success, 1 when the programmer is missing or fails, 2 on bad
    arguments."""
    import subprocess

    from .build import program
    from .toolchain import ToolchainMissing

    board = get_board(args.board)
    if args.bitstream:
        bitstream = Path(args.bitstream)
    else:
        try:
            design = get_design(args.design or DEFAULT_DESIGN)
        except ValueError as error:
            return _fail(args, str(error), 2)
        bitstream = default_build_dir(board.name, design) / \
            f"{design.build_name}{board.bitstream_suffix}"
    try:
        command = program(board, bitstream, dry_run=args.dry_run)
    except (ValueError, FileNotFoundError) as error:
        return _fail(args, str(error), 2)
    except ToolchainMissing as error:
        return _fail(args, str(error), 1)
    except subprocess.CalledProcessError as error:
        return _fail(args, f"{error.cmd[0]} failed with exit status {error.returncode}", 1)
    if args.json:
        print(json.dumps({"command": command, "ran": not args.dry_run}, indent=2))
    else:
        print(("would run: " if args.dry_run else "ran: ") + " ".join(command))
    return 0
