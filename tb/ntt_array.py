"""cocotb testbench of the NTT butterfly array (``cerite.hw.ntt.array.NTTArray``).

Implements the verification plan of ``spec``: docs/ntt.md ("Why it exists", "Known-answer
vectors": stimulus classes of the Intel hexl-fpga tests) on the generated Verilog.

- Driver (:class:`TB`): commands on the control ports, coefficients and context words into the
  ``i`` stream (:class:`cerite.tb.common.StreamSource`, optionally with random idle cycles), a
  sink on ``o`` (optionally with random back-pressure).
- Monitor (:class:`OutputMonitor`): every transfer on ``o``, sampled at the clock edges on its own;
  the completion of every command with its ``cycles`` count.
- Golden model (:class:`GoldenSlots`): ``cerite.ntt.golden`` applied to the slots, op by op.
- Scoreboard (:class:`Scoreboard`): after every data operation the slot is unloaded and every
  coefficient compared, in order, with the golden model.
- Random command sequences with faults (``random_sequences``): commands while busy, cancels,
  out-of-range data, bad contexts, each checked against its documented status.
- Two or more errors in one command (``double_errors``): the first one is kept.

Parameters (``PARAM_*``): ``log_n``, ``width``, ``lanes``, ``reducer``, ``beat``, ``slots``, the
expected cycle counts ``{load,unload,ntt,intt,pwmul,context}_cycles`` and ``info``, ``kinds``
(comma-separated stimulus classes) and ``schoolbook_max`` (largest N checked against the O(N^2)
product; larger N use ``golden.poly_mul``).
"""

import collections
import json
import random

import cocotb
from cocotb.simtime import get_sim_time
from cocotb.triggers import (ClockCycles, FallingEdge, ReadOnly, RisingEdge, SimTimeoutError,
                             with_timeout)

from cerite.hw.ntt.context import CONTEXT_HEADER_WORDS, Header, hw_context_words
from cerite.hw.ntt.ops import Cause, Op
from cerite.ntt import golden
from cerite.ntt.primes import find_ntt_primes
from cerite.ntt.reduction import SOLINAS_Q
from cerite.ntt.rns import RnsBasis, from_rns, to_rns
from cerite.tb.common import (CLOCK_PERIOD_NS, StreamSink, StreamSource, cover, pack, param,
                              random_pattern, start, unpack)

KINDS = ("random", "ramp", "zeros", "ones", "impulse", "q-1")


def ints(values):
    return [int(v) for v in values]


def stimulus(kind, n, q, rng):
    """One of the stimulus classes (random, ramp, all zeros, all ones, impulse, all q-1)."""
    if kind == "random":
        return [rng.randrange(q) for _ in range(n)]
    if kind == "ramp":
        return [i % q for i in range(n)]
    if kind == "zeros":
        return [0] * n
    if kind == "ones":
        return [1] * n
    if kind == "impulse":
        return [1] + [0] * (n - 1)
    if kind == "q-1":
        return [q - 1] * n
    raise ValueError(f"unknown stimulus class {kind!r}")


class GoldenSlots:
    """Golden model of the array's slots for one context ``(q, psi)``."""

    def __init__(self, slots):
        self.slots = [None] * slots
        self.q = self.psi = None

    def context(self, q, psi):
        self.q, self.psi = q, psi

    def apply(self, op, slot_a, slot_b=0, words=None):
        q, psi, s = self.q, self.psi, self.slots
        if op == Op.LOAD:
            s[slot_a] = ints(words)
        elif op == Op.NTT:
            s[slot_a] = ints(golden.ntt_forward(s[slot_a], q, psi))
        elif op == Op.INTT:
            s[slot_a] = ints(golden.ntt_inverse(s[slot_a], q, psi))
        elif op == Op.PWMUL:
            s[slot_a] = ints(golden.pointwise_mul(s[slot_a], s[slot_b], q))
        return list(s[slot_a])


class Scoreboard:
    """In-order comparison of every unloaded coefficient with the golden model."""

    def __init__(self, log):
        self.log = log
        self.expected = collections.deque()
        self.coefficients = 0
        self.unloads = 0

    def expect(self, label, values):
        self.expected.append((label, ints(values)))

    def observe(self, values):
        assert self.expected, f"unexpected UNLOAD data: {values[:8]}..."
        label, want = self.expected.popleft()
        assert len(values) == len(want), f"{label}: {len(values)} coefficients, want {len(want)}"
        for index, (got, exp) in enumerate(zip(values, want)):
            assert got == exp, f"{label}: coefficient {index} is {got}, want {exp}"
        self.coefficients += len(values)
        self.unloads += 1

    def finish(self):
        assert not self.expected, f"{len(self.expected)} expected UNLOADs never came"
        self.log.info("scoreboard: %d UNLOADs, %d coefficients checked", self.unloads,
                      self.coefficients)


