# amaranth: UnusedElaboratable=no
# (A SoC is often made for its register map only, never elaborated; its units need not warn.)
"""The cerite system on chip: UART -> host link -> bus decoder -> identification block + units.

One top level per profile, the same RTL on an FPGA board and in the simulated board
(``spec/soc.md``, "System on chip"). Each unit is a :class:`~cerite.hw.common.registers.Peripheral`
(its register block and its logic) and gets a cluster of the 16-bit word address space; the
identification block is always the cluster at address 0. Adding a unit is one entry in
:func:`default_units` (or the ``units`` argument of :class:`SoC`)::

    class NTTPeripheral(Peripheral):
        def __init__(self, *, log_n, width):
            b = RegisterMapBuilder(name="ntt", desc="NTT butterfly array")
            b.add(Register("control", "Start an operation", fields={
                "start": Field(1, Access.W1S, "Start the operation in op"),
                "op": Field(3, Access.RW, "Operation code")}))
            b.add(Window("coeffs", "Coefficients in and out, one per word"))
            super().__init__(b.build(), parameters=[("log_n", log_n, "log2 of N")],
                             members={"busy": Out(1)})

        def elaborate(self, platform):
            m = super().elaborate(platform)          # the register block, on self.bus
            m.submodules.array = array = NTTArray(...)
            m.d.comb += array.start.eq(self.regs.control.start.pulse)
            ...
            return m

The default units are :class:`ScratchPeripheral`, a test peripheral (scratch registers and a RAM
behind a FIFO window) that exercises every access mode and the whole path from the host to the
bus, the NTT array (:class:`~cerite.hw.soc.ntt_unit.NttUnit`) and the learned MMU with its table
RAM (:class:`~cerite.hw.soc.mmu_unit.MmuUnit`), sized by the profile.
"""

from dataclasses import dataclass

from amaranth import Const, Module, Mux, Signal
from amaranth.lib import memory, wiring
from amaranth.lib.wiring import In, Out

from ..common.bus import BusSignature
from ..common.registers import (Access, AddressMap, BusDecoder, Field, Parameter, Peripheral,
                                Register, RegisterMapBuilder, Window)
from .ident import IdentBlock, ident_register_map, map_hash
from .link import HostLink
from .mmu_unit import MmuUnit
from .ntt_unit import NttUnit
from .uart import UART, uart_divisor

__all__ = ["ADDR_WIDTH", "Profile", "PROFILES", "get_profile", "ScratchPeripheral",
           "default_units", "SoC"]

#: Word address bits of the internal bus (64 Ki words).
ADDR_WIDTH = 16


@dataclass(frozen=True)
class Profile:
    """What a board can hold: the host link's burst buffer and each unit's size.

    ``ntt`` holds the keyword arguments of :class:`NttUnit`, ``mmu`` those of :class:`MmuUnit`;
    ``None`` leaves the unit out.
    """
    name: str
    code: int
    max_burst: int
    scratch_depth: int
    desc: str
    ntt: dict = None
    mmu: dict = None


#: The SoC profiles (``spec/soc.md``, boards table). ``code`` goes into the identification block.
#: ``full`` and the ICEBreaker's two hold everything on chip (the bitstreams); ``sim`` is the
#: simulated board's, whose MMU table memory is outside the SoC (the ``table_*`` ports). The
#: iCE40UP5K's 5,280 logic cells hold the host link with the NTT array (``small``) or with the
#: radix-only MMU (``small-mmu``), not both (docs/fpga.md, "Whole SoC").
PROFILES = {
    "full": Profile("full", 1, max_burst=4096, scratch_depth=4096,
                    desc="ECP5 boards (ULX3S-85F): 4096-word bursts, the NTT array with two "
                         "lanes (the most the yowasp nextpnr routes beside the full MMU)",
                    ntt=dict(log_n=10, width=28, lanes=2, reducer="barrett", dsp_width=18),
                    mmu=dict(profile="full", mem_bytes=128 << 10, mem_base=0x10_0000,
                             queue_depth=256)),
    "small": Profile("small", 2, max_burst=1024, scratch_depth=256,
                     desc="iCE40UP5K (ICEBreaker), NTT bitstream: 1024-word bursts, the NTT "
                          "array with 16-bit q, N = 512, B = 1",
                     ntt=dict(log_n=9, width=16, lanes=1, reducer="montgomery")),
    "sim": Profile("sim", 3, max_burst=4096, scratch_depth=4096,
                   desc="The simulated board: the full profile's units with 64 MiB of table "
                        "memory outside the SoC, served by the board's C++ main, and products "
                        "not split into DSP blocks (the multiplier latency of 3 cycles)",
                   ntt=dict(log_n=10, width=28, lanes=4, reducer="barrett"),
                   mmu=dict(profile="full", mem_bytes=64 << 20, mem_base=0x400_0000,
                            queue_depth=256, external_memory=True)),
    "small-mmu": Profile("small-mmu", 4, max_burst=1024, scratch_depth=256,
                         desc="iCE40UP5K (ICEBreaker), MMU bitstream: 1024-word bursts, the "
                              "radix-only small MMU with 128 KiB of table memory (the SPRAM)",
                         mmu=dict(profile="small", mem_bytes=128 << 10, mem_base=0x10_0000,
                                  queue_depth=8, learned_walk=False)),
}


