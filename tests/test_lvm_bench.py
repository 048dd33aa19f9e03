"""Tests of the learned MMU's benchmark (cerite.lvm.bench): mapping files, the child process, the
quick run end to end (RTL under cocotb, files in a temporary results folder) and the CLI hook.

The benchmark compares with *Learning to Walk* (Zhao et al., MICRO 2025; figures cited). The quick
run is checked for its structure and for the one property every world must show: the learned
walk makes no more memory accesses per walk, on average, than the Sv39 radix walk.
"""

import argparse
import json
import os

import pytest

from cerite.lvm import bench
from cerite.lvm.bench import (LATENCIES, PAPER, TARGETS, add_mmu_bench_parser, child_process,
                              load_mappings, main_bench, proc_available, process_snapshot,
                              run_mmu_bench, save_mappings)
from cerite.lvm.mapping import LAYOUTS, Mapping, MappingList

needs_proc = pytest.mark.skipif(not proc_available(),
                                reason="no /proc with a readable pagemap on this system")


def test_mapping_file_round_trip(tmp_path):
    maps = list(LAYOUTS["huge_pages"](2))
    # Every flag combination a leaf may have, and a name with odd characters.
    vpn = 0x100
    for flags in range(128):
        r, w, x, u, g, a, d = (bool(flags >> i & 1) for i in range(7))
        if (r or x) and not (w and not r):
            maps.append(Mapping(vpn, 0, 0x10_0000 + vpn, r, w, x, u, g, a, d, "ü (deleted)"))
            vpn += 1
    original = MappingList(maps, stats={"pid": 7, "pagemap": True, "layout": "x"})
    path = tmp_path / "maps.bin"
    save_mappings(path, original)
    assert path.exists() and not (tmp_path / "maps.bin.npz").exists()
    loaded = load_mappings(path)
    assert isinstance(loaded, MappingList)
    assert list(loaded) == list(original)
    assert loaded.stats == original.stats


def test_save_mappings_validates(tmp_path):
    overlapping = [Mapping(0x10, 0, 0x10_0000), Mapping(0x10, 0, 0x10_0001)]
    with pytest.raises(ValueError, match="overlap"):
        save_mappings(tmp_path / "bad.npz", overlapping)


@needs_proc
def test_child_process_maps_touches_and_exits():
    with child_process(anon_mib=8, stride=4, file_mib=1) as pid:
        assert os.path.exists(f"/proc/{pid}")
        maps = process_snapshot(pid, seed=3)
    assert maps.stats["pid"] == pid and maps.stats["pagemap"]
    # 8 MiB with every 4th page touched: 512 anonymous pages; the 1 MiB file: 256 pages.
    assert sum(1 for m in maps if m.name == "anon") >= 512
    assert sum(1 for m in maps if "(deleted)" in m.name) >= 256
    assert not os.path.exists(f"/proc/{pid}"), "the child did not exit"


@pytest.mark.parametrize("kwargs,message", [
    (dict(anon_mib=0), "^anon_mib must be an int >= 1, not 0$"),
    (dict(stride=True), "^stride must be an int >= 1, not True$"),
    (dict(file_mib=1.5), "^file_mib must be an int >= 1, not 1.5$"),
])
def test_child_process_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        with child_process(**kwargs):
            pass


def test_run_mmu_bench_rejects_bad_arguments():
    with pytest.raises(TypeError, match="^quick must be a bool, not str$"):
        run_mmu_bench(quick="yes")
    with pytest.raises(ValueError, match="^jobs must be a positive int, not 0$"):
        run_mmu_bench(quick=True, jobs=0)


