# amaranth: UnusedElaboratable=no
"""The NTT array and the learned MMU as SoC units, driven by the host driver on the simulated board.

Every result is compared with the golden models (``cerite.ntt.golden`` / ``rns`` for the NTT,
``cerite.lvm.golden.MmuModel`` for the MMU, which is independently checked in its own tests);
every device error the driver maps must raise its exception. The boards are built once and cached
(``cerite.sim.board``); each test that needs a reset device opens a fresh board process.
"""

import dataclasses
import json
import random
import re
import subprocess
import sys

import pytest

from cerite import regmap_generated
from cerite.demo import _table as demo_table
from cerite.demo import demo_mmu
from cerite.driver import Device, DeviceBusTimeout, SimTransport
from cerite.driver.mmu import MmuError, MmuInterface, MmuMemoryFull, MmuResponse
from cerite.driver.ntt import (NttAbortedError, NttBadOpError, NttBadSlotError, NttBusyError,
                               NttInterface, NttNoContextError, NttRangeError)
from cerite.hw.ntt.array import NTTArray
from cerite.lvm import LAYOUTS, Mapping
from cerite.lvm.golden import COUNTER_NAMES
from cerite.ntt import golden
from cerite.ntt.primes import find_ntt_primes, minimal_psi
from cerite.ntt.rns import RnsBasis, from_rns, rns_poly_mul, to_rns
from cerite.sim.board import SIM_TABLE_LATENCY, build_board

FULL = regmap_generated.PROFILES["full"]["parameters"]
N = 1 << FULL["ntt_log_n"]
Q = find_ntt_primes(N, 28, 3)


@pytest.fixture(scope="module")
def board():
    return build_board()  # the sim profile: the full units, the MMU's table memory outside


@pytest.fixture(scope="module")
def device(board):
    with Device(SimTransport()) as dev:
        yield dev


@pytest.fixture
def fresh(board):
    """A device straight out of reset (a new board process)."""
    with Device(SimTransport()) as dev:
        yield dev


@pytest.fixture(scope="module")
def ntt(device):
    return NttInterface(device)


def _rand(q, seed, n=N):
    rng = random.Random(seed)
    return [rng.randrange(q) for _ in range(n)]


# -- NTT ----------------------------------------------------------------------------------------


def test_ntt_parameters_match_the_elaborated_array(ntt, device):
    info = NTTArray.decode_info(device.read("ntt.info"))
    assert (info["log_n"], info["width"], info["lanes"], info["reducer"], info["slots"],
            info["pipeline_depth"]) == (ntt.log_n, ntt.width, ntt.lanes, ntt.reducer, ntt.slots,
                                        ntt.pipeline_depth)
    assert (ntt.n, ntt.width, ntt.reducer) == (1024, 28, "barrett")


def test_ntt_every_operation_vs_golden(ntt):
    q = Q[0]
    a, b = _rand(q, 1), _rand(q, 2)
    expected = ntt.expected_cycles()
    ntt.load_context(q)
    assert ntt.status()["ctx_valid"] == 1
    ntt.load(0, a)
    assert ntt.unload(0) == a                                    # LOAD / UNLOAD round trip
    assert ntt.forward(0) == expected["ntt"]
    forward = ntt.unload(0)
    assert forward == [int(x) for x in golden.ntt_forward(a, q)]
    assert ntt.inverse(0) == expected["intt"]
    assert ntt.unload(0) == a                                    # INTT(NTT(a)) = a
    ntt.load(1, b)
    assert ntt.pointwise(0, 1) == expected["pwmul"]
    assert ntt.unload(0) == [int(x) for x in golden.pointwise_mul(a, b, q)]
    ntt.load(0, forward)                                         # bit-reversed input
    ntt.inverse(0)
    assert ntt.unload(0) == a


def test_ntt_products_vs_golden_and_cycle_bound(ntt):
    q = Q[1]
    a, b = _rand(q, 10), _rand(q, 20)
    result = ntt.poly_mul(a, b, q)
    assert result.coeffs == [int(x) for x in golden.poly_mul(a, b, q)]
    assert result.cycles["ntt_a"] <= 1.05 * ntt.cycle_bounds()["ntt"]
    # another root of unity gives the same product (checked against the schoolbook product)
    q = Q[2]
    psi = pow(minimal_psi(q, N), 3, q)
    ntt.load_context(q, psi=psi)
    assert ntt.psi == psi
    a, b = _rand(q, 30), _rand(q, 31)
    assert ntt.poly_mul(a, b).coeffs == [int(x) for x in golden.negacyclic_schoolbook(a, b, q)]


