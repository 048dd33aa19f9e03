"""Fixed-point model nodes and gapped-page-table tags of the learned index: encoding, the exact
integer evaluation, and a read-back walk that checks a built index key by key.

Implements docs/lvm-format.md, sections "Model node" and "Gapped page table" (after *Learning to
Walk: Architecting Learned Virtual Memory Translation*, Zhao et al., MICRO 2025). A node is four
64-bit words::

    word 0   slope      unsigned, 20 fraction bits, 32 bits
    word 1   intercept  signed two's complement, 20 fraction bits, in [-2**47, 2**47)
    word 2   lo | hi << 32 (unsigned output clamp, lo <= hi)
    word 3   shift (5:0) | leaf << 8 | gpt_line << 16

and evaluates as ``idx = min(max((slope * (vpn >> shift) + intercept) >> 20, lo), hi)``. A GPT
slot is a tag word ``valid | size << 1 | vpn << 3`` and a Sv39 leaf PTE.

:func:`eval_node_array` evaluates one node on a numpy array of VPNs in ``int64``: the product is
below ``2**59`` and the sum below ``2**60``, so the result is exact, like the scalar form.
"""

import dataclasses

import numpy as np

__all__ = [
    "FRAC_BITS", "NODE_WORDS", "NODE_BYTES", "LINE_BYTES", "LINE_WORDS", "SLOTS_PER_LINE",
    "SLOT_BYTES", "MAX_SHIFT", "VPN_BITS", "SIZE_PAGES", "INTERCEPT_LIMIT",
    "ModelNode", "encode_node", "decode_node", "eval_node", "eval_node_array",
    "encode_tag", "decode_tag", "tag_matches", "size_mask",
    "IndexWalker", "verify_index",
]

FRAC_BITS = 20
NODE_WORDS = 4
NODE_BYTES = 32
LINE_BYTES = 64
LINE_WORDS = 8
SLOTS_PER_LINE = 4
SLOT_BYTES = 16
MAX_SHIFT = 27
VPN_BITS = 27
#: 4 KiB pages in a page of size code 0, 1, 2.
SIZE_PAGES = (1, 1 << 9, 1 << 18)
#: The intercept lies in ``[-INTERCEPT_LIMIT, INTERCEPT_LIMIT)``.
INTERCEPT_LIMIT = 1 << 47
_U32 = (1 << 32) - 1
_U64 = (1 << 64) - 1
_GPT_LINE_LIMIT = 1 << 48
_MAX_LEVELS = 3


def _check_int(name, value):
    if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return int(value)


@dataclasses.dataclass(frozen=True)
class ModelNode:
    """One model node (docs/lvm-format.md, "Model node"); fields are checked on construction.

    ``slope`` in ``[0, 2**32)``, ``intercept`` in ``[-2**47, 2**47)``, ``lo <= hi`` both below
    ``2**32``, ``shift`` in ``0..27``, ``gpt_line`` below ``2**48`` and 0 unless ``leaf``.
    """

    slope: int = 0
    intercept: int = 0
    lo: int = 0
    hi: int = 0
    shift: int = 0
    leaf: bool = False
    gpt_line: int = 0

    def __post_init__(self):
        for name in ("slope", "intercept", "lo", "hi", "shift", "gpt_line"):
            object.__setattr__(self, name, _check_int(name, getattr(self, name)))
        object.__setattr__(self, "leaf", bool(self.leaf))
        if not 0 <= self.slope <= _U32:
            raise ValueError(f"slope must be in [0, 2**32), not {self.slope}")
        if not -INTERCEPT_LIMIT <= self.intercept < INTERCEPT_LIMIT:
            raise ValueError(f"intercept must be in [-2**47, 2**47), not {self.intercept}")
        for name in ("lo", "hi"):
            if not 0 <= getattr(self, name) <= _U32:
                raise ValueError(f"{name} must be in [0, 2**32), not {getattr(self, name)}")
        if self.lo > self.hi:
            raise ValueError(f"lo must be <= hi, not {self.lo} > {self.hi}")
        if not 0 <= self.shift <= MAX_SHIFT:
            raise ValueError(f"shift must be in 0..27, not {self.shift}")
        if not 0 <= self.gpt_line < _GPT_LINE_LIMIT:
            raise ValueError(f"gpt_line must be in [0, 2**48), not {self.gpt_line}")
        if self.gpt_line and not self.leaf:
            raise ValueError(f"gpt_line must be 0 in an internal node, not {self.gpt_line}")

    def words(self):
        """The node's 4 words (:func:`encode_node`)."""
        return encode_node(self)

    def evaluate(self, vpn):
        """The output index for ``vpn`` (:func:`eval_node`)."""
        return eval_node(self, vpn)


