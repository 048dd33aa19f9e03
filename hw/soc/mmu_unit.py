"""The learned MMU as a unit of the SoC: configuration, a table memory, request queues.

Puts :class:`cerite.hw.lvm.mmu.LearnedMMU` (docs/lvm-format.md; *Learning to Walk: Architecting
Learned Virtual Memory Translation*, Zhao et al., MICRO 2025; RISC-V Sv39) on the internal bus
(``spec/soc.md``, "System on chip"). The host driver is :class:`cerite.driver.mmu.MmuInterface`.

Table memory
    ``mem_bytes`` of memory (64-bit words) at physical byte address ``mem_base``: the radix
    tables and the learned index live there. It is an on-chip RAM (:class:`~.table_ram.TableRam`:
    block RAM, or the SPRAM of an iCE40 UltraPlus), or (``external_memory=True``)
    a memory outside the unit behind the ``mem`` port (:func:`table_memory_signature`), which the
    SoC brings out to its top; the simulated board serves it from a large array. The port takes
    one access a cycle: ``re`` reads the word ``addr``, ``we`` writes the 32-bit halves of
    ``wdata`` that ``wmask`` selects (bit 0 low, bit 1 high) to word ``addr``; read data comes
    back on ``rdata`` with ``rvalid``, in request order, one or more cycles after the request (no
    back pressure: the memory takes a request every cycle). The on-chip RAM answers after exactly
    one cycle.

    The MMU's memory port reads it in bursts, one beat issued a cycle and each beat delivered as
    its data returns (a learned walk's 8-word line costs 8 cycles plus the latency); a beat
    outside ``[mem_base, mem_base + mem_bytes)`` issues no read and answers ``error`` (an access
    fault). The host writes and reads it as 32-bit words through the ``mem_data`` window at
    ``mem_addr`` (a 32-bit word index from ``mem_base``, low half of a 64-bit word first; every
    access advances it). The memory starts zeroed, except the iCE40 SPRAM, whose contents are
    undefined at power-up (the driver clears what it uses before writing). ``control.clear``
    zeroes it from word 0 up to (not including) the 64-bit word ``mem_addr`` points into, or all
    of it when ``mem_addr`` is 0, one word a cycle; ``control.reset`` leaves it alone.

Translation queue
    ``req``: write two words per request, ``va[31:0]`` then ``va[38:32] | access << 8 |
    user << 10``; the second word queues the request (``queue_depth`` entries). ``resp``: read two
    words per response, in request order: ``pa[31:0]``, then ``pa[pa_bits-1:32] | fault << 24 |
    size << 26 | source << 28 | 1 << 31``. A request write waits while the queue is full and a
    response read while no response is ready; the host link's bus timeout then fails the access
    (the word is neither taken nor lost). Keep at most ``queue_depth`` requests outstanding.

Control
    ``control.reset`` (W1S) resets the MMU (TLB, walk cache, replacement pointers, counters), the
    queues and the flush buffer; configuration registers and the RAM keep their values.
    ``control.flush`` (W1S) with ``control.flush_kind`` (W) in the same write queues one flush
    (``flush_asid`` / ``flush_va_*`` give its operands); a second one while ``status.
    flush_pending`` is 1 is dropped and sets ``status.flush_lost``. Configuration registers must
    not change while ``status.busy`` is 1.
"""

from amaranth import Array, Cat, Const, Module, Mux, ResetInserter, Signal
from amaranth.lib import fifo, wiring
from amaranth.lib.wiring import In, Out

from ..common.registers import (Access, Field, Parameter, Peripheral, Register,
                                RegisterMapBuilder, Window)
from ..lvm.layouts import COUNTER_NAMES, PPN_BITS, VA_BITS
from ..lvm.mmu import FULL_PROFILE, SMALL_PROFILE, LearnedMMU
from .table_ram import TableRam

__all__ = ["MmuUnit", "PA_REGISTERS", "LEARNED_PA_REGISTERS", "table_memory_signature",
           "MAX_ONCHIP_BYTES",
           "MAX_EXTERNAL_BYTES"]

