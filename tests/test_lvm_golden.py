"""Tests of the learned-MMU host side: mapping sources (``cerite.lvm.mapping``), the memory image,
the Sv39 radix builder and the golden MMU (``cerite.lvm.golden``) against docs/lvm-format.md.

The radix tables are checked by a decoder written here, independently of the golden walk; the
PTE checks by a rule list written here from the doc (and the RISC-V Privileged Architecture,
"Sv39"); the learned walk by small hand-made indexes.
"""

import dataclasses
import functools
import os
import random
import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cerite.lvm import golden, mapping
from cerite.lvm.index import build_index
from cerite.lvm.golden import (COUNTER_NAMES, Access, Fault, MmuConfig, MmuModel, MmuParams, Node,
                               Source, encode_gpt_tag)
from cerite.lvm.mapping import (LAYOUTS, PPN_BASE, USER_VPN_LIMIT, Mapping, MappingList,
                                PagemapUnavailableWarning, expand_4k, mappings_from_process,
                                validate_mappings)
from cerite.lvm.memory import MemoryImage, RegionFullError
from cerite.lvm.radix import build_radix

PT_BASE, PT_SIZE = 0x8000_0000, 64 << 20
IDX_BASE, IDX_SIZE = 0x4000_0000, 1 << 20
DOC_COUNTERS = {"requests", "tlb_hits", "walks", "lwc_hits", "lwc_misses", "learned_hits",
                "learned_single", "learned_fallbacks", "faults", "reads_node", "reads_gpt",
                "reads_radix"}


def new_image():
    image = MemoryImage()
    image.region("pt", PT_BASE, PT_SIZE)
    image.region("index", IDX_BASE, IDX_SIZE)
    return image


def radix_model(maps, *, params=None, image=None, **config):
    image = new_image() if image is None else image
    result = build_radix(maps, image)
    cfg = MmuConfig(satp_ppn=result.satp_ppn, pt_base=result.pt_base, pt_limit=result.pt_limit,
                    **config)
    return MmuModel(params or MmuParams(), image, cfg), result


@functools.lru_cache(maxsize=None)
def layout(name, seed=0):
    return LAYOUTS[name](seed)


def expected_pa(m, va):
    """PA of ``va`` inside mapping ``m``, computed from byte offsets."""
    return m.pa + (va - m.va)


# ---------------------------------------------------------------------------------------------
# Mappings


def test_mapping_fields_and_pte():
    m = Mapping(0x1234, 0, 0x100000, r=True, w=True, x=False, u=True, g=True, a=True, d=True,
                name="heap")
    assert m.pte() == 0b11110111 | 0x100000 << 10
    assert (m.va, m.pa, m.pages, m.end_vpn) == (0x1234000, 0x100000000, 1, 0x1235)
    assert str(m) == "mapping 'heap' at vpn 0x1234 (4 KiB)"
    assert Mapping(0x200, 1, 0x200).pages == 512
    assert m.translate_vpn(0x1234) == 0x100000
    with pytest.raises(ValueError, match=r"^vpn 0x1235 is outside mapping 'heap' at vpn 0x1234"):
        m.translate_vpn(0x1235)


@pytest.mark.parametrize("maps, message", [
    ([Mapping(0x10, 0, 0x100, name="a"), Mapping(0x10, 0, 0x101, name="b")],
     "mapping 'a' at vpn 0x10 (4 KiB) and mapping 'b' at vpn 0x10 (4 KiB) overlap"),
    ([Mapping(0x200, 1, 0x200, name="huge"), Mapping(0x3ff, 0, 0x101, name="small")],
     "mapping 'huge' at vpn 0x200 (2 MiB) and mapping 'small' at vpn 0x3ff (4 KiB) overlap"),
    ([Mapping(0x201, 1, 0x200, name="h")],
     "mapping 'h' at vpn 0x201 (2 MiB): vpn is not aligned to its page size"),
    ([Mapping(0x40000, 2, 0x200, name="g")],
     "mapping 'g' at vpn 0x40000 (1 GiB): ppn 0x200 is not aligned to its page size"),
    ([Mapping(1 << 27, 0, 0x100, name="k")],
     "mapping 'k' at vpn 0x8000000 (4 KiB): outside Sv39 (vpn must be below 2**27)"),
    ([Mapping((1 << 27) - 512, 1, 0x200, name="k")], None),
    ([Mapping(0x10, 0, 1 << 44, name="p")],
     "mapping 'p' at vpn 0x10 (4 KiB): ppn 0x100000000000 does not fit in 44 bits"),
    ([Mapping(0x10, 0, 0x100, r=False, name="n")],
     "mapping 'n' at vpn 0x10 (4 KiB): a leaf needs R or X (perms ---u-a-)"),
    ([Mapping(0x10, 0, 0x100, r=False, w=True, x=True, name="wx")],
     "mapping 'wx' at vpn 0x10 (4 KiB): W without R is reserved (perms -wxu-a-)"),
])
def test_validate_mappings_errors(maps, message):
    if message is None:
        assert len(validate_mappings(maps)) == 1
        return
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        validate_mappings(maps)


def test_mapping_bad_fields():
    with pytest.raises(ValueError, match=r"^mapping 'x' at vpn 0x10 \(size 3\): size must be 0, 1 "
                                         r"or 2, not 3$"):
        Mapping(0x10, 3, 0x100, name="x")
    with pytest.raises(TypeError, match="^mapping vpn must be an int, not float$"):
        Mapping(1.0, 0, 0x100)
    with pytest.raises(ValueError, match=r"vpn and ppn must be non-negative"):
        Mapping(-1, 0, 0x100)
    with pytest.raises(TypeError, match="^mappings must be Mapping objects, not tuple$"):
        validate_mappings([(1, 0, 2)])


def test_mapping_list_helpers():
    maps = validate_mappings([Mapping(0x400, 1, 0x400), Mapping(0x10, 0, 0x100),
                              Mapping(0x11, 0, 0x101)])
    assert isinstance(maps, MappingList) and isinstance(maps, tuple)
    assert [m.vpn for m in maps] == [0x10, 0x11, 0x400]
    assert maps.pages_4k == 514
    assert maps.find(0x11).ppn == 0x101 and maps.find(0x5ff).size == 1
    assert maps.find(0x12) is None and maps.find(0x600) is None and maps.find(0) is None
    assert maps.keys() == [(0x10, 0), (0x11, 0), (0x400, 1)]
    keys = expand_4k(maps)
    assert keys.tolist() == [0x10, 0x11] + list(range(0x400, 0x600))
    assert expand_4k([]).tolist() == []


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layouts_are_valid_and_deterministic(name):
    maps = layout(name)
    again = LAYOUTS[name](0)
    other = LAYOUTS[name](1)
    assert isinstance(maps, MappingList) and len(maps) > 0
    assert maps == again and maps != other
    assert maps.stats == {"layout": name}
    for m in maps:
        assert m.end_vpn <= USER_VPN_LIMIT and m.ppn >= PPN_BASE
        assert m.vpn % m.pages == 0 and m.ppn % m.pages == 0
        assert m.u and m.a and not m.g and m.d == m.w and m.r
    ppns = sorted((m.ppn, m.ppn + m.pages) for m in maps)
    assert all(a_end <= b for (_, a_end), (b, _) in zip(ppns, ppns[1:])), "frames collide"


def test_layout_shapes():
    arenas = layout("mmap_arenas")
    bases = {m.vpn >> 14 for m in arenas}
    assert len(bases) == 6  # six 64 MiB arenas, each populated from its aligned start
    for base in bases:
        assert arenas.find(base << 14) is not None
    stride = layout("stride2")
    assert {b.vpn - a.vpn for a, b in zip(stride, stride[1:])} == {2}
    sizes = [m.size for m in layout("alternating_sizes")]
    assert sizes == [2, 0, 2, 0] + [1, 0] * 64
    huge = layout("huge_pages")
    assert {m.size for m in huge} == {0, 1, 2}
    stacks = layout("thread_stacks")
    assert len({m.name for m in stacks}) == 16
    names = {m.name.split(":")[0] for m in layout("pie_aslr")}
    assert {"exe", "libc.so", "ld.so", "[vdso]", "[stack]"} <= names
    with pytest.raises(TypeError, match="^seed must be an int, not str$"):
        LAYOUTS["brk_heap"]("1")


