"""Fault injection on the host link: a transport that damages the byte stream of another.

Used by the driver's fault tests (``tests/test_soc_driver.py``) and by the link campaign
(:mod:`cerite.assurance.campaigns`); the damage kinds are those of ``spec/soc.md``, "Host link
protocol": flipped bits, dropped and duplicated bytes, and a stalled device.
"""

import random
import time

from ..driver.transport import Transport

__all__ = ["FAULT_KINDS", "FaultyTransport"]

#: What one injected fault does to one byte of a frame or chunk.
FAULT_KINDS = ("flip", "drop", "dup")


class FaultyTransport(Transport):
    """Damages the byte stream of ``inner``, one byte per injected fault.

    ``plan`` maps ``("request", n)`` (the n-th ``write``) or ``("response", n)`` (the n-th
    non-empty ``read``) to a kind of :data:`FAULT_KINDS`; ``rate`` (settable at any time) damages
    any frame or chunk at random with that probability, requests only when
    ``damage_requests``. Setting ``stalled`` makes the device look dead: every byte it sends is
    swallowed. ``damaged`` lists ``(where, kind)`` of every fault injected. A response chunk that
    a fault empties is not returned: the next one is read.
    """

    def __init__(self, inner, *, plan=None, rate=0.0, seed=0, damage_requests=True):
        self.inner = inner
        self.default_timeout = inner.default_timeout
        self.plan = dict(plan or {})
        self.rate = rate
        self.damage_requests = damage_requests
        self.rng = random.Random(seed)
        self.writes = self.reads = 0
        self.damaged = []
        self.stalled = False

    def _damage(self, data, where):
        if not data:
            return data
        kind = self.plan.pop(where, None)
        if kind is not None:
            if kind not in FAULT_KINDS:
                raise ValueError(f"fault kind must be one of {', '.join(FAULT_KINDS)}, "
                                 f"not {kind!r}")
            i = self.rng.randrange(len(data))
        elif (self.rate and (where[0] == "response" or self.damage_requests)
                and self.rng.random() < self.rate):
            i = self.rng.randrange(len(data))
            kind = self.rng.choice(FAULT_KINDS)
        else:
            return data
        data = bytearray(data)
        if kind == "flip":
            data[i] ^= 1 << self.rng.randrange(8)
        elif kind == "drop":
            del data[i]
        else:
            data.insert(i, data[i])
        self.damaged.append((where, kind))
        return bytes(data)

    def write(self, data):
        data = self._damage(data, ("request", self.writes))
        self.writes += 1
        self.inner.write(data)

    def read(self, size, timeout):
        deadline = time.monotonic() + timeout
        while True:
            data = self.inner.read(size, max(0.0, deadline - time.monotonic()))
            if data and self.stalled:
                continue
            if not data:
                return b""
            data = self._damage(data, ("response", self.reads))
            self.reads += 1
            if data:
                return data

    def transfer_time(self, nbytes):
        return self.inner.transfer_time(nbytes)

    def discard_input(self):
        self.inner.discard_input()

    def close(self):
        self.inner.close()
