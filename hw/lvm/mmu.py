"""Learned-translation MMU: TLB, learned walk, Sv39 radix fallback (``LearnedMMU``).

Top level of the MMU of docs/lvm-format.md (the contract with ``cerite.lvm``), after *Learning to
Walk: Architecting Learned Virtual Memory Translation* (Zhao et al., MICRO 2025), with the Sv39
translation of the RISC-V Privileged Architecture. It takes one request at a time: a TLB lookup
(two cycles: the TLB registers its compares, for FPGA timing; checks 4-5 on a hit), else a
walk (``walker.py``), then exactly one response.

Flushes: a flush accepted while no request is between its TLB lookup and its response applies at
once (the request accepted in the same cycle sees the flushed TLB). One accepted while a request
is in its lookup or walk (a "flush during a walk") is held: the walk's TLB fill is dropped and the
flush applies after the walk, so the result equals translating first (without the fill) and then
flushing. One flush can be held; ``flush.ready`` is low while it is.
"""

from amaranth.hdl import Cat, Module, Mux, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from .checks import merge_ppn, permission_fault
from .counters import Counters
from .layouts import (MAX_PA_BITS, MEM_RESPONSE_LAYOUT, VA_BITS, ConfigSignature,
                      CountersSignature, Fault, FlushKind, Source, flush_layout,
                      mem_request_layout, request_layout, response_layout)
from .tlb import TLB
from .walker import LEARNED_EVENTS, WALK_EVENTS, Walker

__all__ = ["LearnedMMU", "FULL_PROFILE", "SMALL_PROFILE"]

#: Parameters of the full profile (ECP5-class FPGAs, ASIC studies).
FULL_PROFILE = dict(tlb_entries=16, lwc_entries=16, asid_bits=16, pa_bits=MAX_PA_BITS,
                    counter_bits=32, multiplier="parallel")
#: Parameters of the small profile (an iCE40UP5K beside a UART host link).
SMALL_PROFILE = dict(tlb_entries=4, lwc_entries=2, asid_bits=8, pa_bits=24,
                     counter_bits=24, multiplier="serial")


def _check_int(name, value, lo, hi):
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ValueError(f"{name} must be an int in [{lo}, {hi}], not {value!r}")


