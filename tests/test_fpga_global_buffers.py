"""cerite.fpga.global_buffers: high-fanout reset/enable nets of an ECP5 netlist onto DCCAs."""

import copy
import json
import subprocess
from collections import Counter

import pytest

from cerite.fpga.global_buffers import (DEFAULT_MIN_FANOUT, promote_control_nets,
                                        promote_netlist_file)
from cerite.fpga.toolchain import ToolchainMissing, find_tool

TOP = "00000000000000000000000000000001"


def _ff(d, q, *, clk=2, ce=None, lsr=None):
    connections = {"CLK": [clk], "DI": [d], "Q": [q]}
    directions = {"CLK": "input", "DI": "input", "Q": "output"}
    for port, bit in (("CE", ce), ("LSR", lsr)):
        if bit is not None:
            connections[port] = [bit]
            directions[port] = "input"
    return {"type": "TRELLIS_FF", "parameters": {}, "attributes": {},
            "port_directions": directions, "connections": connections}


def _lut(inputs, z):
    ports = dict(zip("ABCD", inputs))
    return {"type": "LUT4", "parameters": {"INIT": "1010"}, "attributes": {},
            "port_directions": {**{p: "input" for p in ports}, "Z": "output"},
            "connections": {**{p: [b] for p, b in ports.items()}, "Z": [z]}}


def _netlist():
    """A clock from an I/O buffer (bit 2); a reset FF (bit 10) reaching 600 FF resets and one
    LUT; an enable LUT (bit 11) reaching 520 FF enables; a 100-sink enable (bit 12); a net that is
    both a clock and a reset of 700 FFs (bit 13)."""
    cells = {
        "clk_buf": {"type": "TRELLIS_IO", "parameters": {}, "attributes": {},
                    "port_directions": {"B": "input", "O": "output"},
                    "connections": {"B": [1], "O": [2]}},
        "rst_ff": _ff(3, 10),
        "en_lut": _lut([3, 4], 11),
        "small_lut": _lut([4, 5], 12),
        "odd_ff": _ff(5, 13),
        "user_lut": _lut([10, 3], 14),
    }
    bit = 100
    for i in range(600):
        cells[f"r{i}"] = _ff(3, bit, lsr=10); bit += 1
    for i in range(520):
        cells[f"e{i}"] = _ff(3, bit, ce=11); bit += 1
    for i in range(100):
        cells[f"s{i}"] = _ff(3, bit, ce=12); bit += 1
    for i in range(700):
        cells[f"o{i}"] = _ff(3, bit, lsr=13); bit += 1
    cells["odd_clocked"] = _ff(3, bit, clk=13)
    netnames = {"clk": {"hide_name": 0, "bits": [2]}, "rst": {"hide_name": 0, "bits": [10]},
                "rst_long_alias": {"hide_name": 0, "bits": [10]},
                "en": {"hide_name": 0, "bits": [11]}, "$auto$x": {"hide_name": 1, "bits": [12]}}
    return {"modules": {"helper": {"attributes": {}, "cells": {}},
                        "top": {"attributes": {"top": TOP}, "cells": cells,
                                "netnames": netnames}}}


def _drivers(module):
    return {b: (n, p) for n, c in module["cells"].items()
            for p, bits in c["connections"].items() if c["port_directions"][p] == "output"
            for b in bits}


def test_promotes_reset_and_enable_nets_and_nothing_else():
    netlist = _netlist()
    before = copy.deepcopy(netlist)
    promoted = promote_control_nets(netlist)
    assert [(p.net, p.driver, p.control_sinks, p.other_sinks) for p in promoted] == [
        ("rst", "TRELLIS_FF.Q", 600, 1), ("en", "LUT4.Z", 520, 0)]
    top, old = netlist["modules"]["top"], before["modules"]["top"]
    drivers = _drivers(top)
    for p in promoted:
        buffer = top["cells"][p.buffer]
        assert buffer["type"] == "DCCA" and buffer["connections"]["CE"] == ["1"]
        source, out = buffer["connections"]["CLKI"][0], buffer["connections"]["CLKO"][0]
        assert drivers[out] == (p.buffer, "CLKO")            # the new net has one driver
        assert out not in _drivers(old)                       # and is a new bit
        moved = [(n, port) for n, c in top["cells"].items() for port, bits in
                 c["connections"].items() if out in bits and port != "CLKO"]
        assert len(moved) == p.control_sinks
        assert all(port in ("LSR", "CE") and top["cells"][n]["type"] == "TRELLIS_FF"
                   for n, port in moved)
        # every moved sink was on the buffer's source net before
        assert all(old["cells"][n]["connections"][port] == [source] for n, port in moved)
    # the LUT input stays on the reset net; every other cell is untouched
    assert top["cells"]["user_lut"]["connections"]["A"] == [10]
    changed = {n for n in old["cells"] if old["cells"][n] != top["cells"][n]}
    assert changed == {f"r{i}" for i in range(600)} | {f"e{i}" for i in range(520)}
    assert set(top["cells"]) - set(old["cells"]) == {p.buffer for p in promoted}
    assert top["netnames"]["rst$global"]["bits"] == [top["cells"][promoted[0].buffer]
                                                     ["connections"]["CLKO"][0]]


