"""The MMU unit's on-chip table memory: 64-bit words, one access a cycle.

:class:`TableRam` is a single-port RAM with the interface of the MMU unit's table memory port
(``cerite.hw.soc.mmu_unit``, "the table memory port"). Two implementations sit behind it:

``generic``
    An Amaranth ``memory.Memory`` (64 bits wide, 32-bit write granularity), one address shared
    by its read and write port. It starts zeroed. Any FPGA or simulator.
``ice40_spram``
    The four ``SB_SPRAM256KA`` single-port RAMs of an iCE40 UltraPlus (16384 x 16 bits each,
    128 KiB together), instantiated explicitly: Yosys does not infer SPRAM from an Amaranth
    memory, which always has an initial value. Block ``i`` holds bits ``16*i .. 16*i+15`` of
    every word. **Its contents are undefined at power-up**: the host clears the memory (the
    MMU unit's ``control.clear``) before use.

``auto`` (the default) picks ``ice40_spram`` when the platform given to ``elaborate`` is an iCE40
UltraPlus part (its ``device`` starts with ``"iCE40UP"``) and the memory fits (``words`` <=
16384), else ``generic``; :meth:`TableRam.kind_for` says which.
"""

from amaranth.hdl import ClockSignal, Const, Instance, Module, Mux, Signal
from amaranth.lib import memory, wiring
from amaranth.lib.wiring import In, Out

__all__ = ["TableRam", "KINDS", "SPRAM_WORDS", "MAX_WORDS"]

#: Accepted values of ``kind``.
KINDS = ("auto", "generic", "ice40_spram")
#: Words of the SPRAM kind at most: the depth of one SB_SPRAM256KA (four side by side, 64 bits).
SPRAM_WORDS = 16384
#: Words of the generic kind at most (16 MiB).
MAX_WORDS = 1 << 21


class TableRam(wiring.Component):
    """Single-port table RAM of ``words`` 64-bit words (a power of two, 2 .. 2**21; at most
    16384 for ``kind="ice40_spram"``).

    Ports:

    - ``addr`` (in): the word of this cycle's access.
    - ``re`` (in): read word ``addr``; ``rdata`` holds it in the next cycle, when ``rvalid`` is 1.
    - ``we`` (in): write the 32-bit halves of ``wdata`` that ``wmask`` selects (bit 0 the low
      half, bit 1 the high half) to word ``addr``.
    - ``rdata``, ``rvalid`` (out): read data, valid only in the cycle after a read
      (``rvalid`` is ``re`` registered, reset to 0).

    Contract: ``re`` and ``we`` are never 1 in the same cycle (the MMU unit guarantees it); what
    happens if they are is undefined, and so is ``rdata`` while ``rvalid`` is 0. The generic kind
    starts zeroed, the SPRAM kind with undefined contents (the host clears it before use).
    Clocked by the ``sync`` domain.
    """

    def __init__(self, words, *, kind="auto"):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(map(repr, KINDS))}, not {kind!r}")
        if not isinstance(words, int) or isinstance(words, bool):
            raise ValueError(f"words must be an integer, not {words!r}")
        if words < 2 or words > MAX_WORDS or words & (words - 1):
            raise ValueError(f"words must be a power of two from 2 to {MAX_WORDS}, not {words}")
        if kind == "ice40_spram" and words > SPRAM_WORDS:
            raise ValueError(f"words must be at most {SPRAM_WORDS} for kind 'ice40_spram' (four "
                             f"SB_SPRAM256KA blocks), not {words}")
        self._words = words
        self._kind = kind
        super().__init__({
            "addr": In(range(words)),
            "re": In(1),
            "we": In(1),
            "wmask": In(2),
            "wdata": In(64),
            "rdata": Out(64),
            "rvalid": Out(1),
        })

    @property
    def words(self):
        """Depth in 64-bit words."""
        return self._words

    @property
    def kind(self):
        """The kind asked for (``"auto"``, ``"generic"`` or ``"ice40_spram"``)."""
        return self._kind

    def kind_for(self, platform):
        """The kind elaborated for ``platform`` (``None`` or an object with ``device``):
        ``"generic"`` or ``"ice40_spram"``."""
        if self._kind != "auto":
            return self._kind
        device = getattr(platform, "device", "") or ""
        if isinstance(device, str) and device.startswith("iCE40UP") \
                and self._words <= SPRAM_WORDS:
            return "ice40_spram"
        return "generic"

    def elaborate(self, platform):
        m = Module()
        # rvalid: re registered, the same for both kinds (each answers after exactly one cycle)
        m.d.sync += self.rvalid.eq(self.re)

        if self.kind_for(platform) == "generic":
            # one address for both ports: a single-port RAM
            # (named "storage": a memory called "ram" inside the MMU unit's "ram" would hide the
            # instance's name in the generated Verilog)
            m.submodules.storage = ram = memory.Memory(shape=64, depth=self._words, init=[])
            wp = ram.write_port(granularity=32)
            rp = ram.read_port()
            m.d.comb += [wp.addr.eq(self.addr), wp.data.eq(self.wdata),
                         wp.en.eq(Mux(self.we, self.wmask, 0)),
                         rp.addr.eq(self.addr), rp.en.eq(self.re),
                         self.rdata.eq(rp.data)]
            return m

        address = Signal(14)
        m.d.comb += address.eq(self.addr)           # zero-extended to the SPRAM's 14 bits
        for i in range(4):
            wren = Signal(name=f"spram{i}_wren")
            m.d.comb += wren.eq(self.we & self.wmask[i // 2])
            m.submodules[f"spram{i}"] = Instance(
                "SB_SPRAM256KA",
                i_ADDRESS=address,
                i_DATAIN=self.wdata[16 * i:16 * i + 16],
                i_MASKWREN=Const(0b1111, 4),
                i_WREN=wren,
                i_CHIPSELECT=self.re | wren,
                i_CLOCK=ClockSignal("sync"),
                i_STANDBY=Const(0, 1),
                i_SLEEP=Const(0, 1),
                i_POWEROFF=Const(1, 1),             # active low: powered
                o_DATAOUT=self.rdata[16 * i:16 * i + 16],
            )
        return m
