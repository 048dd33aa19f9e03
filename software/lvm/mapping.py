"""Virtual-to-physical mapping lists for the learned MMU: the data type, validation, synthetic
address-space layouts and real processes.

Implements the "Mapping sources" of the learned-MMU notes (after *Learning to Walk: Architecting
Learned Virtual Memory Translation*, Zhao et al., MICRO 2025) over the Sv39 address and PTE formats
of the RISC-V Privileged Architecture ("Sv39"); page sizes are the ``size`` codes of
docs/lvm-format.md (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB).

A :class:`Mapping` is one page (of any size); a :class:`MappingList` is a validated, sorted,
immutable sequence of them. Every layout function takes a ``seed`` and returns a
:class:`MappingList`; physical page numbers are synthetic, deterministic from the seed, aligned to
the page size and at or above :data:`PPN_BASE` (physical address ``2**32``), so they never collide
with page tables or an index placed below 4 GiB.
"""

import bisect
import dataclasses
import warnings

import numpy as np

__all__ = [
    "SV39_VPN_BITS", "USER_VPN_LIMIT", "PPN_BITS", "PPN_BASE", "PAGE_SHIFT", "SIZE_PAGES",
    "Mapping", "MappingList", "validate_mappings", "expand_4k",
    "PagemapUnavailableWarning", "mappings_from_process",
    "brk_heap", "mmap_arenas", "large_mmap", "huge_pages", "thread_stacks", "pie_aslr",
    "random_sparse", "stride2", "alternating_sizes", "process_like", "LAYOUTS",
]

#: Width of a Sv39 virtual page number (``va[38:12]``).
SV39_VPN_BITS = 27
#: User space of the synthetic layouts: VAs below ``2**38`` (the lower half of Sv39).
USER_VPN_LIMIT = 1 << 26
#: Width of a Sv39 PTE's PPN field (56-bit physical addresses).
PPN_BITS = 44
#: First PPN handed out by the synthetic layouts and process readers (physical address 2**32).
PPN_BASE = 1 << 20
PAGE_SHIFT = 12
#: Number of 4 KiB pages in a page of each ``size`` code.
SIZE_PAGES = (1, 1 << 9, 1 << 18)
_SIZE_NAMES = ("4 KiB", "2 MiB", "1 GiB")


@dataclasses.dataclass(frozen=True)
class Mapping:
    """One mapped page: ``vpn`` is the first 4 KiB VPN, ``size`` the page-size code (0/1/2),
    ``ppn`` the first 4 KiB PPN; ``r w x u g a d`` are the Sv39 leaf-PTE bits; ``name`` says where
    the page came from (a layout's region, a file name)."""

    vpn: int
    size: int
    ppn: int
    r: bool = True
    w: bool = False
    x: bool = False
    u: bool = True
    g: bool = False
    a: bool = True
    d: bool = False
    name: str = ""

    def __post_init__(self):
        for field in ("vpn", "size", "ppn"):
            value = getattr(self, field)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
                raise TypeError(f"mapping {field} must be an int, not {type(value).__name__}")
            object.__setattr__(self, field, int(value))
        for field in ("r", "w", "x", "u", "g", "a", "d"):
            object.__setattr__(self, field, bool(getattr(self, field)))
        if not isinstance(self.name, str):
            raise TypeError(f"mapping name must be a str, not {type(self.name).__name__}")
        if self.vpn < 0 or self.ppn < 0:
            raise ValueError(f"{self}: vpn and ppn must be non-negative")
        if self.size not in (0, 1, 2):
            raise ValueError(f"{self}: size must be 0, 1 or 2, not {self.size}")

    def __str__(self):
        size = _SIZE_NAMES[self.size] if self.size in (0, 1, 2) else f"size {self.size}"
        name = f" {self.name!r}" if self.name else ""
        return f"mapping{name} at vpn {self.vpn:#x} ({size})"

    @property
    def pages(self):
        """Number of 4 KiB pages covered."""
        return SIZE_PAGES[self.size]

    @property
    def end_vpn(self):
        """One past the last 4 KiB VPN covered."""
        return self.vpn + self.pages

    @property
    def va(self):
        """First byte's virtual address."""
        return self.vpn << PAGE_SHIFT

    @property
    def pa(self):
        """First byte's physical address."""
        return self.ppn << PAGE_SHIFT

    @property
    def perms(self):
        """The permission bits as a string like ``"rwxugad"`` with ``-`` for clear bits."""
        return "".join(c if getattr(self, c) else "-" for c in "rwxugad")

    def pte(self):
        """The Sv39 leaf PTE: ``V R W X U G A D`` in bits 7:0, the PPN in bits 53:10."""
        bits = 1 | self.r << 1 | self.w << 2 | self.x << 3 | self.u << 4
        bits |= self.g << 5 | self.a << 6 | self.d << 7
        return bits | self.ppn << 10

    def translate_vpn(self, vpn):
        """PPN of the 4 KiB page ``vpn`` inside this mapping (``ValueError`` if outside)."""
        if not self.vpn <= vpn < self.end_vpn:
            raise ValueError(f"vpn {vpn:#x} is outside {self}")
        return self.ppn + (vpn - self.vpn)