def test_threshold_and_limit():
    assert [p.control_sinks for p in promote_control_nets(_netlist(), min_fanout=100)] == \
        [600, 520, 100]
    assert [p.control_sinks for p in promote_control_nets(_netlist(), max_nets=1)] == [600]
    assert promote_control_nets(_netlist(), max_nets=0) == []
    assert promote_control_nets(_netlist(), min_fanout=601) == []
    assert DEFAULT_MIN_FANOUT == 500


def test_buffer_names_do_not_collide():
    netlist = _netlist()
    netlist["modules"]["top"]["cells"]["$cerite$global_buffer$0"] = _lut([3, 4], 99)
    promoted = promote_control_nets(netlist)
    assert promoted[0].buffer == "$cerite$global_buffer$0_"
    assert netlist["modules"]["top"]["cells"]["$cerite$global_buffer$0"]["type"] == "LUT4"


def test_bad_input():
    for bad in ({}, {"modules": []}, "netlist"):
        with pytest.raises(ValueError, match="netlist must be Yosys' JSON netlist"):
            promote_control_nets(bad)
    with pytest.raises(ValueError, match="netlist must have exactly one top module, not 0"):
        promote_control_nets({"modules": {"a": {"attributes": {}}}})
    for bad in (1, 0, True, 2.5, "500"):
        with pytest.raises(ValueError, match=r"min_fanout must be an integer >= 2, not "):
            promote_control_nets(_netlist(), min_fanout=bad)
    with pytest.raises(ValueError, match=r"max_nets must be a non-negative integer, not -1"):
        promote_control_nets(_netlist(), max_nets=-1)


def test_file_is_rewritten_only_when_a_net_is_promoted(tmp_path):
    path = tmp_path / "top.json"
    path.write_text(json.dumps(_netlist()))
    assert promote_netlist_file(path, min_fanout=10_000) == []
    assert json.loads(path.read_text()) == _netlist()
    promoted = promote_netlist_file(path)
    assert len(promoted) == 2
    assert Counter(c["type"] for c in json.loads(path.read_text())["modules"]["top"]
                   ["cells"].values())["DCCA"] == 2


def test_on_a_real_yosys_netlist(tmp_path):
    """synth_ecp5 of 640 flip-flops with a synchronous reset and an enable from logic: both
    become DCCA-driven nets, and Yosys reads the rewritten netlist back."""
    try:
        yosys = find_tool("yosys")
    except ToolchainMissing as error:
        pytest.skip(str(error))
    (tmp_path / "top.v").write_text("""
module top(input clk, input rst_pin, input a, input b, input [639:0] d, output reg [639:0] q);
  reg rst;
  wire en = a ^ b;
  always @(posedge clk) rst <= rst_pin;
  always @(posedge clk) if (rst) q <= 0; else if (en) q <= d;
endmodule
""")
    subprocess.run([yosys, "-q", "-p", "read_verilog top.v; synth_ecp5 -top top -json top.json"],
                   cwd=tmp_path, check=True, capture_output=True)
    promoted = promote_netlist_file(tmp_path / "top.json")
    assert sorted(p.control_sinks for p in promoted) == [640, 640]
    assert {p.driver for p in promoted} >= {"TRELLIS_FF.Q"}
    out = subprocess.run([yosys, "-q", "-p", "read_json top.json; stat"], cwd=tmp_path,
                         check=True, capture_output=True, text=True)
    assert out.returncode == 0
