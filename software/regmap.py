"""Generate the host register map, ``software/regmap_generated.py``, from the gateware.

The register map has one source, the Amaranth register definitions (``cerite.hw.soc.top.SoC`` and
its units); this module walks them for every profile and writes a plain-data Python module the
driver reads (luna-soc's generators write C, SVD and Rust the same way; ``STYLE.md``). A test fails
when the checked-in copy is stale; regenerate it with :func:`write_regmap` (``cerite regmap``).
"""

from pathlib import Path

__all__ = ["regmap_path", "profile_map", "render_regmap", "write_regmap", "regmap_is_current"]

_HEX_KEYS = frozenset({"address", "base", "size", "map_hash"})
_WIDTH = 100


def regmap_path():
    """Where the generated module lives in this checkout (next to this file)."""
    return Path(__file__).resolve().parent / "regmap_generated.py"


def profile_map(profile):
    """The host map of one profile as plain data (what ``PROFILES[profile]`` holds)."""
    from amaranth.hdl import Fragment

    from .hw.soc.top import PROFILES, SoC
    # The clock only sets board facts (read-only, not part of the map's values).
    soc = SoC(profile=profile, clk_freq=12_000_000, baud=3_000_000)
    Fragment.get(soc, None)  # elaborates it once: the map is of a design that builds
    description = soc.describe()
    clusters = {}
    for cluster in description["clusters"]:
        registers = {}
        for reg in cluster["registers"]:
            entry = {"address": cluster["base"] + reg["offset"], "kind": reg["kind"],
                     "desc": reg["desc"]}
            if reg["kind"] == "register":
                entry["fields"] = {
                    f["name"]: {k: v for k, v in f.items() if k != "name"}
                    for f in reg["fields"]}
            else:
                entry.update(width=reg["width"], read=reg["read"], write=reg["write"])
            registers[reg["name"]] = entry
        clusters[cluster["name"]] = {"base": cluster["base"], "size": cluster["size"],
                                     "desc": cluster["desc"], "registers": registers}
    return {
        "code": PROFILES[profile].code,
        "desc": PROFILES[profile].desc,
        "addr_width": description["addr_width"],
        "map_hash": soc.map_hash,
        "parameters": {p.name: p.value for p in soc.parameters},
        "info": [p.name for p in soc.info],
        "clusters": clusters,
    }


def _literal(value, key=None):
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if key in _HEX_KEYS:
            return f"0x{value:04x}"
        if key in ("value", "init") and value > 0xFF:
            return f"0x{value:x}"
        return repr(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(_literal(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def _string(text, indent, used):
    """``repr(text)``, split into implicitly concatenated lines if it overflows the line."""
    flat = repr(text)
    if used + len(flat) <= _WIDTH - 1:
        return flat
    inner = " " * (indent + 4)
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if line and indent + 4 + len(repr(candidate + " ")) > _WIDTH:
            lines.append(line + " ")
            line = word
        else:
            line = candidate
    lines.append(line)
    return "(\n" + "".join(f"{inner}{chunk!r}\n" for chunk in lines) + " " * indent + ")"


def _render(value, indent, key=None):
    """Python source of ``value``, a dict on one line when it fits, else one entry a line."""
    pad = " " * indent
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            if isinstance(v, str):
                items.append(f"{k!r}: {_string(v, indent + 4, indent + 4 + len(repr(k)) + 2)}")
            else:
                items.append(f"{k!r}: {_render(v, indent + 4, k)}")
        flat = "{" + ", ".join(items) + "}"
        if "\n" not in flat and indent + len(flat) <= _WIDTH - 2:
            return flat
        inner = " " * (indent + 4)
        return "{\n" + "".join(f"{inner}{item},\n" for item in items) + pad + "}"
    if isinstance(value, list):
        flat = "[" + ", ".join(_render(v, indent + 4) for v in value) + "]"
        if "\n" not in flat and indent + len(flat) <= _WIDTH - 2:
            return flat
        inner = " " * (indent + 4)
        return "[\n" + "".join(f"{inner}{_render(v, indent + 4)},\n" for v in value) + pad + "]"
    return _literal(value, key)


def render_regmap():
    """The text of ``regmap_generated.py`` for every profile."""
    from .hw.soc.ident import IDENT_HEADER, IDENT_MAGIC, IDENT_VERSION
    from .hw.soc.top import PROFILES
    profiles = {name: profile_map(name) for name in PROFILES}
    lines = [
        '"""Host register map of the cerite SoC, one entry per profile.',
        "",
        "generated — do not edit: written by cerite.regmap.write_regmap() from the Amaranth",
        "register definitions (cerite.hw.soc.top.SoC and its units); tests/test_soc_regmap.py",
        "fails when it is stale.",
        '"""',
        "",
        "#: The identification block's magic number (ASCII 'CERI').",
        f"MAGIC = 0x{IDENT_MAGIC:08x}",
        "#: (major, minor) version of the SoC and identification format.",
        f"VERSION = {_literal(tuple(IDENT_VERSION))}",
        "#: Word address of the identification block and the offsets of its fixed header.",
        "IDENT_BASE = 0x0000",
        f"IDENT_HEADER = {_render(dict(IDENT_HEADER), 0)}",
        "",
        "#: profile -> code, parameters the device must report, info registers, clusters ->",
        "#: registers (absolute word addresses) -> fields.",
        f"PROFILES = {_render(profiles, 0)}",
        "",
    ]
    return "\n".join(lines)


def write_regmap(path=None):
    """Write the generated map to ``path`` (default :func:`regmap_path`); return the path."""
    path = Path(path) if path is not None else regmap_path()
    path.write_text(render_regmap())
    return path


def regmap_is_current(path=None):
    """Whether the file at ``path`` (default :func:`regmap_path`) is what would be generated."""
    path = Path(path) if path is not None else regmap_path()
    return path.exists() and path.read_text() == render_regmap()