def test_ntt_rns_product_vs_crt(ntt):
    basis = RnsBasis(Q[:2], N)
    rng = random.Random(5)
    a = [rng.randrange(-basis.modulus, basis.modulus) for _ in range(N)]
    b = [rng.randrange(basis.modulus) for _ in range(N)]
    coeffs, limbs = ntt.rns_poly_mul(a, b, Q[:2])
    expected = from_rns(rns_poly_mul(to_rns(a, basis), to_rns(b, basis), basis), basis)
    assert coeffs == [int(x) for x in expected]
    assert [r.q for r in limbs] == Q[:2]


def test_ntt_argument_errors(ntt):
    q = Q[0]
    ntt.load_context(q)
    with pytest.raises(ValueError, match=r"^coefficients must have length N = 1024, not 5$"):
        ntt.load(0, [1, 2, 3, 4, 5])
    bad = _rand(q, 3)
    bad[7] = q
    with pytest.raises(ValueError, match=rf"^coefficients\[7\] = {q} is outside \[0, q\) for "
                                         rf"q = {q}$"):
        ntt.load(0, bad)
    with pytest.raises(ValueError, match=r"^a must have length N = 1024, not 1023$"):
        ntt.poly_mul([0] * 1023, [0] * 1024)
    with pytest.raises(ValueError, match=r"^slot must be in 0\.\.1, not 2$"):
        ntt.forward(2)
    with pytest.raises(ValueError, match=r"^slot_b must be in 0\.\.1, not 5$"):
        ntt.pointwise(0, 5)
    wide = find_ntt_primes(N, 29, 1)[0]
    with pytest.raises(ValueError, match=rf"^q = {wide} needs 29 bits, more than the array's "
                                         r"width 28$"):
        ntt.load_context(wide)
    with pytest.raises(ValueError, match=r"^n must be the array's N = 1024, not 512$"):
        ntt.load_context(q, 512)
    with pytest.raises(ValueError, match=r"^q = 7681 is not 1 mod 2n = 2048 for n = 1024$"):
        ntt.load_context(7681)                   # prime, but not 1 mod 2N
    with pytest.raises(TypeError, match=r"^coefficients\[0\] must be an integer, not float$"):
        ntt.load(0, [0.5] * N)
    ntt.load(0, _rand(q, 4))                     # nothing above disturbed the array


def test_ntt_device_errors_raise_their_exceptions(fresh):
    ntt = NttInterface(fresh)
    with pytest.raises(NttNoContextError, match=r"load_context"):
        ntt.forward(0)                           # the driver knows no context is loaded
    ntt.q = Q[0]                                 # pretend: now the array itself refuses
    with pytest.raises(NttNoContextError, match=r"^NTT ntt: no valid context is loaded$"):
        ntt.forward(0)
    ntt.load_context(Q[1])                       # Q[1] < Q[0]
    ntt.q = Q[0]
    data = _rand(Q[1], 6)
    data[3] = Q[1]                               # >= the array's q, < the driver's
    with pytest.raises(NttRangeError, match=r"^NTT load: a coefficient or twiddle was >= q$"):
        ntt.load(0, data)
    ntt.q = Q[1]
    # raw commands the driver never sends
    with pytest.raises(NttBadOpError, match=r"bad operation code"):
        ntt._start(7)
        ntt._check_start("op 7")
    with pytest.raises(NttBadSlotError, match=r"bad slot"):
        ntt._start(3, 9)
        ntt._check_start("ntt")
    ntt._start(1, 0)                             # a LOAD that waits for its data
    ntt._start(3, 0)                             # a start while busy is refused ...
    with pytest.raises(NttBusyError, match=r"^NTT load: the array was busy$"):
        fresh.write_window("ntt.data", _rand(Q[1], 7))   # ... the LOAD still completes
        ntt._wait("load")
    ntt._start(1, 1)
    ntt.abort()
    with pytest.raises(NttAbortedError, match=r"^NTT load: the command was aborted$"):
        ntt._wait("load")
    a, b = _rand(Q[1], 8), _rand(Q[1], 9)
    assert ntt.poly_mul(a, b).coeffs == [int(x) for x in golden.poly_mul(a, b, Q[1])]