class OutputMonitor:
    """Collects the words of ``count`` transfers on ``o`` (valid and ready high at an edge)."""

    def __init__(self, dut, width, beat):
        self.dut, self.width, self.beat = dut, width, beat

    async def collect(self, count):
        dut = self.dut
        words = []
        while len(words) < count * self.beat:
            await RisingEdge(dut.clk)
            await ReadOnly()
            if dut.o__valid.value and dut.o__ready.value:
                words += unpack(dut.o__payload.value, self.width, self.beat)
        return words


class TB:
    """Driver + monitor + golden model + scoreboard around one NTTArray."""

    def __init__(self, dut, *, stall=False, seed=0):
        self.dut = dut
        self.log = dut._log
        self.log_n = param("log_n")
        self.n = 1 << self.log_n
        self.width = param("width")
        self.lanes = param("lanes")
        self.reducer = param("reducer", str)
        self.beat = param("beat")
        self.slots = param("slots")
        self.expected_cycles = {op: param(f"{op.name.lower()}_cycles") for op in Op}
        self.stall = stall
        self.rng = random.Random(seed)
        idle = random_pattern(seed + 1, 0.3) if stall else None
        backpressure = random_pattern(seed + 2, 0.3) if stall else None
        self.source = StreamSource(dut, "i", idle=idle)
        self.sink = StreamSink(dut, "o", backpressure=backpressure)
        self.monitor = OutputMonitor(dut, self.width, self.beat)
        self.model = GoldenSlots(self.slots)
        self.scoreboard = Scoreboard(self.log)
        self.cycles = collections.defaultdict(list)
        cover("ntt.reducer", self.reducer)
        dut.start.value = 0
        dut.cancel.value = 0
        dut.op.value = 0
        dut.slot_a.value = 0
        dut.slot_b.value = 0

    async def reset(self):
        await start(self.dut)

    # -- driver ---------------------------------------------------------------------------------

    def request(self, op, slot_a=0, slot_b=0):
        """Raise ``start`` with ``op``/``slot_a``/``slot_b`` for the next rising edge (the caller
        lowers it after that edge)."""
        dut = self.dut
        dut.op.value = int(op)
        dut.slot_a.value = slot_a
        dut.slot_b.value = slot_b
        dut.start.value = 1

    async def command(self, op, slot_a=0, slot_b=0):
        """Pulse ``start`` for one cycle with ``op``/``slot_a``/``slot_b``."""
        self.request(op, slot_a, slot_b)
        await RisingEdge(self.dut.clk)
        self.dut.start.value = 0

    async def finish(self):
        """Wait for the command to finish; return ``(done, error, cause, cycles)``."""
        dut = self.dut
        await ReadOnly()
        if dut.busy.value:
            await FallingEdge(dut.busy)
            await ReadOnly()
        status = (int(dut.done.value), int(dut.error.value), Cause(int(dut.cause.value)),
                  int(dut.cycles.value))
        await RisingEdge(dut.clk)
        if status[1]:
            cover("ntt.error", status[2].name)
        return status

    async def send_words(self, words):
        beats = [pack(words[k:k + self.beat], self.width) for k in range(0, len(words), self.beat)]
        await self.source.send_all(beats)

    async def run(self, op, slot_a=0, slot_b=0, words=None, *, check=True):
        """Run one command to completion through the driver and, for UNLOAD, the monitor."""
        await self.command(op, slot_a, slot_b)
        if words is not None:
            await self.send_words(words)
        unloaded = None
        if op == Op.UNLOAD:
            count = self.n // self.beat
            watch = cocotb.start_soon(self.monitor.collect(count))
            received = []
            for _ in range(count):
                received += unpack(await self.sink.recv(), self.width, self.beat)
            unloaded = await watch
            assert unloaded == received, "monitor and sink disagree"
        done, error, cause, cycles = await self.finish()
        assert (done, error, cause) == (1, 0, Cause.NONE), \
            f"{Op(op).name}: done={done} error={error} cause={cause.name}"
        self.cycles[Op(op)].append(cycles)
        cover("ntt.op", Op(op).name)
        exact = op not in (Op.LOAD, Op.UNLOAD, Op.CONTEXT) or not self.stall
        if check and exact:
            assert cycles == self.expected_cycles[Op(op)], \
                f"{Op(op).name} took {cycles} cycles, want {self.expected_cycles[Op(op)]}"
        return unloaded

    # -- operations with the golden model and the scoreboard -----------------------------------

    async def context(self, q, psi=None):
        words = hw_context_words((q, self.n, psi), width=self.width, reducer=self.reducer)
        await self.run(Op.CONTEXT, words=words)
        assert self.dut.ctx_valid.value == 1
        self.model.context(q, psi)

    async def op(self, op, slot_a=0, slot_b=0, words=None, label=""):
        """Run a data operation, then UNLOAD ``slot_a`` and score every coefficient."""
        want = self.model.apply(op, slot_a, slot_b, words)
        if op != Op.UNLOAD:
            await self.run(op, slot_a, slot_b, words)
        self.scoreboard.expect(f"{label}{Op(op).name} slot {slot_a}", want)
        self.scoreboard.observe(await self.run(Op.UNLOAD, slot_a))
        return want


