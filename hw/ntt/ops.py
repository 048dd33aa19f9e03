"""Operations of the NTT butterfly array: codes, error causes and the pass schedule of each.

Implements the operations of ``spec``: docs/ntt.md ("Math and conventions", "Hardware shape",
"Cycle bound"). Every data operation is a sequence of *passes*; a pass issues one token per cycle
(``B`` butterflies or ``B`` element-wise products), the tokens flow down a fixed pipeline and
write back ``hazard_distance(latency)`` cycles after issue. Between passes the issue stalls only
where a read of the next pass would otherwise overtake a write of an earlier one
(:func:`op_passes` computes those gaps exactly, address by address), so stages overlap wherever
the data allow; the schedule never depends on data values.

- ``NTT``: ``log2 N`` Cooley-Tukey stages, ``s = log2 N - 1 .. 0`` (``t = 2**s``), ``N/2B`` tokens.
- ``INTT``: ``log2 N`` Gentleman-Sande stages, ``s = 0 .. log2 N - 1``, then one element-wise pass
  over ``[0, N/2)`` multiplying by ``N**-1``; the upper half gets its ``N**-1`` through the last
  stage's twiddle, which the context stores premultiplied (:mod:`.context`).
- ``PWMUL``: one element-wise pass ``A[i] = A[i] * B[i]``, ``N/B`` tokens.
- ``LOAD`` / ``UNLOAD``: one element-wise pass from / to the stream, multiplying by the context's
  ``to_domain`` constant / by 1 (the conversion into / out of the Montgomery domain).
- ``CONTEXT``: takes the stream into the context registers and twiddle banks (no passes).
"""

import enum
from dataclasses import dataclass, replace

import numpy as np

__all__ = [
    "Op", "Cause", "Mode", "Operand", "Pass",
    "hazard_distance", "op_passes", "compute_cycles",
]


class Op(enum.IntEnum):
    """Command codes on the ``op`` port."""

    LOAD = 1        #: stream ``N`` coefficients (natural order) into slot ``slot_a``
    UNLOAD = 2      #: stream slot ``slot_a`` out (natural order)
    NTT = 3         #: forward NTT of slot ``slot_a`` in place: natural in, bit-reversed out
    INTT = 4        #: inverse NTT of ``slot_a`` in place: bit-reversed in, natural out, * N**-1
    PWMUL = 5       #: ``slot_a[i] = slot_a[i] * slot_b[i] mod q``
    CONTEXT = 6     #: stream one limb's context words (see :mod:`.context`)


class Cause(enum.IntEnum):
    """Error causes on the ``cause`` port (the first error since the last accepted command)."""

    NONE = 0
    BUSY = 1        #: start while busy; the command was ignored, the running one goes on
    BAD_OP = 2      #: op code is not one of :class:`Op`; ignored
    BAD_SLOT = 3    #: slot_a (or slot_b for PWMUL) >= slots; ignored
    NO_CONTEXT = 4  #: a data operation before a valid context was loaded; ignored
    RANGE = 5       #: a streamed coefficient or twiddle was >= q (operation completed anyway)
    CONTEXT = 6     #: bad context header; the context is marked invalid
    ABORTED = 7     #: the running operation was aborted; slot contents are undefined


class Mode(enum.IntEnum):
    """What a lane computes with operands ``U``, ``V`` and multiplier operand ``W``."""

    CT = 0          #: ``(U + V*W, U - V*W)``
    GS = 1          #: ``(U + V, (U - V)*W)``
    MUL = 2         #: ``U * W``


class Operand(enum.IntEnum):
    """Where the multiplier operand ``W`` of a pass comes from."""

    TWIDDLE = 0
    SLOT_B = 1
    N_INV = 2
    TO_DOMAIN = 3
    ONE = 4


@dataclass(frozen=True)
class Pass:
    """One pass: ``tokens`` issue cycles of ``mode``, then ``gap`` cycles without issue."""

    mode: Mode
    s: int
    tokens: int
    operand: Operand
    from_stream: bool = False
    to_stream: bool = False
    gap: int = 0


def hazard_distance(latency):
    """Cycles from a token's issue to the first issue whose read sees the token's write.

    Issue (cycle ``x``) -> address register (``x+1``) -> read data and lane routing (``x+2``) ->
    lane input register (``x+3``) -> multiplier (``latency``) -> lane output register, which
    drives the write ports (``x + latency + 4``); a read issued in cycle ``y`` samples the banks
    at the end of cycle ``y + 1``.
    """
    return latency + 4


def _raw_passes(op, log_n, lanes):
    n = 1 << log_n
    bf = n // (2 * lanes)
    if op == Op.NTT:
        return [Pass(Mode.CT, s, bf, Operand.TWIDDLE) for s in reversed(range(log_n))]
    if op == Op.INTT:
        return ([Pass(Mode.GS, s, bf, Operand.TWIDDLE) for s in range(log_n)]
                + [Pass(Mode.MUL, 0, bf, Operand.N_INV)])
    if op == Op.PWMUL:
        return [Pass(Mode.MUL, 0, n // lanes, Operand.SLOT_B)]
    if op == Op.LOAD:
        return [Pass(Mode.MUL, 0, n // lanes, Operand.TO_DOMAIN, from_stream=True)]
    if op == Op.UNLOAD:
        return [Pass(Mode.MUL, 0, n // lanes, Operand.ONE, to_stream=True)]
    raise ValueError(f"op must be one of LOAD, UNLOAD, NTT, INTT, PWMUL, not {op!r}")


def _token_of(p, log_n, lanes):
    """Return ``(addresses, token index of each)`` that pass ``p`` touches in its slot."""
    lb = lanes.bit_length() - 1
    if p.mode == Mode.MUL:
        addr = np.arange(p.tokens * lanes)
        return addr, addr >> lb
    addr = np.arange(1 << log_n)
    low = addr & ((1 << p.s) - 1)
    butterfly = ((addr >> (p.s + 1)) << p.s) | low   # remove bit s
    return addr, butterfly >> lb


def op_passes(op, *, log_n, lanes, latency):
    """Return the passes of ``op`` with the exact hazard gaps filled in.

    A pass starts as soon as every address it reads was written by earlier passes at least
    :func:`hazard_distance` cycles before the read's issue; the gap after a pass is the number
    of cycles the issue waits for that (0 where stages simply overlap).
    """
    passes = _raw_passes(op, log_n, lanes)
    distance = hazard_distance(latency)
    last_write = np.full(1 << log_n, -(10 ** 9), dtype=np.int64)
    start = 0
    gaps = []
    for k, p in enumerate(passes):
        addr, tok = _token_of(p, log_n, lanes)
        need = start
        if not p.from_stream:
            need = max(start, int(np.max(last_write[addr] + distance - tok)))
        if k:
            gaps.append(need - start)
        start = need
        if not p.to_stream:
            last_write[addr] = start + tok
        start += p.tokens
    gaps.append(0)
    return tuple(replace(p, gap=g) for p, g in zip(passes, gaps))


def compute_cycles(op, *, log_n, lanes, latency):
    """Busy cycles of ``NTT``, ``INTT`` or ``PWMUL`` (from the cycle after the accepted start
    strobe to the last cycle before ``done``): issue cycles + gaps + ``hazard_distance + 1``."""
    if op not in (Op.NTT, Op.INTT, Op.PWMUL):
        raise ValueError(f"op must be NTT, INTT or PWMUL, not {op!r}")
    passes = op_passes(op, log_n=log_n, lanes=lanes, latency=latency)
    return sum(p.tokens + p.gap for p in passes) + hazard_distance(latency) + 1
