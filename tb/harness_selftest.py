"""cocotb tests of the test harness itself (run by tests/test_harness.py on the modular multiplier).

``passes`` must pass and ``fails_on_purpose`` must fail: together they show that a failing cocotb
test fails the pytest test that ran it, with the seed and a waveform in the report.
"""

import cocotb
from cocotb.triggers import ClockCycles

from cerite.tb.common import param, start


@cocotb.test()
async def passes(dut):
    await start(dut)
    dut.en.value = 1
    dut.a.value = 3
    dut.b.value = 5
    dut.q.value = param("q")
    await ClockCycles(dut.clk, param("latency") + 1)
    assert int(dut.r.value) == 15 % param("q")


@cocotb.test()
async def fails_on_purpose(dut):
    await start(dut)
    assert param("expect_pass", bool, default=True) is False, "this test fails on purpose"