def stall_seed(stall):
    return cocotb.RANDOM_SEED + (1000 if stall else 0)


def end_bound(tb, op):
    """Cycles within which command ``op`` (an op code, valid or not) must end, idle cycles,
    back-pressure and perturbations included: four times its cycle count plus 200."""
    return 4 * (tb.expected_cycles[Op(op)] if op in set(Op) else 1) + 200


async def within(coroutine, bound, context):
    """Await ``coroutine``; fail with ``context`` if it runs longer than ``bound`` cycles."""
    try:
        return await with_timeout(coroutine, bound * CLOCK_PERIOD_NS, "ns")
    except SimTimeoutError:
        raise AssertionError(f"{context}: no end within {bound} cycles") from None


@cocotb.test()
@cocotb.parametrize(stall=[False, True])
async def stimulus_classes(dut, stall):
    """Every stimulus class: LOAD, NTT (vs golden), INTT (== input); equal cycle counts."""
    tb = TB(dut, stall=stall, seed=stall_seed(stall))
    await tb.reset()
    q = SOLINAS_Q if tb.reducer == "solinas" else find_ntt_primes(tb.n, tb.width, 1)[0]
    await tb.context(q)
    kinds = param("kinds", str, ",".join(KINDS)).split(",")
    for kind in kinds:
        x = stimulus(kind, tb.n, q, tb.rng)
        await tb.op(Op.LOAD, 0, words=x, label=f"{kind}: ")
        fwd = await tb.op(Op.NTT, 0, label=f"{kind}: ")
        if kind == "impulse":
            assert fwd == [1] * tb.n          # NTT of the impulse is all ones
        back = await tb.op(Op.INTT, 0, label=f"{kind}: ")
        assert back == x, f"{kind}: INTT(NTT(x)) != x in the golden model"
    tb.scoreboard.finish()
    for op in (Op.NTT, Op.INTT):
        assert len(set(tb.cycles[op])) == 1, f"{op.name} cycles depend on data: {tb.cycles[op]}"
    tb.log.info("cycles: NTT %d, INTT %d, LOAD %s, UNLOAD %s", tb.cycles[Op.NTT][0],
                tb.cycles[Op.INTT][0], sorted(set(tb.cycles[Op.LOAD])),
                sorted(set(tb.cycles[Op.UNLOAD])))


@cocotb.test()
@cocotb.parametrize(stall=[False, True])
async def polynomial_product(dut, stall):
    """The documented sequence LOAD a, LOAD b, NTT a, NTT b, PWMUL, INTT, UNLOAD vs schoolbook."""
    tb = TB(dut, stall=stall, seed=stall_seed(stall) + 7)
    await tb.reset()
    q = SOLINAS_Q if tb.reducer == "solinas" else find_ntt_primes(tb.n, tb.width, 1)[0]
    await tb.context(q)
    a = stimulus("random", tb.n, q, tb.rng)
    b = stimulus("random", tb.n, q, tb.rng)
    await tb.op(Op.LOAD, 0, words=a)
    await tb.op(Op.LOAD, 1, words=b)
    await tb.op(Op.NTT, 0)
    await tb.op(Op.NTT, 1)
    await tb.op(Op.PWMUL, 0, 1)
    product = await tb.op(Op.INTT, 0)
    if tb.n <= param("schoolbook_max", int, 4096):
        reference = ints(golden.negacyclic_schoolbook(a, b, q))
    else:
        reference = ints(golden.poly_mul(a, b, q))
    assert product == reference, "golden model product differs from the reference product"
    tb.scoreboard.finish()
    cycles_out = param("cycles_out", str, "")
    if cycles_out and not stall:
        # Measured busy cycles of every command, for the benchmark (cerite.ntt.bench).
        with open(cycles_out, "w") as handle:
            json.dump({op.name: counts for op, counts in tb.cycles.items()}, handle)


