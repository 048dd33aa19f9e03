"""cocotb/Verilator runs of the modular multiplier on its generated Verilog."""

import pytest

from cerite.hw.ntt.modmul import ModMul, modmul_latency
from cerite.sim.cocotb import run_cocotb

CONFIGS = [
    # (reducer, width, q, pipeline_depth, dsp_width)
    ("barrett", 14, 12289, 3, None),
    ("barrett", 28, 268042241, 2, None),
    ("barrett", 32, 4293918721, 4, None),
    ("montgomery", 14, 7681, 3, None),
    ("montgomery", 32, 4293918721, 1, None),
    ("solinas", 32, 4293918721, 3, None),
    # Split, fully pipelined products (the FPGA builds' configuration).
    ("barrett", 28, 268042241, 4, 18),
    ("barrett", 32, 12289, 2, 16),
    ("montgomery", 32, 4293918721, 4, 18),
    ("solinas", 32, 4293918721, 4, 18),
]


def config_id(cfg):
    reducer, width, q, depth, dsp = cfg
    return f"{reducer}-w{width}-q{q}-d{depth}" + (f"-dsp{dsp}" if dsp else "")


@pytest.mark.parametrize("reducer,width,q,depth,dsp", CONFIGS, ids=[config_id(c) for c in CONFIGS])
def test_modmul(reducer, width, q, depth, dsp):
    latency = modmul_latency(width=width, reducer=reducer, pipeline_depth=depth, dsp_width=dsp)
    suffix = f"_dsp{dsp}" if dsp else ""
    run_cocotb(lambda: ModMul(width=width, reducer=reducer, pipeline_depth=depth, dsp_width=dsp),
               toplevel=f"modmul_{reducer}_w{width}_d{depth}{suffix}",
               test_module="cerite.tb.ntt_modmul",
               params={"width": width, "q": q, "reducer": reducer, "latency": latency,
                       "count": 2000, "stall_p": 0.2})