class MappingList(tuple):
    """A validated tuple of :class:`Mapping`, sorted by VPN, with no overlaps.

    ``stats`` is a dict of provenance facts (what a process reader skipped, and so on).
    Construct with ``MappingList(iterable, stats=None)`` or :func:`validate_mappings`.
    """

    def __new__(cls, mappings=(), *, stats=None):
        items = sorted(_checked_items(mappings), key=lambda m: m.vpn)
        _check_all(items)
        self = super().__new__(cls, items)
        self._starts = [m.vpn for m in items]
        self.stats = dict(stats or {})
        return self

    def __repr__(self):
        return f"MappingList({len(self)} mappings, {self.pages_4k} pages of 4 KiB)"

    @property
    def pages_4k(self):
        """Total number of 4 KiB pages covered (a 2 MiB page counts 512)."""
        return sum(m.pages for m in self)

    def find(self, vpn):
        """The mapping that covers 4 KiB page ``vpn``, or ``None``."""
        i = bisect.bisect_right(self._starts, vpn) - 1
        if i >= 0 and vpn < self[i].end_vpn:
            return self[i]
        return None

    def keys(self):
        """The index keys: one ``(vpn, size)`` per mapping (one key stands for a huge page)."""
        return [(m.vpn, m.size) for m in self]


def _checked_items(mappings):
    items = list(mappings)
    for m in items:
        if not isinstance(m, Mapping):
            raise TypeError(f"mappings must be Mapping objects, not {type(m).__name__}")
    return items


def _check_all(items):
    for m in items:
        align = SIZE_PAGES[m.size]
        if m.end_vpn > 1 << SV39_VPN_BITS:
            raise ValueError(f"{m}: outside Sv39 (vpn must be below 2**27)")
        if m.ppn + m.pages > 1 << PPN_BITS:
            raise ValueError(f"{m}: ppn {m.ppn:#x} does not fit in 44 bits")
        if m.vpn % align:
            raise ValueError(f"{m}: vpn is not aligned to its page size")
        if m.ppn % align:
            raise ValueError(f"{m}: ppn {m.ppn:#x} is not aligned to its page size")
        if not (m.r or m.x):
            raise ValueError(f"{m}: a leaf needs R or X (perms {m.perms})")
        if m.w and not m.r:
            raise ValueError(f"{m}: W without R is reserved (perms {m.perms})")
    for a, b in zip(items, items[1:]):
        if b.vpn < a.end_vpn:
            raise ValueError(f"{a} and {b} overlap")


def validate_mappings(mappings, *, stats=None):
    """Check a list of :class:`Mapping` and return it as a sorted :class:`MappingList`.

    Raises ``ValueError`` naming the offending mapping(s) for: overlapping mappings, a huge page
    whose VPN or PPN is not aligned to its size, a page outside Sv39 (VPN beyond ``2**27``), a PPN
    beyond 44 bits, neither R nor X (that is a pointer), or W without R (reserved).
    ``TypeError`` for an item that is not a :class:`Mapping`.
    """
    return MappingList(mappings, stats=stats)


def expand_4k(mappings):
    """Every 4 KiB VPN covered by ``mappings`` as a sorted ``numpy.int64`` array (a 1 GiB page
    gives 262144 entries; use :meth:`MappingList.keys` for one key per page)."""
    parts = [np.arange(m.vpn, m.end_vpn, dtype=np.int64) for m in mappings]
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return np.sort(np.concatenate(parts))


