"""UART PHY, 8N1: one start bit (0), eight data bits LSB first, one stop bit (1), idle high.

The physical layer of the host link (``spec/soc.md``, "System on chip"; the frame is the usual
asynchronous serial format of the FT231X/FT2232H bridges on the boards). The bit time is a whole
number of clock cycles, ``divisor``, fixed at elaboration: 4 for 3 Mbaud at 12 MHz (ICEBreaker,
and the simulated board, so that the same RTL simulates fast).

The receiver synchronises the pin with two flip-flops, validates the start bit in its middle (a
glitch shorter than half a bit is ignored), samples each bit in its middle, and checks the stop
bit: a 0 there is a framing error, the byte is dropped and the receiver waits for the line to go
high again before it looks for the next start bit.
"""

from amaranth import Cat, Module, Signal
from amaranth.lib import cdc, stream, wiring
from amaranth.lib.wiring import In, Out

__all__ = ["uart_divisor", "UARTReceiver", "UARTTransmitter", "UART"]


def uart_divisor(*, clk_freq, baud, tolerance=0.02):
    """Clock cycles per bit for ``baud`` at ``clk_freq``; ``ValueError`` if the nearest whole
    divisor misses the baud rate by more than ``tolerance`` (2 % keeps a 10-bit frame inside
    the receiver's half-bit margin with a host of its own error) or is below 4."""
    if not isinstance(clk_freq, (int, float)) or clk_freq <= 0:
        raise ValueError(f"clk_freq must be a positive number, not {clk_freq!r}")
    if not isinstance(baud, (int, float)) or baud <= 0:
        raise ValueError(f"baud must be a positive number, not {baud!r}")
    divisor = round(clk_freq / baud)
    if divisor < 4:
        raise ValueError(f"baud {baud:.0f} needs at least 4 clock cycles per bit; clk_freq "
                         f"{clk_freq:.0f} gives {clk_freq / baud:.2f}")
    actual = clk_freq / divisor
    if abs(actual - baud) > tolerance * baud:
        raise ValueError(f"baud {baud:.0f} is not reachable from clk_freq {clk_freq:.0f} within "
                         f"{tolerance:.0%}: divisor {divisor} gives {actual:.0f}")
    return divisor


def _check_divisor(divisor):
    if isinstance(divisor, bool) or not isinstance(divisor, int) or divisor < 4:
        raise ValueError(f"divisor must be an integer >= 4, not {divisor!r}")


