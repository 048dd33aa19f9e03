"""Tests of the learned index builder (cerite.lvm.index) and its node/tag format
(cerite.lvm.index_eval).

Spec: docs/lvm-format.md ("Model node", "Gapped page table", "Walk order"), after *Learning to
Walk* (Zhao et al., MICRO 2025). Independent references: the node formula written here with
Python's big-integer floor division, hand-decoded bit fields, part A's golden MMU
(cerite.lvm.golden: its own node decoder and learned walk) compared with its Sv39 radix walk over
tables from cerite.lvm.radix.
"""

import os
import random
import warnings

import numpy as np
import pytest

from cerite.lvm.golden import Access, Fault, MmuConfig, MmuModel, MmuParams, Node, Source
from cerite.lvm.index import CostModel, IndexResult, build_index, insert
from cerite.lvm.index_eval import (
    IndexWalker, ModelNode, decode_node, decode_tag, encode_node, encode_tag, eval_node,
    eval_node_array, tag_matches, verify_index,
)
from cerite.lvm.mapping import (
    LAYOUTS, Mapping, PagemapUnavailableWarning, mappings_from_process, validate_mappings,
)
from cerite.lvm.memory import MemoryImage, RegionFullError
from cerite.lvm.radix import build_radix

REGULAR = ["brk_heap", "mmap_arenas", "large_mmap", "huge_pages", "thread_stacks", "pie_aslr",
           "process_like"]
ADVERSARIAL = ["random_sparse", "stride2", "alternating_sizes"]
INDEX_BASE, INDEX_SIZE = 1 << 24, 1 << 28
PT_BASE, PT_SIZE = 1 << 30, 1 << 26
M32, M64 = (1 << 32) - 1, (1 << 64) - 1


def image():
    img = MemoryImage()
    img.region("index", INDEX_BASE, INDEX_SIZE)
    img.region("pt", PT_BASE, PT_SIZE)
    return img


def page(vpn, size=0, ppn=None, name="t"):
    ppn = (1 << 20) + vpn if ppn is None else ppn
    return Mapping(vpn, size, ppn, True, True, False, True, False, True, True, name)


