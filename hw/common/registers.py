"""Register blocks: typed fields, an address builder, the bus decoders, the peripheral base class.

Our own register block in the shape of amaranth-soc's ``csr`` package (whose PyPI release is an
empty placeholder; ``spec/soc.md``, "System on chip"): registers with typed fields and access
modes, FIFO windows, a builder that assigns word offsets, and decoders on the internal bus
(:mod:`cerite.hw.common.bus`). Every register, field and window has a name and a description, so
the host register map (``cerite.regmap``) is generated from these definitions and never written by
hand.

Declaring registers, two equivalent spellings::

    class Control(Register):
        "Start and configure an operation."
        start = Field(1, Access.W1S, "Start the operation selected by ``op``")
        op = Field(2, Access.RW, "Operation code", init=1)

    status = Register("status", "What the unit is doing", fields={
        "busy": Field(1, Access.R, "An operation is running"),
    })

A unit on the bus is a :class:`Peripheral`: it builds a :class:`RegisterMap` with a
:class:`RegisterMapBuilder`, hands it to ``Peripheral.__init__``, and in ``elaborate`` wires its
logic to the field ports of ``self.regs`` (a :class:`RegisterBlock`), e.g.
``self.regs.control.start.pulse`` or ``self.regs.data.w`` (a stream).

Reads are free of side effects except on windows: a read of a window pops a word from the unit's
stream, a write pushes one. Writes have the effects of their fields' access modes (W1S pulses).
"""

import enum as py_enum
import re
from dataclasses import dataclass

from amaranth import Const, Module, Mux
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from .bus import BusError, BusSignature

__all__ = ["Access", "Field", "Register", "Window", "RegisterMap", "RegisterMapBuilder",
           "RegisterBlock", "AddressMap", "BusDecoder", "Parameter", "Peripheral", "DATA_WIDTH"]

#: Width of every register and of the bus data.
DATA_WIDTH = 32

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_name(what, name):
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"{what} name must be a lower-case identifier ([a-z][a-z0-9_]*), "
                         f"not {name!r}")
    if name == "signature":
        raise ValueError(f"{what} name {name!r} is reserved")


def _check_desc(what, desc):
    if not isinstance(desc, str) or not desc.strip():
        raise ValueError(f"{what} needs a description (a non-empty string), not {desc!r}")
    return " ".join(desc.split())


def _check_uint(name, value, *, minimum=0, maximum=None):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum \
            or (maximum is not None and value > maximum):
        bound = f"{minimum}..{maximum}" if maximum is not None else f">= {minimum}"
        raise ValueError(f"{name} must be an integer {bound}, not {value!r}")


class Access(py_enum.Enum):
    """How the host accesses a field, and which ports the field gives the unit.

    ========  ======================================  ========================================
    mode      host read / host write                  ports (from the register block)
    ========  ======================================  ========================================
    R         the unit's value / ignored              ``r_data: In``
    W         0 / the unit sees the value + strobe    ``w_data: Out``, ``w_stb: Out(1)``
    RW        the stored value / stores the value     ``data: Out`` (the storage, ``init``),
                                                      ``w_stb: Out(1)``
    RWU       the unit's value / value + strobe       ``r_data: In``, ``w_data: Out``,
              (the unit keeps the storage)            ``w_stb: Out(1)``
    W1S       0 / each 1 bit pulses for one cycle     ``pulse: Out``
    CONST     ``init`` / ignored                      none
    ========  ======================================  ========================================
    """
    R = "r"
    W = "w"
    RW = "rw"
    RWU = "rwu"
    W1S = "w1s"
    CONST = "const"

    @property
    def readable(self):
        """The host reads back a value (not always 0)."""
        return self in (Access.R, Access.RW, Access.RWU, Access.CONST)

    @property
    def writable(self):
        """A host write has an effect."""
        return self in (Access.W, Access.RW, Access.RWU, Access.W1S)


