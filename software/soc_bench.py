"""SoC benchmark: the simulated board's speed, the host link's rate, polynomial products, walks.

``python -m cerite.soc_bench [--quick]`` (also ``cerite bench soc``) measures on the simulated
board (``cerite.sim.board``, ``sim`` profile) and writes ``docs/results/soc_bench.{json,md}``:

* simulated clock cycles per second of wall-clock time while the board is busy;
* host-link bytes per second: payload words moved by 4096-word bursts through the simulated
  board (wall clock), against the theoretical rate of the configured baud rate with the frame
  overhead of ``docs/host-link.md`` (8N1: 10 bits a byte; a burst write is a 13 + 4n-byte request
  and a 14-byte response, a burst read a 13-byte request and a 14 + 4n-byte response);
* the time of one RNS polynomial product (``N = 1024``, three 28-bit limbs, as in ``cerite
  demo``) split into transfer and compute: compute is the device's busy cycles at the full
  profile board's core clock (:data:`BOARD_CLOCK`, the ULX3S), transfer the bytes the product
  moved over the link at the baud rate; the simulated board's wall times are reported too;
* MMU walk cycles (learned and radix-only) against the read latency of the board's external
  table memory: the latency is paid once per burst, so the learned walk (fewer reads, longer
  lines) gains on the radix walk as the latency grows.
"""

import argparse
import random
import sys
import time

__all__ = ["BOARD_CLOCK", "LATENCIES", "run_soc_bench", "write_soc_bench", "main"]

#: Core clock of the full profile's board (ULX3S-85F, 25 MHz oscillator), in Hz.
BOARD_CLOCK = 25_000_000
#: Table-memory read latencies of the walk measurement (cycles); ``quick`` takes the ends.
LATENCIES = (1, 4, 8, 16, 32)
_BURST = 4096


class _Counting:
    """Counts the bytes a transport moves (wraps its ``write`` and ``read``)."""

    def __init__(self, transport):
        self.sent = self.received = 0
        write, read = transport.write, transport.read

        def counted_write(data):
            self.sent += len(data)
            return write(data)

        def counted_read(size, timeout):
            data = read(size, timeout)
            self.received += len(data)
            return data

        transport.write, transport.read = counted_write, counted_read

    @property
    def total(self):
        return self.sent + self.received


def _frame_bytes(words, *, write):
    """Bytes on the wire of one burst of ``words`` words (request and response)."""
    from .driver.link import REQUEST_HEADER_BYTES, RESPONSE_HEADER_BYTES
    request = REQUEST_HEADER_BYTES + 4 + (4 * words if write else 0)
    response = RESPONSE_HEADER_BYTES + 4 + (0 if write else 4 * words)
    return request + response


def _link(device, bursts, counter):
    rng = random.Random(1)
    words = [rng.getrandbits(32) for _ in range(_BURST)]
    baud = device.identity.info["clk_freq"] / device.identity.info["uart_divisor"]
    sent = counter.total
    started = time.perf_counter()
    for _ in range(bursts):
        device.write("scratch.ram_addr", 0)
        device.write_window("scratch.ram_data", words)
        device.write("scratch.ram_addr", 0)
        if device.read_window("scratch.ram_data", _BURST) != words:
            raise RuntimeError("the scratch RAM did not give back what was written")
    wall = time.perf_counter() - started
    payload = 2 * bursts * 4 * _BURST
    wire = counter.total - sent
    per_pair = _frame_bytes(_BURST, write=True) + _frame_bytes(_BURST, write=False)
    theory = baud / 10 * (2 * 4 * _BURST) / per_pair
    return {"bursts": 2 * bursts, "burst_words": _BURST, "payload_bytes": payload,
            "wire_bytes": wire, "wall_s": round(wall, 4),
            "sim_payload_bytes_per_s": round(payload / wall),
            "sim_wire_bytes_per_s": round(wire / wall),
            "baud": round(baud), "line_bytes_per_s": round(baud / 10),
            "theory_payload_bytes_per_s": round(theory),
            "frame_efficiency": round(2 * 4 * _BURST / per_pair, 5)}


