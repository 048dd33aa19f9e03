# amaranth: UnusedElaboratable=no
"""Register blocks (cerite.hw.common.registers): every access mode and window in the Amaranth
simulator against the rules in the module docstring, the decoders' answers, and the exact error
of every wrong declaration."""

import re

import pytest
from amaranth import Module, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out
from amaranth.sim import Simulator

from cerite.hw.common.bus import BusError, BusSignature
from cerite.hw.common.registers import (Access, AddressMap, BusDecoder, Field, Parameter,
                                        Peripheral, Register, RegisterBlock,
                                        RegisterMapBuilder, Window)
from cerite.hw.soc.top import SoC, ScratchPeripheral


class Control(Register):
    "Start and configure."
    start = Field(1, Access.W1S, "Start pulse")
    op = Field(3, Access.RW, "Operation", init=5)
    kick = Field(2, Access.W, "Write-only value with a strobe", bit=8)


def demo_map():
    b = RegisterMapBuilder(name="demo", desc="A demo unit")
    b.add(Control())
    b.add(Register("status", "Status", fields={
        "busy": Field(1, Access.R, "Busy"),
        "ident": Field(8, Access.CONST, "Ident", init=0xA7, bit=24),
    }))
    b.add(Register("level", "Unit-owned value", fields={
        "value": Field(16, Access.RWU, "Value the unit keeps")}))
    b.add(Register("magic", "Constant only", fields={
        "magic": Field(32, Access.CONST, "Magic", init=0xCAFEF00D)}))
    b.add(Window("fifo", "Both ways"), offset=8)
    b.add(Window("sink", "Write only", read=False))
    b.add(Window("source", "Read only", write=False, width=12))
    return b.build()


class Demo(Peripheral):
    """A unit with an echo of every port, so the testbench can check what the unit sees."""

    def __init__(self):
        super().__init__(demo_map(), parameters=[("size", 3, "Three")],
                         members={"busy": In(1), "level": In(16),
                                  "pulses": Out(8), "kicks": Out(8), "last_kick": Out(2),
                                  "op_strobes": Out(8), "level_writes": Out(8),
                                  "last_level": Out(16)})

    def elaborate(self, platform):
        m = super().elaborate(platform)
        regs = self.regs
        with m.If(regs.control.start.pulse):
            m.d.sync += self.pulses.eq(self.pulses + 1)
        with m.If(regs.control.kick.w_stb):
            m.d.sync += [self.kicks.eq(self.kicks + 1), self.last_kick.eq(regs.control.kick.w_data)]
        with m.If(regs.control.op.w_stb):
            m.d.sync += self.op_strobes.eq(self.op_strobes + 1)
        with m.If(regs.level.value.w_stb):
            m.d.sync += [self.level_writes.eq(self.level_writes + 1),
                         self.last_level.eq(regs.level.value.w_data)]
        m.d.comb += [regs.status.busy.r_data.eq(self.busy),
                     regs.level.value.r_data.eq(self.level)]
        return m


def simulate(dut, bench):
    sim = Simulator(dut)
    sim.add_clock(1e-6)
    sim.add_testbench(bench)
    sim.run()


async def access(ctx, bus, addr, data=None, *, limit=20):
    """One bus access; returns ``(r_data, err)`` or ``None`` if no ack within ``limit``."""
    ctx.set(bus.addr, addr)
    if data is None:
        ctx.set(bus.r_stb, 1)
    else:
        ctx.set(bus.w_stb, 1)
        ctx.set(bus.w_data, data)
    result = None
    for _ in range(limit):
        if ctx.get(bus.ack):
            result = (ctx.get(bus.r_data), ctx.get(bus.err))
            await ctx.tick()
            break
        await ctx.tick()
    ctx.set(bus.r_stb, 0)
    ctx.set(bus.w_stb, 0)
    return result


