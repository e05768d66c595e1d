"""Deterministic per-request measures of bench/screens.py's screens, in process: the real ASGI
app driven through httpx's ASGI transport (no sockets), as bench/inproc.py does for the lookup,
with each screen sent as the persisted operation the benchmark sends.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_b REDIS_URL=redis://127.0.0.1:6379/15 \
        .venv/bin/python bench/inproc_screens.py --db bench_b --only "home,my orders"

Per screen: SQL statements per request (counted at Tortoise's driver layer, as
tests/querycount.py does), CPU µs per request (process time over --requests, the httpx client
included), Python function calls per request (cProfile's count: deterministic), and with
--profile the top functions of a cProfile run. CPU time moves with the
machine's load a little (cache misses, frequency); the statement counts do not.
`--json FILE` writes the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gateway as GW
import run as R
import screens as S


async def main(args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    from tests.querycount import count_queries
    from unionhub import cache, db
    from unionhub.app import create_app
    from unionhub.schema.persisted import add_to_manifest, operation_hash

    chosen = {k: v for k, v in S.SCREENS.items() if not args.only or k in args.only.split(",")}
    plan: dict[str, tuple[str, str, dict[str, Any]]] = {}
    if not args.only or "lookup" in args.only.split(","):
        card = R.sample_cards(args.db, 1)[0]
        plan["lookup"] = ("cadre", R.LOOKUP, {"cardNo": card})
    values = S.placeholders(args.db)
    for name, (who, query, variables) in chosen.items():
        plan[name] = (who, query, S.fill(variables, values))
    manifest = Path(tempfile.mkdtemp()) / "manifest.json"
    add_to_manifest(manifest, [q for _, q, _ in plan.values()])
    os.environ["UNIONHUB_PERSISTED_OPERATIONS_FILE"] = str(manifest)
    app = create_app()
    await db.init_db()
    out: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        tokens = {}
        for who, phone in (("cadre", R.CADRE_PHONE), ("member", GW.MEMBER_PHONE)):
            r = await client.post("/graphql", json={
                "query": "mutation L($i: LoginInput!) { login(input: $i) { accessToken } }",
                "variables": {"i": {"phone": phone, "password": R.CADRE_PASSWORD}}})
            tokens[who] = r.json()["data"]["login"]["accessToken"]
        for order in S.member_order_bodies(args.db):
            r = await client.post("/graphql", json=order,
                                  headers={"Authorization": f"Bearer {tokens['member']}"})
            S.check_placed(r.json())
        for name, (who, query, variables) in plan.items():
            headers = {"Authorization": f"Bearer {tokens[who]}"}
            body: dict[str, Any] = {"operationName": query.split()[1].split("(")[0],
                                    "variables": variables}
            if args.text:
                body["query"] = query
            else:
                body["extensions"] = {"persistedQuery": {"version": 1,
                                                         "sha256Hash": operation_hash(query)}}

            async def one(body: dict[str, Any] = body, headers: dict[str, str] = headers,
                          name: str = name) -> dict[str, Any]:
                resp = await client.post("/graphql", json=body, headers=headers)
                data: dict[str, Any] = resp.json()
                if data.get("errors") or not data.get("data"):
                    raise RuntimeError(f"{name}: {json.dumps(data, ensure_ascii=False)[:400]}")
                return data

            for _ in range(args.warm):
                answer = await one()
            with count_queries() as q:
                await one()
            with count_queries(cold=False) as q2:
                await one()  # a warm process: the per-process row caches as they are
            c0 = time.process_time()
            for _ in range(args.requests):
                await one()
            cpu_us = (time.process_time() - c0) / args.requests * 1e6
            # Python function calls per request (cProfile's count, coroutine resumptions
            # included): deterministic where CPU time moves with the machine's load.
            counter = cProfile.Profile()
            counter.enable()
            for _ in range(50):
                await one()
            counter.disable()
            calls = pstats.Stats(counter).total_calls / 50  # type: ignore[attr-defined]
            out[name] = {"queries_per_request": q2.count, "calls_per_request": round(calls),
                         "queries_row_caches_emptied": q.count,
                         "cpu_us_per_request": round(cpu_us), "statements": q2.statements,
                         "answer_bytes": len(json.dumps(answer, ensure_ascii=False)),
                         "answer": answer}
            print(f"{name:<22} {q2.count:>3} queries (row caches emptied: {q.count})  "
                  f"{cpu_us:7.0f} µs CPU/request  {calls:7.0f} calls/request", flush=True)
            if args.statements:
                for s in q2.statements:
                    print(f"    {s}")
            if args.profile:
                prof = cProfile.Profile()
                prof.enable()
                for _ in range(args.requests):
                    await one()
                prof.disable()
                prof.dump_stats(f"/tmp/hsb-{name.replace(' ', '-')}.pstats")
                stats = pstats.Stats(prof)
                stats.sort_stats(args.sort).print_stats(args.top)
    await db.close_db()
    await cache.close_redis()
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", default="bench")
    p.add_argument("--only", default="", help="comma-separated: lookup and screen names")
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--warm", type=int, default=20)
    p.add_argument("--statements", action="store_true", help="print each request's SQL")
    p.add_argument("--profile", action="store_true")
    p.add_argument("--sort", default="tottime")
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--text", action="store_true", help="send the text, not the persisted hash")
    p.add_argument("--json", default="")
    ns = p.parse_args()
    result = asyncio.run(main(ns))
    if ns.json:
        Path(ns.json).write_text(json.dumps(result, indent=1, ensure_ascii=False))