def reference_eval(words, vpn):
    """The doc's formula on hand-decoded fields, with big-integer floor division."""
    w0, w1, w2, w3 = words
    slope = w0 & M32
    intercept = w1 - (1 << 64) if w1 >> 63 else w1
    lo, hi = w2 & M32, w2 >> 32
    shift = w3 & 63
    y = (slope * (vpn // 2 ** shift) + intercept) // 2 ** 20
    return min(max(y, lo), hi)


def random_node(rng, **fixed):
    lo = rng.randrange(0, 1 << 32)
    hi = rng.randrange(lo, 1 << 32)
    leaf = rng.random() < 0.5
    fields = dict(slope=rng.choice([0, 1, M32, rng.randrange(0, 1 << 32)]),
                  intercept=rng.choice([-(1 << 47), (1 << 47) - 1, -1, 0,
                                        rng.randrange(-(1 << 47), 1 << 47)]),
                  lo=lo, hi=hi, shift=rng.choice([0, 27, rng.randrange(0, 28)]), leaf=leaf,
                  gpt_line=rng.randrange(0, 1 << 48) if leaf else 0)
    fields.update(fixed)
    return ModelNode(**fields)


# ---------------------------------------------------------------------------------------------
# Node and tag format


def test_node_encode_decode_round_trip_and_bit_layout():
    rng = random.Random(1)
    for _ in range(2000):
        node = random_node(rng)
        words = encode_node(node)
        assert decode_node(words) == node
        w0, w1, w2, w3 = words
        assert w0 == node.slope and w0 >> 32 == 0
        assert w1 == node.intercept % (1 << 64)
        assert (w2 & M32, w2 >> 32) == (node.lo, node.hi)
        assert w3 == node.shift | node.leaf << 8 | node.gpt_line << 16
        # part A's golden model encodes the same words from the same fields
        golden = Node(node.slope, node.intercept, node.lo, node.hi, node.shift, node.leaf,
                      node.gpt_line)
        assert golden.encode() == words


def test_eval_node_matches_big_integer_formula():
    rng = random.Random(2)
    vpns = [0, 1, (1 << 27) - 1, 1 << 26, 511, 512]
    cases = 0
    for _ in range(1500):
        node = random_node(rng)
        words = encode_node(node)
        for vpn in vpns + [rng.randrange(0, 1 << 27) for _ in range(4)]:
            want = reference_eval(words, vpn)
            assert eval_node(words, vpn) == want
            assert eval_node(node, vpn) == want
            assert Node.decode(words).evaluate(vpn) == want       # golden's own decoder
            cases += 1
    assert cases > 10000


def test_eval_node_negative_intercepts_shifts_and_clamps():
    # shift 0: idx = floor((3 * vpn - 5 * 2**20) / 2**20) for small slope, clamped to [2, 7]
    node = ModelNode(slope=3 << 20, intercept=-(5 << 20), lo=2, hi=7)
    assert [eval_node(node, v) for v in range(6)] == [2, 2, 2, 4, 7, 7]
    # floor, not truncation, of a negative sum
    node = ModelNode(slope=1, intercept=-3, lo=0, hi=M32)
    assert eval_node(node, 0) == 0               # y = -1 clamps to lo
    assert reference_eval(encode_node(node), 0) == 0
    # shift 27 makes x = 0 for every 27-bit vpn: the output is the intercept alone
    node = ModelNode(slope=M32, intercept=(5 << 20) + 1, lo=0, hi=9, shift=27)
    assert {eval_node(node, v) for v in (0, 1, (1 << 27) - 1)} == {5}
    # extremes: largest product plus largest intercept, smallest intercept
    node = ModelNode(slope=M32, intercept=(1 << 47) - 1, lo=0, hi=M32)
    assert eval_node(node, (1 << 27) - 1) == reference_eval(encode_node(node), (1 << 27) - 1)
    node = ModelNode(slope=0, intercept=-(1 << 47), lo=3, hi=3)
    assert eval_node(node, 12345) == 3


def test_eval_node_array_is_exact():
    rng = random.Random(3)
    nprng = np.random.default_rng(3)
    vpns = np.concatenate([nprng.integers(0, 1 << 27, 500), [0, (1 << 27) - 1]])
    for _ in range(300):
        node = random_node(rng)
        got = eval_node_array(node, vpns)
        assert got.dtype == np.int64
        assert got.tolist() == [reference_eval(encode_node(node), int(v)) for v in vpns]


@pytest.mark.parametrize("fields, message", [
    (dict(slope=1 << 32), r"slope must be in \[0, 2\*\*32\)"),
    (dict(slope=-1), r"slope must be in \[0, 2\*\*32\)"),
    (dict(intercept=1 << 47), r"intercept must be in \[-2\*\*47, 2\*\*47\)"),
    (dict(intercept=-(1 << 47) - 1), r"intercept must be in \[-2\*\*47, 2\*\*47\)"),
    (dict(lo=5, hi=4), "lo must be <= hi, not 5 > 4"),
    (dict(hi=1 << 32), r"hi must be in \[0, 2\*\*32\)"),
    (dict(shift=28), "shift must be in 0..27, not 28"),
    (dict(gpt_line=7), "gpt_line must be 0 in an internal node, not 7"),
    (dict(leaf=True, gpt_line=1 << 48), r"gpt_line must be in \[0, 2\*\*48\)"),
])
def test_model_node_rejects_bad_fields(fields, message):
    with pytest.raises(ValueError, match=message):
        ModelNode(**fields)


def test_decode_node_strict_rejects_reserved_bits():
    words = list(encode_node(ModelNode(slope=5, lo=1, hi=2, shift=3, leaf=True, gpt_line=9)))
    with pytest.raises(ValueError, match="slope word has bits 63:32 set"):
        decode_node([words[0] | 1 << 40] + words[1:])
    with pytest.raises(ValueError, match="word 3 has reserved bits 15:9 or 7:6 set"):
        decode_node(words[:3] + [words[3] | 1 << 12])
    with pytest.raises(ValueError, match="word 3 has reserved bits 15:9 or 7:6 set"):
        decode_node(words[:3] + [words[3] | 1 << 6])
    # the walker ignores them
    node = decode_node(words[:3] + [words[3] | 1 << 12], strict=False)
    assert node.gpt_line == 9 and node.leaf
    with pytest.raises(ValueError, match="a node is 4 words, not 3"):
        decode_node(words[:3])
    with pytest.raises(ValueError, match="lo must be <= hi, not 7 > 1"):
        decode_node([0, 0, 7 | 1 << 32, 0])


def test_tags():
    assert encode_tag(0x1234, 0) == 1 | 0x1234 << 3
    assert encode_tag(0x400, 1) == 1 | 1 << 1 | 0x400 << 3
    assert decode_tag(encode_tag(1 << 18, 2)) == (True, 2, 1 << 18)
    huge = encode_tag(0x600, 1)
    assert tag_matches(huge, 0x600) and tag_matches(huge, 0x7FF)
    assert not tag_matches(huge, 0x800) and not tag_matches(huge, 0x5FF)
    assert tag_matches(encode_tag(1 << 18, 2), (2 << 18) - 1)
    assert not tag_matches(encode_tag(5, 0) & ~1, 5)            # invalid slot
    assert not tag_matches(1 | 3 << 1 | 5 << 3, 5)              # size 3 is reserved
    with pytest.raises(ValueError, match="vpn 0x201 is not aligned to page size 1"):
        encode_tag(0x201, 1)
    with pytest.raises(ValueError, match="size must be 0, 1 or 2, not 3"):
        encode_tag(0, 3)
    with pytest.raises(ValueError, match=r"vpn must be in \[0, 2\*\*27\)"):
        encode_tag(1 << 27, 0)


# ---------------------------------------------------------------------------------------------
# Builds of every layout


def check_structure(img, result):
    """Every node in the image decodes strictly, children stay in the next array, level-2
    nodes are leaves, leaf lines stay inside the index region."""
    n = result.stats.nodes_per_level
    assert result.stats.index_bytes == 32 * sum(n)
    nodes = [[decode_node(result.root)]]
    for level in (1, 2):
        base = result.level_base[level - 1]
        nodes.append([decode_node(img.read_burst(base + 32 * i, 4)) for i in range(n[level])])
    for level, row in enumerate(nodes):
        for node in row:
            if node.leaf:
                first = 64 * (node.gpt_line + node.lo)
                last = 64 * (node.gpt_line + node.hi) + 64
                assert result.index_base <= first and last <= result.index_limit
            else:
                assert level < 2
                assert node.hi < len(nodes[level + 1])


@pytest.mark.parametrize("name", REGULAR + ADVERSARIAL)
def test_layout_builds_and_every_key_verifies(name):
    for seed in (0, 1):
        maps = LAYOUTS[name](seed)
        img = image()
        result = build_index(maps, img)
        s = result.stats
        print(f"\n{name} seed {seed}: {s.keys} keys, index {s.index_bytes} B "
              f"{s.nodes_per_level}, GPT {s.gpt_bytes} B ({s.slots_per_key:.2f} slots/key), "
              f"overflow {100 * s.overflow_rate:.2f}%, collision {100 * s.collision_rate:.2f}%, "
              f"depth {s.mean_depth:.2f}, {1000 * s.build_seconds:.0f} ms")
        assert s.keys == len(maps)
        assert s.overflow_keys == len(result.overflow)
        # the independent read-back walk finds every key except exactly the overflow ones
        assert set(verify_index(img, maps, **result.registers())) == set(result.overflow)
        check_structure(img, result)
        assert s.slots_per_key * s.keys >= s.keys - s.overflow_keys
        assert s.collision_rate >= s.overflow_rate
        if name in REGULAR:
            assert s.overflow_rate < 0.01
            assert s.collision_rate < 0.01
            assert s.index_bytes <= 2048
            assert s.slots_per_key < 3.0


def test_build_is_deterministic_and_seed_independent():
    maps = LAYOUTS["process_like"](3)
    a, b = image(), image()
    ra, rb = build_index(maps, a), build_index(maps, b, seed=99)
    assert ra.root == rb.root and ra.level_base == rb.level_base
    assert list(a) == list(b)


@pytest.mark.parametrize("max_levels", [1, 2])
def test_fewer_levels_still_verify(max_levels):
    maps = LAYOUTS["process_like"](0)
    img = image()
    result = build_index(maps, img, max_levels=max_levels)
    assert set(verify_index(img, maps, **result.registers())) == set(result.overflow)
    n = result.stats.nodes_per_level
    assert n[2] == 0 and (max_levels == 2 or n[1] == 0)


def test_dense_runs_fill_lines_at_the_target_load():
    maps = [page(0x10000 + i) for i in range(3000)]
    img = image()
    result = build_index(maps, img)
    s = result.stats
    assert s.nodes_per_level == (1, 0, 0) and s.index_bytes == 32
    assert s.overflow_keys == 0 and s.collision_rate == 0
    assert s.slots_per_key == pytest.approx(1 / 0.77, rel=0.01)
    result = build_index(maps, image(), gpt_load=1.0)
    assert result.stats.overflow_keys == 0
    assert result.stats.slots_per_key == pytest.approx(1.0, rel=0.01)


# ---------------------------------------------------------------------------------------------
# The golden MMU walks the built index


def golden_pair(maps, img, result):
    radix = build_radix(maps, img)
    regs = dict(satp_ppn=radix.satp_ppn, pt_base=radix.pt_base, pt_limit=radix.pt_limit,
                **result.registers())
    learned = MmuModel(MmuParams(), img, MmuConfig(learned=1, **regs))
    plain = MmuModel(MmuParams(), img, MmuConfig(learned=0, **regs))
    return learned, plain


@pytest.mark.parametrize("name", REGULAR + ADVERSARIAL)
def test_golden_learned_walk_equals_radix_walk(name):
    maps = LAYOUTS[name](0)
    img = image()
    result = build_index(maps, img)
    learned, plain = golden_pair(maps, img, result)
    left_out = set(result.overflow)
    for m in maps:
        for vpn in sorted({m.vpn, m.end_vpn - 1}):
            va = vpn << 12 | 0x5A8
            learned.flush("va", va=va)           # every translation walks (the LWC stays)
            plain.flush("va", va=va)
            got = learned.translate(va, Access.READ, True)
            want = plain.translate(va, Access.READ, True)
            assert want.fault == Fault.NONE and want.source == Source.RADIX
            assert (got.fault, got.pa, got.size) == (want.fault, want.pa, want.size), m
            assert got.pa == m.pa + ((vpn - m.vpn) << 12 | 0x5A8)
            assert got.source == (Source.RADIX if m in left_out else Source.LEARNED), m
    # a second pass with a warm walk cache: single-access learned walks
    before = dict(learned.counters)
    for m in maps:
        learned.translate(m.va, Access.READ, True)
    delta = {k: learned.counters[k] - before[k] for k in before}
    share = delta["learned_single"] / max(1, delta["learned_hits"])
    print(f"\n{name}: {delta['walks']} walks, {delta['learned_hits']} learned, "
          f"{100 * share:.2f}% single access, {delta['lwc_misses']} LWC misses")
    if name in REGULAR:
        assert share >= 0.99
        assert delta["learned_fallbacks"] <= 0.01 * delta["walks"]


def lines_of(img, result, vpns):
    """The GPT line address the walk reads for each VPN, level by level with
    eval_node_array (nodes read back from the image)."""
    addr = np.full(len(vpns), -1, dtype=np.int64)
    groups = [(decode_node(result.root), np.arange(len(vpns)))]
    for level in range(3):
        following = []
        for node, which in groups:
            out = eval_node_array(node, vpns[which])
            if node.leaf:
                addr[which] = 64 * (node.gpt_line + out)
                continue
            assert level < 2
            for index in np.unique(out).tolist():
                child = decode_node(img.read_burst(result.level_base[level] + 32 * index, 4))
                following.append((child, which[out == index]))
        groups = following
    assert (addr >= 0).all()
    return addr


def test_huge_pages_found_for_every_4k_vpn_inside():
    maps = LAYOUTS["huge_pages"](0)
    img = image()
    result = build_index(maps, img)
    learned, _ = golden_pair(maps, img, result)
    walker = result.walker(img)
    huge = [m for m in maps if m.size]
    assert {m.size for m in huge} == {1, 2}
    assert not set(huge) & set(result.overflow)
    for m in huge:
        tag = encode_tag(m.vpn, m.size)
        if m.size == 1:
            vpns = range(m.vpn, m.end_vpn)
        else:
            vpns = sorted({m.vpn, m.end_vpn - 1} | set(range(m.vpn, m.end_vpn, 61)))
        for vpn in vpns:
            assert walker.lookup(vpn)[1:] == (tag, m.pte())
            learned.flush("va", va=vpn << 12)              # force a walk each time
            t = learned.translate(vpn << 12, Access.WRITE, True)
            assert (t.fault, t.source, t.size) == (Fault.NONE, Source.LEARNED, m.size)
            assert t.pa == (m.ppn + vpn - m.vpn) << 12
        # every line the walk can read for this page holds it (bisection over the whole range)
        assert None not in walker.lines(m.vpn, m.end_vpn - 1)
        # and literally for every 4 KiB VPN inside
        lines = set(lines_of(img, result, np.arange(m.vpn, m.end_vpn)).tolist())
        assert lines == walker.lines(m.vpn, m.end_vpn - 1)
        for addr in lines:
            words = img.read_burst(addr, 8)
            first = next(s for s in range(4) if tag_matches(words[2 * s], m.vpn))
            assert words[2 * first:2 * first + 2] == [tag, m.pte()]


def test_huge_page_across_lines_is_placed_in_each_line():
    # 4 KiB pages every 128 VPNs around one 2 MiB page in a single leaf: the leaf's slope makes
    # the huge page cover two lines, so the key must sit in both
    maps = [page(0x40000 + 128 * i) for i in range(12)]
    maps += [page(0x40600, 1, ppn=1 << 21)]
    maps += [page(0x40800 + 128 * i) for i in range(12)]
    img = image()
    result = build_index(maps, img, max_levels=1)
    walker = result.walker(img)
    huge = maps[12]
    lines = walker.lines(huge.vpn, huge.end_vpn - 1)
    assert len(lines) == 2 and None not in lines
    assert huge not in result.overflow
    learned, _ = golden_pair(maps, img, result)
    for vpn in range(huge.vpn, huge.end_vpn):
        learned.flush("va", va=vpn << 12)
        t = learned.translate(vpn << 12, Access.READ, True)
        assert (t.source, t.size, t.pa) == (Source.LEARNED, 1, (huge.ppn + vpn - huge.vpn) << 12)


def test_region_of_2m_pages_gets_one_line_per_key_group():
    maps = [page(0x80000 + 512 * i, 1, ppn=(1 << 21) + 512 * i) for i in range(40)]
    img = image()
    result = build_index(maps, img)
    root = decode_node(result.root)
    assert root.leaf and root.shift >= 9
    assert result.stats.overflow_keys == 0 and result.stats.index_bytes == 32
    assert set(verify_index(img, maps, **result.registers())) == set()


# ---------------------------------------------------------------------------------------------
# Insertions


def verify_all(img, result):
    assert set(verify_index(img, result.mappings, **result.registers())) == \
        set(result.overflow)


def test_insert_edge_growth_extends_without_retraining():
    maps = LAYOUTS["brk_heap"](0)
    img = image()
    result = build_index(maps, img)
    root_before = result.root
    end = maps[-1].end_vpn
    hows = [insert(result, img, page(end + i, ppn=(1 << 30) + i)) for i in range(64)]
    assert hows[0] == "extended" and set(hows[1:]) == {"placed"}
    assert result.stats.extensions == 1 and result.stats.retrains == 0
    assert result.stats.inserts == 64 and result.stats.keys == len(maps) + 64
    assert result.root == root_before
    verify_all(img, result)
    assert result.stats.overflow_keys == 0
    learned, plain = golden_pair(result.mappings, img, result)
    for m in result.mappings[-64:]:
        got, want = learned.translate(m.va, Access.READ, True), plain.translate(m.va, 0, True)
        assert (got.source, got.pa) == (Source.LEARNED, want.pa)


def test_insert_growth_uses_the_slack_then_moves_the_gpt():
    # two runs far apart: the root is internal, each run has a level-1 leaf in memory
    maps = [page(0x20000 + i) for i in range(200)] + [page(0x900000 + i) for i in range(200)]
    img = image()
    result = build_index(maps, img)
    assert result.stats.nodes_per_level[1] >= 2
    slot = eval_node(result.root, 0x20000)
    addr = result.level_base[0] + 32 * slot

    def leaf():
        return decode_node(img.read_burst(addr, 4))

    before = leaf()
    assert before.leaf and before.lo > 0              # slack lines before the first key
    gpt_bytes = result.stats.gpt_bytes
    # a few lines past the end, no minimum distance: those lines are in the slack
    assert insert(result, img, page(0x20000 + 210), min_distance=0) == "extended"
    assert result.stats.gpt_bytes == gpt_bytes
    grown = leaf()
    assert (grown.gpt_line, grown.lo, grown.slope) == (before.gpt_line, before.lo, before.slope)
    assert grown.hi > before.hi
    verify_all(img, result)
    # past the slack (within the minimum distance): the GPT moves, the model stays
    assert insert(result, img, page(0x20000 + 400)) == "extended"
    moved = leaf()
    assert moved.gpt_line != before.gpt_line and moved.slope == before.slope
    assert result.stats.gpt_bytes > gpt_bytes
    assert result.stats.extensions == 2 and result.stats.retrains == 0
    verify_all(img, result)
    learned, plain = golden_pair(result.mappings, img, result)
    for m in result.mappings:
        got, want = learned.translate(m.va, Access.READ, True), plain.translate(m.va, 0, True)
        assert (got.source, got.pa) == (Source.LEARNED, want.pa)


def test_insert_left_edge_growth_of_a_stack():
    maps = LAYOUTS["thread_stacks"](0)
    img = image()
    result = build_index(maps, img)
    lowest = min(m.vpn for m in maps if m.name == "thread0:stack")
    hows = [insert(result, img, page(lowest - i, ppn=(1 << 30) + i)) for i in range(1, 40)]
    assert "extended" in hows and "retrained" not in hows
    assert result.stats.retrains == 0
    verify_all(img, result)
    assert result.stats.overflow_keys == 0


def test_insert_conflict_retrains_one_leaf():
    maps = LAYOUTS["stride2"](0)
    img = image()
    result = build_index(maps, img)
    assert result.stats.nodes_per_level == (1, 0, 0)
    base = maps[0].vpn
    hows = [insert(result, img, page(base + 2 * i + 1, ppn=(1 << 30) + i)) for i in range(600)]
    assert "placed" in hows and "retrained" in hows
    # a retrain that still leaves the new key out reports "overflow"
    assert result.stats.retrains >= hows.count("retrained") >= 1
    assert result.stats.extensions == hows.count("extended")
    verify_all(img, result)
    assert result.stats.overflow_rate < 0.01
    assert result.stats.keys == 2048 + 600


def test_insert_into_empty_index_and_huge_pages():
    img = image()
    result = build_index([], img)
    assert insert(result, img, page(0x5000)) == "retrained"
    assert decode_node(result.root).leaf
    assert insert(result, img, page(0x5200, 1, ppn=1 << 22)) in ("placed", "retrained",
                                                                  "extended")
    assert insert(result, img, page(1 << 18, 2, ppn=1 << 26)) != "overflow"
    verify_all(img, result)
    walker = result.walker(img)
    for vpn in (0x5200, 0x53FF, 1 << 18, (2 << 18) - 1):
        assert walker.lookup(vpn) is not None


def test_insert_far_away_key_is_correct_even_when_left_out():
    maps = LAYOUTS["brk_heap"](0)
    img = image()
    result = build_index(maps, img)
    hows = [insert(result, img, page(0x100000 + i, ppn=(1 << 30) + i)) for i in range(20)]
    assert result.stats.retrains >= 1
    verify_all(img, result)
    # the heap keys themselves stay placed
    assert not set(maps) & set(result.overflow)
    assert len(hows) == 20


def test_insert_rejects_overlaps_and_bad_arguments():
    maps = LAYOUTS["brk_heap"](0)
    img = image()
    result = build_index(maps, img)
    with pytest.raises(ValueError, match="overlap"):
        insert(result, img, page(maps[5].vpn))
    with pytest.raises(ValueError, match="outside Sv39"):
        insert(result, img, page((1 << 27) - 1, 1, ppn=1 << 21))
    with pytest.raises(TypeError, match="mapping must be a Mapping, not tuple"):
        insert(result, img, (1, 0))
    with pytest.raises(ValueError, match="min_distance must be a non-negative int, not -1"):
        insert(result, img, page(1), min_distance=-1)
    with pytest.raises(ValueError, match="image is not the image this index was built in"):
        insert(result, image(), page(1))
    assert result.stats.inserts == 0 and result.stats.keys == len(maps)
    verify_all(img, result)


# ---------------------------------------------------------------------------------------------
# A real process


def test_real_process_builds_with_few_overflows():
    if not os.path.exists("/proc/self/maps"):
        pytest.skip("/proc is not available")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PagemapUnavailableWarning)
        maps = mappings_from_process("self")
    if not maps:
        pytest.skip("no pages of this process fit Sv39")
    img = image()
    result = build_index(maps, img)
    s = result.stats
    print(f"\n/proc/self ({maps.stats}): {s.keys} keys, index {s.index_bytes} B "
          f"{s.nodes_per_level}, GPT {s.gpt_bytes} B, overflow {100 * s.overflow_rate:.3f}%, "
          f"{1000 * s.build_seconds:.0f} ms")
    assert s.overflow_rate <= 0.01
    assert set(verify_index(img, maps, **result.registers())) == set(result.overflow)
    learned, plain = golden_pair(maps, img, result)
    for m in random.Random(5).sample(list(maps), min(500, len(maps))):
        got, want = learned.translate(m.va, Access.READ, True), plain.translate(m.va, 0, True)
        assert (got.fault, got.pa, got.size) == (want.fault, want.pa, want.size)


# ---------------------------------------------------------------------------------------------
# Bad input and edge cases


def test_empty_mapping_list_misses_everything():
    img = image()
    result = build_index([], img)
    assert isinstance(result, IndexResult)
    s = result.stats
    assert (s.keys, s.index_bytes, s.overflow_keys, s.nodes_per_level) == (0, 32, 0, (1, 0, 0))
    walker = IndexWalker(img, **result.registers())
    learned, _ = golden_pair([], img, result)
    for vpn in (0, 1, 0x12345, (1 << 27) - 1):
        assert walker.lookup(vpn) is None
        t = learned.translate(vpn << 12, Access.READ, False)
        assert t.fault == Fault.PAGE and t.source == Source.RADIX
    assert learned.counters["learned_hits"] == 0
    assert learned.counters["learned_fallbacks"] == 4


def test_bad_mappings_are_rejected_by_validation():
    img = image()
    with pytest.raises(ValueError, match="outside Sv39"):
        build_index([Mapping(1 << 27, 0, 1 << 20)], img)
    with pytest.raises(ValueError, match="outside Sv39"):
        build_index([Mapping((1 << 27) - 256, 1, 1 << 21)], img)
    with pytest.raises(ValueError, match="vpn is not aligned to its page size"):
        build_index([Mapping(0x201, 1, 1 << 21)], img)
    with pytest.raises(ValueError, match="overlap"):
        build_index([page(0x400, 1, ppn=1 << 21), page(0x401)], img)
    with pytest.raises(TypeError, match="mappings must be Mapping objects"):
        build_index([(1, 0)], img)
    assert validate_mappings([]) == ()


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(gpt_load=0), ValueError, r"gpt_load must be in \[0.05, 1\], not 0"),
    (dict(gpt_load=1.5), ValueError, r"gpt_load must be in \[0.05, 1\], not 1.5"),
    (dict(max_levels=4), ValueError, "max_levels must be 1, 2 or 3, not 4"),
    (dict(max_levels=0), ValueError, "max_levels must be 1, 2 or 3, not 0"),
    (dict(cost=None), TypeError, "cost must be a CostModel, not NoneType"),
    (dict(seed="x"), TypeError, "seed must be an int, not str"),
    (dict(region=3), TypeError, "region must be a str, not int"),
    (dict(retrain_overflow=2), ValueError, r"retrain_overflow must be in \[0, 1\], not 2"),
    (dict(max_gpt_factor=0.5), ValueError, r"max_gpt_factor must be in \[1, 64\], not 0.5"),
])
def test_bad_parameters(kwargs, error, message):
    with pytest.raises(error, match=message):
        build_index([page(1)], image(), **kwargs)


