"""Claim rush (issue 18, point 7): a city releases vouchers and its members claim at once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/SCRATCH REDIS_URL=redis://127.0.0.1:6379/N \
        python bench/claim_rush.py [--claims 20000] [--budget 5000] [--clients 64]

Drops and rebuilds the database's public schema (use a scratch database) and empties the
Redis database, seeds the demo tree and `--claims` verified members, creates one CLAIM
campaign with a budget for `--budget` vouchers (one per member), starts `unionhub serve`
(one worker, pinned to `--server-cpu`), and sends one claimVoucher per member from
`--clients` concurrent keep-alive connections (the client pinned to `--client-cpu`). By
default the members' records are in Redis before the rush (they opened the app to see the
release); `--cold` starts from an empty Redis. `--server-tree` serves another checkout (a `git worktree`
of an older revision) against the same data, for before/after runs.

Targets on the 2-core machine: exactly `--budget` vouchers issued, every other claim refused
with BUDGET_EXHAUSTED, at least 1,000 claims/s and a p99 of at most 250 ms. The database is
checked afterwards (issued_count, voucher rows, one voucher per winner). Writes
bench/results/claim-rush-<time>.json and .md, and prints one BENCHJSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.mall_orders import Connection, cpu_seconds, summarize  # noqa: E402

CLAIM = ("mutation Claim($input: ClaimVoucherInput!) { claimVoucher(input: $input) { "
         "voucher { id } errors { code } } }")


async def prepare(claims: int, budget: int, warm: bool) -> dict[str, Any]:
    """A fresh schema, `claims` verified members, one open CLAIM campaign; with `warm`, the
    members' records already in Redis (they opened the app before the release)."""
    from tortoise.expressions import Subquery

    from unionhub import cache, db
    from unionhub.clock import utcnow
    from unionhub.identity.lookup import get_records
    from unionhub.identity.models import CardStatus, Member, MemberCard, Role
    from unionhub.identity.seed import seed_members, seed_tree
    from unionhub.identity.tokens import issue_access_token
    from unionhub.mall.models import CampaignKind, VoucherCampaign

    await db.init_db()
    if not db.is_postgres():
        raise SystemExit("the claim rush is measured on PostgreSQL (set DATABASE_URL)")
    await db.conn().execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    await db.close_db()
    await db.migrate()
    await db.init_db()
    try:
        await cache.get_redis().flushdb()
        tree = await seed_tree()
        city = tree.cities["xian"]
        xian = [g for k in ("A", "B") for g in tree.grassroots[k]]
        t0 = time.perf_counter()
        await seed_members(claims, xian)
        seeded = time.perf_counter() - t0
        await db.conn().execute_script("ANALYZE")
        active = MemberCard.filter(status=CardStatus.ACTIVE).values("member_id")
        members = await (Member.filter(verified_at__isnull=False, role=Role.MEMBER,
                                       union__path__startswith=city.path,
                                       id__in=Subquery(active))
                         .order_by("id").limit(claims).values_list("id", flat=True))
        if len(members) < claims:
            raise RuntimeError(f"seeded {len(members)} verified members, need {claims}")
        now = utcnow()
        campaign = await VoucherCampaign.create(
            org_id=city.id, org_path=city.path, name="西安市消费券 抢券", kind=CampaignKind.CLAIM,
            face_value_fen=2000, threshold_fen=10000, budget_fen=2000 * budget,
            max_vouchers=budget, per_member_limit=1, claim_starts_at=now - timedelta(minutes=1),
            claim_ends_at=now + timedelta(hours=2), valid_days=30, certified_only=True,
            created_by_id=0)
        if warm:
            for start in range(0, len(members), 500):
                await get_records(list(members[start:start + 500]))
        tokens = [issue_access_token(m, Role.MEMBER, None, None) for m in members]
        return {"campaign": campaign.id, "tokens": tokens, "seed_s": round(seeded, 1)}
    finally:
        await db.close_db()
        await cache.close_redis()


async def check(campaign_id: int) -> dict[str, int]:
    from unionhub import cache, db
    from unionhub.mall.models import Voucher, VoucherCampaign

    await db.init_db()
    try:
        campaign = await VoucherCampaign.get(id=campaign_id)
        rows = await db.conn().execute_query_dict(
            "SELECT count(*) AS n, count(DISTINCT member_id) AS members FROM mall_vouchers"
            " WHERE campaign_id = $1", [campaign_id])
        return {"issued_count": campaign.issued_count, "voucher_rows": rows[0]["n"],
                "distinct_holders": rows[0]["members"],
                "available": await Voucher.filter(campaign_id=campaign_id,
                                                  status="AVAILABLE").count()}
    finally:
        await db.close_db()
        await cache.close_redis()


