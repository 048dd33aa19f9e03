"""The whole SoC as a board design: the profile's :class:`~cerite.hw.soc.top.SoC` on the board's
USB-serial bridge, reset by a board button.

Implements the "one top level per board profile" of spec/soc.md (System on chip; Boards). The SoC's
``uart_rx``/``uart_tx`` go to the board's amaranth-boards ``uart`` resource (the FTDI bridge:
ICEBreaker FT2232H channel B on pins 6 (rx) / 9 (tx), ULX3S FT231X on M1 (rx) / L4 (tx)); the
board's user button resets the ``sync`` domain (ICEBreaker: the button on pin 10; ULX3S: the
PWR button, D6). The core clock is the board oscillator, or the PLL's output when the build asks
for one (:class:`~.boards.PLLClocked` wraps this design and holds ``sync`` in reset until lock).

Baud rate: 3 Mbaud, the FTDI bridges' fastest, whenever the core clock divides it to a whole
number of cycles within 1 %; otherwise the fastest of :data:`BAUD_RATES` that does
(:func:`choose_baud`). 12 MHz gives 3 Mbaud (4 cycles a bit), 25 MHz 1 Mbaud (25 cycles a bit).
"""

from amaranth import Elaboratable, Module, ResetInserter, Signal
from amaranth.lib import io
from amaranth.lib.cdc import FFSynchronizer

__all__ = ["BAUD_RATES", "RESET_BUTTONS", "choose_baud", "BoardSoC"]

#: Baud rates tried by :func:`choose_baud`, fastest first (FT2232H/FT231X rates).
BAUD_RATES = (3_000_000, 2_000_000, 1_500_000, 1_000_000, 921_600, 500_000, 460_800, 230_400,
              115_200)

#: Board family -> amaranth-boards resource of the button that resets the SoC.
RESET_BUTTONS = {"ice40": ("button", 0), "ecp5": ("button_pwr", 0)}


def choose_baud(clk_hz, *, tolerance=0.01):
    """The fastest rate of :data:`BAUD_RATES` that ``clk_hz`` divides into a whole number (>= 4)
    of cycles a bit within ``tolerance`` (relative).

    Raises
    ------
    ValueError
        If ``clk_hz`` is not a positive number or no rate is reachable.
    """
    if isinstance(clk_hz, bool) or not isinstance(clk_hz, (int, float)) or not clk_hz > 0:
        raise ValueError(f"clk_hz must be a positive number, not {clk_hz!r}")
    for baud in BAUD_RATES:
        divisor = round(clk_hz / baud)
        if divisor >= 4 and abs(clk_hz / divisor / baud - 1) <= tolerance:
            return baud
    raise ValueError(f"no baud rate of {BAUD_RATES[-1]}..{BAUD_RATES[0]} is within "
                     f"{tolerance:.0%} at {clk_hz:g} Hz")


class BoardSoC(Elaboratable):
    """A :class:`~cerite.hw.soc.top.SoC` wired to a board's UART pins and reset button.

    Parameters
    ----------
    board : BoardProfile
        The board (its family picks the reset button).
    clk_hz : float
        The core clock the SoC runs at (the board clock or the PLL's achieved output).
    profile : str or Profile, optional
        SoC profile; default the board's own (``board.profile``).
    baud : int, optional
        UART baud rate; default :func:`choose_baud` of ``clk_hz``.
    units : sequence, optional
        Passed to the SoC (default: the profile's units).

    Attributes
    ----------
    soc : SoC
        The wrapped SoC (its ``divisor``, ``baud`` and register map are known before elaboration).
    """

    def __init__(self, *, board, clk_hz, profile=None, baud=None, units=None):
        from ..hw.soc.top import SoC
        from .boards import BoardProfile
        if not isinstance(board, BoardProfile):
            raise TypeError(f"board must be a BoardProfile, not {board!r}")
        profile = board.profile if profile is None else profile
        if profile is None:
            raise ValueError(f"board {board.name} has no SoC profile; name one with profile=")
        baud = choose_baud(clk_hz) if baud is None else baud
        self.board = board
        self.soc = SoC(profile=profile, clk_freq=clk_hz, baud=baud, units=units)

    def elaborate(self, platform):
        m = Module()
        soc = self.soc
        if platform is None:
            m.submodules.soc = soc
            return m
        uart = platform.request("uart", 0, dir="-")
        m.submodules.rx_buf = rx = io.Buffer("i", uart.rx)
        m.submodules.tx_buf = tx = io.Buffer("o", uart.tx)
        name, number = RESET_BUTTONS[self.board.family]
        button = platform.request(name, number, dir="-")
        m.submodules.button_buf = btn = io.Buffer("i", button)
        pressed = Signal()
        m.submodules.button_sync = FFSynchronizer(btn.i, pressed, init=0)
        m.submodules.soc = ResetInserter(pressed)(soc)
        m.d.comb += [soc.uart_rx.eq(rx.i), tx.o.eq(soc.uart_tx)]
        return m
