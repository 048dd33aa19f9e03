"""A sparse physical memory image for the learned MMU: 64-bit little-endian words, named
regions with a bump allocator, burst reads as on the MMU's memory port (docs/lvm-format.md,
"Memory port").

The radix builder (:mod:`cerite.lvm.radix`) and the index builder (:mod:`cerite.lvm.index`) write
their tables into one :class:`MemoryImage`; the golden model and the simulators read it back.
Unwritten words read as 0.
"""

import dataclasses

__all__ = ["WORD_BYTES", "Region", "RegionFullError", "MemoryImage"]

WORD_BYTES = 8
_WORD_MASK = (1 << 64) - 1
_PA_LIMIT = 1 << 56  # Sv39 physical addresses are at most 56 bits


class RegionFullError(ValueError):
    """An allocation does not fit in what is left of its region."""


def _check_int(name, value):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")


def _check_addr(addr):
    _check_int("addr", addr)
    if addr % WORD_BYTES:
        raise ValueError(f"addr must be 8-byte aligned, not {addr:#x}")
    if not 0 <= addr < _PA_LIMIT:
        raise ValueError(f"addr must be in [0, 2**56), not {addr:#x}")


@dataclasses.dataclass
class Region:
    """A named physical range ``[base, limit)`` with a bump allocator (``cursor`` is the next free
    byte). Allocations are never freed."""

    name: str
    base: int
    limit: int
    cursor: int

    @property
    def size(self):
        return self.limit - self.base

    @property
    def used(self):
        """Bytes from ``base`` up to the end of the last allocation (padding included)."""
        return self.cursor - self.base

    def contains(self, addr, nbytes=WORD_BYTES):
        """Whether ``[addr, addr + nbytes)`` lies inside the region."""
        return self.base <= addr and addr + nbytes <= self.limit

    def alloc(self, nbytes, align=4096):
        """Reserve ``nbytes`` (rounded up to whole words) at an ``align``-aligned address and
        return that address. ``align`` is a power of two, at least 8.

        Raises :class:`RegionFullError` when the region cannot hold it.
        """
        _check_int("nbytes", nbytes)
        _check_int("align", align)
        if nbytes <= 0:
            raise ValueError(f"nbytes must be positive, not {nbytes}")
        if align < WORD_BYTES or align & (align - 1):
            raise ValueError(f"align must be a power of two >= 8, not {align}")
        nbytes = -(-nbytes // WORD_BYTES) * WORD_BYTES
        addr = -(-self.cursor // align) * align
        if addr + nbytes > self.limit:
            raise RegionFullError(
                f"region {self.name!r} [{self.base:#x}, {self.limit:#x}) cannot fit {nbytes} "
                f"bytes aligned to {align} ({self.limit - self.cursor} bytes left)")
        self.cursor = addr + nbytes
        return addr


class MemoryImage:
    """Sparse 64-bit word store keyed by byte address (8-byte aligned), plus named regions.

    Words are unsigned 64-bit ints; unwritten words read as 0. Iterating yields
    ``(addr, value)`` for every written word in address order.
    """

    def __init__(self):
        self._words = {}
        self.regions = {}

    # -- regions -------------------------------------------------------------------------------

    def region(self, name, base=None, size=None):
        """Create region ``name`` = ``[base, base + size)`` and return it, or return the existing
        region when only ``name`` is given (or the same base and size are).

        ``base`` and ``size`` are multiples of 4096; regions never overlap.
        """
        if not isinstance(name, str) or not name:
            raise ValueError(f"region name must be a non-empty str, not {name!r}")
        if base is None and size is None:
            if name not in self.regions:
                raise KeyError(f"no region {name!r} in this image")
            return self.regions[name]
        _check_int("base", base)
        _check_int("size", size)
        if base < 0 or base % 4096:
            raise ValueError(f"region base must be a non-negative multiple of 4096, not {base:#x}")
        if size <= 0 or size % 4096:
            raise ValueError(f"region size must be a positive multiple of 4096, not {size:#x}")
        if base + size > _PA_LIMIT:
            raise ValueError(f"region {name!r} ends beyond 2**56")
        if name in self.regions:
            old = self.regions[name]
            if (old.base, old.limit) != (base, base + size):
                raise ValueError(f"region {name!r} already exists as "
                                 f"[{old.base:#x}, {old.limit:#x})")
            return old
        for other in self.regions.values():
            if base < other.limit and other.base < base + size:
                raise ValueError(f"region {name!r} [{base:#x}, {base + size:#x}) overlaps region "
                                 f"{other.name!r} [{other.base:#x}, {other.limit:#x})")
        region = Region(name, base, base + size, base)
        self.regions[name] = region
        return region

    def alloc(self, region, nbytes, align=4096):
        """Allocate in the named region; see :meth:`Region.alloc`."""
        return self.region(region).alloc(nbytes, align)

    # -- words ---------------------------------------------------------------------------------

    def write_word(self, addr, value):
        """Store the 64-bit ``value`` at byte address ``addr`` (8-byte aligned)."""
        _check_addr(addr)
        _check_int("value", value)
        if not 0 <= value <= _WORD_MASK:
            raise ValueError(f"value must be an unsigned 64-bit int, not {value:#x}")
        self._words[addr] = value

    def read_word(self, addr):
        """The word at ``addr`` (0 if never written)."""
        _check_addr(addr)
        return self._words.get(addr, 0)

    def read_burst(self, addr, words):
        """``words`` consecutive words from ``addr``, as one memory-port access returns them."""
        _check_addr(addr)
        _check_int("words", words)
        if not 1 <= words <= 8:
            raise ValueError(f"words must be in 1..8, not {words}")
        get = self._words.get
        return [get(addr + WORD_BYTES * i, 0) for i in range(words)]

    def write_words(self, addr, values):
        """Store consecutive words from ``addr``."""
        for i, value in enumerate(values):
            self.write_word(addr + WORD_BYTES * i, value)

    def write_bytes(self, addr, data):
        """Store ``data`` (bytes-like) at byte address ``addr`` (any alignment), little-endian."""
        _check_int("addr", addr)
        data = bytes(data)
        if addr < 0 or addr + len(data) > _PA_LIMIT:
            raise ValueError(f"bytes [{addr:#x}, {addr + len(data):#x}) fall outside [0, 2**56)")
        first = addr - addr % WORD_BYTES
        end = addr + len(data)
        last = -(-end // WORD_BYTES) * WORD_BYTES
        buf = bytearray(self.to_bytes(first, last - first))
        buf[addr - first:end - first] = data
        for a in range(first, last, WORD_BYTES):
            off = a - first
            self._words[a] = int.from_bytes(buf[off:off + WORD_BYTES], "little")

    def to_bytes(self, base, length):
        """``length`` bytes from byte address ``base`` (any alignment), little-endian."""
        _check_int("base", base)
        _check_int("length", length)
        if base < 0 or length < 0:
            raise ValueError(f"base and length must be non-negative, not {base:#x}, {length}")
        first = base - base % WORD_BYTES
        last = -(-(base + length) // WORD_BYTES) * WORD_BYTES
        get = self._words.get
        raw = b"".join(get(a, 0).to_bytes(WORD_BYTES, "little")
                       for a in range(first, last, WORD_BYTES))
        return raw[base - first:base - first + length]

    # -- iteration -----------------------------------------------------------------------------

    def __iter__(self):
        for addr in sorted(self._words):
            yield addr, self._words[addr]

    def __len__(self):
        return len(self._words)

    def __contains__(self, addr):
        return addr in self._words

    def words_in(self, base, limit):
        """``(addr, value)`` of written words in ``[base, limit)``, in address order."""
        return [(a, v) for a, v in self if base <= a < limit]

    def copy(self):
        """An independent copy (words and regions)."""
        other = MemoryImage()
        other._words = dict(self._words)
        other.regions = {k: dataclasses.replace(r) for k, r in self.regions.items()}
        return other
