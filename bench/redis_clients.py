"""Issue 23, point 4: coredis's multiplexed client against ours (fastpath/shared_redis.py) on
the warm hot lookup, side by side.

Two servers from this tree run at once, pinned to the same CPU, each under its own wrk
(bench/ab.py's method): "ours" as it ships, and "coredis" (bench/coredis_serve.py: the lookup's
commands through coredis, the rest unchanged). A third, "pool", has our part off
(UNIONHUB_FAST_PATH_OFF=redis: redis-py's pool), for scale. coredis is installed by this script
into its own directory (pyproject.toml's `bench` extra names the version), never into the
project's environment. Needs the `bench` database (run bench/run.py once first).

    .venv/bin/python bench/redis_clients.py --rounds 5

Prints each round's req/s and coredis/ours, then the median. Issue 23: if coredis comes within
5% of ours, it replaces ours. The figures need a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ab  # bench/ab.py: start a server from a tree, rounds side by side
import harness as R  # the benchmarks' shared harness


def coredis_dir(run_dir: Path) -> Path:
    """coredis at the bench extra's version, in a directory of its own (installed once)."""
    target = run_dir / "coredis-site"
    if not (target / "coredis").is_dir():
        extra = tomllib.loads((R.ROOT / "pyproject.toml").read_text())
        spec = extra["project"]["optional-dependencies"]["bench"]
        R.log(f"installing {' '.join(spec)} into {target}")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", str(target),
                        *spec], check=True)
    return target


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--duration", type=int, default=8)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--server-cpu", default="1")
    p.add_argument("--load-cpu", default="0")
    p.add_argument("--no-pool", action="store_true", help="leave redis-py's pool out")
    args = p.parse_args()

    run_dir = Path(os.environ.get("TMPDIR", "/tmp")) / "unionhub-redis-clients"
    run_dir.mkdir(exist_ok=True)
    site = coredis_dir(run_dir)
    servers = []
    try:
        servers.append(ab.start(R.ROOT, "ours", run_dir, args.server_cpu, {}))
        env = R.app_env(R.BENCH_DB, {"UNIONHUB_BENCH_COREDIS": str(site)})
        servers.append(R.start_server("coredis", [sys.executable, str(R.BENCH / "coredis_serve.py"),
                                                  "serve", "--workers", "1"],
                                      env, args.server_cpu, run_dir))
        if not args.no_pool:
            servers.append(ab.start(R.ROOT, "pool", run_dir, args.server_cpu,
                                    {"UNIONHUB_FAST_PATH_OFF": "redis"}))
        token = R.login(servers[0].port)
        cards = R.sample_cards(R.BENCH_DB, 1)
        answers = [R.lookup(s.port, token, cards[0])["data"] for s in servers]  # warm
        assert all(a == answers[0] for a in answers), answers
        ratios = []
        for i, results in enumerate(ab.rounds_side_by_side(tuple(servers), token, cards, args,
                                                           run_dir)):
            rps = {name: result["rps"] for name, result in results.items()}
            ratios.append(rps["coredis"] / rps["ours"])
            R.log(f"round {i + 1}: " + ", ".join(f"{n} {v:,.0f} req/s" for n, v in rps.items())
                  + f"; coredis/ours {ratios[-1]:.3f}")
        print(f"coredis/ours on the warm lookup, median of {len(ratios)} rounds: "
              f"{statistics.median(ratios):.3f} (rounds {min(ratios):.3f} to {max(ratios):.3f}); "
              "within 5% means 0.95 or more")
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