#: Largest on-chip table RAM (Amaranth writes an initialiser per word; bigger RAMs make Verilog
#: generation slow) and largest external table memory, in bytes.
MAX_ONCHIP_BYTES = 1 << 24
MAX_EXTERNAL_BYTES = 1 << 30

#: Configuration registers that hold a physical address (``<name>_lo`` and, above 32 bits,
#: ``<name>_hi``), in the order of docs/lvm-format.md.
PA_REGISTERS = ("pt_base", "pt_limit", "index_base", "index_limit", "level_base1",
                "level_base2")
#: Those of them that only the learned walk reads (a radix-only unit has none of them).
LEARNED_PA_REGISTERS = ("index_base", "index_limit", "level_base1", "level_base2")


def table_memory_signature(mem_bytes):
    """Signature of the external table-memory port of a unit with ``mem_bytes`` of memory
    (seen from the unit; see the module docstring, "Table memory")."""
    words = mem_bytes // 8
    return wiring.Signature({
        "addr": Out(range(words)), "re": Out(1), "we": Out(1), "wmask": Out(2),
        "wdata": Out(64), "rdata": In(64), "rvalid": In(1),
    })


def _check_int(name, value, lo, hi=None):
    if isinstance(value, bool) or not isinstance(value, int) or value < lo \
            or (hi is not None and value > hi):
        bound = f"in {lo}..{hi}" if hi is not None else f">= {lo}"
        raise ValueError(f"{name} must be an integer {bound}, not {value!r}")