class Field:
    """One field of a register (a description; the register block makes the signals).

    Parameters
    ----------
    width : int
        Bits, 1..32.
    access : Access or str
        The access mode (``Access.RW`` or ``"rw"``).
    desc : str
        What the field means (goes into the host register map).
    init : int
        Reset value of ``RW`` storage, or the value of a ``CONST`` field; 0 for other modes.
    bit : int or None
        Position of the field's least significant bit; ``None`` packs it right after the
        previous field.
    """

    def __init__(self, width, access, desc, *, init=0, bit=None):
        _check_uint("field width", width, minimum=1, maximum=DATA_WIDTH)
        try:
            access = Access(access)
        except ValueError:
            modes = ", ".join(a.value for a in Access)
            raise ValueError(f"access must be one of {modes}, not {access!r}") from None
        self._desc = _check_desc("a field", desc)
        _check_uint("init", init)
        if init >> width:
            raise ValueError(f"init {init} does not fit a field of {width} bits")
        if init and access not in (Access.RW, Access.CONST):
            raise ValueError(f"init is only for rw and const fields, not {access.value}")
        if bit is not None:
            _check_uint("bit", bit, maximum=DATA_WIDTH - 1)
        self._width = width
        self._access = access
        self._init = init
        self._bit = bit

    width = property(lambda self: self._width)
    access = property(lambda self: self._access)
    desc = property(lambda self: self._desc)
    init = property(lambda self: self._init)
    bit = property(lambda self: self._bit)

    def port_signature(self):
        """The field's ports, from the register block's side (``None`` for CONST)."""
        w = self._width
        members = {
            Access.R: {"r_data": In(w)},
            Access.W: {"w_data": Out(w), "w_stb": Out(1)},
            Access.RW: {"data": Out(w, init=self._init), "w_stb": Out(1)},
            Access.RWU: {"r_data": In(w), "w_data": Out(w), "w_stb": Out(1)},
            Access.W1S: {"pulse": Out(w)},
            Access.CONST: None,
        }[self._access]
        return None if members is None else wiring.Signature(members)

    def __repr__(self):
        return f"Field({self._width}, {self._access.value!r}, {self._desc!r})"