def check_mode(mode, settings, learned):
    assert mode["walks"] == settings["golden_walks"]
    hist = {int(k): n for k, n in mode["histogram"].items()}
    assert sum(hist.values()) == mode["walks"]
    assert mode["accesses_mean"] == pytest.approx(
        sum(k * n for k, n in hist.items()) / mode["walks"])
    assert mode["single_share"] == pytest.approx(hist.get(1, 0) / mode["walks"])
    assert min(hist) >= 1 and (learned or max(hist) <= 3)
    assert set(mode["cycles"]) == {str(x) for x in LATENCIES}
    previous = 0
    for latency in LATENCIES:
        cycles = mode["cycles"][str(latency)]
        assert cycles["count"] == settings["rtl_walks"]
        # Every request walks: at least one access of `latency` cycles.
        assert latency < cycles["mean"] and cycles["p50"] <= cycles["p90"] <= cycles["max"]
        assert cycles["hw_walk_cycles_mean"] > 0
        assert cycles["mean"] > previous
        previous = cycles["mean"]
    zipf = mode["zipf"]
    assert zipf["requests"] == settings["zipf_requests"]
    assert 0 < zipf["tlb_hit_rate"] < 1
    assert (zipf["lwc_hit_rate"] is not None) == learned
    assert ("whole_index_cached" in mode) == learned


def test_quick_bench_writes_results(tmp_path, monkeypatch):
    monkeypatch.setenv("CERITE_RESULTS_DIR", str(tmp_path))
    data = run_mmu_bench(quick=True)
    names = ["mmu_bench.json", "mmu_bench.md", "mmu_bench_accesses.png", "mmu_bench_cycles.png",
             "mmu_bench_index.png"]
    assert sorted(os.path.basename(f) for f in data["files"]) == sorted(names)
    for name in names:
        assert (tmp_path / name).stat().st_size > 0
    for name in names[2:]:
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    record = json.loads((tmp_path / "mmu_bench.json").read_text())
    assert set(record["provenance"]) >= {"command", "date", "machine"}
    assert record["paper"] == PAPER and record["targets"] == TARGETS and record["quick"] is True
    settings = record["settings"]
    expected = list(settings["layouts"])
    if proc_available():
        expected.append("process:self")
    assert [w["name"] for w in record["worlds"]] == expected
    for w in record["worlds"]:
        check_mode(w["learned"], settings, True)
        check_mode(w["radix"], settings, False)
        assert w["learned"]["accesses_mean"] <= w["radix"]["accesses_mean"], w["name"]
        s = w["index"]
        assert s["index_bytes"] >= 32 and s["gpt_bytes"] > 0 and s["build_seconds"] > 0
        assert 0 <= s["overflow_rate"] <= s["collision_rate"] <= 1
        assert w["keys"] == sum(w["keys_by_size"]) and w["footprint_bytes"] >= 4096 * w["keys"]
    assert [v["name"] for v in record["verdicts"]] == expected[len(settings["layouts"]):]
    for v in record["verdicts"]:
        assert v["single_share_met"] == (v["single_share"] >= TARGETS["single_access_share"])
    md = (tmp_path / "mmu_bench.md").read_text()
    for heading in ("## Targets and the paper", "## Accesses per walk",
                    "## Cycles per translation", "## Zipf stream", "## Index", "## Plots"):
        assert heading in md
    assert "99.4%" in md and "112–162" in md
    for w in record["worlds"]:
        assert f"| {w['name']} |" in md


def test_cli_hook(monkeypatch, capsys):
    parser = argparse.ArgumentParser(prog="cerite mmu")
    add_mmu_bench_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["bench", "--quick", "--json"])
    assert args.func is main_bench and args.quick and args.json
    calls = []

    def fake_run(*, quick):
        calls.append(quick)
        print("noise that must not reach stdout")
        return {"worlds": [], "verdicts": [], "files": ["a.json"]}

    monkeypatch.setattr(bench, "run_mmu_bench", fake_run)
    assert main_bench(args) == 0
    out = capsys.readouterr()
    assert calls == [True]
    assert json.loads(out.out) == {"worlds": [], "verdicts": [], "files": ["a.json"]}
    assert "noise" in out.err
    assert main_bench(parser.parse_args(["bench"])) == 0
    assert calls == [True, False]
    assert "wrote a.json" in capsys.readouterr().out
