"""cocotb/Verilator runs of the learned-translation MMU against the golden model.

Four designs are built (once per Verilog text, cached): the full profile (16-entry TLB and walk
cache, 56-bit PA, parallel multiplier), a stress configuration of the small profile with a
2-entry TLB and a 2-entry walk cache (24-bit PA, serial multiplier), the small profile, and the
radix-only small MMU (``learned_walk=False``, the ICEBreaker's). The cocotb tests live in
``cerite.tb.lvm_mmu``; each run prints its seed (``CERITE_SEED`` reproduces it).

Real-process replays: the pages of this pytest process (``/proc/self``) and of a child process
that maps 300 MB and touches every 4th page plus a file mapping (``cerite.lvm.bench``) are read
from ``/proc/<pid>/maps`` and ``pagemap`` here, handed to the testbench as a file, built into radix
tables and a learned index there and replayed through the RTL with the golden scoreboard. They
skip where ``/proc`` (with a readable pagemap) is missing.
"""

import pytest

from cerite.hw.lvm import FULL_PROFILE, SMALL_PROFILE, LearnedMMU
from cerite.lvm.bench import child_process, proc_available, process_snapshot, save_mappings
from cerite.sim.cocotb import run_cocotb

DESIGNS = {
    "full": dict(FULL_PROFILE),
    "stress": dict(SMALL_PROFILE, tlb_entries=2, lwc_entries=2),
    "small": dict(SMALL_PROFILE),
    "radix": dict(SMALL_PROFILE, learned_walk=False),
}


def run(design, testcase, **params):
    kwargs = DESIGNS[design]
    hw = {k: kwargs[k] for k in ("tlb_entries", "lwc_entries", "asid_bits", "pa_bits",
                                 "counter_bits")}
    return run_cocotb(lambda: LearnedMMU(**kwargs), toplevel=f"lvm_mmu_{design}",
                      test_module="cerite.tb.lvm_mmu", testcase=testcase,
                      params={**hw, "learned_walk": int(kwargs.get("learned_walk", True)),
                              **params})


@pytest.mark.parametrize("design,testcase", [
    ("full", "page_sizes"),
    ("full", "fault_matrix"),
    ("full", "learned_misses"),
    ("full", "flushes"),
    ("stress", "fault_matrix"),
    ("stress", "flushes"),
    ("stress", "lwc_thrash"),
    ("radix", "radix_only"),
    ("radix", "flushes"),
])
def test_directed(design, testcase):
    run(design, testcase)


RANDOM = [
    # (design, layout, stream, requests, latency, backpressure, flush_p)
    ("full", "process_like", "uniform", 200, "random:1:50", 0.0, 0.0),
    ("full", "brk_heap", "zipf", 300, "fixed:10", 0.5, 0.05),
    ("full", "huge_pages", "sequential", 200, "stall", 0.3, 0.0),
    ("stress", "mmap_arenas", "zipf", 200, "random:1:50", 0.2, 0.05),
    ("radix", "process_like", "uniform", 200, "random:1:50", 0.2, 0.05),
]


@pytest.mark.parametrize("design,layout,stream,requests,latency,backpressure,flush_p", RANDOM,
                         ids=[f"{r[0]}-{r[1]}-{r[2]}" for r in RANDOM])
def test_random(design, layout, stream, requests, latency, backpressure, flush_p):
    run(design, "random_stream", layout=layout, stream=stream, requests=requests,
        latency=latency, backpressure=backpressure, flush_p=flush_p)


SLOW_LAYOUTS = ["brk_heap", "mmap_arenas", "large_mmap", "huge_pages", "thread_stacks",
                "pie_aslr", "random_sparse", "stride2", "alternating_sizes", "process_like"]


@pytest.mark.slow
@pytest.mark.parametrize("design", ["full", "stress"])
@pytest.mark.parametrize("layout", SLOW_LAYOUTS)
@pytest.mark.parametrize("stream", ["uniform", "zipf", "sequential"])
def test_random_long(design, layout, stream):
    run(design, "random_stream", layout=layout, stream=stream, requests=1500,
        latency="random:1:50", backpressure=0.2, flush_p=0.02, seed_layout=7)


@pytest.mark.slow
@pytest.mark.parametrize("testcase", ["page_sizes", "fault_matrix", "learned_misses", "flushes",
                                      "lwc_thrash"])
def test_small_profile_directed(testcase):
    run("small", testcase)


@pytest.mark.slow
@pytest.mark.parametrize("stream", ["uniform", "zipf", "sequential"])
def test_small_profile_random(stream):
    run("small", "random_stream", layout="process_like", stream=stream, requests=1500,
        latency="stall", backpressure=0.3, flush_p=0.02)


# ---------------------------------------------------------------------------------------------
# Real processes

needs_proc = pytest.mark.skipif(not proc_available(),
                                reason="no /proc with a readable pagemap on this system")
#: The child maps this much anonymous memory and touches every CHILD_STRIDE-th 4 KiB page.
CHILD_MIB, CHILD_STRIDE = 300, 4


def process_file(process, tmp_path):
    """The pages of ``"self"`` (this pytest process) or ``"child"`` (a child that maps and
    touches a few hundred MB), written for the testbench; returns the file's path."""
    try:
        if process == "self":
            maps = process_snapshot("self")
        else:
            with child_process(anon_mib=CHILD_MIB, stride=CHILD_STRIDE) as pid:
                maps = process_snapshot(pid)
    except PermissionError as error:
        pytest.skip(f"cannot read the pages of {process}: {error}")
    if not maps:
        pytest.skip(f"no pages of {process} fit Sv39")
    if process == "child":
        touched = (CHILD_MIB << 20) // (CHILD_STRIDE << 12)
        anon = sum(1 for m in maps if m.name == "anon")
        assert anon >= touched, f"child: {anon} anonymous pages present, {touched} touched"
    path = tmp_path / f"{process}.npz"
    save_mappings(path, maps)
    return path


@needs_proc
@pytest.mark.parametrize("process", ["self", "child"])
def test_process_replay(process, tmp_path):
    run("full", "process_replay", mappings=process_file(process, tmp_path), requests=300,
        latency="random:1:20", backpressure=0.2, flush_p=0.02)


@pytest.mark.slow
@needs_proc
@pytest.mark.parametrize("process", ["self", "child"])
@pytest.mark.parametrize("latency,backpressure,flush_p", [("random:1:50", 0.2, 0.03),
                                                          ("stall", 0.4, 0.0)])
def test_process_replay_long(process, latency, backpressure, flush_p, tmp_path):
    run("full", "process_replay", mappings=process_file(process, tmp_path), requests=3000,
        latency=latency, backpressure=backpressure, flush_p=flush_p)