def get_profile(profile):
    """The :class:`Profile` named ``profile`` (a ``Profile`` is returned as it is)."""
    if isinstance(profile, Profile):
        return profile
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {profile!r}")
    return PROFILES[profile]


class ScratchPeripheral(Peripheral):
    """Test peripheral: four scratch registers, a pulse counter and a RAM behind a FIFO window.

    Parameters
    ----------
    depth : int
        Words of RAM, a power of two in 2..65536.

    Registers: ``value0``..``value3`` (RW), ``config`` (CONST: the depth), ``control`` (W1S
    ``count`` increments ``status.pulses``; RW ``mode``), ``status`` (R), ``ram_addr`` (RWU: the
    word the next ``ram_data`` access uses; every access advances it, wrapping at ``depth``),
    ``ram_data`` (window: a write stores at ``ram_addr``, a read returns the word there).
    """

    def __init__(self, *, depth=1024):
        if isinstance(depth, bool) or not isinstance(depth, int) or not 2 <= depth <= 65536 \
                or depth & (depth - 1):
            raise ValueError(f"depth must be a power of two in 2..65536, not {depth!r}")
        self._depth = depth
        b = RegisterMapBuilder(name="scratch", desc="Test peripheral: scratch registers and RAM")
        for i in range(4):
            b.add(Register(f"value{i}", f"Scratch value {i}: keeps what the host writes",
                           fields={"value": Field(32, Access.RW, "The stored value")}))
        b.add(Register("config", "Elaborated configuration", fields={
            "depth_log2": Field(5, Access.CONST, "log2 of the RAM depth in words",
                                init=depth.bit_length() - 1)}))
        b.add(Register("control", "Pulses and a mode", fields={
            "count": Field(1, Access.W1S, "Writing 1 increments status.pulses"),
            "mode": Field(4, Access.RW, "A stored mode, read back unchanged", bit=8, init=5),
        }))
        b.add(Register("status", "Counters", fields={
            "pulses": Field(16, Access.R, "Number of control.count pulses since reset"),
        }))
        b.add(Register("ram_addr", "RAM word the next ram_data access uses", fields={
            "addr": Field(16, Access.RWU, "Word address; each ram_data access advances it"),
        }))
        b.add(Window("ram_data", "RAM data: a write stores the word at ram_addr, a read "
                     "returns it; either advances ram_addr"))
        super().__init__(b.build(), parameters=[
            Parameter("depth", depth, "Words of scratch RAM behind the ram_data window")])

    @property
    def depth(self):
        return self._depth

    def elaborate(self, platform):
        m = super().elaborate(platform)
        regs = self.regs
        depth = self._depth

        pulses = Signal(16)
        with m.If(regs.control.count.pulse):
            m.d.sync += pulses.eq(pulses + 1)
        m.d.comb += regs.status.pulses.r_data.eq(pulses)

        m.submodules.ram = ram = memory.Memory(shape=32, depth=depth, init=[])
        wp = ram.write_port()
        rp = ram.read_port(transparent_for=(wp,))
        ptr = Signal(range(depth))
        ptr_next = Signal(range(depth))
        window = regs.ram_data
        m.d.comb += [
            regs.ram_addr.addr.r_data.eq(ptr),
            window.w.ready.eq(1),
            window.r.valid.eq(1),  # the read port always holds the word at ptr
            window.r.payload.eq(rp.data),
            wp.addr.eq(ptr),
            wp.data.eq(window.w.payload),
            wp.en.eq(window.w.valid),
        ]
        step = (window.w.valid & window.w.ready) | (window.r.valid & window.r.ready)
        m.d.comb += ptr_next.eq(Mux(regs.ram_addr.addr.w_stb, regs.ram_addr.addr.w_data,
                                    Mux(step, ptr + 1, ptr)))
        m.d.comb += rp.addr.eq(ptr_next)
        m.d.sync += ptr.eq(ptr_next)
        return m


