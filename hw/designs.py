"""The standard configurations of every unit: checked in as Verilog under ``rtl/``, linted by
the test suite, and the first thing to reach for when taking the IP into another flow.

Each entry maps a Verilog module name to a zero-argument factory of the Amaranth component.
"""

from .ntt.modmul import ModMul

__all__ = ["STANDARD_DESIGNS"]


def _modmul(reducer, width, depth):
    return lambda: ModMul(width=width, reducer=reducer, pipeline_depth=depth)


#: module name -> factory of the component
STANDARD_DESIGNS = {
    "cerite_modmul_barrett_w28": _modmul("barrett", 28, 3),
    "cerite_modmul_montgomery_w32": _modmul("montgomery", 32, 3),
    "cerite_modmul_solinas_w32": _modmul("solinas", 32, 3),
}