def test_access_modes():
    dut = Demo()
    bus = dut.bus
    done = []

    async def bench(ctx):
        ok = BusError.NONE
        assert await access(ctx, bus, 0) == (5 << 1, ok)  # op init 5; start, kick read 0
        assert await access(ctx, bus, 0, 1 | (2 << 1) | (3 << 8)) == (0, ok)
        assert ctx.get(dut.pulses) == 1 and ctx.get(dut.kicks) == 1
        assert ctx.get(dut.last_kick) == 3 and ctx.get(dut.op_strobes) == 1
        assert await access(ctx, bus, 0) == (2 << 1, ok)  # reads have no side effects
        assert await access(ctx, bus, 0) == (2 << 1, ok)
        assert ctx.get(dut.pulses) == 1 and ctx.get(dut.kicks) == 1
        ctx.set(dut.busy, 1)
        assert await access(ctx, bus, 1) == (1 | 0xA7 << 24, ok)
        assert (await access(ctx, bus, 1, 0))[1] == BusError.DENIED  # nothing to write
        ctx.set(dut.level, 0x1234)
        assert await access(ctx, bus, 2) == (0x1234, ok)
        assert await access(ctx, bus, 2, 0xFFFF_4321) == (0, ok)
        assert ctx.get(dut.level_writes) == 1 and ctx.get(dut.last_level) == 0x4321
        assert await access(ctx, bus, 2) == (0x1234, ok)  # the unit keeps the value
        assert await access(ctx, bus, 3) == (0xCAFEF00D, ok)
        assert (await access(ctx, bus, 3, 1))[1] == BusError.DENIED
        assert (await access(ctx, bus, 4))[1] == BusError.UNMAPPED
        assert (await access(ctx, bus, 4, 1))[1] == BusError.UNMAPPED
        assert (await access(ctx, bus, 15))[1] == BusError.UNMAPPED
        done.append(True)

    simulate(dut, bench)
    assert done


def test_windows_wait_for_the_stream():
    dut = RegisterBlock(demo_map())
    bus = dut.bus
    done = []

    async def bench(ctx):
        # Nothing to read, nowhere to write: no ack, no transfer.
        assert await access(ctx, bus, 8, limit=5) is None
        assert await access(ctx, bus, 8, 7, limit=5) is None
        ctx.set(dut.fifo.w.ready, 1)
        ctx.set(dut.fifo.r.valid, 1)
        ctx.set(dut.fifo.r.payload, 0xABCD)
        ctx.set(bus.addr, 8)
        ctx.set(bus.w_stb, 1)
        ctx.set(bus.w_data, 0x77)
        assert ctx.get(dut.fifo.w.valid) and ctx.get(dut.fifo.w.payload) == 0x77
        assert ctx.get(bus.ack) and not ctx.get(dut.fifo.r.ready)
        ctx.set(bus.w_stb, 0)
        ctx.set(bus.r_stb, 1)
        assert ctx.get(dut.fifo.r.ready) and ctx.get(bus.r_data) == 0xABCD
        assert not ctx.get(dut.fifo.w.valid)
        ctx.set(bus.r_stb, 0)
        assert not ctx.get(dut.fifo.r.ready)
        assert (await access(ctx, bus, 9))[1] == BusError.DENIED  # read of a write-only window
        assert (await access(ctx, bus, 10, 1))[1] == BusError.DENIED  # write to a read-only
        ctx.set(dut.source.r.valid, 1)
        ctx.set(dut.source.r.payload, 0xFFF)
        assert await access(ctx, bus, 10) == (0xFFF, BusError.NONE)
        done.append(True)

    simulate(dut, bench)
    assert done


def test_decoder_routes_and_answers_unmapped():
    a = RegisterBlock(demo_map())
    b = RegisterBlock(demo_map())
    decoder = BusDecoder(addr_width=12)
    assert decoder.add(a.bus, name="a") == 0x000
    assert decoder.add(b.bus, name="b") == 0x100
    assert decoder.clusters == [("a", 0x000, 16), ("b", 0x100, 16)]
    m = Module()
    m.submodules += [a, b, decoder]
    bus = decoder.bus
    done = []

    async def bench(ctx):
        assert await access(ctx, bus, 0x000, 3 << 1) == (0, BusError.NONE)
        assert await access(ctx, bus, 0x000) == (3 << 1, BusError.NONE)
        assert await access(ctx, bus, 0x100) == (5 << 1, BusError.NONE)  # b untouched
        assert await access(ctx, bus, 0x103) == (0xCAFEF00D, BusError.NONE)
        for addr in (0x010, 0x0FF, 0x110, 0x200, 0xFFF):
            assert (await access(ctx, bus, addr))[1] == BusError.UNMAPPED, hex(addr)
            assert (await access(ctx, bus, addr, 1))[1] == BusError.UNMAPPED, hex(addr)
        done.append(True)

    simulate(m, bench)
    assert done


def test_describe_lists_names_and_descriptions():
    desc = demo_map().describe()
    assert desc["name"] == "demo" and desc["size"] == 16
    control = desc["registers"][0]
    assert control["name"] == "control" and control["desc"] == "Start and configure."
    assert [(f["name"], f["bit"], f["width"], f["access"]) for f in control["fields"]] == [
        ("start", 0, 1, "w1s"), ("op", 1, 3, "rw"), ("kick", 8, 2, "w")]
    assert control["fields"][1]["init"] == 5
    assert desc["registers"][3]["fields"][0]["value"] == 0xCAFEF00D
    assert [(r["name"], r["offset"]) for r in desc["registers"]] == [
        ("control", 0), ("status", 1), ("level", 2), ("magic", 3), ("fifo", 8), ("sink", 9),
        ("source", 10)]


