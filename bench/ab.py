"""A/B of two source trees on the warm hot lookup, both under load at the same time.

On a shared machine the same server's CPU per request moves by a third from one run to the
next (bench/README.md), more than most single changes. Here both servers run at once, pinned
to the same CPU, each driven by its own wrk from the other CPU: whatever slows the machine
slows both alike, and the ratio of their requests per second is the ratio of their costs.

    .venv/bin/python bench/ab.py /path/to/tree-a /path/to/tree-b --rounds 5

A tree is a checkout of this repository (`git worktree add /tmp/a <rev>`); each server runs
from its own tree against the `bench` database (run bench/run.py once first). Prints each
round's req/s and the B/A ratio, and their median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as R  # the benchmarks' shared harness


def start(tree: Path, name: str, run_dir: Path, cpu: str, extra_env: dict[str, str]) -> R.Server:
    env = R.app_env(R.BENCH_DB, extra_env)
    env["PYTHONPATH"] = str(tree)
    root = R.ROOT
    R.ROOT = tree  # `python -m` puts the working directory first on sys.path
    try:
        return R.start_server(name, [sys.executable, "-m", "unionhub.cli", "serve",
                                     "--workers", "1"], env, cpu, run_dir)
    finally:
        R.ROOT = root


def rounds_side_by_side(servers: tuple[R.Server, ...], token: str, cards: list[str],
                        args: argparse.Namespace, run_dir: Path,
                        queries: dict[str, str] | None = None):
    """Each round: every server under its own wrk at the same time; yields {name: result}.
    `queries`: the operation per server name (default: the lookup, R.LOOKUP)."""
    for i in range(args.rounds):
        results: dict[str, dict] = {}

        def load(server: R.Server, results: dict[str, dict] = results,
                 label: str = f"round {i + 1}") -> None:
            query = (queries or {}).get(server.name, R.LOOKUP)
            results[server.name] = R.run_wrk(server, token, cards, query, args.duration,
                                             args.connections, args.load_cpu, run_dir,
                                             f"{label} {server.name}")

        threads = [threading.Thread(target=load, args=(s,)) for s in servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        yield results


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("tree_a", type=Path)
    p.add_argument("tree_b", type=Path)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--duration", type=int, default=8)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--server-cpu", default="1")
    p.add_argument("--load-cpu", default="0")
    p.add_argument("--env-b", default="", help="extra environment for B: NAME=value,NAME=value")
    args = p.parse_args()

    run_dir = Path(os.environ.get("TMPDIR", "/tmp")) / "unionhub-ab"
    run_dir.mkdir(exist_ok=True)
    env_b = dict(kv.split("=", 1) for kv in args.env_b.split(",") if kv)
    a = start(args.tree_a.resolve(), "a", run_dir, args.server_cpu, {})
    b = start(args.tree_b.resolve(), "b", run_dir, args.server_cpu, env_b)
    try:
        # Signed in on B: when B is the newer tree its token carries what A ignores (a session
        # id since issue 16), so both servers do their full check.
        token = R.login(b.port)
        cards = R.sample_cards(R.BENCH_DB, 1)
        for server in (a, b):
            R.lookup(server.port, token, cards[0])
        ratios = []
        for i, results in enumerate(rounds_side_by_side((a, b), token, cards, args, run_dir)):
            ratio = results["b"]["rps"] / results["a"]["rps"]
            ratios.append(ratio)
            R.log(f"round {i + 1}: B/A = {ratio:.3f}")
        print(f"B/A req/s, median of {args.rounds} rounds: {statistics.median(ratios):.3f} "
              f"(rounds {min(ratios):.3f} to {max(ratios):.3f})")
    finally:
        a.stop()
        b.stop()


if __name__ == "__main__":
    main()
