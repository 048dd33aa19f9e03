"""Learned-translation MMU gateware (docs/lvm-format.md; Zhao et al., MICRO 2025).

``LearnedMMU`` is the top level; the other modules are its parts: ``tlb``, ``walk_cache``,
``replacement``, ``model_eval``, ``walker``, ``checks``, ``counters`` and ``layouts`` (port layouts
and encodings).
"""

from .layouts import (COUNTER_NAMES, Access, ConfigSignature, CountersSignature, Fault,
                      FlushKind, PageSize, Source)
from .mmu import FULL_PROFILE, SMALL_PROFILE, LearnedMMU

__all__ = ["LearnedMMU", "FULL_PROFILE", "SMALL_PROFILE", "COUNTER_NAMES", "Access", "Fault",
           "Source", "PageSize", "FlushKind", "ConfigSignature", "CountersSignature"]
