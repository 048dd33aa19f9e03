"""The host-link protocol: frame layout, CRC-32, and the host side of a request/response exchange.

Implements the framed protocol of ``docs/host-link.md`` (the spec notes in ``spec/soc.md``,
"Host link protocol"). This module is the one definition of the protocol's numbers: the gateware
(:mod:`cerite.hw.soc.link`) imports the sync bytes, commands, status codes and CRC parameters from
here, so the two sides cannot drift apart.

CRC: CRC-32/ISO-HDLC (the CRC of Ethernet, zip and PNG) as catalogued by Greg Cook's "Catalogue of
parametrised CRC algorithms": reflected polynomial 0x04C11DB7 (0xEDB88320 bit-reversed), init and
xorout 0xFFFFFFFF, check value ``crc32(b"123456789") == 0xCBF43926``, residue 0xDEBB20E3.

The :class:`Link` sends one request at a time and waits for its response (stop and wait). A retry
repeats the request with the same sequence number; the device answers a repeated request from its
replay record instead of executing it twice, so retrying a FIFO-window read or write never loses or
duplicates data. A response is used only when its CRC, command and sequence number match; anything
else is discarded, never returned.
"""

import enum
import random
import struct
import time
from dataclasses import dataclass

__all__ = [
    "SYNC_REQUEST", "SYNC_RESPONSE", "REQUEST_HEADER_BYTES", "RESPONSE_HEADER_BYTES",
    "PROTOCOL_VERSION", "LINK_MAGIC", "MAX_LENGTH",
    "CRC32_POLY", "CRC32_INIT", "CRC32_XOROUT", "CRC32_CHECK", "CRC32_RESIDUE",
    "Command", "Status", "crc32", "crc32_update",
    "encode_request", "encode_response", "decode_response", "Response", "LinkInfo",
    "LinkError", "LinkTimeout", "LinkCorrupted", "DeviceError", "DeviceBadCRC",
    "DeviceBadCommand", "DeviceBadLength", "DeviceBadAddress", "DeviceBusError",
    "DeviceBusTimeout", "DeviceAccessDenied", "DeviceReplayLost", "Link",
]

#: First byte of every request (host to device); not covered by the CRC.
SYNC_REQUEST = 0xA5
#: First byte of every response (device to host); not covered by the CRC.
SYNC_RESPONSE = 0x5A
#: Request header: sync, command, seq, length (u16), address (u32).
REQUEST_HEADER_BYTES = 9
#: Response header: sync, command, seq, status, length (u16), count (u32).
RESPONSE_HEADER_BYTES = 10
#: Version of the frame format; IDENTIFY reports the device's.
PROTOCOL_VERSION = 1
#: Upper half of IDENTIFY's first word: tells a cerite host link from anything else on the port.
LINK_MAGIC = 0xCE21
#: The length field is 16 bits; a device accepts at most its ``max_burst`` words per request.
MAX_LENGTH = 0xFFFF

#: CRC-32/ISO-HDLC, reflected form of the polynomial 0x04C11DB7.
CRC32_POLY = 0xEDB88320
CRC32_INIT = 0xFFFFFFFF
CRC32_XOROUT = 0xFFFFFFFF
#: ``crc32(b"123456789")`` (the catalogue's check value).
CRC32_CHECK = 0xCBF43926
#: The register after a message followed by its own CRC (little-endian), before the xorout.
CRC32_RESIDUE = 0xDEBB20E3


class Command(enum.IntEnum):
    """Request commands. Only ``WRITE`` and ``WRITE_FIXED`` carry a payload."""
    #: Report the protocol version, the bus address width and ``max_burst``; clears the replay
    #: record, so a new session never receives an earlier session's response.
    IDENTIFY = 0x01
    #: Read ``length`` words from ``address``, ``address + 1``, ...
    READ = 0x02
    #: Read ``length`` words from ``address`` every time (pops a FIFO window).
    READ_FIXED = 0x03
    #: Write the ``length`` payload words to ``address``, ``address + 1``, ...
    WRITE = 0x04
    #: Write the ``length`` payload words to ``address`` every time (pushes into a FIFO window).
    WRITE_FIXED = 0x05

    @property
    def has_payload(self):
        return self in (Command.WRITE, Command.WRITE_FIXED)


