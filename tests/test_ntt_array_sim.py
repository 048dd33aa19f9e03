# amaranth: UnusedElaboratable=no
"""Amaranth-simulator tests of the NTT butterfly array (``cerite.hw.ntt``: array, agu, banks, ops,
butterfly, context) against the golden model ``cerite.ntt.golden``.

Small configurations only (N <= 128); the cocotb runs (tests/test_ntt_array_cocotb.py) cover the
large ones on the generated Verilog.
"""

import dataclasses
import itertools
import random

import pytest
from amaranth.sim import Simulator

from cerite.hw.ntt.agu import AddressGenerator, butterfly_schedule, issue_model
from cerite.hw.ntt.array import NTTArray
from cerite.hw.ntt.banks import address_of, bank_of, lane_positions, row_of
from cerite.hw.ntt.butterfly import ButterflyLane
from cerite.hw.ntt.context import CONTEXT_HEADER_WORDS, Header, hw_context_words
from cerite.hw.ntt.ops import Cause, Mode, Op, compute_cycles, hazard_distance, op_passes
from cerite.ntt import golden
from cerite.ntt.primes import find_ntt_primes
from cerite.ntt.reduction import SOLINAS_Q, barrett_constants, montgomery_constants

# -- helpers ------------------------------------------------------------------------------------


def ints(values):
    return [int(v) for v in values]


def simulate(dut, bench, *, clock=True):
    sim = Simulator(dut)
    if clock:
        sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.run()


class Driver:
    """Drives one NTTArray in an async testbench: commands, stream source and sink, status.

    ``idle``/``backpressure`` are probabilities of an idle cycle on ``i`` / ``ready = 0`` on
    ``o`` (random, seeded).
    """

    def __init__(self, ctx, dut, *, seed=0, idle=0.0, backpressure=0.0):
        self.ctx, self.dut = ctx, dut
        self.rng = random.Random(seed)
        self.idle, self.backpressure = idle, backpressure

    async def command(self, op, slot_a=0, slot_b=0):
        ctx, dut = self.ctx, self.dut
        ctx.set(dut.op, op)
        ctx.set(dut.slot_a, slot_a)
        ctx.set(dut.slot_b, slot_b)
        ctx.set(dut.start, 1)
        await ctx.tick()
        ctx.set(dut.start, 0)

    async def send(self, words):
        ctx, dut, beat = self.ctx, self.dut, self.dut.beat
        for k in range(0, len(words), beat):
            while self.rng.random() < self.idle:
                ctx.set(dut.i.valid, 0)
                await ctx.tick()
            ctx.set(dut.i.payload, ints(words[k:k + beat]))
            ctx.set(dut.i.valid, 1)
            await ctx.tick().until(dut.i.ready)
        ctx.set(dut.i.valid, 0)

    async def recv(self, count):
        ctx, dut = self.ctx, self.dut
        out = []
        while len(out) < count:
            ready = int(self.rng.random() >= self.backpressure)
            ctx.set(dut.o.ready, ready)
            _, _, valid, payload = await ctx.tick().sample(dut.o.valid, dut.o.payload)
            if valid and ready:
                out += ints(payload)
        ctx.set(dut.o.ready, 0)
        return out

    async def wait(self):
        """Wait until the command finished (not busy, done or error); return ``(error, cause,
        cycles)``."""
        ctx, dut = self.ctx, self.dut
        await ctx.tick().until(~dut.busy & (dut.done | dut.error))
        return ctx.get(dut.error), Cause(ctx.get(dut.cause)), ctx.get(dut.cycles)

    async def run(self, op, slot_a=0, slot_b=0, words=None):
        """Run one operation to completion; return ``(unloaded words or None, cycles)``."""
        await self.command(op, slot_a, slot_b)
        out = None
        if words is not None:
            await self.send(words)
        if op == Op.UNLOAD:
            out = await self.recv(self.dut.n)
        error, cause, cycles = await self.wait()
        assert (error, cause) == (0, Cause.NONE), f"{Op(op).name}: error cause {cause.name}"
        assert self.ctx.get(self.dut.done) == 1
        return out, cycles

    async def context(self, q, psi=None):
        words = hw_context_words((q, self.dut.n, psi), width=self.dut.width,
                                 reducer=self.dut.reducer)
        return await self.run(Op.CONTEXT, words=words)


class Model:
    """Op-level golden model of the array's slots (natural values, no hardware domain)."""

    def __init__(self, slots, q, psi=None):
        self.q, self.psi = q, psi
        self.slots = [None] * slots

    def apply(self, op, slot_a=0, slot_b=0, words=None):
        q, psi, s = self.q, self.psi, self.slots
        if op == Op.LOAD:
            s[slot_a] = ints(words)
        elif op == Op.NTT:
            s[slot_a] = ints(golden.ntt_forward(s[slot_a], q, psi))
        elif op == Op.INTT:
            s[slot_a] = ints(golden.ntt_inverse(s[slot_a], q, psi))
        elif op == Op.PWMUL:
            s[slot_a] = ints(golden.pointwise_mul(s[slot_a], s[slot_b], q))
        elif op == Op.UNLOAD:
            return list(s[slot_a])
        return None


def stimulus(kind, n, q, rng):
    """The stimulus classes of the spec (Intel hexl-fpga tests)."""
    return {
        "random": lambda: [rng.randrange(q) for _ in range(n)],
        "ramp": lambda: [i % q for i in range(n)],
        "zeros": lambda: [0] * n,
        "ones": lambda: [1] * n,
        "impulse": lambda: [1] + [0] * (n - 1),
        "q-1": lambda: [q - 1] * n,
    }[kind]()


