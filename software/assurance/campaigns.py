"""Fault campaigns: the MMU, the host link and the NTT array under random faults, in simulation.

``python -m cerite.assurance.campaigns [--quick] [--only mmu,link,ntt]`` runs three campaigns and
writes ``docs/results/campaigns.{json,md}`` (``--only`` keeps the other campaigns' earlier results
in the file). Every campaign fails loudly (a non-zero exit and the seed) on the first wrong result
or hang; the results record what was exercised.

- **mmu**: the ``fault_campaign`` cocotb test (:mod:`cerite.tb.lvm_mmu`) on the Verilated MMU of
  the full and the small profile: random layouts, memory latency modes (fixed, random, stalling),
  memory-error words injected into the tables and the index, response back-pressure, flushes of
  every kind during and between walks, configuration changes. Every response is compared with the
  golden MMU (:class:`cerite.lvm.golden.MmuModel`), reads included; every request must be
  answered within a bound that depends only on the memory latency. At least 10**5 translations
  per profile (``--quick``: 1000).
- **link**: the simulated board (the Verilated SoC, :mod:`cerite.sim.board`) receives request
  frames damaged at random (bit flips, dropped, duplicated and inserted bytes, truncation, random
  garbage, a good frame cut short and followed by garbage) mixed with good frames; responses are
  damaged too. Each damaged request must be answered with a documented error status or dropped,
  and must never write: after every frame the scratch registers and the RAM window's pointer are
  read back and compared with a shadow copy. Each host operation over a damaged response must
  return the right data or raise a documented :class:`cerite.driver.LinkError`. At least 10**4
  frames (``--quick``: 100).
- **ntt**: the ``random_sequences`` cocotb test (:mod:`cerite.tb.ntt_array`) on three array
  configurations: random command sequences with commands while busy (a CONTEXT among them),
  cancels in the middle of every operation, out-of-range coefficients, bad context headers, bad
  op codes and slots, commands without a context, random idle and back-pressure. Each command
  must end with the documented status and, where the data is defined, the golden result, within a
  bounded number of cycles. 600 commands per configuration (``--quick``: 60 on the first).
"""

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from .faults import FaultyTransport

__all__ = ["mmu_campaign", "link_campaign", "ntt_campaign", "main", "CampaignFailure",
           "FULL", "QUICK"]

#: Counts of the full campaigns and of the ``--quick`` ones.
FULL = {"mmu_requests": 100_000, "link_frames": 10_000, "ntt_commands": 600, "ntt_configs": 3}
QUICK = {"mmu_requests": 1000, "link_frames": 100, "ntt_commands": 60, "ntt_configs": 1}

#: NTT array configurations of the campaign: (log_n, width, lanes, reducer, depth, beat).
NTT_CONFIGS = [
    (3, 14, 1, "barrett", 1, 1),
    (8, 14, 2, "montgomery", 2, 2),
    (10, 32, 4, "solinas", 3, 2),
]


class CampaignFailure(AssertionError):
    """A campaign found a wrong result, a write by a bad frame or a hang; the message names the
    seed that reproduces it."""


# ---------------------------------------------------------------------------------------------
# MMU


def mmu_campaign(profile, *, requests, seed=None, segment=500):
    """Run the MMU fault campaign on ``profile`` (``"full"`` or ``"small"``); return its
    statistics."""
    from ..hw.lvm import FULL_PROFILE, SMALL_PROFILE, LearnedMMU
    from ..sim.cocotb import run_cocotb
    profiles = {"full": FULL_PROFILE, "small": SMALL_PROFILE}
    if profile not in profiles:
        raise ValueError(f"profile must be full or small, not {profile!r}")
    kwargs = dict(profiles[profile])
    hw = {k: kwargs[k] for k in ("tlb_entries", "lwc_entries", "asid_bits", "pa_bits",
                                 "counter_bits")}
    seed = random.randrange(1 << 31) if seed is None else seed
    with tempfile.TemporaryDirectory(prefix="cerite-campaign-") as tmp:
        out = Path(tmp) / "mmu.json"
        started = time.monotonic()
        try:
            run_cocotb(lambda: LearnedMMU(**kwargs), toplevel=f"lvm_mmu_{profile}",
                       test_module="cerite.tb.lvm_mmu", testcase="fault_campaign", seed=seed,
                       params={**hw, "requests": requests, "segment": segment,
                               "campaign_out": out})
        except AssertionError as error:
            raise CampaignFailure(f"MMU campaign ({profile} profile) failed:\n{error}") from None
        stats = json.loads(out.read_text())
    stats["seconds"] = round(time.monotonic() - started, 1)
    stats["profile"] = profile
    stats["seed"] = seed        # CERITE_SEED / --seed reproduces the run
    return stats


