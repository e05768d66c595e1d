"""Issue 23: what the fast path buys on the warm hot lookup, on against off, side by side.

Servers from this tree run at once, pinned to the same CPU, each under its own wrk (bench/ab.py's
method: machine noise hits all alike): "on" (the default), "off" (UNIONHUB_FAST_PATH=0: the
libraries' public paths only) and, with --parts, one server per part with only that part off
(UNIONHUB_FAST_PATH_OFF=<part>; unionhub/fastpath/switch.py lists them). A part buys
on/without-it - 1; issue 23 drops a part that buys less than 5%. Needs the `bench` database
(run bench/run.py once first).

    .venv/bin/python bench/fastpath_ab.py --rounds 5                 # on vs off
    .venv/bin/python bench/fastpath_ab.py --rounds 5 --parts all     # and each part alone
    .venv/bin/python bench/fastpath_ab.py --rounds 5 --parts spans,redis

Prints each round's req/s and what the fast path (and each part) buys, then the medians; with
--json, writes them to that file. The figures need a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ab  # bench/ab.py: start a server from a tree, rounds side by side
import run as R  # bench/run.py's helpers

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


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--duration", type=int, default=8)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--server-cpu", default="1")
    p.add_argument("--load-cpu", default="0")
    p.add_argument("--parts", default="", help="parts to measure alone: all, or a,b,c")
    p.add_argument("--json", type=Path, help="write the rounds and medians here")
    args = p.parse_args()

    run_dir = Path(os.environ.get("TMPDIR", "/tmp")) / "unionhub-fastpath-ab"
    run_dir.mkdir(exist_ok=True)
    servers = []
    try:
        for name, env in variants(args.parts).items():
            servers.append(ab.start(R.ROOT, name, run_dir, args.server_cpu, env))
        token = R.login(servers[0].port)
        cards = R.sample_cards("bench", 1)
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
