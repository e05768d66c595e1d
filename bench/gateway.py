"""The gateway path against direct (issue 22, point 6): the hot lookup and the home-screen
operation, through Hive Gateway in front of the five subgraphs and straight to the all-in-one
process, in interleaved rounds of one run.

    .venv/bin/python bench/gateway.py --rounds 3          # after bench/run.py seeded `bench`

Targets: through the gateway at least 70% of direct for the lookup, p99 <= 20 ms at 16
connections. Variants of the gateway, each its own process on the same subgraphs:
- `gateway`: Hive Gateway with its default JavaScript runtime (UNIONHUB_GATEWAY_RUNTIME=stitching);
- `gateway-router`: as deploy/gateway configures it, with Hive Router's query planner and
  executor (`@graphql-hive/router-runtime`).

Pinning (--pin, the default): every server on CPU 1 and wrk on CPU 0, as bench/run.py does, so
each path gets the same CPU and the ratio is the ratio of CPU per request (the gateway's own
work is then the whole difference). --no-pin lets the gateway path spread over both cores (a
fairer picture of a host that gives the gateway its own core, with wrk competing).
Writes bench/results/gateway-<time>.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as R  # bench/run.py's helpers

sys.path.insert(0, str(R.ROOT))
from unionhub import gateway as G
from unionhub.domains import DOMAINS

MEMBER_PHONE = "13900000002"  # the verified member of county A (docs/contract.md)
# The app's home screen: who I am, my vouchers, my latest service requests: three subgraphs.
HOME = ("query Home { me { id displayName tier union { name } card { number status } } "
        "myVouchers { id status validUntil campaign { name faceValueFen } } "
        "myServiceRequests(first: 5) { edges { node { id status submittedAt deadline "
        "item { name } } } } }")
SECRET = "bench-router-secret"


def _wait_graphql(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited: {log.read_text()[-3000:]}")
        try:
            R.post(port, {"query": "{ __typename }"})
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            time.sleep(0.3)
    raise RuntimeError(f"did not start: {log.read_text()[-3000:]}")


def start_gateway(name: str, supergraph: Path, env: dict[str, str], cpu: str,
                  run_dir: Path) -> R.Server:
    port = R.free_port()
    log_path = run_dir / f"server-{name}.log"
    argv = G.command(supergraph, "127.0.0.1", port)
    if cpu:
        argv = ["taskset", "-c", cpu, *argv]
    with open(log_path, "w") as out:
        proc = subprocess.Popen(argv, env=env, cwd=G.GATEWAY_DIR, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    server = R.Server(name, port, proc, log_path)
    _wait_graphql(port, proc, log_path)
    return server


def member_login(port: int) -> str:
    q = "mutation L($input: LoginInput!) { login(input: $input) { accessToken errors { code } } }"
    out = R.post(port, {"query": q, "variables": {"input": {"phone": MEMBER_PHONE,
                                                            "password": R.CADRE_PASSWORD}}})
    return out["data"]["login"]["accessToken"]


def run_body(server: R.Server, token: str, body: dict, args: argparse.Namespace, run_dir: Path,
             label: str) -> dict[str, Any]:
    """wrk with one fixed JSON body (bench/operation.lua)."""
    body_file = run_dir / f"body-{label.replace(' ', '-')}.json"
    body_file.write_text(json.dumps(body))
    env = dict(os.environ, BENCH_TOKEN=token, BENCH_BODY_FILE=str(body_file))
    cmd = ["wrk", "-t1", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
           "--timeout", "5s", "-s", str(R.BENCH / "operation.lua"),
           f"http://127.0.0.1:{server.port}/graphql"]
    if args.pin:
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, env=env, text=True, capture_output=True,
                         timeout=args.duration + 30)
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {out.stdout}\n{out.stderr}")
    res = json.loads(line.removeprefix("BENCHJSON "))
    res["rps"] = round(res["requests"] / (res["duration_us"] / 1e6), 1)
    res["label"] = label
    lat = res["latency_us"]
    R.log(f"{label:<28} {res['rps']:>9.1f} req/s  p50 {lat['p50'] / 1000:6.2f} ms  "
          f"p99 {lat['p99'] / 1000:7.2f} ms  non-2xx {res['errors']['status']}")
    return res


def check(port: int, token: str, body: dict) -> None:
    out = R.post(port, body, token)
    if out.get("errors") or not out.get("data"):
        raise RuntimeError(f"{body.get('operationName')} failed on :{port}: {out}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=int, default=8)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--pin", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--db", default="bench")
    args = p.parse_args()
    G.require_installed()

    run_dir = Path(os.environ.get("TMPDIR", "/tmp")) / "unionhub-gateway-bench"
    run_dir.mkdir(exist_ok=True)
    cpu = "1" if args.pin else ""
    env = R.app_env(args.db, {"UNIONHUB_ROUTER_SECRET": SECRET})
    servers: list[R.Server] = []
    try:
        direct = R.start_server("direct", [sys.executable, "-m", "unionhub.cli", "serve",
                                           "--workers", "1"], env, cpu, run_dir)
        servers.append(direct)
        urls = {}
        for domain in DOMAINS:
            sub = R.start_server(f"sub-{domain}", [sys.executable, "-m", "unionhub.cli", "serve",
                                                   "--subgraph", domain, "--workers", "1"],
                                 env, cpu, run_dir)
            servers.append(sub)
            urls[domain] = f"http://127.0.0.1:{sub.port}/graphql"
        supergraph = run_dir / "supergraph.graphql"
        G.compose(urls, supergraph)
        gw_env = {**os.environ, "UNIONHUB_ROUTER_SECRET": SECRET, "NODE_ENV": "production"}
        gw_env.pop("HIVE_ROUTER_RUNTIME", None)
        targets = [direct]
        for name, extra in (("gateway", {"UNIONHUB_GATEWAY_RUNTIME": "stitching"}),
                            ("gateway-router", {})):
            gw = start_gateway(name, supergraph, {**gw_env, **extra}, cpu, run_dir)
            servers.append(gw)
            targets.append(gw)

        cadre = R.login(direct.port)
        member = member_login(direct.port)
        card = R.sample_cards(args.db, 1)[0]
        ops = {
            "lookup": (cadre, {"operationName": "MemberByCard", "query": R.LOOKUP,
                               "variables": {"cardNo": card}}),
            "home": (member, {"operationName": "Home", "query": HOME}),
        }
        for server in targets:
            for token, body in ops.values():
                check(server.port, token, body)

        warm = argparse.Namespace(**{**vars(args), "duration": 2})
        for op, (token, body) in ops.items():  # JIT, caches and pools warm on every target
            for server in targets:
                run_body(server, token, body, warm, run_dir, f"warm-up {op} {server.name}")
        results: dict[str, dict[str, list[dict[str, Any]]]] = {
            op: {s.name: [] for s in targets} for op in ops}
        for i in range(args.rounds):
            for op, (token, body) in ops.items():
                for server in targets:  # interleaved: drift hits every target alike
                    results[op][server.name].append(
                        run_body(server, token, body, args, run_dir,
                                 f"round {i + 1} {op} {server.name}"))
        summary: dict[str, Any] = {}
        for op, by_target in results.items():
            base = statistics.median(r["rps"] for r in by_target["direct"])
            summary[op] = {}
            for name, runs in by_target.items():
                rps = statistics.median(r["rps"] for r in runs)
                ratios = [r["rps"] / d["rps"] for r, d in zip(runs, by_target["direct"],
                                                               strict=True)]
                summary[op][name] = {
                    "rps_median": rps, "of_direct_median": round(statistics.median(ratios), 3),
                    "of_direct_rounds": [round(x, 3) for x in ratios],
                    "p99_ms_median": round(statistics.median(
                        r["latency_us"]["p99"] for r in runs) / 1000, 2),
                    "non_2xx": sum(r["errors"]["status"] for r in runs)}
                R.log(f"{op:<7} {name:<15} {rps:>8.1f} req/s  {rps / base:6.1%} of direct  "
                      f"p99 {summary[op][name]['p99_ms_median']} ms")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        out = R.RESULTS / f"gateway-{stamp}.json"
        out.write_text(json.dumps({
            "when": stamp, "git": R.sh(["git", "rev-parse", "--short", "HEAD"]).stdout.strip(),
            "args": vars(args), "loadavg_before": Path("/proc/loadavg").read_text().split()[:3],
            "summary": summary, "rounds": results}, indent=1))
        R.log(f"wrote {out.relative_to(R.ROOT)}")
    finally:
        for server in reversed(servers):
            server.stop()


if __name__ == "__main__":
    main()
