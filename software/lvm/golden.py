"""Bit-exact golden model of the learned-translation MMU.

Implements docs/lvm-format.md (the contract with the index builder and ``cerite.hw.lvm``): TLB
lookup, the learned walk (fixed-point model nodes through the walk cache, one gapped-page-table
line, tag compare), the Sv39 radix walk as fallback (RISC-V Privileged Architecture, section
"Sv39"), the PTE checks, the replacement policy of the TLB and the walk cache (LWC), flushes and
event counters. After *Learning to Walk: Architecting Learned Virtual Memory Translation*
(Zhao et al., MICRO 2025).

Every translation returns ``(pa, fault, size, source)`` and the ordered list of memory accesses
the walk issued, ``[(addr, words), ...]``, so a testbench can compare both with the hardware.
"""

import dataclasses
import enum

from .memory import MemoryImage

__all__ = [
    "VA_BITS", "COUNTER_NAMES", "FLUSH_KINDS", "Access", "Fault", "Source", "MmuParams",
    "MmuConfig", "Translation", "Node", "encode_gpt_tag", "decode_gpt_tag", "TlbEntry",
    "LwcEntry", "AssociativeCache", "MmuModel",
]

VA_BITS = 39
_VPN_BITS = 27
_PPN_MASK = (1 << 44) - 1
_WORD_MASK = (1 << 64) - 1
_FRAC_BITS = 20

#: The doc's event counters (the cycle counters exist in hardware only).
COUNTER_NAMES = (
    "requests", "tlb_hits", "walks", "lwc_hits", "lwc_misses", "learned_hits", "learned_single",
    "learned_fallbacks", "faults", "reads_node", "reads_gpt", "reads_radix",
)
FLUSH_KINDS = ("all", "asid", "va", "va_asid")

_V, _R, _W, _X, _U, _G, _A, _D = (1 << i for i in range(8))


class Access(enum.IntEnum):
    READ = 0
    WRITE = 1
    EXEC = 2


class Fault(enum.IntEnum):
    NONE = 0
    PAGE = 1
    ACCESS = 2


class Source(enum.IntEnum):
    TLB = 0
    LEARNED = 1
    RADIX = 2


def _check_uint(name, value, bits=None, *, low=0):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < low or (bits is not None and value >= 1 << bits):
        top = f", below 2**{bits}" if bits is not None else ""
        raise ValueError(f"{name} must be >= {low}{top}, not {value}")


@dataclasses.dataclass(frozen=True)
class MmuParams:
    """Elaboration parameters: TLB and LWC entries (>= 1), ASID width (0..16), PA width (24..56,
    the range of ``cerite.hw.lvm``), and whether the MMU has the learned walk (``False``: the
    radix-only MMU, which walks the radix tables whatever ``MmuConfig.learned`` holds)."""

    tlb_entries: int = 16
    lwc_entries: int = 16
    asid_bits: int = 16
    pa_bits: int = 56
    learned_walk: bool = True

    def __post_init__(self):
        for name in ("tlb_entries", "lwc_entries", "asid_bits", "pa_bits"):
            _check_uint(name, getattr(self, name))
        if self.tlb_entries < 1:
            raise ValueError(f"tlb_entries must be at least 1, not {self.tlb_entries}")
        if self.lwc_entries < 1:
            raise ValueError(f"lwc_entries must be at least 1, not {self.lwc_entries}")
        if self.asid_bits > 16:
            raise ValueError(f"asid_bits must be at most 16, not {self.asid_bits}")
        if not 24 <= self.pa_bits <= 56:
            raise ValueError(f"pa_bits must be in 24..56, not {self.pa_bits}")
        if self.learned_walk not in (0, 1):
            raise ValueError(f"learned_walk must be True or False, not {self.learned_walk!r}")
        object.__setattr__(self, "learned_walk", bool(self.learned_walk))


