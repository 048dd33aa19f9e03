"""cocotb/Verilator runs of the modular multiplier on its generated Verilog."""

import pytest

from cerite.hw.ntt.modmul import ModMul
from cerite.sim.cocotb import run_cocotb

CONFIGS = [
    # (reducer, width, q, pipeline_depth)
    ("barrett", 14, 12289, 3),
    ("barrett", 28, 268042241, 2),
    ("barrett", 32, 4293918721, 4),
    ("montgomery", 14, 7681, 3),
    ("montgomery", 32, 4293918721, 1),
    ("solinas", 32, 4293918721, 3),
]


@pytest.mark.parametrize("reducer,width,q,depth", CONFIGS,
                         ids=[f"{r}-w{w}-q{q}-d{d}" for r, w, q, d in CONFIGS])
def test_modmul(reducer, width, q, depth):
    run_cocotb(lambda: ModMul(width=width, reducer=reducer, pipeline_depth=depth),
               toplevel=f"modmul_{reducer}_w{width}_d{depth}",
               test_module="cerite.tb.ntt_modmul",
               params={"width": width, "q": q, "reducer": reducer, "latency": depth,
                       "count": 2000, "stall_p": 0.2})