class MmuUnit(Peripheral):
    """Bus unit wrapping one :class:`~cerite.hw.lvm.mmu.LearnedMMU` and its table memory.

    Parameters
    ----------
    profile : str
        ``"full"`` or ``"small"``: :meth:`LearnedMMU.full` or :meth:`LearnedMMU.small`.
    mem_bytes : int
        Bytes of table memory, a power of two, 4096..2**24 on chip, 4096..2**30 external.
    mem_base : int
        Physical byte address of the RAM, a multiple of ``mem_bytes``; the RAM must lie below
        ``2**pa_bits``.
    queue_depth : int
        Entries of the request and response queues, 2..4096.
    name : str
        Cluster name (default ``"mmu"``).
    external_memory : bool
        ``False``: an on-chip RAM; ``True``: the ``mem`` port.
    learned_walk : bool
        ``False`` builds the radix-only MMU (``LearnedMMU(learned_walk=False)``): the unit then
        has no ``mode.learned`` field, no ``root*`` registers and none of
        :data:`LEARNED_PA_REGISTERS`, and reports the parameter ``learned_walk`` as 0.

    Members
    -------
    busy : Out(1)
        A request is queued or being translated, a flush waits, a burst or clear is running.
    mem : Out(table_memory_signature(mem_bytes))
        Only with ``external_memory=True``: the table memory port.
    """

    def __init__(self, *, profile="full", mem_bytes, mem_base, queue_depth=16, name="mmu",
                 external_memory=False, learned_walk=True):
        if profile not in ("full", "small"):
            raise ValueError(f"profile must be 'full' or 'small', not {profile!r}")
        if not isinstance(external_memory, bool):
            raise ValueError(f"external_memory must be True or False, not {external_memory!r}")
        if not isinstance(learned_walk, bool):
            raise ValueError(f"learned_walk must be True or False, not {learned_walk!r}")
        _check_int("mem_bytes", mem_bytes, 4096, MAX_EXTERNAL_BYTES if external_memory
                   else MAX_ONCHIP_BYTES)
        if mem_bytes & (mem_bytes - 1):
            raise ValueError(f"mem_bytes must be a power of two, not {mem_bytes}")
        _check_int("queue_depth", queue_depth, 2, 4096)
        self._profile = profile
        params = dict(FULL_PROFILE if profile == "full" else SMALL_PROFILE,
                      learned_walk=learned_walk)
        self._mmu_params = params
        pa_bits = params["pa_bits"]
        _check_int("mem_base", mem_base, 0)
        if mem_base % mem_bytes:
            raise ValueError(f"mem_base 0x{mem_base:x} must be a multiple of mem_bytes "
                             f"0x{mem_bytes:x}")
        if mem_base + mem_bytes > 1 << pa_bits:
            raise ValueError(f"the RAM [0x{mem_base:x}, 0x{mem_base + mem_bytes:x}) does not "
                             f"fit {pa_bits}-bit physical addresses")
        self._mem_bytes = mem_bytes
        self._external = external_memory
        self._mem_base = mem_base
        self._queue_depth = queue_depth
        self._half_bits = (mem_bytes // 4 - 1).bit_length()

        asid_bits, counter_bits = params["asid_bits"], params["counter_bits"]
        b = RegisterMapBuilder(name=name, desc="Learned-translation MMU with its table RAM")
        b.add(Register("control", "Reset, flush", fields={
            "reset": Field(1, Access.W1S, "Writing 1 resets the MMU, its queues and counters"),
            "flush": Field(1, Access.W1S, "Writing 1 queues a flush of kind flush_kind"),
            "flush_kind": Field(2, Access.W, "Flush kind: 0 all, 1 by ASID, 2 by VA, "
                                "3 by VA and ASID", bit=4),
            "clear": Field(1, Access.W1S, "Writing 1 zeroes the table memory below the "
                           "64-bit word mem_addr points into, all of it when mem_addr is 0 (one "
                           "word a cycle; status.clearing meanwhile)", bit=8),
        }))
        b.add(Register("status", "Queues and flushes", fields={
            "busy": Field(1, Access.R, "A request is queued or in translation, or a flush "
                          "waits"),
            "flush_pending": Field(1, Access.R, "A flush waits to be applied"),
            "flush_lost": Field(1, Access.R, "A flush was dropped (one was pending); cleared "
                                "by control.reset"),
            "req_half": Field(1, Access.R, "The next req word is the second of a request"),
            "resp_half": Field(1, Access.R, "The next resp word is the second of a response"),
            "clearing": Field(1, Access.R, "The table RAM is being zeroed"),
            "resp_level": Field(13, Access.R, "Responses ready to read", bit=8),
        }))
        mode_fields = {}
        if learned_walk:
            mode_fields["learned"] = Field(1, Access.RW, "1: learned walk first, radix on a "
                                           "miss; 0: radix walk only")
        mode_fields["sum"] = Field(1, Access.RW, "sstatus.SUM", bit=1)
        mode_fields["mxr"] = Field(1, Access.RW, "sstatus.MXR", bit=2)
        b.add(Register("mode", "Walk mode and permission bits", fields=mode_fields))
        b.add(Register("asid", "Current address space", fields={
            "asid": Field(asid_bits, Access.RW, "ASID")}))
        b.add(Register("satp_ppn_lo", "Root table PPN, bits 0..31", fields={
            "value": Field(32, Access.RW, "satp.PPN bits 0..31")}))
        b.add(Register("satp_ppn_hi", "Root table PPN, bits 32..43", fields={
            "value": Field(PPN_BITS - 32, Access.RW, "satp.PPN bits 32..43")}))
        for reg in PA_REGISTERS:
            if reg in LEARNED_PA_REGISTERS and not learned_walk:
                continue
            b.add(Register(f"{reg}_lo", f"{reg} (physical byte address), bits 0..31", fields={
                "value": Field(min(32, pa_bits), Access.RW, f"{reg} low bits")}))
            if pa_bits > 32:
                b.add(Register(f"{reg}_hi", f"{reg} (physical byte address), bits 32 and up",
                               fields={"value": Field(pa_bits - 32, Access.RW,
                                                      f"{reg} high bits")}))
        for i in range(4 if learned_walk else 0):
            for half, bits in (("lo", "0..31"), ("hi", "32..63")):
                b.add(Register(f"root{i}_{half}", f"Root model node word {i}, bits {bits}",
                               fields={"value": Field(32, Access.RW, f"Word {i} bits {bits}")}))
        b.add(Register("flush_asid", "ASID operand of the next flush", fields={
            "asid": Field(asid_bits, Access.RW, "ASID")}))
        b.add(Register("flush_va_lo", "VA operand of the next flush, bits 0..31", fields={
            "value": Field(32, Access.RW, "va bits 0..31")}))
        b.add(Register("flush_va_hi", "VA operand of the next flush, bits 32..38", fields={
            "value": Field(VA_BITS - 32, Access.RW, "va bits 32..38")}))
        b.add(Register("mem_addr", "RAM word (32-bit, from mem_base) the next mem_data "
                       "access uses", fields={
                           "addr": Field(self._half_bits, Access.RWU,
                                         "32-bit word index; each mem_data access advances it")}))
        b.add(Window("mem_data", "Table RAM: a write stores the 32-bit word at mem_addr, a read "
                     "returns it; either advances mem_addr"))
        b.add(Window("req", "Translation requests, two words each: va[31:0], then va[38:32] | "
                     "access << 8 | user << 10", read=False))
        b.add(Window("resp", "Translation responses, two words each: pa[31:0], then "
                     "pa[pa_bits-1:32] | fault << 24 | size << 26 | source << 28 | 1 << 31",
                     write=False))
        for cname in COUNTER_NAMES:
            b.add(Register(f"counter_{cname}", f"Counter {cname} (wraps)", fields={
                "count": Field(counter_bits, Access.R, f"Value of {cname}")}))
        super().__init__(b.build(), parameters=[
            Parameter("tlb_entries", params["tlb_entries"], "TLB entries"),
            Parameter("lwc_entries", params["lwc_entries"], "Learned walk cache entries"),
            Parameter("asid_bits", asid_bits, "ASID width"),
            Parameter("pa_bits", pa_bits, "Physical address width"),
            Parameter("counter_bits", counter_bits, "Width of every counter"),
            Parameter("serial_multiplier", int(params["multiplier"] == "serial"),
                      "1: shift-add node multiplier; 0: parallel"),
            Parameter("learned_walk", int(learned_walk),
                      "1: learned walk with radix fallback; 0: radix-only MMU"),
            Parameter("mem_base", mem_base, "Physical byte address of the table RAM"),
            Parameter("mem_bytes", mem_bytes, "Bytes of table RAM"),
            Parameter("queue_depth", queue_depth, "Entries of the request and response queues"),
        ], members={"busy": Out(1), **({"mem": Out(table_memory_signature(mem_bytes))}
                                        if external_memory else {})})

    mem_base = property(lambda self: self._mem_base)
    mem_bytes = property(lambda self: self._mem_bytes)
    queue_depth = property(lambda self: self._queue_depth)
    external_memory = property(lambda self: self._external)

    @property
    def mmu_params(self):
        """Keyword arguments of the wrapped :class:`LearnedMMU`."""
        return dict(self._mmu_params)

    def elaborate(self, platform):
        m = super().elaborate(platform)
        regs = self.regs
        pa_bits = self._mmu_params["pa_bits"]
        words = self._mem_bytes // 8
        rst = Signal()
        m.d.comb += rst.eq(regs.control.reset.pulse)

        # -- the MMU and its queues, all reset by control.reset ---------------------------------
        core = Module()
        core.submodules.mmu = mmu = LearnedMMU(**self._mmu_params)
        depth = self._queue_depth
        core.submodules.req_fifo = req_fifo = fifo.SyncFIFOBuffered(width=VA_BITS + 3,
                                                                    depth=depth)
        resp_width = pa_bits + 6
        core.submodules.resp_fifo = resp_fifo = fifo.SyncFIFOBuffered(width=resp_width,
                                                                      depth=depth)

        # requests: two words each
        req_half = Signal()
        req_lo = Signal(32)
        rw = regs.req.w
        core.d.comb += [
            rw.ready.eq(~req_half | req_fifo.w_rdy),
            req_fifo.w_data.eq(Cat(req_lo, rw.payload[0:VA_BITS - 32], rw.payload[8:10],
                                   rw.payload[10])),
            req_fifo.w_en.eq(rw.valid & req_half),
            mmu.req.valid.eq(req_fifo.r_rdy),
            mmu.req.payload.eq(req_fifo.r_data),
            req_fifo.r_en.eq(mmu.req.ready),
        ]
        with core.If(rw.valid & rw.ready):
            core.d.sync += req_half.eq(~req_half)
            with core.If(~req_half):
                core.d.sync += req_lo.eq(rw.payload)

        # responses: two words each
        resp_half = Signal()
        rr = regs.resp.r
        resp = mmu.resp.payload
        core.d.comb += [
            resp_fifo.w_data.eq(Cat(resp.pa, resp.fault, resp.size, resp.source)),
            resp_fifo.w_en.eq(mmu.resp.valid),
            mmu.resp.ready.eq(resp_fifo.w_rdy),
        ]
        pa = resp_fifo.r_data[:pa_bits]
        fault = resp_fifo.r_data[pa_bits:pa_bits + 2]
        size = resp_fifo.r_data[pa_bits + 2:pa_bits + 4]
        source = resp_fifo.r_data[pa_bits + 4:pa_bits + 6]
        high = Signal(24)
        if pa_bits > 32:
            core.d.comb += high.eq(pa[32:])
        second = Cat(high, fault, size, source, Const(0, 1), Const(1, 1))
        core.d.comb += [
            rr.valid.eq(resp_fifo.r_rdy),
            rr.payload.eq(Mux(resp_half, second, pa[:32])),
            resp_fifo.r_en.eq(rr.ready & resp_half),
        ]
        with core.If(rr.valid & rr.ready):
            core.d.sync += resp_half.eq(~resp_half)

        # -- the table memory port: on-chip RAM or the external port, one access a cycle -------
        # p_re / p_we start one access at p_addr; read data comes back in request order with
        # p_rvalid, one or more cycles later (exactly two for the on-chip RAM).
        p_addr = Signal(range(words))
        p_re, p_we = Signal(), Signal()
        p_wmask = Signal(2)
        p_wdata = Signal(64)
        p_rvalid = Signal()
        p_rdata = Signal(64)
        if self._external:
            port = self.mem
            m.d.comb += [port.addr.eq(p_addr), port.re.eq(p_re), port.we.eq(p_we),
                         port.wmask.eq(p_wmask), port.wdata.eq(p_wdata),
                         p_rvalid.eq(port.rvalid), p_rdata.eq(port.rdata)]
        else:
            # a single-port RAM: the SPRAM on an iCE40 UltraPlus, a block RAM elsewhere
            # behind one register stage (for FPGA timing: the enables and the address reach
            # every block RAM of the memory, across the chip)
            m.submodules.ram = ram = TableRam(words)
            m.d.sync += [ram.addr.eq(p_addr), ram.re.eq(p_re), ram.we.eq(p_we),
                         ram.wmask.eq(p_wmask), ram.wdata.eq(p_wdata)]
            m.d.comb += [p_rvalid.eq(ram.rvalid), p_rdata.eq(ram.rdata)]

        # -- MMU bursts: one beat issued a cycle, delivered in order as the data returns --------
        # The walker takes every beat of a burst as it comes (its response states are always
        # ready); beats outside the memory issue no read and answer ``error``.
        mem_req, mem_resp = mmu.mem_req, mmu.mem_resp
        base, limit = self._mem_base, self._mem_base + self._mem_bytes
        active = Signal()       # a burst is being issued or delivered, or its reads drain
        drop = Signal()         # control.reset during the burst: deliver nothing, drain
        b_addr = Signal(pa_bits)
        to_issue = Signal(4)
        to_deliver = Signal(4)
        issue_idx = Signal(3)
        deliver_idx = Signal(3)
        inside_bits = Signal(8)
        outstanding = Signal(4)
        hpend = Signal()        # a host read is in flight (never at the same time as a burst)
        host_read = Signal()    # the host window's prefetch read issues in this cycle
        inside = Signal()
        issuing = Signal()
        head_inside = Signal()
        deliver = Signal()
        burst_rvalid = Signal()
        m.d.comb += [
            inside.eq((b_addr >= base) & (b_addr < limit)),
            issuing.eq(active & (to_issue != 0) & ~drop & ~rst),
            head_inside.eq(Array(inside_bits)[deliver_idx]),
            burst_rvalid.eq(p_rvalid & ~hpend),
            mem_req.ready.eq(~active & ~hpend & ~host_read & ~rst),
            mem_resp.valid.eq(active & ~drop & (to_deliver > to_issue)
                              & Mux(head_inside, burst_rvalid, 1)),
            mem_resp.payload.data.eq(Mux(head_inside, p_rdata, 0)),
            mem_resp.payload.error.eq(~head_inside),
            deliver.eq(mem_resp.valid & mem_resp.ready),
        ]
        out_next = Signal(4)
        deliver_next = Signal(4)
        m.d.comb += [
            out_next.eq(outstanding + (issuing & inside) - (active & burst_rvalid)),
            deliver_next.eq(to_deliver - deliver),
        ]
        with m.If(mem_req.valid & mem_req.ready):
            m.d.sync += [active.eq(1), drop.eq(0), b_addr.eq(mem_req.payload.addr),
                         to_issue.eq(mem_req.payload.len + 1),
                         to_deliver.eq(mem_req.payload.len + 1),
                         issue_idx.eq(0), deliver_idx.eq(0)]
        with m.Elif(active):
            m.d.sync += [outstanding.eq(out_next), to_deliver.eq(deliver_next)]
            with m.If(issuing):
                m.d.sync += [b_addr.eq(b_addr + 8), to_issue.eq(to_issue - 1),
                             issue_idx.eq(issue_idx + 1),
                             Array(inside_bits)[issue_idx].eq(inside)]
            with m.If(deliver):
                m.d.sync += deliver_idx.eq(deliver_idx + 1)
            with m.If(rst):
                m.d.sync += [drop.eq(1), to_issue.eq(0)]
            with m.If(((deliver_next == 0) | drop | rst) & (out_next == 0)):
                m.d.sync += active.eq(0)

        # -- clearing: one word a cycle while no burst issues ----------------------------------
        # words [0, end) where end is the 64-bit word mem_addr points into (rounded up); all of
        # them when that is 0 (a whole memory's worth of mem_addr wraps to 0)
        clearing = Signal()
        clear_word = Signal(range(words))
        clear_last = Signal(range(words))
        clear_write = Signal()
        hptr = Signal(self._half_bits)
        clear_end = Signal(range(words + 1))
        m.d.comb += [clear_write.eq(clearing & ~issuing),
                     clear_end.eq((hptr + 1) >> 1)]
        with m.If(clear_write):
            m.d.sync += clear_word.eq(clear_word + 1)
            with m.If(clear_word == clear_last):
                m.d.sync += clearing.eq(0)
        with m.If(regs.control.clear.pulse):
            m.d.sync += [clearing.eq(1), clear_word.eq(0),
                         clear_last.eq(Mux((clear_end == 0) | (clear_end >= words), words - 1,
                                           clear_end - 1))]

        # -- host window: writes go straight out, reads prefetch the 32-bit word at hptr -------
        # The prefetch depends on registers only (for FPGA timing: not on the bus strobes that
        # arrive from the host link, nor on the walker's request, in the same cycle); a write or
        # a walker's burst waits the cycle it issues, and a read issued in the cycle of an
        # invalidating access is stale.
        hptr_next = Signal(self._half_bits)
        hvalid = Signal()       # hbuf holds the word at hptr
        hstale = Signal()       # the read in flight must be dropped
        hsel = Signal()
        hbuf = Signal(32)
        window = regs.mem_data
        wrote = window.w.valid & window.w.ready
        step = wrote | (window.r.valid & window.r.ready)
        invalidate = window.w.valid | regs.mem_addr.addr.w_stb | step
        m.d.comb += [
            regs.mem_addr.addr.r_data.eq(hptr),
            window.w.ready.eq(~active & ~clearing & ~host_read),
            hptr_next.eq(Mux(regs.mem_addr.addr.w_stb, regs.mem_addr.addr.w_data,
                             Mux(step, hptr + 1, hptr))),
            host_read.eq(~hvalid & ~hpend & ~active & ~clearing),
            window.r.valid.eq(hvalid),
            window.r.payload.eq(hbuf),
        ]
        m.d.sync += hptr.eq(hptr_next)
        with m.If(host_read):
            m.d.sync += [hpend.eq(1), hstale.eq(invalidate), hsel.eq(hptr[0])]
        with m.If(hpend & p_rvalid):
            m.d.sync += hpend.eq(0)
            with m.If(~hstale & ~invalidate):
                m.d.sync += [hvalid.eq(1), hbuf.eq(Mux(hsel, p_rdata[32:], p_rdata[:32]))]
        with m.If(invalidate):
            m.d.sync += hvalid.eq(0)
            with m.If(hpend):
                m.d.sync += hstale.eq(1)

        # -- one access a cycle: a burst beat, else a clearing write, else the host ------------
        m.d.comb += [
            p_re.eq((issuing & inside) | host_read),
            p_we.eq(clear_write | wrote),
            p_wmask.eq(Mux(clear_write, 0b11, Mux(hptr[0], 0b10, 0b01))),
            p_wdata.eq(Mux(clear_write, 0, Cat(window.w.payload, window.w.payload))),
            p_addr.eq(Mux(issuing, (b_addr - base)[3:3 + (words - 1).bit_length()],
                          Mux(clearing, clear_word, hptr >> 1))),
        ]

        # configuration
        cfg = mmu.cfg

        def value(name):
            lo = getattr(regs, f"{name}_lo").value.data
            if pa_bits > 32:
                return Cat(lo, getattr(regs, f"{name}_hi").value.data)
            return lo

        core.d.comb += [
            cfg.satp_ppn.eq(Cat(regs.satp_ppn_lo.value.data, regs.satp_ppn_hi.value.data)),
            cfg.asid.eq(regs.asid.asid.data),
            cfg.sum.eq(regs.mode.sum.data),
            cfg.mxr.eq(regs.mode.mxr.data),
            cfg.pt_base.eq(value("pt_base")),
            cfg.pt_limit.eq(value("pt_limit")),
        ]
        if self._mmu_params["learned_walk"]:    # the radix-only MMU ignores the rest
            core.d.comb += [
                cfg.learned.eq(regs.mode.learned.data),
                cfg.index_base.eq(value("index_base")),
                cfg.index_limit.eq(value("index_limit")),
                cfg.level_base1.eq(value("level_base1")),
                cfg.level_base2.eq(value("level_base2")),
            ]
            for i in range(4):
                core.d.comb += cfg.root[i].eq(Cat(getattr(regs, f"root{i}_lo").value.data,
                                                  getattr(regs, f"root{i}_hi").value.data))

        # flushes: a one-entry buffer
        pending = Signal()
        lost = Signal()
        kind = Signal(2)
        control = regs.control
        flush = mmu.flush
        core.d.comb += [
            flush.valid.eq(pending),
            flush.payload.kind.eq(kind),
            flush.payload.asid.eq(regs.flush_asid.asid.data),
            flush.payload.va.eq(Cat(regs.flush_va_lo.value.data, regs.flush_va_hi.value.data)),
        ]
        with core.If(flush.valid & flush.ready):
            core.d.sync += pending.eq(0)
        with core.If(control.flush.pulse):
            with core.If(pending & ~flush.ready):
                core.d.sync += lost.eq(1)
            with core.Else():
                core.d.sync += [pending.eq(1), kind.eq(control.flush_kind.w_data)]

        # counters and status
        for cname in COUNTER_NAMES:
            core.d.comb += getattr(regs, f"counter_{cname}").count.r_data.eq(
                getattr(mmu.counters, cname))
        busy = Signal()
        core.d.comb += [
            busy.eq(~mmu.req.ready | req_fifo.r_rdy | pending | active | clearing),
            regs.status.busy.r_data.eq(busy),
            regs.status.flush_pending.r_data.eq(pending),
            regs.status.flush_lost.r_data.eq(lost),
            regs.status.req_half.r_data.eq(req_half),
            regs.status.resp_half.r_data.eq(resp_half),
            regs.status.clearing.r_data.eq(clearing),
            regs.status.resp_level.r_data.eq(resp_fifo.r_level),
            self.busy.eq(busy),
        ]
        m.submodules.core = ResetInserter(rst)(core)
        return m
