"""Verilator lint of generated Verilog: ``--lint-only -Wall`` with the waivers in ``lint.vlt``."""

import subprocess
import tempfile
from pathlib import Path

from .toolchain import verilator_env

__all__ = ["lint_verilog", "WAIVERS"]

#: The waiver file (each waived rule is explained there).
WAIVERS = Path(__file__).with_name("lint.vlt")


def lint_verilog(verilog_text, toplevel):
    """Lint ``verilog_text`` (top module ``toplevel``); return Verilator's messages (empty: clean)."""
    with tempfile.TemporaryDirectory(prefix="cerite-lint-") as tmp:
        source = Path(tmp) / f"{toplevel}.v"
        source.write_text(verilog_text)
        result = subprocess.run(
            ["verilator", "--lint-only", "-Wall", "--top-module", toplevel, str(WAIVERS),
             str(source)],
            capture_output=True, text=True, env=verilator_env(), cwd=tmp)
    messages = [line for line in (result.stdout + result.stderr).splitlines()
                if line.startswith("%")]
    if result.returncode != 0 and not messages:
        messages = [f"verilator exited with {result.returncode}: {result.stderr.strip()}"]
    return [m.replace(tmp + "/", "") for m in messages]