@dataclasses.dataclass(frozen=True)
class MmuConfig:
    """The MMU's configuration registers (doc "Configuration").

    ``root`` is the level-0 node as 4 words; ``level_base`` is ``(level_base[1], level_base[2])``.
    Booleans may be given as 0/1. Widths that depend on :class:`MmuParams` (``asid``, the
    ``pa`` registers) are checked by :class:`MmuModel`.
    """

    satp_ppn: int = 0
    asid: int = 0
    learned: bool = False
    sum: bool = False
    mxr: bool = False
    pt_base: int = 0
    pt_limit: int = 0
    index_base: int = 0
    index_limit: int = 0
    root: tuple = (0, 0, 0, 0)
    level_base: tuple = (0, 0)

    def __post_init__(self):
        _check_uint("satp_ppn", self.satp_ppn, 44)
        _check_uint("asid", self.asid)
        for name in ("learned", "sum", "mxr"):
            value = getattr(self, name)
            if value not in (0, 1):
                raise ValueError(f"{name} must be 0 or 1, not {value!r}")
            object.__setattr__(self, name, bool(value))
        for name in ("pt_base", "pt_limit", "index_base", "index_limit"):
            _check_uint(name, getattr(self, name))
        root, level_base = tuple(self.root), tuple(self.level_base)
        if len(root) != 4:
            raise ValueError(f"root must be 4 words, not {len(root)}")
        for word in root:
            _check_uint("root word", word, 64)
        if len(level_base) != 2:
            raise ValueError(
                f"level_base must be 2 addresses (levels 1 and 2), not {len(level_base)}")
        for base in level_base:
            _check_uint("level_base", base)
        object.__setattr__(self, "root", root)
        object.__setattr__(self, "level_base", level_base)

    def check(self, params):
        """Check the register widths against ``params`` (``ValueError`` naming the register)."""
        _check_uint("asid", self.asid, params.asid_bits)
        for name in ("pt_base", "pt_limit", "index_base", "index_limit"):
            _check_uint(name, getattr(self, name), params.pa_bits)
        for base in self.level_base:
            _check_uint("level_base", base, params.pa_bits)


@dataclasses.dataclass(frozen=True)
class Translation:
    """A response: ``pa``, ``fault``, ``size`` (0/1/2), ``source`` and the memory accesses
    issued, in order, as ``(byte address, words)``. On a fault ``pa`` and ``size`` are 0."""

    pa: int
    fault: Fault
    size: int
    source: Source
    reads: list


# ---------------------------------------------------------------------------------------------
# Encodings


def _signed64(word):
    return word - (1 << 64) if word >> 63 else word


@dataclasses.dataclass(frozen=True)
class Node:
    """A model node (doc "Model node"). ``intercept`` is signed; :meth:`evaluate` is exact."""

    slope: int = 0
    intercept: int = 0
    lo: int = 0
    hi: int = 0
    shift: int = 0
    leaf: bool = False
    gpt_line: int = 0

    def encode(self):
        """The 4 words of the node. Raises ``ValueError`` for a field that breaks the doc's
        rules (slope 32 bits, intercept in ``[-2**47, 2**47)``, ``lo <= hi`` 32 bits, shift
        0..27, ``gpt_line`` 48 bits and 0 for an internal node)."""
        _check_uint("slope", self.slope, 32)
        if not isinstance(self.intercept, int) or not -(1 << 47) <= self.intercept < 1 << 47:
            raise ValueError(f"intercept must be in [-2**47, 2**47), not {self.intercept}")
        _check_uint("lo", self.lo, 32)
        _check_uint("hi", self.hi, 32)
        if self.lo > self.hi:
            raise ValueError(f"lo must be <= hi, not {self.lo} > {self.hi}")
        if not isinstance(self.shift, int) or not 0 <= self.shift <= 27:
            raise ValueError(f"shift must be in 0..27, not {self.shift}")
        _check_uint("gpt_line", self.gpt_line, 48)
        if self.gpt_line and not self.leaf:
            raise ValueError("gpt_line must be 0 in an internal node")
        return (self.slope, self.intercept & _WORD_MASK, self.lo | self.hi << 32,
                self.shift | bool(self.leaf) << 8 | self.gpt_line << 16)

    @classmethod
    def decode(cls, words):
        """The fields as the walker takes them: every other bit is ignored, nothing is checked."""
        w0, w1, w2, w3 = words
        return cls(w0 & 0xFFFF_FFFF, _signed64(w1), w2 & 0xFFFF_FFFF, (w2 >> 32) & 0xFFFF_FFFF,
                   w3 & 63, bool(w3 >> 8 & 1), w3 >> 16)

    def evaluate(self, vpn):
        """``min(max((slope * (vpn >> shift) + intercept) >> 20, lo), hi)``."""
        y = (self.slope * (vpn >> self.shift) + self.intercept) >> _FRAC_BITS
        return min(max(y, self.lo), self.hi)


_SIZE_MASK = (~0, ~0x1FF, ~0x3FFFF)  # VPN masks for size 0, 1, 2