def encode_node(node):
    """The 4 words of ``node`` (a :class:`ModelNode`), all other bits zero."""
    if not isinstance(node, ModelNode):
        raise TypeError(f"node must be a ModelNode, not {type(node).__name__}")
    return (node.slope, node.intercept & _U64, node.lo | node.hi << 32,
            node.shift | int(node.leaf) << 8 | node.gpt_line << 16)


def _words(words):
    words = tuple(words)
    if len(words) != NODE_WORDS:
        raise ValueError(f"a node is 4 words, not {len(words)}")
    out = []
    for w in words:
        w = _check_int("node word", w)
        if not 0 <= w <= _U64:
            raise ValueError(f"node words must be unsigned 64-bit, not {w:#x}")
        out.append(w)
    return out


def decode_node(words, *, strict=True):
    """The :class:`ModelNode` in 4 words.

    With ``strict`` (the default) every bit the doc requires to be zero must be zero and the
    fields must be valid (``ValueError`` naming the field otherwise); ``strict=False`` takes the
    fields as the walker does and ignores other bits (the fields must still form a valid node).
    """
    w0, w1, w2, w3 = _words(words)
    if strict:
        if w0 >> 32:
            raise ValueError(f"slope word has bits 63:32 set: {w0:#x}")
        if w3 & 0xFEC0:
            raise ValueError(f"word 3 has reserved bits 15:9 or 7:6 set: {w3:#x}")
    intercept = w1 - (1 << 64) if w1 >> 63 else w1
    return ModelNode(w0 & _U32, intercept, w2 & _U32, w2 >> 32, w3 & 63, bool(w3 >> 8 & 1),
                     w3 >> 16)


def eval_node(node, vpn):
    """``min(max((slope * (vpn >> shift) + intercept) >> 20, lo), hi)`` in exact integers.

    ``node`` is a :class:`ModelNode` or its 4 words (decoded as the walker does); ``vpn`` is a
    27-bit VPN.
    """
    if not isinstance(node, ModelNode):
        node = decode_node(node, strict=False)
    vpn = _check_int("vpn", vpn)
    if not 0 <= vpn < 1 << VPN_BITS:
        raise ValueError(f"vpn must be in [0, 2**27), not {vpn}")
    y = (node.slope * (vpn >> node.shift) + node.intercept) >> FRAC_BITS
    return min(max(y, node.lo), node.hi)


def eval_node_array(node, vpns):
    """:func:`eval_node` on every element of an integer array of VPNs (returns ``int64``)."""
    vpns = np.asarray(vpns, dtype=np.int64)
    x = vpns >> node.shift
    y = (np.int64(node.slope) * x + np.int64(node.intercept)) >> FRAC_BITS
    return np.clip(y, node.lo, node.hi)


def size_mask(size):
    """The VPN mask of page-size code ``size``: clears the low 0, 9 or 18 bits."""
    if size not in (0, 1, 2):
        raise ValueError(f"size must be 0, 1 or 2, not {size}")
    return ((1 << VPN_BITS) - 1) & ~(SIZE_PAGES[size] - 1)


def encode_tag(vpn, size):
    """The tag word of a valid GPT slot holding the page ``vpn`` of size code ``size``."""
    vpn = _check_int("vpn", vpn)
    mask = size_mask(size)
    if not 0 <= vpn < 1 << VPN_BITS:
        raise ValueError(f"vpn must be in [0, 2**27), not {vpn}")
    if vpn & ~mask:
        raise ValueError(f"vpn {vpn:#x} is not aligned to page size {size}")
    return 1 | size << 1 | vpn << 3


def decode_tag(word):
    """``(valid, size, vpn)`` of a tag word (bits 63:30 ignored)."""
    word = _check_int("tag", word)
    return bool(word & 1), (word >> 1) & 3, (word >> 3) & ((1 << VPN_BITS) - 1)


def tag_matches(word, vpn):
    """The walker's compare: ``valid and size != 3 and tag.vpn & mask == vpn & mask``."""
    valid, size, tag = decode_tag(word)
    if not valid or size == 3:
        return False
    mask = size_mask(size)
    return tag & mask == vpn & mask


