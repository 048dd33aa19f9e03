# amaranth: UnusedElaboratable=no
# (A unit is often made for its register map only, never elaborated; its array need not warn.)
"""The NTT butterfly array as a unit of the SoC: command and status registers, a coefficient window.

Puts :class:`cerite.hw.ntt.array.NTTArray` (docs: the module docstring of ``hw/ntt/array.py``)
on the internal bus (``spec/soc.md``, "System on chip"). One product limb is the command sequence
of that docstring; the host driver is :class:`cerite.driver.ntt.NttInterface`.

Registers (word offsets in the ``ntt`` cluster):

=========== ============================================================================
control     ``start`` (W1S) with ``op``, ``slot_a``, ``slot_b`` (W: taken from the same
            write), ``abort`` (W1S). Write ``op``, the slots and ``start = 1`` in one word.
status      ``busy``, ``done``, ``error``, ``cause``, ``ctx_valid`` (R)
cycles      busy cycles of the last (or running) command (R)
butterflies_lo / _hi  butterflies since reset, 48 bits (R)
info        the array's :attr:`~cerite.hw.ntt.array.NTTArray.info_word` (CONST)
data        window, ``width`` bits: a write pushes one coefficient (or context word) into
            the array, a read pops one. A write waits while the array takes no input (it
            takes input only during LOAD and CONTEXT) and a read while it has no output
            (only during UNLOAD); the host link's bus timeout then fails the access with a
            bus timeout and the word is neither taken nor lost.
=========== ============================================================================
"""

from amaranth.lib.wiring import Out

from ..common.registers import (Access, Field, Parameter, Peripheral, Register,
                                RegisterMapBuilder, Window)
from ..ntt.array import NTTArray
from ..ntt.modmul import REDUCERS

__all__ = ["NttUnit"]


class NttUnit(Peripheral):
    """Bus unit wrapping one :class:`~cerite.hw.ntt.array.NTTArray` (``beat = 1``).

    Parameters
    ----------
    log_n, width, lanes, reducer, pipeline_depth, slots, dsp_width :
        Passed to :class:`NTTArray` (checked there); ``width`` is at most 32, so one
        coefficient is one bus word. The unit reports ``dsp_width`` (0 for none) and the
        array's cycle-count latency ``L`` (:attr:`NTTArray.latency`), from which the host
        computes every command's exact cycle count.
    name : str
        Cluster name (default ``"ntt"``).

    Members
    -------
    busy : Out(1)
        The array is running a command (the simulated board must not sleep).
    """

    def __init__(self, *, log_n, width, lanes, reducer, pipeline_depth=3, slots=2,
                 dsp_width=None, name="ntt"):
        self._array_args = dict(log_n=log_n, width=width, lanes=lanes, reducer=reducer,
                                pipeline_depth=pipeline_depth, slots=slots, beat=1,
                                dsp_width=dsp_width)
        self._array = NTTArray(**self._array_args)  # checks the parameters up front
        self._info = self._array.info_word
        b = RegisterMapBuilder(name=name, desc="NTT butterfly array (negacyclic NTT, one "
                               "RNS limb at a time)")
        b.add(Register("control", "Start or abort a command", fields={
            "start": Field(1, Access.W1S, "Writing 1 starts the command in op, slot_a, "
                           "slot_b of the same write"),
            "abort": Field(1, Access.W1S, "Writing 1 aborts the running command"),
            "op": Field(3, Access.W, "Operation: 1 LOAD, 2 UNLOAD, 3 NTT, 4 INTT, 5 PWMUL, "
                        "6 CONTEXT", bit=4),
            "slot_a": Field(4, Access.W, "First operand and result slot", bit=8),
            "slot_b": Field(4, Access.W, "Second operand slot (PWMUL)", bit=12),
        }))
        b.add(Register("status", "What the array is doing", fields={
            "busy": Field(1, Access.R, "A command is running"),
            "done": Field(1, Access.R, "The last command completed"),
            "error": Field(1, Access.R, "The last command (or a start) failed; see cause"),
            "cause": Field(3, Access.R, "0 none, 1 busy, 2 bad op, 3 bad slot, 4 no context, "
                           "5 range, 6 context, 7 aborted", bit=4),
            "ctx_valid": Field(1, Access.R, "A valid context is loaded", bit=8),
        }))
        b.add(Register("cycles", "Busy cycles of the last or running command", fields={
            "cycles": Field(32, Access.R, "Cycles, saturating")}))
        b.add(Register("butterflies_lo", "Butterflies since reset, bits 0..31", fields={
            "count": Field(32, Access.R, "Low 32 bits of the butterfly count")}))
        b.add(Register("butterflies_hi", "Butterflies since reset, bits 32..47", fields={
            "count": Field(16, Access.R, "High 16 bits of the butterfly count")}))
        b.add(Register("info", "Elaboration parameters of the array (NTTArray.info_word)",
                       fields={"info": Field(32, Access.CONST, "The info word",
                                             init=self._info)}))
        b.add(Window("data", "Coefficients or context words: a write pushes one into the "
                     "array (LOAD, CONTEXT), a read pops one (UNLOAD)", width=width))
        super().__init__(b.build(), parameters=[
            Parameter("log_n", log_n, "log2 of the NTT size N"),
            Parameter("width", width, "Coefficient width in bits; moduli q < 2**width"),
            Parameter("lanes", lanes, "Butterflies working in parallel"),
            Parameter("reducer", REDUCERS.index(reducer),
                      "Modular reducer: 0 barrett, 1 montgomery, 2 solinas"),
            Parameter("pipeline_depth", pipeline_depth, "Multiplier pipeline depth (cycles)"),
            Parameter("slots", slots, "Polynomial slots"),
            Parameter("dsp_width", dsp_width or 0,
                      "Products split into DSP blocks of this width (0: not split)"),
            Parameter("latency", self._array.latency,
                      "L of the cycle counts: the multiplier latency plus what dsp_width adds"),
        ], members={"busy": Out(1)})

    @property
    def info_word(self):
        return self._info

    def elaborate(self, platform):
        m = super().elaborate(platform)
        regs = self.regs
        m.submodules.array = array = self._array
        control = regs.control
        m.d.comb += [
            array.start.eq(control.start.pulse),
            array.cancel.eq(control.abort.pulse),
            array.op.eq(control.op.w_data),
            array.slot_a.eq(control.slot_a.w_data),
            array.slot_b.eq(control.slot_b.w_data),
            regs.status.busy.r_data.eq(array.busy),
            regs.status.done.r_data.eq(array.done),
            regs.status.error.r_data.eq(array.error),
            regs.status.cause.r_data.eq(array.cause),
            regs.status.ctx_valid.r_data.eq(array.ctx_valid),
            regs.cycles.cycles.r_data.eq(array.cycles),
            regs.butterflies_lo.count.r_data.eq(array.butterflies[:32]),
            regs.butterflies_hi.count.r_data.eq(array.butterflies[32:48]),
            self.busy.eq(array.busy),
            # coefficients in: back-pressure holds the bus access until the array takes it
            array.i.valid.eq(regs.data.w.valid),
            array.i.payload.eq(regs.data.w.payload),
            regs.data.w.ready.eq(array.i.ready),
            # coefficients out
            regs.data.r.valid.eq(array.o.valid),
            regs.data.r.payload.eq(array.o.payload),
            array.o.ready.eq(regs.data.r.ready),
        ]
        return m
