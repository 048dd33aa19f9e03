"""Build Verilator models once per design and reuse them.

A model is keyed by a digest of its Verilog text, its top-level name, the Verilator and cocotb
versions and the build options. The first process that needs a model builds it while holding a
file lock; every other process (another xdist worker, a later ``make test``) waits on the lock and
then reuses the finished build. A build that was interrupted has no ``BUILT`` marker and is redone.

The cache lives in ``$CERITE_CACHE_DIR``; by default in ``.cache/cerite`` of the checkout when the
package runs from one (so the tests, the CLI and the simulated board share their models), else in
``$XDG_CACHE_HOME/cerite`` or ``~/.cache/cerite``.
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

__all__ = ["cache_dir", "Model", "build_cocotb_model", "file_lock"]

#: Options every cocotb model is built with. Tracing is compiled in so that a failing test can be
#: rerun with a waveform without a rebuild; it costs nothing while no trace is opened.
#: Amaranth's output trips some of Verilator's style warnings; lint is a test of its own.
COCOTB_BUILD_ARGS = ("-Wno-fatal", "-O3", "--x-assign", "fast", "--x-initial", "fast")


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


def build_cocotb_model(verilog_text, toplevel):
    """Return the cocotb/Verilator model of ``verilog_text``, building it only if not cached."""
    use_verilator()
    key = verilog_digest(verilog_text, toplevel, verilator_version(), cocotb.__version__,
                         *COCOTB_BUILD_ARGS)
    models = cache_dir() / "models"
    directory = models / f"{toplevel}-{key}"
    marker = directory / "BUILT"
    if marker.exists():
        return Model(directory, toplevel, key, built_now=False)
    with file_lock(models / f"{toplevel}-{key}.lock"):
        if marker.exists():
            return Model(directory, toplevel, key, built_now=False)
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        source = directory / f"{toplevel}.v"
        source.write_text(verilog_text)
        runner = get_runner("verilator")
        runner.build(sources=[source], hdl_toplevel=toplevel, build_dir=directory, waves=True,
                     build_args=list(COCOTB_BUILD_ARGS), log_file=directory / "build.log")
        marker.write_text(key + "\n")
    return Model(directory, toplevel, key, built_now=True)
