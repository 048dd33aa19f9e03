"""cocotb testbench of the learned-translation MMU (``cerite.hw.lvm.LearnedMMU``).

Checks the generated Verilog against the golden model :class:`cerite.lvm.golden.MmuModel`, which
implements docs/lvm-format.md (after Zhao et al., *Learning to Walk*, MICRO 2025, and the Sv39
walk of the RISC-V Privileged Architecture):

- memory model: serves a :class:`~cerite.lvm.memory.MemoryImage` on the MMU's memory port with a
  configurable latency (``fixed:N`` first beat after N cycles then back to back,
  ``random:LO:HI`` cycles before every beat, ``stall`` random request back-pressure and gaps),
  injectable error words, a log of every access and checks of the stream rules;
- scoreboards: every response equals the golden :class:`~cerite.lvm.golden.Translation`, every
  walk's memory-access sequence equals the golden ``reads``, and at the end every counter equals
  the golden counter (``walk_cycles_*``: consistency only, they exist in hardware only).

Two tests replay real address spaces: ``process_replay`` (a live process's pages, read from
``/proc`` by the pytest side and passed as a file of :func:`cerite.lvm.bench.save_mappings`) and
``bench_stream``, the measurement run of :mod:`cerite.lvm.bench` (accesses per walk, cycles per
translation at fixed memory latencies, TLB and walk-cache hit rates), which keeps every scoreboard.

Parameters (``PARAM_*``): ``tlb_entries``, ``lwc_entries``, ``asid_bits``, ``pa_bits``,
``learned_walk`` (default 1; 0 for the radix-only MMU) of the design; per test ``seed_layout``,
``layout``, ``stream``, ``requests``, ``latency``,
``backpressure``, ``flush_p``, ``mappings``, ``bench_spec``, ``bench_out`` (see each test).
"""

import dataclasses
import json
import random
import time

import cocotb
from cocotb.simtime import get_sim_time
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge, SimTimeoutError, with_timeout

from cerite.lvm import mapping as layouts
from cerite.lvm.bench import load_mappings
from cerite.lvm.golden import (COUNTER_NAMES, FLUSH_KINDS, Fault, MmuConfig, MmuModel, MmuParams,
                               Source)
from cerite.lvm.index import build_index
from cerite.lvm.memory import MemoryImage
from cerite.lvm.radix import build_radix
from cerite.tb.common import (CLOCK_PERIOD_NS, StreamSink, StreamSource, cover, param,
                               random_pattern, soon, start)

#: Regions of the radix tables and the learned index: below 2**24 so that every profile
#: (the small one has 24-bit physical addresses) can reach them.
PT_REGION = (0x10_0000, 0x60_0000)
INDEX_REGION = (0x70_0000, 0x80_0000)
#: Regions for big worlds (real processes, the benchmark's full-size layouts): below the
#: mappings' frames (PA 2**32 and up), for designs with ``pa_bits >= 30``.
BIG_PT_REGION = (0x1000_0000, 0x1000_0000)
BIG_INDEX_REGION = (0x2000_0000, 0x1000_0000)
VA_MASK = (1 << 39) - 1


# ---------------------------------------------------------------------------------------------
# Memory model


class MemoryModel:
    """Serves the MMU's memory port from ``image`` and logs every access as ``(addr, words)``."""

    def __init__(self, dut, image, *, pa_bits, latency, rng, errors=()):
        self.dut = dut
        self.image = image
        self.pa_bits = pa_bits
        self.rng = rng
        self.errors = set(errors)
        self.log = []
        self.set_latency(latency)

    def set_latency(self, latency):
        """Switch the latency mode (``fixed:N``, ``random:LO:HI`` or ``stall``) between
        accesses."""
        kind, *args = latency.split(":")
        if kind not in ("fixed", "random", "stall"):
            raise ValueError(f"latency must be fixed:N, random:LO:HI or stall, not {latency!r}")
        self.kind = kind
        self.args = [int(a) for a in args]

    def delay(self, beat):
        if self.kind == "fixed":
            return self.args[0] if beat == 0 else 0
        if self.kind == "random":
            return self.rng.randint(*self.args)
        return self.rng.choice([0, 0, 1, 3])

    async def run(self):
        dut = self.dut
        dut.mem_req__ready.value = 0
        dut.mem_resp__valid.value = 0
        held = None       # a request offered but not taken: it must stay offered, unchanged
        while True:
            ready = self.kind != "stall" or self.rng.random() < 0.5
            dut.mem_req__ready.value = int(ready)
            await ReadOnly()
            valid = bool(dut.mem_req__valid.value)
            payload = int(dut.mem_req__payload.value) if valid else None
            if held is not None:
                assert valid and payload == held, \
                    f"mem_req withdrawn or changed while waiting: {held:#x} -> {payload}"
            await RisingEdge(dut.clk)
            if not valid:
                continue
            if not ready:
                held = payload
                cover("stream.backpressure", "mem_req")
                continue
            held = None
            dut.mem_req__ready.value = 0
            addr = payload & ((1 << self.pa_bits) - 1)
            words = (payload >> self.pa_bits) + 1
            assert addr % 8 == 0, f"unaligned memory request {addr:#x}"
            self.log.append((addr, words))
            for beat in range(words):
                delay = self.delay(beat)
                if delay:
                    await ClockCycles(dut.clk, delay)
                a = addr + 8 * beat
                if a in self.errors:
                    cover("mmu.memory", "error_word")
                dut.mem_resp__payload.value = self.image.read_word(a) | (a in self.errors) << 64
                dut.mem_resp__valid.value = 1
                while True:
                    await ReadOnly()
                    taken = bool(dut.mem_resp__ready.value)
                    await RisingEdge(dut.clk)
                    if taken:
                        break
                    cover("stream.stalled_by_design", "mem_resp")
                dut.mem_resp__valid.value = 0


