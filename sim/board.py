"""The simulated board: the SoC's Verilog, Verilated with a small C++ main into one executable.

``spec/soc.md``, "Simulated board". The board (``board_main.cpp``, package data next to this file)
bridges the SoC's UART pins to stdin/stdout, so the host driver's ``sim`` transport talks to it
with the same bytes as to a real board's serial port. It runs the SoC at 12 MHz nominal with a
3 Mbaud UART (4 clock cycles per bit, like the ICEBreaker), sleeps while the SoC is idle and exits
when stdin closes.

The default profile is ``"sim"`` (:data:`~cerite.hw.soc.top.PROFILES`): the full profile's units
with the MMU's table memory outside the SoC, which the C++ main serves from a zero-initialised
array (64 MiB; the size is compiled in with ``-DCERITE_TABLE_WORDS``, the read latency is the
``--mem-latency`` option, :data:`SIM_TABLE_LATENCY` cycles by default). The ``"full"`` and
``"small"`` profiles (on-chip table RAM, as in the bitstreams) build too.

Builds are cached under ``cerite.sim.models.cache_dir()/boards``, keyed by a digest of the
Verilog, the C++ source, the Verilator version and the build options; the first process builds
under a file lock and leaves a ``BUILT`` marker, every other one reuses the build.

A coverage board (``build_board(coverage=True)``, its own cache entry with ``-cov-`` in its name)
is built from Verilog that keeps Amaranth's source locations, with the cocotb coverage models'
options (:data:`cerite.sim.models.COVERAGE_BUILD_ARGS`); run with ``--coverage FILE``
(:func:`board_command`), it writes Verilator's counters to ``FILE`` when it exits, whether stdin
closed or it got SIGTERM, SIGINT or SIGHUP (a SIGKILL loses them). It measures the SoC's own logic
only (:func:`coverage_scope`): the NTT array and the MMU core have their own coverage models, and
counting every bit of every temporary wire made the board 55 times slower than the normal one.
"""

import functools
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .models import COVERAGE_BUILD_ARGS, cache_dir, file_lock
from .toolchain import verilator_env, verilator_version
from .verilog import generate_verilog, verilog_digest

__all__ = ["BOARD_TOP", "DEFAULT_PROFILE", "SIM_TABLE_LATENCY", "SIM_CLK_FREQ", "SIM_BAUD",
           "SIM_FRAME_TIMEOUT", "BUILD_ARGS", "BoardBuild", "board_soc", "board_verilog",
           "build_board", "board_command"]

#: Verilog module name of the simulated SoC (the C++ main includes ``V<BOARD_TOP>.h``).
BOARD_TOP = "cerite_soc"
#: Profile of the simulated board unless one is named.
DEFAULT_PROFILE = "sim"
#: Read latency, in cycles, of the simulated board's external table memory unless one is named:
#: a 64 MiB table memory stands for a DRAM behind a memory controller, whose reads take tens of
#: core cycles (row activation, CAS latency, the controller's pipeline); the on-chip RAM takes 1.
#: ``cerite.soc_bench`` measures walk cycles over a range of latencies.
SIM_TABLE_LATENCY = 16
#: Nominal clock of the simulated board (it only sets the timeouts in cycles).
SIM_CLK_FREQ = 12_000_000
#: UART rate of the simulated board: 4 cycles per bit at SIM_CLK_FREQ.
SIM_BAUD = 3_000_000
#: Seconds at the nominal clock after which a partly received request is dropped (shorter than
#: on the boards, whose USB bridges pause between packets; the simulated pipe does not).
SIM_FRAME_TIMEOUT = 0.002
#: Verilator options of every board build (tracing adds ``--trace``). Amaranth's output trips
#: some of Verilator's style warnings; lint is a test of its own.
BUILD_ARGS = ("--cc", "--exe", "--build", "-O3", "--x-assign", "fast", "--x-initial", "fast",
              "--noassert", "-Wno-fatal", "-Wno-lint", "-Wno-style",
              "-MAKEFLAGS", "OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2")
_BINARY = "cerite-board"


