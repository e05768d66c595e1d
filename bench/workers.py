"""One worker against two (`unionhub serve --workers N`) on the warm hot lookup (issue 22, point 4).

    .venv/bin/python bench/workers.py --rounds 5 --duration 8

Both servers run from this tree against the `bench` database (seeded as bench/run.py does;
the seed is idempotent) and Redis db 9 (`--database`, `--redis-db`), neither pinned: two
workers need both cores, and wrk shares them, as a load balancer and a proxy would on a host. The servers are loaded in
turn, never at once, in interleaved rounds (one, two, one, two, ...), so a machine that gets
busier mid-run slows both alike; the report is each round's two/one ratio and their median.
The issue's target: two workers serve at least 1.6x one worker on the 2-core machine.

The figures mean something only on a quiet machine: on a shared one (other sessions' tests,
builds) the second core is partly someone else's and the ratio understates two workers. The
results go to bench/results/<UTC stamp>-workers.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as R  # bench/run.py's helpers


class Workers(R.Server):
    """A server whose CPU is its worker processes' (uvicorn's supervisor only watches them)."""

    def cpu_seconds(self) -> float:
        pids = [self.pid, *_children(self.pid)]
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a worker that exited meanwhile
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if ppid == parent:
                found.append(int(entry.name))
    return found


def start(workers: int, database: str, run_dir: Path) -> Workers:
    cmd = [sys.executable, "-m", "unionhub.cli", "serve", "--workers", str(workers)]
    server = R.start_server(f"workers-{workers}", cmd, R.app_env(database), "", run_dir)
    return Workers(server.name, server.port, server.proc, server.log_path)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--members", type=int, default=10_000)
    p.add_argument("--database", default="bench")
    p.add_argument("--redis-db", type=int, default=R.REDIS_DB)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--cards", type=int, default=2000, help="distinct members looked up")
    args = p.parse_args()

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir = R.RESULTS / f"{stamp}-work"
    run_dir.mkdir(parents=True, exist_ok=True)
    R.REDIS_DB = args.redis_db  # read by R.app_env
    R.ensure_services()
    seed = R.prepare(args.database, args.members)
    one, two = start(1, args.database, run_dir), start(2, args.database, run_dir)
    rounds: list[dict[str, dict]] = []
    try:
        token = R.login(one.port)
        cards = R.sample_cards(args.database, args.cards)
        for server in (one, two):  # warm: every card cached, every worker's first requests done
            R.run_wrk(server, token, cards, R.LOOKUP, 3, args.connections, "", run_dir,
                      f"warm {server.name}")
        for i in range(args.rounds):
            order = (one, two) if i % 2 == 0 else (two, one)
            results = {s.name: R.run_wrk(s, token, cards, R.LOOKUP, args.duration,
                                         args.connections, "", run_dir, f"round {i + 1} {s.name}")
                       for s in order}
            rounds.append(results)
            ratio = results["workers-2"]["rps"] / results["workers-1"]["rps"]
            R.log(f"round {i + 1}: two/one = {ratio:.3f}")
    finally:
        one.stop()
        two.stop()
    ratios = [r["workers-2"]["rps"] / r["workers-1"]["rps"] for r in rounds]
    summary = {
        "stamp": stamp, "seed": seed, "settings": vars(args),
        "machine": {"cpus": os.cpu_count(), "loadavg": Path("/proc/loadavg").read_text().split()[:3]},
        "rounds": rounds,
        "two_over_one_median": round(statistics.median(ratios), 3) if ratios else None,
        "target": 1.6,
    }
    (R.RESULTS / f"{stamp}-workers.json").write_text(json.dumps(summary, indent=1))
    if ratios:
        print(f"two workers / one, req/s, median of {len(ratios)} rounds: "
              f"{statistics.median(ratios):.3f} (rounds {min(ratios):.3f} to {max(ratios):.3f}); "
              f"target 1.6. Machine busy in the last round: "
              f"{rounds[-1]['workers-2']['machine_busy']:.0%} (meaningful only when quiet)")


if __name__ == "__main__":
    main()
