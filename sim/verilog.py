"""Turn Amaranth components into Verilog text that is the same on every machine.

Source-location attributes are left out (they would carry machine paths and make the text depend
on where the checkout lives), so the text hashes the same everywhere: the model cache and the
checked-in ``rtl/`` both rely on that.
"""

import hashlib

from amaranth.back import verilog

__all__ = ["generate_verilog", "verilog_digest"]


def generate_verilog(design, name):
    """Return the Verilog of ``design`` (an Amaranth ``wiring.Component``) as module ``name``."""
    if not name.isidentifier():
        raise ValueError(f"module name must be a Verilog identifier, not {name!r}")
    return verilog.convert(design, name=name, emit_src=False)


def verilog_digest(*parts):
    """A short, stable hex digest of text parts (Verilog, tool versions, options)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(str(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:20]
