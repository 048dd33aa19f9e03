"""The host-link protocol engine: frames in from the UART, bus accesses, responses out.

Implements the device side of the framed protocol documented in ``docs/host-link.md`` (spec notes:
``spec/soc.md``, "Host link protocol"); the frame constants, commands, status codes and the CRC-32
parameters come from :mod:`cerite.driver.link`, the one definition shared with the host.

Safety, by construction:

- every byte sequence leads back to ``IDLE``: a frame that stops for ``frame_timeout`` cycles is
  dropped, and bytes that arrive while a request executes or a response is sent are discarded;
- a write's payload goes into the burst buffer first; the bus sees the first write only after the
  whole frame has been received and its CRC, command, length and address range checked. Garbage,
  truncated frames and bad CRCs never reach the bus;
- every bus access is bounded by ``bus_timeout`` cycles;
- the engine keeps a replay record of the last executed request (sequence number, command,
  length, address, CRC, status, count). The same request again (a host retry after a lost
  response) is answered from the record and the buffer without touching the bus, so retried FIFO
  reads and writes are not repeated. If the buffer was overwritten since (a payload arrived), a
  repeated read answers ``REPLAY_LOST`` instead. IDENTIFY clears the record.
"""

from amaranth import Array, Cat, Const, Module, Mux, Signal
from amaranth.lib import memory, stream, wiring
from amaranth.lib.wiring import In, Out

from ...driver.link import (CRC32_INIT, CRC32_POLY, CRC32_XOROUT, LINK_MAGIC, MAX_LENGTH,
                            PROTOCOL_VERSION, SYNC_REQUEST, SYNC_RESPONSE, Command, Status)
from ..common.bus import BusError, BusSignature

__all__ = ["crc32_next", "HostLink"]


def crc32_next(crc, byte):
    """The CRC-32/ISO-HDLC register after ``byte`` (LSB first): a combinational expression of
    the 32-bit ``crc`` and the 8-bit ``byte`` (no init, no xorout)."""
    for i in range(8):
        crc = crc[1:] ^ Mux(crc[0] ^ byte[i], CRC32_POLY, 0)
    return crc


def _check_uint(name, value, lo, hi):
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValueError(f"{name} must be an integer in {lo}..{hi}, not {value!r}")