# ---------------------------------------------------------------------------------------------
# Host link

#: Damage applied to request frames, with their weights.
REQUEST_DAMAGE = {"none": 2, "flip": 3, "drop": 2, "dup": 2, "insert": 1, "truncate": 2,
                  "garbage": 1, "truncate+garbage": 1}
#: Statuses the device may answer a damaged request with (docs/host-link.md): it checked the CRC,
#: the command or the length and executed nothing.
DAMAGE_STATUSES = {"BAD_CRC", "BAD_COMMAND", "BAD_LENGTH"}


def damage(frame, kind, rng):
    """``frame`` damaged in the way ``kind`` names (see :data:`REQUEST_DAMAGE`).

    The result never contains the whole frame unchanged (a byte added before the sync byte or
    after the CRC leaves a good frame, which the device rightly executes): such a draw is redone.
    """
    if kind == "none":
        return bytes(frame)
    for _ in range(1000):
        data = _damage_once(bytearray(frame), kind, rng)
        if bytes(frame) not in data:
            return data
    raise ValueError(f"could not damage {bytes(frame).hex()} with {kind!r}")


def _damage_once(data, kind, rng):
    if kind == "flip":
        for _ in range(rng.choice([1, 1, 2, 3])):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == "drop":
        for _ in range(rng.choice([1, 1, 2])):
            del data[rng.randrange(len(data))]
    elif kind == "dup":
        i = rng.randrange(len(data))
        data.insert(i, data[i])
    elif kind == "insert":
        data.insert(rng.randrange(len(data) + 1), rng.randrange(256))
    elif kind == "truncate":
        del data[rng.randrange(1, len(data)):]
    elif kind == "garbage":
        data = bytearray(rng.choice([0xA5, rng.randrange(256)])
                         for _ in range(rng.randrange(1, 40)))
    elif kind == "truncate+garbage":
        del data[rng.randrange(1, len(data)):]
        data += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12)))
    else:
        raise ValueError(f"unknown damage {kind!r}")
    return bytes(data)


def _responses(buffer):
    """Split the bytes a device sent into decodable response frames; returns ``(frames, junk)``.
    """
    from ..driver.link import RESPONSE_HEADER_BYTES, SYNC_RESPONSE, decode_response
    frames, junk, i = [], 0, 0
    while i < len(buffer):
        if buffer[i] != SYNC_RESPONSE or len(buffer) - i < RESPONSE_HEADER_BYTES + 4:
            junk += 1
            i += 1
            continue
        length = int.from_bytes(buffer[i + 4:i + 6], "little")
        size = RESPONSE_HEADER_BYTES + 4 * length + 4
        try:
            frames.append(decode_response(bytes(buffer[i:i + size])))
            i += size
        except ValueError:
            junk += 1
            i += 1
    return frames, junk


