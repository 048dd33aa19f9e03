"""Page walker of the learned MMU: learned walk first, Sv39 radix walk as fallback.

Implements docs/lvm-format.md ("Memory port", "Model node", "Gapped page table", "PTE checks",
"Walk order" steps 2-3) after *Learning to Walk: Architecting Learned Virtual Memory Translation*
(Zhao et al., MICRO 2025) and the Sv39 walk of the RISC-V Privileged Architecture:

- learned walk: evaluate the root node (registers), then each lower node from the walk cache or a
  4-word read that fills it; read the leaf's GPT line (8 words); the lowest slot whose tag matches
  under its size mask gives the PTE (checks 1-5; a fault is final);
- learned miss (no slot matches, a read outside ``[index_base, index_limit)``, or a non-leaf node
  at level 2): the radix walk from ``satp_ppn``; a read outside ``[pt_base, pt_limit)`` is an
  access fault, issued never;
- a beat with ``error`` set makes the walk end in an access fault after the burst is consumed.

One memory access is outstanding at a time; every walk ends after at most 3 node/GPT reads or 3
radix reads, whatever memory holds.

A radix-only walker (``learned=False``) leaves out the model, the walk cache and the learned states:
it walks as with ``cfg.learned`` low whatever that bit holds, and its learned events stay 0.
"""

from amaranth.hdl import Cat, Const, Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from .checks import PTE_G, PTE_R, PTE_X, leaf_fault, merge_ppn, pte_invalid, pte_ppn
from .layouts import (INDEX_BITS, MEM_RESPONSE_LAYOUT, NODE_LAYOUT, PPN_BITS, VA_BITS,
                      ConfigSignature, Fault, Source, mem_request_layout)
from .model_eval import ModelEval
from .tlb import page_match, tlb_entry_layout
from .walk_cache import WalkCache

__all__ = ["WALK_EVENTS", "LEARNED_EVENTS", "Walker"]

#: Event strobes of one walk, named as the counters they feed.
WALK_EVENTS = ("lwc_hits", "lwc_misses", "learned_hits", "learned_single", "learned_fallbacks",
               "reads_node", "reads_gpt", "reads_radix")
#: Those only a learned walk raises (always 0 in the radix-only walker).
LEARNED_EVENTS = WALK_EVENTS[:-1]


def narrow_address(addr, *, pa_bits, overflow=Const(0, 1)):
    """A read's address as ``(low, outside)`` for :func:`in_region`: ``addr`` narrowed to
    ``pa_bits``, and whether a bit of ``addr`` at ``pa_bits`` or above (or ``overflow``: a carry
    out of a narrowed sum) puts it outside every region, which are ``pa_bits`` wide."""
    high = addr[pa_bits:].any() if len(addr) > pa_bits else Const(0, 1)
    return addr[:pa_bits], high | overflow


def in_region(low, nbytes, outside, base, limit):
    """Every byte of ``[low, low + nbytes)`` lies in ``[base, limit)`` (``low`` and ``outside``
    from :func:`narrow_address`)."""
    return ~outside & (low >= base) & (low + nbytes <= limit)


def decode_node_word(node, k, word):
    """Statements that take word ``k`` (0..3) of a model node into ``node``."""
    if k == 0:
        return [node.slope.eq(word[0:32])]
    if k == 1:
        return [node.intercept.eq(word)]
    if k == 2:
        return [node.lo.eq(word[0:32]), node.hi.eq(word[32:64])]
    return [node.shift.eq(word[0:6]), node.leaf.eq(word[8]), node.gpt_line.eq(word[16:64])]