@dataclass(frozen=True)
class BoardBuild:
    """A built simulated board: run ``path`` (see :func:`board_command`)."""
    path: Path
    directory: Path
    key: str
    profile: str
    divisor: int
    trace: bool
    built_now: bool
    table_words: int = 0
    coverage: bool = False
    #: The Verilog the board was built from (with source locations on a coverage board).
    verilog: Path = None


def board_soc(profile=DEFAULT_PROFILE):
    """The SoC of the simulated board (a fresh :class:`~cerite.hw.soc.top.SoC`)."""
    from ..hw.soc.top import SoC, get_profile
    profile = get_profile(profile)  # a wrong name fails before any design object is made
    return SoC(profile=profile, clk_freq=SIM_CLK_FREQ, baud=SIM_BAUD,
               frame_timeout=SIM_FRAME_TIMEOUT)


@functools.cache
def board_verilog(profile=DEFAULT_PROFILE, *, src=False):
    """``(verilog_text, divisor, table_words)`` of the simulated board's SoC (generated once per
    process); ``table_words`` is the size of its external table memory in 64-bit words, 0 when
    it has none. ``src=True`` gives the text of a coverage build: Amaranth's source locations
    kept (machine paths: never for checked-in text), coverage scoped by :func:`coverage_scope`."""
    soc = board_soc(profile)
    unit = soc.table_unit
    table_words = unit.mem_bytes // 8 if unit is not None else 0
    if src:
        from amaranth.back import verilog as amaranth_verilog
        text = coverage_scope(amaranth_verilog.convert(soc, name=BOARD_TOP, emit_src=True))
    else:
        text = generate_verilog(soc, BOARD_TOP)
    return text, soc.divisor, table_words


#: Amaranth source folders whose modules (and everything under them) a coverage board leaves out.
COVERAGE_SKIPPED_SOURCES = ("hw/ntt/", "hw/lvm/")
_COV_OFF, _COV_ON = "/*verilator coverage_off*/ ", " /*verilator coverage_on*/"
_MODULE_LINE = re.compile(r"^module\s+\\?([^\s(]+)")
_ANONYMOUS_DECL = re.compile(r"^\s*(?:wire|reg)\b[^;]*\\\$\S*\s*(?:=[^;]*)?;\s*$")
_SRC_ATTR = re.compile(r'\(\*\s*src\s*=\s*"([^"]*)"\s*\*\)')


def coverage_scope(verilog):
    """``verilog`` (with source locations) with Verilator's coverage turned off, on the same lines
    (line numbers unchanged), for the modules defined in :data:`COVERAGE_SKIPPED_SOURCES` and
    their submodules, and for the toggles of anonymous wires (``\\$N``, Amaranth's and yosys'
    temporaries; their lines and branches are still counted)."""
    lines = verilog.splitlines()
    skipped, inside, last_src = [], False, None
    for number, line in enumerate(lines):
        found = _SRC_ATTR.findall(line)
        if found and not _SRC_ATTR.sub("", line).strip():
            last_src = found[-1]
            continue
        module = _MODULE_LINE.match(line)
        if module:
            name = module.group(1)
            path = (last_src or "").rpartition(":")[0].replace("\\", "/")
            inside = (any(f"/{folder}" in path for folder in COVERAGE_SKIPPED_SOURCES)
                      or any(name.startswith(parent + ".") for parent in skipped))
            if inside:
                skipped.append(name)
                lines[number] = _COV_OFF + line
        elif line.startswith("endmodule"):
            if inside:
                lines[number] = _COV_ON.strip() + " " + line
            inside = False
        elif not inside and _ANONYMOUS_DECL.match(line):
            lines[number] = _COV_OFF + line + _COV_ON
        if not line.lstrip().startswith("(*"):
            last_src = None
    return "\n".join(lines) + "\n"


def _main_source():
    return resources.files(__package__).joinpath("board_main.cpp").read_text()