# (log_n, width, lanes, reducer, pipeline_depth, beat, q)
CONFIGS = [
    (3, 14, 1, "barrett", 1, 1, 12289),
    (3, 14, 4, "montgomery", 2, 4, 7681),
    (4, 14, 2, "montgomery", 2, 2, 12289),
    (4, 32, 8, "solinas", 3, 8, SOLINAS_Q),
    (5, 28, 4, "barrett", 2, 4, 268042241),
    (5, 28, 4, "montgomery", 3, 2, 268042241),
    (6, 32, 2, "barrett", 4, 1, 4293918721),
    (6, 32, 16, "montgomery", 1, 8, 4293918721),
    (5, 32, 2, "solinas", 4, 2, SOLINAS_Q),
]


def make(cfg, **kwargs):
    log_n, width, lanes, reducer, depth, beat, _ = cfg
    return NTTArray(log_n=log_n, width=width, lanes=lanes, reducer=reducer,
                    pipeline_depth=depth, beat=beat, **kwargs)


def cfg_id(cfg):
    return "-".join(str(x) for x in cfg[:6])


# -- parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs,message", [
    ({"log_n": 2}, r"log_n must be an integer in 3\.\.16, not 2"),
    ({"log_n": 17}, r"log_n must be an integer in 3\.\.16, not 17"),
    ({"width": 13}, r"width must be an integer in 14\.\.32, not 13"),
    ({"width": 33}, r"width must be an integer in 14\.\.32, not 33"),
    ({"lanes": 3}, r"lanes must be a power of two, not 3"),
    ({"lanes": 0}, r"lanes must be a power of two, not 0"),
    ({"log_n": 3, "lanes": 8}, r"lanes must be at most N/2 = 4, not 8"),
    ({"reducer": "karatsuba"},
     r"reducer must be one of barrett, montgomery, solinas, not 'karatsuba'"),
    ({"reducer": "solinas", "width": 28}, r"width must be 32 for the solinas reducer, not 28"),
    ({"pipeline_depth": 0}, r"pipeline_depth must be an integer in 1\.\.4, not 0"),
    ({"pipeline_depth": 5}, r"pipeline_depth must be an integer in 1\.\.4, not 5"),
    ({"slots": 0}, r"slots must be an integer in 1\.\.16, not 0"),
    ({"slots": 17}, r"slots must be an integer in 1\.\.16, not 17"),
    ({"beat": 3}, r"beat must be a power of two, not 3"),
    ({"beat": 8}, r"beat must be at most min\(lanes, 8\) = 4, not 8"),
    ({"lanes": 32, "beat": 16}, r"beat must be at most min\(lanes, 8\) = 8, not 16"),
])
def test_wrong_parameters(kwargs, message):
    args = {"log_n": 6, "width": 28, "lanes": 4, "reducer": "barrett"} | kwargs
    with pytest.raises(ValueError, match=f"^{message}$"):
        NTTArray(**args)


def test_parameters_readable():
    dut = NTTArray(log_n=7, width=30, lanes=8, reducer="montgomery", pipeline_depth=2, slots=3,
                   beat=4)
    assert (dut.log_n, dut.n, dut.width, dut.lanes, dut.reducer, dut.pipeline_depth, dut.slots,
            dut.beat) == (7, 128, 30, 8, "montgomery", 2, 3, 4)
    info = NTTArray.decode_info(dut.info_word)
    assert info == {"log_n": 7, "width": 30, "lanes": 8, "reducer": "montgomery", "slots": 3,
                    "beat": 4, "pipeline_depth": 2, "version": 1}
    seen = {}

    async def bench(ctx):
        seen["info"] = ctx.get(dut.info)
        seen["idle"] = (ctx.get(dut.busy), ctx.get(dut.done), ctx.get(dut.error),
                        ctx.get(dut.ctx_valid), ctx.get(dut.i.ready), ctx.get(dut.o.valid))

    simulate(dut, bench)
    assert seen == {"info": dut.info_word, "idle": (0, 0, 0, 0, 0, 0)}


# -- banking and address generation -------------------------------------------------------------


