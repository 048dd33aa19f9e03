"""Build Verilator models once per design and reuse them.

A model is keyed by a digest of its Verilog text, its top-level name, the Verilator and cocotb
versions and the build options. The first process that needs a model builds it while holding a
file lock; every other process (another xdist worker, a later ``make test``) waits on the lock and
then reuses the finished build. A build that was interrupted has no ``BUILT`` marker and is redone.

The cache lives in ``$CERITE_CACHE_DIR``; by default in ``.cache/cerite`` of the checkout when the
package runs from one (so the tests, the CLI and the simulated board share their models), else in
``$XDG_CACHE_HOME/cerite`` or ``~/.cache/cerite``.

A coverage model (``coverage=True``: Verilator's line and toggle coverage compiled in, see
:data:`COVERAGE_BUILD_ARGS`) has its own key and a ``-cov-`` directory, so it never replaces the
normal model of the same design; each of its runs writes a ``coverage.dat`` into its run folder.
"""

import contextlib
import fcntl
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import cocotb
from cocotb_tools.runner import get_runner

from .toolchain import use_verilator, verilator_version
from .verilog import verilog_digest

__all__ = ["cache_dir", "Model", "build_cocotb_model", "file_lock", "COVERAGE_BUILD_ARGS"]

#: Options every cocotb model is built with. Tracing is compiled in so that a failing test can be
#: rerun with a waveform without a rebuild; it costs nothing while no trace is opened.
#: Amaranth's output trips some of Verilator's style warnings; lint is a test of its own.
COCOTB_BUILD_ARGS = ("-Wno-fatal", "-O3", "--x-assign", "fast", "--x-initial", "fast")
#: Added for a coverage model: a counter on every statement block and on every bit of every signal.
COVERAGE_BUILD_ARGS = ("--coverage-line", "--coverage-toggle")


def _checkout_cache():
    """``.cache/cerite`` of the checkout this package runs from (editable install), else None."""
    top = Path(__file__).resolve().parent.parent
    return top / ".cache" / "cerite" if (top / "pyproject.toml").exists() else None


def cache_dir():
    """The root of the model cache (created on demand)."""
    root = os.environ.get("CERITE_CACHE_DIR") or _checkout_cache()
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        root = Path(base) / "cerite"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def file_lock(path):
    """Hold an exclusive ``flock`` on ``path`` (created if needed) for the ``with`` body."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Model:
    """A built Verilator model: ``directory`` holds the build, ``toplevel`` names the design."""
    directory: Path
    toplevel: str
    key: str
    built_now: bool
    coverage: bool = False


def build_cocotb_model(verilog_text, toplevel, *, coverage=False):
    """Return the cocotb/Verilator model of ``verilog_text``, building it only if not cached.

    ``coverage=True`` returns the coverage model of the same text (a separate build and key).
    """
    if not isinstance(coverage, bool):
        raise TypeError(f"coverage must be True or False, not {coverage!r}")
    use_verilator()
    args = COCOTB_BUILD_ARGS + (COVERAGE_BUILD_ARGS if coverage else ())
    key = verilog_digest(verilog_text, toplevel, verilator_version(), cocotb.__version__, *args)
    models = cache_dir() / "models"
    directory = models / f"{toplevel}-{'cov-' if coverage else ''}{key}"
    marker = directory / "BUILT"
    if marker.exists():
        return Model(directory, toplevel, key, built_now=False, coverage=coverage)
    with file_lock(models / f"{directory.name}.lock"):
        if marker.exists():
            return Model(directory, toplevel, key, built_now=False, coverage=coverage)
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        source = directory / f"{toplevel}.v"
        source.write_text(verilog_text)
        runner = get_runner("verilator")
        runner.build(sources=[source], hdl_toplevel=toplevel, build_dir=directory, waves=True,
                     build_args=list(args), log_file=directory / "build.log")
        marker.write_text(key + "\n")
    return Model(directory, toplevel, key, built_now=True, coverage=coverage)