class LearnedMMU(wiring.Component):
    """The learned-translation MMU.

    Parameters
    ----------
    tlb_entries, lwc_entries : int
        Entries of the fully associative TLB and walk cache (1..64).
    asid_bits : int
        ASID width (1..16).
    pa_bits : int
        Physical address width (24..56).
    counter_bits : int
        Width of every counter (8..64); counters wrap.
    multiplier : str
        ``"parallel"`` (one multiplier, node evaluated in 2 cycles) or ``"serial"`` (shift-add,
        about 30 cycles per node, no DSP).
    learned_walk : bool
        ``False`` builds the radix-only MMU: no model, no walk cache, ``cfg.learned`` and
        ``cfg.root``/``index_*``/``level_base*`` ignored, every walk a radix walk (the learned
        counters stay 0). ``lwc_entries`` and ``multiplier`` are then checked but unused.

    Ports
    -----
    req : In(stream of request_layout)
        ``{va[38:0], access[40:39] (R=0 W=1 X=2), user[41]}``.
    resp : Out(stream of response_layout)
        ``{pa[pa_bits-1:0], fault (0 none, 1 page, 2 access), size (0 4K, 1 2M, 2 1G),
        source (0 TLB, 1 learned, 2 radix)}``, packed from bit 0 in that order.
    mem_req : Out(stream of mem_request_layout)
        ``{addr[pa_bits-1:0], len = words - 1 (3 bits)}``.
    mem_resp : In(stream of MEM_RESPONSE_LAYOUT)
        ``{data[63:0], error[64]}``, exactly ``len + 1`` beats per request, in address order.
    cfg : In(ConfigSignature)
        The doc's configuration registers (stable while a request is in flight).
    flush : In(stream of flush_layout)
        ``{kind[1:0] (0 all, 1 by ASID, 2 by VA, 3 by VA + ASID), asid, va (39)}``.
    counters : Out(CountersSignature)
        The doc's counters plus ``walk_cycles_total`` and ``walk_cycles_max``.
    """

    def __init__(self, *, tlb_entries=16, lwc_entries=16, asid_bits=16, pa_bits=MAX_PA_BITS,
                 counter_bits=32, multiplier="parallel", learned_walk=True):
        _check_int("tlb_entries", tlb_entries, 1, 64)
        _check_int("lwc_entries", lwc_entries, 1, 64)
        _check_int("asid_bits", asid_bits, 1, 16)
        _check_int("pa_bits", pa_bits, 24, MAX_PA_BITS)
        _check_int("counter_bits", counter_bits, 8, 64)
        if multiplier not in ("parallel", "serial"):
            raise ValueError(f"multiplier must be 'parallel' or 'serial', not {multiplier!r}")
        if not isinstance(learned_walk, bool):
            raise ValueError(f"learned_walk must be True or False, not {learned_walk!r}")
        self.learned_walk = learned_walk
        self.tlb_entries = tlb_entries
        self.lwc_entries = lwc_entries
        self.asid_bits = asid_bits
        self.pa_bits = pa_bits
        self.counter_bits = counter_bits
        self.multiplier = multiplier
        super().__init__({
            "req": In(stream.Signature(request_layout())),
            "resp": Out(stream.Signature(response_layout(pa_bits))),
            "mem_req": Out(stream.Signature(mem_request_layout(pa_bits))),
            "mem_resp": In(stream.Signature(MEM_RESPONSE_LAYOUT)),
            "cfg": In(ConfigSignature(asid_bits=asid_bits, pa_bits=pa_bits)),
            "flush": In(stream.Signature(flush_layout(asid_bits))),
            "counters": Out(CountersSignature(counter_bits=counter_bits)),
        })

    @classmethod
    def full(cls, **overrides):
        """The full profile (:data:`FULL_PROFILE`), with optional parameter overrides."""
        return cls(**{**FULL_PROFILE, **overrides})

    @classmethod
    def small(cls, **overrides):
        """The small profile (:data:`SMALL_PROFILE`): 4 TLB and 2 LWC entries, 8-bit ASID,
        24-bit PA, 24-bit counters, serial multiplier."""
        return cls(**{**SMALL_PROFILE, **overrides})

    def elaborate(self, platform):
        m = Module()
        cfg = self.cfg
        m.submodules.tlb = tlb = TLB(entries=self.tlb_entries, asid_bits=self.asid_bits,
                                     pa_bits=self.pa_bits)
        m.submodules.walker = walker = Walker(
            lwc_entries=self.lwc_entries, asid_bits=self.asid_bits, pa_bits=self.pa_bits,
            serial_multiplier=self.multiplier == "serial", learned=self.learned_walk)
        m.submodules.counters = counters = Counters(
            counter_bits=self.counter_bits,
            constant=() if self.learned_walk else LEARNED_EVENTS)
        wiring.connect(m, wiring.flipped(self.counters), counters.counters)
        wiring.connect(m, wiring.flipped(self.mem_req), walker.mem_req)
        wiring.connect(m, wiring.flipped(self.mem_resp), walker.mem_resp)
        wiring.connect(m, wiring.flipped(self.cfg), walker.cfg)

        va = Signal(VA_BITS)
        access = Signal(2)
        user = Signal()
        vpn = va[12:VA_BITS]
        m.d.comb += [walker.va.eq(va), walker.access.eq(access), walker.user.eq(user),
                     tlb.vpn.eq(vpn), tlb.asid.eq(cfg.asid)]
        for name in WALK_EVENTS:
            if self.learned_walk or name not in LEARNED_EVENTS:
                m.d.comb += counters.events[name].eq(walker.events[name])

        resp = Signal.like(self.resp.payload)
        m.d.comb += self.resp.payload.eq(resp)
        walk_cycles = Signal(self.counter_bits)
        drop_fill = Signal()
        busy = Signal()

        # Flush handling: apply at once between requests, else hold until the walk is over.
        pending = Signal()
        held = Signal.like(self.flush.payload)
        fire = self.flush.valid & ~pending
        command = Signal.like(self.flush.payload)
        m.d.comb += command.eq(Mux(pending, held, self.flush.payload))
        apply = ~busy & (pending | self.flush.valid)
        m.d.comb += [
            self.flush.ready.eq(~pending),
            tlb.flush.eq(apply), tlb.flush_kind.eq(command.kind),
            tlb.flush_asid.eq(command.asid), tlb.flush_vpn.eq(command.va[12:VA_BITS]),
            walker.lwc_flush.eq(apply & ((command.kind == FlushKind.ALL)
                                         | (command.kind == FlushKind.ASID))),
            walker.lwc_flush_by_asid.eq(command.kind == FlushKind.ASID),
            walker.lwc_flush_asid.eq(command.asid),
        ]
        with m.If(fire & busy):
            m.d.sync += [pending.eq(1), held.eq(self.flush.payload), drop_fill.eq(1)]
        with m.If(apply):
            m.d.sync += pending.eq(0)

        # The TLB answers the lookup of LOOKUP in CHECK (it registers its compares).
        hit, entry = tlb.hit, tlb.entry
        hit_fault = permission_fault(r=entry.r, w=entry.w, x=entry.x, u=entry.u, a=entry.a,
                                     d=entry.d, access=access, user=user, sum_=cfg.sum,
                                     mxr=cfg.mxr)
        hit_pa = Cat(va[0:12], merge_ppn(entry.ppn, vpn, entry.size))[:self.pa_bits]

        with m.FSM():
            with m.State("IDLE"):
                m.d.comb += self.req.ready.eq(1)
                with m.If(self.req.valid):
                    m.d.comb += counters.events.requests.eq(1)
                    m.d.sync += [va.eq(self.req.payload.va), access.eq(self.req.payload.access),
                                 user.eq(self.req.payload.user), drop_fill.eq(0)]
                    m.next = "LOOKUP"
            with m.State("LOOKUP"):
                m.d.comb += busy.eq(1)
                m.next = "CHECK"
            with m.State("CHECK"):
                m.d.comb += busy.eq(1)
                with m.If(hit):
                    m.d.comb += [counters.events.tlb_hits.eq(1),
                                 counters.events.faults.eq(hit_fault)]
                    m.d.sync += [resp.source.eq(Source.TLB),
                                 resp.fault.eq(Mux(hit_fault, Fault.PAGE, Fault.NONE)),
                                 resp.pa.eq(Mux(hit_fault, 0, hit_pa)),
                                 resp.size.eq(Mux(hit_fault, 0, entry.size))]
                    m.next = "RESP"
                with m.Else():
                    m.d.comb += [counters.events.walks.eq(1), walker.start.eq(1)]
                    m.d.sync += walk_cycles.eq(1)
                    m.next = "WALK"
            with m.State("WALK"):
                m.d.comb += busy.eq(1)
                m.d.sync += walk_cycles.eq(walk_cycles + 1)
                with m.If(walker.done):
                    m.d.comb += [counters.walk_end.eq(1), counters.walk_cycles.eq(walk_cycles),
                                 counters.events.faults.eq(walker.fault != Fault.NONE),
                                 tlb.fill.eq(walker.fill_ok & ~drop_fill & ~fire),
                                 tlb.fill_entry.eq(walker.fill)]
                    m.d.sync += [resp.pa.eq(walker.pa), resp.fault.eq(walker.fault),
                                 resp.size.eq(walker.size), resp.source.eq(walker.source)]
                    m.next = "RESP"
            with m.State("RESP"):
                m.d.comb += self.resp.valid.eq(1)
                with m.If(self.resp.ready):
                    m.next = "IDLE"
        return m