@pytest.mark.parametrize("log_n,lanes", [(3, 1), (4, 2), (6, 4), (8, 16), (10, 64)])
def test_bank_mapping_is_a_bijection(log_n, lanes):
    n = 1 << log_n
    places = {(bank_of(a, lanes), row_of(a, lanes)) for a in range(n)}
    assert len(places) == n
    assert all(0 <= b < 2 * lanes and 0 <= r < n // (2 * lanes) for b, r in places)
    assert all(address_of(bank_of(a, lanes), row_of(a, lanes), lanes) == a for a in range(n))


def physical_accesses(log_n, lanes, butterfly, inverse, s, c, issue):
    """Decode one cycle of the generator into per-lane ``((bank, row) of U, (bank, row) of V,
    twiddle index)`` following the array's crossbars (swap, lane_positions, tw_base)."""
    n = 1 << log_n
    lb = lanes.bit_length() - 1
    out = []
    for lane, (u, v) in enumerate(lane_positions(lanes, issue.sp)):
        places = []
        for pos in (u, v):
            bank = pos ^ (lanes if issue.swap else 0)
            row = issue.row_u if (bank >> lb) == issue.swap else issue.row_v
            places.append((bank, row))
        tw_bank = issue.tw_base + (lane >> issue.sp)
        tw_index = (issue.tw_row - (n // lanes if inverse else 0)) * lanes + tw_bank
        out.append((places[0], places[1], tw_index))
    return out


def check_cycle(log_n, lanes, s, c, issue, inverse, expected):
    """2B distinct banks, exactly the spec's butterflies, the right twiddle for every lane."""
    acc = physical_accesses(log_n, lanes, True, inverse, s, c, issue)
    banks = [place[0] for lane in acc for place in lane[:2]]
    assert len(set(banks)) == 2 * lanes, (log_n, lanes, s, c, banks)
    got = [(address_of(*u, lanes), address_of(*v, lanes), k) for u, v, k in acc]
    assert got == expected, (log_n, lanes, s, c)


@pytest.mark.parametrize("log_n,lanes", [
    (log_n, lanes) for log_n in range(3, 13) for lanes in (1, 2, 4, 8, 16, 32, 64)
    if lanes <= (1 << log_n) // 2])
def test_schedule_is_conflict_free(log_n, lanes):
    """Exhaustive: every cycle of every stage of both transforms, and every streaming cycle."""
    n = 1 << log_n
    for s in range(log_n):
        for c, expected in enumerate(butterfly_schedule(log_n, lanes, s)):
            for inverse in (False, True):
                issue = issue_model(log_n=log_n, lanes=lanes, butterfly=True, inverse=inverse,
                                    s=s, c=c)
                check_cycle(log_n, lanes, s, c, issue, inverse, expected)
    for c in range(n // lanes):
        issue = issue_model(log_n=log_n, lanes=lanes, butterfly=False, inverse=False, s=0, c=c)
        acc = physical_accesses(log_n, lanes, False, False, 0, c, issue)
        places = [u for u, _, _ in acc]
        assert len({bank for bank, _ in places}) == lanes
        assert [address_of(*p, lanes) for p in places] == list(range(c * lanes, c * lanes + lanes))


@pytest.mark.parametrize("log_n,lanes", [(3, 1), (3, 4), (4, 2), (5, 4), (6, 8), (6, 32)])
def test_address_generator_matches_model(log_n, lanes):
    """The gateware generator equals the model in every cycle (hence it is conflict-free too)."""
    dut = AddressGenerator(log_n=log_n, lanes=lanes)
    n = 1 << log_n
    cases = [(True, inverse, s, c) for inverse in (False, True) for s in range(log_n)
             for c in range(n // (2 * lanes))]
    cases += [(False, False, 0, c) for c in range(n // lanes)]
    mismatches = []

    async def bench(ctx):
        for butterfly, inverse, s, c in cases:
            ctx.set(dut.butterfly, butterfly)
            ctx.set(dut.inverse, inverse)
            ctx.set(dut.s, s)
            ctx.set(dut.c, c)
            want = issue_model(log_n=log_n, lanes=lanes, butterfly=butterfly, inverse=inverse,
                               s=s, c=c)
            got = (ctx.get(dut.row_u), ctx.get(dut.row_v), ctx.get(dut.swap), ctx.get(dut.sp))
            if butterfly:
                got += (ctx.get(dut.tw_row), ctx.get(dut.tw_base))
                ref = (want.row_u, want.row_v, want.swap, want.sp, want.tw_row, want.tw_base)
            else:
                ref = (want.row_u, want.row_v, want.swap, want.sp)
            if got != ref:
                mismatches.append((butterfly, inverse, s, c, got, ref))

    simulate(dut, bench, clock=False)
    assert not mismatches, mismatches[:5]


# -- pass schedule ------------------------------------------------------------------------------


def run_schedule(op, log_n, lanes, latency, passes, x, words, q):
    """Token-level timing model of the pipeline: a token issued at cycle ``y`` reads the slot
    as written by tokens issued at or before ``y - hazard_distance``, and writes at
    ``y + hazard_distance``. Returns the slot after the operation (Barrett domain words)."""
    n = 1 << log_n
    fwd, inv = words[CONTEXT_HEADER_WORDS:][:n], words[CONTEXT_HEADER_WORDS:][n:]
    n_inv = words[Header.N_INV]
    d = hazard_distance(latency)
    mem = list(x)
    pending = []          # (write time, address, value)
    t = 0
    for p in passes:
        for c in range(p.tokens):
            for item in sorted(w for w in pending if w[0] <= t):
                mem[item[1]] = item[2]
            pending = [w for w in pending if w[0] > t]
            if p.mode == Mode.MUL:
                for a in range(c * lanes, c * lanes + lanes):
                    pending.append((t + d, a, mem[a] * n_inv % q))
            else:
                for j, k, tw in butterfly_schedule(log_n, lanes, p.s)[c]:
                    u, v = mem[j], mem[k]
                    if p.mode == Mode.CT:
                        vw = v * fwd[tw] % q
                        pending += [(t + d, j, (u + vw) % q), (t + d, k, (u - vw) % q)]
                    else:
                        pending += [(t + d, j, (u + v) % q),
                                    (t + d, k, (u - v) * inv[tw] % q)]
            t += 1
        t += p.gap
    for item in sorted(pending):
        mem[item[1]] = item[2]
    return mem


@pytest.mark.parametrize("log_n,lanes,latency", [
    (3, 1, 1), (3, 4, 4), (4, 2, 3), (5, 4, 2), (6, 8, 4), (6, 2, 1), (7, 16, 3)])
@pytest.mark.parametrize("op", [Op.NTT, Op.INTT])
def test_hazard_gaps_are_exact(op, log_n, lanes, latency):
    """The computed gaps give the golden result, and shortening any nonzero gap breaks it."""
    q = 12289
    n = 1 << log_n
    rng = random.Random(f"{op}{log_n}{lanes}{latency}")
    x = [rng.randrange(q) for _ in range(n)]
    words = hw_context_words((q, n), width=14, reducer="barrett")
    want = ints((golden.ntt_forward if op == Op.NTT else golden.ntt_inverse)(x, q))
    passes = op_passes(op, log_n=log_n, lanes=lanes, latency=latency)
    assert run_schedule(op, log_n, lanes, latency, passes, x, words, q) == want
    shortened = 0
    for k, p in enumerate(passes):
        if p.gap:
            shorter = list(passes)
            shorter[k] = dataclasses.replace(p, gap=p.gap - 1)
            assert run_schedule(op, log_n, lanes, latency, shorter, x, words, q) != want, k
            shortened += 1
    if (1 << log_n) // (2 * lanes) < hazard_distance(latency):
        assert shortened, "a configuration this small must need at least one gap"


def test_gaps_only_where_a_stage_would_overtake_the_previous_one():
    """Zero hazard gaps exactly when N/4B >= hazard distance; then the closed-form counts hold."""
    for log_n in range(3, 15):
        n = 1 << log_n
        for lanes in (1 << k for k in range(log_n)):
            for latency in range(1, 5):
                small = n // (4 * lanes) < hazard_distance(latency)
                for op in (Op.NTT, Op.INTT):
                    gaps = [p.gap for p in op_passes(op, log_n=log_n, lanes=lanes,
                                                     latency=latency)]
                    assert any(gaps) == small, (op, log_n, lanes, latency, gaps)
                if not small:
                    bound = n // 2 * log_n // lanes
                    assert compute_cycles(Op.NTT, log_n=log_n, lanes=lanes,
                                          latency=latency) == bound + latency + 5
                    assert compute_cycles(Op.INTT, log_n=log_n, lanes=lanes,
                                          latency=latency) == bound + n // (2 * lanes) + latency + 5


@pytest.mark.parametrize("log_n,width,lanes,reducer", [
    (10, 28, 4, "barrett"), (10, 32, 8, "montgomery"), (12, 28, 8, "barrett"),
    (10, 32, 4, "solinas"), (14, 28, 8, "barrett"), (16, 28, 8, "montgomery"),
    (10, 28, 1, "barrett"), (11, 28, 2, "montgomery")])
@pytest.mark.parametrize("depth", [1, 4])
@pytest.mark.parametrize("dsp_width", [None, 18])
def test_forward_ntt_within_five_percent_of_bound(log_n, width, lanes, reducer, depth,
                                                   dsp_width):
    dut = NTTArray(log_n=log_n, width=width, lanes=lanes, reducer=reducer, pipeline_depth=depth,
                   dsp_width=dsp_width)
    bound = (1 << log_n) // 2 * log_n // lanes
    assert all(p.gap == 0 for p in dut.passes(Op.NTT))      # stages fully overlapped
    assert dut.latency == depth if dsp_width is None else dut.latency > depth
    assert dut.op_cycles(Op.NTT) == bound + dut.latency + 5
    assert dut.op_cycles(Op.NTT) <= 1.05 * bound


# -- the lane on its own ------------------------------------------------------------------------


@pytest.mark.parametrize("reducer,width,q,depth", [
    ("barrett", 14, 12289, 1), ("barrett", 28, 268042241, 2), ("montgomery", 14, 7681, 2),
    ("montgomery", 32, 4293918721, 1), ("solinas", 32, SOLINAS_Q, 3)])
def test_butterfly_lane_modes(reducer, width, q, depth):
    """CT, GS and MUL with stalls, edge and random operands; outputs fully reduced."""
    dut = ButterflyLane(width=width, reducer=reducer, pipeline_depth=depth)
    r = (1 << width) % q if reducer == "montgomery" else 1
    r_inv = pow(r, -1, q)
    rng = random.Random(f"{reducer}{width}{depth}")
    edge = [0, 1, q - 1, q - 2]
    ops = [(mode, u, v, w) for mode in Mode for u, v, w in itertools.product(edge, repeat=3)]
    ops += [(rng.choice(list(Mode)), rng.randrange(q), rng.randrange(q), rng.randrange(q))
            for _ in range(200)]

    def expect(mode, u, v, w):
        if mode == Mode.CT:
            p = v * w * r_inv % q
            return (u + p) % q, (u - p) % q
        if mode == Mode.GS:
            return (u + v) % q, (u - v) * w * r_inv % q
        return u * w * r_inv % q, None

    results = []

    async def bench(ctx):
        ctx.set(dut.q, q)
        if reducer == "barrett":
            k, mu = barrett_constants(q)
            ctx.set(dut.k, k)
            ctx.set(dut.mu, mu)
        elif reducer == "montgomery":
            ctx.set(dut.qprime, montgomery_constants(q, width))
        queue = list(ops)
        flight = []
        cycle = 0
        while queue or any(flight):
            en = int(cycle % 7 != 3)
            ctx.set(dut.en, en)
            item = queue.pop(0) if en and queue else None
            if item:
                ctx.set(dut.mode, item[0])
                ctx.set(dut.u, item[1])
                ctx.set(dut.v, item[2])
                ctx.set(dut.w, item[3])
            await ctx.tick()
            cycle += 1
            if en:
                flight.append(item)
                if len(flight) == dut.latency:
                    done = flight.pop(0)
                    if done:
                        results.append((done, ctx.get(dut.x), ctx.get(dut.y)))

    simulate(dut, bench)
    assert len(results) == len(ops)
    for (mode, u, v, w), x, y in results:
        ex, ey = expect(mode, u, v, w)
        assert x == ex and (ey is None or y == ey), (Mode(mode).name, u, v, w, x, y, ex, ey)


# -- operations against the golden model --------------------------------------------------------


# (cfg, dsp_width): every configuration as built for simulation and ASICs, plus products split
# into FPGA multiplier blocks (iCE40 16-bit, ECP5 18-bit, and a width that splits 14-bit q)
EVERY_OPERATION = ([(cfg, None) for cfg in CONFIGS]
                   + [(CONFIGS[0], 8), (CONFIGS[4], 18), (CONFIGS[5], 18), (CONFIGS[3], 16)])


@pytest.mark.parametrize("cfg,dsp_width", EVERY_OPERATION,
                         ids=[cfg_id(c) + ("" if d is None else f"-dsp{d}")
                              for c, d in EVERY_OPERATION])
def test_every_operation(cfg, dsp_width):
    """CONTEXT, LOAD, UNLOAD, NTT, INTT, PWMUL against the golden model, with exact cycle counts;
    the documented product sequence against the schoolbook product."""
    dut = make(cfg, dsp_width=dsp_width)
    q, n = cfg[-1], dut.n
    rng = random.Random(cfg_id(cfg))
    a = stimulus("random", n, q, rng)
    b = stimulus("random", n, q, rng)
    model = Model(dut.slots, q)
    cycles = {}
    checked = []

    async def bench(ctx):
        drv = Driver(ctx, dut)
        _, cycles[Op.CONTEXT] = await drv.context(q)
        assert ctx.get(dut.ctx_valid) == 1
        script = [
            (Op.LOAD, 0, 0, a), (Op.LOAD, 1, 0, b), (Op.UNLOAD, 0, 0, None),
            (Op.NTT, 0, 0, None), (Op.UNLOAD, 0, 0, None), (Op.NTT, 1, 0, None),
            (Op.UNLOAD, 1, 0, None), (Op.PWMUL, 0, 1, None), (Op.UNLOAD, 0, 0, None),
            (Op.INTT, 0, 0, None), (Op.UNLOAD, 0, 0, None), (Op.INTT, 1, 0, None),
            (Op.UNLOAD, 1, 0, None),
        ]
        for op, sa, sb, words in script:
            out, cycles[op] = await drv.run(op, sa, sb, words)
            want = model.apply(op, sa, sb, words)
            if op == Op.UNLOAD:
                checked.append(out)
                assert out == want, f"UNLOAD after step {len(checked)}: {out} != {want}"
            assert cycles[op] == dut.op_cycles(op), (Op(op).name, cycles[op])

    simulate(dut, bench)
    assert checked[0] == a                                           # LOAD/UNLOAD round trip
    assert checked[1] == ints(golden.ntt_forward(a, q))
    assert checked[4] == ints(golden.negacyclic_schoolbook(a, b, q))  # the product
    assert checked[5] == b                                           # INTT(NTT(b)) == b


@pytest.mark.parametrize("q,psi,x,want", [
    # spec: docs/ntt.md known-answer vectors (Intel HEXL test-ntt.cpp; ours)
    (12289, None, [1, 2, 3, 4, 5, 6, 7, 8], [2285, 6357, 1586, 9352, 404, 729, 6197, 9965]),
    (4194353, None, [1, 0, 0, 0, 0, 0, 0, 0], [1] * 8),
    (4194353, None, [1, 1, 0, 0, 0, 0, 0, 0],
     [132171, 4062184, 2675172, 1519183, 462763, 3731592, 1824324, 2370031]),
])
@pytest.mark.parametrize("reducer", ["barrett", "montgomery"])
def test_known_answer_vectors(q, psi, x, want, reducer):
    dut = NTTArray(log_n=3, width=23, lanes=2, reducer=reducer, pipeline_depth=2, beat=2)
    got = {}

    async def bench(ctx):
        drv = Driver(ctx, dut)
        await drv.context(q, psi)
        await drv.run(Op.LOAD, 0, words=x)
        await drv.run(Op.NTT, 0)
        got["fwd"], _ = await drv.run(Op.UNLOAD, 0)
        await drv.run(Op.INTT, 0)
        got["back"], _ = await drv.run(Op.UNLOAD, 0)

    simulate(dut, bench)
    assert got == {"fwd": want, "back": x}


@pytest.mark.parametrize("cfg", [CONFIGS[2], CONFIGS[4], CONFIGS[7]], ids=cfg_id)
def test_streams_with_idle_and_backpressure(cfg):
    """Random idle cycles on ``i`` and back-pressure on ``o`` change nothing but LOAD/UNLOAD
    timing; compute operations keep their exact cycle counts."""
    dut = make(cfg)
    q, n = cfg[-1], dut.n
    rng = random.Random(cfg_id(cfg) + "stall")
    a, b = stimulus("random", n, q, rng), stimulus("random", n, q, rng)
    out = {}

    async def bench(ctx):
        drv = Driver(ctx, dut, seed=5, idle=0.4, backpressure=0.5)
        await drv.context(q)
        await drv.run(Op.LOAD, 0, words=a)
        await drv.run(Op.LOAD, 1, words=b)
        out["a"], out["unload_cycles"] = await drv.run(Op.UNLOAD, 0)
        _, out["ntt_cycles"] = await drv.run(Op.NTT, 0)
        await drv.run(Op.NTT, 1)
        await drv.run(Op.PWMUL, 0, 1)
        await drv.run(Op.INTT, 0)
        out["c"], _ = await drv.run(Op.UNLOAD, 0)

    simulate(dut, bench)
    assert out["a"] == a
    assert out["c"] == ints(golden.negacyclic_schoolbook(a, b, q))
    assert out["ntt_cycles"] == dut.op_cycles(Op.NTT)
    assert out["unload_cycles"] > dut.op_cycles(Op.UNLOAD)       # the stalls really happened


def test_cycle_counts_do_not_depend_on_data():
    cfg = CONFIGS[4]
    dut = make(cfg)
    q, n = cfg[-1], dut.n
    kinds = ["random", "ramp", "zeros", "ones", "impulse", "q-1"]
    seen = {}

    async def bench(ctx):
        drv = Driver(ctx, dut)
        await drv.context(q)
        rng = random.Random(3)
        for kind in kinds:
            x = stimulus(kind, n, q, rng)
            row = []
            for op, words in [(Op.LOAD, x), (Op.NTT, None), (Op.PWMUL, None), (Op.INTT, None),
                              (Op.UNLOAD, None)]:
                result, cycles = await drv.run(op, 0, 0, words)
                row.append(cycles)
            squared = ints(golden.poly_mul(x, x, q))
            assert result == squared, kind
            seen[kind] = row

    simulate(dut, bench)
    assert len({tuple(row) for row in seen.values()}) == 1, seen


def test_two_moduli_one_after_the_other():
    """RNS: one product per limb, switching the context in between (and PWMUL squaring)."""
    dut = NTTArray(log_n=5, width=28, lanes=2, reducer="montgomery", pipeline_depth=2, beat=2)
    limbs = find_ntt_primes(32, 28, 2)
    rng = random.Random(9)
    a = [rng.randrange(1 << 40) for _ in range(32)]
    b = [rng.randrange(1 << 40) for _ in range(32)]
    got = {}

    async def bench(ctx):
        drv = Driver(ctx, dut)
        for q in limbs:
            await drv.context(q)
            await drv.run(Op.LOAD, 0, words=[x % q for x in a])
            await drv.run(Op.LOAD, 1, words=[x % q for x in b])
            await drv.run(Op.NTT, 0)
            await drv.run(Op.NTT, 1)
            await drv.run(Op.PWMUL, 0, 1)
            await drv.run(Op.PWMUL, 1, 1)                  # slot_b == slot_a: squaring
            await drv.run(Op.INTT, 0)
            await drv.run(Op.INTT, 1)
            got[q] = ((await drv.run(Op.UNLOAD, 0))[0], (await drv.run(Op.UNLOAD, 1))[0])

    simulate(dut, bench)
    for q in limbs:
        am, bm = [x % q for x in a], [x % q for x in b]
        assert got[q] == (ints(golden.negacyclic_schoolbook(am, bm, q)),
                          ints(golden.negacyclic_schoolbook(bm, bm, q))), q


# -- status and errors --------------------------------------------------------------------------


def test_butterfly_and_cycle_counters():
    cfg = CONFIGS[2]
    dut = make(cfg)
    q, n = cfg[-1], dut.n
    seen = []

    async def bench(ctx):
        drv = Driver(ctx, dut)
        await drv.context(q)
        await drv.run(Op.LOAD, 0, words=[1] * n)
        seen.append(ctx.get(dut.butterflies))
        await drv.run(Op.NTT, 0)
        seen.append(ctx.get(dut.butterflies))
        await drv.run(Op.INTT, 0)
        seen.append(ctx.get(dut.butterflies))
        await drv.run(Op.PWMUL, 0, 0)
        seen.append(ctx.get(dut.butterflies))
        seen.append(ctx.get(dut.cycles))

    simulate(dut, bench)
    per_transform = n // 2 * dut.log_n
    assert seen == [0, per_transform, 2 * per_transform, 2 * per_transform,
                    dut.op_cycles(Op.PWMUL)]


def test_rejected_commands():
    """NO_CONTEXT, BAD_OP, BAD_SLOT: ignored, error + cause of that command set, nothing
    starts; cleared by the next accepted command."""
    dut = NTTArray(log_n=3, width=14, lanes=2, reducer="barrett", pipeline_depth=1, slots=2)
    seen = []

    async def bench(ctx):
        drv = Driver(ctx, dut)

        async def reject(op, slot_a=0, slot_b=0):
            await drv.command(op, slot_a, slot_b)
            seen.append((ctx.get(dut.busy), ctx.get(dut.done), ctx.get(dut.error),
                         Cause(ctx.get(dut.cause))))

        await reject(Op.NTT)
        await reject(Op.LOAD)
        await drv.context(12289)
        assert (ctx.get(dut.error), ctx.get(dut.done)) == (0, 1)
        await reject(0)
        await reject(7)
        await reject(Op.NTT, slot_a=2)
        await reject(Op.PWMUL, slot_a=1, slot_b=2)
        await reject(Op.UNLOAD, slot_a=15)
        await reject(0, slot_a=15)                  # the op code is checked first
        await drv.run(Op.LOAD, 1, words=list(range(8)))
        assert (ctx.get(dut.error), ctx.get(dut.cause)) == (0, Cause.NONE)

    simulate(dut, bench)
    assert seen == [
        (0, 0, 1, Cause.NO_CONTEXT), (0, 0, 1, Cause.NO_CONTEXT), (0, 0, 1, Cause.BAD_OP),
        (0, 0, 1, Cause.BAD_OP), (0, 0, 1, Cause.BAD_SLOT), (0, 0, 1, Cause.BAD_SLOT),
        (0, 0, 1, Cause.BAD_SLOT), (0, 0, 1, Cause.BAD_OP)]


def test_command_while_busy_is_ignored():
    cfg = CONFIGS[5]
    dut = make(cfg)
    q, n = cfg[-1], dut.n
    x = stimulus("random", n, q, random.Random(4))
    got = {}

    async def bench(ctx):
        drv = Driver(ctx, dut)
        await drv.context(q)
        await drv.run(Op.LOAD, 0, words=x)
        await drv.run(Op.LOAD, 1, words=[1] * n)
        await drv.command(Op.NTT, 0)
        for _ in range(5):
            await ctx.tick()
        for op in (Op.INTT, Op.PWMUL, Op.LOAD, Op.CONTEXT, 0):
            await drv.command(op, 1, 0)
            assert (ctx.get(dut.busy), ctx.get(dut.error)) == (1, 1)
            await ctx.tick()
        got["status"] = await drv.wait()
        got["done"] = ctx.get(dut.done)
        got["fwd"], _ = await drv.run(Op.UNLOAD, 0)
        got["other"], _ = await drv.run(Op.UNLOAD, 1)

    simulate(dut, bench)
    assert got["status"] == (1, Cause.BUSY, dut.op_cycles(Op.NTT))
    assert got["done"] == 1
    assert got["fwd"] == ints(golden.ntt_forward(x, q))
    assert got["other"] == [1] * n


def test_range_and_context_errors():
    dut = NTTArray(log_n=3, width=14, lanes=2, reducer="barrett", pipeline_depth=2, beat=2)
    q, n = 12289, 8
    seen = {}

    async def bench(ctx):
        drv = Driver(ctx, dut)
        words = hw_context_words((q, n), width=14, reducer="barrett")
        # A twiddle >= q: the context still loads, RANGE is reported.
        bad = list(words)
        bad[CONTEXT_HEADER_WORDS + 3] = q
        await drv.command(Op.CONTEXT)
        await drv.send(bad)
        seen["twiddle"] = (await drv.wait())[:2], ctx.get(dut.done), ctx.get(dut.ctx_valid)
        # A coefficient >= q.
        await drv.command(Op.LOAD, 0)
        await drv.send([0, 1, 2, q, 4, 5, 6, 7])
        seen["coefficient"] = (await drv.wait())[:2], ctx.get(dut.done)
        # Bad headers: the context is invalid afterwards.
        for name, index, value in [("even q", Header.Q, q + 1), ("k", Header.BARRETT_K, 13),
                                   ("n_inv", Header.N_INV, q), ("reserved", Header.RESERVED, 1)]:
            bad = list(words)
            bad[index] = value
            await drv.command(Op.CONTEXT)
            await drv.send(bad)
            seen[name] = (await drv.wait())[:2], ctx.get(dut.ctx_valid)
        await drv.command(Op.NTT, 0)
        seen["after"] = (await drv.wait())[:2]
        await drv.context(q)
        seen["good"] = ctx.get(dut.ctx_valid), ctx.get(dut.error)

    simulate(dut, bench)
    assert seen == {
        "twiddle": ((1, Cause.RANGE), 1, 1),
        "coefficient": ((1, Cause.RANGE), 1),
        "even q": ((1, Cause.CONTEXT), 0),
        "k": ((1, Cause.CONTEXT), 0),
        "n_inv": ((1, Cause.CONTEXT), 0),
        "reserved": ((1, Cause.CONTEXT), 0),
        "after": (1, Cause.NO_CONTEXT),
        "good": (1, 0),
    }


def test_solinas_context_must_use_the_fixed_modulus():
    dut = NTTArray(log_n=3, width=32, lanes=1, reducer="solinas", pipeline_depth=1)
    seen = {}

    async def bench(ctx):
        drv = Driver(ctx, dut)
        words = hw_context_words((SOLINAS_Q, 8), width=32, reducer="solinas")
        words[Header.Q] = 4293918721 - 2 ** 22      # another odd value
        await drv.command(Op.CONTEXT)
        await drv.send(words)
        seen["status"] = (await drv.wait())[:2], ctx.get(dut.ctx_valid)

    simulate(dut, bench)
    assert seen["status"] == ((1, Cause.CONTEXT), 0)


def test_abort():
    cfg = CONFIGS[2]
    dut = make(cfg)
    q, n = cfg[-1], dut.n
    x = stimulus("ramp", n, q, None)
    seen = {}

    async def bench(ctx):
        drv = Driver(ctx, dut)
        await drv.context(q)
        await drv.command(Op.LOAD, 0)
        await drv.send(x[:6])                      # a LOAD that never gets all its data
        ctx.set(dut.cancel, 1)
        await ctx.tick()
        ctx.set(dut.cancel, 0)
        seen["aborted"] = (ctx.get(dut.busy), ctx.get(dut.done), ctx.get(dut.error),
                           Cause(ctx.get(dut.cause)), ctx.get(dut.i.ready))
        # Abort in the middle of an UNLOAD with the output stalled, and of an NTT.
        await drv.run(Op.LOAD, 0, words=x)
        await drv.command(Op.UNLOAD, 0)
        for _ in range(dut.hazard_distance + 2):
            await ctx.tick()
        ctx.set(dut.cancel, 1)
        await ctx.tick()
        ctx.set(dut.cancel, 0)
        seen["unload"] = ctx.get(dut.busy), ctx.get(dut.o.valid)
        await drv.command(Op.NTT, 0)
        await ctx.tick()
        ctx.set(dut.cancel, 1)
        await ctx.tick()
        ctx.set(dut.cancel, 0)
        for _ in range(2 * dut.hazard_distance):
            await ctx.tick()
        seen["ntt"] = ctx.get(dut.busy), Cause(ctx.get(dut.cause))
        # Everything works afterwards.
        await drv.run(Op.LOAD, 0, words=x)
        seen["again"], _ = await drv.run(Op.UNLOAD, 0)

    simulate(dut, bench)
    assert seen["aborted"] == (0, 0, 1, Cause.ABORTED, 0)
    assert seen["unload"] == (0, 0)
    assert seen["ntt"] == (0, Cause.ABORTED)
    assert seen["again"] == x


# -- context words ------------------------------------------------------------------------------


@pytest.mark.parametrize("reducer,width,q", [
    ("barrett", 28, 268042241), ("montgomery", 28, 268042241), ("montgomery", 14, 12289),
    ("solinas", 32, SOLINAS_Q), ("barrett", 32, 4293918721)])
def test_context_words(reducer, width, q):
    n = 16
    ctx = golden.make_context(q, n)
    words = hw_context_words(ctx, width=width, reducer=reducer)
    assert words == hw_context_words((q, n), width=width, reducer=reducer)
    assert len(words) == 2 * n + CONTEXT_HEADER_WORDS
    assert all(isinstance(x, int) and 0 <= x < 1 << width for x in words)
    r = (1 << width) % q if reducer == "montgomery" else 1
    assert words[Header.Q] == q
    assert words[Header.N_INV] == ctx.n_inv * r % q
    assert words[Header.TO_DOMAIN] == r * r % q
    k, mu = barrett_constants(q)
    if reducer == "barrett":
        assert words[Header.BARRETT_K] == k
        assert words[Header.BARRETT_MU_LO] | words[Header.BARRETT_MU_HI] << width == mu
    if reducer == "montgomery":
        assert words[Header.QPRIME] * q % (1 << width) == (1 << width) - 1
    fwd = words[CONTEXT_HEADER_WORDS:][:n]
    inv = words[CONTEXT_HEADER_WORDS:][n:]
    assert fwd == [int(t) * r % q for t in ctx.fwd_twiddles]
    assert inv[1] == int(ctx.inv_twiddles[1]) * ctx.n_inv * r % q
    assert inv[2:] == [int(t) * r % q for t in ctx.inv_twiddles[2:]]


@pytest.mark.parametrize("args,kwargs,error,message", [
    ((12289, 8), {"width": 14, "reducer": "shoup"}, ValueError,
     r"reducer must be one of barrett, montgomery, solinas, not 'shoup'"),
    ((12289, 8), {"width": 13, "reducer": "barrett"}, ValueError,
     r"width must be an integer in 14\.\.32, not 13"),
    ((268042241, 8), {"width": 14, "reducer": "barrett"}, ValueError,
     r"width 14 is too small for q = 268042241 \(needs 28 bits\)"),
    ((268042241, 8), {"width": 32, "reducer": "solinas"}, ValueError,
     r"q must be 4293918721 for the solinas reducer, not 268042241"),
    ((SOLINAS_Q, 8), {"width": 28, "reducer": "solinas"}, ValueError,
     r"width must be 32 for the solinas reducer, not 28"),
    ((12289,), {"width": 14, "reducer": "barrett"}, TypeError,
     r"ctx_or_q_n_psi must be an NttContext or a tuple \(q, n\[, psi\]\), not \(12289,\)"),
])
def test_wrong_context_arguments(args, kwargs, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        hw_context_words(args, **kwargs)


def test_context_with_explicit_psi_round_trips():
    """A non-minimal psi: the array's forward NTT matches the golden model with that psi."""
    q, n = 12289, 8
    psi = next(p for p in range(2, q) if pow(p, n, q) == q - 1
               and p != golden.make_context(q, n).psi)
    dut = NTTArray(log_n=3, width=14, lanes=1, reducer="montgomery", pipeline_depth=1)
    x = list(range(1, 9))
    got = {}

    async def bench(ctx):
        drv = Driver(ctx, dut)
        await drv.context(q, psi)
        await drv.run(Op.LOAD, 0, words=x)
        await drv.run(Op.NTT, 0)
        got["fwd"], _ = await drv.run(Op.UNLOAD, 0)

    simulate(dut, bench)
    assert got["fwd"] == ints(golden.ntt_forward(x, q, psi))
    assert got["fwd"] != ints(golden.ntt_forward(x, q))