def test_ntt_window_back_pressure_loses_nothing(ntt, device):
    q = Q[0]
    ntt.load_context(q)
    with pytest.raises(DeviceBusTimeout):
        device.write_window("ntt.data", [1])     # the array takes no input while idle
    with pytest.raises(DeviceBusTimeout):
        device.read_window("ntt.data", 1)        # ... and gives none
    a = _rand(q, 11)
    ntt.load(0, a)
    assert ntt.unload(0) == a                    # the refused word was neither taken nor lost


def test_small_mmu_profile():
    """The ICEBreaker's MMU SoC (profile small-mmu): the radix-only small MMU (24-bit physical
    addresses, 128 KiB of table memory, no learned walk: asking for one is refused), no NTT."""
    with Device.open("sim:small-mmu") as dev:
        assert "ntt_log_n" not in dev.identity.parameters
        with pytest.raises(ValueError, match=r"^the device has no NTT unit"):
            NttInterface(dev)
        mmu = MmuInterface(dev)
        assert (mmu.pa_bits, mmu.tlb_entries, mmu.mem_bytes) == (24, 4, 128 << 10)
        assert not mmu.learned_walk
        assert "mmu.root0_lo" not in dev.regmap.names()
        assert "mmu.index_base_lo" not in dev.regmap.names()
        maps = [Mapping(k << 18, 2, (1 << 20) + (k << 18), w=k % 2 == 0, d=True)
                for k in range(1, 6)] + [Mapping(0x40_0000 + k, 0, 0x300 + k) for k in range(40)]
        with pytest.raises(ValueError, match=r"learned must be False: MMU unit 'mmu' is "
                                             r"radix-only"):
            mmu.load_mappings(maps, learned=True)
        with pytest.raises(ValueError, match=r"^index options \['max_cached_nodes'\] given, but "
                                             r"MMU unit 'mmu' is radix-only"):
            mmu.load_mappings(maps, max_cached_nodes=2)
        loaded = mmu.load_mappings(maps)
        assert loaded.index is None and loaded.index_bytes == 0 and not loaded.config.learned
        with pytest.raises(ValueError, match=r"radix-only"):
            mmu.set_learned(True)
        vas, access, user = _requests(maps, seed=1, unmapped=20)
        # each request twice in a row: the second is a TLB hit when the first filled it
        vas, access, user = ([x for x in seq for _ in range(2)] for seq in (vas, access, user))
        mmu.reset()
        model = mmu.golden()
        responses = _check(mmu, model, vas, access, user)
        _check_counters(mmu, model)
        assert {r.source for r in responses} == {0, 2}
        assert {r.size for r in responses if r.fault == 0} == {0, 2}
        # the demo's MMU part on this device: radix walks of this process's pages only
        report = demo_mmu(dev, translations=120)
        assert report["errors"] == 0 and not report["learned_walk"], report
        assert [row["mode"] for row in report["modes"]] == ["radix"]
        assert report["pages_used"] > 0 and report["index_bytes"] == 0
        text = demo_table({"device": "sim:small-mmu", "profile": "small-mmu", "errors": 0,
                           "ntt": {"skipped": "no NTT unit", "errors": 0}, "mmu": report})
        assert "NTT: skipped, no NTT unit" in text and "radix-only MMU" in text


def test_small_profile_units():
    """The ICEBreaker's NTT SoC (profile small): a Montgomery array with 16-bit q, no MMU."""
    with Device.open("sim:small") as dev:
        assert "mmu_mem_bytes" not in dev.identity.parameters
        with pytest.raises(ValueError, match=r"^the device has no MMU unit 'mmu'$"):
            MmuInterface(dev)
        ntt = NttInterface(dev)
        assert (ntt.reducer, ntt.width, ntt.lanes) == ("montgomery", 16, 1)
        q = find_ntt_primes(ntt.n, 16, 1)[0]
        a, b = _rand(q, 12, ntt.n), _rand(q, 13, ntt.n)
        result = ntt.poly_mul(a, b, q)
        assert result.coeffs == [int(x) for x in golden.poly_mul(a, b, q)]
        assert result.cycles == {"ntt_a": ntt.expected_cycles()["ntt"],
                                 "ntt_b": ntt.expected_cycles()["ntt"],
                                 "pwmul": ntt.expected_cycles()["pwmul"],
                                 "intt": ntt.expected_cycles()["intt"]}