# ---------------------------------------------------------------------------------------------
# The bench: driver, golden model, scoreboards


def golden_params():
    """The golden model's parameters for the design under test.

    The golden model's PA width starts at 32 bits; a narrower design keeps the low ``pa_bits``
    bits of the same PA, which the scoreboard compares.
    """
    return MmuParams(tlb_entries=param("tlb_entries"), lwc_entries=param("lwc_entries"),
                     asid_bits=param("asid_bits"), pa_bits=max(32, param("pa_bits")),
                     learned_walk=param("learned_walk", bool, True))


class MmuBench:
    """One MMU under test with its golden twin; every :meth:`translate` is checked at once."""

    def __init__(self, dut, image, config, *, errors=(), latency="fixed:3", backpressure=0.0,
                 seed=0):
        self.dut = dut
        self.rng = random.Random(seed)
        self.pa_bits = param("pa_bits")
        self.asid_bits = param("asid_bits")
        self.counter_bits = param("counter_bits")
        self.model = MmuModel(golden_params(), image, config, image_errors=errors)
        self.memory = MemoryModel(dut, image, pa_bits=self.pa_bits, latency=latency,
                                  rng=random.Random(self.rng.getrandbits(32)), errors=errors)
        self.req = StreamSource(dut, "req")
        self.flush_src = StreamSource(dut, "flush")
        pattern = random_pattern(self.rng.getrandbits(32), backpressure) if backpressure else None
        self.resp = StreamSink(dut, "resp", backpressure=pattern)
        self.drive_config(config)
        self.checked = 0
        self.sources = {}       # (source, fault, size) -> responses
        self.flush_log = []     # (kind, sent during a walk)
        self.last_cycles = None  # clock edges from the request's transfer to the response's

    async def start(self):
        await start(self.dut)
        soon(self.memory.run())

    async def reload(self, image, config, *, latency):
        """Reset the design and start a fresh golden model over ``image`` and ``config``, with
        the memory ``latency`` mode: a new measurement between requests (nothing in flight)."""
        dut = self.dut
        dut.rst.value = 1
        await ClockCycles(dut.clk, 2)
        self.model = MmuModel(golden_params(), image, config,
                              image_errors=self.memory.errors)
        self.memory.image = image
        self.memory.set_latency(latency)
        self.memory.log.clear()
        self.drive_config(config)
        dut.rst.value = 0
        await RisingEdge(dut.clk)

    def drive_config(self, config):
        dut = self.dut
        for name in ("satp_ppn", "asid", "learned", "sum", "mxr", "pt_base", "pt_limit",
                     "index_base", "index_limit"):
            getattr(dut, f"cfg__{name}").value = int(getattr(config, name))
        for k, word in enumerate(config.root):
            getattr(dut, f"cfg__root__{k}").value = word
        dut.cfg__level_base1.value = config.level_base[0]
        dut.cfg__level_base2.value = config.level_base[1]

    def set_config(self, **changes):
        """Change registers between requests (hardware and model)."""
        config = dataclasses.replace(self.model.config, **changes)
        self.model.config = config
        self.drive_config(config)

    def flush_payload(self, kind, asid, va):
        return FLUSH_KINDS.index(kind) | asid << 2 | va << (2 + self.asid_bits)

    def golden_flush(self, kind, asid, va):
        self.model.flush(kind, asid=asid if kind in ("asid", "va_asid") else None,
                         va=va if kind in ("va", "va_asid") else None)

    async def flush(self, kind, asid=0, va=0):
        """A flush between requests."""
        await self.flush_src.send(self.flush_payload(kind, asid, va))
        self.golden_flush(kind, asid, va)
        self.flush_log.append((kind, False))
        cover("mmu.flush", f"{kind}/between requests")

    async def translate(self, va, access=0, user=0, *, flush=None):
        """Send one request and check its response and memory accesses against the model.

        ``flush = (kind, asid, va)`` is sent as soon as the walk has issued a memory access (a
        flush during the walk: the fill is dropped), or after the response for a TLB hit.
        """
        dut = self.dut
        first = len(self.memory.log)
        await self.req.send(va | access << 39 | user << 41)
        sent_ns = get_sim_time("ns")
        during = False
        if flush is not None:
            while True:
                if len(self.memory.log) > first:
                    during = True
                    break
                await ReadOnly()
                if dut.resp__valid.value:
                    await RisingEdge(dut.clk)
                    break
                await RisingEdge(dut.clk)
            if during:
                await self.flush_src.send(self.flush_payload(*flush))
        word = await self.resp.recv()
        self.last_cycles = round((get_sim_time("ns") - sent_ns) / CLOCK_PERIOD_NS)
        want = self.model.translate(va, access, user, drop_fill=during)
        p = self.pa_bits
        got = (word & ((1 << p) - 1), word >> p & 3, word >> (p + 2) & 3, word >> (p + 4) & 3)
        reads = self.memory.log[first:]
        expected = (want.pa & ((1 << p) - 1), int(want.fault), want.size, int(want.source))
        if got != expected or reads != want.reads:
            raise AssertionError(
                f"request {self.checked}: va {va:#x} access {access} user {user} "
                f"(flush {flush}, during walk: {during})\n"
                f"  got  pa {got[0]:#x} fault {got[1]} size {got[2]} source {got[3]} "
                f"reads {[(hex(a), n) for a, n in reads]}\n"
                f"  want pa {expected[0]:#x} fault {expected[1]} size {expected[2]} "
                f"source {expected[3]} reads {[(hex(a), n) for a, n in want.reads]}")
        if flush is not None:
            if not during:
                await self.flush_src.send(self.flush_payload(*flush))
            self.golden_flush(*flush)
            self.flush_log.append((flush[0], during))
            cover("mmu.flush", f"{flush[0]}/{'during a walk' if during else 'after a TLB hit'}")
        self.checked += 1
        key = (expected[3], expected[1], expected[2])
        cover("mmu.fault", f"{Fault(expected[1]).name}/{Source(expected[3]).name}")
        cover("mmu.response", f"{Source(expected[3]).name}/size {expected[2]}")
        cover("mmu.access", f"{('read', 'write', 'exec')[access]}/{'user' if user else 'super'}")
        self.sources[key] = self.sources.get(key, 0) + 1
        return want

    async def check_counters(self):
        """Every counter equals the golden one; walk-cycle counters are consistent."""
        await RisingEdge(self.dut.clk)
        await ReadOnly()
        mask = (1 << self.counter_bits) - 1
        got = {name: int(getattr(self.dut, f"counters__{name}").value) for name in COUNTER_NAMES}
        want = {name: value & mask for name, value in self.model.counters.items()}
        assert got == want, f"counters differ:\n  got  {got}\n  want {want}"
        total = int(self.dut.counters__walk_cycles_total.value)
        peak = int(self.dut.counters__walk_cycles_max.value)
        if want["walks"]:
            assert 0 < peak <= total, (peak, total)
        else:
            assert peak == total == 0, (peak, total)
        await RisingEdge(self.dut.clk)
        self.dut._log.info(f"{self.checked} translations checked; counters {got}; "
                           f"walk cycles total {total} max {peak}")


