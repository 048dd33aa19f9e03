"""Host API of the SoC's learned-MMU unit (``cerite.hw.soc.mmu_unit``): tables, config, batches.

Builds the Sv39 radix tables (RISC-V Privileged Architecture, "Sv39") and the learned index
(*Learning to Walk: Architecting Learned Virtual Memory Translation*, Zhao et al., MICRO 2025) of a
mapping list with the golden builders of :mod:`cerite.lvm`, in a
:class:`~cerite.lvm.memory.MemoryImage` whose regions lie in the unit's table RAM, writes them and
the configuration registers (docs/lvm-format.md) to the device, and translates batches of
virtual addresses through the unit's request and response queues. :meth:`MmuInterface.golden`
gives the golden :class:`~cerite.lvm.golden.MmuModel` of the same memory and configuration, so a
caller can check every response and counter.
"""

import dataclasses
import time

from .args import as_int

__all__ = ["MmuError", "MmuMemoryFull", "MmuResponse", "LoadResult", "MmuInterface",
           "FLUSH_KINDS"]

#: Flush kinds by name, in the order of their codes.
FLUSH_KINDS = ("all", "asid", "va", "va_asid")
_VA_BITS = 39
_COUNTERS = ("requests", "tlb_hits", "walks", "lwc_hits", "lwc_misses", "learned_hits",
             "learned_single", "learned_fallbacks", "faults", "reads_node", "reads_gpt",
             "reads_radix", "walk_cycles_total", "walk_cycles_max")
_PA_REGISTERS = ("pt_base", "pt_limit", "index_base", "index_limit", "level_base1",
                 "level_base2")


class MmuError(Exception):
    """The MMU unit did something the driver did not expect (a lost flush, a queue out of
    step, a flush that never applied)."""


class MmuMemoryFull(ValueError):
    """The radix tables and the learned index do not fit the unit's table RAM."""


@dataclasses.dataclass(frozen=True)
class MmuResponse:
    """One translation from the device: ``pa``, ``fault`` (0 none, 1 page, 2 access), ``size``
    (0 4 KiB, 1 2 MiB, 2 1 GiB), ``source`` (0 TLB, 1 learned, 2 radix)."""
    pa: int
    fault: int
    size: int
    source: int

    def matches(self, golden):
        """Whether a golden :class:`~cerite.lvm.golden.Translation` says the same."""
        return (self.pa, self.fault, self.size, self.source) == (
            golden.pa, int(golden.fault), golden.size, int(golden.source))


@dataclasses.dataclass
class LoadResult:
    """What :meth:`MmuInterface.load_mappings` built and wrote: the image, the
    :class:`~cerite.lvm.golden.MmuConfig`, the radix and index results (``index`` is ``None``
    on a radix-only unit), the bytes the radix tables and the index take in the RAM and the
    bytes written (their non-zero words), and the validated ``mappings`` that were loaded."""
    image: object
    config: object
    radix: object
    index: object
    pt_bytes: int
    index_bytes: int
    written_bytes: int
    mappings: list = None


