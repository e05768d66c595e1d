"""Deterministic per-request measures of one screen (bench/screens.py's SCREENS) or any
document, in process: the real ASGI app driven through httpx's ASGI transport (no sockets), as
bench/inproc.py does for the lookup, on a database bench/run.py seeded.

    .venv/bin/python bench/inproc_screen.py --db bench_a --redis-db 13 --screen leaderboard
    .venv/bin/python bench/inproc_screen.py --query 'query Q { me { id } }' --as member
    .venv/bin/python bench/inproc_screen.py --screen "member search" --profile --top 30

Prints, per request: the SQL statements the database received (Tortoise's client methods
wrapped as tests/querycount.py does; and every statement asyncpg sent, the audit log's group
commit and transactions' BEGIN/COMMIT included), the Redis round trips (commands, pipelines
and the hot path's shared connection), and the CPU time of the process (client included; the
least of `--batches` batches), then with `--profile` the top functions under cProfile.
`--json` prints the figures as one JSON line.
Counts are exact whatever else runs on the machine; the CPU time is not quite (a busy machine
slows caches and the clock's resolution), so compare it only within one run or a quiet one.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import cProfile
import json
import os
import pstats
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import run as R  # noqa: E402
import screens as S  # noqa: E402


class Counts:
    def __init__(self) -> None:
        self.sql: list[str] = []
        self.pg = 0  # every statement asyncpg sent (the audit's group commit and BEGIN/COMMIT too)
        self.redis: collections.Counter[str] = collections.Counter()


@contextlib.contextmanager
def counting(counts: Counts) -> Iterator[None]:
    from asyncpg.connection import Connection as PgConnection
    from redis.asyncio.client import Pipeline, Redis

    from tests import querycount as QC
    from unionhub.fastpath.shared_redis import SharedConnection

    log = QC.QueryCount(statements=counts.sql)
    patched: list[tuple[type, str, Any]] = []

    def patch(cls: type, name: str, wrapper: Any) -> None:
        original = cls.__dict__[name]
        patched.append((cls, name, original))
        setattr(cls, name, wrapper(original))

    def redis_counted(kind: str) -> Any:
        def wrap(original: Any) -> Any:
            async def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
                name = kind if kind == "pipeline" else f"{kind}:{args[0]}"
                counts.redis[name] += 1
                return await original(self, *args, **kwargs)
            return counted
        return wrap

    def pg_counted(original: Any) -> Any:
        async def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
            counts.pg += 1
            return await original(self, *args, **kwargs)
        return counted

    try:
        for name in ("execute", "executemany", "fetch", "fetchrow", "fetchval", "fetchmany"):
            patch(PgConnection, name, pg_counted)
        for cls in QC._CLIENTS:
            for name in QC._METHODS:
                if name in cls.__dict__:
                    patch(cls, name, lambda orig: QC._counting(orig, log))
        patch(Pipeline, "execute", redis_counted("pipeline"))
        patch(Redis, "execute_command", redis_counted("cmd"))
        patch(SharedConnection, "execute", redis_counted("shared"))
        yield
    finally:
        for cls, name, original in reversed(patched):
            setattr(cls, name, original)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    from unionhub import cache, db
    from unionhub.app import create_app

    if args.screen:
        who, query, variables = S.SCREENS[args.screen]
        variables = S.fill(variables, S.placeholders(args.db))
    else:
        who, query, variables = args.who, args.query, json.loads(args.variables)
    app = create_app()
    await db.init_db()
    phone = R.CADRE_PHONE if who == "cadre" else "13900000002"
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            r = await client.post("/graphql", json={
                "query": "mutation L($i: LoginInput!) { login(input: $i) { accessToken } }",
                "variables": {"i": {"phone": phone, "password": R.CADRE_PASSWORD}}})
            token = (r.json().get("data") or {}).get("login", {}).get("accessToken")
            if not token:  # e.g. the per-address sign-in limit, after many runs in an hour
                raise RuntimeError(f"sign-in refused: {r.text[:300]}")
            headers = {"Authorization": f"Bearer {token}"}
            body = {"query": query, "variables": variables}
            answer: dict[str, Any] = {}

            async def one() -> None:
                nonlocal answer
                resp = await client.post("/graphql", json=body, headers=headers)
                answer = resp.json()
                if answer.get("errors") or not answer.get("data"):
                    raise RuntimeError(json.dumps(answer, ensure_ascii=False)[:600])

            for _ in range(args.warm):
                await one()
            counts = Counts()
            with counting(counts):
                for _ in range(args.count_requests):
                    await one()
            cpus, walls = [], []
            for _ in range(args.batches):  # the least of several batches: the others were
                c0, t0 = time.process_time(), time.perf_counter()  # slowed by the machine
                for _ in range(args.requests):
                    await one()
                cpus.append((time.process_time() - c0) / args.requests * 1e6)
                walls.append((time.perf_counter() - t0) / args.requests * 1e6)
            cpu_us, wall_us = min(cpus), min(walls)
            prof = None
            if args.profile:
                prof = cProfile.Profile()
                prof.enable()
                for _ in range(args.requests):
                    await one()
                prof.disable()
    finally:
        await db.close_db()
        await cache.close_redis()
    n = args.count_requests
    result = {
        "screen": args.screen or query.split()[1].split("(")[0],
        "sql_per_request": round(len(counts.sql) / n, 2),
        "pg_statements_per_request": round(counts.pg / n, 2),
        "redis_round_trips_per_request": round(sum(counts.redis.values()) / n, 2),
        "redis_by_command": {k: round(v / n, 2) for k, v in sorted(counts.redis.items())},
        "cpu_us_per_request": round(cpu_us), "wall_us_per_request": round(wall_us),
        "answer_bytes": len(json.dumps(answer, ensure_ascii=False).encode())}
    if args.show_sql:
        for s in counts.sql[: max(1, len(counts.sql) // n)]:
            print("  SQL:", s)
    if args.show_answer:
        print(json.dumps(answer, ensure_ascii=False)[:2000])
    if prof is not None:
        prof.dump_stats(args.output)
        stats = pstats.Stats(prof)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
    return result


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", default="bench")
    p.add_argument("--redis-db", type=int, default=R.REDIS_DB)
    p.add_argument("--screen", choices=sorted(S.SCREENS), help="one of bench/screens.py's")
    p.add_argument("--query", help="any document (instead of --screen)")
    p.add_argument("--variables", default="{}", help="JSON, with --query")
    p.add_argument("--as", dest="who", choices=("cadre", "member"), default="cadre")
    p.add_argument("--warm", type=int, default=20, help="requests before measuring")
    p.add_argument("--count-requests", type=int, default=20,
                   help="requests whose SQL and Redis calls are counted")
    p.add_argument("--requests", type=int, default=200, help="requests timed (and profiled)")
    p.add_argument("--batches", type=int, default=5, help="timed batches (the least counts)")
    p.add_argument("--profile", action="store_true")
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--show-sql", action="store_true", help="one request's statements")
    p.add_argument("--show-answer", action="store_true")
    p.add_argument("--json", action="store_true")
    p.add_argument("--output", default="/tmp/unionhub-screen.pstats")
    a = p.parse_args()
    if not a.screen and not a.query:
        p.error("--screen or --query")
    os.environ.update({k: v for k, v in R.app_env(a.db).items()
                       if k in ("DATABASE_URL", "UNIONHUB_ACCESS_TOKEN_TTL_SECONDS")})
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:6379/{a.redis_db}"
    out = asyncio.run(main(a))
    print(json.dumps(out, ensure_ascii=False) if a.json else
          "\n".join(f"{k}: {v}" for k, v in out.items()))