def git_revision(tree: Path = ROOT) -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=tree,
                          capture_output=True, text=True).stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(cpu: str | None, env: dict[str, str], log: Path,
                 tree: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    cmd = [sys.executable, "-m", "unionhub.cli", "serve", "--workers", "1", "--port", str(port)]
    env = {**env, "PYTHONPATH": str(tree)}
    with open(log, "w") as out:
        proc = subprocess.Popen(["taskset", "-c", cpu, *cmd] if cpu else cmd, env=env, cwd=tree,
                                stdout=out, stderr=subprocess.STDOUT)
    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("the server did not start")


async def rush(port: int, campaign_id: int, tokens: list[str], clients: int,
               pid: int) -> dict[str, Any]:
    body = json.dumps({"operationName": "Claim", "query": CLAIM, "variables": {
        "input": {"campaignId": str(campaign_id)}}}).encode()
    queue = iter(tokens)  # every member claims once; clients take the next member in turn
    latencies: list[float] = []
    ok, failed = 0, {}

    async def client() -> None:
        nonlocal ok
        conn = Connection("127.0.0.1", port)
        try:
            for token in queue:
                t0 = time.perf_counter()
                status, raw = await conn.post("/graphql", body,
                                              {"Authorization": f"Bearer {token}"})
                latencies.append(time.perf_counter() - t0)
                answer = ((json.loads(raw).get("data") or {}).get("claimVoucher") or {}) \
                    if status == 200 else {}
                if answer.get("voucher"):
                    ok += 1
                    continue
                code = ",".join(e["code"] for e in answer.get("errors") or []) or f"HTTP {status}"
                failed[code] = failed.get(code, 0) + 1
        finally:
            conn.close()

    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    took = time.perf_counter() - t0
    result = summarize(latencies, ok, failed, took, cpu_seconds(pid) - cpu0)
    result["claims_per_s"] = round(len(latencies) / took, 1)
    return result


def verdict(args: argparse.Namespace, load: dict[str, Any], db: dict[str, int]) -> dict[str, bool]:
    refused = load["failed"]
    return {
        "exactly_budget_issued": load["ok"] == args.budget and db["issued_count"] == args.budget
        and db["voucher_rows"] == args.budget and db["distinct_holders"] == args.budget,
        "others_budget_exhausted": set(refused) == {"BUDGET_EXHAUSTED"}
        and refused["BUDGET_EXHAUSTED"] == args.claims - args.budget,
        "claims_per_s_at_least_1000": load["claims_per_s"] >= 1000,
        "p99_at_most_250_ms": load["p99_ms"] <= 250,
    }


def write_results(result: dict[str, Any]) -> Path:
    out = BENCH / "results" / f"claim-rush-{result['started']}"
    out.with_suffix(".json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    load, db, ok = result["load"], result["database"], result["verdict"]
    lines = [f"# Claim rush {result['started']} (server git {result['server_git']})", "",
             f"{result['claims']} claims, budget {result['budget']} vouchers, "
             f"{result['clients']} concurrent clients, member records {result['records']} in Redis; "
             f"server pinned to CPU {result['server_cpu']}, client to CPU {result['client_cpu']}.",
             "**Measured while the machine was shared with other sessions: the throughput and "
             "latency figures need a rerun on a quiet machine.**", "",
             "| claims/s | p50 ms | p99 ms | mean ms | server CPU µs/claim | issued | refused |",
             "|---|---|---|---|---|---|---|",
             f"| {load['claims_per_s']} | {load['p50_ms']} | {load['p99_ms']} | {load['mean_ms']}"
             f" | {load['cpu_us_per_req']} | {load['ok']} | {load['failed']} |", "",
             f"Database afterwards: {db}.", "",
             "| target | met |", "|---|---|",
             *[f"| {k} | {'yes' if v else 'NO'} |" for k, v in ok.items()], ""]
    out.with_suffix(".md").write_text("\n".join(lines))
    return out


async def main(args: argparse.Namespace) -> dict[str, Any]:
    started = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    setup = await prepare(args.claims, args.budget, not args.cold)
    env = dict(os.environ)
    log = Path(f"/tmp/claim-rush-server-{started}.log")
    proc, port = start_server(args.server_cpu, env, log, Path(args.server_tree))
    try:
        if args.client_cpu:
            os.sched_setaffinity(0, {int(c) for c in args.client_cpu.split(",")})
        load = await rush(port, setup["campaign"], setup["tokens"], args.clients, proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    db = await check(setup["campaign"])
    git = git_revision()
    result = {"started": started, "git": git, "claims": args.claims, "budget": args.budget,
              "clients": args.clients, "records": "cold" if args.cold else "warm", "server_cpu": args.server_cpu,
              "client_cpu": args.client_cpu, "server_tree": args.server_tree,
              "server_git": git_revision(Path(args.server_tree)), "seed_s": setup["seed_s"], "load": load,
              "database": db}
    result["verdict"] = verdict(args, load, db)
    if not args.no_write:
        write_results(result)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--budget", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--cold", action="store_true",
                        help="no member record in Redis before the rush (default: warm)")
    parser.add_argument("--server-cpu", default="1")
    parser.add_argument("--client-cpu", default="0")
    parser.add_argument("--server-tree", default=str(ROOT),
                        help="serve this checkout (e.g. a git worktree of an older revision)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    arguments = parser.parse_args()
    arguments.server_tree = str(Path(arguments.server_tree).resolve())
    result = asyncio.run(main(arguments))
    print("BENCHJSON " + json.dumps(result, ensure_ascii=False))