# ---------------------------------------------------------------------------------------------
# Memory image


def test_memory_image_words_bytes_regions():
    image = MemoryImage()
    assert image.read_word(0x1000) == 0 and len(image) == 0
    image.write_word(0x1008, 0x1122334455667788)
    assert image.read_burst(0x1000, 3) == [0, 0x1122334455667788, 0]
    image.write_bytes(0x100B, b"\xaa\xbb\xcc\xdd\xee\xff")
    assert image.read_word(0x1008) == 0xEEDD_CCBB_AA66_7788
    assert image.read_word(0x1010) == 0xFF
    assert image.to_bytes(0x100B, 6) == b"\xaa\xbb\xcc\xdd\xee\xff"
    assert image.to_bytes(0x1006, 3) == b"\x00\x00\x88"
    assert list(image) == [(0x1008, 0xEEDD_CCBB_AA66_7788), (0x1010, 0xFF)]
    with pytest.raises(ValueError, match="^addr must be 8-byte aligned, not 0x1004$"):
        image.read_word(0x1004)
    with pytest.raises(ValueError, match="^value must be an unsigned 64-bit int, not 0x10{16}$"):
        image.write_word(0, 1 << 64)
    with pytest.raises(ValueError, match="^words must be in 1..8, not 9$"):
        image.read_burst(0, 9)
    pt = image.region("pt", 0x10000, 0x3000)
    assert image.region("pt") is pt and image.region("pt", 0x10000, 0x3000) is pt
    assert pt.alloc(8, 64) == 0x10000 and pt.alloc(4096) == 0x11000 and pt.alloc(4, 8) == 0x12000
    assert pt.cursor == 0x12008
    with pytest.raises(RegionFullError, match=r"^region 'pt' \[0x10000, 0x13000\) cannot fit 4096 "
                                              r"bytes aligned to 4096 \(4088 bytes left\)$"):
        pt.alloc(4096)
    with pytest.raises(ValueError, match=r"^region 'ix' \[0x12000, 0x14000\) overlaps region 'pt'"):
        image.region("ix", 0x12000, 0x2000)
    with pytest.raises(ValueError, match="^align must be a power of two >= 8, not 12$"):
        pt.alloc(8, 12)
    with pytest.raises(KeyError, match="no region 'nope'"):
        image.region("nope")
    copy = image.copy()
    copy.write_word(0x1008, 0)
    assert image.read_word(0x1008) != 0


# ---------------------------------------------------------------------------------------------
# Radix tables, decoded independently


