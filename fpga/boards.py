"""Board profiles for the bitstream flow: part, clock, resource totals, pins, PLL, programmer.

Implements the boards table of spec/soc.md (ICEBreaker: iCE40UP5K at 12 MHz, "small" SoC profile;
ULX3S: ECP5 LFE5U-12F/25F/45F/85F at 25 MHz, the 85F with the "full" profile). Platforms are the
``amaranth-boards`` 0.0.21 classes; pins quoted here are checked against them by the tests.

PLL arithmetic, from the vendors' clocking guides:

- iCE40 ``SB_PLL40_PAD`` with SIMPLE feedback (Lattice TN1251, *iCE40 sysCLOCK PLL Design and
  Usage Guide*): ``f_pfd = f_in / (DIVR + 1)`` in 10..133 MHz, ``f_vco = f_pfd * (DIVF + 1)`` in
  533..1066 MHz, ``f_out = f_vco / 2**DIVQ`` in 16..275 MHz, with DIVR 0..15, DIVF 0..127, DIVQ
  1..6 and the loop-filter range chosen from ``f_pfd``.
- ECP5 ``EHXPLLL`` with CLKOP feedback (Lattice FPGA-TN-02200, *ECP5 and ECP5-5G sysCLOCK PLL/DLL
  Design and Usage Guide*): ``f_pfd = f_in / CLKI_DIV`` of at least 3.125 MHz,
  ``f_out = f_pfd * CLKFB_DIV`` in 3.125..400 MHz, ``f_vco = f_out * CLKOP_DIV`` in 400..800 MHz.

Resource totals are what nextpnr 0.11 (the ``yowasp-nextpnr-*`` wheels) reports as available for
each part; the device data sheets (Lattice DS1056 for iCE40 UltraPlus, DS1044 for ECP5) give the
same counts in rounded form.
"""

import importlib
import math
from dataclasses import dataclass, field

from amaranth import ClockDomain, ClockSignal, Elaboratable, Instance, Module, ResetSignal, Signal
from amaranth.build import Attrs, Pins, Resource, Subsignal
from amaranth.lib import io
from amaranth.lib.cdc import FFSynchronizer

from .toolchain import INSTALL_HINT, ToolchainMissing

__all__ = ["BoardProfile", "PLLSettings", "PLLClocked", "BOARDS", "get_board", "ice40_pll",
           "ecp5_pll", "SCAN_RESOURCE"]

#: Name of the 4-pin resource the per-unit shell (:mod:`.shell`) uses on every board.
SCAN_RESOURCE = "scan"


@dataclass(frozen=True)
class PLLSettings:
    """One PLL configuration and the frequency it really makes.

    Attributes
    ----------
    primitive : str
        ``"SB_PLL40_PAD"`` or ``"EHXPLLL"``.
    input_mhz, requested_mhz, achieved_mhz, pfd_mhz, vco_mhz : float
        Reference, asked-for and achieved output, phase-detector and VCO frequencies.
    params : dict
        The primitive's divider parameters (names as the primitive spells them).
    """

    primitive: str
    input_mhz: float
    requested_mhz: float
    achieved_mhz: float
    pfd_mhz: float
    vco_mhz: float
    params: dict = field(default_factory=dict)

    @property
    def error(self):
        """Relative error of the achieved frequency, ``achieved / requested - 1``."""
        return self.achieved_mhz / self.requested_mhz - 1

    def as_dict(self):
        return {"primitive": self.primitive, "input_mhz": self.input_mhz,
                "requested_mhz": self.requested_mhz, "achieved_mhz": self.achieved_mhz,
                "pfd_mhz": self.pfd_mhz, "vco_mhz": self.vco_mhz, "params": dict(self.params)}


