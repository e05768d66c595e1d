"""The gateway path against direct (issue 22, point 6): the hot lookup and the home-screen
operation, through Hive Gateway in front of the five subgraphs and straight to the all-in-one
process, in interleaved rounds of one run.

    .venv/bin/python bench/gateway.py --rounds 3          # after bench/run.py seeded `bench`
    UNIONHUB_BENCH_REDIS_DB=6 .venv/bin/python bench/gateway.py --db bench_g  # a second user

Targets: through the gateway at least 70% of direct for the lookup, p99 <= 20 ms at 16
connections. Variants of the gateway (--variants), each its own process on the same subgraphs
(VARIANTS below): `gateway`, Hive Gateway's default JavaScript runtime
(UNIONHUB_GATEWAY_RUNTIME=stitching); `router-standard-fetch`, Hive Router's runtime with Hive
Gateway's own fetch; `gateway-router`, as deploy/gateway configures it (router runtime, subgraph
calls over node:http); `router-persisted`, the same sent the operation's hash only. The lookup
also goes straight to the identity subgraph with the gateway's own request (`identity-direct`).
Every run records each process's CPU ms per request (and wrk's): the ratio's reason.

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
import resource
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

import harness as R  # the benchmarks' shared harness

sys.path.insert(0, str(R.ROOT))
from unionhub import gateway as G
from unionhub.domains import DOMAINS
from unionhub.schema.persisted import add_to_manifest, operation_hash

MEMBER_PHONE = "13900000002"  # the verified member of county A (docs/contract.md)
# The app's home screen: who I am, my vouchers, my latest service requests: three subgraphs.
HOME = ("query Home { me { id displayName tier union { name } card { number status } } "
        "myVouchers { id status validUntil campaign { name faceValueFen } } "
        "myServiceRequests(first: 5) { edges { node { id status submittedAt deadline "
        "item { name } } } } }")
SECRET = "bench-router-secret"
# Gateway variants (--variants), each its own process on the same subgraphs: the environment it
# gets, and whether the load sends only the persisted operation's hash (the manifest is given
# to every gateway; the others get the text).
STANDARD_FETCH = {"UNIONHUB_GATEWAY_FETCH": "standard"}
VARIANTS: dict[str, dict[str, Any]] = {
    "gateway": {"env": {"UNIONHUB_GATEWAY_RUNTIME": "stitching"}},
    # Before this branch's tuning: the router runtime with Hive Gateway's own fetch.
    "router-standard-fetch": {"env": STANDARD_FETCH},
    "router-persisted-standard-fetch": {"env": STANDARD_FETCH, "hash": True},
    # As deploy/gateway configures it now: subgraph calls over node:http (gateway.config.mjs).
    "gateway-router": {"env": {}},
    "router-persisted": {"env": {}, "hash": True},
    # Node's young generation larger (fewer scavenges of per-request garbage).
    "router-persisted-semispace": {"env": {"NODE_OPTIONS": "--max-semi-space-size=32"},
                                   "hash": True},
}
# What the gateway (router runtime) sends the identity subgraph for the lookup (its debug log).
SUBGRAPH_LOOKUP = ("query($cardNo:String){member(cardNo: $cardNo){id displayName name phone "
                   "idNumber tier union{name} card{number status}}}")
ROUTER_HEADERS = {"x-unionhub-router": SECRET,
                  "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}


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


def cpu_of(servers: list[R.Server]) -> dict[str, float]:
    out = {s.name: s.cpu_seconds() for s in servers if s.proc.poll() is None}
    wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["wrk"] = wrk.ru_utime + wrk.ru_stime  # wrk is the only child that ends in between
    return out


def run_body(server: R.Server, token: str, body: dict, args: argparse.Namespace, run_dir: Path,
             label: str, everyone: list[R.Server] | None = None,
             headers: dict[str, str] | None = None) -> dict[str, Any]:
    """wrk with one fixed JSON body (bench/operation.lua). With `everyone`, the CPU each
    process (and wrk) spent per request served, in ms."""
    before = cpu_of(everyone or [])
    body_file = run_dir / f"body-{label.replace(' ', '-')}.json"
    body_file.write_text(json.dumps(body))
    env = dict(os.environ, BENCH_TOKEN=token, BENCH_BODY_FILE=str(body_file),
               BENCH_HEADERS="\n".join(f"{k}: {v}" for k, v in (headers or {}).items()))
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
    after = cpu_of(everyone or [])
    res["cpu_ms_per_request"] = {
        name: round((after[name] - before[name]) * 1000 / max(res["requests"], 1), 3)
        for name in after if name in before and after[name] - before[name] > 0.005}
    lat = res["latency_us"]
    cpu = " ".join(f"{k}={v}" for k, v in res["cpu_ms_per_request"].items())
    R.log(f"{label:<32} {res['rps']:>9.1f} req/s  p50 {lat['p50'] / 1000:6.2f} ms  "
          f"p99 {lat['p99'] / 1000:7.2f} ms  non-2xx {res['errors']['status']}  "
          f"CPU ms/req {cpu}")
    return res


def check(port: int, token: str, body: dict, headers: dict[str, str]) -> None:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql",
                                 data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json",
                                          "Authorization": f"Bearer {token}", **headers})
    with urllib.request.urlopen(req, timeout=10) as r:
        out = json.loads(r.read())
    if out.get("errors") or not out.get("data"):
        raise RuntimeError(f"{body.get('operationName')} failed on :{port}: {out}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=int, default=8)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--pin", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--db", default="bench")
    p.add_argument("--variants", default="gateway,router-standard-fetch,gateway-router,router-persisted",
                   help=f"gateway variants, of {', '.join(VARIANTS)}")
    p.add_argument("--subgraph-direct", action=argparse.BooleanOptionalAction, default=True,
                   help="also the lookup straight to the identity subgraph (as the gateway)")
    p.add_argument("--node-options", default="",
                   help="NODE_OPTIONS for every gateway (e.g. --max-semi-space-size=64)")
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
        manifest = run_dir / "persisted-operations.json"
        add_to_manifest(manifest, [R.LOOKUP, HOME])
        gw_env = {**{k: v for k, v in os.environ.items() if not k.startswith("UNIONHUB_")},
                  "UNIONHUB_ROUTER_SECRET": SECRET, "NODE_ENV": "production",
                  "UNIONHUB_PERSISTED_OPERATIONS_FILE": str(manifest)}
        gw_env.pop("HIVE_ROUTER_RUNTIME", None)
        if args.node_options:
            gw_env["NODE_OPTIONS"] = args.node_options
        targets = [direct]
        by_hash: set[str] = set()
        for name in args.variants.split(","):
            gw = start_gateway(name, supergraph, {**gw_env, **VARIANTS[name]["env"]}, cpu,
                               run_dir)
            servers.append(gw)
            targets.append(gw)
            if VARIANTS[name].get("hash"):
                by_hash.add(name)

        cadre = R.login(direct.port)
        member = member_login(direct.port)
        card = R.sample_cards(args.db, 1)[0]
        ops: dict[str, tuple[str, dict[str, Any]]] = {
            "lookup": (cadre, {"operationName": "MemberByCard", "query": R.LOOKUP,
                               "variables": {"cardNo": card}}),
            "home": (member, {"operationName": "Home", "query": HOME}),
        }

        def body_for(server: R.Server, body: dict) -> dict:
            if server.name not in by_hash:
                return body
            return {k: v for k, v in body.items() if k != "query"} | {"extensions": {
                "persistedQuery": {"version": 1, "sha256Hash": operation_hash(body["query"])}}}

        # Per operation: (target, body, extra headers). The lookup also goes straight to the
        # identity subgraph with the request the gateway sends it (the planner's anonymous
        # query, the router secret, a sampled traceparent): what the subgraph alone costs.
        plan: dict[str, list[tuple[R.Server, dict, dict[str, str]]]] = {
            op: [(t, body_for(t, body), {}) for t in targets] for op, (_, body) in ops.items()}
        if args.subgraph_direct:
            identity = next(s for s in servers if s.name == "sub-identity")
            identity.name = "identity-direct"
            plan["lookup"].insert(1, (identity, {"query": SUBGRAPH_LOOKUP,
                                                 "variables": {"cardNo": card}}, ROUTER_HEADERS))
        for op, entries in plan.items():
            for server, body, headers in entries:
                check(server.port, ops[op][0], body, headers)

        warm = argparse.Namespace(**{**vars(args), "duration": 2})
        for op, entries in plan.items():  # JIT, caches and pools warm on every target
            for server, body, headers in entries:
                run_body(server, ops[op][0], body, warm, run_dir, f"warm-up {op} {server.name}",
                         headers=headers)
        results: dict[str, dict[str, list[dict[str, Any]]]] = {
            op: {s.name: [] for s, _, _ in entries} for op, entries in plan.items()}
        for i in range(args.rounds):
            for op, entries in plan.items():
                for server, body, headers in entries:  # interleaved: drift hits all alike
                    results[op][server.name].append(
                        run_body(server, ops[op][0], body, args, run_dir,
                                 f"round {i + 1} {op} {server.name}", servers, headers))
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
                    "p99_ms_rounds": [round(r["latency_us"]["p99"] / 1000, 1) for r in runs],
                    "cpu_ms_per_request_median": {
                        proc: round(statistics.median(r["cpu_ms_per_request"].get(proc, 0.0)
                                                      for r in runs), 3)
                        for proc in sorted({k for r in runs for k in r["cpu_ms_per_request"]})},
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