def _product(device, counter):
    from .demo import NTT_BITS, NTT_LIMBS
    from .driver.ntt import NttInterface
    from .ntt.primes import find_ntt_primes
    from .ntt.rns import RnsBasis, from_rns, rns_poly_mul, to_rns
    ntt = NttInterface(device)
    primes = find_ntt_primes(ntt.n, min(NTT_BITS, ntt.width), NTT_LIMBS)
    basis = RnsBasis(primes, ntt.n)
    rng = random.Random(2)
    a = [rng.randrange(basis.modulus) for _ in range(ntt.n)]
    b = [rng.randrange(basis.modulus) for _ in range(ntt.n)]
    sent = counter.total
    started = time.perf_counter()
    coeffs, limbs = ntt.rns_poly_mul(a, b, primes)
    wall = time.perf_counter() - started
    golden = from_rns(rns_poly_mul(to_rns(a, basis), to_rns(b, basis), basis), basis)
    if [int(x) for x in coeffs] != [int(y) for y in golden]:
        raise RuntimeError("the product differs from the golden model")
    wire = counter.total - sent
    cycles = sum(r.compute_cycles for r in limbs)
    from .fpga.soc import choose_baud
    sim_baud = device.identity.info["clk_freq"] / device.identity.info["uart_divisor"]
    baud = choose_baud(BOARD_CLOCK)     # what the board's build picks at its clock (1 Mbaud)
    compute_s = cycles / BOARD_CLOCK
    transfer_s = wire * 10 / baud
    sim_compute_s = cycles / device.identity.info["clk_freq"]
    return {"n": ntt.n, "limbs": len(primes), "bits": [p.bit_length() for p in primes],
            "compute_cycles": cycles, "wire_bytes": wire, "board_clock_hz": BOARD_CLOCK,
            "baud": round(baud), "board_compute_s": compute_s, "board_transfer_s": transfer_s,
            "board_total_s": compute_s + transfer_s,
            "compute_share": compute_s / (compute_s + transfer_s),
            "sim_wall_s": round(wall, 4),
            "sim_nominal_compute_s": sim_compute_s,
            "sim_baud": round(sim_baud), "sim_nominal_transfer_s": wire * 10 / sim_baud}