# ---------------------------------------------------------------------------------------------
# Synthetic layouts


class _Frames:
    """Synthetic physical frames: a counter above PPN_BASE that skips small random gaps (the
    fragmentation of a real allocator), aligned for huge pages."""

    def __init__(self, rng):
        self.rng = rng
        self.cursor = PPN_BASE + int(rng.integers(0, 1 << 12))

    def take(self, size):
        align = SIZE_PAGES[size]
        if self.rng.random() < 0.05:
            self.cursor += int(self.rng.integers(1, 64))
        ppn = -(-self.cursor // align) * align
        self.cursor = ppn + align
        return ppn


class _Space:
    """An address space under construction: frames, a top-down mmap cursor, the mapping list."""

    def __init__(self, seed):
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise TypeError(f"seed must be an int, not {type(seed).__name__}")
        self.rng = np.random.default_rng(int(seed))
        self.frames = _Frames(self.rng)
        self.maps = []
        # Linux/riscv64 Sv39 style: TASK_SIZE 2**38, stack at the top, mmap base below the stack
        # gap, PIE executables near 2/3 of the space.
        self.stack_top = USER_VPN_LIMIT - int(self.rng.integers(1, 1 << 12))
        self.mmap_top = self.stack_top - (1 << 15) - int(self.rng.integers(0, 1 << 16))
        self.pie_base = (USER_VPN_LIMIT * 2 // 3) + int(self.rng.integers(0, 1 << 16))
        self.brk_end = None

    def page(self, vpn, name, perms, size=0):
        r, w, x = ("r" in perms), ("w" in perms), ("x" in perms)
        self.maps.append(Mapping(vpn, size, self.frames.take(size), r, w, x, True, False,
                                 True, w, name))

    def run(self, vpn, npages, name, perms, fill=1.0):
        """Pages ``vpn .. vpn + npages - 1``, each present with probability ``fill`` (touched
        pages come in runs, as a program touches memory)."""
        present = True
        for i in range(npages):
            if fill < 1.0 and self.rng.random() < 0.1:
                present = self.rng.random() < fill
            if present:
                self.page(vpn + i, name, perms)

    def mmap(self, npages, align=1, gap=None):
        """Reserve ``npages`` top-down below the mmap cursor, aligned; return the first VPN."""
        gap = int(self.rng.integers(0, 16)) if gap is None else gap
        top = self.mmap_top - gap
        base = (top - npages) // align * align
        self.mmap_top = base
        return base

    def result(self, layout):
        return MappingList(self.maps, stats={"layout": layout})


def _elf(space, base, name, text, rodata, data, bss):
    """An ELF image at ``base``: text (r-x, partly touched), rodata (r--), data and bss (rw-)."""
    vpn = base
    space.run(vpn, text, f"{name}:text", "rx", fill=0.6)
    vpn += text
    space.run(vpn, rodata, f"{name}:rodata", "r", fill=0.8)
    vpn += rodata
    space.run(vpn, data, f"{name}:data", "rw")
    vpn += data
    space.run(vpn, bss, f"{name}:bss", "rw", fill=0.9)
    return vpn + bss


def _pie(space):
    exe_end = _elf(space, space.pie_base, "exe", 300, 80, 12, 40)
    space.brk_end = exe_end + int(space.rng.integers(0, 1 << 13))
    libs = [("ld.so", 40, 10, 2, 1), ("libc.so", 400, 120, 8, 12), ("libm.so", 220, 30, 1, 1),
            ("libpthread.so", 30, 6, 1, 1), ("libstdc++.so", 520, 160, 20, 3)]
    for name, text, rodata, data, bss in libs:
        npages = text + rodata + data + bss
        base = space.mmap(npages, gap=int(space.rng.integers(1, 256)))
        _elf(space, base, name, text, rodata, data, bss)
    vdso = space.mmap(2, gap=int(space.rng.integers(1, 64)))
    space.run(vdso, 2, "[vdso]", "rx")
    space.run(space.stack_top - 24, 24, "[stack]", "rw", fill=0.9)


def _heap(space, steps=48):
    if space.brk_end is None:
        space.brk_end = space.pie_base + 400 + int(space.rng.integers(0, 1 << 13))
    vpn = space.brk_end
    for _ in range(steps):
        grow = int(space.rng.integers(1, 80))
        space.run(vpn, grow, "[heap]", "rw", fill=0.97)
        vpn += grow
    space.brk_end = vpn


def _arenas(space, count=6):
    arena = 1 << 14  # 64 MiB of 4 KiB pages, aligned to its size like glibc's heaps
    for i in range(count):
        base = space.mmap(arena, align=arena, gap=0)
        used = int(space.rng.integers(100, 900))
        space.run(base, used, f"arena{i}", "rw", fill=0.9)


def _large(space, count=10):
    for i in range(count):
        npages = int(space.rng.integers(64, 1024))
        base = space.mmap(npages)
        if space.rng.random() < 0.3:
            space.run(base, npages, f"file{i}", "r", fill=0.7)
        else:
            space.run(base, npages, f"mmap{i}", "rw", fill=float(space.rng.uniform(0.6, 1.0)))


def _huge(space, regions=3):
    for i in range(regions):
        count = int(space.rng.integers(4, 24))
        head, tail = int(space.rng.integers(1, 512)), int(space.rng.integers(1, 512))
        base = space.mmap(count * 512 + 1024, align=512)
        # A THP-backed VMA: 4 KiB pages at the unaligned head and tail, 2 MiB pages inside.
        space.run(base + 512 - head, head, f"thp{i}", "rw")
        for j in range(count):
            space.page(base + 512 * (j + 1), f"thp{i}", "rw", size=1)
        space.run(base + 512 * (count + 1), tail, f"thp{i}", "rw")
    base = space.mmap(1 << 18, align=1 << 18)
    space.page(base, "hugetlb1g", "rw", size=2)


def _stacks(space, threads=16):
    stack = 2048  # 8 MiB
    for i in range(threads):
        base = space.mmap(stack + 1, gap=0)  # the lowest page is the guard: never mapped
        used = int(space.rng.integers(2, 48))
        space.run(base + 1 + stack - used, used, f"thread{i}:stack", "rw")


def brk_heap(seed=0):
    """A PIE executable followed by a ``brk`` heap grown in 48 random steps (mostly touched)."""
    space = _Space(seed)
    _elf(space, space.pie_base, "exe", 60, 20, 4, 8)
    space.brk_end = space.pie_base + 92 + int(space.rng.integers(0, 1 << 13))
    _heap(space)
    return space.result("brk_heap")


def mmap_arenas(seed=0):
    """Six 64 MiB malloc arenas, aligned to 64 MiB, each populated only at its start."""
    space = _Space(seed)
    _arenas(space)
    return space.result("mmap_arenas")


def large_mmap(seed=0):
    """Ten large anonymous or file mappings (256 KiB .. 4 MiB) placed top-down, partly touched."""
    space = _Space(seed)
    _large(space)
    return space.result("large_mmap")


def huge_pages(seed=0):
    """Three transparent-huge-page regions (2 MiB pages inside, 4 KiB head and tail) and one
    1 GiB page."""
    space = _Space(seed)
    _huge(space)
    return space.result("huge_pages")


def thread_stacks(seed=0):
    """Sixteen 8 MiB thread stacks, each above an unmapped guard page, touched at the top."""
    space = _Space(seed)
    _stacks(space)
    return space.result("thread_stacks")


def pie_aslr(seed=0):
    """A PIE executable and five shared libraries (text/rodata/data/bss) at randomised
    page-aligned bases, the vDSO and the top of the main stack."""
    space = _Space(seed)
    _pie(space)
    return space.result("pie_aslr")


def random_sparse(seed=0, *, pages=2048):
    """``pages`` single 4 KiB pages at uniformly random user VPNs (adversarial: no regularity)."""
    space = _Space(seed)
    for vpn in np.sort(space.rng.choice(USER_VPN_LIMIT, size=pages, replace=False)):
        space.page(int(vpn), "sparse", "rw")
    return space.result("random_sparse")


def stride2(seed=0, *, pages=2048):
    """``pages`` 4 KiB pages at every other VPN from a random base (adversarial)."""
    space = _Space(seed)
    base = space.mmap(2 * pages)
    for i in range(pages):
        space.page(base + 2 * i, "stride2", "rw")
    return space.result("stride2")


def alternating_sizes(seed=0):
    """4 KiB and 2 MiB pages alternating in address order, then 1 GiB pages alternating with
    4 KiB pages (adversarial for a single model slope)."""
    space = _Space(seed)
    base = space.mmap(128 * 512, align=512)
    for i in range(64):
        space.page(base + 1024 * i, "alt2m", "rw", size=1)
        space.page(base + 1024 * i + 512 + int(space.rng.integers(0, 512)), "alt4k", "rw")
    base = space.mmap(4 << 18, align=1 << 18)
    for i in range(2):
        space.page(base + (2 * i) * (1 << 18), "alt1g", "rw", size=2)
        space.page(base + (2 * i + 1) * (1 << 18) + int(space.rng.integers(0, 1 << 18)),
                   "alt4k", "rw")
    return space.result("alternating_sizes")


def process_like(seed=0):
    """A whole process: PIE executable, libraries, heap, arenas, large mappings, THP regions and
    thread stacks in one address space."""
    space = _Space(seed)
    _pie(space)
    _heap(space, steps=24)
    _stacks(space, threads=4)
    _arenas(space, count=2)
    _large(space, count=4)
    _huge(space, regions=1)
    return space.result("process_like")


#: Every synthetic layout by name; each is ``f(seed) -> MappingList``.
LAYOUTS = {
    "brk_heap": brk_heap,
    "mmap_arenas": mmap_arenas,
    "large_mmap": large_mmap,
    "huge_pages": huge_pages,
    "thread_stacks": thread_stacks,
    "pie_aslr": pie_aslr,
    "random_sparse": random_sparse,
    "stride2": stride2,
    "alternating_sizes": alternating_sizes,
    "process_like": process_like,
}


# ---------------------------------------------------------------------------------------------
# Real processes


class PagemapUnavailableWarning(UserWarning):
    """``/proc/<pid>/pagemap`` could not be read: every page of every VMA counts as populated."""


_PAGEMAP_CHUNK = 1 << 16  # pages per pagemap read
_GIB_SHIFT = 18  # 4 KiB pages per 1 GiB region, as a shift


def _parse_maps(text, pid):
    vmas = []
    for line in text.splitlines():
        fields = line.split(None, 5)
        if len(fields) < 5:
            raise ValueError(f"unexpected line in /proc/{pid}/maps: {line!r}")
        lo, hi = (int(v, 16) for v in fields[0].split("-"))
        path = fields[5].strip() if len(fields) > 5 else ""
        vmas.append((lo, hi, fields[1], path))
    return vmas


def mappings_from_process(pid="self", *, max_pages=None, seed=0, fold=True):
    """Populated pages of a live process as a :class:`MappingList` of 4 KiB pages.

    Reads ``/proc/<pid>/maps`` for the VMAs and ``/proc/<pid>/pagemap`` (bit 63 = present) for the
    pages present in memory. Permissions come from the maps flags: R/W/X as given, U = 1, A = 1,
    D = W, G = 0; PPNs are synthetic (from ``seed``), since pagemap hides real frames. VMAs
    without R or X (guard regions) and ``[vsyscall]`` are skipped.

    Sv39 holds only VAs below ``2**39``; a 48-bit process (x86-64, most arm64) does not fit. With
    ``fold=True`` (the default) and any page at or above ``2**38``, each distinct 1 GiB region that
    holds a page is moved to its own 1 GiB slot of the Sv39 user half, in address order, keeping
    ``va[29:0]``, so the layout inside each region is the process's own. Pages that still do not
    fit (over 255 regions, or ``fold=False``) are skipped. ``max_pages`` keeps the lowest pages.

    The result's ``stats``: ``pid``, ``pagemap`` (whether it was read), ``vmas``, ``pages``,
    ``skipped_vsyscall``, ``skipped_no_access_vmas``, ``skipped_not_sv39`` (pages),
    ``folded_regions`` (0 when no folding was needed), ``truncated``.

    Raises ``ProcessLookupError`` for a process that does not exist, ``PermissionError`` when its
    maps cannot be read, ``ValueError`` for a bad ``pid`` or ``max_pages``; warns with
    :class:`PagemapUnavailableWarning` when pagemap cannot be read.
    """
    if pid != "self" and (not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0):
        raise ValueError(f"pid must be 'self' or a positive int, not {pid!r}")
    if max_pages is not None and (not isinstance(max_pages, int) or max_pages <= 0):
        raise ValueError(f"max_pages must be a positive int or None, not {max_pages!r}")
    root = f"/proc/{pid}"
    try:
        with open(f"{root}/maps") as f:
            text = f.read()
    except FileNotFoundError:
        raise ProcessLookupError(f"no process {pid}: {root}/maps does not exist") from None
    except PermissionError:
        raise PermissionError(f"cannot read {root}/maps of process {pid}: permission denied") \
            from None
    stats = {"pid": pid, "pagemap": True, "vmas": 0, "pages": 0, "skipped_vsyscall": 0,
             "skipped_no_access_vmas": 0, "skipped_not_sv39": 0, "folded_regions": 0,
             "truncated": False}
    vmas = []
    for lo, hi, flags, path in _parse_maps(text, pid):
        if path == "[vsyscall]":
            stats["skipped_vsyscall"] += 1
        elif "r" not in flags and "x" not in flags:
            stats["skipped_no_access_vmas"] += 1
        else:
            vmas.append((lo >> PAGE_SHIFT, hi >> PAGE_SHIFT, flags, path))
    stats["vmas"] = len(vmas)
    pages = _present_pages(root, pid, vmas, max_pages, stats)
    pages = _fold(pages, fold, stats)
    if max_pages is not None and len(pages) > max_pages:
        pages = pages[:max_pages]
        stats["truncated"] = True
    rng = np.random.default_rng(seed)
    frames = _Frames(rng)
    maps = []
    for vpn, vma in pages:
        _, _, flags, path = vmas[vma]
        w = "w" in flags
        maps.append(Mapping(vpn, 0, frames.take(0), "r" in flags, w, "x" in flags, True, False,
                            True, w, path or "anon"))
    stats["pages"] = len(maps)
    return MappingList(maps, stats=stats)


def _present_pages(root, pid, vmas, max_pages, stats):
    """``[(vpn, vma_index)]`` of present pages (all pages when pagemap is unreadable)."""
    # Pages at or above 2**47 (the kernel half) never fit; a cap stops scanning early.
    cap = None if max_pages is None else max_pages
    try:
        pagemap = open(f"{root}/pagemap", "rb")
    except OSError as err:
        warnings.warn(PagemapUnavailableWarning(
            f"cannot read {root}/pagemap of process {pid} ({err.strerror}); "
            "treating every page of every VMA as populated"), stacklevel=3)
        stats["pagemap"] = False
        pagemap = None
    out = []
    try:
        for index, (lo, hi, _, _) in enumerate(vmas):
            vpn = lo
            while vpn < hi and (cap is None or len(out) < cap):
                n = min(hi - vpn, _PAGEMAP_CHUNK)
                if cap is not None:
                    n = min(n, cap - len(out)) if pagemap is None else n
                if pagemap is None:
                    present = np.arange(vpn, vpn + n)
                else:
                    pagemap.seek(vpn * 8)
                    words = np.frombuffer(pagemap.read(n * 8), dtype="<u8")
                    present = vpn + np.flatnonzero(words >> np.uint64(63))
                out.extend((int(v), index) for v in present)
                vpn += n
    except OSError as err:
        raise PermissionError(f"cannot read {root}/pagemap of process {pid}: {err}") from None
    finally:
        if pagemap is not None:
            pagemap.close()
    return out


def _fold(pages, fold, stats):
    limit = USER_VPN_LIMIT
    if all(vpn < limit for vpn, _ in pages):
        return pages
    if not fold:
        kept = [(vpn, i) for vpn, i in pages if vpn < limit]
        stats["skipped_not_sv39"] = len(pages) - len(kept)
        return kept
    regions = sorted({vpn >> _GIB_SHIFT for vpn, _ in pages})
    # Slot 0 stays empty so that VA 0 is never mapped.
    slots = {r: k + 1 for k, r in enumerate(regions) if k + 1 < limit >> _GIB_SHIFT}
    stats["folded_regions"] = len(slots)
    out = []
    for vpn, i in pages:
        slot = slots.get(vpn >> _GIB_SHIFT)
        if slot is None:
            stats["skipped_not_sv39"] += 1
        else:
            out.append(((slot << _GIB_SHIFT) | (vpn & ((1 << _GIB_SHIFT) - 1)), i))
    return out