class IndexWalker:
    """The learned walk of the doc, read from a memory image (no LWC, no PTE checks).

    ``root`` is the root node's 4 words, ``level_base`` the addresses of the level-1 and level-2
    node arrays, ``index_base``/``index_limit`` the region the walk may read. Decoded nodes are
    cached per address, so build a new walker after rewriting nodes.
    """

    def __init__(self, image, *, root, level_base, index_base, index_limit):
        self.image = image
        self.root = decode_node(root, strict=False)
        self.level_base = tuple(level_base)
        if len(self.level_base) != 2:
            raise ValueError(f"level_base must be 2 addresses, not {len(self.level_base)}")
        self.index_base = index_base
        self.index_limit = index_limit
        self._nodes = {}

    def _inside(self, addr, nbytes):
        return self.index_base <= addr and addr + nbytes <= self.index_limit

    def _node(self, addr):
        node = self._nodes.get(addr)
        if node is None:
            node = decode_node(self.image.read_burst(addr, NODE_WORDS), strict=False)
            self._nodes[addr] = node
        return node

    def path(self, vpn):
        """``(indices, line_addr)``: the output index of each node on the walk and the GPT line
        address read, or ``line_addr = None`` when the walk is a learned miss before the line
        (a non-leaf at level 2, a read outside the index region)."""
        node = self.root
        indices = []
        for level in range(_MAX_LEVELS):
            idx = eval_node(node, vpn)
            indices.append(idx)
            if node.leaf:
                addr = LINE_BYTES * (node.gpt_line + idx)
                return tuple(indices), addr if self._inside(addr, LINE_BYTES) else None
            if level == _MAX_LEVELS - 1:
                break
            addr = self.level_base[level] + NODE_BYTES * idx
            if not self._inside(addr, NODE_BYTES):
                break
            node = self._node(addr)
        return tuple(indices), None

    def lines(self, first, last):
        """The set of GPT line addresses (``None`` for a miss) the walk reads for the VPNs
        ``first..last``, found by bisection: the walk's index path is monotone in the VPN, so a
        range whose two ends take the same path takes it throughout."""
        out = set()
        stack = [(first, last, self.path(first), self.path(last))]
        while stack:
            lo, hi, plo, phi = stack.pop()
            if plo == phi:
                out.add(plo[1])
                continue
            if hi - lo == 1:
                out.add(plo[1])
                out.add(phi[1])
                continue
            mid = (lo + hi) // 2
            pmid = self.path(mid)
            stack.append((lo, mid, plo, pmid))
            stack.append((mid, hi, pmid, phi))
        return out

    def lookup(self, vpn):
        """``(slot_addr, tag, pte)`` of the first slot of the walk's line that matches ``vpn``,
        or ``None`` for a learned miss."""
        _, addr = self.path(vpn)
        if addr is None:
            return None
        return self._match(addr, vpn)

    def _match(self, addr, vpn):
        line = self.image.read_burst(addr, LINE_WORDS)
        for slot in range(SLOTS_PER_LINE):
            if tag_matches(line[2 * slot], vpn):
                return addr + SLOT_BYTES * slot, line[2 * slot], line[2 * slot + 1]
        return None

    def finds(self, mapping):
        """Whether every 4 KiB page of ``mapping`` (a :class:`~cerite.lvm.mapping.Mapping`)
        walks to a line whose first matching slot holds exactly its tag and PTE."""
        tag = encode_tag(mapping.vpn, mapping.size)
        pte = mapping.pte()
        last = mapping.vpn + SIZE_PAGES[mapping.size] - 1
        for addr in self.lines(mapping.vpn, last):
            if addr is None:
                return False
            hit = self._match(addr, mapping.vpn)
            if hit is None or hit[1:] != (tag, pte):
                return False
        return True


def verify_index(image, mappings, *, root, level_base, index_base, index_limit):
    """Walk the index in ``image`` for every mapping; return the list of mappings it does not
    find (for every 4 KiB page they cover, with the right tag and PTE). Overflow keys are in
    this list by design; anything else in it is a broken index."""
    walker = IndexWalker(image, root=root, level_base=level_base, index_base=index_base,
                         index_limit=index_limit)
    return [m for m in mappings if not walker.finds(m)]