class Walker(wiring.Component):
    """One walk per ``start`` pulse, for the request held on ``va``/``access``/``user``.

    Ports
    -----
    start : In(1)
        Pulse; ``va``, ``access``, ``user`` and ``cfg`` stay stable until ``done``.
    va : In(39), access : In(2), user : In(1), cfg : In(ConfigSignature)
        The request and the configuration registers.
    mem_req : Out(stream), mem_resp : In(stream)
        The doc's memory port.
    done : Out(1)
        One-cycle pulse; ``pa``, ``fault``, ``size``, ``source``, ``fill_ok`` and ``fill`` valid.
    fill_ok : Out(1), fill : Out(tlb_entry_layout)
        The walk succeeded; ``fill`` is the TLB entry it makes.
    events : Out(StructLayout of :data:`WALK_EVENTS`)
        One-cycle strobes for the counters (the radix-only walker has only ``reads_radix``).
    lwc_flush : In(1), lwc_flush_by_asid : In(1), lwc_flush_asid : In(asid_bits)
        Walk-cache flush (all, or by ASID); only between walks (ignored without a walk cache).

    ``learned=False`` makes the radix-only walker (see the module docstring).
    """

    def __init__(self, *, lwc_entries, asid_bits, pa_bits, serial_multiplier=False,
                 learned=True):
        self.learned = learned
        self.lwc_entries = lwc_entries
        self.asid_bits = asid_bits
        self.pa_bits = pa_bits
        self.serial_multiplier = serial_multiplier
        super().__init__({
            "start": In(1), "va": In(VA_BITS), "access": In(2), "user": In(1),
            "cfg": In(ConfigSignature(asid_bits=asid_bits, pa_bits=pa_bits)),
            "mem_req": Out(stream.Signature(mem_request_layout(pa_bits))),
            "mem_resp": In(stream.Signature(MEM_RESPONSE_LAYOUT)),
            "done": Out(1), "pa": Out(pa_bits), "fault": Out(2), "size": Out(2),
            "source": Out(2), "fill_ok": Out(1),
            "fill": Out(tlb_entry_layout(asid_bits=asid_bits, pa_bits=pa_bits)),
            "events": Out(data.StructLayout({name: 1 for name in WALK_EVENTS
                                             if learned or name not in LEARNED_EVENTS})),
            "lwc_flush": In(1), "lwc_flush_by_asid": In(1), "lwc_flush_asid": In(asid_bits),
        })

    def elaborate(self, platform):
        m = Module()
        cfg = self.cfg
        pa_bits = self.pa_bits
        vpn = self.va[12:VA_BITS]
        node = Signal(NODE_LAYOUT)           # the node being evaluated
        level = Signal(2)                    # its level (0 = root)
        idx = Signal(INDEX_BITS)             # its output index
        node_read = Signal()                 # this learned walk read a node from memory
        beat = Signal(3)
        err = Signal()                       # a beat of the current burst had error set
        slot_hit = Signal()                  # the tag of the current GPT slot matched
        slot_size = Signal(2)
        found = Signal()                     # a GPT slot matched (the lowest one is kept)
        pte = Signal(64)
        size = Signal(2)                     # page size of `pte`
        gpt = Signal()                       # `pte` came from a GPT slot
        glob = Signal()                      # G bit of the leaf or of a pointer above it
        r_level = Signal(2)
        table = Signal(PPN_BITS)

        if self.learned:
            m.submodules.model = model = ModelEval(serial=self.serial_multiplier)
            m.submodules.lwc = lwc = WalkCache(entries=self.lwc_entries,
                                               asid_bits=self.asid_bits)
            m.d.comb += [model.vpn.eq(vpn), model.node.eq(node),
                         lwc.asid.eq(cfg.asid), lwc.level.eq(level[0]), lwc.index.eq(idx),
                         lwc.fill_node.eq(node), lwc.flush.eq(self.lwc_flush),
                         lwc.flush_by_asid.eq(self.lwc_flush_by_asid),
                         lwc.flush_asid.eq(self.lwc_flush_asid)]

        # Addresses of the three kinds of read, at full width, and their region checks.
        # Bits at pa_bits and above only make an address fall outside its region, so the sums
        # are narrowed to pa_bits and what is cut off becomes an `overflow` flag.
        level_base = Mux(level == 0, cfg.level_base1, cfg.level_base2)
        node_sum = Signal(pa_bits + 1)
        m.d.comb += node_sum.eq(level_base + (idx[:pa_bits - 5] << 5))
        node_addr = node_sum[:pa_bits]
        node_over = node_sum[pa_bits] | idx[pa_bits - 5:].any()
        line_bits = pa_bits - 6
        line_sum = Signal(max(line_bits, INDEX_BITS) + 1)
        m.d.comb += line_sum.eq(node.gpt_line[:line_bits] + idx)
        gpt_addr = Cat(Const(0, 6), line_sum[:line_bits])
        gpt_over = line_sum[line_bits:].any() | node.gpt_line[line_bits:].any()
        vpn_i = Mux(r_level == 2, vpn[18:27], Mux(r_level == 1, vpn[9:18], vpn[0:9]))
        radix_addr = Cat(Const(0, 3), vpn_i, table)

        # Each read's narrowed address and overflow are registered in a *_CHECK state the cycle
        # before its request (for FPGA timing: the sums are a cycle of their own); the request
        # state compares them with the region's current bounds.
        req_addr = Signal(pa_bits)
        req_out = Signal()

        def check_state(name, narrowed, then):
            with m.State(name):
                m.d.sync += [req_addr.eq(narrowed[0]), req_out.eq(narrowed[1])]
                m.next = then

        def region_ok(nbytes, base, limit):
            return in_region(req_addr, nbytes, req_out, base, limit)

        tag = self.mem_resp.payload.data
        tag_match = tag[0] & (tag[1:3] != 3) & page_match(tag[3:30], vpn, tag[1:3])

        fault = leaf_fault(pte, size, gpt=gpt, access=self.access, user=self.user,
                           sum_=cfg.sum, mxr=cfg.mxr)
        ppn = pte_ppn(pte)

        def finish(kind, source):
            return [self.fault.eq(kind), self.source.eq(source), self.pa.eq(0),
                    self.size.eq(0), self.fill_ok.eq(0)]

        def radix_start():
            return [r_level.eq(2), table.eq(cfg.satp_ppn), glob.eq(0)]

        with m.FSM():
            with m.State("IDLE"):
                with m.If(self.start):
                    with m.If(cfg.learned if self.learned else 0):
                        if self.learned:
                            for k in range(4):
                                m.d.sync += decode_node_word(node, k, cfg.root[k])
                            m.d.sync += [level.eq(0), node_read.eq(0)]
                            m.next = "L_EVAL"
                    with m.Else():
                        m.d.sync += radix_start()
                        m.next = "R_CHECK"

            if self.learned:
                # ---- learned walk ----
                with m.State("L_EVAL"):
                    m.d.comb += model.start.eq(1)
                    m.next = "L_WAIT"
                with m.State("L_WAIT"):
                    # the node (its leaf flag) and the level are registers: decide with the result
                    with m.If(model.done):
                        m.d.sync += idx.eq(model.idx)
                        with m.If(node.leaf):
                            m.next = "G_CHECK"
                        with m.Elif(level == 2):
                            m.next = "FALLBACK"
                        with m.Else():
                            m.next = "L_LWC"
                with m.State("L_LWC"):
                    # the walk cache registers its lookup of (level, idx): the answer comes next
                    m.next = "L_LWC_HIT"
                with m.State("L_LWC_HIT"):
                    with m.If(lwc.hit):
                        m.d.comb += self.events.lwc_hits.eq(1)
                        m.next = "L_LWC_READ"
                    with m.Else():
                        m.d.comb += self.events.lwc_misses.eq(1)
                        m.next = "N_CHECK"
                with m.State("L_LWC_READ"):
                    m.d.sync += [node.eq(lwc.node), level.eq(level + 1)]
                    m.next = "L_EVAL"
                check_state("N_CHECK",
                            narrow_address(node_addr, pa_bits=pa_bits, overflow=node_over),
                            "N_REQ")
                with m.State("N_REQ"):
                    with m.If(~region_ok(32, cfg.index_base, cfg.index_limit)):
                        m.next = "FALLBACK"
                    with m.Else():
                        m.d.comb += [self.mem_req.valid.eq(1),
                                     self.mem_req.payload.addr.eq(req_addr),
                                     self.mem_req.payload.len.eq(3)]
                        with m.If(self.mem_req.ready):
                            m.d.comb += self.events.reads_node.eq(1)
                            m.d.sync += [node_read.eq(1), beat.eq(0), err.eq(0)]
                            m.next = "N_RESP"
                with m.State("N_RESP"):
                    m.d.comb += self.mem_resp.ready.eq(1)
                    with m.If(self.mem_resp.valid):
                        m.d.sync += [err.eq(err | self.mem_resp.payload.error), beat.eq(beat + 1)]
                        with m.Switch(beat[0:2]):
                            for k in range(4):
                                with m.Case(k):
                                    m.d.sync += decode_node_word(
                                        node, k, self.mem_resp.payload.data)
                        with m.If(beat == 3):
                            m.next = "N_DONE"
                with m.State("N_DONE"):
                    with m.If(err):
                        m.d.sync += finish(Fault.ACCESS, Source.LEARNED)
                        m.next = "DONE"
                    with m.Else():
                        m.d.comb += lwc.fill.eq(1)
                        m.d.sync += level.eq(level + 1)
                        m.next = "L_EVAL"
                check_state("G_CHECK",
                            narrow_address(gpt_addr, pa_bits=pa_bits, overflow=gpt_over),
                            "G_REQ")
                with m.State("G_REQ"):
                    with m.If(~region_ok(64, cfg.index_base, cfg.index_limit)):
                        m.next = "FALLBACK"
                    with m.Else():
                        m.d.comb += [self.mem_req.valid.eq(1),
                                     self.mem_req.payload.addr.eq(req_addr),
                                     self.mem_req.payload.len.eq(7)]
                        with m.If(self.mem_req.ready):
                            m.d.comb += self.events.reads_gpt.eq(1)
                            m.d.sync += [beat.eq(0), err.eq(0), found.eq(0)]
                            m.next = "G_RESP"
                with m.State("G_RESP"):
                    m.d.comb += self.mem_resp.ready.eq(1)
                    with m.If(self.mem_resp.valid):
                        m.d.sync += [err.eq(err | self.mem_resp.payload.error), beat.eq(beat + 1)]
                        with m.If(~beat[0]):
                            m.d.sync += [slot_hit.eq(tag_match), slot_size.eq(tag[1:3])]
                        with m.Elif(slot_hit & ~found):
                            m.d.sync += [found.eq(1), pte.eq(self.mem_resp.payload.data),
                                         size.eq(slot_size)]
                        with m.If(beat == 7):
                            m.next = "G_DONE"
                with m.State("G_DONE"):
                    with m.If(err):
                        m.d.sync += finish(Fault.ACCESS, Source.LEARNED)
                        m.next = "DONE"
                    with m.Elif(found):
                        m.d.sync += [self.source.eq(Source.LEARNED), gpt.eq(1), glob.eq(pte[PTE_G])]
                        m.next = "LEAF"
                    with m.Else():
                        m.next = "FALLBACK"
                with m.State("FALLBACK"):
                    m.d.comb += self.events.learned_fallbacks.eq(1)
                    m.d.sync += radix_start()
                    m.next = "R_CHECK"

            # ---- Sv39 radix walk ----
            check_state("R_CHECK", narrow_address(radix_addr, pa_bits=pa_bits), "R_REQ")
            with m.State("R_REQ"):
                with m.If(~region_ok(8, cfg.pt_base, cfg.pt_limit)):
                    m.d.sync += finish(Fault.ACCESS, Source.RADIX)
                    m.next = "DONE"
                with m.Else():
                    m.d.comb += [self.mem_req.valid.eq(1),
                                 self.mem_req.payload.addr.eq(req_addr),
                                 self.mem_req.payload.len.eq(0)]
                    with m.If(self.mem_req.ready):
                        m.d.comb += self.events.reads_radix.eq(1)
                        m.next = "R_RESP"
            with m.State("R_RESP"):
                m.d.comb += self.mem_resp.ready.eq(1)
                with m.If(self.mem_resp.valid):
                    m.d.sync += [pte.eq(self.mem_resp.payload.data),
                                 err.eq(self.mem_resp.payload.error)]
                    m.next = "R_PTE"
            with m.State("R_PTE"):
                with m.If(err):
                    m.d.sync += finish(Fault.ACCESS, Source.RADIX)
                    m.next = "DONE"
                with m.Elif(pte_invalid(pte)):
                    m.d.sync += finish(Fault.PAGE, Source.RADIX)
                    m.next = "DONE"
                with m.Elif(pte[PTE_R] | pte[PTE_X]):
                    m.d.sync += [self.source.eq(Source.RADIX), gpt.eq(0), size.eq(r_level),
                                 glob.eq(glob | pte[PTE_G])]
                    m.next = "LEAF"
                with m.Elif(r_level == 0):
                    m.d.sync += finish(Fault.PAGE, Source.RADIX)
                    m.next = "DONE"
                with m.Else():
                    m.d.sync += [glob.eq(glob | pte[PTE_G]), table.eq(ppn),
                                 r_level.eq(r_level - 1)]
                    m.next = "R_CHECK"

            # ---- leaf PTE of either walk ----
            with m.State("LEAF"):
                with m.If(fault):
                    m.d.sync += [self.fault.eq(Fault.PAGE), self.pa.eq(0), self.size.eq(0),
                                 self.fill_ok.eq(0)]
                with m.Else():
                    f = self.fill
                    m.d.sync += [
                        self.fault.eq(Fault.NONE), self.size.eq(size), self.fill_ok.eq(1),
                        self.pa.eq(Cat(self.va[0:12], merge_ppn(ppn, vpn, size))[:pa_bits]),
                        f.asid.eq(cfg.asid), f.glob.eq(glob), f.vpn.eq(vpn), f.size.eq(size),
                        f.ppn.eq(ppn[:pa_bits - 12]),
                        f.r.eq(pte[1]), f.w.eq(pte[2]), f.x.eq(pte[3]), f.u.eq(pte[4]),
                        f.a.eq(pte[6]), f.d.eq(pte[7]),
                    ]
                m.next = "DONE"
            with m.State("DONE"):
                m.d.comb += self.done.eq(1)
                if self.learned:
                    with m.If(self.source == Source.LEARNED):
                        m.d.comb += [self.events.learned_hits.eq(1),
                                     self.events.learned_single.eq(~node_read)]
                m.next = "IDLE"
        return m
