"""Byte pipes to a device: the simulated board (the default) or a real board's serial port.

In the style of Glasgow's host code (``spec/soc.md``, "Simulated board"): the driver is written
against the abstract :class:`Transport`, implemented once over the simulated board's process and
once over a serial port, so every driver test on the simulator also exercises the code that drives
a real board.

``open_transport(spec)`` takes ``"sim"``, ``"sim:PROFILE"``, ``"serial:PORT"`` or
``"serial:PORT@BAUD"``; without a spec it reads ``$CERITE_DEVICE`` and falls back to ``"sim"``.
"""

import abc
import os
import re
import subprocess
import sys
import threading
import time

__all__ = ["TransportError", "Transport", "SimTransport", "SerialTransport", "open_transport",
           "DEFAULT_BAUD"]

#: The boards' UART rate (FT231X/FT2232H bridges).
DEFAULT_BAUD = 3_000_000


class TransportError(Exception):
    """The byte pipe could not be opened or broke."""


class Transport(abc.ABC):
    """A bidirectional byte pipe to one device.

    ``default_timeout`` is the response time, in seconds, the link allows beyond
    :meth:`transfer_time`.
    """

    default_timeout = 1.0

    @abc.abstractmethod
    def write(self, data):
        """Send all of ``data`` (bytes)."""

    @abc.abstractmethod
    def read(self, size, timeout):
        """Return 1..``size`` bytes as soon as any arrive, or ``b""`` after ``timeout`` s."""

    @abc.abstractmethod
    def close(self):
        """Release the pipe (idempotent)."""

    def transfer_time(self, nbytes):
        """Seconds ``nbytes`` take on the line (for timeouts)."""
        return 0.0

    def discard_input(self):
        """Drop bytes that have arrived but were not read."""
        while self.read(65536, 0):
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class SimTransport(Transport):
    """The simulated board: the SoC's Verilog built with Verilator, as a child process that
    exchanges the host-link bytes on its stdin/stdout.

    Parameters
    ----------
    profile : str or None
        SoC profile of the simulated board (default ``cerite.sim.board.DEFAULT_PROFILE``,
        ``"sim"``: the full units with a 64 MiB external table memory).
    trace : path or None
        Write a VCD waveform of the whole run there (builds a tracing variant of the board).
    mem_latency : int or None
        Read latency of the board's external table memory in cycles (default 1).

    The board is built on first use (and cached; see :mod:`cerite.sim.board`), with a progress
    message on stderr when stderr is a terminal. After :meth:`close`, ``stats`` holds the
    simulated cycles and the cycles per second of simulation.

    With ``$CERITE_COVERAGE_DIR`` set (as for the cocotb runs, see :mod:`cerite.sim.cocotb`) the
    coverage variant of the board runs, and each transport leaves ``<folder>/soc_<profile>/
    <run>.dat`` (written by the board when it exits: :meth:`close`, or the pipe closing) beside
    the board's Verilog, ``soc_<profile>.v``, for :mod:`cerite.assurance.coverage`. The coverage
    board is slower: its timeouts allow for :data:`COVERAGE_MIN_CYCLES_PER_SECOND` and
    :data:`COVERAGE_TIMEOUT`.
    """

    default_timeout = 2.0
    #: Slowest simulation speed the timeouts allow for, in cycles per second.
    MIN_CYCLES_PER_SECOND = 500_000
    #: The same for the coverage board (``$CERITE_COVERAGE_DIR``), and its response time.
    COVERAGE_MIN_CYCLES_PER_SECOND = 20_000
    COVERAGE_TIMEOUT = 10.0

    def __init__(self, *, profile=None, trace=None, mem_latency=None):
        from ..sim.board import DEFAULT_PROFILE, board_command, build_board
        profile = DEFAULT_PROFILE if profile is None else profile
        progress = None
        if sys.stderr.isatty():
            def progress(message):
                print(f"cerite: {message}", file=sys.stderr, flush=True)
        coverage_dir = os.environ.get("CERITE_COVERAGE_DIR") or None
        self._board = build_board(profile=profile, trace=trace is not None,
                                  coverage=coverage_dir is not None, progress=progress)
        #: The coverage file this run's board writes when it exits (None: no coverage).
        self.coverage_file = (None if coverage_dir is None
                              else _coverage_file(coverage_dir, self._board))
        command = board_command(self._board, trace=trace, mem_latency=mem_latency,
                                coverage=self.coverage_file)
        if self.coverage_file is not None:
            self.MIN_CYCLES_PER_SECOND = self.COVERAGE_MIN_CYCLES_PER_SECOND
            self.default_timeout = self.COVERAGE_TIMEOUT
        #: Read latency of the external table memory in cycles (None: the board has none).
        self.mem_latency = (int(command[command.index("--mem-latency") + 1])
                            if "--mem-latency" in command else None)
        self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, bufsize=0)
        self._buf = bytearray()
        self._eof = False
        self._cond = threading.Condition()
        self._stderr = []
        self._closed = False
        self.stats = None
        self._reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._reader.start()
        self._errors = threading.Thread(target=self._read_stderr, daemon=True)
        self._errors.start()

    @property
    def board(self):
        """The :class:`~cerite.sim.board.BoardBuild` in use."""
        return self._board

    def _read_stdout(self):
        out = self._proc.stdout
        while True:
            chunk = out.read(65536)
            with self._cond:
                if not chunk:
                    self._eof = True
                    self._cond.notify_all()
                    return
                self._buf += chunk
                self._cond.notify_all()

    def _read_stderr(self):
        for line in self._proc.stderr:
            self._stderr.append(line.decode(errors="replace").rstrip())

    def _died(self):
        code = self._proc.poll()
        tail = "; ".join(self._stderr[-5:])
        return TransportError(f"the simulated board exited (code {code})" +
                              (f": {tail}" if tail else ""))

    def write(self, data):
        if self._closed:
            raise TransportError("the transport is closed")
        try:
            self._proc.stdin.write(bytes(data))
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._died() from None

    def read(self, size, timeout):
        if self._closed:
            raise TransportError("the transport is closed")
        deadline = time.monotonic() + max(0.0, timeout)
        with self._cond:
            while not self._buf:
                if self._eof:
                    raise self._died()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return b""
                self._cond.wait(remaining)
            data = bytes(self._buf[:size])
            del self._buf[:size]
            return data

    def transfer_time(self, nbytes):
        cycles = nbytes * 10 * self._board.divisor
        return cycles / self.MIN_CYCLES_PER_SECOND

    def close(self):
        if self._closed:
            return
        self._closed = True
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._reader.join(timeout=5)
        self._errors.join(timeout=5)
        self._proc.stdout.close()
        self._proc.stderr.close()
        for line in self._stderr:
            match = re.search(r"cycles=(\d+) busy_s=([0-9.]+) wall_s=([0-9.]+)", line)
            if match:
                cycles, busy = int(match[1]), float(match[2])
                self.stats = dict(cycles=cycles, busy_s=busy, wall_s=float(match[3]),
                                  cycles_per_second=cycles / busy if busy > 0 else None)


