"""Combinational Sv39 PTE checks of the learned MMU (docs/lvm-format.md, "PTE checks").

The checks are those of the RISC-V Privileged Architecture, section "Sv39" (virtual address
translation process), restricted as the doc says: no Svpbmt and no Svnapot (bits 63:54 are
reserved), Svade (``A = 0``, or a store to a page with ``D = 0``, is a page fault). Every failing
check gives the same page fault, so the functions below return one fault bit; the order of the
doc only says which checks a path applies.
"""

from amaranth.hdl import Cat, Mux

from .layouts import Access

__all__ = ["PTE_V", "PTE_R", "PTE_W", "PTE_X", "PTE_U", "PTE_G", "PTE_A", "PTE_D",
           "pte_ppn", "pte_invalid", "permission_fault", "misaligned", "leaf_fault",
           "merge_ppn"]

PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_G, PTE_A, PTE_D = range(8)


def pte_ppn(pte):
    """The 44-bit PPN field (bits 53:10) of a PTE."""
    return pte[10:54]


def pte_invalid(pte):
    """Check 1: ``V = 0``, or ``R = 0 and W = 1``, or any reserved bit 63:54 set."""
    return ~pte[PTE_V] | (~pte[PTE_R] & pte[PTE_W]) | pte[54:64].any()


def permission_fault(*, r, w, x, u, a, d, access, user, sum_, mxr):
    """Checks 4 (permission, U/SUM/MXR) and 5 (Svade) for permission bits ``r`` ... ``d``.

    ``access`` uses :class:`Access`; the reserved value 3 is checked like a read.
    """
    is_write = access == Access.W
    is_fetch = access == Access.X
    allowed = Mux(is_fetch, x, Mux(is_write, w, r | (mxr & x)))
    user_fault = Mux(user, ~u, u & (is_fetch | ~sum_))
    svade_fault = ~a | (is_write & ~d)
    return ~allowed | user_fault | svade_fault


def misaligned(ppn, size):
    """Check 3: a 2 MiB page with ``PPN[0] != 0`` or a 1 GiB page with ``PPN[1:0] != 0``."""
    return ((size == 1) & ppn[0:9].any()) | ((size == 2) & ppn[0:18].any())


def leaf_fault(pte, size, *, gpt, access, user, sum_, mxr):
    """Checks 1-5 on a leaf PTE found at page size ``size``; ``gpt`` is 1 for a GPT slot.

    Check 2 (``R = W = X = 0`` is a pointer, not a leaf) applies to GPT slots only; the radix walk
    sends such PTEs down a level instead.
    """
    pointer = ~(pte[PTE_R] | pte[PTE_W] | pte[PTE_X])
    perm = permission_fault(
        r=pte[PTE_R], w=pte[PTE_W], x=pte[PTE_X], u=pte[PTE_U], a=pte[PTE_A], d=pte[PTE_D],
        access=access, user=user, sum_=sum_, mxr=mxr)
    return pte_invalid(pte) | (gpt & pointer) | misaligned(pte_ppn(pte), size) | perm


def merge_ppn(ppn, vpn, size):
    """The PPN of the 4 KiB frame: ``ppn`` with its low 9 (2 MiB) or 18 (1 GiB) bits taken
    from ``vpn``."""
    return Mux(size == 2, Cat(vpn[0:18], ppn[18:]),
               Mux(size == 1, Cat(vpn[0:9], ppn[9:]), ppn))