def _snake_case(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


class Register:
    """A 32-bit register made of named fields.

    Subclass it with ``Field`` class attributes (the class name in snake case is the default
    name, the docstring the default description), or pass ``name``, ``desc`` and ``fields``.

    Fields are packed from bit 0 in the order given, unless a field names its ``bit``.
    """

    _class_fields = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        fields = {}
        for klass in reversed(cls.__mro__):
            for key, value in vars(klass).items():
                if isinstance(value, Field):
                    fields[key] = value
        cls._class_fields = fields

    def __init__(self, name=None, desc=None, *, fields=None):
        if name is None:
            name = _snake_case(type(self).__name__)
        _check_name("register", name)
        if desc is None and type(self) is not Register:
            desc = type(self).__doc__
        self._name = name
        self._desc = _check_desc(f"register {name!r}", desc)
        if fields is None:
            fields = dict(self._class_fields)
        elif self._class_fields:
            raise ValueError(f"register {name!r} has class-level fields; do not pass fields")
        if not isinstance(fields, dict) or not fields:
            raise ValueError(f"register {name!r} needs at least one field")
        layout = {}
        cursor = 0
        for field_name, field in fields.items():
            _check_name("field", field_name)
            if not isinstance(field, Field):
                raise TypeError(f"field {field_name!r} of register {name!r} must be a Field, "
                                f"not {field!r}")
            bit = cursor if field.bit is None else field.bit
            end = bit + field.width
            if end > DATA_WIDTH:
                raise ValueError(f"field {field_name!r} (bits {bit}..{end - 1}) of register "
                                 f"{name!r} does not fit in {DATA_WIDTH} bits")
            for other, (other_bit, other_field) in layout.items():
                if bit < other_bit + other_field.width and other_bit < end:
                    raise ValueError(
                        f"field {field_name!r} (bits {bit}..{end - 1}) overlaps field {other!r} "
                        f"(bits {other_bit}..{other_bit + other_field.width - 1}) in register "
                        f"{name!r}")
            layout[field_name] = (bit, field)
            cursor = end
        self._fields = layout

    name = property(lambda self: self._name)
    desc = property(lambda self: self._desc)

    @property
    def fields(self):
        """Field name -> ``(bit, Field)``, in declaration order."""
        return dict(self._fields)

    @property
    def writable(self):
        """Some field takes a host write."""
        return any(f.access.writable for _, f in self._fields.values())

    def port_signature(self):
        members = {}
        for field_name, (_, field) in self._fields.items():
            sig = field.port_signature()
            if sig is not None:
                members[field_name] = Out(sig)
        return wiring.Signature(members) if members else None

    def describe(self):
        fields = []
        for field_name, (bit, field) in self._fields.items():
            entry = {"name": field_name, "bit": bit, "width": field.width,
                     "access": field.access.value, "desc": field.desc}
            if field.access == Access.RW:
                entry["init"] = field.init
            if field.access == Access.CONST:
                entry["value"] = field.init
            fields.append(entry)
        return {"name": self._name, "kind": "register", "desc": self._desc, "fields": fields}

    def __repr__(self):
        return f"<Register {self._name}>"


class Window:
    """A FIFO window: one word address that reads pop from / writes push into a unit's stream.

    Parameters
    ----------
    name, desc : str
        Name and description.
    read : bool
        Host reads pop from the stream ``r`` (``In(stream.Signature(width))`` of the block).
    write : bool
        Host writes push into the stream ``w`` (``Out(stream.Signature(width))`` of the block).
    width : int
        Payload bits, 1..32 (reads are zero-extended, writes truncated).

    A read waits for ``r.valid`` and a write for ``w.ready``; the bus initiator bounds the wait,
    and when it gives up it drops the request, so ``w.valid`` may fall without a transfer.
    """

    def __init__(self, name, desc, *, read=True, write=True, width=DATA_WIDTH):
        _check_name("window", name)
        self._name = name
        self._desc = _check_desc(f"window {name!r}", desc)
        if not read and not write:
            raise ValueError(f"window {name!r} must allow reads, writes or both")
        _check_uint("window width", width, minimum=1, maximum=DATA_WIDTH)
        self._read = bool(read)
        self._write = bool(write)
        self._width = width

    name = property(lambda self: self._name)
    desc = property(lambda self: self._desc)
    read = property(lambda self: self._read)
    write = property(lambda self: self._write)
    width = property(lambda self: self._width)

    def port_signature(self):
        members = {}
        if self._read:
            members["r"] = In(stream.Signature(self._width))
        if self._write:
            members["w"] = Out(stream.Signature(self._width))
        return wiring.Signature(members)

    def describe(self):
        return {"name": self._name, "kind": "window", "desc": self._desc, "width": self._width,
                "read": self._read, "write": self._write}

    def __repr__(self):
        return f"<Window {self._name}>"


class RegisterMap:
    """The registers and windows of one unit at their word offsets (built by
    :class:`RegisterMapBuilder`). ``addr_width`` bits address it; iterating yields
    ``(offset, item)`` in offset order."""

    def __init__(self, *, name, desc, entries, addr_width):
        self._name = name
        self._desc = desc
        self._entries = tuple(sorted(entries, key=lambda e: e[0]))
        self._addr_width = addr_width

    name = property(lambda self: self._name)
    desc = property(lambda self: self._desc)
    addr_width = property(lambda self: self._addr_width)

    @property
    def size(self):
        """Words of address space (``2 ** addr_width``)."""
        return 1 << self._addr_width

    def __iter__(self):
        return iter(self._entries)

    def __getitem__(self, name):
        for offset, item in self._entries:
            if item.name == name:
                return offset, item
        raise KeyError(f"no register or window {name!r} in {self._name!r}")

    def describe(self):
        """Plain data (dicts, lists, ints, strings) for generators and hashes."""
        items = []
        for offset, item in self._entries:
            items.append({"offset": offset, **item.describe()})
        return {"name": self._name, "desc": self._desc, "size": self.size, "registers": items}


class RegisterMapBuilder:
    """Assigns word offsets to registers and windows of one unit.

    Parameters
    ----------
    name : str
        The unit's name: the cluster name in the SoC map (``"ntt"``, ``"mmu"``).
    desc : str
        What the unit is.
    """

    _RESERVED = frozenset({"bus", "signature", "register_map", "elaborate", "regs"})

    def __init__(self, *, name, desc):
        _check_name("cluster", name)
        self._name = name
        self._desc = _check_desc(f"cluster {name!r}", desc)
        self._entries = []
        self._cursor = 0
        self._built = False

    def add(self, item, *, offset=None, align=1):
        """Place ``item`` (a :class:`Register` or :class:`Window`) and return it.

        ``offset=None`` takes the next free offset after the last placed item, rounded up to a
        multiple of ``align`` (a power of two).
        """
        if self._built:
            raise RuntimeError(f"cluster {self._name!r} is already built")
        if not isinstance(item, (Register, Window)):
            raise TypeError(f"only a Register or a Window can be added, not {item!r}")
        _check_uint("align", align, minimum=1)
        if align & (align - 1):
            raise ValueError(f"align must be a power of two, not {align}")
        if item.name in self._RESERVED or item.name.startswith("_"):
            raise ValueError(f"register name {item.name!r} is reserved")
        for other_offset, other in self._entries:
            if other.name == item.name:
                raise ValueError(f"name {item.name!r} is used twice in cluster {self._name!r}")
        if offset is None:
            offset = (self._cursor + align - 1) & ~(align - 1)
        else:
            _check_uint("offset", offset)
            if offset % align:
                raise ValueError(f"offset 0x{offset:x} is not aligned to {align}")
        for other_offset, other in self._entries:
            if other_offset == offset:
                raise ValueError(f"{type(item).__name__.lower()} {item.name!r} at offset "
                                 f"0x{offset:x} overlaps {type(other).__name__.lower()} "
                                 f"{other.name!r} in cluster {self._name!r}")
        self._entries.append((offset, item))
        self._cursor = max(self._cursor, offset + 1)
        return item

    def build(self, *, addr_width=None):
        """Return the :class:`RegisterMap`; ``addr_width`` defaults to the fewest bits (>= 1)
        that cover every offset."""
        if not self._entries:
            raise ValueError(f"cluster {self._name!r} has no registers")
        needed = max(1, max(offset for offset, _ in self._entries).bit_length())
        if addr_width is None:
            addr_width = needed
        else:
            _check_uint("addr_width", addr_width, minimum=1, maximum=32)
            if addr_width < needed:
                raise ValueError(f"cluster {self._name!r} needs {needed} address bits, more "
                                 f"than addr_width {addr_width}")
        self._built = True
        return RegisterMap(name=self._name, desc=self._desc, entries=self._entries,
                           addr_width=addr_width)


class RegisterBlock(wiring.Component):
    """The bus target that implements a :class:`RegisterMap`.

    Unmapped offsets answer ``UNMAPPED``; writes to a register without a writable field and
    accesses a window does not allow answer ``DENIED``. Registers answer in the cycle of the
    strobe; windows when their stream is ready.

    Members
    -------
    bus : In(BusSignature(addr_width=register_map.addr_width))
        The bus port.
    <register> : Out(...)
        One member per register with non-constant fields: ``<register>.<field>.<port>`` (see
        :class:`Access`); one per window: ``<window>.r`` / ``<window>.w`` streams.
    """

    def __init__(self, register_map):
        if not isinstance(register_map, RegisterMap):
            raise TypeError(f"register_map must be a RegisterMap, not {register_map!r}")
        self._map = register_map
        members = {"bus": In(BusSignature(addr_width=register_map.addr_width))}
        for _, item in register_map:
            sig = item.port_signature()
            if sig is not None:
                members[item.name] = Out(sig)
        super().__init__(members)

    @property
    def register_map(self):
        return self._map

    def elaborate(self, platform):
        m = Module()
        bus = self.bus
        access = bus.r_stb | bus.w_stb
        with m.If(access):
            with m.Switch(bus.addr):
                for offset, item in self._map:
                    with m.Case(offset):
                        if isinstance(item, Register):
                            self._elaborate_register(m, item)
                        else:
                            self._elaborate_window(m, item)
                with m.Default():
                    m.d.comb += [bus.ack.eq(1), bus.err.eq(BusError.UNMAPPED)]
        return m

    def _elaborate_register(self, m, reg):
        bus = self.bus
        ports = getattr(self, reg.name, None)
        write = bus.w_stb  # inside the case of this register's offset, with the strobe high
        value = Const(0, DATA_WIDTH)
        for field_name, (bit, field) in reg.fields.items():
            port = getattr(ports, field_name, None)
            bits = bus.w_data[bit:bit + field.width]
            mode = field.access
            if mode == Access.CONST:
                value = value | (Const(field.init, DATA_WIDTH) << bit)
            if mode in (Access.R, Access.RWU):
                value = value | (port.r_data.as_unsigned() << bit)
            if mode == Access.RW:
                value = value | (port.data.as_unsigned() << bit)
                with m.If(write):
                    m.d.sync += port.data.eq(bits)
            if mode in (Access.W, Access.RWU):
                m.d.comb += port.w_data.eq(bits)
            if mode in (Access.W, Access.RW, Access.RWU):
                m.d.comb += port.w_stb.eq(write)
            if mode == Access.W1S:
                m.d.comb += port.pulse.eq(Mux(write, bits, 0))
        m.d.comb += bus.ack.eq(1)
        with m.If(bus.r_stb):
            m.d.comb += bus.r_data.eq(value[:DATA_WIDTH])
        if not reg.writable:
            with m.If(bus.w_stb):
                m.d.comb += bus.err.eq(BusError.DENIED)

    def _elaborate_window(self, m, window):
        bus = self.bus
        ports = getattr(self, window.name)
        with m.If(bus.r_stb):
            if window.read:
                m.d.comb += [
                    ports.r.ready.eq(1),
                    bus.ack.eq(ports.r.valid),
                    bus.r_data.eq(ports.r.payload),
                ]
            else:
                m.d.comb += [bus.ack.eq(1), bus.err.eq(BusError.DENIED)]
        with m.If(bus.w_stb):
            if window.write:
                m.d.comb += [
                    ports.w.valid.eq(1),
                    ports.w.payload.eq(bus.w_data[:window.width]),
                    bus.ack.eq(ports.w.ready),
                ]
            else:
                m.d.comb += [bus.ack.eq(1), bus.err.eq(BusError.DENIED)]


class AddressMap:
    """Places named clusters in a word address space, each at a base aligned to its size.

    Parameters
    ----------
    addr_width : int
        Word address bits of the whole space, 1..32.
    granule : int
        Bases chosen by the map are multiples of this many words (a power of two), so cluster
        addresses are easy to read.
    """

    def __init__(self, *, addr_width, granule=0x100):
        _check_uint("addr_width", addr_width, minimum=1, maximum=32)
        _check_uint("granule", granule, minimum=1)
        if granule & (granule - 1):
            raise ValueError(f"granule must be a power of two, not {granule}")
        self._addr_width = addr_width
        self._granule = granule
        self._clusters = []

    addr_width = property(lambda self: self._addr_width)

    @property
    def clusters(self):
        """``(name, base, size)`` of every cluster, in the order added."""
        return list(self._clusters)

    def add(self, name, size, *, base=None):
        """Place cluster ``name`` of ``size`` words (a power of two) and return its base.
        ``base=None`` takes the lowest free base after the clusters placed so far that is a
        multiple of both ``size`` and the granule."""
        _check_name("cluster", name)
        _check_uint("size", size, minimum=1)
        if size & (size - 1):
            raise ValueError(f"size of cluster {name!r} must be a power of two, not {size}")
        for other, _, _ in self._clusters:
            if other == name:
                raise ValueError(f"cluster name {name!r} is used twice")
        space = 1 << self._addr_width
        if base is None:
            step = max(size, self._granule)
            cursor = max((b + s for _, b, s in self._clusters), default=0)
            base = (cursor + step - 1) // step * step
        else:
            _check_uint("base", base)
            if base % size:
                raise ValueError(f"cluster {name!r} at 0x{base:x} is not aligned to its size "
                                 f"0x{size:x}")
        if base + size > space:
            raise ValueError(f"cluster {name!r} of 0x{size:x} words at 0x{base:x} does not fit "
                             f"the {self._addr_width}-bit address space")
        for other, other_base, other_size in self._clusters:
            if base < other_base + other_size and other_base < base + size:
                raise ValueError(
                    f"cluster {name!r} (0x{base:x}..0x{base + size - 1:x}) overlaps cluster "
                    f"{other!r} (0x{other_base:x}..0x{other_base + other_size - 1:x})")
        self._clusters.append((name, base, size))
        return base


class BusDecoder(wiring.Component):
    """Routes the bus to named clusters (bus targets), each at a base aligned to its size.

    Parameters
    ----------
    addr_width : int
        Word address bits of the whole bus, 1..32.
    granule : int
        See :class:`AddressMap`.

    Members
    -------
    bus : In(BusSignature(addr_width=addr_width))
        The initiator's side. Addresses outside every cluster answer ``UNMAPPED`` at once.
    """

    def __init__(self, *, addr_width, granule=0x100):
        self._map = AddressMap(addr_width=addr_width, granule=granule)
        self._targets = []
        self._frozen = False
        super().__init__({"bus": In(BusSignature(addr_width=addr_width))})

    @property
    def clusters(self):
        """``(name, base, size)`` of every cluster, in the order added."""
        return self._map.clusters

    def add(self, bus, *, name, base=None):
        """Route a cluster to ``bus`` (a target's ``In(BusSignature(...))`` port, whose
        ``addr_width`` gives the cluster's size); return its base (see :meth:`AddressMap.add`).
        """
        if self._frozen:
            raise RuntimeError("clusters cannot be added after elaboration")
        sig = getattr(bus, "signature", None)
        if not isinstance(sig, wiring.FlippedSignature) \
                or not isinstance(sig.flip(), BusSignature):
            raise TypeError(f"cluster {name!r} must be a bus target port "
                            f"(In(BusSignature(...))), not {bus!r}")
        sig = sig.flip()
        width = self.bus.signature.flip().data_width
        if sig.data_width != width:
            raise ValueError(f"cluster {name!r} has {sig.data_width}-bit data, the bus {width}")
        base = self._map.add(name, 1 << sig.addr_width, base=base)
        self._targets.append(bus)
        return base

    def elaborate(self, platform):
        self._frozen = True
        m = Module()
        bus = self.bus
        selected = Const(0)
        for (name, base, size), target in zip(self._map.clusters, self._targets):
            bits = size.bit_length() - 1
            sel = bus.addr[bits:] == (base >> bits)
            selected = selected | sel
            m.d.comb += [
                target.addr.eq(bus.addr[:bits]),
                target.w_data.eq(bus.w_data),
                target.w_stb.eq(bus.w_stb & sel),
                target.r_stb.eq(bus.r_stb & sel),
            ]
            with m.If(sel):
                m.d.comb += [
                    bus.ack.eq(target.ack),
                    bus.r_data.eq(target.r_data),
                    bus.err.eq(target.err),
                ]
        with m.If((bus.r_stb | bus.w_stb) & ~selected):
            m.d.comb += [bus.ack.eq(1), bus.err.eq(BusError.UNMAPPED)]
        return m


@dataclass(frozen=True)
class Parameter:
    """One elaborated parameter of a unit, reported by the identification block."""
    name: str
    value: int
    desc: str

    def __post_init__(self):
        _check_name("parameter", self.name)
        _check_uint(f"parameter {self.name!r}", self.value, maximum=0xFFFFFFFF)
        _check_desc(f"parameter {self.name!r}", self.desc)


class Peripheral(wiring.Component):
    """Base class of a unit on the internal bus: a register block plus the unit's logic.

    Parameters
    ----------
    register_map : RegisterMap
        The unit's registers and windows; its ``name`` is the unit's cluster name.
    parameters : iterable of Parameter or (name, value, desc)
        Elaborated parameters the identification block reports, so the host can refuse a
        design that does not match.
    members : dict
        Further signature members of the unit (for instance ``"busy": Out(1)``, which the SoC
        uses to tell when the whole design is idle).

    Subclasses call ``m = super().elaborate(platform)`` and add their logic to ``m``, driving
    and reading the field ports of :attr:`regs`.

    Members
    -------
    bus : In(BusSignature(addr_width=register_map.addr_width))
        The unit's bus port.
    """

    def __init__(self, register_map, *, parameters=(), members=None):
        if not isinstance(register_map, RegisterMap):
            raise TypeError(f"register_map must be a RegisterMap, not {register_map!r}")
        params = []
        for p in parameters:
            params.append(p if isinstance(p, Parameter) else Parameter(*p))
        names = [p.name for p in params]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"parameter {name!r} of {register_map.name!r} is given twice")
        signature = {"bus": In(BusSignature(addr_width=register_map.addr_width))}
        for key, member in (members or {}).items():
            if key in signature:
                raise ValueError(f"member name {key!r} is reserved")
            signature[key] = member
        self._register_map = register_map
        self._parameters = tuple(params)
        self._regs = None
        super().__init__(signature)

    @property
    def regs(self):
        """The unit's :class:`RegisterBlock` (made on first use, normally in ``elaborate``)."""
        if self._regs is None:
            self._regs = RegisterBlock(self._register_map)
        return self._regs

    @property
    def name(self):
        """The unit's cluster name."""
        return self._register_map.name

    @property
    def register_map(self):
        return self._register_map

    @property
    def parameters(self):
        """The :class:`Parameter` tuple."""
        return self._parameters

    def elaborate(self, platform):
        m = Module()
        m.submodules.registers = self.regs
        wiring.connect(m, wiring.flipped(self.bus), self.regs.bus)
        return m