# ---------------------------------------------------------------------------------------------
# Worlds: mappings written as radix tables and a learned index into one image


def build_world(mappings, *, max_levels=3, asid=1, big=False, radix_out=None,
                max_cached_nodes=None):
    """Radix tables and a learned index of ``mappings``; returns ``(image, config, index)``.

    ``big`` places them in :data:`BIG_PT_REGION` and :data:`BIG_INDEX_REGION` (designs with
    ``pa_bits >= 30``) instead of the regions every profile reaches. ``radix_out``, a list,
    receives the :class:`~cerite.lvm.radix.RadixResult`. ``max_cached_nodes`` goes to
    :func:`~cerite.lvm.index.build_index`.
    """
    image = MemoryImage()
    image.region("pt", *(BIG_PT_REGION if big else PT_REGION))
    image.region("index", *(BIG_INDEX_REGION if big else INDEX_REGION))
    radix = build_radix(mappings, image)
    index = build_index(mappings, image, max_levels=max_levels,
                        max_cached_nodes=max_cached_nodes)
    config = MmuConfig(satp_ppn=radix.satp_ppn, asid=asid, learned=True, pt_base=radix.pt_base,
                       pt_limit=radix.pt_limit, **index.registers())
    if radix_out is not None:
        radix_out.append(radix)
    return image, config, index


def locate_ptes(image, config, va, params):
    """Addresses of the leaf PTE of ``va`` in the radix tables and in its GPT slot (or None).

    Found with a scratch golden model (its ``reads``) and the doc's tag rule.
    """
    scratch = MmuModel(params, image, dataclasses.replace(config, learned=False))
    radix = scratch.translate(va, 0, 1)
    radix_pte = radix.reads[-1][0] if radix.reads else None
    scratch = MmuModel(params, image, dataclasses.replace(config, learned=True))
    learned = scratch.translate(va, 0, 1)
    slot_pte = None
    if learned.reads and learned.reads[-1][1] == 8 and learned.source == 1:
        line = learned.reads[-1][0]
        vpn = va >> 12
        for s in range(4):
            tag = image.read_word(line + 16 * s)
            size = tag >> 1 & 3
            mask = ~((1 << (9 * size)) - 1) if size < 3 else 0
            if tag & 1 and size != 3 and (tag >> 3 & ((1 << 27) - 1)) & mask == vpn & mask:
                slot_pte = line + 16 * s + 8
                break
    return radix_pte, slot_pte


def pages_of(mappings, rng):
    """One VA in every mapping: a random 4 KiB page and a random offset inside it."""
    return [(m.vpn + rng.randrange(m.pages)) << 12 | rng.randrange(0, 4096, 8) for m in mappings]


def access_stream(mappings, kind, count, rng, *, unmapped=0.05):
    """``count`` VAs over ``mappings``: ``uniform``, ``zipf`` (s = 1.1 over a shuffled order of
    the mappings) or ``sequential`` (4 KiB pages in VPN order, wrapping); ``unmapped`` of them
    at a random VA (mostly unmapped: faults and learned misses)."""
    maps = list(mappings)
    if kind == "uniform":
        picks = [rng.choice(maps) for _ in range(count)]
    elif kind == "zipf":
        order = maps[:]
        rng.shuffle(order)
        weights = [1.0 / (i + 1) ** 1.1 for i in range(len(order))]
        picks = rng.choices(order, weights, k=count)
    elif kind == "sequential":
        picks = None
    else:
        raise ValueError(f"stream must be uniform, zipf or sequential, not {kind!r}")
    out = []
    if picks is None:
        vpns = [m.vpn + i for m in maps for i in range(min(m.pages, 64))]
        start_at = rng.randrange(len(vpns))
        out = [vpns[(start_at + i) % len(vpns)] << 12 | rng.randrange(0, 4096, 8)
               for i in range(count)]
    else:
        out = [(m.vpn + rng.randrange(m.pages)) << 12 | rng.randrange(0, 4096, 8) for m in picks]
    return [rng.getrandbits(38) if rng.random() < unmapped else va for va in out]


