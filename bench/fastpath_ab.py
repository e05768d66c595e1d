"""Issue 23: what the fast path buys on the warm hot lookup, on against off, side by side.

Servers from this tree run at once, pinned to the same CPU, each under its own wrk (bench/ab.py's
method: machine noise hits all alike): "on" (the default), "off" (UNIONHUB_FAST_PATH=0: the
libraries' public paths only) and, with --parts, one server per part with only that part off
(UNIONHUB_FAST_PATH_OFF=<part>; unionhub/fastpath/switch.py lists them). A part buys
on/without-it - 1; issue 23 drops a part that buys less than 5%. Needs the `bench` database
(run bench/run.py once first; UNIONHUB_BENCH_DB / UNIONHUB_BENCH_REDIS_DB point elsewhere).

    .venv/bin/python bench/fastpath_ab.py --rounds 5                 # on vs off
    .venv/bin/python bench/fastpath_ab.py --rounds 5 --parts all     # and each part alone
    .venv/bin/python bench/fastpath_ab.py --rounds 5 --parts spans,redis
    .venv/bin/python bench/fastpath_ab.py --pairs --rounds 5 --parts all

--parts serves every variant at once: with all seven parts that is nine servers on one CPU,
which overloads it (the per-part figures of that mode are not usable). --pairs instead runs
one side-by-side pair at a time: "on" against the whole fast path off, then "on" against each
part off, each pair for --rounds rounds with fresh servers, so only two servers ever share the
CPU. It writes results/fastpath-parts-<stamp>.json and .md (what each part buys, per round
and the median) unless --json names the JSON file.

Prints each round's req/s and what the fast path (and each part) buys, then the medians; with
--json, writes them to that file. The figures need a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ab  # bench/ab.py: start a server from a tree, rounds side by side
import harness as R  # the benchmarks' shared harness

from unionhub.fastpath.switch import COMPONENTS


def variants(parts: str) -> dict[str, dict[str, str]]:
    """Server name -> its extra environment."""
    chosen = list(COMPONENTS) if parts == "all" else [p for p in parts.split(",") if p]
    unknown = set(chosen) - set(COMPONENTS)
    if unknown:
        raise SystemExit(f"unknown parts {sorted(unknown)}; choose from {', '.join(COMPONENTS)}")
    servers = {"on": {}, "off": {"UNIONHUB_FAST_PATH": "0"}}
    servers.update({f"no-{part}": {"UNIONHUB_FAST_PATH_OFF": part} for part in chosen})
    return servers


def run_pairs(args: argparse.Namespace, run_dir: Path) -> dict[str, Any]:
    """One pair at a time: "on" against one variant, side by side, --rounds rounds; then the
    next pair, with fresh servers (so only two servers share the CPU)."""
    pairs = {name: env for name, env in variants(args.parts or "all").items() if name != "on"}
    cards = R.sample_cards(R.BENCH_DB, 1)
    out: dict[str, Any] = {
        "mode": "pairs", "stamp": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "git": R.sh(["git", "rev-parse", "--short", "HEAD"], check=False).stdout.strip(),
        "settings": {k: str(v) for k, v in vars(args).items()},
        "loadavg_start": Path("/proc/loadavg").read_text().split()[:3], "pairs": {}}
    for name, env in pairs.items():
        servers = [ab.start(R.ROOT, "on", run_dir, args.server_cpu, {}),
                   ab.start(R.ROOT, name, run_dir, args.server_cpu, env)]
        try:
            token = R.login(servers[0].port)
            for server in servers:
                R.lookup(server.port, token, cards[0])  # warm: plans, caches, connections
            rounds = []
            for i, results in enumerate(ab.rounds_side_by_side(tuple(servers), token, cards,
                                                               args, run_dir)):
                on, off = results["on"], results[name]
                # A round where either side answered non-2xx (wrk counts those as requests:
                # an error is cheap) says nothing about the part: kept, not counted.
                errors = on["errors"]["status"] + off["errors"]["status"]
                rounds.append({"on_rps": on["rps"], "off_rps": off["rps"],
                               "buys": round(on["rps"] / off["rps"] - 1, 4),
                               "non_2xx": errors, "valid": errors == 0,
                               "on_cpu_us": on["cpu_us_per_req"],
                               "off_cpu_us": off["cpu_us_per_req"],
                               "machine_busy": max(on["machine_busy"], off["machine_busy"])})
                R.log(f"{name} round {i + 1}: on {on['rps']:,.0f} / {off['rps']:,.0f} req/s, "
                      f"buys {rounds[-1]['buys']:+.1%}")
        finally:
            for server in servers:
                server.stop()
        valid = [r for r in rounds if r["valid"]] or [{"buys": float("nan"), "off_cpu_us": 0,
                                                        "on_cpu_us": 0, "machine_busy": 0}]
        buys = [r["buys"] for r in valid]
        out["pairs"][name] = {
            "env": env, "rounds": rounds, "valid_rounds": sum(r["valid"] for r in rounds),
            "buys_median": round(statistics.median(buys), 4),
            "buys_min": min(buys), "buys_max": max(buys),
            "cpu_us_saved_median": round(statistics.median(
                r["off_cpu_us"] - r["on_cpu_us"] for r in valid), 1),
            "machine_busy_median": round(statistics.median(r["machine_busy"] for r in valid),
                                         3)}
    out["loadavg_end"] = Path("/proc/loadavg").read_text().split()[:3]
    return out


def pairs_markdown(res: dict[str, Any]) -> str:
    busy = max(float(res["loadavg_start"][0]), float(res["loadavg_end"][0])) > (os.cpu_count() or 1)
    lines = [
        f"# What each fast-path part buys: side-by-side pairs ({res['stamp']}, git {res['git']})",
        "",
        "`bench/fastpath_ab.py --pairs`: for each variant, the default server (\"on\") and one "
        "with that part off (`UNIONHUB_FAST_PATH_OFF=<part>`; \"off\": `UNIONHUB_FAST_PATH=0`) "
        "served at once on the same CPU, each under its own wrk (the warm hot lookup), one pair "
        "at a time. Buys = on/off req/s - 1, per round; CPU saved = the off server's µs of CPU "
        "per request minus the on server's. Issue 23 drops a part that buys under 5%.",
        "",
        f"Settings: {res['settings']['rounds']} rounds of {res['settings']['duration']} s, "
        f"{res['settings']['connections']} connections; load average at the start "
        f"{' '.join(res['loadavg_start'])}, at the end {' '.join(res['loadavg_end'])}"
        f" ({os.cpu_count()} cores)."
        + (" The load average was above the core count: the figures are indicative only (both "
           "servers of a pair share the noise, but an overloaded CPU shifts each part's share); "
           "rerun on a quiet machine." if busy else ""),
        "",
        "Rounds where either server answered non-2xx are not counted (wrk counts an error as a "
        "request); `valid` says how many rounds are.",
        "",
        "| part off | buys (median) | range | valid | CPU µs/req saved | machine busy | "
        "under 5% |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, p in res["pairs"].items():
        label = "the whole fast path" if name == "off" else f"`{name[3:]}`"
        spread = f"{p['buys_min']:+.1%} to {p['buys_max']:+.1%}"
        under = "yes" if p["buys_median"] < 0.05 else "no"
        lines.append(f"| {label} | {p['buys_median']:+.1%} | {spread} | "
                     f"{p['valid_rounds']}/{len(p['rounds'])} | "
                     f"{p['cpu_us_saved_median']:.0f} | {p['machine_busy_median']:.0%} | "
                     f"{under} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--duration", type=int, default=8)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--server-cpu", default="1")
    p.add_argument("--load-cpu", default="0")
    p.add_argument("--parts", default="", help="parts to measure alone: all, or a,b,c")
    p.add_argument("--pairs", action="store_true",
                   help="one side-by-side pair at a time (on vs each of --parts, default all)")
    p.add_argument("--json", type=Path, help="write the rounds and medians here")
    args = p.parse_args()

    run_dir = Path(os.environ.get("TMPDIR", "/tmp")) / "unionhub-fastpath-ab"
    run_dir.mkdir(exist_ok=True)
    if args.pairs:
        res = run_pairs(args, run_dir)
        stem = args.json or R.RESULTS / f"fastpath-parts-{res['stamp']}.json"
        stem.write_text(json.dumps(res, indent=2) + "\n")
        md = pairs_markdown(res)
        stem.with_suffix(".md").write_text(md)
        print(md)
        return
    servers = []
    try:
        for name, env in variants(args.parts).items():
            servers.append(ab.start(R.ROOT, name, run_dir, args.server_cpu, env))
        token = R.login(servers[0].port)
        cards = R.sample_cards(R.BENCH_DB, 1)
        for server in servers:
            R.lookup(server.port, token, cards[0])  # warm: plans, caches, connections
        rounds: list[dict[str, float]] = []
        for i, results in enumerate(ab.rounds_side_by_side(tuple(servers), token, cards, args,
                                                           run_dir)):
            rps = {name: result["rps"] for name, result in results.items()}
            rounds.append(rps)
            buys = ", ".join(f"{name[3:] if name != 'off' else 'all'} {rps['on'] / v - 1:+.1%}"
                             for name, v in rps.items() if name != "on")
            R.log(f"round {i + 1}: on {rps['on']:,.0f} req/s; the fast path buys: {buys}")
        medians = {name: statistics.median(r["on"] / r[name] - 1 for r in rounds)
                   for name in rounds[0] if name != "on"}
        for name, buys in medians.items():
            spread = [r["on"] / r[name] - 1 for r in rounds]
            label = "the whole fast path" if name == "off" else f"part {name[3:]}"
            print(f"{label} buys {buys:+.1%} on the warm lookup (median of {len(rounds)} rounds, "
                  f"{min(spread):+.1%} to {max(spread):+.1%})")
        if args.json:
            args.json.write_text(json.dumps({"rounds": rounds, "buys": medians}, indent=2) + "\n")
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
