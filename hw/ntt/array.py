"""The NTT butterfly array: B pipelined butterflies computing negacyclic NTTs for lattice FHE.

Implements ``spec``: docs/ntt.md (conventions of Microsoft SEAL / Intel HEXL: forward Cooley-Tukey,
natural order in, bit-reversed order out; inverse Gentleman-Sande, bit-reversed in, natural out,
scaled by ``N**-1``; conflict-free banking; one modular multiplier per butterfly).

Polynomial product ``c = a * b mod (X**N + 1, q)`` (one RNS limb), as a command sequence::

    CONTEXT            stream hw_context_words((q, N[, psi]), width=, reducer=)  (once per limb)
    LOAD   slot_a=0    stream a[0..N-1]
    LOAD   slot_a=1    stream b[0..N-1]
    NTT    slot_a=0
    NTT    slot_a=1
    PWMUL  slot_a=0 slot_b=1
    INTT   slot_a=0
    UNLOAD slot_a=0    receive c[0..N-1]

Interface (plain ports; the SoC maps them onto registers):

- Command: ``op`` (an :class:`~cerite.hw.ntt.ops.Op`), ``slot_a``, ``slot_b``, sampled while
  ``start`` is 1 for one cycle. ``cancel`` (while busy) stops the running operation.
- A command has finished when ``busy`` is 0 and ``done`` or ``error`` is 1. ``done`` is set when
  an operation completes and cleared by the next ``start`` while idle; ``busy`` is 1 from the cycle
  after an accepted ``start`` to the last cycle before ``done``.
- ``error`` + ``cause`` (:class:`~cerite.hw.ntt.ops.Cause`). A ``start`` while idle clears them and
  then records its own rejection (BAD_OP, else BAD_SLOT, else NO_CONTEXT: nothing starts, ``done``
  stays 0). While an operation runs the first error is kept: BUSY (a ``start`` while busy; the
  command is ignored and the running one goes on undisturbed), RANGE (a streamed coefficient or
  twiddle ``>= q``; the operation completes), CONTEXT (bad header; ``ctx_valid`` stays 0), ABORTED.
- ``ctx_valid`` (a context passed its header checks), ``cycles`` (busy cycles of the last or
  running accepted command, saturating), ``butterflies`` (butterflies issued since reset,
  wrapping), ``info`` (constant: the elaboration parameters, :attr:`NTTArray.info_word`).
- Streams: ``i`` (sink) and ``o`` (source), ``beat`` coefficients per transfer, element 0 in the
  low bits, natural order of addresses. ``i`` is ready only during LOAD and CONTEXT; ``o`` is
  valid only during UNLOAD. Back-pressure on ``o`` stalls the whole pipeline; idle cycles on ``i``
  just delay the LOAD. A LOAD waits for its data (there is no underrun error; ``cancel`` ends it).
- Cycle counts (``busy`` cycles, streams never idle; :meth:`NTTArray.op_cycles`), with
  ``L =`` :attr:`NTTArray.latency` (``pipeline_depth``; more with ``dsp_width``) and
  ``C = (N/2)*log2(N)/B``: NTT ``C + L + 5``; INTT ``C + N/2B + L + 5``; PWMUL ``N/B + L + 5``;
  LOAD ``N/beat + L + 5``; UNLOAD ``N/beat + L + 6``; CONTEXT ``(2N + 8)/beat``.
  NTT and INTT add hazard gaps (:func:`cerite.hw.ntt.ops.op_passes`) only when ``N/4B < L + 4``,
  i.e. in arrays too small for a stage to finish writing before the next one reads. No count
  depends on data values.
- Slot contents are interpreted with the context in force: after loading another limb's context,
  LOAD the slots again.

Inside, each slot is ``2B`` banks of ``N/2B`` words (:mod:`.banks`); the twiddles are ``B`` banks
of ``2N/B`` words (forward table, then inverse table), all ``amaranth.lib.memory.Memory``. Every
cycle of a pass the address generator (:mod:`.agu`) picks one row per bank half, a crossbar
routes ``2B`` words to the ``B`` lanes (:mod:`.butterfly`) and back. Pass schedule and cycle
counts: :mod:`.ops`. With the Montgomery reducer every coefficient is held as ``x*R mod q`` between
LOAD and UNLOAD (LOAD multiplies by ``R**2``, UNLOAD by 1), so all results are exact.
"""