@cocotb.test()
@cocotb.parametrize(stall=[False, True])
async def two_moduli(dut, stall):
    """Two RNS limbs loaded one after the other, every operation scored; by the CRT the limbs
    recombine to the big-integer negacyclic product modulo ``Q = q0 * q1``.

    With the fixed Solinas modulus the second limb is the same ``q`` with another root ``psi``
    (the context reload is exercised; the product must not change)."""
    tb = TB(dut, stall=stall, seed=stall_seed(stall) + 11)
    await tb.reset()
    if tb.reducer == "solinas":
        psi = golden.make_context(SOLINAS_Q, tb.n).psi
        limbs = [(SOLINAS_Q, None), (SOLINAS_Q, pow(psi, 3, SOLINAS_Q))]
        big_q = SOLINAS_Q
    else:
        bits = tb.width
        while True:       # the two largest NTT primes that fit the width
            try:
                primes = find_ntt_primes(tb.n, bits, 2)
                break
            except ValueError:
                bits -= 1
        limbs = [(p, None) for p in primes]
        big_q = primes[0] * primes[1]
    a = [tb.rng.randrange(big_q) for _ in range(tb.n)]
    b = [tb.rng.randrange(big_q) for _ in range(tb.n)]
    products = []
    for q, psi in limbs:
        label = f"q={q} psi={psi}: "
        await tb.context(q, psi)
        await tb.op(Op.LOAD, 0, words=[x % q for x in a], label=label)
        await tb.op(Op.LOAD, 1, words=[x % q for x in b], label=label)
        await tb.op(Op.NTT, 0, label=label)
        await tb.op(Op.NTT, 1, label=label)
        await tb.op(Op.PWMUL, 0, 1, label=label)
        products.append(await tb.op(Op.INTT, 0, label=label))
    tb.scoreboard.finish()
    if tb.reducer == "solinas":
        assert products[0] == products[1], "the product must not depend on psi"
        return
    basis = RnsBasis([q for q, _ in limbs], tb.n)
    combined = [int(x) for x in from_rns(products, basis)]
    assert [ints(limb) for limb in to_rns(combined, basis)] == products
    # Independent check: the big-integer negacyclic product, reduced mod Q, on a few coefficients.
    for k in sorted({0, 1, tb.n // 2, tb.n - 1}):
        c = sum(a[i] * b[k - i] for i in range(k + 1)) \
            - sum(a[i] * b[k + tb.n - i] for i in range(k + 1, tb.n))
        assert combined[k] == c % big_q, f"coefficient {k} of the RNS product"


@cocotb.test()
async def status_and_errors(dut):
    """Parameters readable; rejected commands (NO_CONTEXT, BAD_OP, BAD_SLOT, BUSY) are ignored and
    leave the running operation undisturbed."""
    tb = TB(dut, seed=cocotb.RANDOM_SEED + 13)
    await tb.reset()
    assert int(dut.info.value) == param("info")
    assert (int(dut.busy.value), int(dut.done.value), int(dut.error.value)) == (0, 0, 0)

    async def rejected(op, slot_a=0, slot_b=0):
        await tb.command(op, slot_a, slot_b)
        return await tb.finish()

    assert (await rejected(Op.NTT))[:3] == (0, 1, Cause.NO_CONTEXT)
    q = SOLINAS_Q if tb.reducer == "solinas" else find_ntt_primes(tb.n, tb.width, 1)[0]
    await tb.context(q)
    assert (await rejected(0))[:3] == (0, 1, Cause.BAD_OP)
    assert (await rejected(7))[:3] == (0, 1, Cause.BAD_OP)
    assert (await rejected(Op.LOAD, tb.slots))[:3] == (0, 1, Cause.BAD_SLOT)
    assert (await rejected(Op.PWMUL, 0, tb.slots))[:3] == (0, 1, Cause.BAD_SLOT)

    x = stimulus("random", tb.n, q, tb.rng)
    await tb.op(Op.LOAD, 0, words=x)
    tb.model.apply(Op.NTT, 0)
    await tb.command(Op.NTT, 0)
    await RisingEdge(dut.clk)
    await tb.command(Op.INTT, 0)            # while busy: ignored
    await tb.command(Op.LOAD, 1)
    done, error, cause, cycles = await tb.finish()
    assert (done, error, cause, cycles) == (1, 1, Cause.BUSY, tb.expected_cycles[Op.NTT])
    tb.scoreboard.expect("NTT with commands while busy", tb.model.slots[0])
    tb.scoreboard.observe(await tb.run(Op.UNLOAD, 0))
    tb.scoreboard.finish()


# ---------------------------------------------------------------------------------------------
# Fault campaign (driven by cerite.assurance.campaigns)

#: Perturbations of one command in ``random_sequences``, with their weights.
PERTURBATIONS = {"none": 6, "busy": 2, "cancel": 2, "range": 1, "bad_header": 1}


class CampaignModel:
    """What the array must hold: the slots (None where undefined), the context and its
    validity."""

    def __init__(self, slots):
        self.golden = GoldenSlots(slots)
        self.ctx_valid = False

    def undefine(self, *slots):
        for s in slots:
            self.golden.slots[s] = None


@cocotb.test()
async def random_sequences(dut):
    """``commands`` random commands (every op, bad op codes and slots, commands without a
    context), each with at most one perturbation: a command (a CONTEXT among them) started while
    it runs (BUSY; it goes on undisturbed), ``cancel`` at a random cycle (ABORTED; the slot or
    the context becomes undefined), a coefficient ``>= q`` in a LOAD (RANGE; the slot becomes
    undefined), a context header that fails its checks (CONTEXT; no valid context). Random idle
    cycles and back-pressure on the streams. Each command must end with the documented status
    within a bound of four times its cycle count plus 200 cycles; every UNLOAD of a defined slot
    is compared with the golden model. Statistics go to the JSON file ``campaign_out``.

    The default regression runs it with 24 commands on every configuration (6 for N > 4096): the
    error paths of each one; :mod:`cerite.assurance.campaigns` with many more."""
    rng = random.Random(cocotb.RANDOM_SEED + 17)
    tb = TB(dut, stall=True, seed=cocotb.RANDOM_SEED + 19)
    await tb.reset()
    n, beat, slots = tb.n, tb.beat, tb.slots
    if tb.reducer == "solinas":
        moduli = [SOLINAS_Q]
    else:
        moduli = find_ntt_primes(n, tb.width, 2)
    model = CampaignModel(slots)
    kinds, weights = zip(*PERTURBATIONS.items())
    outcomes = collections.Counter()
    dut.cancel.value = 0

    async def strobe(signal, **values):
        """Set ``values`` at a falling edge, pulse ``signal`` for the next rising edge; returns
        whether the array was busy at that edge."""
        await FallingEdge(dut.clk)
        for name, value in values.items():
            getattr(dut, name).value = value
        was_busy = bool(dut.busy.value)
        signal.value = 1
        await RisingEdge(dut.clk)
        signal.value = 0
        return was_busy

    async def execute(op, sa, sb, words, perturbation):
        """Run one command with its perturbation; returns ``(status, unloaded, happened)``."""
        await strobe(dut.start, op=int(op), slot_a=sa, slot_b=sb)
        await ReadOnly()
        accepted = bool(dut.busy.value)
        await RisingEdge(dut.clk)
        happened = None
        unloaded = None
        if not accepted:
            return await tb.finish(), None, None
        beats = [pack(words[k:k + beat], tb.width) for k in range(0, len(words or []), beat)]
        sender = receiver = None
        cut = None
        if perturbation == "cancel":
            if op in (Op.LOAD, Op.CONTEXT):
                cut = rng.randrange(len(beats))
            elif op == Op.UNLOAD:
                cut = rng.randrange(n // beat)
        if beats:
            sender = cocotb.start_soon(tb.source.send_all(beats[:cut]))
        if op == Op.UNLOAD:
            async def receive(count):
                got = []
                for _ in range(count):
                    got += unpack(await tb.sink.recv(), tb.width, beat)
                return got
            receiver = cocotb.start_soon(receive(n // beat if cut is None else cut))
        if perturbation == "busy":
            await ClockCycles(dut.clk, rng.randrange(max(1, tb.expected_cycles[Op(op)] // 2)))
            other = rng.choice([Op.CONTEXT, Op.LOAD, Op.NTT, Op.UNLOAD, 0])
            if await strobe(dut.start, op=int(other), slot_a=rng.randrange(slots), slot_b=0):
                happened = "busy"
        elif perturbation == "cancel":
            if sender is not None:
                await sender
            elif receiver is not None:
                await receiver
            else:
                await ClockCycles(dut.clk, rng.randrange(tb.expected_cycles[Op(op)]))
            if await strobe(dut.cancel):
                happened = "cancel"
        if sender is not None:
            await sender
        if receiver is not None:
            unloaded = await receiver
        return await tb.finish(), unloaded, happened

    stats_cycles = collections.Counter()
    for number in range(param("commands", int, 24 if tb.log_n <= 12 else 6)):
        perturbation = rng.choices(kinds, weights)[0]
        roll = rng.random()
        if roll < 0.04:
            op, sa, sb = rng.choice([0, 7]), 0, 0
        elif roll < 0.08:
            op = rng.choice([Op.LOAD, Op.NTT, Op.PWMUL])
            sa, sb = (slots, 0) if op != Op.PWMUL else (0, slots + rng.randrange(16 - slots))
            if slots >= 16:
                op, sa, sb = 0, 0, 0
        elif not model.ctx_valid and roll >= 0.2 or roll < 0.12:
            op, sa, sb = Op.CONTEXT, 0, 0
        else:
            defined = [s for s in range(slots) if model.golden.slots[s] is not None]
            choices = [Op.LOAD] * 3 + ([Op.NTT, Op.INTT, Op.UNLOAD, Op.UNLOAD, Op.PWMUL]
                                       if defined else [Op.UNLOAD])
            op = rng.choice(choices)
            sa = rng.choice(defined) if defined and op != Op.LOAD and rng.random() < 0.8 \
                else rng.randrange(slots)
            sb = rng.choice(defined) if defined else rng.randrange(slots)
        words = None
        q = model.golden.q if model.golden.q is not None else moduli[0]
        if op == Op.CONTEXT:
            q = rng.choice(moduli)
            words = hw_context_words((q, n, None), width=tb.width, reducer=tb.reducer)
            if perturbation == "bad_header":
                words = list(words)
                words[7] = 1 + rng.randrange((1 << tb.width) - 1)    # reserved must be 0
        elif op == Op.LOAD:
            words = [rng.randrange(q) for _ in range(n)]
            if perturbation == "range":
                words[rng.randrange(n)] = rng.randrange(q, 1 << tb.width)
        if perturbation == "range" and op != Op.LOAD or \
                perturbation == "bad_header" and op != Op.CONTEXT:
            perturbation = "none"
        context = f"command {number}: {Op(op).name if op in set(Op) else op} slot {sa}/{sb} " \
                  f"({perturbation}; seed {cocotb.RANDOM_SEED})"
        (done, error, cause, cycles), unloaded, happened = await within(
            execute(op, sa, sb, words, perturbation), end_bound(tb, op), context)
        # The expected status.
        bad_op = op not in set(Op)
        bad_slot = not bad_op and op != Op.CONTEXT and (
            sa >= slots or op == Op.PWMUL and sb >= slots)
        if bad_op or bad_slot or (op != Op.CONTEXT and not model.ctx_valid):
            want = (0, 1, Cause.BAD_OP if bad_op else Cause.BAD_SLOT if bad_slot
                    else Cause.NO_CONTEXT)
            outcome = want[2].name
        elif happened == "cancel":
            want = (0, 1, Cause.ABORTED)
            outcome = "ABORTED"
            if op == Op.CONTEXT:
                model.ctx_valid = False
            else:
                model.undefine(sa)
        else:
            cause_want = {"busy": Cause.BUSY, "range": Cause.RANGE,
                          "bad_header": Cause.CONTEXT}.get(happened or perturbation, Cause.NONE)
            if perturbation in ("busy", "cancel") and happened is None:
                cause_want = Cause.NONE       # it had finished before the perturbation came
            want = (1, int(cause_want != Cause.NONE), cause_want)
            outcome = cause_want.name
            if op == Op.CONTEXT:
                model.golden.context(q, None)
                model.ctx_valid = perturbation != "bad_header"
                model.undefine(*range(slots))       # slots are read under the new context
            elif perturbation == "range":
                model.undefine(sa)
            elif op == Op.UNLOAD:
                expected = model.golden.slots[sa]
                if expected is not None:
                    assert unloaded == expected, f"{context}: UNLOAD differs from the golden model"
                    outcome += " (data checked)"
            elif op != Op.LOAD and (model.golden.slots[sa] is None or op == Op.PWMUL
                                    and model.golden.slots[sb] is None):
                model.undefine(sa)
            else:
                model.golden.apply(op, sa, sb, words)
            if op in (Op.NTT, Op.INTT, Op.PWMUL):
                assert cycles == tb.expected_cycles[Op(op)], \
                    f"{context}: {cycles} cycles, want {tb.expected_cycles[Op(op)]}"
        assert (done, error, cause) == want, \
            f"{context}: done={done} error={error} cause={cause.name}, want {want}"
        if op == Op.CONTEXT and want[0]:
            assert int(dut.ctx_valid.value) == model.ctx_valid, f"{context}: ctx_valid"
        if not (bad_op or bad_slot) and (want[0] or want[2] == Cause.ABORTED):
            cover("ntt.op", Op(op).name)
        label = f"{Op(op).name if not bad_op else 'bad op'}/{perturbation} -> {outcome}"
        outcomes[label] += 1
        stats_cycles[Op(op).name if not bad_op else "bad op"] += 1
    dut._log.info(f"random sequences: {sum(outcomes.values())} commands, {dict(outcomes)}")
    out = param("campaign_out", str, "")
    if out:
        with open(out, "w") as handle:
            json.dump({"commands": sum(outcomes.values()), "outcomes": dict(outcomes),
                       "ops": dict(stats_cycles)}, handle)


# ---------------------------------------------------------------------------------------------
# Two or more errors in one command

#: Cases of ``double_errors``: (label, op, events, cause kept). An event is (kind, step): "range"
#: puts a word >= q into beat ``step`` of the stream (a twiddle for CONTEXT), "busy" raises
#: ``start`` on the edge that transfers that beat, "cancel" raises ``cancel`` instead of sending
#: it, "header" spoils the CONTEXT header (reported at the end of the command). CONTEXT steps
#: count from the first twiddle beat, -1 is the last beat; NTT steps are cycles after the start.
DOUBLE_ERRORS = [
    ("RANGE then BUSY", Op.LOAD, [("range", 1), ("busy", 3)], Cause.RANGE),
    ("RANGE then ABORTED", Op.LOAD, [("range", 1), ("cancel", 3)], Cause.RANGE),
    ("BUSY then RANGE", Op.LOAD, [("busy", 1), ("range", 3)], Cause.BUSY),
    ("BUSY then ABORTED", Op.LOAD, [("busy", 1), ("cancel", 3)], Cause.BUSY),
    ("BUSY and RANGE on one edge", Op.LOAD, [("busy", 2), ("range", 2)], Cause.RANGE),
    ("RANGE, RANGE, BUSY, ABORTED", Op.LOAD,
     [("range", 1), ("range", 2), ("busy", 3), ("cancel", 4)], Cause.RANGE),
    ("NTT: BUSY then ABORTED", Op.NTT, [("busy", 1), ("cancel", 3)], Cause.BUSY),
    ("CONTEXT: RANGE then BUSY", Op.CONTEXT, [("range", 1), ("busy", 3)], Cause.RANGE),
    ("CONTEXT: BUSY then RANGE", Op.CONTEXT, [("busy", 1), ("range", 3)], Cause.BUSY),
    ("CONTEXT: RANGE then ABORTED", Op.CONTEXT, [("range", 1), ("cancel", 3)], Cause.RANGE),
    ("CONTEXT: BUSY then ABORTED", Op.CONTEXT, [("busy", 1), ("cancel", 3)], Cause.BUSY),
    ("CONTEXT: BUSY and RANGE on one edge", Op.CONTEXT, [("busy", 2), ("range", 2)],
     Cause.RANGE),
    ("CONTEXT: BUSY then bad header", Op.CONTEXT, [("busy", 1), ("header", None)], Cause.BUSY),
    ("CONTEXT: RANGE then bad header", Op.CONTEXT, [("range", 1), ("header", None)],
     Cause.RANGE),
    ("CONTEXT: bad header and BUSY on its last edge", Op.CONTEXT,
     [("header", None), ("busy", -1)], Cause.CONTEXT),
]


@cocotb.test()
async def double_errors(dut):
    """Commands with two or more error causes (RANGE, BUSY, ABORTED, a bad CONTEXT header, and
    a start on the same edge as a RANGE word or as the CONTEXT error): ``error``/``cause`` keep
    the first (the tie goes to RANGE or CONTEXT), ``done`` is set unless cancelled, a completed
    command takes its documented cycle count, the command ends within ``end_bound`` and the
    array then runs a fresh CONTEXT (where the case touched it), LOAD and NTT that match the
    golden model."""
    tb = TB(dut, seed=cocotb.RANDOM_SEED + 23)
    await tb.reset()
    rng = tb.rng
    n, beat, width = tb.n, tb.beat, tb.width
    q = SOLINAS_Q if tb.reducer == "solinas" else find_ntt_primes(n, width, 1)[0]
    await tb.context(q)
    await tb.op(Op.LOAD, 0, words=stimulus("random", n, q, rng))

    async def drive(op, events):
        """Run ``op`` on slot 0 with ``events`` (see DOUBLE_ERRORS); returns its status."""
        words = []
        offset = 0
        if op == Op.CONTEXT:
            words = list(hw_context_words((q, n, None), width=width, reducer=tb.reducer))
            offset = CONTEXT_HEADER_WORDS // beat
        elif op == Op.LOAD:
            words = stimulus("random", n, q, rng)
        beats = len(words) // beat
        at = collections.defaultdict(set)
        for kind, step in events:
            if kind == "header":
                words[Header.RESERVED] = 1 + rng.randrange((1 << width) - 1)   # must be 0
                continue
            index = beats - 1 if step == -1 else offset + step
            at[index].add(kind)
            if kind == "range":
                words[index * beat + rng.randrange(beat)] = rng.randrange(q, 1 << width)
        await tb.command(op, 0)
        for index in range(beats or max(at) + 1):
            if "busy" in at[index]:
                tb.request(Op.NTT, 0)               # refused: the array is busy
            if "cancel" in at[index]:
                dut.cancel.value = 1
                await RisingEdge(dut.clk)
                dut.cancel.value = 0
                dut.start.value = 0
                break
            if beats:
                before = get_sim_time("ns")
                await tb.source.send(pack(words[index * beat:(index + 1) * beat], width))
                # in whole cycles: sim times in ns are floats, their difference not exact
                edges = round((get_sim_time("ns") - before) / CLOCK_PERIOD_NS)
                assert edges == 1, f"beat {index} was taken on edge {edges}, not the first"
            else:
                await RisingEdge(dut.clk)
            dut.start.value = 0
        return await tb.finish()

    async def fresh(op):
        """A valid CONTEXT (after a CONTEXT case), LOAD and NTT, each scored."""
        if op == Op.CONTEXT:
            await tb.context(q)
        await tb.op(Op.LOAD, 0, words=stimulus("random", n, q, rng))
        await tb.op(Op.NTT, 0)

    for label, op, events, first in DOUBLE_ERRORS:
        context = f"{label} ({Op(op).name}; seed {cocotb.RANDOM_SEED})"
        kinds = {kind for kind, _ in events}
        done, error, cause, cycles = await within(drive(op, events), end_bound(tb, op), context)
        cancelled = "cancel" in kinds
        want = (int(not cancelled), 1, first)
        assert (done, error, cause) == want, \
            f"{context}: done={done} error={error} cause={cause.name}, want {want}"
        if not cancelled:
            assert cycles == tb.expected_cycles[Op(op)], \
                f"{context}: {cycles} cycles, want {tb.expected_cycles[Op(op)]}"
        await ReadOnly()
        ctx_valid, busy = int(dut.ctx_valid.value), int(dut.busy.value)
        await RisingEdge(dut.clk)
        assert ctx_valid == (op != Op.CONTEXT or not kinds & {"cancel", "header"}), \
            f"{context}: ctx_valid={ctx_valid}"
        assert not busy, f"{context}: the refused start was taken"
        cover("ntt.double_error", label)
        bound = sum(end_bound(tb, o) for o in (Op.CONTEXT, Op.LOAD, Op.UNLOAD, Op.NTT, Op.UNLOAD))
        await within(fresh(op), bound, f"{context}, then a fresh command")
    tb.scoreboard.finish()


def run_testbench(config, *, testcase=None, seed=None, **params):
    """Host side: run this module's cocotb tests (``testcase``: one of them, default all) on
    Verilator against ``NTTArray`` of ``config = (log_n, width, lanes, reducer, pipeline_depth,
    beat)``, with the design's ``PARAM_*`` (slots, info word, cycles of every operation) and the
    extra ``params``. Raises ``AssertionError`` with the seed and a reproducer when a test fails
    (:func:`cerite.sim.cocotb.run_cocotb`)."""
    from cerite.hw.ntt.array import NTTArray, reference_array
    from cerite.sim.cocotb import run_cocotb
    log_n, width, lanes, reducer, depth, beat = config
    kwargs = dict(log_n=log_n, width=width, lanes=lanes, reducer=reducer, pipeline_depth=depth,
                  beat=beat)
    reference = reference_array(**kwargs)
    design = {"log_n": log_n, "width": width, "lanes": lanes, "reducer": reducer, "beat": beat,
              "slots": reference.slots, "info": reference.info_word}
    design.update({f"{op.name.lower()}_cycles": reference.op_cycles(op) for op in Op})
    run_cocotb(lambda: NTTArray(**kwargs),
               toplevel=f"ntt_array_n{log_n}_w{width}_b{lanes}_{reducer}_d{depth}",
               test_module=__name__, params={**design, **params}, testcase=testcase, seed=seed)
