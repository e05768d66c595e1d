"""UnionHub benchmark suite (issue 8): the hot member lookup against its floor, in one run.

    python bench/run.py                      # 10,000 members, warm + cold lookups, profile
    python bench/run.py --scale              # also seeds 1,000,000 members (timed) into
                                             # database bench_1m and compares cold lookups

See bench/README.md. Every figure is reported as a ratio against the floor (a bare Starlette
route served by the same uvicorn settings, returning the same member document) measured in the
same run, because the machine is shared and absolute req/s are noisy. Traffic stays on
127.0.0.1; every load run is bounded by --duration.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness import (
    BENCH,
    BENCH_DB,
    EXPORT,
    LOOKUP,
    LOOKUP_NO_ID_NUMBER,
    RESULTS,
    TRACING,
    Server,
    app_env,
    ensure_database,
    ensure_services,
    flush_cache,
    free_port,
    last_seed_timing,
    log,
    login,
    lookup,
    prepare,
    run_wrk,
    sample_cards,
    serve_cmd,
    sh,
    start_server,
    synthetic_members,
)
from profiling import profile
from run_mall import grant_vouchers, mall_orders
from run_report import explain, human, median_of, report

# --- the run -----------------------------------------------------------------------------------

@dataclass
class Run:
    args: argparse.Namespace
    stamp: str
    run_dir: Path
    servers: list[Server] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)

    def start(self, name: str, cmd: list[str], env: dict[str, str]) -> Server:
        server = start_server(name, cmd, env, self.args.server_cpu, self.run_dir)
        self.servers.append(server)
        log(f"started {name} (pid {server.pid}, port {server.port}, cpu {self.args.server_cpu})")
        return server

    def stop_all(self) -> None:
        for s in self.servers:
            s.stop()
        self.servers.clear()

    def wrk(self, server: Server, token: str, cards: list[str], query: str, label: str,
            duration: int | None = None) -> dict[str, Any]:
        return run_wrk(server, token, cards, query, duration or self.args.duration,
                       self.args.connections, self.args.load_cpu, self.run_dir, label)


def paired_tracing(run: Run, on: Server, off: Server, token: str, cards: list[str],
                   rounds: int) -> dict[str, Any]:
    """Point 3 side by side: the tracing-on and tracing-off servers under load at once, on the
    same CPU, each driven by its own wrk (as bench/ab.py). Whatever slows the machine slows
    both, so the ratio of their req/s is the ratio of their costs; sequential rounds of one
    server moved by more than the effect measured (run 20261204T165302Z: one tracing-off
    round at 59% of the others)."""
    ratios: list[float] = []
    pairs = []
    for i in range(rounds):
        results: dict[str, dict[str, Any]] = {}

        def load(server: Server, label: str, results: dict[str, dict[str, Any]] = results) -> None:
            results[label] = run.wrk(server, token, cards, LOOKUP, label)

        threads = [threading.Thread(target=load, args=(s, f"paired {i + 1} {name}"))
                   for s, name in ((on, "on"), (off, "off"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        on_run, off_run = results[f"paired {i + 1} on"], results[f"paired {i + 1} off"]
        ratios.append(on_run["rps"] / off_run["rps"])
        pairs.append({"on": on_run, "off": off_run})
        log(f"paired round {i + 1}: tracing costs {1 - ratios[-1]:.1%} of req/s")
    return {"rounds": pairs, "on_over_off": ratios,
            "cost": 1 - statistics.median(ratios),
            "cost_min": 1 - max(ratios), "cost_max": 1 - min(ratios)}


def aggregate(rounds: list[dict[str, dict[str, Any]]], floor_label: str = "floor",
              ) -> dict[str, dict[str, Any]]:
    """Per variant: medians over rounds of req/s, p50, p99, CPU/req, and of the per-round ratios
    against the floor of the same round."""
    out: dict[str, dict[str, Any]] = {}
    for label in rounds[0]:
        runs = [r[label] for r in rounds if label in r]
        floors = [r[floor_label] for r in rounds if label in r]
        out[label] = {
            "rounds": len(runs),
            "rps": round(median_of(runs, "rps"), 1),
            "p50_ms": round(statistics.median(r["latency_us"]["p50"] for r in runs) / 1000, 2),
            "p99_ms": round(statistics.median(r["latency_us"]["p99"] for r in runs) / 1000, 2),
            "cpu_us_per_req": round(median_of(runs, "cpu_us_per_req"), 1),
            "rps_x_floor": round(statistics.median(
                r["rps"] / f["rps"] for r, f in zip(runs, floors, strict=True)), 4),
            "cpu_x_floor": round(statistics.median(
                r["cpu_us_per_req"] / f["cpu_us_per_req"] for r, f in zip(runs, floors, strict=True)), 2),
            "p99_x_floor": round(statistics.median(
                r["latency_us"]["p99"] / f["latency_us"]["p99"] for r, f in zip(runs, floors, strict=True)), 2),
            "non_2xx": sum(r["errors"]["status"] for r in runs),
            "machine_busy": round(statistics.median(r["machine_busy"] for r in runs), 2),
        }
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--members", type=int, default=10_000, help="synthetic members in --database")
    p.add_argument("--database", default=BENCH_DB)
    p.add_argument("--scale", action="store_true",
                   help="also seed --scale-members into --scale-database and compare cold lookups")
    p.add_argument("--scale-members", type=int, default=1_000_000)
    p.add_argument("--scale-database", default="bench_1m")
    p.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the warm variants")
    p.add_argument("--cold-cards", type=int, default=20_000,
                   help="distinct members walked by a cold-cache run (Redis flushed first)")
    p.add_argument("--server-cpu", default="1", help="taskset CPU list for servers ('' = none)")
    p.add_argument("--load-cpu", default="0", help="taskset CPU list for wrk ('' = none)")
    p.add_argument("--no-profile", action="store_true")
    p.add_argument("--cold-only", action="store_true",
                   help="only the cold-cache comparison (with --scale: 10k against 1M)")
    p.add_argument("--cold-rounds", type=int, default=0, help="default: rounds ÷ 2, at least 1")
    p.add_argument("--paired-rounds", type=int, default=5,
                   help="point 3 side by side: tracing on and off under load at once (0: skip)")
    p.add_argument("--patches", default="",
                   help="bench/experiments.py patches for extra 'fixes' servers ('' = none)")
    p.add_argument("--no-mall", action="store_true", help="skip the placeOrder load (point 5)")
    p.add_argument("--grant-members", type=int, default=500_000,
                   help="with --scale: grantVouchers to this many members (0 = skip)")
    p.add_argument("--grant-database", default="bench_grant",
                   help="scratch database for the grant (its schema is rebuilt)")
    p.add_argument("--skip-seed", action="store_true", help="reuse the databases as they are")
    p.add_argument("--report", metavar="JSON", help="only rewrite the markdown of a results file")
    args = p.parse_args()
    if args.report:
        res = json.loads(Path(args.report).read_text())
        md = report(res)
        (RESULTS / f"{res['stamp']}.md").write_text(md)
        (RESULTS / "latest.md").write_text(md)
        print(md)
        return

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir = RESULTS / f"{stamp}-work"
    run_dir.mkdir(parents=True, exist_ok=True)
    run = Run(args, stamp, run_dir)
    started = time.time()
    run.results = {
        "stamp": stamp, "machine": {"cpus": os.cpu_count(), "uname": " ".join(os.uname()),
                                    "loadavg_start": Path("/proc/loadavg").read_text().split()[:3]},
        "settings": {k: v for k, v in vars(args).items()},
        "git": sh(["git", "rev-parse", "--short", "HEAD"], check=False).stdout.strip(),
        "git_dirty": bool(sh(["git", "status", "--porcelain", "--", "unionhub"],
                             check=False).stdout.strip()),
        "query": LOOKUP,
    }
    sink: subprocess.Popen | None = None  # the OTLP sink of the export variant
    try:
        ensure_services()
        log(f"wrk {sh(['wrk', '-v'], check=False).stdout.splitlines()[0:1]}")
        if args.skip_seed:
            ensure_database(args.database)
            run.results["seed"] = {"database": args.database, "skipped": True}
        else:
            run.results["seed"] = prepare(args.database, args.members)
        run.results["seed"]["members_in_db"] = synthetic_members(args.database)
        if args.scale:  # seeded before any load so that it disturbs no measurement
            if args.skip_seed:
                run.results["scale_seed"] = {"database": args.scale_database, "skipped": True,
                                             "last_timed": last_seed_timing(args.scale_database)}
            else:
                run.results["scale_seed"] = prepare(args.scale_database, args.scale_members)
            run.results["scale_seed"]["members_in_db"] = synthetic_members(args.scale_database)
        cards = sample_cards(args.database, args.cold_cards)
        hot = [cards[0]]
        flush_cache()

        # Servers: the real one at each tracing setting, all pinned to the same CPU.
        servers = {mode: run.start(f"serve-trace-{mode}", serve_cmd(),
                                   app_env(args.database, env)) for mode, env in TRACING.items()}
        if not args.cold_only:
            sink_port = free_port()
            sink = subprocess.Popen(
                [*(["taskset", "-c", args.load_cpu] if args.load_cpu else []), sys.executable,
                 str(BENCH / "otlp_sink.py"), "--port", str(sink_port), "--stats",
                 str(run_dir / "otlp-sink.json")], start_new_session=True)
            endpoint = {**EXPORT, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT":
                        f"http://127.0.0.1:{sink_port}/v1/traces"}
            servers["export"] = run.start("serve-trace-export", serve_cmd(),
                                          app_env(args.database, endpoint))
            # The same, exporting only slow and failed traces and 1% of the rest.
            servers["export-tail"] = run.start("serve-trace-export-tail", serve_cmd(), app_env(
                args.database, {**endpoint, "UNIONHUB_TRACE_EXPORT_RATIO": "0.01"}))
        fixes_cmd = [sys.executable, str(BENCH / "experiments.py")]
        fixed = {mode: run.start(f"fixes-trace-{mode}", fixes_cmd, app_env(
            args.database, {**TRACING[mode], "BENCH_PATCHES": args.patches}))
            for mode in ("default", "off")} if args.patches else {}
        if args.patches and not args.cold_only:  # the same, without the HTTP server span
            fixed["nohttp"] = run.start("fixes-no-http-span", fixes_cmd, app_env(
                args.database, {"BENCH_PATCHES": args.patches + ",noasgispan"}))
        token = login(servers["default"].port)
        document = lookup(servers["default"].port, token, hot[0])
        (run_dir / "document.json").write_text(json.dumps(document, ensure_ascii=False))
        floor = run.start("floor", [sys.executable, str(BENCH / "floor_app.py"), "--document",
                                    str(run_dir / "document.json")], app_env(args.database))
        run.results["document_bytes"] = len(json.dumps(document).encode())

        # Warm the cache and each server (first requests build caches, import lazily).
        for s in [*servers.values(), *fixed.values()]:
            for _ in range(50):
                lookup(s.port, token, hot[0])
                lookup(s.port, token, hot[0], LOOKUP_NO_ID_NUMBER)
        for s in [floor, *servers.values(), *fixed.values()]:
            run.wrk(s, token, hot, LOOKUP, "warmup", duration=2)

        variants = [  # (label, server, query)
            ("floor", floor, LOOKUP),
            ("lookup (tracing on)", servers["default"], LOOKUP),
            ("lookup (sampling 10%)", servers["ratio10"], LOOKUP),
            ("lookup (tracing off)", servers["off"], LOOKUP),
            ("lookup no idNumber", servers["default"], LOOKUP_NO_ID_NUMBER),
        ]
        if "export" in servers:
            variants += [("lookup (tracing on, OTLP export)", servers["export"], LOOKUP),
                         ("lookup (tracing on, OTLP export: slow, failed, 1%)",
                          servers["export-tail"], LOOKUP)]
        if fixed:
            variants += [("fixes (tracing on)", fixed["default"], LOOKUP),
                         ("fixes (tracing off)", fixed["off"], LOOKUP)]
            if "nohttp" in fixed:
                variants.append(("fixes, no HTTP span (tracing on)", fixed["nohttp"], LOOKUP))
        if args.cold_only:
            variants = variants[:2]
        rounds: list[dict[str, dict[str, Any]]] = []
        for i in range(1 if args.cold_only else args.rounds):
            log(f"round {i + 1}/{args.rounds} (warm cache, one member)")
            order = variants if i % 2 == 0 else [variants[0], *reversed(variants[1:])]
            rounds.append({label: run.wrk(s, token, hot, q, label) for label, s, q in order})
        run.results["warm_rounds"] = rounds
        run.results["warm"] = aggregate(rounds)
        if not args.cold_only and args.paired_rounds:
            run.results["tracing_paired"] = paired_tracing(run, servers["default"],
                                                           servers["off"], token, hot,
                                                           args.paired_rounds)
        # Free their database connections (each pool may hold up to 20): keep what follows needs.
        for s in [servers["ratio10"], servers["off"],
                  *([servers["export"], servers["export-tail"]] if sink else []),
                  *(v for k, v in fixed.items() if k != "default")]:
            s.stop()
            run.servers.remove(s)
        if sink is not None:
            sink.terminate()
            sink.wait(timeout=10)
            stats = run_dir / "otlp-sink.json"
            run.results["otlp_sink"] = json.loads(stats.read_text()) if stats.exists() else None

        # Cold cache (point 4): Redis flushed, every request a different member. With --scale,
        # the large database's server runs beside it (its own login; the same Redis db, so the
        # cache is flushed before every run: member ids overlap between the two databases).
        big = big_token = big_cards = None
        if args.scale:
            big_cards = sample_cards(args.scale_database, args.cold_cards)
            big = run.start("serve-scale", serve_cmd(), app_env(args.scale_database))
            big_token = login(big.port)
            for _ in range(50):
                lookup(big.port, big_token, big_cards[0])
            run.wrk(big, big_token, [big_cards[0]], LOOKUP, "warmup", duration=2)
        small_label, big_label = human(args.members), human(args.scale_members)
        cold_rounds = []
        for _ in range(args.cold_rounds or max(1, args.rounds // 2)):
            r = {"floor": run.wrk(floor, token, hot, LOOKUP, "floor")}
            flush_cache()
            r[f"warm {small_label}"] = run.wrk(servers["default"], token, hot, LOOKUP,
                                               f"warm {small_label}")
            flush_cache()
            r[f"cold {small_label}"] = run.wrk(servers["default"], token, cards, LOOKUP,
                                               f"cold {small_label}")
            if big is not None:
                flush_cache()
                r[f"warm {big_label}"] = run.wrk(big, big_token, [big_cards[0]], LOOKUP,
                                                 f"warm {big_label}")
                flush_cache()
                r[f"cold {big_label}"] = run.wrk(big, big_token, big_cards, LOOKUP,
                                                 f"cold {big_label}")
            cold_rounds.append(r)
        run.results["cold_rounds"] = cold_rounds
        run.results["cold"] = aggregate(cold_rounds)
        if args.scale:
            run.results["scale_explain"] = explain(args.scale_database, big_cards[0])

        if not (args.no_mall or args.cold_only):
            run.results["mall"] = mall_orders(servers["default"], args, run_dir)

        if args.scale and args.grant_members and not args.cold_only:
            run.stop_all()  # nothing else runs while the grant is timed
            run.results["grants"] = grant_vouchers(args.grant_members, args.grant_database)

        if not (args.no_profile or args.cold_only):
            if not run.servers:  # stopped for the grant: the profiled server again
                servers["default"] = run.start("serve-trace-default", serve_cmd(),
                                               app_env(args.database, TRACING["default"]))
                token = login(servers["default"].port)
                for _ in range(50):
                    lookup(servers["default"].port, token, hot[0])
            flush_cache()
            run.results["profile"] = profile(servers["default"], token, hot, 10, args.connections,
                                             args.load_cpu, run_dir, stamp)
            if fixed:
                run.results["profile_fixes"] = profile(fixed["default"], token, hot, 10,
                                                       args.connections, args.load_cpu, run_dir,
                                                       stamp + "-fixes")
    finally:
        run.stop_all()
        if sink is not None and sink.poll() is None:
            sink.kill()
        run.results["elapsed_s"] = round(time.time() - started, 1)
        out = RESULTS / f"{stamp}.json"
        out.write_text(json.dumps(run.results, indent=2, ensure_ascii=False))
        if "warm" in run.results:
            md = report(run.results)
            (RESULTS / "latest.md").write_text(md)
            (RESULTS / f"{stamp}.md").write_text(md)
            print(md)
        log(f"results: {out}")


if __name__ == "__main__":
    main()
