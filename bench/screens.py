"""Fast screens, not just one path (issue 22, point 7): the front-end's most frequent
operations, sent as persisted operations, each against the same-run floor.

    .venv/bin/python bench/screens.py --rounds 3          # after bench/run.py seeded `bench`

One server (`unionhub serve --workers 1`, tracing at its default) with the operations below
registered in a manifest; requests carry only the operation's hash. Each round measures the
floor (bench/floor_app.py returning the lookup's document, as bench/run.py does), the hot
lookup, then every screen, one after another on the same pinned CPU. Targets: every screen at
least 8% of the floor's req/s, the lookup at least 15%. Writes
bench/results/screens-<time>.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gateway as GW  # bench/gateway.py: wrk with a fixed body, the member's sign-in
import harness as R  # the benchmarks' shared harness
import profiling  # py-spy under load

sys.path.insert(0, str(R.ROOT))
from unionhub.schema.persisted import add_to_manifest, operation_hash

TARGET_SCREEN, TARGET_LOOKUP = 0.08, 0.15

# name: (who asks, operation text, variables). `{...}` placeholders are filled from the
# database before the run (ids of the seeded demo).
SCREENS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "home": ("member", GW.HOME, {}),
    "product list": ("member", (
        "query Products($first: Int) { products(first: $first) { edges { node { id name "
        "supplier { name regionName certified } skus { id name priceFen stock } } } "
        "pageInfo { hasNextPage endCursor } } }"), {"first": 20}),
    "product page": ("member", (
        "query Product($id: ID!) { product(id: $id) { id name description category { name } "
        "supplier { name regionName certified } skus { id name priceFen stock } } }"),
        {"id": "{product}"}),
    "my vouchers": ("member", (
        "query MyVouchers($first: Int) { myVouchersConnection(first: $first) { edges { node { "
        "id status validUntil campaign { name faceValueFen thresholdFen } } } "
        "pageInfo { hasNextPage endCursor } } }"), {"first": 20}),
    "my orders": ("member", (
        "query MyOrders($first: Int) { myOrders(first: $first) { edges { node { id status "
        "payableFen createdAt items { name quantity lineFen } } } "
        "pageInfo { hasNextPage endCursor } } }"), {"first": 20}),
    "my service requests": ("member", (
        "query MyRequests($first: Int) { myServiceRequests(first: $first) { edges { node { id "
        "status submittedAt deadline overdue item { name } } } "
        "pageInfo { hasNextPage endCursor } } }"), {"first": 20}),
    "leaderboard": ("member", (
        "query Board($activityId: ID!, $first: Int) { leaderboardConnection(activityId: "
        "$activityId, by: MEMBER, first: $first) { edges { node { rank score member { id displayName } } } "
        "pageInfo { hasNextPage endCursor } } }"), {"activityId": "{walking}", "first": 20}),
    "member search": ("cadre", (
        "query Search($unionId: ID!, $search: String, $first: Int) { members(unionId: $unionId, "
        "search: $search, first: $first) { edges { node { id displayName tier "
        "union { name } card { number status } } } pageInfo { hasNextPage endCursor } } }"),
        {"unionId": "{province}", "search": "示例会员A", "first": 20}),
    "scorecard ranking": ("cadre", (
        "query Ranking($parentId: ID!, $period: String!, $first: Int) { unionRankingConnection("
        "parentId: $parentId, period: $period, first: $first) { edges { node { union { id name } "
        "requestsReceived requestsCompleted completedOnTime onTimeRate meanRating "
        "verifiedMembers } } pageInfo { hasNextPage endCursor } } }"),
        {"parentId": "{province}", "period": "{period}", "first": 20}),
}


def placeholders(db: str) -> dict[str, str]:
    def one(sql: str) -> str:
        return R.psql(sql, db).splitlines()[0]

    return {
        "product": one("SELECT id FROM mall_products WHERE active ORDER BY id LIMIT 1"),
        "walking": one("SELECT id FROM activities WHERE kind = 'WALKING' ORDER BY id LIMIT 1"),
        "province": one("SELECT id FROM unions WHERE parent_id IS NULL ORDER BY id LIMIT 1"),
        "period": datetime.now(UTC).strftime("%Y-%m"),
    }


# "my orders" measures a list, not an empty page: the bench member (bench/gateway.py's
# MEMBER_PHONE) gets a few orders through placeOrder itself (the demo seed gives it none). Fixed
# idempotency keys: a second run finds the same orders and adds nothing.
MEMBER_ORDERS = 3
PLACE_ORDER = ("mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { "
               "order { id } errors { code message } } }")


def member_order_bodies(db: str) -> list[dict[str, Any]]:
    """placeOrder requests for MEMBER_ORDERS orders of two lines each (idempotent keys)."""
    skus = R.psql("SELECT s.id FROM mall_skus s JOIN mall_products p ON p.id = s.product_id "
                  "WHERE p.active AND s.stock > 10 ORDER BY s.id LIMIT 2", db).splitlines()
    return [{"query": PLACE_ORDER, "variables": {"input": {
        "items": [{"skuId": sku, "quantity": 1 + n} for sku in skus],
        "address": {"recipient": "示例收件人", "phone": "13800000000", "regionCode": "110101",
                    "detail": "示例街道 1 号"},
        "idempotencyKey": f"bench-screens-member-order-{n}"}}} for n in range(MEMBER_ORDERS)]


def check_placed(out: dict[str, Any]) -> None:
    place = (out.get("data") or {}).get("placeOrder") or {}
    if out.get("errors") or place.get("errors") or not place.get("order"):
        raise RuntimeError(f"seeding the member's orders: {json.dumps(out, ensure_ascii=False)[:400]}")


def fill(variables: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    out = {}
    for key, value in variables.items():
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            value = values[value[1:-1]]
        out[key] = value
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=int, default=8)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--pin", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--db", default="bench")
    p.add_argument("--only", default="", help="comma-separated screen names")
    p.add_argument("--spy", default="", help="a screen (or lookup) to profile with py-spy after "
                                             "the rounds, under one more wrk run: "
                                             "results/<stamp>-profile.md")
    args = p.parse_args()

    # Per database: two runs at once (helpers on their own databases) keep their manifests apart.
    run_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"unionhub-screens-{args.db}"
    run_dir.mkdir(exist_ok=True)
    cpu = "1" if args.pin else ""
    screens = {k: v for k, v in SCREENS.items()
               if not args.only or k in args.only.split(",")}
    manifest = run_dir / "manifest.json"
    manifest.unlink(missing_ok=True)
    add_to_manifest(manifest, [R.LOOKUP, *(q for _, q, _ in screens.values())])
    env = R.app_env(args.db, {"UNIONHUB_PERSISTED_OPERATIONS_FILE": str(manifest)})
    values = placeholders(args.db)
    servers: list[R.Server] = []
    try:
        server = R.start_server("unionhub", R.serve_cmd(), env, cpu, run_dir)
        servers.append(server)
        tokens = {"cadre": R.login(server.port), "member": GW.member_login(server.port)}
        for order in member_order_bodies(args.db):
            check_placed(R.post(server.port, order, tokens["member"]))
        card = R.sample_cards(args.db, 1)[0]
        lookup_doc = R.lookup(server.port, tokens["cadre"], card)
        document = run_dir / "document.json"
        document.write_text(json.dumps(lookup_doc))
        floor = R.start_server("floor", [sys.executable, str(R.BENCH / "floor_app.py"),
                                         "--document", str(document)], env, cpu, run_dir)
        servers.append(floor)

        def body(name: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
            return {"operationName": query.split()[1].split("(")[0], "variables": variables,
                    "extensions": {"persistedQuery": {"version": 1,
                                                      "sha256Hash": operation_hash(query)}}}

        plan: list[tuple[str, R.Server, str, dict[str, Any]]] = [
            ("floor", floor, tokens["cadre"], {"query": "{ floor }"}),
            ("lookup", server, tokens["cadre"], body("lookup", R.LOOKUP, {"cardNo": card}))]
        for name, (who, query, variables) in screens.items():
            plan.append((name, server, tokens[who], body(name, query, fill(variables, values))))
        for name, target, token, payload in plan[1:]:
            out = R.post(target.port, payload, token)
            if out.get("errors") or not out.get("data"):
                raise RuntimeError(f"{name}: {json.dumps(out, ensure_ascii=False)[:600]}")
            (run_dir / f"answer-{name.replace(' ', '-')}.json").write_text(
                json.dumps(out, ensure_ascii=False))

        warm = argparse.Namespace(**{**vars(args), "duration": 2})
        for name, target, token, payload in plan:
            GW.run_body(target, token, payload, warm, run_dir, f"warm-up {name}")
        rounds: list[dict[str, dict[str, Any]]] = []
        def measured(target: R.Server, token: str, payload: dict[str, Any],
                     label: str) -> dict[str, Any]:
            # The server's CPU per request beside req/s: a screen that leaves its CPU idle
            # (waiting on PostgreSQL, which shares the machine) shows a low use.
            cpu0 = target.cpu_seconds()
            res = GW.run_body(target, token, payload, args, run_dir, label)
            used = target.cpu_seconds() - cpu0
            res["cpu_us_per_request"] = round(used / max(res["requests"], 1) * 1e6)
            res["server_cpu_use"] = round(used / (res["duration_us"] / 1e6), 2)
            return res

        for i in range(args.rounds):
            rounds.append({name: measured(target, token, payload, f"round {i + 1} {name}")
                           for name, target, token, payload in plan})
        summary = {}
        for name, *_ in plan:
            ratios = [r[name]["rps"] / r["floor"]["rps"] for r in rounds]
            summary[name] = {
                "rps_median": statistics.median(r[name]["rps"] for r in rounds),
                "x_floor_median": round(statistics.median(ratios), 4),
                "x_floor_rounds": [round(x, 4) for x in ratios],
                "p99_ms_median": round(statistics.median(
                    r[name]["latency_us"]["p99"] for r in rounds) / 1000, 2),
                "cpu_us_per_request_median": statistics.median(
                    r[name]["cpu_us_per_request"] for r in rounds),
                "server_cpu_use_median": statistics.median(
                    r[name]["server_cpu_use"] for r in rounds),
                "non_2xx": sum(r[name]["errors"]["status"] for r in rounds)}
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, cwd=R.ROOT).stdout.strip()
        result = {"when": stamp, "git": git, "args": vars(args), "summary": summary,
                  "loadavg_after": Path("/proc/loadavg").read_text().split()[:3]}
        (R.RESULTS / f"screens-{stamp}.json").write_text(json.dumps(result, indent=1,
                                                                   ensure_ascii=False))
        lines = [f"# Screens against the floor, {stamp} (git {git}, {args.rounds} rounds of "
                 f"{args.duration} s, {args.connections} connections)", "",
                 "| operation | req/s | × floor | rounds | p99 ms | server CPU µs/req | server CPU use "
                 "| target | met |",
                 "|---|---|---|---|---|---|---|---|---|"]
        for name, s in summary.items():
            target = 1.0 if name == "floor" else TARGET_LOOKUP if name == "lookup" else TARGET_SCREEN
            rounds_txt = ", ".join(f"{x:.1%}" for x in s["x_floor_rounds"])
            lines.append(f"| {name} | {s['rps_median']:,.0f} | {s['x_floor_median']:.1%} | "
                         f"{rounds_txt} | {s['p99_ms_median']} | {s['cpu_us_per_request_median']} | "
                         f"{s['server_cpu_use_median']:.0%} | {target:.0%} | "
                         f"{'yes' if s['x_floor_median'] >= target else 'NO'} |")
        (R.RESULTS / f"screens-{stamp}.md").write_text("\n".join(lines) + "\n")
        print("\n".join(lines))
        spied = [(n, t, k, b) for n, t, k, b in plan if n == args.spy]
        for name, target, token, payload in spied:
            profiling.spy(target,
                  lambda t=target, k=token, b=payload: GW.run_body(t, k, b, args, run_dir, "spied"),
                  args.duration, f"{stamp}-{name.replace(' ', '-')}", f"the screen {name!r}",
                  f"under wrk -c{args.connections} (bench/screens.py --spy), git {git}")
    finally:
        for s in servers:
            s.stop()


if __name__ == "__main__":
    main()