def wrong(callable_, message, exception=ValueError):
    with pytest.raises(exception, match=f"^{re.escape(message)}$"):
        callable_()


def test_wrong_fields():
    wrong(lambda: Field(0, Access.R, "x"), "field width must be an integer 1..32, not 0")
    wrong(lambda: Field(33, Access.R, "x"), "field width must be an integer 1..32, not 33")
    wrong(lambda: Field(1, "rx", "x"), "access must be one of r, w, rw, rwu, w1s, const, not 'rx'")
    wrong(lambda: Field(1, Access.R, ""), "a field needs a description (a non-empty string), "
                                          "not ''")
    wrong(lambda: Field(2, Access.RW, "x", init=4), "init 4 does not fit a field of 2 bits")
    wrong(lambda: Field(2, Access.R, "x", init=1), "init is only for rw and const fields, not r")
    wrong(lambda: Field(2, Access.R, "x", bit=32), "bit must be an integer 0..31, not 32")


def test_wrong_registers():
    wrong(lambda: Register("Bad", "x", fields={"a": Field(1, "r", "a")}),
          "register name must be a lower-case identifier ([a-z][a-z0-9_]*), not 'Bad'")
    wrong(lambda: Register("r", "x", fields={}), "register 'r' needs at least one field")
    wrong(lambda: Register("r", None, fields={"a": Field(1, "r", "a")}),
          "register 'r' needs a description (a non-empty string), not None")
    wrong(lambda: Register("r", "x", fields={"a": Field(20, "r", "a"), "b": Field(20, "r", "b")}),
          "field 'b' (bits 20..39) of register 'r' does not fit in 32 bits")
    wrong(lambda: Register("r", "x", fields={"a": Field(8, "r", "a"),
                                             "b": Field(4, "r", "b", bit=4)}),
          "field 'b' (bits 4..7) overlaps field 'a' (bits 0..7) in register 'r'")
    wrong(lambda: Register("r", "x", fields={"signature": Field(1, "r", "a")}),
          "field name 'signature' is reserved")
    wrong(lambda: Register("r", "x", fields={"a": 1}),
          "field 'a' of register 'r' must be a Field, not 1", TypeError)
    wrong(lambda: Control(fields={"a": Field(1, "r", "a")}),
          "register 'control' has class-level fields; do not pass fields")


def test_wrong_windows():
    wrong(lambda: Window("w", "x", read=False, write=False),
          "window 'w' must allow reads, writes or both")
    wrong(lambda: Window("w", "x", width=40), "window width must be an integer 1..32, not 40")


def test_wrong_builder_use():
    one = Register("one", "x", fields={"a": Field(1, "r", "a")})
    b = RegisterMapBuilder(name="unit", desc="A unit")
    b.add(one)
    wrong(lambda: b.add(Register("one", "y", fields={"a": Field(1, "r", "a")})),
          "name 'one' is used twice in cluster 'unit'")
    wrong(lambda: b.add(Window("two", "y"), offset=0),
          "window 'two' at offset 0x0 overlaps register 'one' in cluster 'unit'")
    wrong(lambda: b.add(Window("two", "y"), offset=3, align=2), "offset 0x3 is not aligned to 2")
    wrong(lambda: b.add(Window("two", "y"), align=3), "align must be a power of two, not 3")
    wrong(lambda: b.add(Window("bus", "y")), "register name 'bus' is reserved")
    wrong(lambda: b.add("three"), "only a Register or a Window can be added, not 'three'",
          TypeError)
    b.add(Window("two", "y"), align=4)
    wrong(lambda: b.build(addr_width=2), "cluster 'unit' needs 3 address bits, more than "
                                         "addr_width 2")
    built = b.build()
    assert [(offset, item.name) for offset, item in built] == [(0, "one"), (4, "two")]
    assert built.addr_width == 3
    wrong(lambda: b.add(Window("three", "y")), "cluster 'unit' is already built", RuntimeError)
    wrong(lambda: RegisterMapBuilder(name="empty", desc="x").build(),
          "cluster 'empty' has no registers")
    wrong(lambda: RegisterMapBuilder(name="x", desc=" "),
          "cluster 'x' needs a description (a non-empty string), not ' '")


def test_address_map_places_and_refuses():
    amap = AddressMap(addr_width=12)
    assert amap.add("ident", 16, base=0) == 0
    assert amap.add("a", 4) == 0x100
    assert amap.add("big", 0x200) == 0x200
    assert amap.add("b", 8) == 0x400
    wrong(lambda: amap.add("a", 4), "cluster name 'a' is used twice")
    wrong(lambda: amap.add("c", 16, base=0x108), "cluster 'c' at 0x108 is not aligned to its "
                                                  "size 0x10")
    wrong(lambda: amap.add("c", 16, base=0x300),
          "cluster 'c' (0x300..0x30f) overlaps cluster 'big' (0x200..0x3ff)")
    wrong(lambda: amap.add("c", 0x1000), "cluster 'c' of 0x1000 words at 0x1000 does not fit "
                                          "the 12-bit address space")
    wrong(lambda: amap.add("c", 12), "size of cluster 'c' must be a power of two, not 12")
    wrong(lambda: AddressMap(addr_width=8, granule=3), "granule must be a power of two, not 3")