def default_units(profile):
    """The units of a profile's SoC, in address order after the identification block."""
    profile = get_profile(profile)
    units = [ScratchPeripheral(depth=profile.scratch_depth)]
    if profile.ntt is not None:
        units.append(NttUnit(**profile.ntt))
    if profile.mmu is not None:
        units.append(MmuUnit(**profile.mmu))
    return units


def _check_unit(unit):
    sig = getattr(getattr(unit, "bus", None), "signature", None)
    if not isinstance(sig, wiring.FlippedSignature) or not isinstance(sig.flip(), BusSignature) \
            or not hasattr(unit, "register_map") or not hasattr(unit, "parameters"):
        raise TypeError(f"a unit must be a Peripheral (a bus port, a register map and "
                        f"parameters), not {unit!r}")


class SoC(wiring.Component):
    """The system on chip of one profile.

    Parameters
    ----------
    profile : str or Profile
        ``"full"``, ``"small"``, ``"small-mmu"`` or ``"sim"`` (:data:`PROFILES`).
    clk_freq : int or float
        Core clock in Hz.
    baud : int or float
        UART baud rate; ``clk_freq / baud`` must round to a divisor >= 4 within 2 %.
    units : sequence of Peripheral or None
        The units after the identification block; ``None`` takes :func:`default_units`.
    frame_timeout : float
        Seconds without a byte after which a partly received request is dropped.
    bus_timeout : int
        Cycles a bus access may take before the request fails with ``TIMEOUT``.

    Members
    -------
    uart_rx : In(1, init=1)
        UART receive pin (from the host).
    uart_tx : Out(1, init=1)
        UART transmit pin (to the host).
    idle : Out(1)
        The host link waits for a request, the UART is quiet and no unit with a ``busy`` port
        is busy: nothing happens until the host sends something (the simulated board sleeps).
    table_addr, table_re, table_we, table_wmask, table_wdata : Out; table_rdata, table_rvalid : In
        Only when a unit has an external table memory (its ``mem`` port, see
        :func:`~cerite.hw.soc.mmu_unit.table_memory_signature`), brought out flat so that the
        Verilog port names are plain (``table_addr``, ...). At most one unit may have one.
    """

    def __init__(self, *, profile="full", clk_freq, baud, units=None, frame_timeout=0.01,
                 bus_timeout=1024):
        self._profile = get_profile(profile)
        self._divisor = uart_divisor(clk_freq=clk_freq, baud=baud)
        if not isinstance(frame_timeout, (int, float)) or frame_timeout <= 0:
            raise ValueError(f"frame_timeout must be a positive number of seconds, not "
                             f"{frame_timeout!r}")
        if isinstance(bus_timeout, bool) or not isinstance(bus_timeout, int) or bus_timeout < 1:
            raise ValueError(f"bus_timeout must be a positive integer, not {bus_timeout!r}")
        self._clk_freq = clk_freq
        self._baud = baud
        self._frame_timeout = max(1, round(clk_freq * frame_timeout))
        self._bus_timeout = bus_timeout
        units = default_units(self._profile) if units is None else list(units)
        names = []
        for unit in units:
            _check_unit(unit)
            if unit.register_map.name == "ident":
                raise ValueError("unit name 'ident' is reserved for the identification block")
            if unit.register_map.name in names:
                raise ValueError(f"two units are named {unit.register_map.name!r}")
            names.append(unit.register_map.name)
        self._units = tuple(units)

        max_burst = self._profile.max_burst
        self._parameters = (
            Parameter("link_max_burst", max_burst, "Words per host-link request"),
            Parameter("link_addr_width", ADDR_WIDTH, "Word address bits of the internal bus"),
            *(Parameter(f"{u.register_map.name}_{p.name}", p.value, p.desc)
              for u in units for p in u.parameters),
        )
        self._info = (
            Parameter("clk_freq", round(clk_freq), "Core clock frequency in Hz"),
            Parameter("uart_divisor", self._divisor, "Clock cycles per UART bit"),
            Parameter("frame_timeout", self._frame_timeout,
                      "Cycles without a byte that drop a partly received request"),
            Parameter("bus_timeout", bus_timeout, "Cycles a bus access may take"),
        )

        # Place the clusters and hash the map with a placeholder identification block, then
        # build the real one with the hash (same layout).
        ident_map = ident_register_map(profile_code=self._profile.code, map_hash=0,
                                       parameters=self._parameters, info=self._info)
        layout = AddressMap(addr_width=ADDR_WIDTH)
        layout.add("ident", ident_map.size, base=0)
        for unit in units:
            layout.add(unit.register_map.name, unit.register_map.size)
        self._bases = {name: base for name, base, _ in layout.clusters}
        self._map_hash = map_hash(self._describe([ident_map] + [u.register_map for u in units]))

        self._ident_map = ident_register_map(profile_code=self._profile.code,
                                             map_hash=self._map_hash,
                                             parameters=self._parameters, info=self._info)
        external = [u for u in units if "mem" in u.signature.members]
        if len(external) > 1:
            raise ValueError("at most one unit may have an external table memory, not "
                             + ", ".join(u.register_map.name for u in external))
        self._table_unit = external[0] if external else None
        table = {}
        if self._table_unit is not None:
            for pname, member in self._table_unit.signature.members["mem"].signature.members \
                    .items():
                table[f"table_{pname}"] = member
        super().__init__({
            "uart_rx": In(1, init=1),
            "uart_tx": Out(1, init=1),
            "idle": Out(1),
            **table,
        })

    profile = property(lambda self: self._profile)
    clk_freq = property(lambda self: self._clk_freq)
    baud = property(lambda self: self._baud)
    divisor = property(lambda self: self._divisor)
    units = property(lambda self: self._units)
    map_hash = property(lambda self: self._map_hash)
    frame_timeout_cycles = property(lambda self: self._frame_timeout)
    bus_timeout = property(lambda self: self._bus_timeout)
    max_burst = property(lambda self: self._profile.max_burst)
    #: The unit whose table memory is outside the SoC (the ``table_*`` ports), or None.
    table_unit = property(lambda self: self._table_unit)
    addr_width = property(lambda self: ADDR_WIDTH)

    @property
    def parameters(self):
        """The :class:`Parameter` tuple the identification block reports and the host checks."""
        return self._parameters

    @property
    def info(self):
        """Board facts the identification block reports (not checked by the host)."""
        return self._info

    def _describe(self, maps):
        clusters = []
        for register_map in maps:
            entry = register_map.describe()
            clusters.append({"name": entry["name"], "base": self._bases[entry["name"]],
                             "size": entry["size"], "desc": entry["desc"],
                             "registers": entry["registers"]})
        return {"addr_width": ADDR_WIDTH, "clusters": clusters}

    def describe(self):
        """The whole register map as plain data: ``{"addr_width", "clusters": [{"name",
        "base", "size", "desc", "registers": [...]}]}`` (see ``RegisterMap.describe``)."""
        return self._describe([self._ident_map] + [u.register_map for u in self._units])

    def elaborate(self, platform):
        m = Module()
        m.submodules.uart = uart = UART(divisor=self._divisor)
        m.submodules.link = link = HostLink(
            addr_width=ADDR_WIDTH, max_burst=self._profile.max_burst,
            frame_timeout=self._frame_timeout, bus_timeout=self._bus_timeout)
        m.submodules.ident = ident = IdentBlock(
            profile_code=self._profile.code, map_hash=self._map_hash,
            parameters=self._parameters, info=self._info)
        m.submodules.decoder = decoder = BusDecoder(addr_width=ADDR_WIDTH)
        for unit in (ident, *self._units):
            name = unit.register_map.name
            decoder.add(unit.bus, name=name, base=self._bases[name])
            if unit is not ident:
                m.submodules[name] = unit
        m.d.comb += [uart.rx.eq(self.uart_rx), self.uart_tx.eq(uart.tx)]
        if self._table_unit is not None:
            port = self._table_unit.mem
            for pname, member in port.signature.members.items():
                outer, inner = getattr(self, f"table_{pname}"), getattr(port, pname)
                if member.flow == wiring.Out:
                    m.d.comb += outer.eq(inner)
                else:
                    m.d.comb += inner.eq(outer)
        wiring.connect(m, uart.rx_data, link.rx)
        wiring.connect(m, link.tx, uart.tx_data)
        wiring.connect(m, link.bus, decoder.bus)
        busy = Const(0, 1)
        for unit in self._units:
            if "busy" in unit.signature.members:
                busy = busy | unit.busy
        m.d.comb += self.idle.eq(link.idle & uart.idle & ~busy)
        return m
