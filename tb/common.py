"""Shared cocotb pieces for every cerite testbench: parameters, clock/reset, stream models.

Streams follow ``amaranth.lib.stream`` (``<name>__valid``, ``<name>__ready``, ``<name>__payload``;
a beat transfers on a rising edge where both valid and ready are high). The source and sink below
sample the handshake in the read-only phase before each edge, so they never race the design.
Payloads are plain integers; :func:`pack` / :func:`unpack` convert arrays of fixed-width fields.

Functional coverage: :func:`cover` counts named points (``"mmu.fault", "page"``); the stream models
count back-pressure and stalls on every stream by themselves. When the run was started with a
coverage folder (:func:`cerite.sim.cocotb.run_cocotb`), the counts are written as JSON to
``$CERITE_FUNCTIONAL_OUT`` when the simulation ends.
"""

import atexit
import collections
import json
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

__all__ = ["param", "start", "random_pattern", "StreamSource", "StreamSink", "pack", "unpack",
           "CLOCK_PERIOD_NS", "cover", "coverage_points"]

CLOCK_PERIOD_NS = 10

_points = collections.Counter()


def cover(group, point, count=1):
    """Count ``count`` hits of functional coverage point ``point`` of ``group``."""
    _points[(str(group), str(point))] += count


def coverage_points():
    """The points counted so far: ``{group: {point: hits}}``."""
    out = {}
    for (group, point), hits in sorted(_points.items()):
        out.setdefault(group, {})[point] = hits
    return out


def _write_points():
    path = os.environ.get("CERITE_FUNCTIONAL_OUT")
    if path and _points:
        with open(path, "w") as handle:
            json.dump(coverage_points(), handle, indent=1, sort_keys=True)


atexit.register(_write_points)


def param(name, cast=int, default=None):
    """Read design parameter ``name`` passed by :func:`cerite.sim.cocotb.run_cocotb`."""
    raw = os.environ.get(f"PARAM_{name.upper()}")
    if raw is None:
        if default is None:
            raise KeyError(f"parameter {name!r} was not passed to this testbench "
                           f"(expected environment variable PARAM_{name.upper()})")
        return default
    if cast is bool:
        return raw not in ("0", "False", "false", "")
    return cast(raw)


async def start(dut, *, reset_cycles=2):
    """Start a clock on ``dut.clk`` and pulse ``dut.rst``; returns after the first active edge."""
    Clock(dut.clk, CLOCK_PERIOD_NS, unit="ns").start()
    dut.rst.value = 1
    await ClockCycles(dut.clk, reset_cycles)
    dut.rst.value = 0
    await RisingEdge(dut.clk)


def random_pattern(seed, p):
    """An endless iterator of booleans, each True with probability ``p`` (deterministic by seed)."""
    rng = random.Random(seed)
    while True:
        yield rng.random() < p


def pack(values, width):
    """Pack integers (element 0 in the low bits) into one integer of ``len(values) * width`` bits."""
    word = 0
    for i, value in enumerate(values):
        value = int(value)
        if not 0 <= value < 1 << width:
            raise ValueError(f"value {value} does not fit {width} bits")
        word |= value << (i * width)
    return word


def unpack(word, width, count):
    """Inverse of :func:`pack`."""
    word = int(word)
    mask = (1 << width) - 1
    return [(word >> (i * width)) & mask for i in range(count)]


class StreamSource:
    """Drives ``<prefix>__valid`` / ``__payload`` of a design's input stream.

    ``idle`` is an optional iterator of booleans: before each beat, while it yields True, the
    source holds valid low for a cycle (random idle cycles on the input).
    """

    def __init__(self, dut, prefix, *, idle=None):
        self.clk = dut.clk
        self.valid = getattr(dut, f"{prefix}__valid")
        self.ready = getattr(dut, f"{prefix}__ready")
        self.payload = getattr(dut, f"{prefix}__payload")
        self.idle = idle
        self.prefix = prefix
        self.valid.value = 0
        self.sent = 0

    async def send(self, payload):
        """Offer one beat and return on the edge that transfers it. Call after a rising edge."""
        if self.idle is not None:
            while next(self.idle):
                self.valid.value = 0
                await RisingEdge(self.clk)
        self.valid.value = 1
        self.payload.value = int(payload)
        while True:
            await ReadOnly()
            fire = bool(self.ready.value)
            await RisingEdge(self.clk)
            if fire:
                break
            cover("stream.stalled_by_design", self.prefix)
        self.valid.value = 0
        self.sent += 1

    async def send_all(self, payloads):
        for payload in payloads:
            await self.send(payload)


class StreamSink:
    """Accepts beats from ``<prefix>__valid`` / ``__payload`` of a design's output stream.

    ``backpressure`` is an optional iterator of booleans: in a cycle where it yields True the sink
    holds ready low. Ready is high only while :meth:`recv` waits, so no beat is ever dropped.
    """

    def __init__(self, dut, prefix, *, backpressure=None):
        self.clk = dut.clk
        self.valid = getattr(dut, f"{prefix}__valid")
        self.ready = getattr(dut, f"{prefix}__ready")
        self.payload = getattr(dut, f"{prefix}__payload")
        self.backpressure = backpressure
        self.prefix = prefix
        self.ready.value = 0
        self.received = 0

    async def recv(self):
        """Wait for one beat and return its payload as an int. Call after a rising edge."""
        while True:
            stall = self.backpressure is not None and next(self.backpressure)
            self.ready.value = 0 if stall else 1
            await ReadOnly()
            fire = not stall and bool(self.valid.value)
            if stall and self.valid.value:
                cover("stream.backpressure", self.prefix)
            data = int(self.payload.value) if fire else None
            await RisingEdge(self.clk)
            if fire:
                self.ready.value = 0
                self.received += 1
                return data

    async def recv_n(self, count):
        return [await self.recv() for _ in range(count)]


def soon(coroutine):
    """Start ``coroutine`` concurrently (a thin alias of ``cocotb.start_soon`` for testbenches)."""
    return cocotb.start_soon(coroutine)
