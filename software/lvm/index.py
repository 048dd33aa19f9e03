"""The learned index builder: a tree of fixed-point linear models over the VPN and gapped page
tables (GPTs), written into a :class:`~cerite.lvm.memory.MemoryImage`.

Implements the index side of docs/lvm-format.md after *Learning to Walk: Architecting Learned
Virtual Memory Translation* (Zhao et al., MICRO 2025): at most three model levels (root in
registers, then two contiguous node arrays), leaves that map a VPN to a line of their own GPT,
one key per page (huge pages included), keys that do not fit their predicted line left out for
the radix walk, insertions by edge growth or by retraining one leaf.

How the tree is chosen
    The keys (sorted mappings) are cut into linear segments at an error bound (a greedy
    error-bounded piecewise-linear fit of rank against VPN, also cut where the page size changes
    or a large gap opens); the number of segments is the node's complexity estimate and the
    breaks between segments are where child boundaries should fall. An internal node's children
    are the steps of its own linear model: equal-width VPN intervals (power-of-two widths, so the
    boundaries are exact, placed by a maximum-coverage search over the segment breaks, the
    intervals before the first and after the last useful boundary merged into the end children
    by the clamps), or three children whose two boundaries sit exactly on two breaks. Fan-outs
    near the complexity estimate are compared with the cost model
    ``C = depth * mean_depth + size * (nodes + gpt * excess GPT) + collision * overflow% * extra``
    (:class:`CostModel`), children built recursively; a node becomes a leaf when that is cheaper.

Fixed point
    Each node pre-shifts the VPN: internal nodes by ``max(0, log2(width) - 20)`` (so their
    power-of-two slopes are exact), leaves by the smallest shift that gives the slope at least 16
    significant bits, but never below ``9 * smallest page size`` of their keys, so a whole huge
    page has one ``vpn >> shift`` and hence one line. Every key is re-verified after the build by
    walking the written image with the exact integer evaluation (:mod:`cerite.lvm.index_eval`).
"""

import bisect
import dataclasses
import math
import time

import numpy as np

from .index_eval import (FRAC_BITS, INTERCEPT_LIMIT, LINE_BYTES, MAX_SHIFT, NODE_BYTES,
                         SIZE_PAGES, SLOT_BYTES, SLOTS_PER_LINE, IndexWalker, ModelNode,
                         decode_node, decode_tag, encode_node, encode_tag, eval_node)
from .mapping import Mapping, validate_mappings
from .memory import MemoryImage, RegionFullError

__all__ = ["CostModel", "IndexStats", "IndexResult", "build_index", "insert",
           "MAX_FANOUT", "MIN_INSERT_DISTANCE",
           # the node and tag format, re-exported from cerite.lvm.index_eval
           "ModelNode", "encode_node", "decode_node", "eval_node", "encode_tag", "decode_tag"]

#: Most children of one internal node.
MAX_FANOUT = 1024
#: The minimum insertion distance of edge growth: 64 MiB of VA in 4 KiB pages.
MIN_INSERT_DISTANCE = 1 << 14
_VPN_LIMIT = 1 << 27
_ONE = 1 << FRAC_BITS
_MAX_COPIES = 2        # lines one key may occupy inside one leaf (a huge page on a line edge)
_SEGMENT_ERROR = 4.0   # error bound (keys) of the segmentation
_GAP_BREAK = 32        # a gap of more than this many 4 KiB pages between two keys ends a segment
_PRECISION_BITS = 16   # leaves shift until the slope has this many significant bits
_SLACK = 0.125         # GPT lines kept free before and after a leaf's lines, as a fraction
_TOP_BREAKS = 4        # breaks tried pairwise for three-child nodes
_MAX_CANDIDATES = 8    # fan-out candidates costed per node


@dataclasses.dataclass(frozen=True)
class CostModel:
    """Weights of the builder's cost ``C = depth * D + size * (N + gpt * G) + collision * R * E``
    (the form of the paper's cost model).

    ``D`` is the mean number of model levels evaluated per key, ``N`` the number of model nodes
    (32 bytes each), ``G`` the GPT bytes beyond the target load in units of 32 bytes, ``R`` the
    share of keys left out of the GPT (overflow, in percent) and ``E`` their mean extra memory
    accesses (the wasted GPT line plus a radix walk instead of one access: 3 for a 4 KiB page,
    2 for 2 MiB, 1 for 1 GiB). A key in another slot of its predicted line costs no access (the
    walk reads the whole line), so only overflow counts as a collision here.
    """

    depth: float = 10.0
    size: float = 5.0
    collision: float = 200.0
    gpt: float = 1.0 / 64

    def __post_init__(self):
        for name in ("depth", "size", "collision", "gpt"):
            value = getattr(self, name)
            if (not isinstance(value, (int, float)) or isinstance(value, bool)
                    or not math.isfinite(value) or value < 0):
                raise ValueError(f"cost weight {name} must be a finite number >= 0, not {value!r}")


@dataclasses.dataclass
class IndexStats:
    """What a build (and later insertions) produced.

    ``index_bytes`` counts model nodes, the root's 32 bytes included (``nodes_per_level`` per
    level 0, 1, 2); ``gpt_bytes`` the GPT lines allocated (slack for growth included);
    ``slots_per_key`` the slots of the lines in use (between each leaf's clamps) per key;
    ``collision_rate`` the share of keys not in exactly their predicted slot (the slot named by
    the two bits below the line index; overflow keys included); ``overflow_rate`` the share of
    keys left out of the GPTs (found by the radix walk); ``mean_depth`` the model levels
    evaluated per key; ``cost`` the cost model's value of the tree as built; ``build_seconds``
    the time to choose, fit and write it (the read-back verification excluded); ``node_weight``
    the factor on the per-node weight that ``max_cached_nodes`` needed (1: none). :func:`insert`
    counts ``inserts``, ``extensions`` (edge growth) and ``retrains`` and refreshes the rest.
    """

    keys: int = 0
    index_bytes: int = 0
    gpt_bytes: int = 0
    nodes_per_level: tuple = (1, 0, 0)
    leaves: int = 0
    mean_depth: float = 0.0
    collision_rate: float = 0.0
    overflow_rate: float = 0.0
    overflow_keys: int = 0
    slots_per_key: float = 0.0
    build_seconds: float = 0.0
    cost: float = 0.0
    extensions: int = 0
    retrains: int = 0
    inserts: int = 0
    node_weight: int = 1


