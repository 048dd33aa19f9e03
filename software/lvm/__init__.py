"""Learned-translation MMU, host side (package ``cerite.lvm``): mapping sources, a sparse memory
image, the Sv39 radix-table builder, the learned-index builder and the bit-exact golden model of
the MMU. After *Learning to Walk: Architecting Learned Virtual Memory Translation* (Zhao et al.,
MICRO 2025); the formats are fixed by docs/lvm-format.md.
"""

from .golden import (Access, Fault, MmuConfig, MmuModel, MmuParams, Node, Source, Translation,
                     decode_gpt_tag, encode_gpt_tag)
from .mapping import (LAYOUTS, Mapping, MappingList, PagemapUnavailableWarning, expand_4k,
                      mappings_from_process, validate_mappings)
from .memory import MemoryImage, Region, RegionFullError
from .index import IndexResult, build_index
from .radix import RadixResult, build_radix

__all__ = [
    "LAYOUTS", "Mapping", "MappingList", "PagemapUnavailableWarning", "expand_4k",
    "mappings_from_process", "validate_mappings",
    "MemoryImage", "Region", "RegionFullError",
    "RadixResult", "build_radix", "IndexResult", "build_index",
    "Access", "Fault", "MmuConfig", "MmuModel", "MmuParams", "Node", "Source", "Translation",
    "decode_gpt_tag", "encode_gpt_tag",
]
