"""Put high-fanout reset and clock-enable nets of an ECP5 netlist on the global clock network.

nextpnr 0.11 for the ECP5 promotes only clock nets to the global network. A reset or clock
enable that reaches thousands of flip-flops is left on general routing, where its sinks crowd the
slices' LSR and CE input multiplexers all over the die: the ULX3S-85F SoC, at 19 % of the LUT4s,
did not route in 30 minutes with three such nets (the synchronised reset button, 6,077 LSR sinks;
the MMU unit's reset or clear, 3,659; the NTT multiplier pipeline's enable, 4,490 CE sinks), and
routed in under 8 minutes once they were buffered. The ECP5's primary clock network can carry
such signals to any slice's CE and LSR (Lattice TN1263, "sysCLOCK PLL/DLL Design and Usage
Guide"), which is what the vendor's own tools do with them.

:func:`promote_control_nets` rewrites Yosys' JSON netlist (the file nextpnr reads): for each net
with at least ``min_fanout`` flip-flop LSR/CE sinks it adds a ``DCCA`` (a global buffer, its ``CE`` tied
high: a plain buffer) driven by the net and moves those sinks to its output. Other sinks (LUT
inputs, say) stay on the original net, so the logic is unchanged. Nets driven by an I/O buffer or
already by a ``DCCA`` are left alone, and so are nets that also drive a clock pin (nextpnr
promotes those itself).
"""

import json
from collections import defaultdict
from dataclasses import dataclass

__all__ = ["PromotedNet", "promote_control_nets", "promote_netlist_file",
           "CONTROL_PORTS", "DEFAULT_MIN_FANOUT", "MAX_PROMOTED"]

#: The control sinks moved to a buffer: the reset (LSR) and enable (CE) of the slice flip-flops.
#: Block RAM and multiplier enables stay on general routing.
CONTROL_PORTS = frozenset({("TRELLIS_FF", "LSR"), ("TRELLIS_FF", "CE")})
#: Clock ports: a net reaching one is a clock, which nextpnr promotes on its own.
_CLOCK_PORTS = frozenset({"CLK", "CLKA", "CLKB", "WCK", "CLKI", "CLK0", "CLK1", "CLK2", "CLK3"})
#: Cells whose outputs are not rebuffered (I/O buffers feed clocks through their own paths).
_SKIP_DRIVERS = frozenset({"DCCA", "TRELLIS_IO", "DCSC", "EHXPLLL"})
#: Fewest control sinks for a net to be promoted.
DEFAULT_MIN_FANOUT = 500
#: Most nets promoted: the ECP5 has 16 primary clock lanes per quadrant; this leaves room for
#: the design's clocks.
MAX_PROMOTED = 8


@dataclass(frozen=True)
class PromotedNet:
    """One net moved onto a global buffer."""
    net: str            #: the net's name in the netlist
    driver: str         #: the driving cell's type and port, e.g. ``"TRELLIS_FF.Q"``
    control_sinks: int  #: LSR/CE sinks moved to the buffer
    other_sinks: int    #: sinks left on the original net
    buffer: str         #: name of the added DCCA cell

    def as_dict(self):
        return {"net": self.net, "driver": self.driver, "control_sinks": self.control_sinks,
                "other_sinks": self.other_sinks, "buffer": self.buffer}


def _top_module(netlist):
    modules = netlist.get("modules") if isinstance(netlist, dict) else None
    if not isinstance(modules, dict):
        raise ValueError("netlist must be Yosys' JSON netlist (a 'modules' dictionary)")
    tops = [m for m in modules.values() if str(m.get("attributes", {}).get("top", "0")) not in
            ("0", "00000000000000000000000000000000")]
    if len(tops) != 1:
        raise ValueError(f"netlist must have exactly one top module, not {len(tops)}")
    return tops[0]


def promote_control_nets(netlist, *, min_fanout=DEFAULT_MIN_FANOUT, max_nets=MAX_PROMOTED):
    """Buffer the reset/enable nets of ``netlist`` (Yosys JSON, changed in place) that have at
    least ``min_fanout`` control sinks, the largest first, at most ``max_nets`` of them.

    Returns the list of :class:`PromotedNet`, largest first (empty when none qualifies).
    """
    if isinstance(min_fanout, bool) or not isinstance(min_fanout, int) or min_fanout < 2:
        raise ValueError(f"min_fanout must be an integer >= 2, not {min_fanout!r}")
    if isinstance(max_nets, bool) or not isinstance(max_nets, int) or max_nets < 0:
        raise ValueError(f"max_nets must be a non-negative integer, not {max_nets!r}")
    top = _top_module(netlist)
    cells = top.get("cells", {})
    driver, control, other, clock = {}, defaultdict(list), defaultdict(int), set()
    highest = 1
    for name, cell in cells.items():
        directions = cell.get("port_directions", {})
        for port, bits in cell.get("connections", {}).items():
            for index, bit in enumerate(bits):
                if not isinstance(bit, int):
                    continue                        # a constant ("0", "1", "x")
                highest = max(highest, bit)
                if directions.get(port) == "output":
                    driver[bit] = (name, cell["type"], port)
                elif (cell["type"], port) in CONTROL_PORTS:
                    control[bit].append((name, port, index))
                else:
                    other[bit] += 1
                    if port in _CLOCK_PORTS:
                        clock.add(bit)
    for info in top.get("netnames", {}).values():
        highest = max([highest] + [b for b in info.get("bits", []) if isinstance(b, int)])
    names = {}
    for net, info in sorted(top.get("netnames", {}).items(),
                            key=lambda item: (item[1].get("hide_name", 0), len(item[0]))):
        for bit in info.get("bits", []):
            if isinstance(bit, int):
                names.setdefault(bit, net)

    candidates = sorted(
        (bit for bit, sinks in control.items()
         if len(sinks) >= min_fanout and bit in driver and bit not in clock
         and driver[bit][1] not in _SKIP_DRIVERS),
        key=lambda bit: (-len(control[bit]), bit))[:max_nets]
    promoted = []
    for number, bit in enumerate(candidates):
        buffer = f"$cerite$global_buffer${number}"
        while buffer in cells:
            buffer += "_"
        highest += 1
        out = highest
        for cell_name, port, index in control[bit]:
            cells[cell_name]["connections"][port][index] = out
        cells[buffer] = {
            "hide_name": 1, "type": "DCCA", "parameters": {},
            "attributes": {"src": "cerite.fpga.global_buffers"},
            "port_directions": {"CLKI": "input", "CE": "input", "CLKO": "output"},
            "connections": {"CLKI": [bit], "CE": ["1"], "CLKO": [out]},
        }
        net = names.get(bit, f"bit{bit}")
        top.setdefault("netnames", {})[f"{net}$global"] = {
            "hide_name": 0, "bits": [out], "attributes": {}}
        _, dtype, dport = driver[bit]
        promoted.append(PromotedNet(net=net, driver=f"{dtype}.{dport}",
                                    control_sinks=len(control[bit]), other_sinks=other[bit],
                                    buffer=buffer))
    return promoted


def promote_netlist_file(path, **kwargs):
    """:func:`promote_control_nets` on the JSON netlist file ``path``, rewritten in place when a
    net was promoted. Returns the list of :class:`PromotedNet`."""
    with open(path) as f:
        netlist = json.load(f)
    promoted = promote_control_nets(netlist, **kwargs)
    if promoted:
        with open(path, "w") as f:
            json.dump(netlist, f)
    return promoted