# -- MMU ----------------------------------------------------------------------------------------


def _check(mmu, model, vas, access, user):
    """Translate on the device and in ``model``; assert both agree on every field."""
    responses = mmu.translate(vas, access, user)
    accesses = [access] * len(vas) if isinstance(access, int) else access
    users = [user] * len(vas) if isinstance(user, bool) else user
    expected = [model.translate(va, a, u) for va, a, u in zip(vas, accesses, users)]
    for va, got, want in zip(vas, responses, expected):
        assert got.matches(want), (hex(va), got, want)
    return responses


def _check_counters(mmu, model):
    counters = mmu.counters()
    mask = (1 << mmu.counter_bits) - 1
    assert {k: counters[k] for k in COUNTER_NAMES} == {k: v & mask
                                                       for k, v in model.counters.items()}
    return counters


def _requests(maps, seed, unmapped=100):
    """Every mapped page (a random offset inside), then ``unmapped`` addresses mapped by
    nothing, with random access types and privilege."""
    rng = random.Random(seed)
    vas = [m.va + rng.randrange(4096 * m.pages) for m in maps]
    lo, hi = maps[0].vpn, maps[-1].end_vpn
    while len(vas) < len(maps) + unmapped:
        vpn = rng.randrange(max(0, lo - 1024), min(1 << 27, hi + 1024))
        if not any(m.vpn <= vpn < m.end_vpn for m in maps):
            vas.append(vpn << 12 | rng.randrange(4096))
    rng.shuffle(vas)
    return vas, [rng.choice((0, 0, 1, 2)) for _ in vas], [rng.random() < 0.9 for _ in vas]


def _layout(name):
    maps = LAYOUTS[name](1)
    if name == "huge_pages":  # its 1 GiB and 2 MiB pages and the first 200 4 KiB ones
        maps = [m for m in maps if m.size] + [m for m in maps if not m.size][:200]
        maps.sort(key=lambda m: m.vpn)
    return maps


@pytest.mark.parametrize("layout", ["huge_pages", "thread_stacks"])
def test_mmu_every_page_learned_and_radix(fresh, layout):
    mmu = MmuInterface(fresh)
    maps = _layout(layout)
    assert {m.size for m in maps} == ({0, 1, 2} if layout == "huge_pages" else {0})
    rng = random.Random(7)
    stale = [rng.getrandbits(64) | 1 for _ in range(256)]
    mmu.write_memory(mmu.mem_base, stale[:64])
    mmu.write_memory(mmu.mem_base + 96 * 1024, stale)
    loaded = mmu.load_mappings(maps)
    assert 0 < loaded.written_bytes <= loaded.pt_bytes + loaded.index_bytes
    # load_mappings clears what the new tables span; past that the MMU never reads (its
    # regions end there), so stale words may stay
    span = max(loaded.config.pt_limit, loaded.config.index_limit)
    assert span > mmu.mem_base + 8 * 64
    for at, count, old in ((mmu.mem_base, 64, stale[:64]), (mmu.mem_base + 96 * 1024, 256, stale)):
        words = mmu.read_memory(at, count)
        for i in range(count):
            addr = at + 8 * i
            assert words[i] == (loaded.image.read_word(addr) if addr < span else old[i]), addr
    vas, access, user = _requests(list(maps), seed=len(maps))
    sources = {}
    for learned in (True, False):
        mmu.set_learned(learned)
        mmu.reset()
        model = mmu.golden()
        assert model.config.learned is learned
        responses = _check(mmu, model, vas, access, user)
        counters = _check_counters(mmu, model)
        sources[learned] = {r.source for r in responses}
        # a second pass: TLB hits where the golden model has them
        _check(mmu, model, vas[:40], access[:40], user[:40])
        _check_counters(mmu, model)
        assert counters["requests"] == len(vas)
    assert 1 in sources[True] and sources[False] <= {0, 2}


