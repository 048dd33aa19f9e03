"""Port layouts, encodings and signatures of the learned-translation MMU (``cerite.hw.lvm``).

Implements the interfaces of docs/lvm-format.md (the contract shared with ``cerite.lvm``), after
*Learning to Walk: Architecting Learned Virtual Memory Translation* (Zhao et al., MICRO 2025) and
the Sv39 page-table format of the RISC-V Privileged Architecture.

Every stream payload is a ``StructLayout``; fields are packed from bit 0 upwards in the order
listed, so a testbench packs a request as ``va | access << 39 | user << 41``.
"""

import enum

from amaranth.lib import data, wiring
from amaranth.lib.wiring import Out

__all__ = [
    "VA_BITS", "VPN_BITS", "PPN_BITS", "MAX_PA_BITS", "INDEX_BITS",
    "Access", "Fault", "Source", "PageSize", "FlushKind", "COUNTER_NAMES", "EVENT_NAMES",
    "request_layout", "response_layout", "mem_request_layout", "MEM_RESPONSE_LAYOUT",
    "flush_layout", "NODE_LAYOUT", "ConfigSignature", "CountersSignature",
]

VA_BITS = 39        #: Sv39 virtual address width.
VPN_BITS = 27       #: ``vpn = va[38:12]``.
PPN_BITS = 44       #: Sv39 PPN field of a PTE (bits 53:10).
MAX_PA_BITS = 56    #: Sv39's physical address width.
INDEX_BITS = 32     #: width of a model node's output index (``lo``/``hi`` are 32 bits).
INTERCEPT_BITS = 64  #: the whole word: exact for any intercept, in range or not.


class Access(enum.IntEnum):
    """``access`` field of a request (3 is reserved and handled like a read)."""
    R = 0
    W = 1
    X = 2


class Fault(enum.IntEnum):
    """``fault`` field of a response."""
    NONE = 0
    PAGE = 1
    ACCESS = 2


class Source(enum.IntEnum):
    """``source`` field of a response: where the translation ended."""
    TLB = 0
    LEARNED = 1
    RADIX = 2


class PageSize(enum.IntEnum):
    """``size`` field of a response, TLB entry or GPT slot (3 is reserved)."""
    SIZE_4K = 0
    SIZE_2M = 1
    SIZE_1G = 2


class FlushKind(enum.IntEnum):
    """``kind`` field of a flush command (see the doc's "Flushes" table)."""
    ALL = 0
    ASID = 1
    VA = 2
    VA_ASID = 3


#: Event counters of the doc, in the order they appear on the ``counters`` port.
EVENT_NAMES = (
    "requests", "tlb_hits", "walks", "lwc_hits", "lwc_misses", "learned_hits", "learned_single",
    "learned_fallbacks", "faults", "reads_node", "reads_gpt", "reads_radix",
)
#: Every counter output: the doc's events plus the hardware-only walk-cycle statistics.
COUNTER_NAMES = EVENT_NAMES + ("walk_cycles_total", "walk_cycles_max")


def request_layout():
    """Translation request: ``va`` (39), ``access`` (2: R=0 W=1 X=2), ``user`` (1)."""
    return data.StructLayout({"va": VA_BITS, "access": 2, "user": 1})


def response_layout(pa_bits):
    """Translation response: ``pa``, ``fault`` (2), ``size`` (2), ``source`` (2)."""
    return data.StructLayout({"pa": pa_bits, "fault": 2, "size": 2, "source": 2})


def mem_request_layout(pa_bits):
    """Memory read request: byte address ``addr`` (8-byte aligned) and ``len`` = words - 1."""
    return data.StructLayout({"addr": pa_bits, "len": 3})


#: Memory response beat: one 64-bit little-endian word and its error flag.
MEM_RESPONSE_LAYOUT = data.StructLayout({"data": 64, "error": 1})


def flush_layout(asid_bits):
    """Flush command: ``kind`` (2, :class:`FlushKind`), ``asid``, ``va`` (39)."""
    return data.StructLayout({"kind": 2, "asid": asid_bits, "va": VA_BITS})


#: A decoded model node (doc "Model node"); reserved bits of the 4 words are ignored. The
#: intercept is kept as raw two's-complement bits; users sign-extend it with ``.as_signed()``.
NODE_LAYOUT = data.StructLayout({
    "slope": 32, "intercept": INTERCEPT_BITS, "lo": INDEX_BITS, "hi": INDEX_BITS, "shift": 6,
    "leaf": 1, "gpt_line": 48,
})


class ConfigSignature(wiring.Signature):
    """The doc's configuration registers, as seen by whoever drives them (the register file).

    The MMU takes ``In(ConfigSignature(...))``; the values must be stable while a request is in
    flight. Members: ``satp_ppn`` (44), ``asid`` (asid_bits), ``learned``, ``sum``, ``mxr`` (1
    each), ``pt_base``, ``pt_limit``, ``index_base``, ``index_limit`` (pa_bits), ``root`` (4 x 64,
    the level-0 node words), ``level_base1``, ``level_base2`` (pa_bits).
    """

    def __init__(self, *, asid_bits, pa_bits):
        super().__init__({
            "satp_ppn": Out(PPN_BITS),
            "asid": Out(asid_bits),
            "learned": Out(1),
            "sum": Out(1),
            "mxr": Out(1),
            "pt_base": Out(pa_bits),
            "pt_limit": Out(pa_bits),
            "index_base": Out(pa_bits),
            "index_limit": Out(pa_bits),
            "root": Out(64).array(4),
            "level_base1": Out(pa_bits),
            "level_base2": Out(pa_bits),
        })


class CountersSignature(wiring.Signature):
    """Counter outputs, one ``counter_bits``-wide member per name in :data:`COUNTER_NAMES`."""

    def __init__(self, *, counter_bits):
        super().__init__({name: Out(counter_bits) for name in COUNTER_NAMES})
