"""Sv39 radix page tables from a mapping list, written into a memory image.

Implements the page-table format of the RISC-V Privileged Architecture, section "Sv39": three
levels of 4 KiB tables of 512 eight-byte PTEs, indexed by ``VPN[2] = va[38:30]``,
``VPN[1] = va[29:21]`` and ``VPN[0] = va[20:12]``. A pointer PTE has ``V = 1, R = W = X = 0`` (and
``U = G = A = D = 0``); a leaf PTE carries the mapping's R/W/X/U/G/A/D bits. 1 GiB pages are
leaves in the root (level 2) table, 2 MiB pages leaves at level 1. This is the fallback walk of the
learned MMU (docs/lvm-format.md); the golden model in :mod:`cerite.lvm.golden` walks these tables.
"""

import dataclasses

from .mapping import validate_mappings

__all__ = ["PTE_V", "PTE_R", "PTE_W", "PTE_X", "PTE_U", "PTE_G", "PTE_A", "PTE_D",
           "RadixResult", "build_radix", "vpn_parts"]

PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_G, PTE_A, PTE_D = (1 << i for i in range(8))
_TABLE_BYTES = 4096


def vpn_parts(vpn):
    """``(VPN[2], VPN[1], VPN[0])`` of a 27-bit VPN."""
    return (vpn >> 18) & 511, (vpn >> 9) & 511, vpn & 511


@dataclasses.dataclass(frozen=True)
class RadixResult:
    """What the MMU registers need: ``satp_ppn`` (root table PPN) and ``[pt_base, pt_limit)``,
    the smallest range holding every table written; ``stats`` counts tables and PTEs."""

    satp_ppn: int
    pt_base: int
    pt_limit: int
    stats: dict


def build_radix(mappings, image, *, region="pt"):
    """Write Sv39 tables for ``mappings`` into ``image`` and return a :class:`RadixResult`.

    ``mappings`` is validated (:func:`~cerite.lvm.mapping.validate_mappings`); the tables are
    allocated, 4 KiB aligned, in the image region named ``region``, which must exist
    (``image.region(name, base, size)``). Raises ``KeyError`` for a missing region and
    :class:`~cerite.lvm.memory.RegionFullError` when the tables do not fit.
    """
    if not isinstance(region, str):
        raise TypeError(f"region must be a str, not {type(region).__name__}")
    maps = validate_mappings(mappings)
    pt = image.region(region)
    tables = {}  # (level, vpn prefix) -> table byte address

    def table(level, prefix):
        addr = tables.get((level, prefix))
        if addr is None:
            addr = pt.alloc(_TABLE_BYTES, 4096)
            tables[(level, prefix)] = addr
        return addr

    root = table(2, 0)
    leaves = [0, 0, 0]
    for m in maps:
        parts = vpn_parts(m.vpn)
        addr = root
        for level in (2, 1, 0):
            slot = addr + 8 * parts[2 - level]
            if level == m.size:
                image.write_word(slot, m.pte())
                leaves[level] += 1
                break
            prefix = m.vpn >> (9 * level)
            child = (level - 1, prefix)
            if child not in tables:
                image.write_word(slot, (table(*child) >> 12) << 10 | PTE_V)
            addr = tables[child]
    addrs = sorted(tables.values())
    stats = {"tables": len(addrs), "tables_by_level": [
        sum(1 for (lvl, _) in tables if lvl == level) for level in (0, 1, 2)],
        "leaves_by_level": leaves, "bytes": _TABLE_BYTES * len(addrs)}
    return RadixResult(root >> 12, addrs[0], addrs[-1] + _TABLE_BYTES, stats)