def build_board(*, profile=DEFAULT_PROFILE, trace=False, coverage=False, progress=None):
    """Return the simulated board of ``profile``, building it only if it is not cached.

    ``trace=True`` builds the variant that can write a VCD; ``coverage=True`` the variant with
    Verilator's line and toggle coverage (run it with ``board_command(..., coverage=FILE)``).
    ``progress`` (a callable taking a message) hears about a build that actually runs; ``None``
    stays quiet.
    """
    if not isinstance(coverage, bool):
        raise TypeError(f"coverage must be True or False, not {coverage!r}")
    verilog, divisor, table_words = board_verilog(profile, src=coverage)
    source = _main_source()
    args = BUILD_ARGS + (("--trace", "-CFLAGS", "-DCERITE_TRACE") if trace else ())
    if coverage:
        args += COVERAGE_BUILD_ARGS
    if table_words:
        args += ("-CFLAGS", f"-DCERITE_TABLE_WORDS={table_words}ull")
    key = verilog_digest(verilog, source, verilator_version(), *args)
    boards = cache_dir() / "boards"
    variant = ("-trace" if trace else "") + ("-cov" if coverage else "")
    directory = boards / f"{profile}{variant}-{key}"
    binary = directory / "obj" / _BINARY
    marker = directory / "BUILT"

    def result(built_now):
        return BoardBuild(path=binary, directory=directory, key=key, profile=profile,
                          divisor=divisor, trace=trace, built_now=built_now,
                          table_words=table_words, coverage=coverage,
                          verilog=directory / f"{BOARD_TOP}.v")

    if marker.exists():
        return result(False)
    with file_lock(boards / f"{directory.name}.lock"):
        if marker.exists():
            return result(False)
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        (directory / f"{BOARD_TOP}.v").write_text(verilog)
        (directory / "board_main.cpp").write_text(source)
        if progress is not None:
            progress(f"building the simulated board ({profile} profile"
                     f"{', with coverage' if coverage else ''}) with Verilator; the first build "
                     f"takes a minute or two")
        started = time.monotonic()
        jobs = str(max(1, min(4, os.cpu_count() or 1)))
        command = ["verilator", *args, "--top-module", BOARD_TOP, "--Mdir", "obj",
                   "--build-jobs", jobs, "-o", _BINARY, f"{BOARD_TOP}.v", "board_main.cpp"]
        log = directory / "build.log"
        with open(log, "w") as handle:
            done = subprocess.run(command, cwd=directory, env=verilator_env(), stdout=handle,
                                  stderr=subprocess.STDOUT)
        if done.returncode != 0 or not binary.exists():
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
            raise RuntimeError(f"building the simulated board failed (see {log}):\n{tail}")
        marker.write_text(key + "\n")
        if progress is not None:
            progress(f"simulated board built in {time.monotonic() - started:.0f} s")
    return result(True)


def board_command(build, *, trace=None, linger=None, mem_latency=None, coverage=None):
    """The command line that runs ``build``; ``trace`` names a VCD file (needs a tracing build),
    ``mem_latency`` the read latency of the table memory in cycles (1..64, default
    :data:`SIM_TABLE_LATENCY`; boards with an external table memory only), ``coverage`` the file
    the coverage counters go to at exit (required by, and only for, a coverage build)."""
    if trace is not None and not build.trace:
        raise ValueError("trace needs a board built with build_board(trace=True)")
    if (coverage is not None) != build.coverage:
        raise ValueError("a board built with build_board(coverage=True) needs coverage=FILE"
                         if build.coverage else
                         "coverage needs a board built with build_board(coverage=True)")
    command = [str(build.path), "--divisor", str(build.divisor)]
    if mem_latency is not None:
        if not build.table_words:
            raise ValueError(f"mem_latency needs a board with an external table memory; the "
                             f"{build.profile!r} profile has none")
        if isinstance(mem_latency, bool) or not isinstance(mem_latency, int) \
                or not 1 <= mem_latency <= 64:
            raise ValueError(f"mem_latency must be an integer in 1..64, not {mem_latency!r}")
    elif build.table_words:
        mem_latency = SIM_TABLE_LATENCY
    if mem_latency is not None:
        command += ["--mem-latency", str(mem_latency)]
    if linger is not None:
        command += ["--linger", str(int(linger))]
    if trace is not None:
        command += ["--trace", str(trace)]
    if coverage is not None:
        command += ["--coverage", str(coverage)]
    return command
