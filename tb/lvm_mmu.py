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

Parameters (``PARAM_*``): ``tlb_entries``, ``lwc_entries``, ``asid_bits``, ``pa_bits`` of the
design; per test ``seed_layout``, ``layout``, ``stream``, ``requests``, ``latency``,
``backpressure``, ``flush_p`` (see each test).
"""

import dataclasses
import random

import cocotb
from cocotb.triggers import ReadOnly, RisingEdge

from cerite.lvm import mapping as layouts
from cerite.lvm.golden import COUNTER_NAMES, FLUSH_KINDS, MmuConfig, MmuModel, MmuParams
from cerite.lvm.index import build_index
from cerite.lvm.memory import MemoryImage
from cerite.lvm.radix import build_radix
from cerite.tb.common import StreamSink, StreamSource, param, random_pattern, soon, start

#: Regions of the radix tables and the learned index: below 2**24 so that every profile
#: (the small one has 24-bit physical addresses) can reach them.
PT_REGION = (0x10_0000, 0x60_0000)
INDEX_REGION = (0x70_0000, 0x80_0000)
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
                continue
            held = None
            dut.mem_req__ready.value = 0
            addr = payload & ((1 << self.pa_bits) - 1)
            words = (payload >> self.pa_bits) + 1
            assert addr % 8 == 0, f"unaligned memory request {addr:#x}"
            self.log.append((addr, words))
            for beat in range(words):
                for _ in range(self.delay(beat)):
                    await RisingEdge(dut.clk)
                a = addr + 8 * beat
                dut.mem_resp__payload.value = self.image.read_word(a) | (a in self.errors) << 64
                dut.mem_resp__valid.value = 1
                while True:
                    await ReadOnly()
                    taken = bool(dut.mem_resp__ready.value)
                    await RisingEdge(dut.clk)
                    if taken:
                        break
                dut.mem_resp__valid.value = 0


# ---------------------------------------------------------------------------------------------
# The bench: driver, golden model, scoreboards


def golden_params():
    """The golden model's parameters for the design under test.

    The golden model's PA width starts at 32 bits; a narrower design keeps the low ``pa_bits``
    bits of the same PA, which the scoreboard compares.
    """
    return MmuParams(tlb_entries=param("tlb_entries"), lwc_entries=param("lwc_entries"),
                     asid_bits=param("asid_bits"), pa_bits=max(32, param("pa_bits")))


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

    async def start(self):
        await start(self.dut)
        soon(self.memory.run())

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

    async def translate(self, va, access=0, user=0, *, flush=None):
        """Send one request and check its response and memory accesses against the model.

        ``flush = (kind, asid, va)`` is sent as soon as the walk has issued a memory access (a
        flush during the walk: the fill is dropped), or after the response for a TLB hit.
        """
        dut = self.dut
        first = len(self.memory.log)
        await self.req.send(va | access << 39 | user << 41)
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
        self.checked += 1
        key = (expected[3], expected[1], expected[2])
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


def build_world(mappings, *, max_levels=3, asid=1):
    """Radix tables and a learned index of ``mappings``; returns ``(image, config, index)``."""
    image = MemoryImage()
    image.region("pt", *PT_REGION)
    image.region("index", *INDEX_REGION)
    radix = build_radix(mappings, image)
    index = build_index(mappings, image, max_levels=max_levels)
    config = MmuConfig(satp_ppn=radix.satp_ppn, asid=asid, learned=True, pt_base=radix.pt_base,
                       pt_limit=radix.pt_limit, **index.registers())
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
