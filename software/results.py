"""Write measured results to ``docs/results/``: one JSON and one Markdown file per benchmark.

Every file records what produced it: the command line, the date, the machine (CPU model and core
count) and the tool versions, so a number in the docs can always be traced to its run.
"""

import datetime
import json
import os
import platform
import shlex
import sys
from pathlib import Path

__all__ = ["machine_info", "provenance", "results_dir", "write_results"]


def machine_info():
    """CPU model, core count, OS and Python of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "system": platform.platform(),
            "python": platform.python_version()}


def _tool_versions():
    versions = {}
    for module in ("cerite", "amaranth", "cocotb", "numpy"):
        try:
            versions[module] = __import__(module).__version__
        except Exception:
            pass
    return versions


def _program(argv0):
    """How the running program is invoked: ``cerite``, ``python -m <module>`` or the script."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name in ("cerite.cli", "cerite.__main__"):
        return ["cerite"]
    if spec is not None and spec.name.startswith("cerite."):
        return ["python", "-m", spec.name]
    return [Path(argv0).name or "cerite"]


def _portable(arg):
    """``arg`` without this machine's paths: a path inside the checkout relative to it, another
    absolute path as ``.../<name>``."""
    if not arg.startswith("/"):
        return arg
    path = Path(arg)
    try:
        return str(path.resolve().relative_to(Path(__file__).resolve().parent.parent))
    except ValueError:
        return f".../{path.name}"


def provenance(argv=None):
    """The record every result file carries: command (as typed, without machine paths), date,
    machine, tool versions."""
    argv = sys.argv if argv is None else argv
    command = [*_program(argv[0] if argv else "cerite"), *map(_portable, argv[1:])]
    return {"command": " ".join(shlex.quote(a) for a in command),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "machine": machine_info(), "tools": _tool_versions()}


def results_dir():
    """``docs/results`` of this checkout, or ``$CERITE_RESULTS_DIR`` when set."""
    env = os.environ.get("CERITE_RESULTS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "docs" / "results"


def write_results(name, data, markdown, directory=None):
    """Write ``<name>.json`` (``data`` plus provenance) and ``<name>.md``; return both paths."""
    directory = Path(directory) if directory else results_dir()
    directory.mkdir(parents=True, exist_ok=True)
    record = {"provenance": provenance(), **data}
    json_path = directory / f"{name}.json"
    json_path.write_text(json.dumps(record, indent=2, sort_keys=True, default=str) + "\n")
    prov = record["provenance"]
    md = (f"{markdown.rstrip()}\n\n"
          f"Measured on {prov['machine']['cpu']} ({prov['machine']['cores']} cores), "
          f"{prov['date']}, with `{prov['command']}`.\n")
    md_path = directory / f"{name}.md"
    md_path.write_text(md)
    return json_path, md_path