def _byte(value, index):
    """Byte ``index`` of ``value`` as a multiplexer (``word_select`` comes out of Yosys as a
    shift truncated by the assignment, which lint reports)."""
    return Array(value[8 * k:8 * k + 8] for k in range(len(value) // 8))[index]

class HostLink(wiring.Component):
    """Request/response engine of the host link; the only bus initiator of the SoC.

    Parameters
    ----------
    addr_width : int
        Word address bits of the bus, 1..32.
    max_burst : int
        Words per request, 2..65535; the burst buffer has this many 32-bit words.
    frame_timeout : int
        Cycles without a byte after which a partly received frame is dropped, >= 1.
    bus_timeout : int
        Cycles a bus access may wait for ``ack`` before the request fails with ``TIMEOUT``.

    Members
    -------
    rx : In(stream.Signature(8))
        Bytes from the host (the UART receiver).
    tx : Out(stream.Signature(8))
        Bytes to the host (the UART transmitter).
    bus : Out(BusSignature(addr_width=addr_width))
        The internal bus.
    idle : Out(1)
        Waiting for a frame, nothing in progress.
    """

    def __init__(self, *, addr_width=16, max_burst=4096, frame_timeout=100_000,
                 bus_timeout=1024):
        _check_uint("addr_width", addr_width, 1, 32)
        _check_uint("max_burst", max_burst, 2, MAX_LENGTH)
        _check_uint("frame_timeout", frame_timeout, 1, 1 << 32)
        _check_uint("bus_timeout", bus_timeout, 1, 1 << 32)
        self._addr_width = addr_width
        self._max_burst = max_burst
        self._frame_timeout = frame_timeout
        self._bus_timeout = bus_timeout
        super().__init__({
            "rx": In(stream.Signature(8)),
            "tx": Out(stream.Signature(8)),
            "bus": Out(BusSignature(addr_width=addr_width)),
            "idle": Out(1),
        })

    addr_width = property(lambda self: self._addr_width)
    max_burst = property(lambda self: self._max_burst)
    frame_timeout = property(lambda self: self._frame_timeout)
    bus_timeout = property(lambda self: self._bus_timeout)

    def identify_words(self):
        """The two data words of the IDENTIFY response."""
        return [(LINK_MAGIC << 16) | (self._addr_width << 8) | PROTOCOL_VERSION,
                self._max_burst]

    def elaborate(self, platform):
        m = Module()
        rx, tx, bus = self.rx, self.tx, self.bus

        m.submodules.buffer = buf = memory.Memory(shape=32, depth=self._max_burst, init=[])
        wr = buf.write_port()
        rd = buf.read_port()

        # Request header, as received: cmd, seq, length (16), address (32), little-endian.
        hdr = Signal(64)
        cmd, seq, length, addr = hdr[0:8], hdr[8:16], hdr[16:32], hdr[32:64]
        crc = Signal(32)
        rx_crc = Signal(32)
        word = Signal(32)
        buf_word = Signal(32)  # the buffer's word being written on the bus or sent
        idx = Signal(4)  # byte index in a header (0..9), a word or the CRC (0..3)
        count = Signal(16)  # words received / transferred / sent
        timer = Signal(range(max(self._frame_timeout, self._bus_timeout) + 1))
        cur_addr = Signal(32)
        status = Signal(8)
        done = Signal(16)  # the response's count field

        # Replay record of the last executed request.
        rec_valid = Signal()
        rec_seq = Signal(8)
        rec_cmd = Signal(8)
        rec_len = Signal(16)
        rec_addr = Signal(32)
        rec_crc = Signal(32)
        rec_status = Signal(8)
        rec_count = Signal(16)
        rec_data_ok = Signal()  # the buffer still holds the recorded read's data

        byte = rx.payload
        got = rx.valid & rx.ready
        # one CRC network for both directions: a frame is received or sent, never both at once
        sending = Signal()
        crc_next = crc32_next(crc, Mux(sending, tx.payload, byte))
        crc_rx_next = crc_tx_next = crc_next
        hdr_next = Cat(hdr[8:], byte)
        is_read = (cmd == Command.READ) | (cmd == Command.READ_FIXED)
        is_write = (cmd == Command.WRITE) | (cmd == Command.WRITE_FIXED)
        is_fixed = (cmd == Command.READ_FIXED) | (cmd == Command.WRITE_FIXED)
        oversize = length > self._max_burst
        end = Signal(34)
        m.d.comb += end.eq(addr + Mux(is_fixed, 1, length))
        out_of_range = end > (1 << self._addr_width)
        replay = (rec_valid & (seq == rec_seq) & (cmd == rec_cmd) & (length == rec_len)
                  & (addr == rec_addr) & (rx_crc == rec_crc))
        resp_len = Signal(16)
        m.d.comb += resp_len.eq(Mux(status == Status.OK,
                                    Mux(cmd == Command.IDENTIFY, 2, Mux(is_read, length, 0)),
                                    0))

        def respond(code, n):
            m.d.sync += [status.eq(code), done.eq(n), idx.eq(0)]
            m.next = "RESP_HEADER"

        def finish(code, n):  # end of an executed request: record it, then respond
            m.d.sync += [rec_valid.eq(1), rec_status.eq(code), rec_count.eq(n)]
            respond(code, n)

        def frame_timer():
            with m.If(got):
                m.d.sync += timer.eq(0)
            with m.Elif(timer == self._frame_timeout - 1):
                m.next = "IDLE"  # truncated frame: drop it
            with m.Else():
                m.d.sync += timer.eq(timer + 1)

        m.d.comb += rx.ready.eq(1)  # never back-pressure the UART; CHECK is the exception
        with m.FSM():
            with m.State("IDLE"):
                m.d.comb += self.idle.eq(1)
                with m.If(got & (byte == SYNC_REQUEST)):
                    m.d.sync += [crc.eq(CRC32_INIT), idx.eq(0), timer.eq(0)]
                    m.next = "HEADER"

            with m.State("HEADER"):
                frame_timer()
                with m.If(got):
                    m.d.sync += [hdr.eq(hdr_next), crc.eq(crc_rx_next), idx.eq(idx + 1)]
                    with m.If(idx == 7):
                        m.d.sync += [idx.eq(0), count.eq(0)]
                        next_cmd, next_len = hdr_next[0:8], hdr_next[16:32]
                        with m.If(((next_cmd == Command.WRITE) | (next_cmd == Command.WRITE_FIXED))
                                  & (next_len != 0)):
                            m.next = "PAYLOAD"
                        with m.Else():
                            m.next = "CRC"

            with m.State("PAYLOAD"):
                frame_timer()
                with m.If(got):
                    m.d.sync += [word.eq(Cat(word[8:], byte)), crc.eq(crc_rx_next),
                                 idx.eq(idx + 1)]
                    with m.If(idx == 3):
                        m.d.sync += [idx.eq(0), count.eq(count + 1)]
                        with m.If(~oversize):
                            m.d.comb += [wr.addr.eq(count), wr.data.eq(Cat(word[8:], byte)),
                                         wr.en.eq(1)]
                            m.d.sync += rec_data_ok.eq(0)
                        with m.If(count == length - 1):
                            m.next = "CRC"

            with m.State("CRC"):
                frame_timer()
                with m.If(got):
                    m.d.sync += [rx_crc.eq(Cat(rx_crc[8:], byte)), idx.eq(idx + 1)]
                    with m.If(idx == 3):
                        m.next = "CHECK"

            with m.State("CHECK"):
                m.d.comb += [rx.ready.eq(0), rd.addr.eq(0)]
                m.d.sync += [count.eq(0), cur_addr.eq(addr), timer.eq(0)]
                with m.If((crc ^ CRC32_XOROUT) != rx_crc):
                    respond(Status.BAD_CRC, 0)
                with m.Elif(cmd == Command.IDENTIFY):
                    m.d.sync += rec_valid.eq(0)
                    m.next = "IDENT"
                with m.Elif(~is_read & ~is_write):
                    respond(Status.BAD_COMMAND, 0)
                with m.Elif((length == 0) | oversize):
                    respond(Status.BAD_LENGTH, 0)
                with m.Elif(out_of_range):
                    respond(Status.BAD_ADDRESS, 0)
                with m.Elif(replay):
                    with m.If(is_read & (rec_status == Status.OK) & ~rec_data_ok):
                        respond(Status.REPLAY_LOST, 0)
                    with m.Else():
                        respond(rec_status, rec_count)
                with m.Else():
                    m.d.sync += [rec_valid.eq(0), rec_seq.eq(seq), rec_cmd.eq(cmd),
                                 rec_len.eq(length), rec_addr.eq(addr), rec_crc.eq(rx_crc)]
                    with m.If(is_write):
                        m.next = "W_LOAD"
                    with m.Else():
                        m.next = "READ"

            def bus_result(transfer_done):
                """Common ack/err/timeout handling of one bus access."""
                with m.If(bus.ack):
                    m.d.sync += timer.eq(0)
                    with m.Switch(bus.err):
                        with m.Case(BusError.NONE):
                            transfer_done()
                        with m.Case(BusError.UNMAPPED):
                            finish(Status.BAD_ADDRESS, count)
                        with m.Case(BusError.DENIED):
                            finish(Status.DENIED, count)
                        with m.Default():
                            finish(Status.BUS_ERROR, count)
                with m.Elif(timer == self._bus_timeout - 1):
                    finish(Status.TIMEOUT, count)
                with m.Else():
                    m.d.sync += timer.eq(timer + 1)

            # Each word goes from the buffer into a register before it is written on the bus or
            # sent (for FPGA timing: the block RAM's output is slow to leave it, and the bus data
            # fans out to every unit's registers). The state before addressed the word at
            # ``count``, so the read port holds it now.
            def load_state(name, then):
                with m.State(name):
                    m.d.sync += buf_word.eq(rd.data)
                    m.next = then

            load_state("W_LOAD", "WRITE")

            with m.State("WRITE"):
                advance = bus.ack & (bus.err == BusError.NONE)
                m.d.comb += [
                    bus.addr.eq(cur_addr),
                    bus.w_data.eq(buf_word),
                    bus.w_stb.eq(1),
                    rd.addr.eq(Mux(advance, count + 1, count)),
                ]

                def wrote():
                    m.d.sync += [count.eq(count + 1), cur_addr.eq(cur_addr + ~is_fixed)]
                    with m.If(count == length - 1):
                        finish(Status.OK, length)
                    with m.Else():
                        m.next = "W_LOAD"
                bus_result(wrote)

            with m.State("READ"):
                m.d.comb += [bus.addr.eq(cur_addr), bus.r_stb.eq(1)]

                def read():
                    m.d.comb += [wr.addr.eq(count), wr.data.eq(bus.r_data), wr.en.eq(1)]
                    m.d.sync += [count.eq(count + 1), cur_addr.eq(cur_addr + ~is_fixed),
                                 rec_data_ok.eq(1)]
                    with m.If(count == length - 1):
                        finish(Status.OK, length)
                bus_result(read)

            with m.State("IDENT"):
                words = self.identify_words()
                m.d.comb += [wr.addr.eq(count), wr.en.eq(1),
                             wr.data.eq(Mux(count == 0, words[0], words[1]))]
                m.d.sync += count.eq(count + 1)
                with m.If(count == 1):
                    respond(Status.OK, 2)

            with m.State("RESP_HEADER"):
                m.d.comb += sending.eq(1)
                header = Cat(Const(SYNC_RESPONSE, 8), cmd, seq, status, resp_len,
                             done, Const(0, 16))
                m.d.comb += [tx.valid.eq(1), tx.payload.eq(_byte(header, idx)),
                             rd.addr.eq(0)]
                with m.If(tx.ready):
                    m.d.sync += [idx.eq(idx + 1), count.eq(0)]
                    m.d.sync += crc.eq(Mux(idx == 0, CRC32_INIT, crc_tx_next))
                    with m.If(idx == 9):
                        m.d.sync += idx.eq(0)
                        with m.If(resp_len != 0):
                            m.next = "R_LOAD"
                        with m.Else():
                            m.next = "RESP_CRC"

            load_state("R_LOAD", "RESP_DATA")

            with m.State("RESP_DATA"):
                m.d.comb += sending.eq(1)
                last_byte = tx.ready & (idx == 3)
                m.d.comb += [tx.valid.eq(1), tx.payload.eq(_byte(buf_word, idx[:2])),
                             rd.addr.eq(Mux(last_byte, count + 1, count))]
                with m.If(tx.ready):
                    m.d.sync += [crc.eq(crc_tx_next), idx.eq(idx + 1)]
                    with m.If(idx == 3):
                        m.d.sync += [idx.eq(0), count.eq(count + 1)]
                        with m.If(count == resp_len - 1):
                            m.next = "RESP_CRC"
                        with m.Else():
                            m.next = "R_LOAD"

            with m.State("RESP_CRC"):
                m.d.comb += [tx.valid.eq(1),
                             tx.payload.eq(_byte(crc ^ CRC32_XOROUT, idx[:2]))]
                with m.If(tx.ready):
                    m.d.sync += idx.eq(idx + 1)
                    with m.If(idx == 3):
                        m.next = "IDLE"
        return m