class MmuInterface:
    """The ``mmu`` unit of ``device``.

    Parameters
    ----------
    device : Device
        An open device whose design has the unit.
    unit : str
        Cluster name of the unit (default ``"mmu"``).

    Attributes ``tlb_entries``, ``lwc_entries``, ``asid_bits``, ``pa_bits``, ``counter_bits``,
    ``mem_base``, ``mem_bytes``, ``queue_depth`` are the parameters the device reports;
    ``learned_walk`` is False for a radix-only unit (the ICEBreaker's), which has no learned
    walk, no walk cache and no learned index; ``config`` and ``image`` are what was last written
    (``None`` before).
    """

    def __init__(self, device, *, unit="mmu"):
        params = device.identity.parameters
        if f"{unit}_mem_bytes" not in params:
            raise ValueError(f"the device has no MMU unit {unit!r}")
        self.device = device
        self.unit = unit
        for key in ("tlb_entries", "lwc_entries", "asid_bits", "pa_bits", "counter_bits",
                    "mem_base", "mem_bytes", "queue_depth"):
            setattr(self, key, params[f"{unit}_{key}"])
        self.learned_walk = bool(params.get(f"{unit}_learned_walk", 1))
        self.config = None
        self.image = None
        self.load_result = None

    # -- small helpers ----------------------------------------------------------------------

    def _name(self, reg):
        return f"{self.unit}.{reg}"

    def _has(self, reg):
        return self._name(reg) in self.device.regmap.names()

    def golden_params(self):
        """The :class:`~cerite.lvm.golden.MmuParams` of this unit."""
        from ..lvm.golden import MmuParams
        return MmuParams(tlb_entries=self.tlb_entries, lwc_entries=self.lwc_entries,
                         asid_bits=self.asid_bits, pa_bits=self.pa_bits,
                         learned_walk=self.learned_walk)

    def _check_learned(self, learned):
        if learned and not self.learned_walk:
            raise ValueError(f"learned must be False: MMU unit {self.unit!r} is radix-only "
                             f"(learned_walk 0), it has no learned walk")

    def golden(self):
        """A fresh golden :class:`~cerite.lvm.golden.MmuModel` (empty TLB and walk cache, zero
        counters: the state after :meth:`reset`) over the last loaded image and config."""
        from ..lvm.golden import MmuModel
        if self.config is None:
            raise MmuError("nothing is loaded: call load_mappings first")
        return MmuModel(self.golden_params(), self.image, self.config)

    def status(self):
        """The status register as a dict."""
        word = self.device.read(self._name("status"))
        return {"busy": word & 1, "flush_pending": word >> 1 & 1, "flush_lost": word >> 2 & 1,
                "req_half": word >> 3 & 1, "resp_half": word >> 4 & 1,
                "clearing": word >> 5 & 1, "resp_level": word >> 8 & 0x1FFF}

    def reset(self):
        """Reset the MMU: TLB, walk cache, replacement pointers, counters, queues, flushes
        (configuration and table RAM are kept)."""
        self.device.write(self._name("control"), reset=1)

    # -- table RAM --------------------------------------------------------------------------

    def clear_memory(self, nbytes=None):
        """Zero the first ``nbytes`` of the table memory (a multiple of 8; default all of it);
        the unit does it, one 64-bit word a cycle."""
        size = self.mem_bytes if nbytes is None else as_int(nbytes, "nbytes")
        if size <= 0 or size % 8 or size > self.mem_bytes:
            raise ValueError(f"nbytes must be a positive multiple of 8 up to "
                             f"{self.mem_bytes}, not {size}")
        self._wait_idle()
        # mem_addr (32-bit words) marks the end; a whole memory's worth wraps to 0: all of it
        self.device.write(self._name("mem_addr"), (size // 4) % (self.mem_bytes // 4))
        self.device.write(self._name("control"), clear=1)
        rate = getattr(self.device.transport, "MIN_CYCLES_PER_SECOND", None) \
            or self.device.identity.info.get("clk_freq") or 1_000_000
        self._wait_idle(timeout=5.0 + size / 8 / rate)

    def _ram_index(self, addr, nbytes):
        if addr % 8 or not (self.mem_base <= addr and addr + nbytes <= self.mem_base
                            + self.mem_bytes):
            raise ValueError(f"[0x{addr:x}, 0x{addr + nbytes:x}) is not 8-byte aligned inside "
                             f"the table RAM [0x{self.mem_base:x}, "
                             f"0x{self.mem_base + self.mem_bytes:x})")
        return (addr - self.mem_base) // 4

    def write_memory(self, addr, words):
        """Write 64-bit ``words`` to the table RAM from byte address ``addr``."""
        words = [as_int(w, "word") for w in words]
        index = self._ram_index(addr, 8 * len(words))
        halves = []
        for w in words:
            if not 0 <= w < 1 << 64:
                raise ValueError(f"word 0x{w:x} does not fit 64 bits")
            halves += [w & 0xFFFFFFFF, w >> 32]
        self.device.write(self._name("mem_addr"), index)
        self.device.write_window(self._name("mem_data"), halves)

    def read_memory(self, addr, count):
        """Read ``count`` 64-bit words of the table RAM from byte address ``addr``."""
        index = self._ram_index(addr, 8 * count)
        self.device.write(self._name("mem_addr"), index)
        halves = self.device.read_window(self._name("mem_data"), 2 * count)
        return [halves[2 * i] | halves[2 * i + 1] << 32 for i in range(count)]

    # -- configuration ----------------------------------------------------------------------

    def write_config(self, config):
        """Write every configuration register from a :class:`~cerite.lvm.golden.MmuConfig`
        (checked against this unit's widths)."""
        from ..lvm.golden import MmuConfig
        if not isinstance(config, MmuConfig):
            raise TypeError(f"config must be an MmuConfig, not {type(config).__name__}")
        config.check(self.golden_params())
        self._check_learned(config.learned)
        dev = self.device
        mode = dict(sum=int(config.sum), mxr=int(config.mxr))
        if self.learned_walk:
            mode["learned"] = int(config.learned)
        dev.write(self._name("mode"), **mode)
        dev.write(self._name("asid"), config.asid)
        dev.write(self._name("satp_ppn_lo"), config.satp_ppn & 0xFFFFFFFF)
        dev.write(self._name("satp_ppn_hi"), config.satp_ppn >> 32)
        values = {"pt_base": config.pt_base, "pt_limit": config.pt_limit}
        if self.learned_walk:
            values.update(index_base=config.index_base, index_limit=config.index_limit,
                          level_base1=config.level_base[0], level_base2=config.level_base[1])
        for reg, value in values.items():
            dev.write(self._name(f"{reg}_lo"), value & 0xFFFFFFFF)
            if self._has(f"{reg}_hi"):
                dev.write(self._name(f"{reg}_hi"), value >> 32)
        for i, word in enumerate(config.root if self.learned_walk else ()):
            dev.write(self._name(f"root{i}_lo"), word & 0xFFFFFFFF)
            dev.write(self._name(f"root{i}_hi"), word >> 32)
        self.config = config

    def set_learned(self, learned):
        """Switch between the learned walk (radix on a miss) and radix walks only."""
        self._check_learned(learned)
        if self.config is None:
            raise MmuError("nothing is loaded: call load_mappings first")
        if not self.learned_walk:
            return
        self._wait_idle()
        self.device.write(self._name("mode.learned"), int(bool(learned)))
        self.config = dataclasses.replace(self.config, learned=bool(learned))

    def load_mappings(self, mappings, *, learned=None, asid=0, sum=False, mxr=False,
                      pt_bytes=None, progress=None, **index_options):
        """Build the radix tables and the learned index of ``mappings`` into the table memory,
        zero the part of it they span, write their non-zero words and the configuration, and
        reset the MMU.
        Returns a :class:`LoadResult`.

        ``learned`` (default: whether the unit has the learned walk) sets ``mode.learned``.
        The radix tables come first (``pt_bytes`` of RAM, default: exactly what they need),
        the index takes the rest; a radix-only unit gets no index (``LoadResult.index`` is
        ``None``) and ``learned=True`` is a ``ValueError``. ``index_options`` go to
        :func:`cerite.lvm.build_index`; by default ``max_cached_nodes`` is the device's
        walk-cache size, so every model node below the root stays cached (pass
        ``max_cached_nodes=None`` for no limit).
        ``progress(bytes_written, bytes_total)`` hears about the writes.
        Raises :class:`MmuMemoryFull` when they do not fit, ``ValueError`` for invalid
        mappings (from the builders).
        """
        from ..lvm import MemoryImage, RegionFullError, build_index, build_radix, \
            validate_mappings
        from ..lvm.golden import MmuConfig
        learned = self.learned_walk if learned is None else bool(learned)
        self._check_learned(learned)
        if index_options and not self.learned_walk:
            raise ValueError(f"index options {sorted(index_options)} given, but MMU unit "
                             f"{self.unit!r} is radix-only: it has no learned index")
        maps = validate_mappings(mappings)
        base, size = self.mem_base, self.mem_bytes
        kib = size // 1024
        room = 4096 if self.learned_walk else 0     # the index needs at least a page
        if pt_bytes is None:
            probe = MemoryImage()
            probe.region("pt", 0, 1 << 40)
            pt_bytes = build_radix(maps, probe).stats["bytes"]
        pt_bytes = as_int(pt_bytes, "pt_bytes")
        if pt_bytes <= 0 or pt_bytes % 4096:
            raise ValueError(f"pt_bytes must be a positive multiple of 4096, not {pt_bytes}")
        if pt_bytes + room > size:
            with_index = " with room for the index" if room else ""
            raise MmuMemoryFull(
                f"the radix tables of {len(maps)} mappings need {pt_bytes // 1024} KiB; the "
                f"table RAM holds {kib} KiB{with_index}: map fewer pages")
        image = MemoryImage()
        image.region("pt", base, pt_bytes)
        if self.learned_walk:
            image.region("index", base + pt_bytes, size - pt_bytes)
        index = None
        try:
            radix = build_radix(maps, image, region="pt")
            if self.learned_walk:
                index = build_index(maps, image, region="index",
                                    **{"max_cached_nodes": self.lwc_entries, **index_options})
        except RegionFullError as err:
            raise MmuMemoryFull(f"the radix tables ({pt_bytes // 1024} KiB) and the learned "
                                f"index of {len(maps)} mappings do not fit the {kib} KiB "
                                f"table RAM ({err}): map fewer pages") from None
        pt = image.regions["pt"]
        spans = [(pt.base, pt.cursor)]
        index_bytes = 0
        learned_regs = {}
        if index is not None:
            ix = image.regions["index"]
            index_end = -(-ix.cursor // 64) * 64
            spans.append((ix.base, index_end))
            index_bytes = index_end - ix.base
            learned_regs = dict(index_base=index.index_base, index_limit=index_end,
                                root=tuple(index.root), level_base=tuple(index.level_base))
        config = MmuConfig(satp_ppn=radix.satp_ppn, asid=as_int(asid, "asid"),
                           learned=learned, sum=bool(sum), mxr=bool(mxr),
                           pt_base=radix.pt_base, pt_limit=radix.pt_limit, **learned_regs)
        config.check(self.golden_params())
        self._wait_idle()
        # only what the new tables span needs zeroes: nothing reads past what they point to
        self.clear_memory(-(-(max(hi for _, hi in spans) - base) // 8) * 8)
        runs = self._runs(image, spans)
        total = 0
        for lo, hi in runs:
            total += hi - lo
        written = 0
        for lo, hi in runs:
            self.write_memory(lo, [image.read_word(a) for a in range(lo, hi, 8)])
            written += hi - lo
            if progress is not None:
                progress(written, total)
        self.image = image
        self.write_config(config)
        self.reset()
        self.load_result = LoadResult(image, config, radix, index, pt.cursor - pt.base,
                                      index_bytes, written, list(maps))
        return self.load_result

    @staticmethod
    def _runs(image, spans, *, gap=64, longest=16384):
        """Byte ranges that cover every non-zero word of ``image`` inside ``spans``: runs of
        words, joined across gaps of fewer than ``gap`` bytes of zeros (cheaper to write than a
        new burst) and cut at ``longest`` bytes."""
        runs = []
        for lo, hi in spans:
            for addr, value in image.words_in(lo, hi):
                if not value:
                    continue
                if runs and addr - runs[-1][1] < gap and addr + 8 - runs[-1][0] <= longest:
                    runs[-1][1] = addr + 8
                else:
                    runs.append([addr, addr + 8])
        return [tuple(r) for r in runs]

    # -- translation ------------------------------------------------------------------------

    def _wait_idle(self, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            status = self.status()
            if not status["busy"]:
                return status
            if time.monotonic() > deadline:
                raise MmuError(f"the MMU stayed busy for {timeout} s")

    def translate(self, vas, access=0, user=True):
        """Translate the virtual addresses ``vas`` (39-bit ints) in order; ``access`` (0 read,
        1 write, 2 fetch) and ``user`` are one value for all or one per address. Returns a list
        of :class:`MmuResponse`."""
        vas = [as_int(va, "va") for va in vas]
        count = len(vas)
        accesses = [access] * count if isinstance(access, int) else list(access)
        users = [user] * count if isinstance(user, (bool, int)) else list(user)
        if len(accesses) != count or len(users) != count:
            raise ValueError(f"access and user must be one value or {count} values each")
        words = []
        for i, (va, acc, usr) in enumerate(zip(vas, accesses, users)):
            if not 0 <= va < 1 << _VA_BITS:
                raise ValueError(f"va[{i}] = 0x{va:x} does not fit {_VA_BITS} bits")
            if isinstance(acc, bool) or acc not in (0, 1, 2):
                raise ValueError(f"access must be 0 (read), 1 (write) or 2 (fetch), not {acc!r}")
            words += [va & 0xFFFFFFFF, va >> 32 | acc << 8 | bool(usr) << 10]
        out = []
        step = self.queue_depth
        for start in range(0, count, step):
            chunk = words[2 * start:2 * (start + step)]
            self.device.write_window(self._name("req"), chunk)
            answer = self.device.read_window(self._name("resp"), len(chunk))
            for lo, hi in zip(answer[0::2], answer[1::2]):
                if not hi >> 31:
                    raise MmuError(f"response word 0x{hi:08x} lacks its marker: the response "
                                   "queue is out of step (reset the unit)")
                pa = lo | (hi & 0xFFFFFF) << 32 if self.pa_bits > 32 else lo
                out.append(MmuResponse(pa, hi >> 24 & 3, hi >> 26 & 3, hi >> 28 & 3))
        return out

    def flush(self, kind, *, asid=None, va=None):
        """Flush the TLB / walk cache: ``kind`` ``"all"``, ``"asid"`` (needs ``asid``),
        ``"va"`` (needs ``va``) or ``"va_asid"`` (both), as in
        :meth:`cerite.lvm.golden.MmuModel.flush`."""
        if kind not in FLUSH_KINDS:
            raise ValueError(f"flush kind must be one of {', '.join(FLUSH_KINDS)}, not {kind!r}")
        needs_asid, needs_va = kind in ("asid", "va_asid"), kind in ("va", "va_asid")
        for name, value, needed in (("asid", asid, needs_asid), ("va", va, needs_va)):
            if needed and value is None:
                raise ValueError(f"flush {kind!r} needs a {name}")
            if not needed and value is not None:
                raise ValueError(f"flush {kind!r} takes no {name}")
        self._wait_idle()
        if needs_asid:
            asid = as_int(asid, "asid")
            if not 0 <= asid < 1 << self.asid_bits:
                raise ValueError(f"asid must be in 0..{(1 << self.asid_bits) - 1}, not {asid}")
            self.device.write(self._name("flush_asid"), asid)
        if needs_va:
            va = as_int(va, "va")
            if not 0 <= va < 1 << _VA_BITS:
                raise ValueError(f"va 0x{va:x} does not fit {_VA_BITS} bits")
            self.device.write(self._name("flush_va_lo"), va & 0xFFFFFFFF)
            self.device.write(self._name("flush_va_hi"), va >> 32)
        self.device.write(self._name("control"), flush=1, flush_kind=FLUSH_KINDS.index(kind))
        status = self._wait_idle()
        if status["flush_lost"]:
            raise MmuError("the device dropped a flush (another one was pending)")

    def counters(self):
        """Every counter (the doc's events plus ``walk_cycles_total`` and ``walk_cycles_max``)
        as a dict; they wrap at ``2**counter_bits``."""
        first = self.device.regmap.address(self._name(f"counter_{_COUNTERS[0]}"))
        values = self.device.read_words(first, len(_COUNTERS))
        for name, offset in zip(_COUNTERS, range(len(_COUNTERS))):
            assert self.device.regmap.address(self._name(f"counter_{name}")) == first + offset
        return dict(zip(_COUNTERS, values))
