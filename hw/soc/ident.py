"""Identification block: magic, version, profile, register-map hash and every unit's parameters.

Always the cluster at word address 0 (``spec/soc.md``, "System on chip": "the elaborated
parameters of every unit, so the host can refuse a bitstream that does not match what it
expects"). Layout:

====== ============ =====================================================================
offset register     contents
====== ============ =====================================================================
0      magic        :data:`IDENT_MAGIC`, ASCII "CERI"
1      version      major (bits 16..31) and minor (bits 0..15) of the SoC/identification format
2      profile      the profile's code (``cerite.hw.soc.top.PROFILES``)
3      map_hash     32-bit hash of the register map and the parameter values (layout only,
                    descriptions excluded); the host compares it with its generated map
4..    board info   clock frequency, UART divisor, timeouts: read-only facts of this build,
                    not compared (the simulated board and each FPGA board differ here)
...    parameters   one constant register per elaborated parameter, ``<unit>_<name>``
====== ============ =====================================================================
"""

import hashlib
import json

from ..common.registers import (Access, Field, Parameter, Peripheral, Register,
                                RegisterMapBuilder)

__all__ = ["IDENT_MAGIC", "IDENT_VERSION", "IDENT_HEADER", "ident_register_map", "map_hash",
           "IdentBlock"]

#: ASCII "CERI", big-endian.
IDENT_MAGIC = 0x43455249
#: (major, minor) of the identification format and SoC conventions.
IDENT_VERSION = (1, 0)
#: Word offsets of the fixed header, the same in every design.
IDENT_HEADER = {"magic": 0, "version": 1, "profile": 2, "map_hash": 3}


def _const(name, desc, value, field_desc=None):
    return Register(name, desc, fields={
        name: Field(32, Access.CONST, field_desc or desc, init=value)})


def ident_register_map(*, profile_code, map_hash, parameters, info):
    """The identification block's :class:`~cerite.hw.common.registers.RegisterMap`.

    ``parameters`` and ``info`` are sequences of :class:`Parameter`; parameters become constant
    registers (compared by the host), info registers read-only ones (reported, not compared).
    """
    b = RegisterMapBuilder(name="ident", desc="Identification: what design this is")
    b.add(_const("magic", "Magic number, ASCII 'CERI': a cerite SoC", IDENT_MAGIC), offset=0)
    b.add(Register("version", "Version of the SoC and identification format", fields={
        "minor": Field(16, Access.CONST, "Minor version: compatible additions",
                       init=IDENT_VERSION[1]),
        "major": Field(16, Access.CONST, "Major version: incompatible changes",
                       init=IDENT_VERSION[0]),
    }), offset=1)
    b.add(_const("profile", "Code of the SoC profile the design was built for", profile_code),
          offset=2)
    b.add(_const("map_hash", "Hash of the register map layout and the parameter values",
                 map_hash), offset=3)
    for p in info:
        b.add(Register(p.name, p.desc, fields={p.name: Field(32, Access.R, p.desc)}))
    for p in parameters:
        b.add(_const(p.name, p.desc, p.value))
    return b.build()


def map_hash(description):
    """32-bit hash of a system description (``SoC.describe()``): names, addresses, fields,
    access modes and constant values; descriptions and the ``ident.map_hash`` value itself are
    left out."""
    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "desc"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node
    data = strip(description)
    for cluster in data["clusters"]:
        if cluster["name"] == "ident":
            for reg in cluster["registers"]:
                if reg["name"] == "map_hash":
                    reg["fields"][0]["value"] = 0
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


class IdentBlock(Peripheral):
    """The identification block (see the module docstring).

    Parameters
    ----------
    profile_code : int
        The profile's code.
    map_hash : int
        The hash of the whole register map (:func:`map_hash`).
    parameters : sequence of Parameter
        Elaborated parameters, names already unit-prefixed.
    info : sequence of Parameter
        Board facts (clock, divisor, timeouts), reported but not compared.
    """

    def __init__(self, *, profile_code, map_hash, parameters, info):
        self._info = tuple(p if isinstance(p, Parameter) else Parameter(*p) for p in info)
        params = tuple(p if isinstance(p, Parameter) else Parameter(*p) for p in parameters)
        names = list(IDENT_HEADER) + [p.name for p in self._info] + [p.name for p in params]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"identification register {name!r} is defined twice")
        register_map = ident_register_map(profile_code=profile_code, map_hash=map_hash,
                                          parameters=params, info=self._info)
        super().__init__(register_map, parameters=params)

    @property
    def info(self):
        return self._info

    def elaborate(self, platform):
        m = super().elaborate(platform)
        for p in self._info:
            port = getattr(getattr(self.regs, p.name), p.name)
            m.d.comb += port.r_data.eq(p.value)
        return m