def link_campaign(*, frames, seed=None, quiet=0.01, settle=0.12, timeout=0.2):
    """Run the host-link campaign on the simulated board; return its statistics.

    ``quiet`` is the wall time (s) a damaged frame is given to draw a response; one that drew
    none (cut short, or its length field damaged) is given ``settle`` more seconds, in which the
    board's link drops it after its frame timeout (2 ms of simulated time). Bytes sent sooner
    would extend the pending frame; the driver's ``timeout`` and retries recover from that too.
    """
    from ..driver import Device, LinkError, LinkTimeout, SimTransport
    from ..driver.link import Command, Status, encode_request
    seed = random.randrange(1 << 31) if seed is None else seed
    rng = random.Random(seed)
    inner = SimTransport()
    transport = FaultyTransport(inner, seed=rng.getrandbits(32), damage_requests=False)
    stats = {"seed": seed, "frames": 0, "damage": {}, "answers": {}, "host_ops": 0,
             "host_ok": 0, "host_errors": {}, "response_chunks_damaged": 0, "bad_writes": 0,
             "verify_timeouts": 0, "stale_answers": 0}
    started = time.monotonic()
    with Device(transport, timeout=timeout, retries=8) as dev:
        scratch = dev.regmap.address("scratch.value0")
        ram_addr = dev.regmap.address("scratch.ram_addr")
        ram_data = dev.regmap.address("scratch.ram_data")
        values = dev.link.read(scratch, 4)
        pointer = dev.link.read(ram_addr, 1)[0]
        def read_back(context):
            """The scratch values and the RAM pointer; a LinkTimeout (the device still inside a
            damaged frame whose length field promised more bytes) is waited out."""
            for attempt in range(4):
                try:
                    return dev.link.read(scratch, 4), dev.link.read(ram_addr, 1)[0]
                except LinkTimeout:
                    stats["verify_timeouts"] += 1
                    time.sleep(0.5 * (attempt + 1))
            raise CampaignFailure(f"{context}: the device does not answer any more; seed {seed}")

        def check_state(context):
            got_values, got_pointer = read_back(context)
            if got_values != values or got_pointer != pointer:
                stats["bad_writes"] += 1
                raise CampaignFailure(
                    f"{context}: the device state changed: values {got_values} (want {values}), "
                    f"RAM pointer {got_pointer} (want {pointer}); seed {seed}")

        kinds, weights = zip(*REQUEST_DAMAGE.items())
        for number in range(frames):
            kind = rng.choices(kinds, weights)[0]
            stats["damage"][kind] = stats["damage"].get(kind, 0) + 1
            context = f"frame {number} ({kind})"
            if kind == "none":
                # A good request through the driver: executed once, correct.
                if rng.random() < 0.5:
                    offset = rng.randrange(4)
                    words = [rng.getrandbits(32) for _ in range(rng.randrange(1, 5 - offset))]
                    dev.link.write(scratch + offset, words)
                    values[offset:offset + len(words)] = words
                else:
                    count = rng.randrange(1, 9)
                    dev.link.write(ram_data, [rng.getrandbits(32) for _ in range(count)],
                                   fixed=True)
                    pointer = read_back(context)[1]
                check_state(context)
            else:
                # A sequence number far from the driver's recent ones, so that a late answer to
                # one of the driver's own requests (after its retry) is told apart.
                link_seq = dev.link._seq
                seq = (link_seq + 128 + rng.randrange(-32, 32)) & 0xFF
                if rng.random() < 0.5:
                    offset = rng.randrange(4)
                    # Words that differ from the current values: a write would show.
                    words = [(values[offset + k] + rng.randrange(1, 1 << 32)) & 0xFFFFFFFF
                             for k in range(rng.randrange(1, 5 - offset))]
                    frame = encode_request(Command.WRITE, seq, scratch + offset, payload=words)
                else:
                    words = [rng.getrandbits(32) for _ in range(rng.randrange(1, 9))]
                    frame = encode_request(Command.WRITE_FIXED, seq, ram_data, payload=words)
                sent = damage(frame, kind, rng)
                transport.write(sent)
                received = bytearray()
                deadline = time.monotonic() + quiet
                while time.monotonic() < deadline:
                    received += transport.read(65536, max(0.0, deadline - time.monotonic()))
                answers, junk = _responses(received)
                if not answers:
                    deadline = time.monotonic() + settle
                    while time.monotonic() < deadline:
                        received += transport.read(65536,
                                                   max(0.0, deadline - time.monotonic()))
                    answers, junk = _responses(received)
                recent = {(link_seq - k) & 0xFF for k in range(16)}
                stale = [a for a in answers if a.status == Status.OK and a.seq in recent]
                answers = [a for a in answers if a not in stale]
                stats["stale_answers"] += len(stale)
                for answer in answers:
                    status = answer.status.name if isinstance(answer.status, Status) \
                        else f"0x{answer.status:02x}"
                    if status not in DAMAGE_STATUSES:
                        raise CampaignFailure(
                            f"{context}: a damaged request was answered {status} ({answer}); "
                            f"sent {sent.hex()} for {frame.hex()}; seed {seed}")
                    stats["answers"][status] = stats["answers"].get(status, 0) + 1
                if not answers:
                    stats["answers"]["dropped"] = stats["answers"].get("dropped", 0) + 1
                if junk:
                    raise CampaignFailure(f"{context}: {junk} bytes from the device are not a "
                                          f"response frame; seed {seed}")
                check_state(context)
            # Every eighth frame, one host operation over damaged responses.
            if number % 8 == 7:
                transport.rate = 0.3
                stats["host_ops"] += 1
                try:
                    if rng.random() < 0.5:
                        got = dev.link.read(scratch, 4)
                        if got != values:
                            raise CampaignFailure(f"{context}: a read over a damaged line "
                                                  f"returned {got}, want {values}; seed {seed}")
                    else:
                        offset = rng.randrange(4)
                        word = rng.getrandbits(32)
                        dev.link.write(scratch + offset, [word])
                        values[offset] = word
                    stats["host_ok"] += 1
                except LinkError as error:
                    name = type(error).__name__
                    stats["host_errors"][name] = stats["host_errors"].get(name, 0) + 1
                    if name != "LinkTimeout" and name != "LinkCorrupted":
                        raise CampaignFailure(f"{context}: undocumented {name}: {error}; "
                                              f"seed {seed}") from None
                    # A write may or may not have happened: learn the state again.
                    transport.rate = 0.0
                    values = read_back(context)[0]
                finally:
                    transport.rate = 0.0
                check_state(context)
            stats["frames"] += 1
        stats["link"] = dict(dev.link.stats)
    stats["response_chunks_damaged"] = len(transport.damaged)
    stats["seconds"] = round(time.monotonic() - started, 1)
    return stats