@dataclasses.dataclass
class IndexResult:
    """The register values of a built index and its statistics.

    ``root`` is the root node's 4 words, ``level_base`` the addresses of the level-1 and level-2
    node arrays (the region base when a level is absent), ``[index_base, index_limit)`` the
    index region. :meth:`registers` gives them as keyword arguments of
    :class:`~cerite.lvm.golden.MmuConfig`. ``mappings`` are the indexed mappings (sorted),
    ``overflow`` those left out of the GPTs.
    :func:`insert` updates the result in place (a retrained root changes ``root``).
    """

    root: tuple
    level_base: tuple
    index_base: int
    index_limit: int
    stats: IndexStats
    mappings: tuple
    overflow: tuple
    _tree: object = dataclasses.field(repr=False, default=None)

    def registers(self):
        """``dict(root=..., level_base=..., index_base=..., index_limit=...)``."""
        return {"root": tuple(self.root), "level_base": tuple(self.level_base),
                "index_base": self.index_base, "index_limit": self.index_limit}

    def walker(self, image):
        """An :class:`~cerite.lvm.index_eval.IndexWalker` over this index in ``image``."""
        return IndexWalker(image, **self.registers())


# ---------------------------------------------------------------------------------------------
# Small helpers


def _ceil_div(a, b):
    return -((-a) // b)


def _most_aligned(lo, hi):
    """The integer in ``[lo, hi]`` with the most trailing zero bits (``lo <= hi``)."""
    if lo <= 0 <= hi:
        return 0
    for b in range(max(abs(lo), abs(hi)).bit_length(), -1, -1):
        c = _ceil_div(lo, 1 << b) << b
        if c <= hi:
            return c
    return lo


def _slack(lines):
    return max(1, math.ceil(lines * _SLACK))


def _segments(vpn, size):
    """Start flags of the linear segments of rank against VPN at error ``_SEGMENT_ERROR``,
    with a cut wherever the page size changes or a gap exceeds ``_GAP_BREAK`` pages (greedy
    cone from each segment's first key)."""
    n = len(vpn)
    starts = np.zeros(n, dtype=bool)
    if n == 0:
        return starts
    starts[0] = True
    eps = _SEGMENT_ERROR
    x0 = int(vpn[0])
    r0 = 0
    lo, hi = -math.inf, math.inf
    sizes = size.tolist()
    xs = vpn.tolist()
    for r in range(1, n):
        x = xs[r]
        if sizes[r] != sizes[r - 1] or x - xs[r - 1] - SIZE_PAGES[sizes[r - 1]] > _GAP_BREAK:
            starts[r] = True
            x0, r0, lo, hi = x, r, -math.inf, math.inf
            continue
        dx = x - x0
        dr = r - r0
        lo = max(lo, (dr - eps) / dx)
        hi = min(hi, (dr + eps) / dx)
        if lo > hi:
            starts[r] = True
            x0, r0, lo, hi = x, r, -math.inf, math.inf
    return starts


def _best_phase(p, q, weight, k, sh):
    """Maximum-coverage phase of the progression ``t = phase + m * 2**k`` (``t`` multiples of
    ``2**sh``) over the break intervals ``[p, q]``: returns ``(weight hit, phase)``."""
    unit = 1 << sh
    pu = -((-p) // unit)
    qu = q // unit
    ok = pu <= qu
    period = 1 << (k - sh)
    full = ok & (qu - pu + 1 >= period)
    base = float(weight[full].sum())
    part = ok & ~full
    if not part.any():
        return base, 0
    s = pu[part] % period
    e = qu[part] % period
    w = weight[part]
    wrap = s > e
    starts = np.concatenate([s, np.zeros(int(wrap.sum()), dtype=np.int64)])
    ends = np.concatenate([np.where(wrap, period, e + 1), e[wrap] + 1])
    ws = np.concatenate([w, w[wrap]])
    pos = np.concatenate([starts, ends])
    delta = np.concatenate([ws, -ws])
    order = np.argsort(pos, kind="stable")
    pos = pos[order]
    cum = np.cumsum(delta[order])
    uniq, first = np.unique(pos, return_index=True)
    last = np.append(first[1:], len(pos)) - 1
    cov = cum[last]
    inside = uniq < period
    uniq, cov = uniq[inside], cov[inside]
    best = int(np.argmax(cov))
    lo = int(uniq[best])
    hi = int(uniq[best + 1]) - 1 if best + 1 < len(uniq) else period - 1
    if cov[best] <= 0:
        return base, 0
    return base + float(cov[best]), _most_aligned(lo, hi) * unit


# ---------------------------------------------------------------------------------------------
# Plans: the tree as chosen, before it is laid out in memory


@dataclasses.dataclass(frozen=True)
class _LeafFit:
    shift: int
    slope: int
    intercept: int     # the first line in use is line 0
    lines: int
    overflow: int
    below: bool = False    # some member's prediction clamps to the first line
    above: bool = False    # ... to the last line
    extra: float = 3.0     # mean extra accesses of an overflow key (3 - page size code)


@dataclasses.dataclass(frozen=True)
class _Plan:
    kind: str          # "leaf", "internal" or "empty"
    cost: float
    fit: _LeafFit = None
    model: tuple = None      # internal: (shift, slope, intercept, fanout), children 0..fanout-1
    children: tuple = ()


@dataclasses.dataclass
class _Record:
    """A node as laid out: its level and index in that level's array, its VPN domain and, for
    a leaf, its GPT and the keys routed to it."""

    level: int
    index: int
    dlo: int
    dhi: int
    node: ModelNode = None
    children: tuple = ()         # internal: records of the children
    members: list = None         # leaf: key ids routed here (sorted by VPN)
    gpt_addr: int = 0            # leaf: first byte of its GPT (0 for the shared empty line)
    capacity: int = 0            # leaf: lines allocated
    slots: dict = None           # leaf: line -> [key id or -1] * 4
    active: int = 0              # leaf: lines in use (hi - lo + 1)
    below: bool = False          # leaf: some key's prediction is clamped up to lo
    above: bool = False          # leaf: some key's prediction is clamped down to hi


class _Keys:
    """The keys as sorted numpy arrays, plus the segmentation breaks."""

    def __init__(self, maps):
        self.maps = list(maps)
        n = len(self.maps)
        self.n = n
        self.vpn = np.array([m.vpn for m in self.maps], dtype=np.int64)
        self.size = np.array([m.size for m in self.maps], dtype=np.int64)
        self.end = self.vpn + np.array([SIZE_PAGES[s] for s in self.size.tolist()],
                                       dtype=np.int64)
        starts = _segments(self.vpn, self.size)
        seg_id = np.cumsum(starts) - 1
        seg_len = np.bincount(seg_id) if n else np.zeros(0, dtype=np.int64)
        brk = np.flatnonzero(starts[1:]) + 1           # key index that starts a segment
        self.brk = brk
        self.brk_p = self.end[brk - 1]
        self.brk_q = self.vpn[brk]
        left = seg_len[seg_id[brk - 1]]
        right = seg_len[seg_id[brk]]
        self.brk_w = np.minimum(left, right).astype(np.float64)
        self.brk_w[self.size[brk - 1] != self.size[brk]] += n  # a page-size change must split


# ---------------------------------------------------------------------------------------------
# The builder


class _Builder:
    """Chooses the tree: leaf fits and internal-node candidates, costed recursively with the
    cost model's weights turned into per-key and per-node terms (memoised per key range)."""

    def __init__(self, keys, *, load, max_levels, cost, retrain_overflow, max_gpt_factor,
                 node_weight=1):
        self.keys = keys
        self.load = load
        self.max_levels = max_levels
        self.retrain_overflow = retrain_overflow
        self.max_gpt_factor = max_gpt_factor
        n = max(keys.n, 1)
        # node_weight > 1 penalises nodes alone (max_cached_nodes); a zero size weight still
        # has to grow then
        self.k_node = cost.size if node_weight == 1 else max(cost.size, 1e-3) * node_weight
        self.k_depth = cost.depth / n
        self.k_over = cost.collision * 100.0 / n
        self.k_gpt = cost.size * cost.gpt / NODE_BYTES
        self.memo = {}

    # -- members -------------------------------------------------------------------------------

    def members(self, i, j, ulo, vhi):
        """First and last VPN of keys ``i..j-1`` inside ``[ulo, vhi]``."""
        u = self.keys.vpn[i:j].copy()
        v = self.keys.end[i:j] - 1
        u[0] = max(int(u[0]), ulo)
        v[-1] = min(int(v[-1]), vhi)
        return u, v

    def child_ranges(self, i, j, lo, hi):
        """Key ranges ``(i_c, j_c)`` of keys ``i..j-1`` meeting each VPN interval
        ``[lo[c], hi[c]]`` (empty intervals give empty ranges)."""
        keys = self.keys
        ic = np.searchsorted(keys.end, lo, side="right")
        jc = np.searchsorted(keys.vpn, hi, side="right")
        ic = np.clip(ic, i, j)
        jc = np.clip(jc, i, j)
        jc = np.where((lo > hi) | (jc < ic), ic, jc)
        return ic, jc

    # -- leaves --------------------------------------------------------------------------------

    def quantize_leaf(self, s, sh_align):
        """``(shift, slope)`` for a slope of ``s`` lines per VPN."""
        if s <= 0:
            return sh_align, 0
        sh = sh_align
        while sh < MAX_SHIFT and s * 2.0 ** (sh + FRAC_BITS) < 2 ** _PRECISION_BITS:
            sh += 1
        return sh, int(min(max(round(s * 2.0 ** (sh + FRAC_BITS)), 1), (1 << 32) - 1))

    def leaf_lines(self, u, v, sh, slope, centre, max_lines):
        """Lines of each member's first and last VPN under the model, clamped to a window of
        at most ``max_lines`` lines (the one holding the most members), and the intercept that
        puts the window's first line at 0. Returns ``(intercept, pu, pv, lines, below, above)``
        where ``below``/``above`` say whether some member is clamped at that end."""
        xu = u >> sh
        xv = v >> sh
        intercept = int(round(centre * _ONE - slope * float(np.add.reduce(xu)) / len(xu)))
        pu = (slope * xu + intercept) >> FRAC_BITS
        pv = (slope * xv + intercept) >> FRAC_BITS
        start, top = int(pu[0]), int(pv[-1])
        lines = top - start + 1
        below = above = False
        if lines > max_lines:
            lines = max_lines
            inside = np.searchsorted(pu, pu + lines, side="left") - np.arange(len(pu))
            start = int(pu[int(np.argmax(inside))])
            below = bool(pu[0] < start)
            above = bool(pv[-1] > start + lines - 1)
        intercept -= start << FRAC_BITS
        pu -= start
        pv -= start
        if below or above:
            pu = np.minimum(np.maximum(pu, 0), lines - 1)
            pv = np.minimum(np.maximum(pv, 0), lines - 1)
        return intercept, pu, pv, lines, below, above

    @staticmethod
    def overflow(pu, pv, lines):
        """Keys that do not fit: more than 4 in a line, or over ``_MAX_COPIES`` lines."""
        single = pu == pv
        count = np.bincount(pu[single], minlength=lines)
        over = 0
        for k in np.flatnonzero(~single).tolist():
            if pv[k] - pu[k] + 1 > _MAX_COPIES:
                over += 1
            else:
                count[pu[k]:pv[k] + 1] += 1
        return over + int(np.maximum(count - SLOTS_PER_LINE, 0).sum())

    def fit_leaf(self, u, v, sizes):
        """The leaf model for members ``u..v`` (sorted by VPN).

        Candidate slopes: least squares of rank against VPN, the endpoints, and the densest run
        of members (members outside the window of lines then clamp to its end lines, as the
        walker clamps). While the overflow share exceeds ``retrain_overflow`` the leaf is
        retrained with 1.5 times the slots, up to ``max_gpt_factor``; the cheapest fit wins.
        """
        n = len(u)
        sh_align = 9 * int(sizes.min())
        if n == 1:
            return _LeafFit(sh_align, 0, 0, 1, 0)
        extra = 3.0 - float(sizes.mean())
        ideal = n / (SLOTS_PER_LINE * self.load)
        lines_per_key = 1.0 / (SLOTS_PER_LINE * self.load)
        max_lines = max(1, int(self.max_gpt_factor * ideal) + 4)
        s_cap = 0.5 / SIZE_PAGES[int(sizes.min())]
        bases = []
        if n > 1 and u[-1] > u[0]:
            x = u.astype(np.float64)
            r = np.arange(n, dtype=np.float64)
            xm = x.mean()
            var = float(((x - xm) ** 2).sum())
            if var > 0:
                bases.append(float(((x - xm) * (r - r.mean())).sum()) / var * lines_per_key)
            bases.append((n - 1) / float(u[-1] - u[0]) * lines_per_key)
            cut = np.flatnonzero(u[1:] - v[:-1] - 1 > _GAP_BREAK) + 1
            edges = np.concatenate([[0], cut, [n]])
            run = int(np.argmax(np.diff(edges)))
            a, b = int(edges[run]), int(edges[run + 1]) - 1
            if b > a and 2 * (b - a + 1) >= n // 4:
                bases.append((b - a) / float(u[b] - u[a]) * lines_per_key)
        centre = (n - 1) / 2 * lines_per_key
        tried = {}

        def attempt(s):
            sh, slope = self.quantize_leaf(min(s, s_cap), sh_align)
            if (sh, slope) not in tried:
                intercept, pu, pv, lines, below, above = self.leaf_lines(
                    u, v, sh, slope, centre, max_lines)
                tried[(sh, slope)] = _LeafFit(sh, slope, intercept, lines,
                                              self.overflow(pu, pv, lines), below, above, extra)
            return tried[(sh, slope)]

        def cost(fit):
            return self.leaf_cost(fit, n, 0)

        best = min((attempt(s) for s in bases or [0.0]), key=cost)
        factor = 1.0
        s = max(bases) if bases else 0.0
        while (s > 0 and best.overflow > self.retrain_overflow * n
               and factor * 1.5 <= self.max_gpt_factor and s * factor < s_cap):
            factor *= 1.5
            best = min(best, attempt(s * factor), key=cost)
        return best

    def leaf_cost(self, fit, n, level):
        excess = max(0.0, fit.lines * LINE_BYTES - n * SLOT_BYTES / self.load)
        return (self.k_node + self.k_depth * (level + 1) * n
                + self.k_over * fit.extra * fit.overflow + self.k_gpt * excess)

    # -- internal nodes ------------------------------------------------------------------------

    def child_bounds(self, model, ulo, vhi):
        """VPN intervals of the children of ``model`` inside ``[ulo, vhi]``."""
        sh, slope, intercept, fanout = model
        c = np.arange(1, fanout, dtype=np.int64)
        starts = (-((intercept - c * _ONE) // slope)) << sh
        lo = np.concatenate([[ulo], np.maximum(starts, ulo)])
        hi = np.concatenate([np.minimum(starts - 1, vhi), [vhi]])
        return lo, hi

    def candidates(self, i, j, ulo, vhi):
        """Internal models ``(shift, slope, intercept, fanout)`` worth costing for keys
        ``i..j-1`` in ``[ulo, vhi]``: for each power-of-two width the maximum-coverage phase
        (kept only when it hits more break weight than every narrower fan-out, and at most
        ``16 *`` the segment count of children), then three-child models on pairs of the
        heaviest breaks. Empty when the keys form a single segment."""
        keys = self.keys
        b0 = int(np.searchsorted(keys.brk, i, side="right"))
        b1 = int(np.searchsorted(keys.brk, j, side="left"))
        if b1 <= b0:
            return []
        p = keys.brk_p[b0:b1]
        q = keys.brk_q[b0:b1]
        w = keys.brk_w[b0:b1]
        segments = b1 - b0 + 1
        a, e = ulo, vhi + 1
        out = []
        top = math.ceil(math.log2(max(e - a, 2)))
        best_hit = -1.0
        for k in range(top + 1, -1, -1):
            step = 1 << k
            sh = max(0, k - FRAC_BITS)
            if (e - a) // step + 2 > min(MAX_FANOUT, 16 * segments + 2):
                break
            hit, phase = _best_phase(p, q, w, k, sh)
            if hit <= best_hit:
                continue
            # the progression point in each break interval, if any; children before the first
            # and after the last are merged into the two end children (the clamps)
            point = q - (q - phase) % step
            hits = point[point >= p]
            if not len(hits):
                continue
            first, last = int(hits.min()), int(hits.max())
            t0 = first - step
            fanout = (last - first) // step + 2
            if fanout > MAX_FANOUT:
                continue
            best_hit = hit
            slope = 1 << (FRAC_BITS + sh - k)
            out.append((sh, slope, -slope * (t0 >> sh), fanout))
        out = out[-_MAX_CANDIDATES:]
        # three children around a middle segment: boundaries exactly on two breaks
        order = np.argsort(-w, kind="stable")[:_TOP_BREAKS]
        for x in range(len(order)):
            for y in range(x + 1, len(order)):
                b_1, b_2 = sorted((int(order[x]), int(order[y])))
                model = self.two_boundaries(int(p[b_1]), int(q[b_1]), int(p[b_2]), int(q[b_2]))
                if model is not None:
                    out.append(model)
        return out

    @staticmethod
    def two_boundaries(p1, q1, p2, q2):
        """A 3-child model whose children change at ``t1 in [p1, q1]`` and ``t2 in [p2, q2]``."""
        for sh in range(MAX_SHIFT, -1, -1):
            unit = 1 << sh
            t1 = _ceil_div(p1, unit) * unit
            t2 = _ceil_div(p2, unit) * unit
            if t1 > q1 or t2 > q2 or t2 <= t1:
                continue
            width = (t2 - t1) >> sh
            if width > 1 << 10 and sh:
                continue
            slope = _ceil_div(_ONE, width)
            return sh, slope, _ONE - slope * (t1 >> sh), 3
        return None

    # -- recursion -----------------------------------------------------------------------------

    def build(self, i, j, ulo, vhi, level):
        """The cheapest plan for keys ``i..j-1`` clipped to ``[ulo, vhi]`` at ``level``."""
        if j <= i:
            return _Plan("empty", self.k_node)
        key = (level, i, j, ulo, vhi)
        plan = self.memo.get(key)
        if plan is not None:
            return plan
        u, v = self.members(i, j, ulo, vhi)
        n = j - i
        fit = self.fit_leaf(u, v, self.keys.size[i:j])
        best = _Plan("leaf", self.leaf_cost(fit, n, level), fit=fit)
        perfect = fit.overflow == 0 and fit.lines <= 1.5 * n / (SLOTS_PER_LINE * self.load) + 2
        if level < self.max_levels - 1 and n > 1 and not perfect:
            for model in self.candidates(i, j, ulo, vhi):
                lo, hi = self.child_bounds(model, ulo, vhi)
                ic, jc = self.child_ranges(i, j, lo, hi)
                cost = self.k_node
                if cost >= best.cost:
                    continue
                children = []
                for c in range(len(lo)):
                    a, b = int(ic[c]), int(jc[c])
                    if b > a:
                        cu = max(int(self.keys.vpn[a]), int(lo[c]))
                        cv = min(int(self.keys.end[b - 1]) - 1, int(hi[c]))
                        child = self.build(a, b, cu, cv, level + 1)
                    else:
                        child = _Plan("empty", self.k_node)
                    children.append(child)
                    cost += child.cost
                    if cost >= best.cost:
                        break
                else:
                    best = _Plan("internal", cost, model=model, children=tuple(children))
        self.memo[key] = best
        return best


# ---------------------------------------------------------------------------------------------
# Layout: nodes and GPTs in memory


class _Tree:
    """The laid-out index: records per level, the GPT contents, the key placements."""

    def __init__(self, keys, image, region, builder):
        self.keys = keys
        self.image = image
        self.region = region
        self.builder = builder
        self.levels = [[], [], []]
        self.placed = {}          # key id -> [(leaf record, [(line, slot), ...]), ...]
        self.collided = set()     # key ids not in exactly their predicted slot
        self.overflow = set()     # key ids left out
        self.empty_line = None
        self.level_base = [0, 0]
        self.sorted_maps = list(keys.maps)

    # -- layout --------------------------------------------------------------------------------

    def layout(self, plan):
        root = _Record(0, 0, 0, _VPN_LIMIT - 1)
        self.levels[0].append(root)
        queue = [(root, plan)]
        while queue:
            record, p = queue.pop(0)
            if p.kind != "internal":
                self.make_leaf(record, p)
                continue
            sh, slope, intercept, fanout = p.model
            level = record.level + 1
            base = len(self.levels[level])
            record.node = ModelNode(slope, intercept + base * _ONE, base, base + fanout - 1, sh)
            lo, hi = self.builder.child_bounds((sh, slope, intercept, fanout), record.dlo,
                                               record.dhi)
            children = []
            for c in range(fanout):
                child = _Record(level, base + c, int(lo[c]), int(hi[c]))
                self.levels[level].append(child)
                children.append(child)
                queue.append((child, p.children[c]))
            record.children = tuple(children)
        for level in (1, 2):
            if self.levels[level]:
                self.level_base[level - 1] = self.region.alloc(
                    NODE_BYTES * len(self.levels[level]), LINE_BYTES)
            else:
                self.level_base[level - 1] = self.region.base
        for level in (1, 2):
            for record in self.levels[level]:
                self.write_node(record)

    def leaf_members(self, record):
        """Key ids routed to ``record``'s domain, sorted by VPN."""
        keys = self.keys
        i = int(np.searchsorted(keys.end, record.dlo, side="right"))
        j = int(np.searchsorted(keys.vpn, record.dhi, side="right"))
        return list(range(i, max(i, j)))

    def member_ranges(self, record, ids):
        keys = self.keys
        ids = np.asarray(ids, dtype=np.int64)
        u = np.maximum(keys.vpn[ids], record.dlo)
        v = np.minimum(keys.end[ids] - 1, record.dhi)
        return u, v

    def make_leaf(self, record, plan, ids=None):
        """Lay out a leaf: fit (or take the plan's fit), allocate its GPT, place its keys."""
        if ids is None:
            ids = self.leaf_members(record) if record.dlo <= record.dhi else []
        self.install_leaf(record, ids, *self.prepare_leaf(record, plan, ids))

    def prepare_leaf(self, record, plan, ids):
        """``(fit, gpt address, capacity)`` for a leaf over key ids ``ids``; allocates, changes
        nothing else (so a full region leaves the tree as it was)."""
        if not ids:
            return None, self.shared_empty_line(), 0
        if plan is not None and plan.fit is not None:
            fit = plan.fit
        else:
            u, v = self.member_ranges(record, ids)
            fit = self.builder.fit_leaf(u, v, self.keys.size[ids])
        pad = _slack(fit.lines)
        capacity = fit.lines + 2 * pad
        return fit, self.region.alloc(capacity * LINE_BYTES, LINE_BYTES), capacity

    def install_leaf(self, record, ids, fit, addr, capacity):
        record.members = list(ids)
        record.slots = {}
        if fit is None:
            record.node = ModelNode(leaf=True, gpt_line=addr // LINE_BYTES)
            record.gpt_addr, record.capacity, record.active = 0, 0, 0
            record.below = record.above = False
            return
        pad = (capacity - fit.lines) // 2
        record.node = ModelNode(fit.slope, fit.intercept + pad * _ONE, pad,
                                pad + fit.lines - 1, fit.shift, True, addr // LINE_BYTES)
        record.gpt_addr, record.capacity, record.active = addr, capacity, fit.lines
        record.below, record.above = fit.below, fit.above
        for k in self.placement_order(ids):
            self.place(record, k)

    def placement_order(self, ids):
        sizes = self.keys.size
        return sorted(ids, key=lambda k: (-int(sizes[k]), k))

    def shared_empty_line(self):
        if self.empty_line is None:
            self.empty_line = self.region.alloc(LINE_BYTES, LINE_BYTES)
        return self.empty_line

    # -- placement -----------------------------------------------------------------------------

    def predict(self, record, vpn):
        """Unclamped ``(line, slot)`` the leaf's model predicts for ``vpn``."""
        node = record.node
        y = node.slope * (vpn >> node.shift) + node.intercept
        return y >> FRAC_BITS, (y >> (FRAC_BITS - 2)) & 3

    def span(self, record, k):
        """Unclamped lines of the first and last page of key ``k`` in ``record``'s domain,
        and the predicted slot of the first."""
        keys = self.keys
        first, slot = self.predict(record, max(int(keys.vpn[k]), record.dlo))
        last, _ = self.predict(record, min(int(keys.end[k]) - 1, record.dhi))
        return first, last, slot

    def place(self, record, k):
        """Put key ``k`` in every line the walk reads for its pages inside ``record``'s domain
        (predictions clamped as the walker clamps them); returns True, or False (placing
        nothing) when a line is full or the key would need more than ``_MAX_COPIES`` lines."""
        first, last, slot = self.span(record, k)
        node = record.node
        if first < node.lo:
            slot = 0
        first = min(max(first, node.lo), node.hi)
        last = min(max(last, node.lo), node.hi)
        if last - first + 1 > _MAX_COPIES:
            return False
        chosen = []
        exact = True
        for line in range(first, last + 1):
            row = record.slots.get(line, [-1] * SLOTS_PER_LINE)
            want = slot if line == first else 0
            if row[want] == -1:
                chosen.append((line, want))
            else:
                free = [s for s in range(SLOTS_PER_LINE) if row[s] == -1]
                if not free:
                    return False
                chosen.append((line, free[0]))
                exact = False
        for line, s in chosen:
            row = record.slots.setdefault(line, [-1] * SLOTS_PER_LINE)
            row[s] = k
            self.write_slot(record, line, s, k)
        self.placed.setdefault(k, []).append((record, chosen))
        if not exact:
            self.collided.add(k)
        return True

    def unplace(self, k):
        for record, chosen in self.placed.pop(k, []):
            for line, s in chosen:
                record.slots[line][s] = -1
                self.clear_slot(record, line, s)

    def write_slot(self, record, line, s, k):
        m = self.keys.maps[k]
        addr = record.gpt_addr + LINE_BYTES * line + SLOT_BYTES * s
        self.image.write_word(addr, encode_tag(m.vpn, m.size))
        self.image.write_word(addr + 8, m.pte())

    def clear_slot(self, record, line, s):
        addr = record.gpt_addr + LINE_BYTES * line + SLOT_BYTES * s
        self.image.write_word(addr, 0)
        self.image.write_word(addr + 8, 0)

    def write_node(self, record):
        words = encode_node(record.node)
        if record.level == 0:
            return
        addr = self.level_base[record.level - 1] + NODE_BYTES * record.index
        self.image.write_words(addr, words)

    def settle(self):
        """Make the placement all-or-nothing per key: a key some leaf could not hold is left
        out everywhere."""
        counts = {}
        for record in self.leaves():
            for k in record.members:
                counts[k] = counts.get(k, 0) + 1
        for k, need in counts.items():
            if len(self.placed.get(k, ())) != need:
                self.unplace(k)
                self.overflow.add(k)
                self.collided.add(k)
            else:
                self.overflow.discard(k)

    def leaves(self):
        return [r for level in self.levels for r in level if r.node is not None and r.node.leaf]

    # -- routing -------------------------------------------------------------------------------

    def leaves_for(self, first, last):
        """Leaf records whose domain meets ``[first, last]``."""
        return [r for r in self.leaves() if r.dlo <= last and first <= r.dhi]


# ---------------------------------------------------------------------------------------------
# Public API


def _cached_nodes(plan):
    """Model nodes below the root in ``plan`` (those the walk cache holds; the root lives in
    registers): every child of an internal node is a node, whatever its kind."""
    if plan.kind != "internal":
        return 0
    return len(plan.children) + sum(_cached_nodes(c) for c in plan.children)


def _check_params(image, region, gpt_load, max_levels, cost, seed, retrain_overflow,
                  max_gpt_factor, max_cached_nodes):
    if not isinstance(image, MemoryImage):
        raise TypeError(f"image must be a MemoryImage, not {type(image).__name__}")
    if not isinstance(region, str):
        raise TypeError(f"region must be a str, not {type(region).__name__}")
    if (not isinstance(gpt_load, (int, float)) or isinstance(gpt_load, bool)
            or not 0.05 <= gpt_load <= 1.0):
        raise ValueError(f"gpt_load must be in [0.05, 1], not {gpt_load!r}")
    if not isinstance(max_levels, int) or isinstance(max_levels, bool) or \
            not 1 <= max_levels <= 3:
        raise ValueError(f"max_levels must be 1, 2 or 3, not {max_levels!r}")
    if not isinstance(cost, CostModel):
        raise TypeError(f"cost must be a CostModel, not {type(cost).__name__}")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, not {type(seed).__name__}")
    if (not isinstance(retrain_overflow, (int, float)) or isinstance(retrain_overflow, bool)
            or not 0 <= retrain_overflow <= 1):
        raise ValueError(f"retrain_overflow must be in [0, 1], not {retrain_overflow!r}")
    if (not isinstance(max_gpt_factor, (int, float)) or isinstance(max_gpt_factor, bool)
            or not 1 <= max_gpt_factor <= 64):
        raise ValueError(f"max_gpt_factor must be in [1, 64], not {max_gpt_factor!r}")
    if max_cached_nodes is not None and (not isinstance(max_cached_nodes, int)
                                         or isinstance(max_cached_nodes, bool)
                                         or max_cached_nodes < 0):
        raise ValueError(f"max_cached_nodes must be None or an int >= 0, not "
                         f"{max_cached_nodes!r}")


def build_index(mappings, image, *, region="index", gpt_load=0.77, max_levels=3,
                cost=CostModel(), seed=0, retrain_overflow=0.001, max_gpt_factor=8.0,
                max_cached_nodes=None):
    """Build the learned index of ``mappings`` into ``image`` and return an
    :class:`IndexResult` (register values, statistics).

    Parameters
    ----------
    mappings : iterable of Mapping
        Validated with :func:`~cerite.lvm.mapping.validate_mappings` (``ValueError`` for
        overlaps, misaligned huge pages, VPNs outside Sv39, ...). May be empty: the index then
        misses every VPN.
    image : MemoryImage
        Nodes and GPTs are allocated in its region ``region``, which must exist (``KeyError``);
        ``[index_base, index_limit)`` is that region. ``RegionFullError`` when it is too small.
    gpt_load : float
        Target keys per GPT slot (0.77: about 1.3 slots per key).
    max_levels : int
        Model levels, 1 to 3 (1: the root is the only leaf).
    cost : CostModel
        Weights of the fan-out / leaf decisions.
    seed : int
        Accepted for a stable interface; the build is deterministic and draws no random numbers.
    retrain_overflow : float
        A leaf whose overflow share exceeds this is refitted with more slots.
    max_gpt_factor : float
        A leaf's GPT has at most this many times the lines of its target load.
    max_cached_nodes : int or None
        At most this many model nodes below the root (pass the walk cache's entry count so the
        whole index stays cached). When the cheapest tree has more, the per-node weight is
        doubled until it fits (``stats.node_weight`` records the factor used); a single leaf,
        with no node below the root, always fits. ``None``: no limit.

    Every key placed in a GPT is verified afterwards by walking the written image with the
    exact evaluation; keys left out (``result.overflow``) are found by the radix walk.
    """
    t_start = time.perf_counter()
    _check_params(image, region, gpt_load, max_levels, cost, seed, retrain_overflow,
                  max_gpt_factor, max_cached_nodes)
    maps = validate_mappings(mappings)
    reg = image.region(region)
    keys = _Keys(maps)
    node_weight = 1
    while True:
        builder = _Builder(keys, load=float(gpt_load), max_levels=max_levels, cost=cost,
                           retrain_overflow=float(retrain_overflow),
                           max_gpt_factor=float(max_gpt_factor), node_weight=node_weight)
        if keys.n:
            plan = builder.build(0, keys.n, int(keys.vpn[0]), int(keys.end[-1]) - 1, 0)
        else:
            plan = _Plan("empty", 0.0)
        if max_cached_nodes is None or _cached_nodes(plan) <= max_cached_nodes:
            break
        if node_weight >= 1 << 20:
            # the per-node weight dwarfs every other term: fall back to a single leaf
            builder = _Builder(keys, load=float(gpt_load), max_levels=1, cost=cost,
                               retrain_overflow=float(retrain_overflow),
                               max_gpt_factor=float(max_gpt_factor))
            plan = builder.build(0, keys.n, int(keys.vpn[0]), int(keys.end[-1]) - 1, 0)
            break
        node_weight *= 2
    tree = _Tree(keys, image, reg, builder)
    tree.layout(plan)
    tree.settle()
    result = IndexResult(encode_node(tree.levels[0][0].node), tuple(tree.level_base), reg.base,
                         reg.limit, IndexStats(), tuple(maps), (), tree)
    result.stats.cost = plan.cost
    result.stats.node_weight = node_weight
    _refresh(result)
    result.stats.build_seconds = time.perf_counter() - t_start
    _verify(result, image)
    return result


def _refresh(result):
    """Recompute the statistics and the overflow list from the tree."""
    tree = result._tree
    stats = result.stats
    n = tree.keys.n
    leaves = tree.leaves()
    stats.keys = n
    stats.nodes_per_level = tuple(len(level) for level in tree.levels)
    stats.index_bytes = NODE_BYTES * sum(stats.nodes_per_level)
    stats.gpt_bytes = LINE_BYTES * (sum(r.capacity for r in leaves)
                                    + (tree.empty_line is not None))
    stats.leaves = len(leaves)
    stats.overflow_keys = len(tree.overflow)
    stats.overflow_rate = len(tree.overflow) / n if n else 0.0
    stats.collision_rate = len(tree.collided) / n if n else 0.0
    stats.slots_per_key = SLOTS_PER_LINE * sum(r.active for r in leaves) / n if n else 0.0
    depth = 0
    for r in leaves:
        depth += (r.level + 1) * len(r.members)
    stats.mean_depth = depth / n if n else 0.0
    result.overflow = tuple(tree.keys.maps[k] for k in sorted(tree.overflow))
    result.root = encode_node(tree.levels[0][0].node)


def _verify(result, image, ids=None):
    """Walk the image for every placed key (or those in ``ids``); raise ``AssertionError`` for
    one the walk does not find: that would be a builder bug."""
    tree = result._tree
    walker = result.walker(image)
    ids = range(tree.keys.n) if ids is None else ids
    for k in ids:
        if k in tree.overflow:
            continue
        m = tree.keys.maps[k]
        if not walker.finds(m):
            raise AssertionError(f"learned index does not find {m} after the build")


def insert(result, image, mapping, *, min_distance=MIN_INSERT_DISTANCE):
    """Insert ``mapping`` into a built index (in place) and return how: ``"placed"`` (its
    predicted line had a free slot), ``"extended"`` (edge growth: the key lies past an end of its
    leaf's lines but within 64 MiB of VA of the leaf's keys, so the leaf's line range grows to
    cover ``min_distance`` more pages beyond the key, inside the slack or in a moved GPT, model
    unchanged), ``"retrained"`` (its leaf was refit into a new GPT) or ``"overflow"`` (left for
    the radix walk; also when the index region is full). A key far from its leaf's keys goes to
    the clamped end line if a slot is free there, else the leaf is retrained.

    ``ValueError`` when the mapping overlaps one already in the index or is invalid (the
    messages of :func:`~cerite.lvm.mapping.validate_mappings`). A retrained root leaf changes
    ``result.root``: reload the root registers after an insertion.
    """
    if not isinstance(result, IndexResult) or result._tree is None:
        raise TypeError(f"result must be an IndexResult from build_index, not "
                        f"{type(result).__name__}")
    if not isinstance(mapping, Mapping):
        raise TypeError(f"mapping must be a Mapping, not {type(mapping).__name__}")
    if not isinstance(min_distance, int) or isinstance(min_distance, bool) or min_distance < 0:
        raise ValueError(f"min_distance must be a non-negative int, not {min_distance!r}")
    tree = result._tree
    if tree.image is not image:
        raise ValueError("image is not the image this index was built in")
    _check_insert(tree, mapping)
    keys = tree.keys
    k = keys.n
    keys.maps.append(mapping)
    keys.vpn = np.append(keys.vpn, mapping.vpn)
    keys.size = np.append(keys.size, mapping.size)
    keys.end = np.append(keys.end, mapping.end_vpn)
    keys.n += 1
    bisect.insort(tree.sorted_maps, mapping, key=lambda m: m.vpn)
    result.mappings = tuple(tree.sorted_maps)
    how = "placed"
    targets = tree.leaves_for(mapping.vpn, mapping.end_vpn - 1)
    for record in targets:
        bisect.insort(record.members, k, key=lambda x: int(keys.vpn[x]))
    check = {k}
    for record in targets:
        try:
            step = _insert_into(tree, record, k, min_distance)
        except RegionFullError:
            step = "overflow"                      # no room to grow or refit: radix finds it
        if step == "retrained" or (step == "extended" and how == "placed"):
            how = step
        if step == "retrained":
            result.stats.retrains += 1
            check.update(record.members)
        elif step == "extended":
            result.stats.extensions += 1
    if len(tree.placed.get(k, ())) != len(targets):
        tree.unplace(k)
        tree.overflow.add(k)
        tree.collided.add(k)
        how = "overflow"
    result.stats.inserts += 1
    _refresh(result)
    _verify(result, image, sorted(check))
    return how


def _check_insert(tree, mapping):
    """``ValueError`` (the messages of ``validate_mappings``) for an invalid mapping or one
    that overlaps a mapping of the index."""
    validate_mappings([mapping])
    maps = tree.sorted_maps
    i = bisect.bisect_left(maps, mapping.vpn, key=lambda m: m.vpn)
    validate_mappings(maps[max(0, i - 1):i + 1] + [mapping])


def _insert_into(tree, record, k, min_distance):
    """Place key ``k`` in leaf ``record``: in range, by edge growth, or by retraining."""
    if record.capacity == 0:                       # an empty leaf
        _retrain(tree, record, k)
        return "retrained"
    first, last, _ = tree.span(record, k)
    node = record.node
    if node.lo <= first and last <= node.hi:
        if tree.place(record, k):
            return "placed"
        _retrain(tree, record, k)
        return "retrained"
    keys = tree.keys
    others = [x for x in record.members if x != k]
    key_lo = min(int(keys.vpn[x]) for x in others) if others else record.dlo
    key_hi = max(int(keys.end[x]) - 1 for x in others) if others else record.dhi
    u = max(int(keys.vpn[k]), record.dlo)
    v = min(int(keys.end[k]) - 1, record.dhi)
    reach = max(min_distance, MIN_INSERT_DISTANCE)
    near = key_lo - reach <= u and v <= key_hi + reach
    # growing past a member whose prediction is clamped at that end would move it
    blocked = (first < node.lo and record.below) or (last > node.hi and record.above)
    if near and not blocked and last - first + 1 <= _MAX_COPIES:
        new_lo, new_hi = min(node.lo, first), max(node.hi, last)
        if last > node.hi:
            new_hi = max(new_hi, tree.predict(record, min(v + min_distance, record.dhi))[0])
        if first < node.lo:
            new_lo = min(new_lo, tree.predict(record, max(u - min_distance, record.dlo))[0])
        if _grow(tree, record, new_lo, new_hi) and tree.place(record, k):
            return "extended"
    elif not near and tree.place(record, k):       # clamped into a free edge slot
        if first < node.lo:
            record.below = True
        if last > node.hi:
            record.above = True
        return "placed"
    _retrain(tree, record, k)
    return "retrained"


def _grow(tree, record, new_lo, new_hi):
    """Widen a leaf's line range to ``[new_lo, new_hi]`` without refitting: use the slack, or
    move its GPT to a larger allocation (shifting the intercept by whole lines)."""
    node = record.node
    if new_hi - new_lo + 1 > (1 << 32) - 1:
        return False
    if 0 <= new_lo and new_hi < record.capacity:
        record.node = dataclasses.replace(node, lo=new_lo, hi=new_hi)
        record.active = new_hi - new_lo + 1
        tree.write_node(record)
        return True
    lines = new_hi - new_lo + 1
    pad = _slack(lines)
    shift = pad - new_lo                     # new line index = old + shift
    intercept = node.intercept + shift * _ONE
    if not -INTERCEPT_LIMIT <= intercept < INTERCEPT_LIMIT:
        return False
    capacity = lines + 2 * pad
    addr = tree.region.alloc(capacity * LINE_BYTES, LINE_BYTES)
    old = record.gpt_addr
    for line, row in record.slots.items():
        for w in range(2 * SLOTS_PER_LINE):
            value = tree.image.read_word(old + LINE_BYTES * line + 8 * w)
            tree.image.write_word(addr + LINE_BYTES * (line + shift) + 8 * w, value)
    record.slots = {line + shift: row for line, row in record.slots.items()}
    for k, entries in tree.placed.items():
        tree.placed[k] = [(r, [(line + shift, s) for line, s in chosen]) if r is record
                          else (r, chosen) for r, chosen in entries]
    record.gpt_addr, record.capacity, record.active = addr, capacity, lines
    record.node = dataclasses.replace(node, intercept=intercept, lo=pad, hi=pad + lines - 1,
                                      gpt_line=addr // LINE_BYTES)
    tree.write_node(record)
    return True


def _retrain(tree, record, skip=None):
    """Refit leaf ``record`` on all keys routed to it, into a new GPT, and rewrite its node."""
    ids = sorted(set(record.members), key=lambda x: (int(tree.keys.vpn[x]), x))
    prepared = tree.prepare_leaf(record, None, ids)
    for k in ids:
        kept = [(r, c) for r, c in tree.placed.get(k, []) if r is not record]
        if kept:
            tree.placed[k] = kept
        else:
            tree.placed.pop(k, None)
        tree.collided.discard(k)
    tree.install_leaf(record, ids, *prepared)
    tree.write_node(record)
    _settle_keys(tree, [k for k in ids if k != skip])


def _settle_keys(tree, ids):
    """All-or-nothing per key: a key placed in fewer leaves than its pages are routed to is
    left out everywhere."""
    for k in ids:
        need = len(tree.leaves_for(int(tree.keys.vpn[k]), int(tree.keys.end[k]) - 1))
        if len(tree.placed.get(k, ())) == need:
            tree.overflow.discard(k)
        else:
            tree.unplace(k)
            tree.overflow.add(k)
            tree.collided.add(k)