def test_mmu_flush_kinds_and_counters(fresh):
    mmu = MmuInterface(fresh)
    base = 0x40000
    maps = [Mapping(base + i, 0, (1 << 20) + 7 * i, w=True, d=True, g=i % 4 == 0)
            for i in range(12)]
    maps.append(Mapping(0x80000, 1, 1 << 21))            # a 2 MiB page
    mmu.load_mappings(maps, asid=5)
    model = mmu.golden()
    vas = [m.va + 8 * i for i, m in enumerate(maps)]
    _check(mmu, model, vas, 0, True)
    hits = _check(mmu, model, vas, 0, True)
    assert {r.source for r in hits} == {0}              # everything in the TLB now
    steps = [("va", dict(va=vas[3])), ("asid", dict(asid=6)), ("va_asid", dict(va=vas[4],
             asid=5)), ("va_asid", dict(va=vas[8], asid=5)), ("asid", dict(asid=5)),
             ("all", {})]
    for kind, operands in steps:
        mmu.flush(kind, **operands)
        model.flush(kind, **operands)
        _check(mmu, model, vas, 1, True)
        _check_counters(mmu, model)
    assert mmu.status()["flush_lost"] == 0
    mmu.reset()
    assert set(mmu.counters().values()) == {0}


def test_mmu_queue_longer_than_its_depth(device):
    mmu = MmuInterface(device)
    maps = LAYOUTS["pie_aslr"](2)
    mmu.load_mappings(maps)
    model = mmu.golden()
    rng = random.Random(3)
    vas = [m.va + rng.randrange(4096) for m in rng.choices(list(maps), k=2 * mmu.queue_depth + 7)]
    _check(mmu, model, vas, 0, True)
    _check_counters(mmu, model)


def test_mmu_table_ram_round_trip_and_bounds(device):
    mmu = MmuInterface(device)
    rng = random.Random(4)
    words = [rng.getrandbits(64) for _ in range(300)]
    top = mmu.mem_base + mmu.mem_bytes - 8 * len(words)
    mmu.write_memory(top, words)
    mmu.write_memory(mmu.mem_base, words[:5])
    assert mmu.read_memory(top, len(words)) == words
    assert mmu.read_memory(mmu.mem_base, 5) == words[:5]
    end = mmu.mem_base + mmu.mem_bytes
    with pytest.raises(ValueError, match=re.escape(
            f"[0x{end:x}, 0x{end + 8:x}) is not 8-byte aligned inside the table RAM "
            f"[0x{mmu.mem_base:x}, 0x{end:x})")):
        mmu.write_memory(end, [0])
    with pytest.raises(ValueError, match=r"^word 0x10000000000000000 does not fit 64 bits$"):
        mmu.write_memory(mmu.mem_base, [1 << 64])


def test_mmu_walk_outside_the_ram_is_an_access_fault(fresh):
    mmu = MmuInterface(fresh)
    maps = [Mapping(0x100 + i, 0, (1 << 20) + i) for i in range(4)]
    loaded = mmu.load_mappings(maps, learned=False)
    # a root table just past the RAM, inside the radix region: the walk's read leaves the RAM
    # and the unit answers error beats (the golden model: an error word at that address)
    end = mmu.mem_base + mmu.mem_bytes
    mmu.write_config(dataclasses.replace(loaded.config, satp_ppn=end >> 12,
                                         pt_limit=end + 4096))
    mmu.reset()
    model = mmu.golden()
    model.image_errors = {end + 8 * (maps[0].vpn >> 18)}
    responses = _check(mmu, model, [maps[0].va], 0, True)
    assert responses == [MmuResponse(0, 2, 0, 2)]


