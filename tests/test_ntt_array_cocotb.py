"""cocotb/Verilator runs of the NTT butterfly array on its generated Verilog.

Each configuration's model is built once (cached by Verilog hash) and runs every cocotb test of
``cerite.tb.ntt_array`` in one simulation: the stimulus classes and the polynomial product, each
with and without random idle/back-pressure, two RNS limbs, status and errors, random command
sequences with faults, two or more errors in one command (``double_errors``). Expected cycle
counts come from ``NTTArray.op_cycles`` and are checked exactly on the Verilog.
"""

import pytest

from cerite.tb.ntt_array import run_testbench

# (log_n, width, lanes, reducer, pipeline_depth, beat)
CONFIGS = [
    (3, 14, 1, "barrett", 1, 1),
    (8, 14, 2, "montgomery", 2, 2),
    (10, 28, 4, "barrett", 3, 2),         # beat < lanes: the stream (de)serializers
    (10, 32, 8, "montgomery", 4, 8),
    (10, 32, 4, "solinas", 3, 4),
    (12, 28, 8, "barrett", 3, 8),
]

SLOW_CONFIGS = [
    (14, 28, 8, "montgomery", 3, 8),
    (16, 28, 8, "barrett", 3, 8),
]


def config_id(cfg):
    return "n{}-w{}-b{}-{}-d{}-beat{}".format(*cfg)


@pytest.mark.parametrize("cfg", CONFIGS, ids=config_id)
def test_ntt_array(cfg):
    run_testbench(cfg)


@pytest.mark.slow
@pytest.mark.parametrize("cfg", SLOW_CONFIGS, ids=config_id)
def test_ntt_array_large(cfg):
    run_testbench(cfg, kinds="random,impulse,q-1", schoolbook_max=4096)
