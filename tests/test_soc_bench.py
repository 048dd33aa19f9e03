"""The SoC benchmark's arithmetic and files (the measurement itself runs under ``slow``)."""

import json

import pytest

from cerite.driver.link import Command, encode_request, encode_response
from cerite.soc_bench import _frame_bytes, _markdown, run_soc_bench, write_soc_bench


@pytest.mark.parametrize("words", [1, 7, 4096])
def test_frame_bytes_are_the_encoded_frames(words):
    payload = list(range(words))
    write = (len(encode_request(Command.WRITE, 1, 0x100, payload=payload))
             + len(encode_response(Command.WRITE, 1, 0, count=words)))
    read = (len(encode_request(Command.READ, 2, 0x100, length=words))
            + len(encode_response(Command.READ, 2, 0, count=words, data=payload)))
    assert _frame_bytes(words, write=True) == write
    assert _frame_bytes(words, write=False) == read


def _fake():
    walk = {"walks": 10, "reads_per_walk": 1.0, "cycles_per_walk": 20.0, "errors": 0}
    return {
        "profile": "sim", "quick": True, "errors": 0,
        "simulation": {"cycles": 1000, "busy_s": 0.5, "wall_s": 1.0, "cycles_per_second": 2000,
                       "cpu_s": 0.25, "cycles_per_cpu_second": 4000},
        "link": {"bursts": 2, "burst_words": 4096, "payload_bytes": 32768, "wire_bytes": 32822,
                 "wall_s": 1.0, "sim_payload_bytes_per_s": 32768, "sim_wire_bytes_per_s": 32822,
                 "baud": 3_000_000, "line_bytes_per_s": 300_000,
                 "theory_payload_bytes_per_s": 299_506, "frame_efficiency": 0.99835},
        "product": {"n": 1024, "limbs": 3, "bits": [28, 28, 28], "compute_cycles": 12768,
                    "wire_bytes": 64464, "board_clock_hz": 25_000_000, "baud": 3_000_000,
                    "board_compute_s": 0.00051, "board_transfer_s": 0.2149,
                    "board_total_s": 0.2154, "compute_share": 0.0024, "sim_wall_s": 10.0,
                    "sim_nominal_compute_s": 0.001, "sim_nominal_transfer_s": 0.2149},
        "walks": {"layout": "pie_aslr", "pages": 100, "translations": 10, "default_latency": 16,
                  "by_latency": [{"latency": 1, "learned": walk, "radix": walk}]},
    }


def test_write_soc_bench_files(tmp_path):
    paths = write_soc_bench(_fake(), tmp_path)
    names = {p.name for p in paths}
    assert {"soc_bench.json", "soc_bench.md"} <= names
    data = json.loads((tmp_path / "soc_bench.json").read_text())
    assert data["product"]["compute_cycles"] == 12768 and "provenance" in data
    text = (tmp_path / "soc_bench.md").read_text()
    assert "| line rate at 3000000 baud (8N1) | 300000 |" in text
    assert "0.00 M simulated cycles per second" in text
    assert _markdown(_fake()).startswith("# SoC benchmark (simulated board)")


@pytest.mark.slow
def test_quick_bench_on_the_simulated_board(tmp_path):
    result = run_soc_bench(quick=True)
    assert result["errors"] == 0
    assert result["link"]["sim_payload_bytes_per_s"] > 0
    assert result["link"]["theory_payload_bytes_per_s"] < result["link"]["line_bytes_per_s"]
    low, default = result["walks"]["by_latency"]
    assert default["learned"]["cycles_per_walk"] < default["radix"]["cycles_per_walk"]
    assert low["radix"]["reads_per_walk"] == 3