def encode_gpt_tag(vpn, size):
    """Word 0 of a valid GPT slot: ``valid | size << 1 | vpn << 3``."""
    _check_uint("vpn", vpn, _VPN_BITS)
    if size not in (0, 1, 2):
        raise ValueError(f"size must be 0, 1 or 2, not {size}")
    if vpn & ~_SIZE_MASK[size]:
        raise ValueError(f"vpn {vpn:#x} is not aligned to page size {size}")
    return 1 | size << 1 | vpn << 3


def decode_gpt_tag(word):
    """``(valid, size, vpn)`` of a GPT tag word (bits 63:30 ignored)."""
    return bool(word & 1), (word >> 1) & 3, (word >> 3) & ((1 << _VPN_BITS) - 1)


# ---------------------------------------------------------------------------------------------
# TLB and LWC


@dataclasses.dataclass(frozen=True)
class TlbEntry:
    """A TLB entry: tag ``{asid, glob, vpn (masked), size}``, data ``ppn`` and the leaf PTE's low
    8 bits ``flags`` (V R W X U G A D)."""

    asid: int
    glob: bool
    vpn: int
    size: int
    ppn: int
    flags: int

    def covers(self, vpn):
        mask = _SIZE_MASK[self.size]
        return (vpn & mask) == (self.vpn & mask)


@dataclasses.dataclass(frozen=True)
class LwcEntry:
    """A walk-cache entry: tag ``{asid, level, index}``, data the node's 4 words."""

    asid: int
    level: int
    index: int
    words: tuple


class AssociativeCache:
    """``n`` fully associative entries with the doc's replacement: a fill takes the lowest
    invalid entry, else the round-robin ``pointer``, which then advances (mod ``n``)."""

    def __init__(self, n):
        self.entries = [None] * n
        self.pointer = 0

    def fill(self, entry):
        """Store ``entry``; return the slot used."""
        for i, old in enumerate(self.entries):
            if old is None:
                self.entries[i] = entry
                return i
        i = self.pointer
        self.entries[i] = entry
        self.pointer = (i + 1) % len(self.entries)
        return i

    def first(self, match):
        """The lowest-numbered valid entry for which ``match(entry)`` holds, or ``None``."""
        for entry in self.entries:
            if entry is not None and match(entry):
                return entry
        return None

    def remove(self, match):
        """Invalidate every entry for which ``match(entry)`` holds (the pointer stays)."""
        self.entries = [None if e is not None and match(e) else e for e in self.entries]

    def valid(self):
        return [e for e in self.entries if e is not None]


# ---------------------------------------------------------------------------------------------
# The MMU


class _AccessError(Exception):
    pass


def _permission_fault(flags, access, user, sum_, mxr):
    """Checks 4 (permission, U/SUM/MXR) and 5 (Svade) on PTE ``flags``."""
    if access == Access.READ:
        allowed = flags & _R or (mxr and flags & _X)
    elif access == Access.WRITE:
        allowed = flags & _W
    else:
        allowed = flags & _X
    if not allowed:
        return True
    if user:
        if not flags & _U:
            return True
    elif flags & _U and (access == Access.EXEC or not sum_):
        return True
    return not flags & _A or (access == Access.WRITE and not flags & _D)


def _invalid(pte):
    """Check 1: ``V = 0``, or ``R = 0 and W = 1``, or a reserved bit 63:54 set."""
    return not pte & _V or (not pte & _R and pte & _W) or pte >> 54 != 0


def _misaligned(ppn, size):
    """Check 3: a superpage whose PPN has low bits set."""
    return (size == 1 and ppn & 0x1FF) or (size == 2 and ppn & 0x3FFFF)


