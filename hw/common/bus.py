"""The SoC's internal bus: one initiator (the host link), word addresses, 32-bit data.

Our own minimal bus, after the single-initiator, handshake-per-access style of Wishbone classic
(see ``spec/soc.md``, "System on chip"). One access at a time:

- the initiator raises ``r_stb`` or ``w_stb`` (never both) with ``addr`` (and ``w_data``) and holds
  them unchanged until it sees ``ack``;
- the target raises ``ack`` in the cycle the access completes; ``r_data`` and ``err`` are valid in
  that cycle only. Side effects (a register update, a FIFO push or pop) happen at the end of that
  cycle and only then, so a cycle without ``ack`` changes nothing;
- ``ack`` may be combinational (same cycle as the strobe) or come any number of cycles later;
- the initiator bounds the wait: if no ``ack`` arrives in its timeout it drops the strobe and the
  access has not happened (a target must not complete an access whose strobe is gone);
- an address with nothing behind it is answered at once with ``ack`` and ``err = UNMAPPED``, never
  left waiting.

Back-to-back accesses are allowed: the cycle after an ``ack`` may carry the next strobe.
"""

from amaranth.lib import enum, wiring
from amaranth.lib.wiring import In, Out

__all__ = ["BusError", "BusSignature"]


class BusError(enum.Enum, shape=2):
    """Why an access failed; valid with ``ack``."""
    #: The access completed.
    NONE = 0
    #: No register or window at the address.
    UNMAPPED = 1
    #: The address exists but does not allow the access (write to read-only, read of write-only).
    DENIED = 2
    #: The target reported a failure of its own.
    FAILED = 3


class BusSignature(wiring.Signature):
    """The internal bus, from the initiator's side.

    Parameters
    ----------
    addr_width : int
        Word address bits, 0..32 (0: a target with a single word).
    data_width : int
        Data bits, 1..32.

    Members
    -------
    addr : Out(addr_width)
        Word address of the access.
    w_data : Out(data_width)
        Data of a write.
    w_stb : Out(1)
        Write request, held until ``ack``.
    r_stb : Out(1)
        Read request, held until ``ack``.
    r_data : In(data_width)
        Data of a read, valid with ``ack``.
    ack : In(1)
        The access completes in this cycle.
    err : In(BusError)
        Why it failed (``NONE`` if it did not), valid with ``ack``.
    """

    def __init__(self, *, addr_width, data_width=32):
        if isinstance(addr_width, bool) or not isinstance(addr_width, int) \
                or not 0 <= addr_width <= 32:
            raise ValueError(f"addr_width must be an integer in 0..32, not {addr_width!r}")
        if isinstance(data_width, bool) or not isinstance(data_width, int) \
                or not 1 <= data_width <= 32:
            raise ValueError(f"data_width must be an integer in 1..32, not {data_width!r}")
        self._addr_width = addr_width
        self._data_width = data_width
        super().__init__({
            "addr": Out(addr_width),
            "w_data": Out(data_width),
            "w_stb": Out(1),
            "r_stb": Out(1),
            "r_data": In(data_width),
            "ack": In(1),
            "err": In(BusError),
        })

    @property
    def addr_width(self):
        return self._addr_width

    @property
    def data_width(self):
        return self._data_width

    def __eq__(self, other):
        return (isinstance(other, BusSignature) and self.addr_width == other.addr_width
                and self.data_width == other.data_width)

    def __hash__(self):
        return hash((BusSignature, self._addr_width, self._data_width))

    def __repr__(self):
        return f"BusSignature(addr_width={self._addr_width}, data_width={self._data_width})"
