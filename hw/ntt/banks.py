"""Conflict-free bank mapping of one polynomial slot of the NTT butterfly array.

Implements the banking of ``spec``: docs/ntt.md, "Hardware shape": a slot of ``N`` coefficients is
spread over ``2B`` banks (``B`` = lanes) of ``N / 2B`` rows each,

- ``bank(a) = (a mod B) + B * parity(a >> log2 B)``,
- ``row(a)  = a >> (log2 B + 1)``,

so that one *row* holds the ``2B`` consecutive addresses ``[2B*row, 2B*row + 2B)``, with its low
``B`` addresses in bank half ``parity(row)`` and its high ``B`` addresses in the other half.

The array reads and writes whole halves: every cycle it computes a *swap* bit and one row per
half, undoes the swap to get ``2B`` *logical positions*, and routes logical positions to lanes by
:func:`lane_positions`. This module holds those pure functions; they are the reference for the
address generator (:mod:`.agu`), the crossbars in :mod:`.array` and the tests.
"""

__all__ = [
    "parity", "insert_zero", "remove_bit",
    "bank_of", "row_of", "address_of", "lane_positions", "lane_of_position",
]


def parity(value):
    """Return the XOR of all bits of the non-negative integer ``value`` (0 or 1)."""
    return bin(value).count("1") & 1


def insert_zero(value, bit):
    """Return ``value`` with a 0 inserted at bit position ``bit`` (higher bits move up by one)."""
    low = value & ((1 << bit) - 1)
    return ((value >> bit) << (bit + 1)) | low


def remove_bit(value, bit):
    """Return ``value`` with bit position ``bit`` removed (higher bits move down by one)."""
    low = value & ((1 << bit) - 1)
    return ((value >> (bit + 1)) << bit) | low


def _log2(lanes):
    if lanes < 1 or lanes & (lanes - 1):
        raise ValueError(f"lanes must be a power of two, not {lanes}")
    return lanes.bit_length() - 1


def bank_of(address, lanes):
    """Return the bank, in ``[0, 2*lanes)``, that holds coefficient ``address``."""
    lb = _log2(lanes)
    return (address & (lanes - 1)) + lanes * parity(address >> lb)


def row_of(address, lanes):
    """Return the row, within its bank, of coefficient ``address``."""
    return address >> (_log2(lanes) + 1)


def address_of(bank, row, lanes):
    """Inverse of (:func:`bank_of`, :func:`row_of`): the address stored at ``(bank, row)``."""
    lb = _log2(lanes)
    half = (bank >> lb) ^ parity(row)  # which B-aligned half of the 2B-address row
    return (((row << 1) | half) << lb) | (bank & (lanes - 1))


def lane_positions(lanes, sp):
    """Return ``[(u, v), ...]``: the logical positions lane ``l`` reads as ``U`` and ``V``.

    ``sp = min(s, log2 B)`` for a butterfly stage of distance ``t = 2**s``: ``u = insert_zero(l,
    sp)`` and ``v = u + 2**sp``. ``sp = log2 B`` is also the element-wise (multiply) mapping, where
    lane ``l`` takes logical position ``l`` (and ``v = l + B`` is unused).
    """
    lb = _log2(lanes)
    if not 0 <= sp <= lb:
        raise ValueError(f"sp must be in 0..{lb}, not {sp}")
    return [(insert_zero(lane, sp), insert_zero(lane, sp) + (1 << sp)) for lane in range(lanes)]


def lane_of_position(position, sp):
    """Return ``(lane, side)``: the lane output (side 0 = ``U``, 1 = ``V``) owning ``position``."""
    return remove_bit(position, sp), (position >> sp) & 1