def _check_request(name, input_mhz, output_mhz, tolerance, lo, hi):
    for label, value in (("input_mhz", input_mhz), ("output_mhz", output_mhz),
                         ("tolerance", tolerance)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 \
                or not math.isfinite(value):
            raise ValueError(f"{label} must be a positive number, not {value!r}")
    if not lo <= output_mhz <= hi:
        raise ValueError(f"output_mhz must be in {lo:g}..{hi:g} MHz for {name}, not {output_mhz:g}")


def _accept(settings, tolerance):
    if abs(settings.error) > tolerance:
        raise ValueError(
            f"cannot make {settings.requested_mhz:g} MHz from {settings.input_mhz:g} MHz within "
            f"{tolerance:.1%}: the closest is {settings.achieved_mhz:.4f} MHz")
    return settings


def ice40_pll(input_mhz, output_mhz, *, tolerance=0.01):
    """Dividers of an iCE40 ``SB_PLL40_PAD`` (SIMPLE feedback) closest to ``output_mhz``.

    Among equally close settings the one with the smallest DIVR, then DIVF, then DIVQ wins.

    Raises
    ------
    ValueError
        If an argument is out of range, or the closest frequency misses by more than
        ``tolerance`` (relative).
    """
    _check_request("SB_PLL40_PAD", input_mhz, output_mhz, tolerance, 16, 275)
    if not 10 <= input_mhz <= 133:
        raise ValueError(f"input_mhz must be in 10..133 MHz for SB_PLL40_PAD, not {input_mhz:g}")
    best = None
    for divr in range(16):
        pfd = input_mhz / (divr + 1)
        if not 10 <= pfd <= 133:
            continue
        for divf in range(128):
            vco = pfd * (divf + 1)
            if not 533 <= vco <= 1066:
                continue
            for divq in range(1, 7):
                out = vco / (1 << divq)
                if not 16 <= out <= 275:
                    continue
                if best is None or abs(out - output_mhz) < abs(best[0] - output_mhz):
                    best = (out, pfd, vco, divr, divf, divq)
    if best is None:
        raise ValueError(f"no SB_PLL40_PAD setting makes {output_mhz:g} MHz from {input_mhz:g} MHz")
    out, pfd, vco, divr, divf, divq = best
    # Loop filter range by phase-detector frequency (TN1251).
    filter_range = 1 + sum(pfd >= edge for edge in (17, 26, 44, 66, 101))
    return _accept(PLLSettings(
        "SB_PLL40_PAD", float(input_mhz), float(output_mhz), out, pfd, vco,
        {"DIVR": divr, "DIVF": divf, "DIVQ": divq, "FILTER_RANGE": filter_range}), tolerance)


def ecp5_pll(input_mhz, output_mhz, *, tolerance=0.01):
    """Dividers of an ECP5 ``EHXPLLL`` (CLKOP feedback) closest to ``output_mhz``.

    Among equally close settings the one whose VCO is nearest 600 MHz (mid-range), then the
    smallest CLKI_DIV, wins.

    Raises
    ------
    ValueError
        If an argument is out of range, or the closest frequency misses by more than
        ``tolerance`` (relative).
    """
    _check_request("EHXPLLL", input_mhz, output_mhz, tolerance, 3.125, 400)
    if not 8 <= input_mhz <= 400:
        raise ValueError(f"input_mhz must be in 8..400 MHz for EHXPLLL, not {input_mhz:g}")
    best = None
    for clki_div in range(1, 129):
        pfd = input_mhz / clki_div
        if pfd < 3.125:
            break
        for clkfb_div in range(1, 81):
            out = pfd * clkfb_div
            if out > 400:
                break
            if out < 3.125:
                continue
            for clkop_div in range(1, 129):
                vco = out * clkop_div
                if vco > 800:
                    break
                if vco < 400:
                    continue
                key = (abs(out - output_mhz), abs(vco - 600), clki_div)
                if best is None or key < best[0]:
                    best = (key, out, pfd, vco, clki_div, clkfb_div, clkop_div)
    if best is None:
        raise ValueError(f"no EHXPLLL setting makes {output_mhz:g} MHz from {input_mhz:g} MHz")
    _, out, pfd, vco, clki_div, clkfb_div, clkop_div = best
    return _accept(PLLSettings(
        "EHXPLLL", float(input_mhz), float(output_mhz), out, pfd, vco,
        {"CLKI_DIV": clki_div, "CLKFB_DIV": clkfb_div, "CLKOP_DIV": clkop_div,
         "CLKOP_CPHASE": (clkop_div - 1) // 2, "CLKOP_FPHASE": 0}), tolerance)


class PLLClocked(Elaboratable):
    """Runs ``design`` in a ``sync`` domain made from the board clock by the part's PLL.

    ``sync`` is held in reset until the PLL reports lock and then for about 15 us more (iCE40
    block RAMs read as zero for a few microseconds after configuration). The PLL output is
    constrained to the achieved frequency.

    Parameters
    ----------
    design : Elaboratable
        The design; it must not define ``sync`` itself.
    board : BoardProfile
        The board whose clock pin feeds the PLL.
    settings : PLLSettings
        From :meth:`BoardProfile.pll`.
    """

    def __init__(self, design, *, board, settings):
        if not isinstance(design, Elaboratable):
            raise TypeError(f"design must be an Elaboratable, not {design!r}")
        if not isinstance(board, BoardProfile):
            raise TypeError(f"board must be a BoardProfile, not {board!r}")
        if not isinstance(settings, PLLSettings):
            raise TypeError(f"settings must be PLLSettings, not {settings!r}")
        self.design = design
        self.board = board
        self.settings = settings

    def elaborate(self, platform):
        m = Module()
        s = self.settings
        clk_out = Signal(name="pll_clk")
        lock = Signal(name="pll_lock")
        if s.primitive == "SB_PLL40_PAD":
            pad = platform.request(self.board.clock_resource, 0, dir="-")
            m.submodules.pll = Instance(
                "SB_PLL40_PAD",
                p_FEEDBACK_PATH="SIMPLE", p_PLLOUT_SELECT="GENCLK",
                p_DIVR=s.params["DIVR"], p_DIVF=s.params["DIVF"], p_DIVQ=s.params["DIVQ"],
                p_FILTER_RANGE=s.params["FILTER_RANGE"],
                io_PACKAGEPIN=pad.io, i_RESETB=1, i_BYPASS=0,
                o_PLLOUTGLOBAL=clk_out, o_LOCK=lock)
        else:
            pad = platform.request(self.board.clock_resource, 0, dir="-")
            m.submodules.clk_buf = clk_in = io.Buffer("i", pad)
            m.submodules.pll = Instance(
                "EHXPLLL",
                a_FREQUENCY_PIN_CLKI=f"{s.input_mhz:g}",
                a_FREQUENCY_PIN_CLKOP=f"{s.achieved_mhz:.6g}",
                a_ICP_CURRENT="12", a_LPF_RESISTOR="8", a_MFG_ENABLE_FILTEROPAMP="1",
                a_MFG_GMCREF_SEL="2",
                p_PLLRST_ENA="DISABLED", p_INTFB_WAKE="DISABLED", p_STDBY_ENABLE="DISABLED",
                p_DPHASE_SOURCE="DISABLED", p_OUTDIVIDER_MUXA="DIVA", p_OUTDIVIDER_MUXB="DIVB",
                p_OUTDIVIDER_MUXC="DIVC", p_OUTDIVIDER_MUXD="DIVD", p_CLKOP_ENABLE="ENABLED",
                p_FEEDBK_PATH="CLKOP",
                p_CLKI_DIV=s.params["CLKI_DIV"], p_CLKFB_DIV=s.params["CLKFB_DIV"],
                p_CLKOP_DIV=s.params["CLKOP_DIV"], p_CLKOP_CPHASE=s.params["CLKOP_CPHASE"],
                p_CLKOP_FPHASE=s.params["CLKOP_FPHASE"],
                i_CLKI=clk_in.i, i_CLKFB=clk_out, i_RST=0, i_STDBY=0, i_PHASESEL0=0,
                i_PHASESEL1=0, i_PHASEDIR=1, i_PHASESTEP=1, i_PHASELOADREG=1,
                i_PLLWAKESYNC=0, i_ENCLKOP=0,
                o_CLKOP=clk_out, o_LOCK=lock)
        platform.add_clock_constraint(clk_out, s.achieved_mhz * 1e6)

        m.submodules.design = self.design
        m.domains.pll_por = ClockDomain("pll_por", reset_less=True, local=True)
        m.domains.sync = ClockDomain("sync")
        m.d.comb += [ClockSignal("pll_por").eq(clk_out), ClockSignal("sync").eq(clk_out)]
        locked = Signal()
        m.submodules.lock_sync = FFSynchronizer(lock, locked, o_domain="pll_por")
        delay = max(1, math.ceil(15e-6 * s.achieved_mhz * 1e6))
        timer = Signal(range(delay + 1))
        ready = Signal()
        with m.If(~locked):
            m.d.pll_por += [timer.eq(0), ready.eq(0)]
        with m.Elif(timer == delay):
            m.d.pll_por += ready.eq(1)
        with m.Else():
            m.d.pll_por += timer.eq(timer + 1)
        m.d.comb += ResetSignal("sync").eq(~ready)
        return m


@dataclass(frozen=True)
class BoardProfile:
    """Everything the flow needs to know about one board.

    Attributes
    ----------
    name : str
        CLI name (``icebreaker``, ``ulx3s-85f`` ...).
    platform_class : str
        ``"module:Class"`` of the amaranth-boards platform.
    family : str
        ``"ice40"`` or ``"ecp5"`` (selects the tools, see :mod:`.toolchain`).
    part : str
        FPGA part number.
    clock_mhz : float
        Board oscillator frequency.
    clock_resource : str
        Platform resource of that oscillator.
    totals : dict
        Resource totals by kind: ``lut``, ``ff``, ``carry``, ``dsp``, ``bram``, ``spram``,
        ``pll``, ``io`` (iCE40: logic cells, each with a LUT4, an FF and a carry; ECP5: a CCU2C
        carry cell takes two LUT4 positions).
    nextpnr_types : dict
        nextpnr's cell-type name -> the kind in ``totals`` it counts against.
    bram_kbit : int
        Size of one block RAM in Kbit.
    uart : dict
        FPGA pins of the USB-serial bridge: ``rx`` (into the FPGA) and ``tx``.
    scan_pins : tuple
        Four pins (sdi, scan_en, capture, sdo) used by the per-unit shell.
    scan_attrs : dict
        I/O attributes of those pins.
    profile : str
        SoC profile the board carries: ``"small"`` or ``"full"`` (``None``: not a target).
    programmer : str
        Executable that loads a bitstream.
    program_args : tuple
        Its arguments; ``{bitstream}`` is replaced by the file.
    bitstream_suffix : str
        ``".bin"`` or ``".bit"``.
    synth_opts : str
        Extra ``synth_<family>`` options (``-dsp`` lets Yosys infer the UP5K's SB_MAC16).
    """

    name: str
    platform_class: str
    family: str
    part: str
    clock_mhz: float
    clock_resource: str
    totals: dict
    nextpnr_types: dict
    bram_kbit: int
    uart: dict
    scan_pins: tuple
    scan_attrs: dict
    profile: str
    programmer: str
    program_args: tuple
    bitstream_suffix: str
    synth_opts: str = ""

    def platform(self):
        """A fresh amaranth-boards platform object with the shell's ``scan`` resource added.

        Raises
        ------
        ToolchainMissing
            When ``amaranth-boards`` is not installed.
        """
        module_name, class_name = self.platform_class.split(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            raise ToolchainMissing(
                f"amaranth-boards is needed for board {self.name}: {INSTALL_HINT}") from error
        platform = getattr(module, class_name)()
        sdi, scan_en, capture, sdo = self.scan_pins
        attrs = Attrs(**self.scan_attrs)
        platform.add_resources([Resource(
            SCAN_RESOURCE, 0,
            Subsignal("sdi", Pins(sdi, dir="i")), Subsignal("scan_en", Pins(scan_en, dir="i")),
            Subsignal("capture", Pins(capture, dir="i")), Subsignal("sdo", Pins(sdo, dir="o")),
            attrs)])
        return platform

    def pll(self, mhz, *, tolerance=0.01):
        """PLL settings that make ``mhz`` from the board clock (see :func:`ice40_pll`)."""
        maker = ice40_pll if self.family == "ice40" else ecp5_pll
        return maker(self.clock_mhz, mhz, tolerance=tolerance)

    def program_command(self, bitstream):
        """The argv that loads ``bitstream`` into the FPGA (volatile configuration)."""
        return [self.programmer, *(a.format(bitstream=bitstream) for a in self.program_args)]

    def as_dict(self):
        return {"name": self.name, "part": self.part, "family": self.family,
                "clock_mhz": self.clock_mhz, "totals": dict(self.totals),
                "bram_kbit": self.bram_kbit, "uart": dict(self.uart), "profile": self.profile,
                "programmer": self.programmer}


_ICE40_TYPES = {"ICESTORM_LC": "lut", "ICESTORM_RAM": "bram", "ICESTORM_DSP": "dsp",
                "ICESTORM_SPRAM": "spram", "ICESTORM_PLL": "pll", "SB_IO": "io"}
_ECP5_TYPES = {"TRELLIS_COMB": "lut", "TRELLIS_FF": "ff", "DP16KD": "bram",
               "MULT18X18D": "dsp", "EHXPLLL": "pll", "TRELLIS_IO": "io"}


def _ulx3s(size, part, totals):
    return BoardProfile(
        name=f"ulx3s-{size}f", platform_class=f"amaranth_boards.ulx3s:ULX3S_{size}F_Platform",
        family="ecp5", part=part, clock_mhz=25.0, clock_resource="clk25", totals=totals,
        nextpnr_types=_ECP5_TYPES, bram_kbit=18, uart={"rx": "M1", "tx": "L4"},
        # GPIO header pairs 0+/0-/1+/1- (J1), away from the FTDI and SDRAM pins.
        scan_pins=("B11", "C11", "A10", "A11"), scan_attrs={"IO_TYPE": "LVCMOS33"},
        profile="full" if size == 85 else None, programmer="openFPGALoader",
        program_args=("-b", "ulx3s", "-m", "{bitstream}"), bitstream_suffix=".bit")


#: Board name -> profile.
BOARDS = {
    "icebreaker": BoardProfile(
        name="icebreaker", platform_class="amaranth_boards.icebreaker:ICEBreakerPlatform",
        family="ice40", part="iCE40UP5K-SG48", clock_mhz=12.0, clock_resource="clk12",
        totals={"lut": 5280, "ff": 5280, "carry": 5280, "dsp": 8, "bram": 30, "spram": 4,
                "pll": 1, "io": 39},
        nextpnr_types=_ICE40_TYPES, bram_kbit=4, uart={"rx": "6", "tx": "9"},
        # PMOD1A pins 1-4.
        scan_pins=("4", "2", "47", "45"), scan_attrs={"IO_STANDARD": "SB_LVCMOS"},
        profile="small", programmer="iceprog", program_args=("-S", "{bitstream}"),
        bitstream_suffix=".bin", synth_opts="-dsp"),
    # nextpnr places the 12F on the 25F die it is cut from, so it reports the 25F's totals; the
    # data sheet rates the 12F at 12K LUTs and 32 EBR.
    "ulx3s-12f": _ulx3s(12, "LFE5U-12F-6BG381C", {
        "lut": 24288, "ff": 24288, "carry": 12144, "dsp": 28, "bram": 56, "spram": 0, "pll": 2,
        "io": 197}),
    "ulx3s-25f": _ulx3s(25, "LFE5U-25F-6BG381C", {
        "lut": 24288, "ff": 24288, "carry": 12144, "dsp": 28, "bram": 56, "spram": 0, "pll": 2,
        "io": 197}),
    "ulx3s-45f": _ulx3s(45, "LFE5U-45F-6BG381C", {
        "lut": 43848, "ff": 43848, "carry": 21924, "dsp": 72, "bram": 108, "spram": 0,
        "pll": 4, "io": 245}),
    "ulx3s-85f": _ulx3s(85, "LFE5U-85F-6BG381C", {
        "lut": 83640, "ff": 83640, "carry": 41820, "dsp": 156, "bram": 208, "spram": 0,
        "pll": 4, "io": 365}),
}


def get_board(name):
    """The profile of board ``name``; a ValueError lists the known boards otherwise."""
    if name not in BOARDS:
        raise ValueError(f"board must be one of {', '.join(BOARDS)}, not {name!r}")
    return BOARDS[name]