# ---------------------------------------------------------------------------------------------
# NTT array


def ntt_campaign(config, *, commands, seed=None):
    """Run ``commands`` random commands on the NTT array ``config`` (a tuple of
    :data:`NTT_CONFIGS`); return the statistics."""
    from ..tb.ntt_array import run_testbench
    seed = random.randrange(1 << 31) if seed is None else seed
    with tempfile.TemporaryDirectory(prefix="cerite-campaign-") as tmp:
        out = Path(tmp) / "ntt.json"
        started = time.monotonic()
        try:
            run_testbench(config, testcase="random_sequences", seed=seed, commands=commands,
                          campaign_out=out)
        except AssertionError as error:
            raise CampaignFailure(f"NTT campaign {config} failed:\n{error}") from None
        stats = json.loads(out.read_text())
    stats["seconds"] = round(time.monotonic() - started, 1)
    stats["config"] = "n{}-w{}-b{}-{}-d{}-beat{}".format(*config)
    stats["seed"] = seed
    return stats


# ---------------------------------------------------------------------------------------------
# Results


def markdown(data):
    out = ["# Fault campaigns", "",
           "From `python -m cerite.assurance.campaigns` (see docs/assurance.md, \"Fault "
           "campaigns\"). Every campaign stops at the first wrong result, write by a bad frame "
           "or hang; the tables say what was exercised.", ""]
    mmu = data.get("mmu")
    if mmu:
        out += ["## MMU: random memory latency and memory errors", "",
                "| profile | translations | segments | error words | seconds | max cycles "
                "(fixed / random / stall) | seed |",
                "| --- | ---: | ---: | ---: | ---: | --- | --- |"]
        for run in mmu:
            mc = run["max_cycles"]
            out.append(f"| {run['profile']} | {run['requests']} | {run['segments']} | "
                       f"{run['error_words']} | {run['seconds']} | {mc.get('fixed', '-')} / "
                       f"{mc.get('random', '-')} / {mc.get('stall', '-')} | {run['seed']} |")
        out += ["", "Responses by source and fault, flushes by kind (all profiles):", ""]
        totals, flushes = {}, {}
        for run in mmu:
            for k, v in run["faults"].items():
                totals[k] = totals.get(k, 0) + v
            for k, v in run["flushes"].items():
                flushes[k] = flushes.get(k, 0) + v
        out += ["| response | count |", "| --- | ---: |"]
        out += [f"| {k} | {v} |" for k, v in sorted(totals.items())]
        out += ["", "| flush | count |", "| --- | ---: |"]
        out += [f"| {k} | {v} |" for k, v in sorted(flushes.items())]
        out.append("")
    link = data.get("link")
    if link:
        out += ["## Host link: damaged frames on the simulated board", "",
                f"{link['frames']} frames in {link['seconds']} s (seed {link['seed']}); "
                f"writes by a damaged frame: {link['bad_writes']}.", "",
                "| request damage | frames |", "| --- | ---: |"]
        out += [f"| {k} | {v} |" for k, v in sorted(link["damage"].items())]
        out += ["", "| device answer to a damaged request | count |", "| --- | ---: |"]
        out += [f"| {k} | {v} |" for k, v in sorted(link["answers"].items())]
        out += ["", f"Host operations over damaged responses: {link['host_ops']} "
                f"({link['response_chunks_damaged']} response chunks damaged): "
                f"{link['host_ok']} returned correct data, errors raised: "
                f"{link['host_errors'] or 'none'}.", ""]
    ntt = data.get("ntt")
    if ntt:
        out += ["## NTT array: random command sequences", "",
                "| configuration | commands | seconds | seed |", "| --- | ---: | ---: | --- |"]
        for run in ntt:
            out.append(f"| {run['config']} | {run['commands']} | {run['seconds']} | "
                       f"{run['seed']} |")
        outcomes = {}
        for run in ntt:
            for k, v in run["outcomes"].items():
                outcomes[k] = outcomes.get(k, 0) + v
        out += ["", "| command and perturbation -> outcome | count |", "| --- | ---: |"]
        out += [f"| {k} | {v} |" for k, v in sorted(outcomes.items())]
        out.append("")
    return "\n".join(out)


