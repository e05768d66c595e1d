"""bench/server_cost.py for two checkouts side by side: both processes start and warm up, then
run short batches of the hot lookup in turn (A, B, B, A, ...), so that whatever else runs on
the machine weighs on both alike; prints the median CPU µs per request of each and B/A per
group of batches, the overall median ratio, and checks that both answer the same.

    .venv/bin/python bench/server_ab.py /work/wt/base /work/wt/head --batches 40

`--env-b NAME=value,...` sets B's environment (the same tree twice, a switch off in B:
`bench/server_ab.py . . --env-b UNIONHUB_FAST_PATH_OFF=compiled`). Any other option goes to
server_cost.py (--db, --redis-db, --no-id-number).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent


def start(tree: str, env: dict[str, str], extra: list[str]) -> tuple[Any, dict[str, Any]]:
    proc = subprocess.Popen([sys.executable, str(BENCH / "server_cost.py"), "--tree", tree,
                             "--serve", *extra], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    return proc, json.loads(proc.stdout.readline())


def batch(proc: Any, n: int) -> float:
    proc.stdin.write(f"{n}\n")
    proc.stdin.flush()
    return float(json.loads(proc.stdout.readline())["cpu_us"])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--batches", type=int, default=40, help="batches each")
    p.add_argument("--size", type=int, default=200, help="requests per batch")
    p.add_argument("--group", type=int, default=10, help="batches per printed line")
    p.add_argument("--env-b", default="")
    args, extra = p.parse_known_args()
    env_b = dict(os.environ)
    for pair in filter(None, args.env_b.split(",")):
        name, _, value = pair.partition("=")
        env_b[name] = value
    a, a_info = start(args.a, dict(os.environ), extra)
    b, b_info = start(args.b, env_b, extra)
    try:
        if a_info["answer"] != b_info["answer"]:
            raise SystemExit(f"answers differ:\nA {a_info['answer']}\nB {b_info['answer']}")
        print(f"A {a_info['tree']}  B {b_info['tree']}")
        cpu_a: list[float] = []
        cpu_b: list[float] = []
        for i in range(args.batches):
            for name in ("ab" if i % 2 == 0 else "ba"):
                (cpu_a if name == "a" else cpu_b).append(batch(a if name == "a" else b,
                                                               args.size))
            if (i + 1) % args.group == 0:
                ga, gb = cpu_a[-args.group:], cpu_b[-args.group:]
                print(f"batches {i + 2 - args.group}-{i + 1}: A median "
                      f"{statistics.median(ga):6.1f} µs (min {min(ga):6.1f})  B median "
                      f"{statistics.median(gb):6.1f} µs (min {min(gb):6.1f})  B/A "
                      f"{statistics.median(gb) / statistics.median(ga):.3f}", flush=True)
        pairs = [y / x for x, y in zip(cpu_a, cpu_b, strict=True)]
        print(f"all: A median {statistics.median(cpu_a):.1f} µs, B median "
              f"{statistics.median(cpu_b):.1f} µs: B/A {statistics.median(cpu_b) / statistics.median(cpu_a):.3f}; "
              f"median of the paired ratios {statistics.median(pairs):.3f}; mins B/A "
              f"{min(cpu_b) / min(cpu_a):.3f}")
    finally:
        for proc in (a, b):
            proc.stdin.write("\n")
            proc.stdin.flush()
            proc.wait(timeout=60)


if __name__ == "__main__":
    main()