def test_mmu_argument_errors(device):
    mmu = MmuInterface(device)
    with pytest.raises(ValueError, match=r"^flush 'asid' needs a asid$"):
        mmu.flush("asid")
    with pytest.raises(ValueError, match=r"^flush 'all' takes no va$"):
        mmu.flush("all", va=0)
    with pytest.raises(ValueError, match=r"^flush kind must be one of all, asid, va, va_asid, "
                                         r"not 'tlb'$"):
        mmu.flush("tlb")
    with pytest.raises(ValueError, match=r"^va\[0\] = 0x8000000000 does not fit 39 bits$"):
        mmu.translate([1 << 39])
    with pytest.raises(ValueError, match=r"^access must be 0 \(read\), 1 \(write\) or 2 "
                                         r"\(fetch\), not 3$"):
        mmu.translate([0], 3)
    with pytest.raises(MmuMemoryFull, match=r"KiB"):
        mmu.load_mappings(LAYOUTS["random_sparse"](0), pt_bytes=mmu.mem_bytes)
    with pytest.raises(ValueError, match=r"^nbytes must be a positive multiple of 8 up to "
                                         r"67108864, not 12$"):
        mmu.clear_memory(12)
    fresh = MmuInterface(device)
    with pytest.raises(MmuError, match=r"^nothing is loaded: call load_mappings first$"):
        fresh.golden()


def _clear_below(mmu, nbytes):
    rng = random.Random(nbytes)
    words = [rng.getrandbits(64) | 1 for _ in range(64)]
    start = mmu.mem_base + nbytes - 8 * 32  # 32 words below the end, 32 above
    mmu.write_memory(start, words)
    mmu.clear_memory(nbytes)
    assert mmu.read_memory(start, 64) == [0] * 32 + words[32:]


def test_mmu_clear_stops_at_mem_addr(device):
    """control.clear zeroes the table memory below mem_addr only (what load_mappings uses)."""
    _clear_below(MmuInterface(device), 64 << 10)


