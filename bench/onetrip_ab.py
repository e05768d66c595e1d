"""In-process A/B of fastpath/one_trip.py (a request's keyset reads sent as one statement): two
bench/inproc_screens.py processes at once, pinned to the same CPU, one with the `--off` parts
off (A; default `onetrip`), or with `--base TREE` one from another checkout (A, e.g. the base
commit's worktree), and this tree with every part on (B), so that whatever slows the machine
slows both alike. Per round: each side's SQL statements, Python calls and CPU µs per request
(the in-process client included), and B/A; then the medians. Also checks that both sides
answered alike.

    UNIONHUB_BENCH_REDIS_DB=11 .venv/bin/python bench/onetrip_ab.py --db bench_home \\
        --redis-db 11 --only "home,my vouchers,my service requests" --rounds 5 --json out.json
    ... --base /work/wt/home-base

Set UNIONHUB_BENCH_REDIS_DB to the --redis-db (bench/run.py's app_env claims that db too).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
FIELDS = ("queries_per_request", "pg_statements_per_request", "redis_round_trips_per_request",
          "calls_per_request", "cpu_us_per_request")


def side(ns: argparse.Namespace, off: bool, out: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.pop("UNIONHUB_FAST_PATH_OFF", None)
    bench = BENCH
    if off and ns.base:
        bench = Path(ns.base).resolve() / "bench"
    elif off:
        env["UNIONHUB_FAST_PATH_OFF"] = ns.off
    return subprocess.Popen(
        ["taskset", "-c", ns.cpu, sys.executable, str(bench / "inproc_screens.py"), "--db", ns.db,
         "--redis-db", str(ns.redis_db), "--only", ns.only, "--requests", str(ns.requests),
         "--batches", str(ns.batches), "--json", out],
        env=env, stdout=subprocess.DEVNULL)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", required=True)
    p.add_argument("--redis-db", type=int, required=True)
    p.add_argument("--only", default="home")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--requests", type=int, default=150)
    p.add_argument("--batches", type=int, default=5)
    p.add_argument("--cpu", default="1")
    p.add_argument("--off", default="onetrip", help="A: these parts off")
    p.add_argument("--base", default="", help="A: this checkout instead")
    p.add_argument("--json", default="")
    ns = p.parse_args()
    rounds = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(ns.rounds):
            files = {name: f"{tmp}/{name}{n}.json" for name in ("A", "B")}
            # alternate which one starts first
            order = ("A", "B") if n % 2 == 0 else ("B", "A")
            procs = [side(ns, name == "A", files[name]) for name in order]
            for proc in procs:
                if proc.wait() != 0:
                    raise SystemExit(f"inproc_screens failed ({proc.args})")
            a, b = (json.loads(Path(files[k]).read_text()) for k in ("A", "B"))
            round_ = {}
            for screen in a:
                if a[screen]["answer"] != b[screen]["answer"]:
                    raise SystemExit(f"{screen}: the answers differ")
                round_[screen] = {"A": {f: a[screen][f] for f in FIELDS},
                                  "B": {f: b[screen][f] for f in FIELDS}}
                ra, rb = round_[screen]["A"], round_[screen]["B"]
                ratio = rb["cpu_us_per_request"] / ra["cpu_us_per_request"]
                round_[screen]["cpu_B_over_A"] = round(ratio, 3)
                print(f"round {n + 1} {screen:22} SQL {ra['queries_per_request']:.0f} -> "
                      f"{rb['queries_per_request']:.0f}  calls {ra['calls_per_request']} -> "
                      f"{rb['calls_per_request']}  CPU µs {ra['cpu_us_per_request']} -> "
                      f"{rb['cpu_us_per_request']}  B/A {ratio:.3f}", flush=True)
            rounds.append(round_)
    print("median B/A (CPU):")
    for screen in rounds[0]:
        print(f"  {screen:22} "
              f"{statistics.median(r[screen]['cpu_B_over_A'] for r in rounds):.3f}")
    if ns.json:
        Path(ns.json).write_text(json.dumps({"only": ns.only, "rounds": rounds}, indent=1))


if __name__ == "__main__":
    main()