def run(only, counts, *, seed=None, log=print, profiles=("full", "small")):
    """Run the campaigns named in ``only`` (the MMU's on ``profiles``); return their results by
    name."""
    results = {}
    if "mmu" in only:
        results["mmu"] = []
        for profile in profiles:
            log(f"mmu campaign, {profile} profile: {counts['mmu_requests']} translations")
            results["mmu"].append(mmu_campaign(profile, requests=counts["mmu_requests"],
                                               seed=seed))
    if "link" in only:
        log(f"link campaign: {counts['link_frames']} frames")
        results["link"] = link_campaign(frames=counts["link_frames"], seed=seed)
    if "ntt" in only:
        results["ntt"] = []
        for config in NTT_CONFIGS[:counts["ntt_configs"]]:
            log(f"ntt campaign {config}: {counts['ntt_commands']} commands")
            results["ntt"].append(ntt_campaign(config, commands=counts["ntt_commands"],
                                               seed=seed))
    return results


def _merge(folders, out):
    from ..results import results_dir, write_results
    data = {"runs": []}
    for folder in folders:
        part = json.loads((Path(folder) / "campaigns.json").read_text())
        for key in ("mmu", "ntt"):
            data.setdefault(key, []).extend(part.get(key, []))
        if "link" in part:
            data["link"] = part["link"]
        data["runs"].append(part["provenance"])
    data = {k: v for k, v in data.items() if v}
    directory = Path(out) if out else results_dir()
    write_results("campaigns", data, markdown(data) + "\n\nThe campaigns ran as separate "
                  "processes side by side; `runs` in the JSON file has each one's command, date "
                  "and machine.", directory)
    print(f"merged {len(folders)} runs into {directory}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cerite.assurance.campaigns",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the short counts of the tests")
    parser.add_argument("--only", default="mmu,link,ntt",
                        help="comma-separated campaigns (mmu, link, ntt)")
    parser.add_argument("--seed", type=int, help="fix the seed of every campaign")
    parser.add_argument("--mmu-profiles", default="full,small",
                        help="comma-separated MMU profiles (default: full,small)")
    parser.add_argument("--mmu-requests", type=int,
                        help="translations per MMU profile (default 100000, --quick 1000)")
    parser.add_argument("--out", help="results folder (default docs/results)")
    parser.add_argument("--no-write", action="store_true", help="print, write no results")
    parser.add_argument("--merge", nargs="+", metavar="DIR",
                        help="run nothing: combine the campaigns.json of these folders (runs "
                             "made side by side) into the results")
    args = parser.parse_args(argv)
    if args.merge:
        return _merge(args.merge, args.out)
    only = [c for c in args.only.split(",") if c]
    for name in only:
        if name not in ("mmu", "link", "ntt"):
            parser.error(f"campaign must be mmu, link or ntt, not {name!r}")
    profiles = [p for p in args.mmu_profiles.split(",") if p]
    for profile in profiles:
        if profile not in ("full", "small"):
            parser.error(f"MMU profile must be full or small, not {profile!r}")
    counts = dict(QUICK if args.quick else FULL)
    if args.mmu_requests is not None:
        if args.mmu_requests < 1:
            parser.error(f"--mmu-requests must be a positive integer, not {args.mmu_requests}")
        counts["mmu_requests"] = args.mmu_requests
    try:
        results = run(only, counts, seed=args.seed, profiles=profiles)
    except CampaignFailure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    if args.no_write:
        print(json.dumps(results, indent=1))
        return 0
    from ..results import results_dir, write_results
    directory = Path(args.out) if args.out else results_dir()
    previous = directory / "campaigns.json"
    data = {}
    if previous.exists():
        old = json.loads(previous.read_text())
        data = {k: v for k, v in old.items() if k in ("mmu", "link", "ntt")}
    data.update(results)
    data["counts"] = counts
    write_results("campaigns", data, markdown(data), directory)
    print(f"campaigns {', '.join(only)}: passed; results in {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
