"""`Device`: a cerite SoC opened over a transport, with registers and windows by name.

On open the driver reads the identification block (``cerite.hw.soc.ident``) and refuses a design
whose profile, parameters or register-map hash differ from the generated host register map
(:mod:`cerite.regmap_generated`), so register names always mean what the gateware says
(``spec/soc.md``: "so the host can refuse a bitstream that does not match what it expects").
"""

from dataclasses import dataclass

from .link import Link, LinkInfo
from .transport import open_transport

__all__ = ["DesignMismatch", "Identity", "HostRegisterMap", "Device", "open_device"]


class DesignMismatch(Exception):
    """The device is not the design this driver's register map was generated from."""


@dataclass(frozen=True)
class Identity:
    """What the identification block says about the device."""
    profile: str
    version: tuple
    map_hash: int
    parameters: dict
    info: dict
    link: LinkInfo


class HostRegisterMap:
    """The generated register map of one profile (``regmap_generated.PROFILES[name]``)."""

    def __init__(self, name, data):
        self.name = name
        self.data = data
        self._registers = {}
        for cluster_name, cluster in data["clusters"].items():
            for reg_name, reg in cluster["registers"].items():
                self._registers[f"{cluster_name}.{reg_name}"] = reg

    def names(self):
        """Every ``cluster.register`` name."""
        return list(self._registers)

    def register(self, name):
        """The entry of ``cluster.register``: ``address``, ``kind``, ``desc``, ``fields`` or
        window ``read``/``write``."""
        try:
            return self._registers[name]
        except KeyError:
            raise KeyError(f"no register or window {name!r} in the {self.name!r} map") from None

    def address(self, name):
        """Word address of ``cluster.register``."""
        return self.register(name)["address"]

    def field(self, name):
        """``(register entry, field entry)`` of ``cluster.register.field``."""
        reg_name, _, field_name = name.rpartition(".")
        reg = self.register(reg_name)
        if reg["kind"] != "register" or field_name not in reg["fields"]:
            raise KeyError(f"no field {field_name!r} in {reg_name!r}")
        return reg, reg["fields"][field_name]


def _default_regmap():
    from .. import regmap_generated
    return regmap_generated