class Status(enum.IntEnum):
    """Response status codes."""
    OK = 0x00
    #: The request's CRC did not match; nothing was executed.
    BAD_CRC = 0x01
    #: Unknown command; nothing was executed.
    BAD_COMMAND = 0x02
    #: Length 0 or more than the device's ``max_burst``; nothing was executed.
    BAD_LENGTH = 0x03
    #: Address range outside the bus, or a word with no register or window behind it.
    BAD_ADDRESS = 0x04
    #: The addressed unit reported a failure.
    BUS_ERROR = 0x05
    #: The addressed unit did not answer in time (e.g. a read of an empty FIFO window).
    TIMEOUT = 0x06
    #: The address exists but does not allow this access (write to a read-only register, read of
    #: a write-only window).
    DENIED = 0x07
    #: A repeated read whose buffered data was overwritten since; it was not executed again.
    REPLAY_LOST = 0x08


def _crc32_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ (CRC32_POLY if crc & 1 else 0)
        table.append(crc)
    return tuple(table)


_CRC32_TABLE = _crc32_table()


def crc32_update(state, data):
    """Advance the raw CRC-32 register ``state`` over the bytes ``data`` (no init, no xorout)."""
    table = _CRC32_TABLE
    for byte in data:
        state = (state >> 8) ^ table[(state ^ byte) & 0xFF]
    return state


def crc32(data):
    """CRC-32/ISO-HDLC of ``data`` (bytes-like)."""
    return crc32_update(CRC32_INIT, data) ^ CRC32_XOROUT


def _check_int(name, value, bits):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < (1 << bits):
        raise ValueError(f"{name} must be an integer in 0..{(1 << bits) - 1}, not {value!r}")


def _pack_words(words):
    words = [int(w) for w in words]
    for i, w in enumerate(words):
        if not 0 <= w <= 0xFFFFFFFF:
            raise ValueError(f"word {i} must be an integer in 0..4294967295, not {w}")
    return struct.pack(f"<{len(words)}I", *words)


def encode_request(command, seq, address=0, *, length=None, payload=None):
    """Return the bytes of one request frame.

    ``command`` may be any byte (tests send unknown ones); ``length`` defaults to the number of
    payload words. Reads give ``length`` and no payload.
    """
    _check_int("command", int(command), 8)
    _check_int("seq", seq, 8)
    _check_int("address", address, 32)
    body = _pack_words(payload) if payload is not None else b""
    if length is None:
        length = len(body) // 4
    _check_int("length", length, 16)
    frame = struct.pack("<BBHI", int(command), seq, length, address) + body
    return bytes([SYNC_REQUEST]) + frame + struct.pack("<I", crc32(frame))


