"""The standard configurations of every unit: checked in as Verilog under ``rtl/``, linted by
the test suite, and the first thing to reach for when taking the IP into another flow.

Each entry maps a Verilog module name to a zero-argument factory of the Amaranth component.
"""

from .lvm import LearnedMMU
from .soc.top import SoC
from .ntt.array import NTTArray
from .ntt.modmul import ModMul

__all__ = ["STANDARD_DESIGNS"]


def _modmul(reducer, width, depth):
    return lambda: ModMul(width=width, reducer=reducer, pipeline_depth=depth)


def _ntt(log_n, width, lanes, reducer):
    return lambda: NTTArray(log_n=log_n, width=width, lanes=lanes, reducer=reducer)


def _soc(profile, clk_freq, baud):
    return lambda: SoC(profile=profile, clk_freq=clk_freq, baud=baud)


def _board_soc():
    from ..sim.board import board_soc
    return board_soc("sim")


#: module name -> factory of the component. The SoC tops run at their boards' clocks: ULX3S
#: 25 MHz with a 1 Mbaud link (3 Mbaud would need 8.33 cycles per bit, outside the UART's 2 %
#: tolerance), ICEBreaker 12 MHz with 3 Mbaud; ``cerite_soc_sim`` is the simulated board's SoC
#: (12 MHz nominal, 3 Mbaud, the MMU's table memory on the ``table_*`` ports).
STANDARD_DESIGNS = {
    "cerite_ntt_n256_w14_b1_barrett": _ntt(8, 14, 1, "barrett"),
    "cerite_ntt_n1024_w28_b4_barrett": _ntt(10, 28, 4, "barrett"),
    "cerite_ntt_n1024_w32_b8_montgomery": _ntt(10, 32, 8, "montgomery"),
    "cerite_ntt_n1024_w32_b4_solinas": _ntt(10, 32, 4, "solinas"),
    "cerite_lvm_mmu_full": LearnedMMU.full,
    "cerite_lvm_mmu_small": LearnedMMU.small,
    "cerite_lvm_mmu_small_radix": lambda: LearnedMMU.small(learned_walk=False),
    "cerite_modmul_barrett_w28": _modmul("barrett", 28, 3),
    "cerite_modmul_montgomery_w32": _modmul("montgomery", 32, 3),
    "cerite_modmul_solinas_w32": _modmul("solinas", 32, 3),
    "cerite_soc_full": _soc("full", 25_000_000, 1_000_000),
    "cerite_soc_small": _soc("small", 12_000_000, 3_000_000),
    "cerite_soc_small_mmu": _soc("small-mmu", 12_000_000, 3_000_000),
    "cerite_soc_sim": _board_soc,
}