def test_bad_cost_model_and_regions():
    with pytest.raises(ValueError, match="cost weight size must be a finite number >= 0, not -1"):
        CostModel(size=-1)
    with pytest.raises(KeyError, match="no region 'nowhere'"):
        build_index([page(1)], image(), region="nowhere")
    with pytest.raises(TypeError, match="image must be a MemoryImage, not dict"):
        build_index([page(1)], {})
    tiny = MemoryImage()
    tiny.region("index", 0, 4096)
    with pytest.raises(RegionFullError, match="region 'index'"):
        build_index(LAYOUTS["brk_heap"](0), tiny)


def test_cost_model_weights_change_the_tree():
    maps = LAYOUTS["process_like"](0)
    default = build_index(maps, image()).stats
    assert default.leaves > 1
    # nodes very expensive and overflow free: a single leaf (an index of 32 bytes)
    flat = build_index(maps, image(), cost=CostModel(size=1e6, collision=0)).stats
    assert flat.index_bytes == 32 and flat.overflow_keys > default.overflow_keys
    # depth very expensive: also a single leaf
    shallow = build_index(maps, image(), cost=CostModel(depth=1e7)).stats
    assert shallow.nodes_per_level == (1, 0, 0)


@pytest.mark.parametrize("cap", [0, 4, 16])
def test_max_cached_nodes_bounds_the_nodes_below_the_root(cap):
    maps = LAYOUTS["process_like"](0)
    free = build_index(maps, image())
    assert sum(free.stats.nodes_per_level[1:]) > 16 and free.stats.node_weight == 1
    img = image()
    result = build_index(maps, img, max_cached_nodes=cap)
    assert sum(result.stats.nodes_per_level[1:]) <= cap
    assert result.stats.node_weight > 1
    # still a correct index: every key not left out is found by the learned walk
    assert set(verify_index(img, maps, **result.registers())) == set(result.overflow)


def test_max_cached_nodes_leaves_a_fitting_tree_alone():
    maps = LAYOUTS["process_like"](0)
    free, capped = image(), image()
    a = build_index(maps, free)
    b = build_index(maps, capped, max_cached_nodes=sum(a.stats.nodes_per_level[1:]))
    assert a.root == b.root and list(free) == list(capped) and b.stats.node_weight == 1


@pytest.mark.parametrize("cap", [-1, 2.5, True])
def test_max_cached_nodes_rejects_bad_values(cap):
    with pytest.raises(ValueError, match="max_cached_nodes must be None or an int >= 0"):
        build_index([page(1)], image(), max_cached_nodes=cap)