class Device:
    """A cerite SoC on ``transport``.

    Parameters
    ----------
    transport : Transport
        The byte pipe (``open_transport("sim")``); :meth:`close` closes it.
    retries, timeout :
        Passed to :class:`~cerite.driver.link.Link`.
    regmap : module or None
        The generated register map module (default :mod:`cerite.regmap_generated`).
    """

    def __init__(self, transport, *, retries=3, timeout=None, regmap=None):
        self._transport = transport
        self._link = Link(transport, retries=retries, timeout=timeout)
        self._generated = regmap if regmap is not None else _default_regmap()
        self.identity = self._identify()
        self.regmap = HostRegisterMap(self.identity.profile,
                                      self._generated.PROFILES[self.identity.profile])

    @classmethod
    def open(cls, spec=None, **kwargs):
        """Open the device ``spec`` names (see ``open_transport``); the transport is closed
        again if the device is refused."""
        transport = open_transport(spec)
        try:
            return cls(transport, **kwargs)
        except BaseException:
            transport.close()
            raise

    @property
    def link(self):
        return self._link

    @property
    def transport(self):
        return self._transport

    def close(self):
        self._transport.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- identification ------------------------------------------------------------------------

    def _identify(self):
        gen = self._generated
        link_info = self._link.info()
        header = gen.IDENT_HEADER
        words = self._link.read(gen.IDENT_BASE, max(header.values()) + 1)
        magic = words[header["magic"]]
        if magic != gen.MAGIC:
            raise DesignMismatch(f"not a cerite SoC: word 0x{gen.IDENT_BASE:x} reads "
                                 f"0x{magic:08x}, not the magic 0x{gen.MAGIC:08x}")
        version = words[header["version"]]
        major, minor = version >> 16, version & 0xFFFF
        if major != gen.VERSION[0]:
            raise DesignMismatch(f"the device's SoC version is {major}.{minor}; this driver "
                                 f"needs {gen.VERSION[0]}.x")
        code = words[header["profile"]]
        profiles = {data["code"]: name for name, data in gen.PROFILES.items()}
        if code not in profiles:
            raise DesignMismatch(f"the device reports profile code {code}; this driver knows "
                                 + ", ".join(f"{c} ({n})" for c, n in sorted(profiles.items())))
        name = profiles[code]
        data = gen.PROFILES[name]
        ident = data["clusters"]["ident"]["registers"]
        last = max(reg["address"] for reg in ident.values())
        values = self._link.read(gen.IDENT_BASE, last - gen.IDENT_BASE + 1)
        read = {reg_name: values[reg["address"] - gen.IDENT_BASE]
                for reg_name, reg in ident.items()}
        differences = [f"{param}: the device has {read[param]}, the driver expects {expected}"
                       for param, expected in data["parameters"].items()
                       if read[param] != expected]
        device_hash = words[header["map_hash"]]
        if device_hash != data["map_hash"] and not differences:
            differences.append(f"register map hash: the device has 0x{device_hash:08x}, the "
                               f"driver expects 0x{data['map_hash']:08x}")
        if differences:
            raise DesignMismatch(
                f"the device does not match this driver's {name!r} register map:\n  "
                + "\n  ".join(differences)
                + "\nrebuild the bitstream or simulated board from this checkout, or "
                  "regenerate software/regmap_generated.py")
        if link_info.max_burst != data["parameters"]["link_max_burst"]:
            raise DesignMismatch(f"the host link reports max_burst {link_info.max_burst}, the "
                                 f"identification block {data['parameters']['link_max_burst']}")
        return Identity(profile=name, version=(major, minor), map_hash=device_hash,
                        parameters={p: read[p] for p in data["parameters"]},
                        info={p: read[p] for p in data["info"]}, link=link_info)

    # -- registers ----------------------------------------------------------------------------

    def _resolve(self, name):
        """``(register entry, field entry or None)`` of a register or field name."""
        if name.count(".") >= 2:
            return self.regmap.field(name)
        return self.regmap.register(name), None

    def read(self, name):
        """Read a register (``"scratch.value0"``) or one field of it
        (``"scratch.control.mode"``)."""
        reg, field = self._resolve(name)
        if reg["kind"] != "register":
            raise ValueError(f"{name!r} is a window; use read_window")
        (word,) = self._link.read(reg["address"], 1)
        if field is None:
            return word
        return (word >> field["bit"]) & ((1 << field["width"]) - 1)

    def write(self, name, value=None, **fields):
        """Write a whole register (``write("scratch.value0", 5)``), one field
        (``write("scratch.control.mode", 3)``) or several (``write("scratch.control", mode=3,
        count=1)``). Fields not named keep their value if they are ``rw`` or ``rwu`` (read
        first and written back; an ``rwu`` unit still sees the write) and are written as 0
        otherwise (so W1S fields not named do not pulse)."""
        reg, field = self._resolve(name)
        if reg["kind"] != "register":
            raise ValueError(f"{name!r} is a window; use write_window")
        if field is not None:
            if fields:
                raise ValueError("give either a field name or field values, not both")
            if value is None:
                raise ValueError(f"writing {name!r} needs a value")
            fields = {name.rpartition(".")[2]: value}
            value = None
        if value is not None:
            if fields:
                raise ValueError("give either a register value or field values, not both")
            if isinstance(value, bool) or not isinstance(value, int) \
                    or not 0 <= value <= 0xFFFFFFFF:
                raise ValueError(f"value must be an integer in 0..4294967295, not {value!r}")
            self._link.write(reg["address"], [value])
            return
        if not fields:
            raise ValueError(f"writing {name!r} needs a value or field values")
        for key, val in fields.items():
            if key not in reg["fields"]:
                raise ValueError(f"{name!r} has no field {key!r}; its fields are "
                                 + ", ".join(reg["fields"]))
            width = reg["fields"][key]["width"]
            if isinstance(val, bool) or not isinstance(val, int) or not 0 <= val < (1 << width):
                raise ValueError(f"field {key!r} takes an integer in 0..{(1 << width) - 1}, "
                                 f"not {val!r}")
        keep = [k for k, f in reg["fields"].items()
                if f["access"] in ("rw", "rwu") and k not in fields]
        word = 0
        if keep:
            (current,) = self._link.read(reg["address"], 1)
            for key in keep:
                f = reg["fields"][key]
                word |= current & (((1 << f["width"]) - 1) << f["bit"])
        for key, val in fields.items():
            word |= val << reg["fields"][key]["bit"]
        self._link.write(reg["address"], [word])

    # -- windows and raw words ---------------------------------------------------------------

    def _window(self, name, direction):
        reg = self.regmap.register(name)
        if reg["kind"] != "window":
            raise ValueError(f"{name!r} is a register, not a window")
        if not reg[direction]:
            raise ValueError(f"window {name!r} does not allow {direction}s")
        return reg

    def read_window(self, name, count):
        """Pop ``count`` words from a window (split into bursts of ``max_burst``)."""
        return self._link.read(self._window(name, "read")["address"], count, fixed=True)

    def write_window(self, name, words):
        """Push ``words`` into a window (split into bursts of ``max_burst``)."""
        self._link.write(self._window(name, "write")["address"], words, fixed=True)

    def read_words(self, address, count, *, fixed=False):
        """Read ``count`` words at a raw word address."""
        return self._link.read(address, count, fixed=fixed)

    def write_words(self, address, words, *, fixed=False):
        """Write words at a raw word address."""
        self._link.write(address, words, fixed=fixed)


def open_device(spec=None, **kwargs):
    """``Device.open(spec, **kwargs)``: the device ``spec`` names, or ``$CERITE_DEVICE``, or
    the simulated board."""
    return Device.open(spec, **kwargs)