def test_mmu_on_chip_table_ram():
    """The full profile's on-chip RAM (what the ULX3S bitstream holds): every path of the unit
    against the golden model, the RAM's ends, a partial clear."""
    with Device.open("sim:full") as dev:
        mmu = MmuInterface(dev)
        assert (mmu.mem_bytes, dev.transport.mem_latency) == (128 << 10, None)
        maps = _layout("thread_stacks")
        mmu.load_mappings(maps)
        vas, access, user = _requests(maps, seed=5, unmapped=40)
        for learned in (True, False):
            mmu.set_learned(learned)
            mmu.reset()
            model = mmu.golden()
            _check(mmu, model, vas, access, user)
            _check_counters(mmu, model)
        words = [random.Random(6).getrandbits(64) for _ in range(40)]
        top = mmu.mem_base + mmu.mem_bytes - 8 * len(words)
        mmu.write_memory(top, words)
        assert mmu.read_memory(top, len(words)) == words
        _clear_below(mmu, mmu.mem_bytes // 2)


def _walk_cycles(latency, maps, vas):
    """``{mode: (walk cycles, reads, beats)}`` on a board whose table memory answers after
    ``latency`` cycles."""
    out = {}
    with Device(SimTransport(mem_latency=latency)) as dev:
        mmu = MmuInterface(dev)
        mmu.load_mappings(maps)
        for learned in (True, False):
            mmu.set_learned(learned)
            mmu.reset()
            model = mmu.golden()
            _check(mmu, model, vas, 0, True)
            _check_counters(mmu, model)
            c = mmu.counters()
            reads = c["reads_node"] + c["reads_gpt"] + c["reads_radix"]
            beats = 4 * c["reads_node"] + 8 * c["reads_gpt"] + c["reads_radix"]
            out["learned" if learned else "radix"] = (c["walk_cycles_total"], reads, beats,
                                                      c["walks"])
    return out


def test_mmu_bursts_stream_one_beat_per_cycle():
    """The memory latency is paid once per burst, not once per beat: raising it by 4 cycles
    adds exactly 4 cycles per read (a beat-by-beat port would add 4 per beat: 8 per GPT line).
    At the board's default latency learned walks take fewer cycles than radix walks."""
    maps = _layout("pie_aslr")
    rng = random.Random(7)
    vas = [m.va + rng.randrange(4096 * m.pages) for m in rng.choices(maps, k=120)]
    fast, slow = _walk_cycles(1, maps, vas), _walk_cycles(5, maps, vas)
    for mode in ("learned", "radix"):
        (c1, reads, beats, walks), (c5, reads5, _, _) = fast[mode], slow[mode]
        assert reads == reads5 and walks > 0
        assert c5 - c1 == 4 * reads, (mode, c1, c5, reads, beats)
    assert fast["learned"][2] > 2 * fast["learned"][1]  # GPT lines: many beats per read
    default = _walk_cycles(SIM_TABLE_LATENCY, maps, vas)
    assert default["learned"][0] < default["radix"][0]


# -- the demo -----------------------------------------------------------------------------------


def test_demo_json_reports_zero_errors(board, capsys, monkeypatch):
    from cerite.cli import main
    monkeypatch.delenv("CERITE_DEVICE", raising=False)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        code = main(["demo", "--json", "--pid", str(child.pid)])
    finally:
        child.kill()
        child.wait()
    out = capsys.readouterr().out
    report = json.loads(out)
    assert code == 0 and report["errors"] == 0
    ntt = report["ntt"]
    assert (ntt["n"], len(ntt["primes"]), ntt["mismatches"]) == (1024, 3, 0)
    assert all(row["ratio"] < 1.05 for row in ntt["cycles"])
    mmu = report["mmu"]
    assert mmu["pid"] == child.pid and mmu["pages_used"] > 0
    learned, radix = mmu["modes"]
    assert learned["mode"] == "learned" and radix["mode"] == "radix"
    assert learned["accesses_per_walk"] < radix["accesses_per_walk"]
    assert learned["single_access_share"] > 0.5 and radix["single_access_share"] == 0
    # the whole process fits the board's table memory, and learned walks are the cheaper ones
    assert mmu["pages_used"] == mmu["pages"] and mmu["mem_latency"] == SIM_TABLE_LATENCY
    assert learned["cycles_per_walk"] < radix["cycles_per_walk"]


# -- the units' parameters ----------------------------------------------------------------------


def test_unit_parameters_are_checked():
    from cerite.hw.soc.mmu_unit import MmuUnit
    from cerite.hw.soc.ntt_unit import NttUnit
    ok = dict(profile="full", mem_bytes=1 << 16, mem_base=1 << 20)
    with pytest.raises(ValueError, match=r"^profile must be 'full' or 'small', not 'tiny'$"):
        MmuUnit(**{**ok, "profile": "tiny"})
    with pytest.raises(ValueError, match=r"^mem_bytes must be a power of two, not 12288$"):
        MmuUnit(**{**ok, "mem_bytes": 12288})
    with pytest.raises(ValueError, match=r"^mem_bytes must be an integer in 4096\.\.16777216, "
                                         r"not 2048$"):
        MmuUnit(**{**ok, "mem_bytes": 2048})
    with pytest.raises(ValueError, match=r"^mem_bytes must be an integer in 4096\.\.16777216, "
                                         r"not 33554432$"):
        MmuUnit(**{**ok, "mem_bytes": 1 << 25, "mem_base": 1 << 25})
    with pytest.raises(ValueError, match=r"^mem_bytes must be an integer in 4096\.\.1073741824, "
                                         r"not 2147483648$"):
        MmuUnit(**{**ok, "mem_bytes": 1 << 31, "external_memory": True})
    with pytest.raises(ValueError, match=r"^external_memory must be True or False, not 1$"):
        MmuUnit(**ok, external_memory=1)
    unit = MmuUnit(**{**ok, "mem_bytes": 1 << 25, "mem_base": 1 << 25, "external_memory": True})
    assert unit.external_memory and "mem" in unit.signature.members
    with pytest.raises(ValueError, match=r"^mem_base 0x1000 must be a multiple of mem_bytes "
                                         r"0x10000$"):
        MmuUnit(**{**ok, "mem_base": 0x1000})
    with pytest.raises(ValueError, match=r"^the RAM \[0x1000000, 0x1010000\) does not fit "
                                         r"24-bit physical addresses$"):
        MmuUnit(**{**ok, "profile": "small", "mem_base": 1 << 24})
    with pytest.raises(ValueError, match=r"^queue_depth must be an integer in 2\.\.4096, not 1$"):
        MmuUnit(**ok, queue_depth=1)
    with pytest.raises(ValueError, match=r"^lanes must be a power of two, not 3$"):
        NttUnit(log_n=10, width=28, lanes=3, reducer="barrett")
    unit = NttUnit(log_n=10, width=28, lanes=4, reducer="montgomery")
    assert NTTArray.decode_info(unit.info_word)["reducer"] == "montgomery"
    assert {p.name: p.value for p in unit.parameters}["reducer"] == 1