def _cpu_seconds(transport):
    """CPU seconds the board process has used (None where /proc is missing): on a shared
    machine the wall-clock rate depends on the load, the rate per CPU second much less."""
    import os
    try:
        with open(f"/proc/{transport._proc.pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _walks(latency, maps, vas):
    from .driver import Device, SimTransport
    from .driver.mmu import MmuInterface
    out = {"latency": latency}
    with Device(SimTransport(mem_latency=latency)) as dev:
        mmu = MmuInterface(dev)
        mmu.load_mappings(maps)
        for learned in (True, False):
            mmu.set_learned(learned)
            mmu.reset()
            golden = mmu.golden()
            responses = mmu.translate(vas)
            errors = sum(not r.matches(golden.translate(va, 0, True))
                         for r, va in zip(responses, vas))
            c = mmu.counters()
            reads = c["reads_node"] + c["reads_gpt"] + c["reads_radix"]
            out["learned" if learned else "radix"] = {
                "walks": c["walks"], "reads_per_walk": reads / c["walks"],
                "cycles_per_walk": c["walk_cycles_total"] / c["walks"],
                "errors": errors}
    return out


def run_soc_bench(*, quick=False, progress=None):
    """Run the benchmark on the simulated board; returns a dict (see the module docstring).

    ``quick`` moves fewer bursts and measures walks at two latencies only. ``progress`` (a
    callable taking a message) hears about each step.
    """
    from .driver import Device, SimTransport
    from .lvm import LAYOUTS
    from .sim.board import DEFAULT_PROFILE, SIM_TABLE_LATENCY, build_board
    say = progress or (lambda message: None)
    say(f"building or finding the simulated board ({DEFAULT_PROFILE} profile)")
    build_board(profile=DEFAULT_PROFILE, progress=progress)
    result = {"profile": DEFAULT_PROFILE, "quick": bool(quick)}
    transport = SimTransport()
    counter = _Counting(transport)
    with Device(transport) as device:
        say("host link: 4096-word bursts")
        result["link"] = _link(device, 2 if quick else 8, counter)
        say("RNS polynomial product, N = 1024, three limbs")
        result["product"] = _product(device, counter)
        cpu_s = _cpu_seconds(transport)
    stats = transport.stats or {}
    result["simulation"] = {"cycles": stats.get("cycles"), "busy_s": stats.get("busy_s"),
                            "wall_s": stats.get("wall_s"),
                            "cycles_per_second": stats.get("cycles_per_second"),
                            "cpu_s": cpu_s,
                            "cycles_per_cpu_second": (round(stats["cycles"] / cpu_s)
                                                      if cpu_s and stats.get("cycles") else None)}
    maps = LAYOUTS["pie_aslr"](0)
    rng = random.Random(3)
    vas = [m.va + rng.randrange(4096 * m.pages) for m in rng.choices(list(maps), k=200)]
    latencies = (LATENCIES[0], SIM_TABLE_LATENCY) if quick else LATENCIES
    result["walks"] = {"layout": "pie_aslr", "pages": sum(m.pages for m in maps),
                       "translations": len(vas), "default_latency": SIM_TABLE_LATENCY,
                       "by_latency": []}
    for latency in latencies:
        say(f"MMU walks with a table-memory latency of {latency} cycles")
        result["walks"]["by_latency"].append(_walks(latency, maps, vas))
    rows = result["walks"]["by_latency"]
    result["errors"] = sum(r[m]["errors"] for r in rows for m in ("learned", "radix"))
    return result


def _markdown(result):
    link, prod, sim = result["link"], result["product"], result["simulation"]
    lines = ["# SoC benchmark (simulated board)", ""]
    if sim.get("cycles_per_second"):
        lines.append(f"Simulated board ({result['profile']} profile): "
                     f"{sim['cycles_per_second'] / 1e6:.2f} M simulated cycles per second while "
                     f"busy ({sim['cycles']} cycles in {sim['busy_s']:.2f} s of wall clock)"
                     + (f", {sim['cycles_per_cpu_second'] / 1e6:.2f} M per CPU second of the "
                        f"board process ({sim['cpu_s']:.2f} s)"
                        if sim.get("cycles_per_cpu_second") else "") + ".")
        lines.append("")
    lines += ["## Host link", "",
              "| | bytes/s |", "| --- | ---: |",
              f"| line rate at {link['baud']} baud (8N1) | {link['line_bytes_per_s']} |",
              f"| payload, theoretical, {link['burst_words']}-word bursts (frame efficiency "
              f"{link['frame_efficiency']:.4f}) | {link['theory_payload_bytes_per_s']} |",
              f"| payload, simulated board, wall clock | {link['sim_payload_bytes_per_s']} |",
              f"| wire bytes, simulated board, wall clock | {link['sim_wire_bytes_per_s']} |",
              "",
              f"## RNS polynomial product (N = {prod['n']}, {prod['limbs']} limbs)", "",
              "| | seconds |", "| --- | ---: |",
              f"| compute: {prod['compute_cycles']} cycles at {prod['board_clock_hz'] / 1e6:g} "
              f"MHz (full-profile board) | {prod['board_compute_s']:.6f} |",
              f"| transfer: {prod['wire_bytes']} bytes at {prod['baud']} baud | "
              f"{prod['board_transfer_s']:.4f} |",
              f"| total on the board (compute share {100 * prod['compute_share']:.1f} %) | "
              f"{prod['board_total_s']:.4f} |",
              f"| simulated board, wall clock | {prod['sim_wall_s']:.3f} |",
              "",
              f"## MMU walks against the table memory's read latency ({result['walks']['layout']},"
              f" {result['walks']['translations']} translations)", "",
              "| latency (cycles) | learned cycles/walk | learned reads/walk | radix cycles/walk "
              "| radix reads/walk |",
              "| ---: | ---: | ---: | ---: | ---: |"]
    for row in result["walks"]["by_latency"]:
        lrn, rdx = row["learned"], row["radix"]
        lines.append(f"| {row['latency']} | {lrn['cycles_per_walk']:.1f} | "
                     f"{lrn['reads_per_walk']:.2f} | {rdx['cycles_per_walk']:.1f} | "
                     f"{rdx['reads_per_walk']:.2f} |")
    lines += ["", f"The simulated board's default latency is "
              f"{result['walks']['default_latency']} cycles; the on-chip RAM's is 1. Every "
              f"translation was checked against the golden model: {result['errors']} errors."]
    return "\n".join(lines)


def _plot(result, directory):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    rows = result["walks"]["by_latency"]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    lat = [r["latency"] for r in rows]
    for mode in ("learned", "radix"):
        ax.plot(lat, [r[mode]["cycles_per_walk"] for r in rows], marker="o", label=mode)
    ax.set_xlabel("table memory read latency (cycles)")
    ax.set_ylabel("cycles per walk")
    ax.set_title("MMU walks on the simulated board")
    ax.legend()
    fig.tight_layout()
    path = directory / "soc_bench_walks.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write_soc_bench(result, directory=None):
    """Write ``soc_bench.json`` / ``.md`` (and a PNG of the walk cycles when matplotlib is
    installed) with :func:`cerite.results.write_results`; returns the paths written."""
    from .results import results_dir, write_results
    paths = list(write_results("soc_bench", result, _markdown(result), directory))
    from pathlib import Path
    png = _plot(result, Path(directory) if directory else results_dir())
    if png is not None:
        paths.append(png)
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cerite.soc_bench", description=__doc__
                                     .splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer bursts and latencies")
    args = parser.parse_args(argv)

    def progress(message):
        print(f"cerite: {message}", file=sys.stderr, flush=True)

    result = run_soc_bench(quick=args.quick, progress=progress)
    for path in write_soc_bench(result):
        print(path)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
