"""Issue 19: what metrics cost the warm hot lookup, metrics on against metrics off.

Both servers run from this tree at once, pinned to the same CPU, each driven by its own wrk
(bench/ab.py's method: machine noise hits both alike); "off" is the same server with
UNIONHUB_METRICS_ENABLED=false (no MeterProvider, the hot histograms return at once). Tracing
is at its default in both. Needs the `bench` database (run bench/run.py once first).

    .venv/bin/python bench/metrics_cost.py --rounds 5

Prints each round's req/s and the cost (1 - on/off), and their median. Issue 19 allows 3%.
The figures need a quiet machine: on a shared one, read the median over several rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ab  # bench/ab.py: start a server from a tree
import harness as R  # the benchmarks' shared harness


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--duration", type=int, default=8)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--server-cpu", default="1")
    p.add_argument("--load-cpu", default="0")
    args = p.parse_args()

    run_dir = Path(os.environ.get("TMPDIR", "/tmp")) / "unionhub-metrics-cost"
    run_dir.mkdir(exist_ok=True)
    tree = R.ROOT
    on = ab.start(tree, "on", run_dir, args.server_cpu, {})
    off = ab.start(tree, "off", run_dir, args.server_cpu, {"UNIONHUB_METRICS_ENABLED": "false"})
    try:
        token = R.login(on.port)
        cards = R.sample_cards(R.BENCH_DB, 1)
        for server in (on, off):
            R.lookup(server.port, token, cards[0])
        costs = []
        for i, results in enumerate(ab.rounds_side_by_side((on, off), token, cards, args,
                                                           run_dir)):
            cost = 1 - results["on"]["rps"] / results["off"]["rps"]
            costs.append(cost)
            R.log(f"round {i + 1}: on {results['on']['rps']:,.0f} req/s, "
                  f"off {results['off']['rps']:,.0f} req/s, cost {cost:.1%}")
        print(f"metrics cost on the warm lookup, median of {args.rounds} rounds: "
              f"{statistics.median(costs):.1%} (rounds {min(costs):.1%} to {max(costs):.1%})")
    finally:
        on.stop()
        off.stop()


if __name__ == "__main__":
    main()