class UARTReceiver(wiring.Component):
    """Receives 8N1 bytes from the ``rx`` pin.

    Parameters
    ----------
    divisor : int
        Clock cycles per bit, >= 4.

    Members
    -------
    rx : In(1, init=1)
        The pin (asynchronous; synchronised inside).
    data : Out(stream.Signature(8))
        Received bytes. A byte is held until taken; a byte that completes while the previous
        one is still waiting is dropped and pulses ``overrun``.
    error : Out(1)
        Pulses for one cycle on a framing error (stop bit 0); the byte is dropped.
    overrun : Out(1)
        Pulses for one cycle when a byte is dropped because ``data`` was not taken.
    idle : Out(1)
        No byte is being received.
    """

    def __init__(self, *, divisor):
        _check_divisor(divisor)
        self._divisor = divisor
        super().__init__({
            "rx": In(1, init=1),
            "data": Out(stream.Signature(8)),
            "error": Out(1),
            "overrun": Out(1),
            "idle": Out(1),
        })

    @property
    def divisor(self):
        return self._divisor

    def elaborate(self, platform):
        m = Module()
        d = self._divisor
        rx = Signal(init=1)
        m.submodules.sync = cdc.FFSynchronizer(self.rx, rx, init=1)

        timer = Signal(range(d))
        bits = Signal(range(8))
        shift = Signal(8)

        with m.If(self.data.ready):
            m.d.sync += self.data.valid.eq(0)

        def deliver():
            with m.If(self.data.valid & ~self.data.ready):
                m.d.comb += self.overrun.eq(1)
            with m.Else():
                m.d.sync += [self.data.payload.eq(shift), self.data.valid.eq(1)]

        with m.FSM():
            with m.State("IDLE"):
                m.d.comb += self.idle.eq(1)
                with m.If(~rx):
                    m.d.sync += timer.eq(d // 2 - 1)
                    m.next = "START"
            with m.State("START"):
                m.d.sync += timer.eq(timer - 1)
                with m.If(timer == 0):
                    with m.If(rx):  # a glitch, not a start bit
                        m.next = "IDLE"
                    with m.Else():
                        m.d.sync += [timer.eq(d - 1), bits.eq(0)]
                        m.next = "DATA"
            with m.State("DATA"):
                m.d.sync += timer.eq(timer - 1)
                with m.If(timer == 0):
                    m.d.sync += [shift.eq(Cat(shift[1:], rx)),
                                 timer.eq(d - 1), bits.eq(bits + 1)]
                    with m.If(bits == 7):
                        m.next = "STOP"
            with m.State("STOP"):
                m.d.sync += timer.eq(timer - 1)
                with m.If(timer == 0):
                    with m.If(rx):
                        deliver()
                        m.next = "IDLE"
                    with m.Else():
                        m.d.comb += self.error.eq(1)
                        m.next = "BREAK"
            with m.State("BREAK"):  # wait for the line to return high after a framing error
                with m.If(rx):
                    m.next = "IDLE"
        return m


class UARTTransmitter(wiring.Component):
    """Sends 8N1 bytes on the ``tx`` pin.

    Parameters
    ----------
    divisor : int
        Clock cycles per bit, >= 4.

    Members
    -------
    data : In(stream.Signature(8))
        Bytes to send; taken one at a time, back to back.
    tx : Out(1, init=1)
        The pin.
    idle : Out(1)
        Nothing is being sent.
    """

    def __init__(self, *, divisor):
        _check_divisor(divisor)
        self._divisor = divisor
        super().__init__({
            "data": In(stream.Signature(8)),
            "tx": Out(1, init=1),
            "idle": Out(1),
        })

    @property
    def divisor(self):
        return self._divisor

    def elaborate(self, platform):
        m = Module()
        d = self._divisor
        timer = Signal(range(d))
        shift = Signal(9)  # data bits and the stop bit, after the start bit
        left = Signal(range(11))
        m.d.comb += self.idle.eq(left == 0)
        # The next byte may start right where the stop bit ends: frames are 10 bits back to back.
        m.d.comb += self.data.ready.eq((left == 0) | ((left == 1) & (timer == 0)))
        with m.If(self.data.valid & self.data.ready):
            m.d.sync += [
                self.tx.eq(0),
                shift.eq(self.data.payload | (1 << 8)),
                left.eq(10),
                timer.eq(d - 1),
            ]
        with m.Elif(left != 0):
            m.d.sync += timer.eq(timer - 1)
            with m.If(timer == 0):
                m.d.sync += [timer.eq(d - 1), left.eq(left - 1)]
                with m.If(left != 1):
                    m.d.sync += [self.tx.eq(shift[0]), shift.eq(shift >> 1)]
                with m.Else():
                    m.d.sync += self.tx.eq(1)
        return m


class UART(wiring.Component):
    """Receiver and transmitter at one ``divisor``.

    Members
    -------
    rx : In(1, init=1)
        Receive pin.
    tx : Out(1, init=1)
        Transmit pin.
    rx_data : Out(stream.Signature(8))
        Received bytes (see :class:`UARTReceiver`).
    tx_data : In(stream.Signature(8))
        Bytes to send.
    rx_error : Out(1)
        Framing error pulse.
    rx_overrun : Out(1)
        Dropped-byte pulse.
    idle : Out(1)
        Neither direction is busy.
    """

    def __init__(self, *, divisor):
        _check_divisor(divisor)
        self._divisor = divisor
        super().__init__({
            "rx": In(1, init=1),
            "tx": Out(1, init=1),
            "rx_data": Out(stream.Signature(8)),
            "tx_data": In(stream.Signature(8)),
            "rx_error": Out(1),
            "rx_overrun": Out(1),
            "idle": Out(1),
        })

    @property
    def divisor(self):
        return self._divisor

    def elaborate(self, platform):
        m = Module()
        m.submodules.receiver = rx = UARTReceiver(divisor=self._divisor)
        m.submodules.transmitter = tx = UARTTransmitter(divisor=self._divisor)
        m.d.comb += [
            rx.rx.eq(self.rx),
            self.tx.eq(tx.tx),
            self.rx_error.eq(rx.error),
            self.rx_overrun.eq(rx.overrun),
            self.idle.eq(rx.idle & tx.idle),
        ]
        wiring.connect(m, rx.data, wiring.flipped(self.rx_data))
        wiring.connect(m, wiring.flipped(self.tx_data), tx.data)
        return m