def decode_radix(image, satp_ppn):
    """Every leaf reachable from the root as ``{vpn: (size, pte)}``, plus the table addresses.

    Asserts the builder's pointer format (V only, plus the PPN) and that every written word of
    every table is a valid PTE."""
    by_page = {}
    for addr, value in image:
        by_page.setdefault(addr & ~0xFFF, {})[(addr & 0xFFF) // 8] = value
    leaves, tables = {}, []

    def visit(table, level, prefix):
        tables.append(table)
        for index, pte in sorted(by_page.get(table, {}).items()):
            assert pte & 1, f"invalid PTE written at {table + 8 * index:#x}"
            vpn_prefix = prefix << 9 | index
            if pte & 0b1010:
                leaves[vpn_prefix << (9 * level)] = (level, pte)
            else:
                assert pte & 0x3FF == 1 and pte >> 54 == 0 and level > 0
                visit((pte >> 10) << 12, level - 1, vpn_prefix)

    visit(satp_ppn << 12, 2, 0)
    return leaves, tables


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_radix_tables_decode_to_mappings(name):
    maps = layout(name)
    image = new_image()
    result = build_radix(maps, image)
    leaves, tables = decode_radix(image, result.satp_ppn)
    assert leaves == {m.vpn: (m.size, m.pte()) for m in maps}
    assert len(set(tables)) == len(tables) == result.stats["tables"]
    assert all(result.pt_base <= t and t + 4096 <= result.pt_limit for t in tables)
    assert result.pt_base == PT_BASE and result.pt_limit == PT_BASE + 4096 * len(tables)
    assert sum(result.stats["leaves_by_level"]) == len(maps)


def test_radix_errors():
    image = MemoryImage()
    with pytest.raises(KeyError, match="no region 'pt'"):
        build_radix([Mapping(1, 0, 0x100)], image)
    image.region("pt", 0, 8192)
    with pytest.raises(RegionFullError, match="^region 'pt' "):
        build_radix([Mapping(1, 0, 0x100)], image)  # needs three tables


# ---------------------------------------------------------------------------------------------
# Golden radix walk


def sv39_reads(tables, vpn, size):
    """The PTE addresses a Sv39 walk reads, from the decoder's table map."""
    parts = [(vpn >> 18) & 511, (vpn >> 9) & 511, vpn & 511]
    return [(tables[level] + 8 * parts[2 - level], 1) for level in (2, 1, 0) if level >= size]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_radix_walk_translates_every_page(name):
    maps = layout(name)
    model, result = radix_model(maps)
    image = model.image
    rng = random.Random(name)
    table_of = {}  # (level, vpn prefix) -> table address, by following PTEs by hand

    def table(level, vpn):
        if level == 2:
            return result.satp_ppn << 12
        key = (level, vpn >> (9 * (level + 1)))
        if key not in table_of:
            parent = table(level + 1, vpn)
            pte = image.read_word(parent + 8 * ((vpn >> (9 * (level + 1))) & 511))
            table_of[key] = (pte >> 10) << 12
        return table_of[key]

    for m in maps:
        vpn = m.vpn + rng.randrange(m.pages)
        va = vpn << 12 | rng.randrange(4096)
        t = model.translate(va, Access.READ, True)
        tables = {level: table(level, vpn) for level in range(m.size, 3)}
        assert (t.pa, t.fault, t.size, t.source) == (expected_pa(m, va), Fault.NONE, m.size,
                                                     Source.RADIX), str(m)
        assert t.reads == sv39_reads(tables, vpn, m.size)
        w = model.translate(va, Access.WRITE, True)
        assert w.fault == (Fault.NONE if m.w else Fault.PAGE) and w.source == Source.TLB
    assert model.counters["walks"] == len(maps) == model.counters["tlb_hits"]
    assert model.counters["reads_radix"] == sum(3 - m.size for m in maps)


@pytest.mark.parametrize("name", ["pie_aslr", "random_sparse", "huge_pages"])
def test_unmapped_vas_page_fault(name):
    maps = layout(name)
    model, _ = radix_model(maps)
    rng = np.random.default_rng(7)
    checked = 0
    for vpn in rng.integers(0, 1 << 27, size=3000).tolist():
        if maps.find(vpn) is not None:
            continue
        t = model.translate(vpn << 12, Access.READ, False)
        assert (t.pa, t.fault, t.size, t.source) == (0, Fault.PAGE, 0, Source.RADIX)
        assert 1 <= len(t.reads) <= 3
        checked += 1
    assert checked > 2000
    assert model.counters["faults"] == checked and all(e is None for e in model.tlb.entries)


# ---------------------------------------------------------------------------------------------
# PTE checks: hand-made tables, every flag combination


def expected_page_fault(flags, access, user, sum_, mxr, *, gpt):
    """The doc's checks 1, 2, 4 and 5 as a rule list (check 3 is tested apart)."""
    v, r, w, x, u, _, a, d = ((flags >> i) & 1 for i in range(8))
    rules = {
        "invalid": not v,
        "write without read": w and not r,
        "pointer in a GPT slot": gpt and not (r or w or x),
        "pointer at level 0": not gpt and not (r or x),
        "read needs R (or X with MXR)": access == Access.READ and not (r or (mxr and x)),
        "write needs W": access == Access.WRITE and not w,
        "fetch needs X": access == Access.EXEC and not x,
        "user needs U": user and not u,
        "supervisor fetch from a user page": not user and u and access == Access.EXEC,
        "supervisor data on a user page without SUM": (not user and u and access != Access.EXEC
                                                       and not sum_),
        "Svade: not accessed": not a,
        "Svade: write to a clean page": access == Access.WRITE and not d,
    }
    return any(rules.values())


L0_TABLE = PT_BASE + 0x2000
FLAG_VPN = (1 << 18) | (2 << 9)  # VPN[2] = 1, VPN[1] = 2, VPN[0] = the flags byte
FLAG_PPN = 0x200000


def flag_tables(image):
    """Root -> level 1 -> level 0 by hand; level-0 entry ``i`` holds PTE flags ``i``."""
    image.write_word(PT_BASE + 8 * 1, ((PT_BASE + 0x1000) >> 12) << 10 | 1)
    image.write_word(PT_BASE + 0x1000 + 8 * 2, (L0_TABLE >> 12) << 10 | 1)
    for flags in range(256):
        image.write_word(L0_TABLE + 8 * flags, flags | (FLAG_PPN + flags) << 10)
    return MmuConfig(satp_ppn=PT_BASE >> 12, pt_base=PT_BASE, pt_limit=PT_BASE + 0x3000)


def flag_index(image):
    """A root leaf over one GPT holding the same 256 PTEs: key ``FLAG_VPN + i`` in line ``i // 4``,
    slot ``i % 4`` (x = vpn >> 2, slope 1, intercept -(FLAG_VPN >> 2))."""
    gpt = IDX_BASE + 0x1000
    for flags in range(256):
        line = gpt + 64 * (flags // 4) + 16 * (flags % 4)
        image.write_word(line, encode_gpt_tag(FLAG_VPN + flags, 0))
        image.write_word(line + 8, flags | (FLAG_PPN + flags) << 10)
    root = Node(slope=1 << 20, intercept=-(FLAG_VPN >> 2) << 20, lo=0, hi=63, shift=2, leaf=True,
                gpt_line=gpt // 64).encode()
    return dict(learned=True, index_base=IDX_BASE, index_limit=gpt + 64 * 64, root=root)


@pytest.mark.parametrize("learned", [False, True])
def test_fault_matrix(learned):
    image = new_image()
    base = flag_tables(image)
    if learned:
        base = dataclasses.replace(base, **flag_index(image))
    source = Source.LEARNED if learned else Source.RADIX
    for sum_ in (False, True):
        for mxr in (False, True):
            model = MmuModel(MmuParams(tlb_entries=1), image,
                             dataclasses.replace(base, sum=sum_, mxr=mxr))
            for flags in range(256):
                va = (FLAG_VPN + flags) << 12 | 0xABC
                cases = [(acc, user) for acc in Access for user in (False, True)]
                good = []
                for access, user in cases:
                    model.flush("all")
                    t = model.translate(va, access, user)
                    fault = expected_page_fault(flags, access, user, sum_, mxr, gpt=learned)
                    want = (0, Fault.PAGE, 0) if fault else ((FLAG_PPN + flags) << 12 | 0xABC,
                                                             Fault.NONE, 0)
                    assert (t.pa, t.fault, t.size, t.source) == want + (source,), \
                        (flags, access, user, sum_, mxr)
                    assert (model.tlb.entries[0] is not None) == (not fault)
                    if not fault:
                        good.append((access, user))
                if not good:
                    continue
                # A TLB hit applies checks 4 and 5 to the stored bits: same answers, source TLB.
                model.flush("all")
                model.translate(va, *good[0])
                for access, user in cases:
                    t = model.translate(va, access, user)
                    fault = expected_page_fault(flags, access, user, sum_, mxr, gpt=learned)
                    assert (t.fault, t.source, t.reads) == (Fault.PAGE if fault else Fault.NONE,
                                                            Source.TLB, [])


def superpage_tables(image, size, ppn, flags=0xCF):
    """A single leaf of ``size`` (1 or 2) for VPN[2] = 3 with ``ppn``; returns config and VA."""
    root = PT_BASE
    l1 = PT_BASE + 0x1000
    if size == 2:
        image.write_word(root + 8 * 3, flags | ppn << 10)
    else:
        image.write_word(root + 8 * 3, (l1 >> 12) << 10 | 1)
        image.write_word(l1 + 8 * 5, flags | ppn << 10)
    va = (3 << 30) | (5 << 21) | (0x1F3 << 12) | 0x42
    return MmuConfig(satp_ppn=root >> 12, pt_base=PT_BASE, pt_limit=PT_BASE + 0x2000), va


@pytest.mark.parametrize("size, ppn, ok", [
    (1, 0x200000, True), (1, 0x200001, False), (1, 0x200100, False),
    (2, 0x4000000, True), (2, 0x4000200, False), (2, 0x4000001, False),
])
def test_misaligned_superpage(size, ppn, ok):
    image = new_image()
    config, va = superpage_tables(image, size, ppn)
    model = MmuModel(MmuParams(), image, config)
    t = model.translate(va, Access.READ, False)
    if ok:
        mask = (1 << (12 + 9 * size)) - 1
        assert (t.pa, t.fault, t.size) == ((ppn << 12) | (va & mask), Fault.NONE, size)
        assert len(t.reads) == 3 - size
    else:
        assert (t.pa, t.fault, t.size, t.source) == (0, Fault.PAGE, 0, Source.RADIX)
    # The same PTE in a GPT slot of that size.
    gpt = IDX_BASE
    image.write_word(gpt + 16, encode_gpt_tag((va >> 12) & ~((1 << (9 * size)) - 1), size))
    image.write_word(gpt + 24, 0xCF | ppn << 10)
    model.config = dataclasses.replace(config, learned=True, index_base=IDX_BASE,
                                       index_limit=IDX_BASE + 64,
                                       root=Node(leaf=True, gpt_line=gpt // 64).encode())
    model.flush("all")
    t = model.translate(va, Access.READ, False)
    assert t.source == Source.LEARNED and t.reads == [(gpt, 8)]
    assert t.fault == (Fault.NONE if ok else Fault.PAGE)


@pytest.mark.parametrize("level", [2, 1, 0])
@pytest.mark.parametrize("bit", range(54, 64))
def test_reserved_bits_fault(level, bit):
    image = new_image()
    config = flag_tables(image)
    vpn = FLAG_VPN + 0xDF  # V R W X U A D leaf
    addr = {2: PT_BASE + 8, 1: PT_BASE + 0x1000 + 16, 0: L0_TABLE + 8 * 0xDF}[level]
    image.write_word(addr, image.read_word(addr) | 1 << bit)
    model = MmuModel(MmuParams(), image, config)
    t = model.translate(vpn << 12, Access.READ, True)
    assert (t.fault, t.source, len(t.reads)) == (Fault.PAGE, Source.RADIX, 3 - level)


@pytest.mark.parametrize("pointer, fault, reads", [
    (0, Fault.PAGE, 1),                 # V = 0
    (0b101, Fault.PAGE, 1),             # V, W without R
    (0b1101, Fault.PAGE, 1),            # V, W and X without R
    (0b11010001, Fault.NONE, 3),        # U, A, D in a pointer are not checked (doc: 63:54 only)
    (0b100001, Fault.NONE, 3),          # G in a pointer: the page becomes global
])
def test_pointer_checks(pointer, fault, reads):
    image = new_image()
    config = flag_tables(image)
    image.write_word(PT_BASE + 8, ((PT_BASE + 0x1000) >> 12) << 10 | pointer)
    model = MmuModel(MmuParams(), image, config)
    t = model.translate((FLAG_VPN + 0xC3) << 12, Access.READ, False)  # V R A D leaf
    assert (t.fault, len(t.reads)) == (fault, reads)
    if fault == Fault.NONE:
        assert model.tlb.entries[0].glob == bool(pointer & 0x20)


def test_pointer_at_level0_faults():
    image = new_image()
    config = flag_tables(image)
    model = MmuModel(MmuParams(), image, config)
    t = model.translate((FLAG_VPN + 0x01) << 12, Access.READ, False)  # V only: a pointer
    assert (t.fault, t.source, len(t.reads)) == (Fault.PAGE, Source.RADIX, 3)


# ---------------------------------------------------------------------------------------------
# Region checks and memory errors


def test_region_checks():
    image = new_image()
    config = flag_tables(image)
    vpn = FLAG_VPN + 0xC3
    model = MmuModel(MmuParams(), image, config)
    # The level-1 pointer leads to a level-0 table outside [pt_base, pt_limit).
    model.config = dataclasses.replace(config, pt_limit=L0_TABLE + 8 * 0xC3)
    t = model.translate(vpn << 12, Access.READ, False)
    assert (t.fault, t.source) == (Fault.ACCESS, Source.RADIX)
    assert t.reads == [(PT_BASE + 8, 1), (PT_BASE + 0x1000 + 16, 1)]
    model.config = dataclasses.replace(config, pt_limit=L0_TABLE + 8 * 0xC3 + 4)  # half inside
    assert model.translate(vpn << 12, Access.READ, False).fault == Fault.ACCESS
    model.config = dataclasses.replace(config, pt_limit=L0_TABLE + 8 * 0xC3 + 8)  # just inside
    assert model.translate(vpn << 12, Access.READ, False).fault == Fault.NONE
    model.flush("all")
    model.config = dataclasses.replace(config, pt_base=PT_BASE + 16)  # the root entry is below
    t = model.translate(vpn << 12, Access.READ, False)
    assert (t.fault, t.reads) == (Fault.ACCESS, [])
    # A PTE whose PPN lies beyond 2**pa_bits is outside every region (full-address compare).
    image.write_word(PT_BASE + 8, (1 << 43 | (PT_BASE + 0x1000) >> 12) << 10 | 1)
    model = MmuModel(MmuParams(pa_bits=32), image, config)
    t = model.translate(vpn << 12, Access.READ, False)
    assert (t.fault, t.reads) == (Fault.ACCESS, [(PT_BASE + 8, 1)])
    assert model.counters["faults"] == 1 and model.counters["reads_radix"] == 1


def test_memory_error_is_access_fault_without_fill():
    image = new_image()
    config = flag_tables(image)
    vpn = FLAG_VPN + 0xC3
    err = L0_TABLE + 8 * 0xC3
    model = MmuModel(MmuParams(), image, config, image_errors={err})
    for _ in range(2):
        t = model.translate(vpn << 12, Access.READ, False)
        assert (t.pa, t.fault, t.size, t.source) == (0, Fault.ACCESS, 0, Source.RADIX)
        assert t.reads[-1] == (err, 1) and len(t.reads) == 3
    assert all(e is None for e in model.tlb.entries)
    assert model.counters["walks"] == 2 and model.counters["faults"] == 2
    model.image_errors.clear()
    assert model.translate(vpn << 12, Access.READ, False).fault == Fault.NONE


def test_pa_keeps_pa_bits():
    maps = [Mapping(0x10, 0, (1 << 43) | 0x123)]
    model, _ = radix_model(maps, params=MmuParams(pa_bits=40))
    t = model.translate(0x10ABC, Access.READ, True)
    assert t.pa == (0x123ABC) and t.fault == Fault.NONE
    assert model.translate(0x10ABC, Access.READ, True).pa == 0x123ABC  # TLB hit too


# ---------------------------------------------------------------------------------------------
# TLB


def four_pages(*, global_vpn=None):
    maps = [Mapping(0x100 + i, 0, 0x300000 + i, w=True, d=True, g=(0x100 + i == global_vpn))
            for i in range(8)]
    maps.append(Mapping(0x400, 1, 0x400000, w=True, d=True))  # a 2 MiB page
    return maps


def test_tlb_hits_asids_and_global():
    model, _ = radix_model(four_pages(global_vpn=0x101), params=MmuParams(tlb_entries=4), asid=1)
    cfg = model.config
    assert model.translate(0x100008, Access.READ, True).source == Source.RADIX
    t = model.translate(0x100FF8, Access.WRITE, True)
    assert (t.pa, t.source, t.reads) == (0x300000FF8, Source.TLB, [])
    assert model.translate(0x101000, Access.READ, True).source == Source.RADIX
    # Another ASID: the non-global entry misses, the global one hits.
    model.config = dataclasses.replace(cfg, asid=2)
    assert model.translate(0x100000, Access.READ, True).source == Source.RADIX
    assert model.translate(0x101000, Access.READ, True).source == Source.TLB
    entries = model.tlb.entries
    assert [(e.asid, e.glob, e.vpn) for e in entries[:3]] == [(1, False, 0x100), (1, True, 0x101),
                                                               (2, False, 0x100)]
    # A huge page: one entry, every 4 KiB page inside hits.
    assert model.translate(0x400000 + 0x1234, Access.READ, True).size == 1
    t = model.translate(0x5FF000 + 0x10, Access.READ, True)
    assert (t.source, t.size, t.pa) == (Source.TLB, 1, (0x400000 + 0x1FF) << 12 | 0x10)
    assert model.counters["tlb_hits"] == 3 and model.counters["walks"] == 4
    assert model.counters["requests"] == 7


def test_tlb_replacement_order():
    model, _ = radix_model(four_pages(), params=MmuParams(tlb_entries=4))
    vpns = lambda: [None if e is None else e.vpn for e in model.tlb.entries]  # noqa: E731
    for i in range(4):
        model.translate((0x100 + i) << 12, Access.READ, True)
    assert vpns() == [0x100, 0x101, 0x102, 0x103] and model.tlb.pointer == 0
    model.translate(0x104 << 12, Access.READ, True)
    model.translate(0x105 << 12, Access.READ, True)
    assert vpns() == [0x104, 0x105, 0x102, 0x103] and model.tlb.pointer == 2
    model.flush("va", va=0x103 << 12)
    model.flush("va", va=0x105 << 12)
    model.translate(0x106 << 12, Access.READ, True)  # lowest invalid: entry 1; pointer stays
    assert vpns() == [0x104, 0x106, 0x102, None] and model.tlb.pointer == 2
    model.translate(0x107 << 12, Access.READ, True)
    assert vpns() == [0x104, 0x106, 0x102, 0x107] and model.tlb.pointer == 2
    model.translate(0x100 << 12, Access.READ, True)  # full: evict entry 2, pointer to 3
    assert vpns() == [0x104, 0x106, 0x100, 0x107] and model.tlb.pointer == 3
    model.translate(0x101 << 12, Access.READ, True)
    model.translate(0x102 << 12, Access.READ, True)  # pointer wraps
    assert vpns() == [0x102, 0x106, 0x100, 0x101] and model.tlb.pointer == 1
    model.flush("all")
    assert vpns() == [None] * 4 and model.tlb.pointer == 1


def test_tlb_lowest_hit_wins():
    image = new_image()
    model, _ = radix_model([Mapping(0x100, 0, 0x300000)], image=image, asid=1)
    cfg = model.config
    assert model.translate(0x100000, Access.READ, True).pa == 0x300000000
    # Remap the page as global elsewhere without a flush; ASID 2 misses and fills entry 1.
    leaves, tables = decode_radix(image, cfg.satp_ppn)
    pte_addr = max(tables) + 8 * 0x100
    image.write_word(pte_addr, Mapping(0x100, 0, 0x400000, g=True).pte())
    model.config = dataclasses.replace(cfg, asid=2)
    assert model.translate(0x100000, Access.READ, True).pa == 0x400000000
    model.config = cfg
    t = model.translate(0x100000, Access.READ, True)
    assert (t.source, t.pa) == (Source.TLB, 0x300000000)  # entry 0 wins over the global entry 1
    model.flush("va_asid", va=0x100000, asid=1)
    assert model.translate(0x100000, Access.READ, True).pa == 0x400000000


def fill_all(model, cfg, asid_pages):
    model.flush("all")
    for asid, vas in asid_pages:
        model.config = dataclasses.replace(cfg, asid=asid)
        for va in vas:
            assert model.translate(va, Access.READ, True).fault == Fault.NONE


@pytest.mark.parametrize("kind, args, left", [
    ("all", {}, []),
    ("asid", {"asid": 1}, [(1, 0x101), (2, 0x100), (2, 0x400)]),
    ("asid", {"asid": 2}, [(1, 0x100), (1, 0x101), (1, 0x400)]),
    ("va", {"va": 0x101FFF}, [(1, 0x100), (1, 0x400), (2, 0x100), (2, 0x400)]),
    ("va", {"va": 0x5AB000}, [(1, 0x100), (1, 0x101), (2, 0x100)]),
    ("va_asid", {"va": 0x100000, "asid": 1}, [(1, 0x101), (1, 0x400), (2, 0x100), (2, 0x400)]),
    ("va_asid", {"va": 0x101000, "asid": 1}, [(1, 0x100), (1, 0x101), (1, 0x400), (2, 0x100),
                                              (2, 0x400)]),  # global: survives
    ("va_asid", {"va": 0x400000, "asid": 2}, [(1, 0x100), (1, 0x101), (1, 0x400), (2, 0x100)]),
])
def test_tlb_flush_kinds(kind, args, left):
    model, _ = radix_model(four_pages(global_vpn=0x101))
    cfg = model.config
    fill_all(model, cfg, [(1, [0x100000, 0x101000, 0x400000]), (2, [0x100000, 0x400000])])
    assert len(model.tlb.valid()) == 5
    model.flush(kind, **args)
    assert sorted((e.asid, e.vpn) for e in model.tlb.valid()) == left
    fill_all(model, cfg, [(1, [0x100000, 0x101000, 0x400000]), (2, [0x100000, 0x400000])])
    model.flush(golden.FLUSH_KINDS.index(kind), **args)  # the hardware's kind code
    assert sorted((e.asid, e.vpn) for e in model.tlb.valid()) == left


@pytest.mark.parametrize("kind, args, message", [
    ("some", {}, "flush kind must be one of all, asid, va, va_asid, not 'some'"),
    (4, {}, "flush kind must be one of all, asid, va, va_asid, not 4"),
    ("asid", {}, "flush 'asid' needs an asid"),
    ("all", {"asid": 1}, "flush 'all' takes no asid"),
    ("va", {}, "flush 'va' needs a va"),
    ("asid", {"asid": 1, "va": 0}, "flush 'asid' takes no va"),
    ("asid", {"asid": 1 << 16}, "asid must be >= 0, below 2\\*\\*16, not 65536"),
    ("va", {"va": 1 << 39}, "va must be >= 0, below 2\\*\\*39, not 549755813888"),
])
def test_flush_errors(kind, args, message):
    model, _ = radix_model(four_pages())
    with pytest.raises(ValueError, match="^" + message + "$"):
        model.flush(kind, **args)


def test_drop_fill():
    model, _ = radix_model(four_pages())
    t = model.translate(0x102345, Access.READ, True, drop_fill=True)
    assert (t.pa, t.fault, t.source) == (0x300002345, Fault.NONE, Source.RADIX)
    assert model.tlb.valid() == []
    assert model.translate(0x102345, Access.READ, True).source == Source.RADIX
    assert model.translate(0x102345, Access.READ, True).source == Source.TLB


# ---------------------------------------------------------------------------------------------
# Parameters, configuration and requests


def test_params_and_config_validation():
    assert MmuParams() == MmuParams(16, 16, 16, 56)
    with pytest.raises(ValueError, match="^tlb_entries must be at least 1, not 0$"):
        MmuParams(tlb_entries=0)
    with pytest.raises(ValueError, match="^asid_bits must be at most 16, not 17$"):
        MmuParams(asid_bits=17)
    with pytest.raises(ValueError, match="^pa_bits must be in 24..56, not 57$"):
        MmuParams(pa_bits=57)
    with pytest.raises(ValueError, match="^pa_bits must be in 24..56, not 23$"):
        MmuParams(pa_bits=23)
    with pytest.raises(TypeError, match="^lwc_entries must be an int, not float$"):
        MmuParams(lwc_entries=2.0)
    with pytest.raises(ValueError, match=r"^satp_ppn must be >= 0, below 2\*\*44, not"):
        MmuConfig(satp_ppn=1 << 44)
    with pytest.raises(ValueError, match="^learned must be 0 or 1, not 2$"):
        MmuConfig(learned=2)
    with pytest.raises(ValueError, match="^root must be 4 words, not 3$"):
        MmuConfig(root=(0, 0, 0))
    with pytest.raises(ValueError, match=r"^root word must be >= 0, below 2\*\*64, not -1$"):
        MmuConfig(root=(0, 0, 0, -1))
    with pytest.raises(ValueError, match=r"^level_base must be 2 addresses \(levels 1 and 2\)"):
        MmuConfig(level_base=(0,))
    image = MemoryImage()
    with pytest.raises(ValueError, match=r"^asid must be >= 0, below 2\*\*4, not 16$"):
        MmuModel(MmuParams(asid_bits=4), image, MmuConfig(asid=16))
    with pytest.raises(ValueError, match=r"^pt_limit must be >= 0, below 2\*\*32, not"):
        MmuModel(MmuParams(pa_bits=32), image, MmuConfig(pt_limit=1 << 32))
    model = MmuModel(MmuParams(), image, MmuConfig())
    assert set(model.counters) == DOC_COUNTERS == set(COUNTER_NAMES)
    with pytest.raises(ValueError, match=r"^va must be >= 0, below 2\*\*39, not"):
        model.translate(1 << 39, Access.READ, False)
    with pytest.raises(ValueError, match=r"^access must be 0 \(read\), 1 \(write\) or 2 \(exec\), "
                                         r"not 3$"):
        model.translate(0, 3, False)
    with pytest.raises(TypeError, match="^config must be MmuConfig, not dict$"):
        model.config = {}
    assert [int(x) for x in (Access.EXEC, Fault.ACCESS, Source.RADIX)] == [2, 2, 2]


# ---------------------------------------------------------------------------------------------
# Model nodes and GPT tags


def test_node_encoding_and_evaluation():
    node = Node(slope=0x12345, intercept=-(5 << 20) - 1, lo=3, hi=0x10000, shift=4, leaf=True,
                gpt_line=0xABCDEF)
    words = node.encode()
    assert words == (0x12345, (1 << 64) - (5 << 20) - 1, 3 | 0x10000 << 32,
                     4 | 1 << 8 | 0xABCDEF << 16)
    assert Node.decode(words) == node
    for vpn in (0, 1 << 10, 0x7FFFFFF, 123456):
        y = (0x12345 * (vpn >> 4) - (5 << 20) - 1) // (1 << 20)
        assert node.evaluate(vpn) == min(max(y, 3), 0x10000)
    # Reserved bits are ignored; nothing is checked (lo > hi clamps to hi; shift 63 gives x = 0).
    noisy = (0xFFFF << 32 | 7, 3 << 20, 9 | 2 << 32, 63 | 0xFE << 8 | 1 << 9)
    decoded = Node.decode(noisy)
    assert (decoded.slope, decoded.shift, decoded.leaf, decoded.lo, decoded.hi) == (7, 63, False,
                                                                                   9, 2)
    assert decoded.evaluate(0x7FFFFFF) == 2
    assert Node(intercept=-1).evaluate(5) == 0  # floor(-1 / 2**20) = -1, clamped to lo = 0
    assert Node(intercept=-1, lo=0, hi=0).evaluate(0) == 0
    with pytest.raises(ValueError, match=r"^intercept must be in \[-2\*\*47, 2\*\*47\), not"):
        Node(intercept=1 << 47).encode()
    with pytest.raises(ValueError, match="^lo must be <= hi, not 5 > 4$"):
        Node(lo=5, hi=4).encode()
    with pytest.raises(ValueError, match="^shift must be in 0..27, not 28$"):
        Node(shift=28).encode()
    with pytest.raises(ValueError, match="^gpt_line must be 0 in an internal node$"):
        Node(gpt_line=1).encode()
    assert encode_gpt_tag(0x200, 1) == 1 | 1 << 1 | 0x200 << 3
    assert golden.decode_gpt_tag(encode_gpt_tag(0x40000, 2) | 1 << 40) == (True, 2, 0x40000)
    with pytest.raises(ValueError, match="^vpn 0x201 is not aligned to page size 1$"):
        encode_gpt_tag(0x201, 1)


# ---------------------------------------------------------------------------------------------
# Learned walk on hand-made indexes


K0 = 0x12340  # first key VPN (a multiple of 4)
GPT = IDX_BASE + 0x1000
KEYS = [K0 + i for i in range(12) if i != 5]  # K0 + 5 is an overflow key (radix only)
ALL_KEYS = [K0 + i for i in range(12)]


def key_mapping(vpn):
    return Mapping(vpn, 0, 0x500000 + (vpn - K0) * 3, w=True, d=True)


def one_leaf_index(image, *, hi=2):
    """Root leaf: line = (vpn >> 2) - (K0 >> 2), clamped to [0, hi]; 4 keys per line."""
    for vpn in KEYS:
        line = GPT + 64 * ((vpn - K0) // 4) + 16 * ((vpn - K0) % 4)
        image.write_word(line, encode_gpt_tag(vpn, 0))
        image.write_word(line + 8, key_mapping(vpn).pte())
    return Node(slope=1 << 20, intercept=-(K0 >> 2) << 20, lo=0, hi=hi, shift=2, leaf=True,
                gpt_line=GPT // 64).encode()


def learned_model(params=None, **config):
    image = new_image()
    root = one_leaf_index(image)
    model, _ = radix_model([key_mapping(v) for v in ALL_KEYS], image=image, params=params)
    model.config = dataclasses.replace(model.config, learned=True, index_base=IDX_BASE,
                                       index_limit=GPT + 3 * 64, root=root, **config)
    return model


def test_learned_single_access_hits():
    model = learned_model()
    for vpn in KEYS:
        va = vpn << 12 | 0x9A8
        t = model.translate(va, Access.WRITE, True)
        line = GPT + 64 * ((vpn - K0) // 4)
        assert (t.pa, t.fault, t.size, t.source) == (key_mapping(vpn).pa | 0x9A8, Fault.NONE, 0,
                                                     Source.LEARNED)
        assert t.reads == [(line, 8)]
    c = model.counters
    assert (c["learned_hits"], c["learned_single"], c["reads_gpt"], c["walks"]) == (11, 11, 11, 11)
    assert (c["reads_radix"], c["reads_node"], c["learned_fallbacks"], c["faults"]) == (0, 0, 0, 0)
    assert model.translate(KEYS[0] << 12, Access.READ, True).source == Source.TLB


def test_learned_miss_falls_back_to_radix():
    model = learned_model()
    t = model.translate((K0 + 5) << 12, Access.READ, True)  # overflow key
    assert (t.pa, t.fault, t.source) == (key_mapping(K0 + 5).pa, Fault.NONE, Source.RADIX)
    assert t.reads[0] == (GPT + 64, 8) and len(t.reads) == 4
    assert model.tlb.entries[0].vpn == K0 + 5
    t = model.translate((K0 + 400) << 12, Access.READ, True)  # unmapped, clamped to line 2
    assert (t.fault, t.source) == (Fault.PAGE, Source.RADIX)
    assert t.reads[0] == (GPT + 128, 8)
    c = model.counters
    assert (c["learned_fallbacks"], c["learned_hits"], c["faults"]) == (2, 0, 1)
    # learned = 0: radix only, never reads the index.
    model.config = dataclasses.replace(model.config, learned=False)
    t = model.translate(K0 << 12, Access.READ, True)
    assert t.source == Source.RADIX and len(t.reads) == 3


def test_learned_region_and_errors():
    model = learned_model()
    cfg = model.config
    model.config = dataclasses.replace(cfg, index_limit=GPT + 2 * 64 + 63)  # line 2 not inside
    t = model.translate((K0 + 9) << 12, Access.READ, True)
    assert t.source == Source.RADIX and len(t.reads) == 3  # no GPT read was issued
    assert model.counters["learned_fallbacks"] == 1
    model.config = cfg
    model.image_errors = {GPT + 64 + 40}  # a word of line 1
    t = model.translate((K0 + 4) << 12, Access.READ, True)
    assert (t.pa, t.fault, t.size, t.source, t.reads) == (0, Fault.ACCESS, 0, Source.LEARNED,
                                                          [(GPT + 64, 8)])
    assert all(e.vpn != K0 + 4 for e in model.tlb.valid())
    assert (model.counters["learned_hits"], model.counters["learned_single"]) == (1, 1)


def test_learned_fault_is_final():
    model = learned_model()
    image = model.image
    line = GPT + 16 * 2
    image.write_word(line + 8, key_mapping(K0 + 2).pte() & ~0b1110)  # R = W = X = 0: a pointer
    t = model.translate((K0 + 2) << 12, Access.READ, True)
    assert (t.fault, t.source, t.reads) == (Fault.PAGE, Source.LEARNED, [(GPT, 8)])
    image.write_word(line + 8, key_mapping(K0 + 2).pte() & ~0x80)  # D = 0
    t = model.translate((K0 + 2) << 12, Access.WRITE, True)
    assert (t.fault, t.source) == (Fault.PAGE, Source.LEARNED)  # the radix PTE is fine: unused
    assert model.tlb.valid() == []


def test_gpt_tag_compare():
    image = new_image()
    vpn = 0x2345F
    line = IDX_BASE
    huge = vpn & ~0x1FF
    image.write_word(line + 0, encode_gpt_tag(vpn, 0) & ~1)      # not valid
    image.write_word(line + 8, Mapping(vpn, 0, 0x600000).pte())
    image.write_word(line + 16, 1 | 3 << 1 | vpn << 3)           # size 3: never matches
    image.write_word(line + 24, Mapping(vpn, 0, 0x600001).pte())
    image.write_word(line + 32, encode_gpt_tag(huge, 1))        # 2 MiB: matches, lowest
    image.write_word(line + 40, Mapping(huge, 1, 0x600200, g=True).pte())
    image.write_word(line + 48, encode_gpt_tag(vpn, 0))          # 4 KiB: matches too
    image.write_word(line + 56, Mapping(vpn, 0, 0x600003).pte())
    cfg = MmuConfig(learned=True, index_base=IDX_BASE, index_limit=IDX_BASE + 64,
                    root=Node(leaf=True, gpt_line=line // 64).encode())
    model = MmuModel(MmuParams(), image, cfg)
    t = model.translate(vpn << 12 | 5, Access.READ, True)
    assert (t.pa, t.size, t.source) == ((0x600200 + (vpn & 0x1FF)) << 12 | 5, 1, Source.LEARNED)
    assert model.tlb.entries[0].glob  # the G bit of the GPT slot's PTE
    model.config = dataclasses.replace(cfg, asid=9)
    assert model.translate(huge << 12, Access.READ, True).source == Source.TLB
    t = model.translate((huge + 0x200) << 12, Access.READ, True)  # next 2 MiB: no slot matches
    # Learned miss; the radix walk then finds its root outside the empty pt region.
    assert (t.fault, t.source) == (Fault.ACCESS, Source.RADIX) and t.reads == [(line, 8)]


L1_BASE = IDX_BASE + 0x800
L2_BASE = IDX_BASE + 0xC00


def two_level_index(image, *, children=4):
    """Root (internal, x = vpn >> 9) selects level-1 node ``(vpn >> 9) - (K0 >> 9)`` in
    ``[0, children)``; each level-1 node is a leaf over the 12-key GPT (same as above)."""
    root = Node(slope=1 << 20, intercept=-(K0 >> 9) << 20, lo=0, hi=children - 1, shift=9).encode()
    leaf = one_leaf_index(image)
    for i in range(children):
        image.write_words(L1_BASE + 32 * i, leaf)
    return root


def test_learned_two_levels_and_lwc():
    image = new_image()
    root = two_level_index(image)
    model, _ = radix_model([key_mapping(v) for v in ALL_KEYS], image=image,
                           params=MmuParams(lwc_entries=2), asid=3)
    cfg = dataclasses.replace(model.config, learned=True, index_base=IDX_BASE,
                              index_limit=IDX_BASE + IDX_SIZE, root=root,
                              level_base=(L1_BASE, L2_BASE))
    model.config = cfg
    node0 = L1_BASE + 32 * ((K0 >> 9) - (K0 >> 9))
    t = model.translate(K0 << 12, Access.READ, True)
    assert (t.source, t.reads) == (Source.LEARNED, [(node0, 4), (GPT, 8)])
    t = model.translate((K0 + 1) << 12, Access.READ, True)
    assert (t.source, t.reads) == (Source.LEARNED, [(GPT, 8)])
    c = model.counters
    assert (c["lwc_misses"], c["lwc_hits"], c["learned_single"], c["learned_hits"]) == (1, 1, 1, 2)
    assert [(e.asid, e.level, e.index) for e in model.lwc.valid()] == [(3, 1, 0)]
    # Another ASID misses the walk cache; an ASID flush removes only that ASID's nodes.
    model.config = dataclasses.replace(cfg, asid=4)
    assert model.translate((K0 + 2) << 12, Access.READ, True).reads == [(node0, 4), (GPT, 8)]
    model.flush("va", va=(K0 + 2) << 12)
    assert len(model.lwc.valid()) == 2
    model.flush("asid", asid=3)
    assert [(e.asid, e.index) for e in model.lwc.valid()] == [(4, 0)]
    # LWC replacement: lowest invalid, then round robin.
    model.flush("all")
    for vpn in (K0, K0 + 512, K0 + 1024):  # children 0, 1, 2 (only the GPT lookups differ)
        model.translate(vpn << 12, Access.READ, True)
    assert [e.index for e in model.lwc.entries] == [2, 1] and model.lwc.pointer == 1
    model.translate((K0 + 1536) << 12, Access.READ, True)
    assert [e.index for e in model.lwc.entries] == [2, 3] and model.lwc.pointer == 0


def test_learned_level_limits_and_node_errors():
    image = new_image()
    two_level_index(image)
    internal = Node(slope=0, intercept=1 << 20, lo=0, hi=7).encode()  # always child 1
    image.write_words(L1_BASE + 32, internal)
    image.write_words(L2_BASE + 32, internal)  # a non-leaf at level 2: learned miss
    model, _ = radix_model([key_mapping(v) for v in ALL_KEYS], image=image)
    cfg = dataclasses.replace(model.config, learned=True, index_base=IDX_BASE,
                              index_limit=IDX_BASE + IDX_SIZE, root=internal,
                              level_base=(L1_BASE, L2_BASE))
    model.config = cfg
    t = model.translate(K0 << 12, Access.READ, True)
    assert t.source == Source.RADIX and t.reads[:2] == [(L1_BASE + 32, 4), (L2_BASE + 32, 4)]
    assert len(t.reads) == 5 and model.counters["learned_fallbacks"] == 1
    # A level-2 leaf works: three node levels, one GPT line.
    image.write_words(L2_BASE + 32, one_leaf_index(image))
    model.flush("all")
    t = model.translate(K0 << 12, Access.READ, True)
    assert (t.source, t.reads) == (Source.LEARNED, [(L1_BASE + 32, 4), (L2_BASE + 32, 4),
                                                    (GPT, 8)])
    # A node outside the index region: learned miss, no node read.
    model.flush("all")
    model.config = dataclasses.replace(cfg, index_limit=L2_BASE + 32 + 31)
    t = model.translate(K0 << 12, Access.READ, True)
    assert t.source == Source.RADIX and t.reads[0] == (L1_BASE + 32, 4) and len(t.reads) == 4
    # A node read error: access fault, nothing cached.
    model.flush("all")
    model.config = cfg
    model.image_errors = {L2_BASE + 32 + 24}
    t = model.translate(K0 << 12, Access.READ, True)
    assert (t.fault, t.source, t.reads) == (Fault.ACCESS, Source.LEARNED,
                                            [(L1_BASE + 32, 4), (L2_BASE + 32, 4)])
    assert [(e.level, e.index) for e in model.lwc.valid()] == [(1, 1)]
    # One access that is a node read (failing) is not a single-access learned walk.
    model.flush("all")
    model.image_errors = {L1_BASE + 32}
    t = model.translate(K0 << 12, Access.READ, True)
    assert (t.fault, t.source, t.reads) == (Fault.ACCESS, Source.LEARNED, [(L1_BASE + 32, 4)])
    assert model.lwc.valid() == []
    assert (model.counters["learned_single"], model.counters["learned_hits"]) == (0, 3)


# ---------------------------------------------------------------------------------------------
# Real processes


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="no /proc on this system")
def test_real_process_self():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PagemapUnavailableWarning)
        maps = mappings_from_process("self", max_pages=4000, seed=3)
    stats = maps.stats
    assert stats["pid"] == "self" and stats["pages"] == len(maps) > 300
    assert stats["skipped_vsyscall"] <= 1
    assert all(m.size == 0 and m.end_vpn <= USER_VPN_LIMIT and m.ppn >= PPN_BASE for m in maps)
    assert all(m.u and m.a and m.d == m.w and (m.r or m.x) for m in maps)
    model, _ = radix_model(maps)
    rng = random.Random(5)
    for m in rng.sample(list(maps), 300):
        va = m.va | rng.randrange(4096)
        t = model.translate(va, Access.EXEC if m.x else Access.READ, True)
        assert (t.pa, t.fault, t.source) == (expected_pa(m, va), Fault.NONE, Source.RADIX)


FAKE_MAPS = """\
555555554000-555555556000 r-xp 00000000 08:01 11 /usr/bin/fake
555555556000-555555557000 rw-p 00002000 08:01 11 /usr/bin/fake
7ffff7dd0000-7ffff7dd2000 rw-p 00000000 00:00 0
7ffff7ff0000-7ffff7ff1000 ---p 00000000 00:00 0
7fffffffd000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]
ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
"""


def fake_proc(monkeypatch, maps_text):
    import io
    real_open = open

    def fake_open(path, mode="r", *args, **kwargs):
        if path == "/proc/4242/maps":
            return io.StringIO(maps_text)
        if path == "/proc/4242/pagemap":
            raise PermissionError(13, "Permission denied")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(mapping, "open", fake_open, raising=False)


def test_process_fold_and_pagemap_fallback(monkeypatch):
    fake_proc(monkeypatch, FAKE_MAPS)
    with pytest.warns(PagemapUnavailableWarning, match="cannot read /proc/4242/pagemap"):
        maps = mappings_from_process(4242, seed=1)
    s = maps.stats
    assert (s["pagemap"], s["vmas"], s["skipped_vsyscall"], s["skipped_no_access_vmas"]) == \
        (False, 4, 1, 1)
    # Two distinct 1 GiB regions: 0x555540000000 -> slot 1, 0x7fffc0000000 -> slot 2.
    def fold(va, slot):
        return ((slot << 30) | (va & ((1 << 30) - 1))) >> 12
    want = ([fold(0x555555554000 + 4096 * i, 1) for i in range(3)]
            + [fold(0x7ffff7dd0000 + 4096 * i, 2) for i in range(2)]
            + [fold(0x7fffffffd000 + 4096 * i, 2) for i in range(2)])
    assert [m.vpn for m in maps] == want and s["folded_regions"] == 2
    assert [m.perms for m in maps] == ["r-xu-a-"] * 2 + ["rw-u-ad"] * 5
    assert maps[0].name == "/usr/bin/fake" and maps[3].name == "anon"
    with pytest.warns(PagemapUnavailableWarning):
        flat = mappings_from_process(4242, fold=False, max_pages=2)
    assert len(flat) == 0 and flat.stats["skipped_not_sv39"] == 2


def test_process_errors():
    with pytest.raises(ValueError, match="^pid must be 'self' or a positive int, not 0$"):
        mappings_from_process(0)
    with pytest.raises(ValueError, match="^max_pages must be a positive int or None, not 0$"):
        mappings_from_process(max_pages=0)
    if not os.path.isdir("/proc"):
        pytest.skip("no /proc on this system")
    with pytest.raises(ProcessLookupError, match="^no process 2147483647: /proc/2147483647/maps"):
        mappings_from_process(2147483647)


# ---------------------------------------------------------------------------------------------
# The index builder (cerite.lvm.index): learned walk == radix walk on every mapped page


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_built_index_matches_radix(name):
    maps = layout(name)
    image = MemoryImage()
    image.region("pt", PT_BASE, PT_SIZE)
    image.region("index", IDX_BASE, 16 << 20)
    radix = build_radix(maps, image)
    built = build_index(maps, image, region="index")
    base = MmuConfig(satp_ppn=radix.satp_ppn, pt_base=radix.pt_base, pt_limit=radix.pt_limit,
                     **built.registers())
    learned = MmuModel(MmuParams(), image, dataclasses.replace(base, learned=True))
    plain = MmuModel(MmuParams(), image, base)
    overflow = {m.vpn for m in built.overflow}
    rng = random.Random(name)
    for m in maps:
        va = (m.vpn + rng.randrange(m.pages)) << 12 | rng.randrange(4096)
        t = learned.translate(va, Access.READ, True, drop_fill=True)
        r = plain.translate(va, Access.READ, True, drop_fill=True)
        assert (t.pa, t.fault, t.size) == (r.pa, r.fault, r.size) == (expected_pa(m, va),
                                                                       Fault.NONE, m.size)
        learned_reads = t.reads if m.vpn not in overflow else t.reads[:len(t.reads) - len(r.reads)]
        assert all(IDX_BASE <= a and a + 8 * n <= IDX_BASE + (16 << 20) for a, n in learned_reads)
        if m.vpn in overflow:
            assert t.source == Source.RADIX and t.reads[len(learned_reads):] == r.reads
        else:
            assert t.source == Source.LEARNED and t.reads[-1][1] == 8 and len(t.reads) <= 3
    c = learned.counters
    assert c["learned_hits"] == len(maps) - len(overflow) == c["walks"] - c["learned_fallbacks"]
    assert c["tlb_hits"] == 0 and c["faults"] == 0


# ---------------------------------------------------------------------------------------------
# Property: ASIDs never leak, reads stay in their regions


KERNEL = [Mapping((1 << 27) - 512 + i, 0, 0x7000000 + i, u=False, g=True, x=True, name="kernel")
          for i in range(4)]


def address_space(name, seed, slot):
    """A layout plus the global kernel pages; user frames moved by ``slot`` * 64 GiB, so two
    spaces of the same layout map the same VPNs to different frames."""
    user = [dataclasses.replace(m, ppn=m.ppn + (slot << 24)) for m in layout(name, seed)]
    return validate_mappings(user + KERNEL)


SLOT = 16 << 20
QUICK_LAYOUTS = ["alternating_sizes", "brk_heap", "huge_pages", "mmap_arenas", "pie_aslr",
                 "stride2", "thread_stacks"]


@functools.lru_cache(maxsize=None)
def built_space(name, seed, slot, learned):
    """One address space (:func:`address_space`) with radix tables (and, if ``learned``, a built
    index) in regions of its own, picked by ``slot``, as ``(maps, words, config fields)``. The
    configured regions span every slot, so a node or PTE of another space would be read, not
    refused: only the ASID tags keep the spaces apart."""
    maps = address_space(name, seed, slot)
    image = MemoryImage()
    image.region("pt", PT_BASE + slot * SLOT, SLOT)
    image.region("index", IDX_BASE + slot * SLOT, SLOT)
    radix = build_radix(maps, image)
    fields = dict(satp_ppn=radix.satp_ppn, pt_base=PT_BASE, pt_limit=PT_BASE + 3 * SLOT)
    if learned:
        built = build_index(maps, image)
        fields.update(learned=True, root=built.root, level_base=built.level_base,
                      index_base=IDX_BASE, index_limit=IDX_BASE + 3 * SLOT)
    return maps, list(image), fields


def check_asids(names, seeds, asids, ops, *, learned):
    """Run ``ops`` (switch space, flush an ASID, translate a page of some space or any VPN) and
    check every answer against the current space's own mapping list and every read against the
    configured regions."""
    image = MemoryImage()
    spaces = []
    for slot, (name, seed, asid) in enumerate(zip(names, seeds, asids)):
        maps, words, fields = built_space(name, seed, slot, learned)
        for addr, value in words:
            image.write_word(addr, value)
        spaces.append((maps, MmuConfig(asid=asid, **fields)))
    model = MmuModel(MmuParams(tlb_entries=4, lwc_entries=4), image, spaces[0][1])
    current = 0
    for space, what, pick in ops:
        space %= len(spaces)
        if what == 0:
            current = space
            model.config = spaces[current][1]
            continue
        if what == 1:
            model.flush("asid", asid=spaces[space][1].asid)
            continue
        maps = spaces[space][0]
        m = maps[pick % len(maps)]
        vpn = pick % (1 << 27) if what == 9 else m.vpn + pick % m.pages
        va = vpn << 12 | (pick & 0xFFF)
        t = model.translate(va, Access.READ, vpn < USER_VPN_LIMIT)
        own = spaces[current][0].find(vpn)
        if own is None:
            assert (t.fault, t.pa) == (Fault.PAGE, 0)
        else:
            assert (t.fault, t.pa, t.size) == (Fault.NONE, expected_pa(own, va), own.size)
        cfg = model.config
        for addr, words in t.reads:
            base, limit = ((cfg.pt_base, cfg.pt_limit) if words == 1
                           else (cfg.index_base, cfg.index_limit))
            assert base <= addr and addr + 8 * words <= limit


OPS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 9), st.integers(0, 2**31)),
               min_size=20, max_size=120)
ASIDS = st.lists(st.integers(0, (1 << 16) - 1), min_size=3, max_size=3, unique=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(st.sampled_from(sorted(LAYOUTS)), min_size=2, max_size=3),
       seeds=st.lists(st.integers(0, 3), min_size=3, max_size=3), asids=ASIDS, ops=OPS)
def test_asids_never_leak(names, seeds, asids, ops):
    check_asids(names, seeds, asids, ops, learned=False)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(st.sampled_from(QUICK_LAYOUTS), min_size=2, max_size=3),
       seeds=st.lists(st.integers(0, 1), min_size=3, max_size=3), asids=ASIDS, ops=OPS)
def test_asids_never_leak_learned(names, seeds, asids, ops):
    check_asids(names, seeds, asids, ops, learned=True)
