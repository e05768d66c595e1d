"""placeOrder through the real HTTP server, two source trees in interleaved rounds (issue 23,
point 5: was a change to placing faster?).

    .venv/bin/python bench/mall_ab.py /tmp/base . --rounds 3 [--json FILE]

Each round serves tree A, runs bench/mall_orders.py against it (its floor, 64 buyers on distinct
SKUs for --duration seconds, then the hot SKU with stock 100 that must sell exactly 100), stops
it, and does the same for tree B; every other round in the opposite order. Both trees use the
`bench` database (UNIONHUB_BENCH_DB / UNIONHUB_BENCH_REDIS_DB point elsewhere), run bench/run.py
once first. Prints each round's orders/s and server CPU per order, and the medians of B/A.
Orders/s moves with the machine's load; the server's CPU µs per order much less.
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

import ab  # bench/ab.py: a server from a tree
import harness as R  # the benchmarks' shared harness
from run_mall import mall_orders


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("tree_a", type=Path)
    p.add_argument("tree_b", type=Path)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=int, default=8)
    p.add_argument("--server-cpu", default="1")
    p.add_argument("--load-cpu", default="0")
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    args.database = R.BENCH_DB
    run_dir = Path(os.environ.get("TMPDIR", "/tmp")) / "unionhub-mall-ab"
    run_dir.mkdir(exist_ok=True)
    trees = {"a": args.tree_a.resolve(), "b": args.tree_b.resolve()}
    rounds: list[dict[str, Any]] = []
    for i in range(args.rounds):
        row: dict[str, Any] = {}
        for name in ("a", "b") if i % 2 == 0 else ("b", "a"):
            server = ab.start(trees[name], name, run_dir, args.server_cpu, {})
            try:
                res = mall_orders(server, args, run_dir)
            finally:
                server.stop()
            row[name] = {"orders_per_s": res["distinct"]["rps"],
                         "cpu_us_per_order": res["distinct"]["cpu_us_per_req"],
                         "p99_ms": res["distinct"]["p99_ms"],
                         "floor_rps": res["floor"]["rps"],
                         "hot_orders_per_s": res["hot"]["rps"],
                         "hot_exactly_100_stock_0": res["hot"]["exactly_stock"],
                         "machine_busy": res["machine_busy"]}
        row["b_over_a_orders"] = round(row["b"]["orders_per_s"] / row["a"]["orders_per_s"], 3)
        row["b_over_a_cpu"] = round(row["b"]["cpu_us_per_order"] / row["a"]["cpu_us_per_order"],
                                    3)
        rounds.append(row)
        R.log(f"round {i + 1}: A {row['a']['orders_per_s']:.0f} orders/s "
              f"{row['a']['cpu_us_per_order']:.0f} µs CPU, B {row['b']['orders_per_s']:.0f} "
              f"orders/s {row['b']['cpu_us_per_order']:.0f} µs CPU")
    out = {"stamp": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
           "trees": {k: str(v) for k, v in trees.items()},
           "settings": {k: str(v) for k, v in vars(args).items()}, "rounds": rounds,
           "median_b_over_a_orders": statistics.median(r["b_over_a_orders"] for r in rounds),
           "median_b_over_a_cpu": statistics.median(r["b_over_a_cpu"] for r in rounds)}
    print(f"B/A orders/s, median of {args.rounds} rounds: {out['median_b_over_a_orders']:.3f}; "
          f"B/A server CPU per order: {out['median_b_over_a_cpu']:.3f}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