def _coverage_file(folder, board):
    """A fresh ``.dat`` path under ``folder/soc_<profile>/``, with the board's Verilog saved
    there once as ``soc_<profile>.v`` (the layout :func:`cerite.assurance.coverage.collect`
    reads)."""
    import shutil
    import uuid
    from pathlib import Path
    design = f"soc_{board.profile}"
    design_dir = Path(folder) / design
    design_dir.mkdir(parents=True, exist_ok=True)
    verilog = design_dir / f"{design}.v"
    if not verilog.exists():
        partial = design_dir / f".{design}.v.{uuid.uuid4().hex[:8]}"
        shutil.copyfile(board.verilog, partial)
        partial.replace(verilog)    # atomic: parallel workers never see half a file
    return design_dir / f"{uuid.uuid4().hex[:12]}.dat"


class SerialTransport(Transport):
    """A real board on a serial port (pyserial, imported when the transport is opened).

    Parameters
    ----------
    port : str
        The port (``/dev/ttyUSB1``, ``COM3``) or a pyserial URL (``loop://``).
    baud : int
        The rate the bitstream was built for.
    """

    default_timeout = 0.25

    def __init__(self, port, *, baud=DEFAULT_BAUD):
        if isinstance(baud, bool) or not isinstance(baud, int) or baud <= 0:
            raise ValueError(f"baud must be a positive integer, not {baud!r}")
        try:
            import serial
        except ImportError:
            raise TransportError("the serial transport needs pyserial: pip install pyserial "
                                 "(or pip install -e '.[test]')") from None
        if port.startswith("/") and not os.path.exists(port):
            raise TransportError(f"serial port {port!r} does not exist")
        try:  # serial_for_url also takes pyserial URLs such as loop:// (used by the tests)
            self._port = serial.serial_for_url(port, baudrate=baud, timeout=0)
        except (serial.SerialException, OSError, ValueError) as error:
            raise TransportError(f"cannot open serial port {port!r}: {error}") from None
        self._baud = baud

    def write(self, data):
        self._port.write(bytes(data))
        self._port.flush()

    def read(self, size, timeout):
        self._port.timeout = max(0.0, timeout)
        first = self._port.read(1)
        if not first:
            return b""
        self._port.timeout = 0
        return first + self._port.read(min(size - 1, self._port.in_waiting))

    def transfer_time(self, nbytes):
        return nbytes * 10 / self._baud * 1.1 + 0.01

    def discard_input(self):
        self._port.reset_input_buffer()

    def close(self):
        if self._port is not None:
            self._port.close()
            self._port = None


def open_transport(spec=None):
    """Open the transport ``spec`` names (default: ``$CERITE_DEVICE``, else ``"sim"``)."""
    if spec is None:
        spec = os.environ.get("CERITE_DEVICE") or "sim"
    kind, _, rest = spec.partition(":")
    if kind == "sim":
        return SimTransport(profile=rest or None)
    if kind == "serial" and rest:
        port, _, baud = rest.partition("@")
        if baud and not baud.isdigit():
            raise ValueError(f"baud in {spec!r} must be an integer")
        return SerialTransport(port, baud=int(baud) if baud else DEFAULT_BAUD)
    raise ValueError(f"device must be 'sim', 'sim:PROFILE', 'serial:PORT' or "
                     f"'serial:PORT@BAUD', not {spec!r}")
