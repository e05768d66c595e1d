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
import resource
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as R  # the benchmarks' shared harness


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


def _cpu_of(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _pids_titled(match: str) -> list[int]:
    """Processes whose command line contains `match` (PostgreSQL backends show their
    database in their title; redis-server its address)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if match in title:
                found.append(int(entry.name))
    return found


def run_measured(server: Workers, token: str, cards: list[str], args: argparse.Namespace,
                 run_dir: Path, label: str) -> dict:
    """R.run_wrk, plus the CPU per request of everything else the lookup makes work on the
    same two cores: wrk itself, this database's PostgreSQL backends, and Redis (shared with
    other sessions: an upper bound). Whether two workers can reach 1.6x one is a matter of
    these sums: the machine has 2 CPU-seconds a second for all of them."""
    pg = _pids_titled(f" {args.database} 127.0.0.1")
    redis = _pids_titled("redis-server")
    before = (resource.getrusage(resource.RUSAGE_CHILDREN), _cpu_of(pg), _cpu_of(redis))
    res = R.run_wrk(server, token, cards, R.LOOKUP, args.duration, args.connections, "", run_dir,
                    label)
    after = (resource.getrusage(resource.RUSAGE_CHILDREN), _cpu_of(pg), _cpu_of(redis))
    n = max(res["requests"], 1)
    wrk = (after[0].ru_utime + after[0].ru_stime) - (before[0].ru_utime + before[0].ru_stime)
    res["other_cpu_us_per_req"] = {
        "wrk": round(wrk / n * 1e6, 1),
        "postgres_backends": round((after[1] - before[1]) / n * 1e6, 1),
        "redis_shared": round((after[2] - before[2]) / n * 1e6, 1)}
    R.log(f"{label}: other CPU µs/req {res['other_cpu_us_per_req']}")
    return res


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
            results = {s.name: run_measured(s, token, cards, args, run_dir,
                                            f"round {i + 1} {s.name}")
                       for s in order}
            rounds.append(results)
            ratio = results["workers-2"]["rps"] / results["workers-1"]["rps"]
            R.log(f"round {i + 1}: two/one = {ratio:.3f}")
    finally:
        one.stop()
        two.stop()
    ratios = [r["workers-2"]["rps"] / r["workers-1"]["rps"] for r in rounds]
    # The ceiling, from CPU per request alone: one worker is bound by its one core (1/s1 req/s,
    # s1 its CPU per request); two workers and everything else the lookup makes work (o: wrk,
    # PostgreSQL, Redis) share 2 cores (2/(s2 + o2) req/s). So two/one <= 2*s1/(s2 + o2), and
    # <= 2*s1/(s1 + o1) even if a second worker cost nothing extra per request.
    ceilings, ideal = [], []
    for r in rounds:
        one_, two_ = r["workers-1"], r["workers-2"]
        s1, s2 = one_["cpu_us_per_req"], two_["cpu_us_per_req"]
        ceilings.append(2 * s1 / (s2 + sum(two_["other_cpu_us_per_req"].values())))
        ideal.append(2 * s1 / (s1 + sum(one_["other_cpu_us_per_req"].values())))
    summary = {
        "stamp": stamp, "seed": seed, "settings": vars(args),
        "machine": {"cpus": os.cpu_count(), "loadavg": Path("/proc/loadavg").read_text().split()[:3]},
        "rounds": rounds,
        "two_over_one_median": round(statistics.median(ratios), 3) if ratios else None,
        "two_over_one_ceiling_median": round(statistics.median(ceilings), 3) if ceilings else None,
        "two_over_one_ceiling_no_contention_median": (round(statistics.median(ideal), 3)
                                                      if ideal else None),
        "target": 1.6,
    }
    (R.RESULTS / f"{stamp}-workers.json").write_text(json.dumps(summary, indent=1))
    if ratios:
        print(f"two workers / one, req/s, median of {len(ratios)} rounds: "
              f"{statistics.median(ratios):.3f} (rounds {min(ratios):.3f} to {max(ratios):.3f}); "
              f"target 1.6; the CPU ceiling 2*s1/(s2+o2): {statistics.median(ceilings):.3f}, "
              f"without contention 2*s1/(s1+o1): {statistics.median(ideal):.3f}. "
              f"Machine busy in the last round: "
              f"{rounds[-1]['workers-2']['machine_busy']:.0%} (meaningful only when quiet)")


if __name__ == "__main__":
    main()