class MmuModel:
    """The MMU over a :class:`~cerite.lvm.memory.MemoryImage`.

    Parameters
    ----------
    params : MmuParams
    image : MemoryImage
        Read with bursts on every walk (never written).
    config : MmuConfig
        The registers; assign ``model.config`` to change them (checked against ``params``).
    image_errors : set of int, optional
        Word addresses whose read returns ``error``: an access touching one is an access fault.

    Attributes ``tlb`` and ``lwc`` are :class:`AssociativeCache` objects of :class:`TlbEntry` and
    :class:`LwcEntry`; ``counters`` is a dict with :data:`COUNTER_NAMES`.
    """

    def __init__(self, params, image, config, *, image_errors=None):
        if not isinstance(params, MmuParams):
            raise TypeError(f"params must be MmuParams, not {type(params).__name__}")
        if not isinstance(image, MemoryImage):
            raise TypeError(f"image must be a MemoryImage, not {type(image).__name__}")
        self.params = params
        self.image = image
        self.config = config
        self.image_errors = set() if image_errors is None else set(image_errors)
        self.reset()

    @property
    def config(self):
        return self._config

    @config.setter
    def config(self, config):
        if not isinstance(config, MmuConfig):
            raise TypeError(f"config must be MmuConfig, not {type(config).__name__}")
        config.check(self.params)
        self._config = config

    def reset(self):
        """Invalidate the TLB and LWC, zero the pointers and counters (a hardware reset)."""
        self.tlb = AssociativeCache(self.params.tlb_entries)
        self.lwc = AssociativeCache(self.params.lwc_entries)
        self.counters = dict.fromkeys(COUNTER_NAMES, 0)

    # -- flushes -------------------------------------------------------------------------------

    def flush(self, kind, *, asid=None, va=None):
        """Apply a flush (doc "Flushes"): ``"all"``, ``"asid"`` (needs ``asid``), ``"va"`` (needs
        ``va``) or ``"va_asid"`` (needs both), or the hardware's code 0..3 for them. Arguments a
        kind does not use must be ``None``."""
        if isinstance(kind, int) and not isinstance(kind, bool) and 0 <= kind < 4:
            kind = FLUSH_KINDS[kind]
        if kind not in FLUSH_KINDS:
            raise ValueError(f"flush kind must be one of {', '.join(FLUSH_KINDS)}, not {kind!r}")
        needs_asid, needs_va = kind in ("asid", "va_asid"), kind in ("va", "va_asid")
        if needs_asid:
            if asid is None:
                raise ValueError(f"flush {kind!r} needs an asid")
            _check_uint("asid", asid, self.params.asid_bits)
        elif asid is not None:
            raise ValueError(f"flush {kind!r} takes no asid")
        if needs_va:
            if va is None:
                raise ValueError(f"flush {kind!r} needs a va")
            _check_uint("va", va, VA_BITS)
        elif va is not None:
            raise ValueError(f"flush {kind!r} takes no va")
        if kind == "all":
            self.tlb.remove(lambda e: True)
            self.lwc.remove(lambda e: True)
        elif kind == "asid":
            self.tlb.remove(lambda e: not e.glob and e.asid == asid)
            self.lwc.remove(lambda e: e.asid == asid)
        elif kind == "va":
            vpn = va >> 12
            self.tlb.remove(lambda e: e.covers(vpn))
        else:
            vpn = va >> 12
            self.tlb.remove(lambda e: not e.glob and e.asid == asid and e.covers(vpn))

    # -- translation ---------------------------------------------------------------------------

    def translate(self, va, access, user, *, drop_fill=False):
        """Translate ``va`` (39 bits) for ``access`` (:class:`Access` or 0/1/2) by a user
        (``user`` true) or supervisor request; returns a :class:`Translation`.

        ``drop_fill`` models a flush arriving during the walk: the TLB fill is dropped (apply the
        flush itself with :meth:`flush`); the walk-cache fills of the walk are kept.
        """
        _check_uint("va", va, VA_BITS)
        if access not in (0, 1, 2) or isinstance(access, bool):
            raise ValueError(f"access must be 0 (read), 1 (write) or 2 (exec), not {access!r}")
        access = Access(access)
        user = bool(user)
        cfg = self._config
        count = self.counters
        count["requests"] += 1
        vpn = va >> 12
        entry = self.tlb.first(lambda e: e.covers(vpn) and (e.glob or e.asid == cfg.asid))
        if entry is not None:
            count["tlb_hits"] += 1
            if _permission_fault(entry.flags, access, user, cfg.sum, cfg.mxr):
                return self._fault(Fault.PAGE, Source.TLB, [])
            return self._done(va, entry.ppn, entry.size, Source.TLB, [])
        count["walks"] += 1
        reads = []
        try:
            if cfg.learned and self.params.learned_walk:
                found = self._learned_walk(vpn, reads)
                if found is not None:
                    return self._finish(va, found, access, user, Source.LEARNED, reads, drop_fill)
                count["learned_fallbacks"] += 1
            found = self._radix_walk(vpn, reads)
            return self._finish(va, found, access, user, Source.RADIX, reads, drop_fill)
        except _AccessError as err:
            source = err.args[0]
            if source == Source.LEARNED:
                self._count_learned(reads)
            return self._fault(Fault.ACCESS, source, reads)

    def _fault(self, fault, source, reads):
        self.counters["faults"] += 1
        return Translation(0, fault, 0, source, reads)

    def _done(self, va, ppn, size, source, reads):
        mask = (1 << (9 * size)) - 1
        frame = (ppn & ~mask) | ((va >> 12) & mask)
        pa = (frame << 12 | (va & 0xFFF)) & ((1 << self.params.pa_bits) - 1)
        return Translation(pa, Fault.NONE, size, source, reads)

    def _count_learned(self, reads):
        self.counters["learned_hits"] += 1
        if len(reads) == 1 and reads[0][1] == 8:
            self.counters["learned_single"] += 1

    def _finish(self, va, found, access, user, source, reads, drop_fill):
        """Checks on a found leaf ``(pte, size, glob, gpt)``, then the TLB fill."""
        if source == Source.LEARNED:
            self._count_learned(reads)
        if found is _PAGE_FAULT:
            return self._fault(Fault.PAGE, source, reads)
        pte, size, glob, gpt = found
        cfg = self._config
        ppn = (pte >> 10) & _PPN_MASK
        if (_invalid(pte) or (gpt and not pte & (_R | _W | _X)) or _misaligned(ppn, size)
                or _permission_fault(pte, access, user, cfg.sum, cfg.mxr)):
            return self._fault(Fault.PAGE, source, reads)
        if not drop_fill:
            vpn = (va >> 12) & _SIZE_MASK[size]
            self.tlb.fill(TlbEntry(cfg.asid, glob, vpn, size, ppn, pte & 0xFF))
        return self._done(va, ppn, size, source, reads)

    def _read(self, addr, words, reads, kind, source):
        """Issue one access; an error beat anywhere in the burst is an access fault."""
        reads.append((addr, words))
        self.counters[kind] += 1
        if self.image_errors and any(addr + 8 * i in self.image_errors for i in range(words)):
            raise _AccessError(source)
        return self.image.read_burst(addr, words)

    def _learned_walk(self, vpn, reads):
        """The learned walk: ``(pte, size, glob, True)`` on a tag match, ``None`` on a miss."""
        cfg = self._config
        count = self.counters
        base, limit = cfg.index_base, cfg.index_limit
        words = cfg.root
        level = 0
        while True:
            node = Node.decode(words)
            index = node.evaluate(vpn)
            if node.leaf:
                break
            if level == 2:
                return None
            level += 1
            key = (cfg.asid, level, index)
            entry = self.lwc.first(lambda e: (e.asid, e.level, e.index) == key)
            if entry is not None:
                count["lwc_hits"] += 1
                words = entry.words
                continue
            count["lwc_misses"] += 1
            addr = cfg.level_base[level - 1] + 32 * index
            if not (base <= addr and addr + 32 <= limit):
                return None
            words = tuple(self._read(addr, 4, reads, "reads_node", Source.LEARNED))
            self.lwc.fill(LwcEntry(cfg.asid, level, index, words))
        addr = 64 * (node.gpt_line + index)
        if not (base <= addr and addr + 64 <= limit):
            return None
        line = self._read(addr, 8, reads, "reads_gpt", Source.LEARNED)
        for slot in range(4):
            valid, size, tag = decode_gpt_tag(line[2 * slot])
            if valid and size != 3 and (tag & _SIZE_MASK[size]) == (vpn & _SIZE_MASK[size]):
                return line[2 * slot + 1], size, bool(line[2 * slot + 1] & _G), True
        return None

    def _radix_walk(self, vpn, reads):
        """The Sv39 walk: ``(pte, size, glob, False)`` for a leaf, :data:`_PAGE_FAULT` for a
        fault found on the way (invalid PTE, pointer at level 0)."""
        cfg = self._config
        table = cfg.satp_ppn
        glob = False
        for level in (2, 1, 0):
            addr = table * 4096 + 8 * ((vpn >> (9 * level)) & 511)
            if not (cfg.pt_base <= addr and addr + 8 <= cfg.pt_limit):
                raise _AccessError(Source.RADIX)
            pte = self._read(addr, 1, reads, "reads_radix", Source.RADIX)[0]
            if _invalid(pte):
                return _PAGE_FAULT
            glob = glob or bool(pte & _G)
            if pte & (_R | _X):
                return pte, level, glob, False
            if level == 0:
                return _PAGE_FAULT
            table = (pte >> 10) & _PPN_MASK
        raise AssertionError("unreachable")


#: Sentinel: the radix walk found a page fault before reaching a leaf.
_PAGE_FAULT = object()