def encode_response(command, seq, status, *, count=0, data=()):
    """Return the bytes of one response frame (what the device sends)."""
    _check_int("command", int(command), 8)
    _check_int("seq", seq, 8)
    _check_int("status", int(status), 8)
    _check_int("count", count, 32)
    body = _pack_words(data)
    frame = struct.pack("<BBBHI", int(command), seq, int(status), len(body) // 4, count) + body
    return bytes([SYNC_RESPONSE]) + frame + struct.pack("<I", crc32(frame))


@dataclass(frozen=True)
class Response:
    """A decoded response frame. ``status`` is a :class:`Status` when known, else the raw byte."""
    command: int
    seq: int
    status: int
    count: int
    data: tuple


def decode_response(frame):
    """Decode one complete response frame; raise ``ValueError`` naming what is wrong."""
    frame = bytes(frame)
    if len(frame) < RESPONSE_HEADER_BYTES + 4:
        raise ValueError(f"a response has at least 14 bytes, not {len(frame)}")
    if frame[0] != SYNC_RESPONSE:
        raise ValueError(f"a response starts with 0x{SYNC_RESPONSE:02x}, not 0x{frame[0]:02x}")
    command, seq, status, length, count = struct.unpack_from("<BBBHI", frame, 1)
    if len(frame) != RESPONSE_HEADER_BYTES + 4 * length + 4:
        expected = RESPONSE_HEADER_BYTES + 4 * length + 4
        raise ValueError(f"a response with length {length} has {expected} bytes, not "
                         f"{len(frame)}")
    (crc,) = struct.unpack_from("<I", frame, len(frame) - 4)
    if crc != crc32(frame[1:-4]):
        raise ValueError(f"response CRC 0x{crc:08x} does not match 0x{crc32(frame[1:-4]):08x}")
    data = struct.unpack_from(f"<{length}I", frame, RESPONSE_HEADER_BYTES)
    try:
        status = Status(status)
    except ValueError:
        pass
    return Response(command, seq, status, count, data)


@dataclass(frozen=True)
class LinkInfo:
    """What IDENTIFY reports about the device's host link."""
    version: int
    addr_width: int
    max_burst: int


class LinkError(Exception):
    """The host link failed: no usable response, or the device reported an error."""


class LinkTimeout(LinkError):
    """No valid response arrived within the timeout, in every attempt."""


class LinkCorrupted(LinkError):
    """Responses kept arriving with a bad CRC, in every attempt."""


class DeviceError(LinkError):
    """The device answered with an error status (``status``, ``count`` words done first)."""

    def __init__(self, message, *, status, command, address, count):
        super().__init__(message)
        self.status = status
        self.command = command
        self.address = address
        self.count = count


class DeviceBadCRC(DeviceError):
    """The device saw a bad CRC in every attempt: the link corrupts requests."""


class DeviceBadCommand(DeviceError):
    """The device does not know the command."""


class DeviceBadLength(DeviceError):
    """The length is 0 or longer than the device's ``max_burst``."""


class DeviceBadAddress(DeviceError):
    """No register or window at the address, or the range leaves the bus."""


class DeviceBusError(DeviceError):
    """The addressed unit reported a failure."""


class DeviceBusTimeout(DeviceError):
    """The addressed unit did not answer in time (e.g. an empty FIFO window)."""


class DeviceAccessDenied(DeviceError):
    """The register or window does not allow this access."""


class DeviceReplayLost(DeviceError):
    """A retried read could not be answered: its buffered data had been overwritten."""


_STATUS_ERRORS = {
    Status.BAD_CRC: (DeviceBadCRC, "the device saw a bad CRC"),
    Status.BAD_COMMAND: (DeviceBadCommand, "the device does not know the command"),
    Status.BAD_LENGTH: (DeviceBadLength, "bad length"),
    Status.BAD_ADDRESS: (DeviceBadAddress, "no register or window at the address"),
    Status.BUS_ERROR: (DeviceBusError, "the unit reported a bus error"),
    Status.TIMEOUT: (DeviceBusTimeout, "the unit did not answer in time"),
    Status.DENIED: (DeviceAccessDenied, "access denied"),
    Status.REPLAY_LOST: (DeviceReplayLost,
                         "the retried read's data was overwritten; it was not repeated"),
}


class Link:
    """The host side of the host link, over a :class:`~cerite.driver.transport.Transport`.

    Parameters
    ----------
    transport : Transport
        Byte pipe to the device.
    retries : int
        Extra attempts after a timeout, a corrupted response or a device ``BAD_CRC``, 0..100.
    timeout : float or None
        Seconds to wait for a response beyond the transfer time the transport estimates for the
        frame; ``None`` takes the transport's default.

    The first request of a link is always IDENTIFY (done implicitly), which clears the device's
    replay record. ``stats`` counts requests, attempts, timeouts, corrupted and stale responses.
    """

    def __init__(self, transport, *, retries=3, timeout=None):
        if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= 100:
            raise ValueError(f"retries must be an integer in 0..100, not {retries!r}")
        if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > 0):
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        self._transport = transport
        self._retries = retries
        self._timeout = timeout
        self._seq = random.randrange(256)
        self._rx = bytearray()
        self._info = None
        self.stats = dict(requests=0, attempts=0, timeouts=0, corrupted=0, device_crc=0,
                          stale=0)

    @property
    def transport(self):
        return self._transport

    def info(self):
        """The device's :class:`LinkInfo` (from the IDENTIFY sent on first use)."""
        if self._info is None:
            response = self._transact(Command.IDENTIFY, 0, 2, ())
            word0, max_burst = response.data
            if word0 >> 16 != LINK_MAGIC:
                raise LinkError(f"the device is not a cerite host link: IDENTIFY returned "
                                f"0x{word0:08x} (expected 0x{LINK_MAGIC:04x} in bits 16..31)")
            version = word0 & 0xFF
            if version != PROTOCOL_VERSION:
                raise LinkError(f"the device speaks host-link protocol version {version}, this "
                                f"driver speaks version {PROTOCOL_VERSION}")
            self._info = LinkInfo(version=version, addr_width=(word0 >> 8) & 0xFF,
                                  max_burst=max_burst)
        return self._info

    def read(self, address, count, *, fixed=False):
        """Read ``count`` words from ``address`` (incrementing, or the same address if
        ``fixed``); split into bursts of the device's ``max_burst``. Returns a list of ints."""
        _check_int("address", address, 32)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be a positive integer, not {count!r}")
        command = Command.READ_FIXED if fixed else Command.READ
        max_burst = self.info().max_burst
        words = []
        while len(words) < count:
            n = min(max_burst, count - len(words))
            at = address if fixed else address + len(words)
            words.extend(self._transact(command, at, n, ()).data)
        return words

    def write(self, address, words, *, fixed=False):
        """Write ``words`` to ``address`` (incrementing, or the same address if ``fixed``);
        split into bursts of the device's ``max_burst``."""
        _check_int("address", address, 32)
        words = [int(w) for w in words]
        if not words:
            raise ValueError("words must not be empty")
        _pack_words(words)
        command = Command.WRITE_FIXED if fixed else Command.WRITE
        max_burst = self.info().max_burst
        for start in range(0, len(words), max_burst):
            chunk = words[start:start + max_burst]
            self._transact(command, address if fixed else address + start, len(chunk), chunk)

    def request(self, command, address, *, length=1, payload=None):
        """Send one raw request (no splitting) and return its :class:`Response`; device errors
        raise. For tests and tools; :meth:`read` and :meth:`write` are the usual calls."""
        if self._info is None and command != Command.IDENTIFY:
            self.info()
        payload = tuple(int(w) for w in payload) if payload is not None else ()
        return self._transact(Command(command), address, length, payload)

    # -- one request, with retries ------------------------------------------------------------

    def _transact(self, command, address, length, payload):
        self.stats["requests"] += 1
        self._seq = (self._seq + 1) & 0xFF
        seq = self._seq
        frame = encode_request(command, seq, address, length=length,
                               payload=payload if command.has_payload else None)
        data_words = length if command in (Command.READ, Command.READ_FIXED) else 0
        if command == Command.IDENTIFY:
            data_words = 2
        response_bytes = RESPONSE_HEADER_BYTES + 4 * data_words + 4
        transport = self._transport
        wait = (self._timeout if self._timeout is not None else transport.default_timeout)
        wait += transport.transfer_time(len(frame) + response_bytes)
        self._rx.clear()
        transport.discard_input()
        failure = None
        for attempt in range(1 + self._retries):
            self.stats["attempts"] += 1
            transport.write(frame)
            outcome = self._receive(command, seq, data_words, time.monotonic() + wait)
            if isinstance(outcome, Response):
                if outcome.status == Status.BAD_CRC:
                    self.stats["device_crc"] += 1
                    failure = "device_crc"
                    continue
                return self._check(outcome, command, address, length, data_words)
            failure = outcome
        attempts = 1 + self._retries
        what = f"{command.name} at 0x{address:x} (seq {seq})"
        if failure == "timeout":
            raise LinkTimeout(f"no valid response to {what} in {attempts} attempts "
                              f"({wait:.2f} s each)")
        if failure == "corrupted":
            raise LinkCorrupted(f"the response to {what} failed its CRC in {attempts} attempts")
        raise DeviceBadCRC(f"the device saw a bad CRC in {what} in {attempts} attempts: the link "
                           f"corrupts requests", status=Status.BAD_CRC, command=command,
                           address=address, count=0)

    def _check(self, response, command, address, length, data_words):
        status = response.status
        if status == Status.OK:
            expected_count = 2 if command == Command.IDENTIFY else length
            if len(response.data) != data_words or response.count != expected_count:
                raise LinkError(f"malformed OK response to {command.name}: {len(response.data)} "
                                f"data words and count {response.count}, expected {data_words} "
                                f"and {expected_count}")
            return response
        if status not in _STATUS_ERRORS:
            raise LinkError(f"unknown status 0x{int(status):02x} in the response to "
                            f"{command.name} at 0x{address:x}")
        cls, text = _STATUS_ERRORS[status]
        if status == Status.BAD_LENGTH:
            max_burst = self._info.max_burst if self._info else "?"
            text = f"bad length {length} (the device takes 1..{max_burst} words)"
        raise cls(f"{text}: {command.name} of {length} words at 0x{address:x} "
                  f"({response.count} done)", status=status, command=command, address=address,
                  count=response.count)

    def _receive(self, command, seq, data_words, deadline):
        """Return the matching :class:`Response`, ``"timeout"`` or ``"corrupted"``."""
        buf = self._rx
        while True:
            while True:  # parse what has arrived
                start = buf.find(SYNC_RESPONSE)
                if start < 0:
                    buf.clear()
                    break
                del buf[:start]
                if len(buf) < RESPONSE_HEADER_BYTES:
                    break
                (length,) = struct.unpack_from("<H", buf, 4)
                if length not in (0, data_words):
                    del buf[0]  # not the start of a response to this request
                    continue
                total = RESPONSE_HEADER_BYTES + 4 * length + 4
                if len(buf) < total:
                    break
                frame = bytes(buf[:total])
                try:
                    response = decode_response(frame)
                except ValueError:
                    del buf[0]
                    self.stats["corrupted"] += 1
                    return "corrupted"
                del buf[:total]
                if response.seq != seq or response.command != command:
                    self.stats["stale"] += 1
                    continue
                return response
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stats["timeouts"] += 1
                return "timeout"
            buf += self._transport.read(65536, remaining)