def random_access(rng):
    """``(access, user)``: mostly user reads, some writes and fetches, a few supervisor ones."""
    access = rng.choices([0, 1, 2], [0.7, 0.2, 0.1])[0]
    return access, int(rng.random() < 0.9)


def layout(name, seed):
    """A synthetic layout, small enough for the test regions."""
    if name == "random_sparse":
        return layouts.random_sparse(seed, pages=256)
    if name == "stride2":
        return layouts.stride2(seed, pages=512)
    return layouts.LAYOUTS[name](seed)


def seed_of(dut):
    seed = cocotb.RANDOM_SEED
    dut._log.info(f"seed {seed}")
    return seed


# ---------------------------------------------------------------------------------------------
# Directed tests


@cocotb.test()
async def page_sizes(dut):
    """First, middle and last 4 KiB page of every mapping of ``huge_pages`` and
    ``alternating_sizes``, learned walk and radix walk, each size at least once per walk."""
    rng = random.Random(seed_of(dut))
    maps = layouts.MappingList(list(layouts.huge_pages(1)))
    image, config, _ = build_world(maps)
    bench = MmuBench(dut, image, config, latency="fixed:2")
    await bench.start()
    for learned in (True, False):
        bench.set_config(learned=learned)
        await bench.flush("all")
        for m in maps:
            for vpn in {m.vpn, m.vpn + m.pages // 2, m.end_vpn - 1}:
                await bench.translate(vpn << 12 | rng.randrange(4096), 0, 1)
    for source in (1, 2):
        for size in (0, 1, 2):
            assert bench.sources.get((source, 0, size)), f"no size {size} from source {source}"
    await bench.check_counters()


@cocotb.test()
async def radix_only(dut):
    """The radix-only MMU (``learned_walk`` 0) with the learned bit set and a working learned
    index in memory: every walk is a radix walk (no node or GPT read), over every page size,
    unmapped addresses (page faults) and TLB hits, and no learned counter moves."""
    assert not param("learned_walk", bool, True), "radix_only needs a radix-only design"
    rng = random.Random(seed_of(dut))
    maps = layouts.MappingList(list(layouts.huge_pages(1)))
    image, config, _ = build_world(maps)
    assert config.learned
    bench = MmuBench(dut, image, config, latency="fixed:2")
    await bench.start()
    for m in maps:
        for vpn in {m.vpn, m.vpn + m.pages // 2, m.end_vpn - 1}:
            await bench.translate(vpn << 12 | rng.randrange(4096), *random_access(rng))
            await bench.translate(vpn << 12, 0, 1)             # the TLB hit
    for _ in range(8):
        await bench.translate(rng.getrandbits(38) << 1, 0, 1)  # mostly unmapped
    assert {key[0] for key in bench.sources} <= {0, 2}, bench.sources
    for size in (0, 1, 2):
        assert bench.sources.get((2, 0, size)), f"no radix walk of size {size}"
    assert any(key[:2] == (2, 1) for key in bench.sources), "no page fault"
    counters = bench.model.counters
    for name in ("lwc_hits", "lwc_misses", "learned_hits", "learned_single",
                 "learned_fallbacks", "reads_node", "reads_gpt"):
        assert counters[name] == 0, (name, counters[name])
    await bench.check_counters()


def fault_world():
    """Pages with every mix of R/W/X, U, A, D (4 KiB), some global, and huge pages; then some
    leaf PTEs corrupted in both the radix tables and the GPT (reserved bits, V = 0, W without
    R, misaligned superpage, a pointer in a GPT slot)."""
    maps = []
    vpn = 0x1000
    ppn = 0x10_0000
    for perms in ("r", "rw", "rx", "x", "rwx", "w"):
        for u in (0, 1):
            for a in (0, 1):
                for d in (0, 1):
                    if perms == "w":
                        continue
                    maps.append(layouts.Mapping(vpn, 0, ppn, "r" in perms, "w" in perms,
                                                "x" in perms, u, vpn % 3 == 0, a, d))
                    vpn += 1
                    ppn += 1
    for i in range(8):    # spare 4 KiB pages to corrupt
        maps.append(layouts.Mapping(vpn + i, 0, ppn + i, True, True, False, True, False, True,
                                    True))
    maps.append(layouts.Mapping(0x4_0000, 1, 0x20_0000, True, True, False, True, False, True,
                                True))
    maps.append(layouts.Mapping(0x4_0200, 1, 0x20_0200, True, True, False, True, False, True,
                                True))
    maps.append(layouts.Mapping(0x8_0000, 2, 0x40_0000, True, False, True, True, False, True,
                                False))
    maps.append(layouts.Mapping(0xC_0000, 2, 0x80_0000, True, True, False, True, False, True,
                                True))
    return layouts.MappingList(maps), vpn


CORRUPTIONS = [
    lambda pte: pte | 1 << 54,              # reserved
    lambda pte: pte | 1 << 61,              # PBMT (no Svpbmt)
    lambda pte: pte | 1 << 63,              # N (no Svnapot)
    lambda pte: pte & ~1,                   # V = 0
    lambda pte: pte & ~0b10 | 0b100,        # W without R
    lambda pte: pte & ~0b1110,              # R = W = X = 0: a pointer where a leaf should be
    lambda pte: pte | 0x300,                # RSW bits: software's, never a fault
    lambda pte: pte ^ 1 << 10,              # another frame: a fine leaf
]


@cocotb.test()
async def fault_matrix(dut):
    """Every access (R/W/X, user/supervisor) under SUM/MXR settings, learned and radix, on
    pages of every permission mix and on corrupted PTEs; memory errors on a radix PTE and on a
    GPT line; a radix region too small for the tables. TLB hits recheck permissions."""
    seed_of(dut)
    maps, spare = fault_world()
    image, config, _ = build_world(maps)
    params = golden_params()
    for i, corrupt in enumerate(CORRUPTIONS):
        for addr in locate_ptes(image, config, (spare + i) << 12, params):
            if addr is not None:
                image.write_word(addr, corrupt(image.read_word(addr)))
    # Misaligned superpages: PPN[0] of a 2 MiB leaf, PPN[1] of a 1 GiB leaf.
    for va, bit in ((0x4_0200 << 12, 10), (0xC_0000 << 12, 19)):
        for addr in locate_ptes(image, config, va, params):
            if addr is not None:
                image.write_word(addr, image.read_word(addr) | 1 << bit)
    # Memory errors: the radix leaf PTE of one page, the GPT line of another.
    err_radix, _ = locate_ptes(image, config, 0x1003 << 12, params)
    _, err_slot = locate_ptes(image, config, 0x1005 << 12, params)
    assert err_radix is not None and err_slot is not None, "fault world: keys not found"
    errors = {err_radix, err_slot - 8 - (err_slot - 8) % 64 + 56}
    bench = MmuBench(dut, image, config, errors=errors, latency="fixed:1")
    await bench.start()
    vas = [m.vpn << 12 | 0x10 for m in maps] + [(m.vpn + 5) << 12 for m in maps if m.size]
    vas.append(0x3FF_FFFF << 12)    # unmapped
    for learned in (True, False):
        for sum_, mxr in ((0, 0), (1, 0), (0, 1)):
            bench.set_config(learned=learned, sum=sum_, mxr=mxr)
            for va in vas:
                for access in (0, 1, 2):
                    for user in (0, 1):
                        await bench.translate(va, access, user)
        await bench.flush("all")
    # Radix tables outside [pt_base, pt_limit): access faults without a read.
    bench.set_config(pt_limit=config.pt_base + 8, learned=False)
    await bench.flush("all")
    for va in vas[:8]:
        await bench.translate(va, 0, 1)
    for fault in (0, 1, 2):
        for source in (1, 2):
            assert any(k[:2] == (source, fault) for k in bench.sources), (source, fault)
    assert any(k[:2] == (0, 1) for k in bench.sources), "no faulting TLB hit"
    await bench.check_counters()


@cocotb.test()
async def learned_misses(dut):
    """Damaged indexes fall back to the radix walk: GPT slots invalidated, the index region cut
    short (reads past it are misses, never issued), a level-2 node made internal."""
    rng = random.Random(seed_of(dut))
    maps = layout(param("layout", str, "brk_heap"), 3)
    image, config, index = build_world(maps)
    params = golden_params()
    vas = pages_of(maps, rng)
    for va in rng.sample(vas, len(vas) // 5):
        _, slot = locate_ptes(image, config, va, params)
        if slot is not None:
            image.write_word(slot - 8, image.read_word(slot - 8) & ~1)
    bench = MmuBench(dut, image, config, latency="random:1:6")
    await bench.start()
    for va in access_stream(maps, "uniform", 150, rng):
        await bench.translate(va, *random_access(rng))
    # Cut the index region in half: lines and nodes beyond it are misses.
    await bench.flush("all")
    bench.set_config(index_limit=config.index_base + (config.index_limit - config.index_base) // 2)
    for va in access_stream(maps, "uniform", 100, rng):
        await bench.translate(va, *random_access(rng))
    # Turn every level-2 node internal (if the index has a level 2).
    base2 = config.level_base[1]
    for addr in range(base2 + 24, base2 + 24 + 32 * index.stats.nodes_per_level[2], 32):
        image.write_word(addr, image.read_word(addr) & ~(1 << 8))
    await bench.flush("all")
    bench.set_config(index_limit=config.index_limit)
    for va in access_stream(maps, "uniform", 100, rng):
        await bench.translate(va, *random_access(rng))
    assert bench.model.counters["learned_fallbacks"] > 0
    await bench.check_counters()


FLUSH_KIND_LIST = list(FLUSH_KINDS)


@cocotb.test()
async def flushes(dut):
    """Requests under three ASIDs over pages of which some are global, interleaved with flushes
    of every kind: sent with a request (during its walk, whose fill is then dropped, or after it
    for a TLB hit) or on their own between requests."""
    rng = random.Random(seed_of(dut))
    base = layout("large_mmap", 5)
    maps = layouts.MappingList([dataclasses.replace(m, g=(i % 4 == 0))
                                for i, m in enumerate(base)])
    image, config, _ = build_world(maps)
    bench = MmuBench(dut, image, config, latency="random:1:8", seed=rng.getrandbits(32))
    await bench.start()
    hot = rng.sample(pages_of(maps, rng), 24)
    flushes_sent = 0
    for i in range(param("requests", int, 400)):
        if rng.random() < 0.1:
            bench.set_config(asid=rng.randrange(1, 4))
        va = rng.choice(hot) if rng.random() < 0.9 else rng.getrandbits(38)
        flush = None
        if rng.random() < param("flush_p", float, 0.15):
            kind = rng.choice(FLUSH_KIND_LIST)
            target = rng.choice(hot) if rng.random() < 0.8 else rng.getrandbits(38)
            flush = (kind, rng.randrange(1, 4), target)
            flushes_sent += 1
        await bench.translate(va, *random_access(rng), flush=flush)
        if i % 20 == 19:
            kind = FLUSH_KIND_LIST[i // 20 % len(FLUSH_KIND_LIST)]
            await bench.flush(kind, rng.randrange(1, 4), rng.choice(hot))
    assert flushes_sent > 10
    for kind in FLUSH_KINDS:
        for during in (False, True):
            assert (kind, during) in bench.flush_log, f"no flush {kind!r} with during={during}"
    await bench.check_counters()


@cocotb.test()
async def lwc_thrash(dut):
    """A stream that hops between the leaves of a many-leaf index (the walk cache thrashes),
    with ASID flushes that remove the walk cache's nodes."""
    rng = random.Random(seed_of(dut))
    maps = layout("process_like", 2)
    image, config, index = build_world(maps)
    assert sum(index.stats.nodes_per_level[1:]) >= 4, index.stats
    bench = MmuBench(dut, image, config, latency="fixed:4")
    await bench.start()
    vas = pages_of(maps, rng)
    for i in range(param("requests", int, 300)):
        va = vas[(i * 37) % len(vas)] if i % 3 else rng.choice(vas)
        await bench.translate(va, 0, 1)
        if i % 50 == 49:
            await bench.flush("asid", asid=1)
    assert bench.model.counters["lwc_misses"] > 2 * param("lwc_entries")
    await bench.check_counters()


@cocotb.test()
async def random_stream(dut):
    """``requests`` translations from ``stream`` (uniform, zipf, sequential) over ``layout``,
    with the memory ``latency`` mode, response ``backpressure`` and flushes with probability
    ``flush_p`` (some during walks)."""
    seed = seed_of(dut)
    rng = random.Random(seed)
    name = param("layout", str)
    maps = layout(name, param("seed_layout", int, 0))
    image, config, index = build_world(maps)
    bench = MmuBench(dut, image, config, latency=param("latency", str, "random:1:50"),
                     backpressure=param("backpressure", float, 0.0), seed=seed)
    await bench.start()
    flush_p = param("flush_p", float, 0.0)
    vas = access_stream(maps, param("stream", str), param("requests"), rng)
    for va in vas:
        flush = None
        if rng.random() < flush_p:
            flush = (rng.choice(FLUSH_KIND_LIST), 1, rng.choice(vas))
        await bench.translate(va, *random_access(rng), flush=flush)
    await bench.check_counters()
    counters = bench.model.counters
    dut._log.info(f"layout {name}: index {index.stats.index_bytes} B, learned single "
                  f"{counters['learned_single']} of {counters['walks']} walks")


# ---------------------------------------------------------------------------------------------
# Real processes


def require_big_design(dut):
    """Big worlds need 30-bit physical addresses at least (the regions sit at 256 MiB and up)."""
    pa_bits = param("pa_bits")
    if pa_bits < 30:
        raise ValueError(f"big worlds need a design with pa_bits >= 30, not {pa_bits}")


@cocotb.test()
async def process_replay(dut):
    """A real process's pages (``mappings``: a file of :func:`cerite.lvm.bench.save_mappings`,
    read from ``/proc`` by the caller): ``requests`` translations in learned mode (uniform, Zipf
    and sequential streams, 5% random VAs, mixed accesses, flushes with probability
    ``flush_p``), the last quarter in radix mode; memory ``latency`` and response
    ``backpressure`` as in ``random_stream``. At least 80% of the learned-mode walks must end in
    the learned walk (a real process's index works, not just falls back)."""
    seed = seed_of(dut)
    rng = random.Random(seed)
    require_big_design(dut)
    maps = load_mappings(param("mappings", str))
    image, config, index = build_world(maps, big=True)
    s = index.stats
    dut._log.info(f"process {maps.stats.get('pid')}: {len(maps)} pages, index {s.index_bytes} B "
                  f"{s.nodes_per_level}, GPT {s.gpt_bytes} B, overflow {s.overflow_keys}")
    bench = MmuBench(dut, image, config, latency=param("latency", str, "random:1:20"),
                     backpressure=param("backpressure", float, 0.0), seed=seed)
    await bench.start()
    requests = param("requests")
    flush_p = param("flush_p", float, 0.0)
    plan = [(True, "uniform", requests * 3 // 8), (True, "zipf", requests // 4),
            (True, "sequential", requests // 8)]
    plan.append((False, "uniform", requests - sum(n for _, _, n in plan)))
    for learned, stream, count in plan:
        bench.set_config(learned=learned)
        vas = access_stream(maps, stream, count, rng)
        for va in vas:
            flush = None
            if rng.random() < flush_p:
                flush = (rng.choice(FLUSH_KIND_LIST), 1, rng.choice(vas))
            await bench.translate(va, *random_access(rng), flush=flush)
    await bench.check_counters()
    counters = bench.model.counters
    learned_walks = counters["learned_hits"] + counters["learned_fallbacks"]
    assert counters["learned_hits"] >= 0.8 * learned_walks, counters
    assert bench.sources.get((1, 0, 0)) and bench.sources.get((2, 0, 0)), bench.sources
    dut._log.info(f"learned walks {learned_walks}: {counters['learned_hits']} learned, "
                  f"{counters['learned_single']} of them with one access")


# ---------------------------------------------------------------------------------------------
# The benchmark (driven by cerite.lvm.bench)


def walk_stream(mappings, count, rng):
    """``count`` requests ``(va, access)``, uniform over the mappings (one key each, huge pages
    included), a random 4 KiB page and offset inside; reads, fetches for execute-only pages."""
    maps = list(mappings)
    out = []
    for _ in range(count):
        m = rng.choice(maps)
        va = (m.vpn + rng.randrange(m.pages)) << 12 | rng.randrange(0, 4096, 8)
        out.append((va, 0 if m.r else 2))
    return out


def zipf_stream(mappings, count, rng):
    """``count`` requests ``(va, access)`` from :func:`access_stream`'s Zipf stream (no random
    VAs), reads or fetches as in :func:`walk_stream`."""
    vas = access_stream(mappings, "zipf", count, rng, unmapped=0.0)
    return [(va, 0 if mappings.find(va >> 12).r else 2) for va in vas]


def golden_walks(image, config, stream, *, lwc_entries=None):
    """Every request of ``stream`` on a fresh golden model, each followed by a flush of its VA
    (so every request walks, with the walk cache kept); returns ``(accesses, counters)``.
    ``lwc_entries`` overrides the design's walk-cache size (a golden-only what-if)."""
    params = golden_params()
    if lwc_entries is not None:
        params = dataclasses.replace(params, lwc_entries=lwc_entries)
    model = MmuModel(params, image, config)
    accesses = []
    for va, access in stream:
        accesses.append(len(model.translate(va, access, True).reads))
        model.flush("va", va=va)
    return accesses, dict(model.counters)


def cycle_summary(cycles):
    """Mean, median, 90th percentile and maximum of a list of cycle counts."""
    ordered = sorted(cycles)
    p50, p90 = (ordered[min(len(ordered) - 1, int(q * len(ordered)))] for q in (0.5, 0.9))
    return {"count": len(ordered), "mean": sum(ordered) / len(ordered), "p50": p50, "p90": p90,
            "max": ordered[-1]}


async def hardware_walk_cycles(dut):
    await ReadOnly()
    total = int(dut.counters__walk_cycles_total.value)
    await RisingEdge(dut.clk)
    return total


def bench_world(spec):
    """The mappings of one benchmark world: ``{"layout": name, "seed": s}`` (the full-size
    layout) or ``{"mappings": path}``."""
    if "layout" in spec:
        return layouts.LAYOUTS[spec["layout"]](spec["seed"])
    return load_mappings(spec["mappings"])


async def measure_world(bench, spec, settings):
    """One world of ``bench_stream``: build, golden walk statistics, RTL cycles, Zipf stream."""
    dut = bench.dut
    maps = bench_world(spec)
    radix_out = []
    start_s = time.perf_counter()
    # the index the driver loads: its nodes below the root fit the walk cache
    image, config, index = build_world(maps, big=True, radix_out=radix_out,
                                       max_cached_nodes=param("lwc_entries"))
    world_seconds = time.perf_counter() - start_s
    rng = random.Random(f"{settings['seed']}:{spec['name']}")
    stream = walk_stream(maps, settings["golden_walks"], rng)
    zipf = zipf_stream(maps, settings["zipf_requests"], rng)
    out = {"name": spec["name"], "kind": spec["kind"], "keys": len(maps),
           "pages_4k": maps.pages_4k,
           "keys_by_size": [sum(1 for m in maps if m.size == s) for s in (0, 1, 2)],
           "index": dataclasses.asdict(index.stats), "radix": dict(radix_out[0].stats),
           "world_seconds": world_seconds, "source": {k: v for k, v in spec.items()}, "modes": {}}
    for mode, learned in (("learned", True), ("radix", False)):
        cfg = dataclasses.replace(config, learned=learned)
        accesses, counters = golden_walks(image, cfg, stream)
        result = {"golden": {"walks": len(accesses), "accesses": accesses,
                             "counters": counters}, "rtl": {}}
        if learned:
            # What-if: a walk cache that holds every node of the index (golden model only).
            nodes = max(1, sum(index.stats.nodes_per_level[1:]))
            whole, whole_counters = golden_walks(image, cfg, stream, lwc_entries=nodes)
            result["golden_whole_index_cached"] = {"lwc_entries": nodes, "accesses": whole,
                                                   "counters": whole_counters}
        rtl_count = settings["rtl_walks"]
        for latency in settings["latencies"]:
            await bench.reload(image, cfg, latency=f"fixed:{latency}")
            cycles, rtl_accesses = [], []
            for va, access in stream[:rtl_count]:
                want = await bench.translate(va, access, 1)
                cycles.append(bench.last_cycles)
                rtl_accesses.append(len(want.reads))
                await bench.flush("va", 0, va)
            await bench.check_counters()
            assert rtl_accesses == accesses[:rtl_count], \
                f"{spec['name']} {mode} latency {latency}: RTL accesses differ from the golden run"
            walks = bench.model.counters["walks"]
            result["rtl"][str(latency)] = {
                "cycles": cycle_summary(cycles), "walks": walks,
                "walk_cycles_total": await hardware_walk_cycles(dut)}
        await bench.reload(image, cfg, latency=f"fixed:{settings['zipf_latency']}")
        cycles = []
        for va, access in zipf:
            await bench.translate(va, access, 1)
            cycles.append(bench.last_cycles)
        await bench.check_counters()
        result["zipf"] = {"latency": settings["zipf_latency"], "cycles": cycle_summary(cycles),
                          "counters": dict(bench.model.counters),
                          "walk_cycles_total": await hardware_walk_cycles(dut)}
        out["modes"][mode] = result
    s = index.stats
    dut._log.info(f"{spec['name']}: {len(maps)} keys, index {s.index_bytes} B, learned "
                  f"{sum(out['modes']['learned']['golden']['accesses']) / len(stream):.4f} "
                  f"accesses per walk")
    return out


@cocotb.test()
async def bench_stream(dut):
    """The measurement run of :func:`cerite.lvm.bench.run_mmu_bench`. ``bench_spec`` names a
    JSON file ``{"worlds": [...], "settings": {...}}``; every world is built (radix tables and
    learned index), its uniform walk stream (each request followed by a flush of its VA, so
    every request walks) is run on the golden model for the access statistics and its first
    ``rtl_walks`` requests on the RTL at each fixed latency in ``latencies``, in learned and in
    radix mode, then a Zipf stream at ``zipf_latency`` for the TLB and walk-cache hit rates.
    Every RTL request is scoreboarded and the RTL's access counts must equal the golden run's.
    The results go to the JSON file ``bench_out``."""
    seed_of(dut)
    require_big_design(dut)
    with open(param("bench_spec", str)) as f:
        spec = json.load(f)
    settings = spec["settings"]
    bench = None
    results = []
    for world in spec["worlds"]:
        if bench is None:
            empty = build_world([], big=True)
            bench = MmuBench(dut, empty[0], empty[1], latency="fixed:1")
            await bench.start()
        results.append(await measure_world(bench, world, settings))
    with open(param("bench_out", str), "w") as f:
        json.dump({"worlds": results, "settings": settings}, f)


# ---------------------------------------------------------------------------------------------
# Fault campaign (driven by cerite.assurance.campaigns)

CAMPAIGN_LAYOUTS = ["brk_heap", "mmap_arenas", "huge_pages", "process_like", "random_sparse",
                    "alternating_sizes", "thread_stacks"]
#: Memory latency modes of the campaign and their weights (long latencies cost simulated cycles
#: without exercising more logic, so they come less often).
CAMPAIGN_LATENCIES = {"fixed:0": 2, "fixed:1": 2, "fixed:3": 1, "fixed:20": 1, "random:1:8": 2,
                      "random:1:50": 1, "stall": 2}


def request_bound(latency):
    """Clock cycles within which every request must get its response: a walk reads at most 32
    words (radix levels, learned nodes, a GPT line, a fallback radix walk), each after at most
    the latency's longest delay, plus a fixed allowance for the pipeline and the response
    back-pressure. A request that takes longer is a hang."""
    kind, *args = latency.split(":")
    worst = {"fixed": lambda: int(args[0]), "random": lambda: int(args[1]),
             "stall": lambda: 3}[kind]()
    return 32 * (worst + 8) + 2000


@cocotb.test()
async def fault_campaign(dut):
    """``requests`` translations in segments of ``segment``: each segment picks a layout, a memory
    latency mode, response back-pressure, learned or radix mode, SUM/MXR and the ASID at random,
    and marks ``errors`` random words of the tables and the index (and a few arbitrary words) as
    memory errors; flushes of every kind come at random. Every response is checked against the
    golden MMU (PA, fault, size, source and the walk's reads) and must come within
    :func:`request_bound` cycles. The statistics go to the JSON file ``campaign_out``."""
    seed = seed_of(dut)
    rng = random.Random(seed)
    requests = param("requests")
    segment = param("segment", int, 500)
    error_words = param("errors", int, 6)
    worlds = {}
    bench = None
    stats = {"requests": 0, "segments": 0, "faults": {}, "flushes": {},
             "latencies": {}, "max_cycles": {}, "error_words": 0}
    done = 0
    while done < requests:
        name = rng.choice(CAMPAIGN_LAYOUTS)
        if name not in worlds:
            maps = layout(name, rng.randrange(4))
            image, config, _ = build_world(maps)
            worlds[name] = (maps, image, config, [addr for addr, _ in image])
        maps, image, config, written = worlds[name]
        latency = rng.choices(list(CAMPAIGN_LATENCIES), list(CAMPAIGN_LATENCIES.values()))[0]
        errors = set(rng.sample(written, min(error_words, len(written))))
        errors |= {rng.randrange(PT_REGION[0], INDEX_REGION[0] + INDEX_REGION[1], 8)
                   for _ in range(2)}
        cfg = dataclasses.replace(config, learned=rng.random() < 0.7, sum=rng.randrange(2),
                                  mxr=rng.randrange(2), asid=rng.randrange(1, 4))
        if bench is None:
            bench = MmuBench(dut, image, cfg, errors=errors, latency=latency,
                             seed=rng.getrandbits(32))
            await bench.start()
        else:
            bench.memory.errors = errors
            await bench.reload(image, cfg, latency=latency)
        bp = rng.choice([0.0, 0.0, 0.2, 0.5])
        bench.resp.backpressure = random_pattern(rng.getrandbits(32), bp) if bp else None
        stats["error_words"] += len(errors)
        bound = request_bound(latency)
        count = min(segment, requests - done)
        stream = access_stream(maps, rng.choice(["uniform", "zipf", "sequential"]), count, rng)
        for va in stream:
            flush = None
            if rng.random() < 0.03:
                flush = (rng.choice(FLUSH_KIND_LIST), rng.randrange(1, 4), rng.choice(stream))
            try:
                await with_timeout(bench.translate(va, *random_access(rng), flush=flush),
                                   bound * CLOCK_PERIOD_NS, "ns")
            except SimTimeoutError:
                raise AssertionError(f"request {bench.checked}: va {va:#x} got no response in "
                                     f"{bound} cycles (latency {latency}, seed {seed})") from None
            key = latency.split(":")[0]
            stats["max_cycles"][key] = max(stats["max_cycles"].get(key, 0), bench.last_cycles)
            if bench.last_cycles > bound:
                raise AssertionError(f"request {bench.checked}: {bench.last_cycles} cycles > "
                                     f"{bound}")
        await bench.check_counters()
        for (source, fault, size), n in bench.sources.items():
            label = f"{Source(source).name}/{Fault(fault).name}"
            stats["faults"][label] = stats["faults"].get(label, 0) + n
        bench.sources.clear()
        for kind, during in bench.flush_log:
            label = f"{kind}/{'during a walk' if during else 'outside a walk'}"
            stats["flushes"][label] = stats["flushes"].get(label, 0) + 1
        bench.flush_log.clear()
        stats["latencies"][latency] = stats["latencies"].get(latency, 0) + count
        done += count
        stats["segments"] += 1
    stats["requests"] = done
    dut._log.info(f"fault campaign: {done} translations checked in {stats['segments']} segments")
    out = param("campaign_out", str, "")
    if out:
        with open(out, "w") as handle:
            json.dump(stats, handle)