def test_decoder_refuses_what_is_not_a_target():
    decoder = BusDecoder(addr_width=8)
    initiator = wiring.Signature({"bus": Out(BusSignature(addr_width=2))}).create()
    wrong(lambda: decoder.add(initiator.bus, name="x"),
          "cluster 'x' must be a bus target port (In(BusSignature(...))), not "
          f"{initiator.bus!r}", TypeError)
    narrow = wiring.Signature({"bus": In(BusSignature(addr_width=2, data_width=8))}).create()
    wrong(lambda: decoder.add(narrow.bus, name="x"), "cluster 'x' has 8-bit data, the bus 32")


def test_wrong_peripherals_and_parameters():
    wrong(lambda: Parameter("depth", -1, "x"),
          "parameter 'depth' must be an integer 0..4294967295, not -1")
    wrong(lambda: Parameter("depth", 1, ""),
          "parameter 'depth' needs a description (a non-empty string), not ''")
    wrong(lambda: Peripheral(demo_map(), parameters=[("a", 1, "x"), ("a", 2, "y")]),
          "parameter 'a' of 'demo' is given twice")
    wrong(lambda: Peripheral(demo_map(), members={"bus": In(1)}), "member name 'bus' is reserved")
    wrong(lambda: Peripheral("map"), "register_map must be a RegisterMap, not 'map'", TypeError)
    wrong(lambda: ScratchPeripheral(depth=1000),
          "depth must be a power of two in 2..65536, not 1000")


def test_wrong_soc_units():
    class Ident(Peripheral):
        def __init__(self):
            b = RegisterMapBuilder(name="ident", desc="Impostor")
            b.add(Register("x", "x", fields={"x": Field(1, "r", "x")}))
            super().__init__(b.build())

    clock = dict(clk_freq=12_000_000, baud=3_000_000)
    wrong(lambda: SoC(units=[Ident()], **clock),
          "unit name 'ident' is reserved for the identification block")
    wrong(lambda: SoC(units=[ScratchPeripheral(), ScratchPeripheral()], **clock),
          "two units are named 'scratch'")
    wrong(lambda: SoC(units=[Signal()], **clock),
          "a unit must be a Peripheral (a bus port, a register map and parameters), not "
          "(sig $signal)", TypeError)
    wrong(lambda: SoC(profile="huge", **clock),
          "profile must be one of full, small, sim, small-mmu, not 'huge'")
    wrong(lambda: SoC(clk_freq=25_000_000, baud=3_000_000),
          "baud 3000000 is not reachable from clk_freq 25000000 within 2%: divisor 8 gives "
          "3125000")


def test_soc_map_and_hash():
    soc = SoC(profile="full", clk_freq=12_000_000, baud=3_000_000)
    other_clock = SoC(profile="full", clk_freq=48_000_000, baud=3_000_000)
    small = SoC(profile="small", clk_freq=12_000_000, baud=3_000_000)
    clusters = [(c["name"], c["base"], c["size"]) for c in soc.describe()["clusters"]]
    assert clusters[0][:2] == ("ident", 0) and clusters[1][:2] == ("scratch", 0x100)
    assert [(name, base) for name, base, _ in clusters[2:]] == [("ntt", 0x200), ("mmu", 0x300)]
    # board facts are not part of the map's identity; profiles are
    assert soc.map_hash == other_clock.map_hash != small.map_hash
    assert {p.name: p.value for p in soc.parameters} == {
        "link_max_burst": 4096, "link_addr_width": 16, "scratch_depth": 4096,
        "ntt_log_n": 10, "ntt_width": 28, "ntt_lanes": 2, "ntt_reducer": 0,
        "ntt_pipeline_depth": 3, "ntt_slots": 2, "ntt_dsp_width": 18, "ntt_latency": 16,
        "mmu_tlb_entries": 16, "mmu_lwc_entries": 16, "mmu_asid_bits": 16, "mmu_pa_bits": 56,
        "mmu_counter_bits": 32, "mmu_serial_multiplier": 0, "mmu_learned_walk": 1,
        "mmu_mem_base": 0x10_0000,
        "mmu_mem_bytes": 128 << 10, "mmu_queue_depth": 256}
    assert soc.divisor == 4 and other_clock.divisor == 16