from amaranth import Array, Cat, Const, Module, Mux, Signal, unsigned
from amaranth.lib import data, stream, wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out

from ...ntt.reduction import SOLINAS_Q
from .agu import AddressGenerator
from .banks import insert_zero, lane_of_position
from .butterfly import ButterflyLane, lane_latency
from .context import CONTEXT_HEADER_WORDS, Header
from .modmul import REDUCERS
from .ops import Cause, Mode, Op, Operand, compute_cycles, hazard_distance, op_passes

__all__ = ["NTTArray", "VERSION", "reference_array"]

#: Interface version reported in ``info``.
VERSION = 1

_REDUCER_CODE = {name: code for code, name in enumerate(REDUCERS)}
_PASS_OPS = (Op.NTT, Op.INTT, Op.PWMUL, Op.LOAD, Op.UNLOAD)

# Control states.
_IDLE, _RUN, _DRAIN, _CTX = range(4)


def _is_pow2(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1 \
        and value & (value - 1) == 0


class NTTArray(wiring.Component):
    """An array of ``lanes`` butterflies over ``slots`` polynomial slots of ``2**log_n`` words.

    Parameters
    ----------
    log_n : int
        ``N = 2**log_n``, 3..16.
    width : int
        Coefficient width ``W``, 14..32 (32 for ``solinas``); run-time moduli ``q < 2**W``.
    lanes : int
        Butterflies ``B``: a power of two ``<= N/2``.
    reducer : str
        ``"barrett"`` or ``"montgomery"`` (run-time ``q``) or ``"solinas"``
        (``q = 2**32 - 2**20 + 1`` fixed).
    pipeline_depth : int
        Multiplier pipeline depth, 1..4 (its latency in cycles without ``dsp_width``).
    dsp_width : int or None
        With an FPGA's hard-multiplier width (18 for ECP5, 16 for iCE40) the lanes split their
        products into partial products and pipeline them for timing (see
        :class:`~cerite.hw.ntt.modmul.ModMul` and :class:`~cerite.hw.ntt.butterfly.ButterflyLane`)
        and the block-RAM read data are registered before the read crossbar; the pipeline gets
        longer by the extra fill only (:attr:`latency`).
    slots : int
        Polynomial slots, 1..16.
    beat : int
        Coefficients per stream transfer: a power of two ``<= min(lanes, 8)``.

    Members
    -------
    start : In(1)
        Command strobe: ``op``, ``slot_a`` and ``slot_b`` are sampled while it is 1.
    op : In(3)
        Operation code (:class:`~cerite.hw.ntt.ops.Op`).
    slot_a, slot_b : In(4)
        Operand slots (``slot_b`` only for PWMUL).
    cancel : In(1)
        Stop the running operation (cause ABORTED).
    busy, done, error : Out(1)
        Status (see the module docstring).
    cause : Out(3)
        Error cause (:class:`~cerite.hw.ntt.ops.Cause`).
    ctx_valid : Out(1)
        A context passed its header checks and is loaded.
    cycles : Out(32)
        Busy cycles of the last (or running) operation.
    butterflies : Out(48)
        Butterflies executed since reset.
    info : Out(32)
        Constant :meth:`info_word`.
    i : In(stream.Signature(data.ArrayLayout(W, beat)))
        Coefficients / context words in.
    o : Out(stream.Signature(data.ArrayLayout(W, beat)))
        Coefficients out.
    """

    def __init__(self, *, log_n, width, lanes, reducer, pipeline_depth=3, slots=2, beat=1,
                 dsp_width=None):
        if not isinstance(log_n, int) or isinstance(log_n, bool) or not 3 <= log_n <= 16:
            raise ValueError(f"log_n must be an integer in 3..16, not {log_n!r}")
        if not isinstance(width, int) or isinstance(width, bool) or not 14 <= width <= 32:
            raise ValueError(f"width must be an integer in 14..32, not {width!r}")
        if not _is_pow2(lanes):
            raise ValueError(f"lanes must be a power of two, not {lanes!r}")
        if lanes > (1 << log_n) // 2:
            raise ValueError(f"lanes must be at most N/2 = {(1 << log_n) // 2}, not {lanes}")
        if reducer not in REDUCERS:
            raise ValueError(f"reducer must be one of {', '.join(REDUCERS)}, not {reducer!r}")
        if reducer == "solinas" and width != 32:
            raise ValueError(f"width must be 32 for the solinas reducer, not {width}")
        if (not isinstance(pipeline_depth, int) or isinstance(pipeline_depth, bool)
                or not 1 <= pipeline_depth <= 4):
            raise ValueError(f"pipeline_depth must be an integer in 1..4, not {pipeline_depth!r}")
        if not isinstance(slots, int) or isinstance(slots, bool) or not 1 <= slots <= 16:
            raise ValueError(f"slots must be an integer in 1..16, not {slots!r}")
        if not _is_pow2(beat):
            raise ValueError(f"beat must be a power of two, not {beat!r}")
        if beat > min(lanes, 8):
            raise ValueError(f"beat must be at most min(lanes, 8) = {min(lanes, 8)}, not {beat}")
        self._log_n = log_n
        self._width = width
        self._lanes = lanes
        self._reducer = reducer
        self._pipeline_depth = pipeline_depth
        self._slots = slots
        self._beat = beat
        self._dsp_width = dsp_width
        # The lanes' latency less their input and output registers, plus the read-data register
        # that dsp_width adds: what the pass schedule and the cycle counts call L (this also
        # validates dsp_width).
        self._latency = lane_latency(width=width, reducer=reducer, pipeline_depth=pipeline_depth,
                                     dsp_width=dsp_width) - 2 + (dsp_width is not None)
        self._passes = {op: op_passes(op, log_n=log_n, lanes=lanes, latency=self._latency)
                        for op in _PASS_OPS}
        word = data.ArrayLayout(width, beat)
        super().__init__({
            "start": In(1), "op": In(3), "slot_a": In(4), "slot_b": In(4), "cancel": In(1),
            "busy": Out(1), "done": Out(1), "error": Out(1), "cause": Out(3),
            "ctx_valid": Out(1), "cycles": Out(32), "butterflies": Out(48),
            "info": Out(32),
            "i": In(stream.Signature(word)),
            "o": Out(stream.Signature(word)),
        })

    # -- parameters -------------------------------------------------------------------------

    @property
    def log_n(self):
        return self._log_n

    @property
    def n(self):
        return 1 << self._log_n

    @property
    def width(self):
        return self._width

    @property
    def lanes(self):
        return self._lanes

    @property
    def reducer(self):
        return self._reducer

    @property
    def pipeline_depth(self):
        return self._pipeline_depth

    @property
    def dsp_width(self):
        return self._dsp_width

    @property
    def latency(self):
        """``L`` of the cycle counts: ``pipeline_depth``, or with ``dsp_width`` the longer
        pipeline (the multiplier's latency plus 3: two more lane registers and a register on the
        block-RAM read data)."""
        return self._latency

    @property
    def slots(self):
        return self._slots

    @property
    def beat(self):
        return self._beat

    @property
    def hazard_distance(self):
        """Cycles from a token's issue until a read issued then sees its write."""
        return hazard_distance(self._latency)

    @property
    def info_word(self):
        """The constant on ``info``: bits 0-4 ``log_n``, 5-10 ``width``, 11-14 ``log2 lanes``,
        15-16 reducer (0 barrett, 1 montgomery, 2 solinas), 17-20 ``slots - 1``, 21-22
        ``log2 beat``, 23-25 ``pipeline_depth``, 26-31 :data:`VERSION`."""
        return (self._log_n | self._width << 5 | (self._lanes.bit_length() - 1) << 11
                | _REDUCER_CODE[self._reducer] << 15 | (self._slots - 1) << 17
                | (self._beat.bit_length() - 1) << 21 | self._pipeline_depth << 23
                | VERSION << 26)

    @staticmethod
    def decode_info(word):
        """Inverse of :attr:`info_word`: a dict of the elaboration parameters and version."""
        return {
            "log_n": word & 0x1f, "width": word >> 5 & 0x3f, "lanes": 1 << (word >> 11 & 0xf),
            "reducer": REDUCERS[word >> 15 & 0x3], "slots": (word >> 17 & 0xf) + 1,
            "beat": 1 << (word >> 21 & 0x3), "pipeline_depth": word >> 23 & 0x7,
            "version": word >> 26,
        }

    def passes(self, op):
        """The pass schedule of ``op`` (see :func:`cerite.hw.ntt.ops.op_passes`)."""
        return self._passes[Op(op)]

    def op_cycles(self, op):
        """Busy cycles of ``op`` when the streams neither idle nor back-pressure.

        - NTT, INTT, PWMUL: :func:`cerite.hw.ntt.ops.compute_cycles`
          (issue cycles + exact hazard gaps + ``L + 5``, ``L =`` :attr:`latency`);
        - LOAD: ``N/beat + L + 5``; UNLOAD: ``N/beat + L + 6``;
        - CONTEXT: ``(2N + 8)/beat``.
        """
        op = Op(op)
        d = self.hazard_distance
        if op == Op.LOAD:
            return self.n // self._beat + d + 1
        if op == Op.UNLOAD:
            return self.n // self._beat + d + 2
        if op == Op.CONTEXT:
            return (2 * self.n + CONTEXT_HEADER_WORDS) // self._beat
        return compute_cycles(op, log_n=self._log_n, lanes=self._lanes,
                              latency=self._latency)

    # -- gateware -----------------------------------------------------------------------------

    def elaborate(self, platform):
        m = Module()
        log_n, w, lanes, beat = self._log_n, self._width, self._lanes, self._beat
        n = 1 << log_n
        lb = lanes.bit_length() - 1
        rows = n // (2 * lanes)
        reducer = self._reducer
        pieces = lanes // beat

        # -- context registers ------------------------------------------------------------------
        q_reg = Signal(w)
        n_inv = Signal(w)
        to_dom = Signal(w)
        bk = Signal(range(w + 1))
        mu_lo = Signal(w)
        mu_hi = Signal(w)
        qprime = Signal(w)
        reserved = Signal(w)
        ctx_valid = Signal()
        q = Const(SOLINAS_Q, w) if reducer == "solinas" else q_reg
        header_regs = {
            Header.Q: q_reg, Header.N_INV: n_inv, Header.TO_DOMAIN: to_dom, Header.BARRETT_K: bk,
            Header.BARRETT_MU_LO: mu_lo, Header.BARRETT_MU_HI: mu_hi, Header.QPRIME: qprime,
            Header.RESERVED: reserved,
        }
        header_ok = Signal()
        checks = [q_reg[0], q_reg >= 3, n_inv < q_reg, to_dom < q_reg, reserved == 0]
        if reducer == "solinas":
            checks.append(q_reg == SOLINAS_Q)
        if reducer == "barrett":
            checks += [bk >= 2, (q_reg >> (bk - 1)[:len(bk)]) == 1, mu_hi <= 1]
        # Registered: the checks (comparators and a shifter on the header words) are read only at
        # the end of CONTEXT, at least two beats after the last header word, so the register
        # changes nothing but the timing.
        m.d.sync += header_ok.eq(Cat(*checks).all())

        # -- memories -------------------------------------------------------------------------
        slot_rd, slot_wr = [], []
        for s in range(self._slots):
            rds, wrs = [], []
            for b in range(2 * lanes):
                mem = Memory(shape=unsigned(w), depth=rows, init=[])
                m.submodules[f"slot{s}_bank{b}"] = mem
                rds.append(mem.read_port(domain="sync"))
                wrs.append(mem.write_port())
            slot_rd.append(rds)
            slot_wr.append(wrs)
        tw_rd, tw_wr = [], []
        for b in range(lanes):
            mem = Memory(shape=unsigned(w), depth=2 * n // lanes, init=[])
            m.submodules[f"twiddle_bank{b}"] = mem
            tw_rd.append(mem.read_port(domain="sync"))
            tw_wr.append(mem.write_port())

        # -- control registers ----------------------------------------------------------------
        state = Signal(2)
        sa = Signal(4)
        sb = Signal(4)
        all_passes = [p for op in _PASS_OPS for p in self._passes[op]]
        first_pass, index = {}, 0
        for op in _PASS_OPS:
            first_pass[op], index = index, index + len(self._passes[op])
        pass_idx = Signal(range(len(all_passes)))
        c = Signal(range(n // lanes))
        in_gap = Signal()
        gap_cnt = Signal(range(max(p.gap for p in all_passes) + 1))
        adv = Signal()          # the pipeline advances (only UNLOAD back-pressure stops it)

        # Current pass, looked up from the schedule table.
        p_mode = Signal(2)
        p_s = Signal(range(log_n))
        p_last_tok = Signal(range(n // lanes))
        p_operand = Signal(3)
        p_from_stream = Signal()
        p_to_stream = Signal()
        p_gap = Signal.like(gap_cnt)
        p_last = Signal()
        with m.Switch(pass_idx):
            for idx, p in enumerate(all_passes):
                last = any(idx == first_pass[op] + len(self._passes[op]) - 1 for op in _PASS_OPS)
                with m.Case(idx):
                    m.d.comb += [
                        p_mode.eq(p.mode), p_s.eq(p.s), p_last_tok.eq(p.tokens - 1),
                        p_operand.eq(p.operand), p_from_stream.eq(p.from_stream),
                        p_to_stream.eq(p.to_stream), p_gap.eq(p.gap), p_last.eq(last),
                    ]

        # -- input deserializer (LOAD, CONTEXT) ------------------------------------------------
        hdr_beats = CONTEXT_HEADER_WORDS // beat
        hdr_cnt = Signal(range(hdr_beats + 1))
        in_header = Signal()        # CONTEXT, header words: they bypass the deserializer
        m.d.comb += in_header.eq((state == _CTX) & (hdr_cnt != hdr_beats))
        fire_in = Signal()
        m.d.comb += fire_in.eq(self.i.valid & self.i.ready)
        data_fire = Signal()
        m.d.comb += data_fire.eq(fire_in & ~in_header)
        dcnt = Signal(range(pieces))
        dbuf = [Signal(w, name=f"dbuf{e}") for e in range((pieces - 1) * beat)]
        block = dbuf + [self.i.payload[e] for e in range(beat)]   # B words when dcnt is last
        block_done = Signal()
        m.d.comb += block_done.eq(data_fire & (dcnt == pieces - 1))
        with m.If(data_fire):
            if pieces > 1:
                m.d.sync += dcnt.eq(Mux(dcnt == pieces - 1, 0, dcnt + 1))
                for piece in range(pieces - 1):
                    with m.If(dcnt == piece):
                        m.d.sync += [dbuf[piece * beat + e].eq(self.i.payload[e])
                                     for e in range(beat)]
        in_range = Signal()
        m.d.comb += in_range.eq(Cat(*[self.i.payload[e] < q for e in range(beat)]).all())

        # -- issue ----------------------------------------------------------------------------
        agu = m.submodules.agu = AddressGenerator(log_n=log_n, lanes=lanes)
        m.d.comb += [
            agu.butterfly.eq(p_mode != Mode.MUL), agu.inverse.eq(p_mode == Mode.GS),
            agu.s.eq(p_s), agu.c.eq(c),
        ]
        issuing = Signal()
        m.d.comb += issuing.eq((state == _RUN) & ~in_gap & adv & ~self.cancel)
        issue = Signal()
        m.d.comb += issue.eq(issuing & Mux(p_from_stream, block_done, 1))

        # Token fields by pipeline position: r0 (read addresses), r1 (read data, lane inputs).
        def token(name):
            return {
                "valid": Signal(name=f"{name}_valid"), "mode": Signal(2, name=f"{name}_mode"),
                "sp": Signal(range(lb + 1), name=f"{name}_sp"),
                "swap": Signal(name=f"{name}_swap"),
                "row_u": Signal(range(rows), name=f"{name}_row_u"),
                "row_v": Signal(range(rows), name=f"{name}_row_v"),
                "tw_row": Signal(range(2 * n // lanes), name=f"{name}_tw_row"),
                "tw_base": Signal(range(lanes), name=f"{name}_tw_base"),
                "operand": Signal(3, name=f"{name}_operand"),
                "load": Signal(name=f"{name}_load"), "out": Signal(name=f"{name}_out"),
                "ldata": [Signal(w, name=f"{name}_ldata{e}") for e in range(lanes)],
            }

        r0, r1 = token("r0"), token("r1")
        with m.If(adv):
            m.d.sync += [
                r0["valid"].eq(issue), r0["mode"].eq(p_mode), r0["sp"].eq(agu.sp),
                r0["swap"].eq(agu.swap), r0["row_u"].eq(agu.row_u), r0["row_v"].eq(agu.row_v),
                r0["tw_row"].eq(agu.tw_row), r0["tw_base"].eq(agu.tw_base),
                r0["operand"].eq(p_operand), r0["load"].eq(p_from_stream),
                r0["out"].eq(p_to_stream),
            ]
            m.d.sync += [r0["ldata"][e].eq(block[e]) for e in range(lanes)]
            for key in r0:
                if key == "ldata":
                    m.d.sync += [dst.eq(src) for dst, src in zip(r1[key], r0[key])]
                else:
                    m.d.sync += r1[key].eq(r0[key])

        # Read addresses (from r0): the U half reads row_u, the other half row_v.
        for s in range(self._slots):
            for b in range(2 * lanes):
                port = slot_rd[s][b]
                m.d.comb += [
                    port.addr.eq(Mux((b >> lb) == r0["swap"], r0["row_u"], r0["row_v"])),
                    port.en.eq(adv),
                ]
        for port in tw_rd:
            m.d.comb += [port.addr.eq(r0["tw_row"]), port.en.eq(adv)]

        # With dsp_width the read data are registered before the crossbar (an ECP5 block RAM's
        # clock-to-output delay leaves no time for routing and multiplexers in the same cycle),
        # and the lanes take their tokens from r2 instead of r1.
        slot_data = [[port.data for port in ports] for ports in slot_rd]
        tw_ports_data = [port.data for port in tw_rd]
        rx = r1
        if self._dsp_width is not None:
            rx = token("r2")
            slot_data = [[Signal(w, name=f"rd{s}_{b}") for b in range(2 * lanes)]
                         for s in range(self._slots)]
            tw_ports_data = [Signal(w, name=f"rd_tw{b}") for b in range(lanes)]
            with m.If(adv):
                for key in r1:
                    if key == "ldata":
                        m.d.sync += [dst.eq(src) for dst, src in zip(rx[key], r1[key])]
                    else:
                        m.d.sync += rx[key].eq(r1[key])
                for s in range(self._slots):
                    m.d.sync += [slot_data[s][b].eq(slot_rd[s][b].data)
                                 for b in range(2 * lanes)]
                m.d.sync += [dst.eq(port.data) for dst, port in zip(tw_ports_data, tw_rd)]

        # -- read crossbar and lanes (r1, or r2 with dsp_width) -------------------------------
        def logical(select):
            phys = [Array(slot_data[s][b] for s in range(self._slots))[select]
                    for b in range(2 * lanes)]
            return [Mux(rx["swap"], phys[i ^ lanes], phys[i]) for i in range(2 * lanes)]

        log_a, log_b = logical(sa), logical(sb)
        tw_data = Array(tw_ports_data)
        lane_units = []
        for lane in range(lanes):
            unit = ButterflyLane(width=w, reducer=reducer, pipeline_depth=self._pipeline_depth,
                                 dsp_width=self._dsp_width)
            m.submodules[f"lane{lane}"] = unit
            lane_units.append(unit)
            upos = [insert_zero(lane, x) for x in range(lb + 1)]
            u_sel = Array(log_a[p] for p in upos)[rx["sp"]]
            v_sel = Array(log_a[p + (1 << x)] for x, p in enumerate(upos))[rx["sp"]]
            tw_sel = tw_data[rx["tw_base"] + (Const(lane, lb + 1) >> rx["sp"])]
            operand = Signal(w, name=f"operand{lane}")
            with m.Switch(rx["operand"]):
                with m.Case(Operand.TWIDDLE):
                    m.d.comb += operand.eq(tw_sel)
                with m.Case(Operand.SLOT_B):
                    m.d.comb += operand.eq(log_b[lane])
                with m.Case(Operand.N_INV):
                    m.d.comb += operand.eq(n_inv)
                with m.Case(Operand.TO_DOMAIN):
                    m.d.comb += operand.eq(to_dom)
                with m.Default():
                    m.d.comb += operand.eq(1)
            m.d.comb += [
                unit.en.eq(adv), unit.mode.eq(rx["mode"]),
                unit.u.eq(Mux(rx["load"], rx["ldata"][lane], u_sel)), unit.v.eq(v_sel),
                unit.w.eq(operand), unit.q.eq(q),
            ]
            if reducer == "barrett":
                m.d.comb += [unit.mu.eq(Cat(mu_lo, mu_hi[0])), unit.k.eq(bk)]
            elif reducer == "montgomery":
                m.d.comb += unit.qprime.eq(qprime)
        latency = lane_units[0].latency
        assert latency + (rx is not r1) == self._latency + 2

        # Sideband from r1 to the write stage, delayed like the lanes.
        wb = {key: rx[key] for key in ("valid", "mode", "sp", "swap", "row_u", "row_v", "out")}
        stages = []
        for i in range(latency):
            nxt = {key: Signal.like(sig, name=f"wb{i}_{key}") for key, sig in wb.items()}
            with m.If(adv):
                m.d.sync += [nxt[key].eq(wb[key]) for key in wb]
            stages.append(nxt)
            wb = nxt

        # -- write crossbar (wb) --------------------------------------------------------------
        outs = [(unit.x, unit.y) for unit in lane_units]
        log_w = []
        for pos in range(2 * lanes):
            options = []
            for x in range(lb + 1):
                lane, side = lane_of_position(pos, x)
                options.append(outs[lane][side])
            log_w.append(Array(options)[wb["sp"]])
        phys_w = [Mux(wb["swap"], log_w[i ^ lanes], log_w[i]) for i in range(2 * lanes)]
        write = Signal()
        m.d.comb += write.eq(wb["valid"] & ~wb["out"] & adv)
        for s in range(self._slots):
            for b in range(2 * lanes):
                port = slot_wr[s][b]
                u_half = (b >> lb) == wb["swap"]
                m.d.comb += [
                    port.addr.eq(Mux(u_half, wb["row_u"], wb["row_v"])),
                    port.data.eq(phys_w[b]),
                    port.en.eq(write & (sa == s) & ((wb["mode"] != Mode.MUL) | u_half)),
                ]

        # -- output serializer (UNLOAD) -------------------------------------------------------
        obuf = Signal(lanes * w)
        obuf_valid = Signal()
        opiece = Signal(range(pieces))
        m.d.comb += [
            self.o.valid.eq(obuf_valid),
            self.o.payload.eq(obuf[:beat * w]),
            adv.eq(~obuf_valid | (self.o.ready & (opiece == pieces - 1))),
        ]
        with m.If(self.o.valid & self.o.ready):
            m.d.sync += [obuf.eq(obuf >> (beat * w)), opiece.eq(opiece + 1)]
            with m.If(opiece == pieces - 1):
                m.d.sync += [obuf_valid.eq(0), opiece.eq(0)]
        with m.If(adv & wb["valid"] & wb["out"]):
            m.d.sync += [obuf.eq(Cat(*[unit.x for unit in lane_units])), obuf_valid.eq(1),
                         opiece.eq(0)]

        # -- status ---------------------------------------------------------------------------
        busy = Signal()
        done = Signal()
        error = Signal()
        cause = Signal(3)
        cycles = Signal(32)
        butterflies = Signal(48)
        m.d.comb += [
            busy.eq(state != _IDLE),
            self.busy.eq(busy), self.done.eq(done), self.error.eq(error),
            self.cause.eq(cause), self.ctx_valid.eq(ctx_valid), self.cycles.eq(cycles),
            self.butterflies.eq(butterflies), self.info.eq(self.info_word),
        ]
        with m.If(busy & (cycles != 0xffff_ffff)):
            m.d.sync += cycles.eq(cycles + 1)
        with m.If(issue & (p_mode != Mode.MUL)):
            m.d.sync += butterflies.eq(butterflies + lanes)

        def fail(code):
            """Record an error of the running operation unless one is pending (first wins)."""
            with m.If(~error):
                m.d.sync += [error.eq(1), cause.eq(code)]

        in_flight = Signal()
        m.d.comb += in_flight.eq(Cat(r0["valid"], r1["valid"], rx["valid"],
                                     *[st["valid"] for st in stages], obuf_valid).any())

        # -- main control ---------------------------------------------------------------------
        tw_row_w = Signal(range(2 * n // lanes))
        # (In a LOAD pass the output buffer is empty, so the pipeline always advances: ``ready``
        # does not depend on ``o.ready``.)
        m.d.comb += self.i.ready.eq(~self.cancel & (
            ((state == _RUN) & ~in_gap & p_from_stream) | (state == _CTX)))
        for b, port in enumerate(tw_wr):
            m.d.comb += [port.addr.eq(tw_row_w), port.data.eq(block[b])]

        with m.If(self.cancel & busy):
            m.d.sync += [state.eq(_IDLE), r0["valid"].eq(0), r1["valid"].eq(0), rx["valid"].eq(0),
                         obuf_valid.eq(0), opiece.eq(0), dcnt.eq(0), done.eq(0)]
            m.d.sync += [st["valid"].eq(0) for st in stages]
            fail(Cause.ABORTED)

        with m.Elif(self.start & busy):
            fail(Cause.BUSY)

        with m.Elif(self.start):
            op_known = Signal()
            m.d.comb += op_known.eq((self.op >= Op.LOAD) & (self.op <= Op.CONTEXT))
            slot_bad = Signal()
            m.d.comb += slot_bad.eq((self.op != Op.CONTEXT) & (
                (self.slot_a >= self._slots)
                | ((self.op == Op.PWMUL) & (self.slot_b >= self._slots))))
            m.d.sync += done.eq(0)
            with m.If(~op_known):
                m.d.sync += [error.eq(1), cause.eq(Cause.BAD_OP)]
            with m.Elif(slot_bad):
                m.d.sync += [error.eq(1), cause.eq(Cause.BAD_SLOT)]
            with m.Elif((self.op != Op.CONTEXT) & ~ctx_valid):
                m.d.sync += [error.eq(1), cause.eq(Cause.NO_CONTEXT)]
            with m.Else():
                m.d.sync += [
                    error.eq(0), cause.eq(Cause.NONE), cycles.eq(0), sa.eq(self.slot_a),
                    sb.eq(self.slot_b), c.eq(0), in_gap.eq(0), dcnt.eq(0),
                ]
                with m.If(self.op == Op.CONTEXT):
                    m.d.sync += [state.eq(_CTX), ctx_valid.eq(0), hdr_cnt.eq(0), tw_row_w.eq(0)]
                with m.Else():
                    m.d.sync += state.eq(_RUN)
                    with m.Switch(self.op):
                        for op in _PASS_OPS:
                            with m.Case(op):
                                m.d.sync += pass_idx.eq(first_pass[op])

        # Sequencing of the running operation; a rejected start (above) never reaches here while
        # idle, and while busy it only records BUSY, so it cannot disturb the sequence.
        with m.If(~(self.cancel & busy)):
            with m.Switch(state):
                with m.Case(_RUN):
                    with m.If(fire_in & ~in_range):
                        fail(Cause.RANGE)
                    with m.If(in_gap & adv):
                        m.d.sync += gap_cnt.eq(gap_cnt - 1)
                        with m.If(gap_cnt == 0):
                            m.d.sync += in_gap.eq(0)
                    with m.If(issue):
                        with m.If(c == p_last_tok):
                            m.d.sync += c.eq(0)
                            with m.If(p_last):
                                m.d.sync += state.eq(_DRAIN)
                            with m.Else():
                                m.d.sync += pass_idx.eq(pass_idx + 1)
                                with m.If(p_gap != 0):
                                    m.d.sync += [in_gap.eq(1), gap_cnt.eq(p_gap - 1)]
                        with m.Else():
                            m.d.sync += c.eq(c + 1)
                with m.Case(_DRAIN):
                    with m.If(~in_flight):
                        m.d.sync += [state.eq(_IDLE), done.eq(1)]
                with m.Case(_CTX):
                    with m.If(fire_in & in_header):
                        m.d.sync += hdr_cnt.eq(hdr_cnt + 1)
                        for index, reg in header_regs.items():
                            with m.If(hdr_cnt == index // beat):
                                m.d.sync += reg.eq(self.i.payload[index % beat])
                    with m.If(fire_in & ~in_header & ~in_range):
                        fail(Cause.RANGE)
                    with m.If(block_done):
                        m.d.sync += tw_row_w.eq(tw_row_w + 1)
                        with m.If(tw_row_w == 2 * n // lanes - 1):
                            m.d.sync += [state.eq(_IDLE), done.eq(1), ctx_valid.eq(header_ok)]
                            with m.If(~header_ok):
                                fail(Cause.CONTEXT)

        tw_write = Signal()
        m.d.comb += tw_write.eq((state == _CTX) & ~in_header & block_done & ~self.cancel)
        for port in tw_wr:
            m.d.comb += port.en.eq(tw_write)
        return m


def reference_array(**kwargs):
    """An :class:`NTTArray` made only to read its elaboration-time numbers (``slots``,
    ``info_word``, ``latency``, ``op_cycles``), e.g. to parameterise a testbench that simulates
    another instance; it is never elaborated, so Amaranth's unused-elaboratable warning is
    silenced for it. ``kwargs`` are those of :class:`NTTArray` and are checked as there."""
    array = NTTArray(**kwargs)
    array._MustUse__silence = True      # amaranth.utils MustUse: intentionally never elaborated
    return array
