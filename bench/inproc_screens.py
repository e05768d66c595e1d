"""Deterministic per-request measures of bench/screens.py's screens (and the lookup) or of any
document, in process: the real ASGI app driven through httpx's ASGI transport (no sockets), as
bench/inproc.py does for the lookup, each screen sent as the persisted operation the benchmark
sends (`--text`: the text), on a database bench/run.py seeded.

    .venv/bin/python bench/inproc_screens.py --db bench_b --redis-db 15 --only "home,my orders"
    .venv/bin/python bench/inproc_screens.py --db bench_a --redis-db 13 --only leaderboard --profile
    .venv/bin/python bench/inproc_screens.py --query 'query Q { me { id } }' --as member

Per screen and request:
- SQL statements Tortoise sent (its client methods wrapped as tests/querycount.py does), warm
  and with the per-process row caches emptied;
- every statement asyncpg sent (the audit log's group commit and transactions' BEGIN/COMMIT
  included);
- Redis round trips by command (commands, pipelines, the hot path's shared connection);
- Python function calls (cProfile's count, coroutine resumptions included);
- CPU µs (process time, the httpx client included; the least of `--batches` batches);
- with `--profile`, cProfile's top functions.
The counts are exact whatever else runs on the machine; the CPU time is not (a busy machine
slows caches and the clock), so compare it only within one run. `--json FILE` writes the figures
and each screen's answer (to check that a change keeps the answers identical); `--json -` prints
them as one JSON line.
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
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
# httpx's ASGI transport tries `import sniffio` per request; not installed, each try searches
# sys.path (about 0.1 ms of the client's CPU a request, counted in the figures). None in
# sys.modules makes the import fail at once, as it would anyway.
if "sniffio" not in sys.modules:
    try:
        import sniffio  # noqa: F401
    except ImportError:
        sys.modules["sniffio"] = None  # type: ignore[assignment]
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import gateway as GW  # noqa: E402
import harness as R  # noqa: E402
import screens as S  # noqa: E402


class Counts:
    def __init__(self) -> None:
        self.pg = 0  # every statement asyncpg sent
        self.redis: collections.Counter[str] = collections.Counter()


@contextlib.contextmanager
def counting(counts: Counts) -> Iterator[None]:
    """asyncpg statements and Redis round trips (Tortoise's statements: tests/querycount.py)."""
    from asyncpg.connection import Connection as PgConnection
    from redis.asyncio.client import Pipeline, Redis

    from unionhub.fastpath.shared_redis import SharedConnection

    patched: list[tuple[type, str, Any]] = []

    def patch(cls: type, name: str, wrapper: Any) -> None:
        original = cls.__dict__[name]
        patched.append((cls, name, original))
        setattr(cls, name, wrapper(original))

    def redis_counted(kind: str) -> Any:
        def wrap(original: Any) -> Any:
            async def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
                counts.redis[kind if kind == "pipeline" else f"{kind}:{args[0]}"] += 1
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
        patch(Pipeline, "execute", redis_counted("pipeline"))
        patch(Redis, "execute_command", redis_counted("cmd"))
        patch(SharedConnection, "execute", redis_counted("shared"))
        yield
    finally:
        for cls, name, original in reversed(patched):
            setattr(cls, name, original)


def plan_of(args: argparse.Namespace) -> dict[str, tuple[str, str, dict[str, Any]]]:
    if args.query:
        name = args.query.split()[1].split("(")[0].split("{")[0]
        return {name: (args.who, args.query, json.loads(args.variables))}
    only = [s for s in args.only.split(",") if s]
    unknown = set(only) - set(S.SCREENS) - {"lookup"}
    if unknown:
        raise SystemExit(f"unknown screens {sorted(unknown)}; known: lookup, {sorted(S.SCREENS)}")
    plan: dict[str, tuple[str, str, dict[str, Any]]] = {}
    if not only or "lookup" in only:
        plan["lookup"] = ("cadre", R.LOOKUP, {"cardNo": R.sample_cards(args.db, 1)[0]})
    values = S.placeholders(args.db)
    for name, (who, query, variables) in S.SCREENS.items():
        if not only or name in only:
            plan[name] = (who, query, S.fill(variables, values))
    return plan


async def measure(args: argparse.Namespace, name: str,
                  one: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    from tests.querycount import count_queries

    answer: dict[str, Any] = {}
    for _ in range(args.warm):
        answer = await one()
    with count_queries() as cold:  # the per-process row caches emptied first
        await one()
    counts = Counts()
    with count_queries(cold=False) as warm, counting(counts):
        for _ in range(args.count_requests):
            await one()
    n = args.count_requests
    cpus = []
    for _ in range(args.batches):  # the least of several batches: the others were slowed
        c0 = time.process_time()
        for _ in range(args.requests):
            await one()
        cpus.append((time.process_time() - c0) / args.requests * 1e6)
    counter = cProfile.Profile()
    counter.enable()
    for _ in range(args.call_requests):
        await one()
    counter.disable()
    calls = pstats.Stats(counter).total_calls / args.call_requests  # type: ignore[attr-defined]
    statements = warm.statements[: warm.count // n]
    result = {
        "queries_per_request": round(warm.count / n, 2),
        "queries_row_caches_emptied": cold.count,
        "pg_statements_per_request": round(counts.pg / n, 2),
        "redis_round_trips_per_request": round(sum(counts.redis.values()) / n, 2),
        "redis_by_command": {k: round(v / n, 2) for k, v in sorted(counts.redis.items())},
        "calls_per_request": round(calls),
        "cpu_us_per_request": round(min(cpus)),
        "statements": statements,
        "answer_bytes": len(json.dumps(answer, ensure_ascii=False).encode()),
        # the answer without its trace id, which differs per request
        "answer": answer | {"extensions": {k: v for k, v in answer.get("extensions", {}).items()
                                           if k != "traceId"}}}
    print(f"{name:<22} {result['queries_per_request']:>5} SQL (row caches emptied: "
          f"{cold.count}) {result['pg_statements_per_request']:>5} asyncpg "
          f"{result['redis_round_trips_per_request']:>5} Redis  {calls:7.0f} calls  "
          f"{min(cpus):7.0f} µs CPU  per request", flush=True)
    if args.statements:
        for s in statements:
            print(f"    {s}")
    if args.show_answer:
        print(json.dumps(answer, ensure_ascii=False)[:2000])
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(args.requests):
            await one()
        prof.disable()
        prof.dump_stats(f"/tmp/unionhub-screen-{name.replace(' ', '-')}.pstats")
        pstats.Stats(prof).sort_stats(args.sort).print_stats(args.top)
    return result


async def main(args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    from unionhub import cache, db
    from unionhub.app import create_app
    from unionhub.schema.persisted import add_to_manifest, operation_hash

    plan = plan_of(args)
    manifest = Path(tempfile.mkdtemp()) / "manifest.json"
    add_to_manifest(manifest, [q for _, q, _ in plan.values()])
    os.environ["UNIONHUB_PERSISTED_OPERATIONS_FILE"] = str(manifest)
    app = create_app()
    await db.init_db()
    out: dict[str, Any] = {}
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            tokens = {}
            for who, phone in (("cadre", R.CADRE_PHONE), ("member", GW.MEMBER_PHONE)):
                r = await client.post("/graphql", json={
                    "query": "mutation L($i: LoginInput!) { login(input: $i) { accessToken } }",
                    "variables": {"i": {"phone": phone, "password": R.CADRE_PASSWORD}}})
                token = (r.json().get("data") or {}).get("login", {}).get("accessToken")
                if not token:  # e.g. the per-address sign-in limit, after many runs in an hour
                    raise RuntimeError(f"sign-in refused: {r.text[:300]}")
                tokens[who] = token
            if not args.query:  # "my orders" lists the bench member's orders
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
                    body["extensions"] = {"persistedQuery": {
                        "version": 1, "sha256Hash": operation_hash(query)}}

                async def one(body: dict[str, Any] = body, headers: dict[str, str] = headers,
                              name: str = name) -> dict[str, Any]:
                    resp = await client.post("/graphql", json=body, headers=headers)
                    data: dict[str, Any] = resp.json()
                    if data.get("errors") or not data.get("data"):
                        raise RuntimeError(f"{name}: {json.dumps(data, ensure_ascii=False)[:400]}")
                    return data

                out[name] = await measure(args, name, one)
    finally:
        await db.close_db()
        await cache.close_redis()
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", default=R.BENCH_DB)
    p.add_argument("--redis-db", type=int, default=R.REDIS_DB)
    p.add_argument("--only", default="", help="comma-separated: lookup and screen names")
    p.add_argument("--query", help="any document instead of the screens (sent as persisted)")
    p.add_argument("--variables", default="{}", help="JSON, with --query")
    p.add_argument("--as", dest="who", choices=("cadre", "member"), default="cadre")
    p.add_argument("--warm", type=int, default=20, help="requests before measuring")
    p.add_argument("--count-requests", type=int, default=10,
                   help="requests whose SQL, asyncpg and Redis calls are counted")
    p.add_argument("--requests", type=int, default=200, help="requests per timed batch")
    p.add_argument("--batches", type=int, default=3, help="timed batches (the least counts)")
    p.add_argument("--call-requests", type=int, default=50,
                   help="requests whose Python calls are counted")
    p.add_argument("--statements", "--show-sql", action="store_true",
                   help="print one request's SQL")
    p.add_argument("--show-answer", action="store_true")
    p.add_argument("--profile", action="store_true")
    p.add_argument("--sort", default="tottime")
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--text", action="store_true", help="send the text, not the persisted hash")
    p.add_argument("--json", default="", help="FILE for the figures and answers ('-': stdout)")
    ns = p.parse_args()
    # The run's own Redis db everywhere (app_env claims and may flush R.REDIS_DB, the default 9).
    R.REDIS_DB = ns.redis_db
    os.environ.update({k: v for k, v in R.app_env(ns.db).items()
                       if k in ("DATABASE_URL", "UNIONHUB_ACCESS_TOKEN_TTL_SECONDS")})
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:6379/{ns.redis_db}"
    R.own_redis_db(ns.db, ns.redis_db)
    result = asyncio.run(main(ns))
    if ns.json == "-":
        print(json.dumps(result, ensure_ascii=False))
    elif ns.json:
        Path(ns.json).write_text(json.dumps(result, indent=1, ensure_ascii=False))
