"""The server's own cost of one request, in process, without an HTTP client: the ASGI app is
called directly with the scope, `receive` and `send` uvicorn would give it (the headers wrk
sends), so the CPU and the Python calls are the server's alone (bench/inproc_screens.py's
include httpx's client, about half of its figure on the lookup).

    .venv/bin/python bench/server_cost.py --db bench_lookup --redis-db 12
    .venv/bin/python bench/server_cost.py --db bench_lookup --redis-db 12 --profile --top 60
    .venv/bin/python bench/server_cost.py --tree /work/wt/other ...   # another checkout's code

Runs the app's lifespan (its gc.freeze and thresholds, as `unionhub serve`), signs the cadre
in, then sends the hot lookup (bench/run.py's LOOKUP, as bench/screens.py sends it: a
persisted operation) `--warm` times, then `--batches` timed batches of `--requests` (CPU µs
per request: the least batch, and the median), then counts cProfile's calls per request; the
audit linker and other after-response work are included (they run inside the request's ASGI
call). `--json -` prints one JSON line with the figures and the last answer.

For an A/B of two checkouts, run it alternately from each tree (`--tree`) in the same minutes
(bench/server_ab.sh does) and compare within a round.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import pstats
import resource
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--tree", default=str(BENCH.parent), help="the checkout whose code runs")
    p.add_argument("--db", default="bench_lookup")
    p.add_argument("--redis-db", type=int, default=12)
    p.add_argument("--warm", type=int, default=200)
    p.add_argument("--requests", type=int, default=500)
    p.add_argument("--batches", type=int, default=5)
    p.add_argument("--call-requests", type=int, default=100)
    p.add_argument("--profile", action="store_true")
    p.add_argument("--sort", default="tottime")
    p.add_argument("--top", type=int, default=50)
    p.add_argument("--no-id-number", action="store_true", help="the lookup without idNumber")
    p.add_argument("--json", default="")
    p.add_argument("--serve", action="store_true", help="bench/server_ab.py's worker")
    return p.parse_args()


ARGS = parse()
# bench/run.py's helpers (the floor's constants, the cards) from this file's tree; the app's
# code from --tree.
sys.path.insert(0, str(BENCH))
os.environ["UNIONHUB_BENCH_REDIS_DB"] = str(ARGS.redis_db)  # run.py's own_redis_db: ours only
import harness as R  # noqa: E402

sys.path.insert(0, str(Path(ARGS.tree).resolve()))


def scope_for(body: bytes, token: str) -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json"),
               (b"authorization", f"Bearer {token}".encode()),
               (b"content-length", str(len(body)).encode())]
    return {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000),
            "scheme": "http", "method": "POST", "root_path": "", "path": "/graphql",
            "raw_path": b"/graphql", "query_string": b"", "headers": headers,
            "state": {}}


async def call(app: Any, body: bytes, token: str, state: dict[str, Any],
               client: tuple[str, int] | None = ("127.0.0.1", 50000)) -> tuple[int, bytes]:
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)  # as a server: no disconnect while the request runs
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    scope = scope_for(body, token)
    scope["state"] = dict(state)
    scope["client"] = client
    await app(scope, receive, send)
    return status, b"".join(chunks)


def batch_cpu(rusage0: Any, rusage1: Any, n: int) -> float:
    return ((rusage1.ru_utime - rusage0.ru_utime) + (rusage1.ru_stime - rusage0.ru_stime)) / n * 1e6


async def serve(one: Any, answer: bytes) -> dict[str, Any]:
    """bench/server_ab.py's worker: a line "N" on stdin runs N requests and answers their CPU
    µs per request; an empty line ends."""
    import unionhub

    loop = asyncio.get_running_loop()
    doc = json.loads(answer)
    doc.get("extensions", {}).pop("traceId", None)
    print(json.dumps({"tree": str(Path(unionhub.__file__).parent.parent), "answer": doc}),
          flush=True)
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
        if not line:
            return {}
        n = int(line)
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        for _ in range(n):
            await one()
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        print(json.dumps({"cpu_us": batch_cpu(r0, r1, n)}), flush=True)


async def main() -> dict[str, Any]:
    from unionhub.app import create_app
    from unionhub.schema.persisted import add_to_manifest, operation_hash

    query = R.LOOKUP_NO_ID_NUMBER if ARGS.no_id_number else R.LOOKUP
    manifest = Path(tempfile.mkdtemp()) / "manifest.json"
    add_to_manifest(manifest, [query])
    os.environ["UNIONHUB_PERSISTED_OPERATIONS_FILE"] = str(manifest)
    app = create_app()
    messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await messages.put({"type": "lifespan.startup"})
    done: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    lifespan_state: dict[str, Any] = {}
    lifespan = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"},
                                        "state": lifespan_state}, messages.get, done.put))
    started = await done.get()
    if started["type"] != "lifespan.startup.complete":
        raise RuntimeError(f"lifespan: {started}")
    try:
        login = json.dumps({"query": "mutation L($i: LoginInput!) { login(input: $i) "
                                     "{ accessToken } }",
                            "variables": {"i": {"phone": R.CADRE_PHONE,
                                                "password": R.CADRE_PASSWORD}}}).encode()
        # Signed in without a client address: the per-address sign-in limit (an hour's budget)
        # would refuse the runs of an A/B after a while.
        _, out = await call(app, login, "", lifespan_state, client=None)
        token = json.loads(out)["data"]["login"]["accessToken"]
        card = R.sample_cards(ARGS.db, 1)[0]
        body = json.dumps({"operationName": "MemberByCard", "variables": {"cardNo": card},
                           "extensions": {"persistedQuery": {
                               "version": 1, "sha256Hash": operation_hash(query)}}}).encode()

        async def one() -> bytes:
            status, out = await call(app, body, token, lifespan_state)
            if status != 200 or b'"errors"' in out:
                raise RuntimeError(f"{status}: {out[:400]!r}")
            return out

        for _ in range(ARGS.warm):
            answer = await one()
        if ARGS.serve:
            return await serve(one, answer)
        cpus, users, systems = [], [], []
        for _ in range(ARGS.batches):
            t0 = resource.getrusage(resource.RUSAGE_SELF)
            for _ in range(ARGS.requests):
                await one()
            t1 = resource.getrusage(resource.RUSAGE_SELF)
            users.append((t1.ru_utime - t0.ru_utime) / ARGS.requests * 1e6)
            systems.append((t1.ru_stime - t0.ru_stime) / ARGS.requests * 1e6)
            cpus.append(users[-1] + systems[-1])
        counter = cProfile.Profile()
        counter.enable()
        for _ in range(ARGS.call_requests):
            await one()
        counter.disable()
        calls = pstats.Stats(counter).total_calls / ARGS.call_requests  # type: ignore[attr-defined]
        if ARGS.profile:
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(ARGS.requests):
                await one()
            prof.disable()
            prof.dump_stats("/tmp/unionhub-server-cost.pstats")
            pstats.Stats(prof).sort_stats(ARGS.sort).print_stats(ARGS.top)
        answer_doc = json.loads(answer)
        answer_doc.get("extensions", {}).pop("traceId", None)
        import unionhub

        return {"tree": str(Path(unionhub.__file__).parent.parent), "cpu_us_min": round(min(cpus), 1),
                "cpu_us_median": round(statistics.median(cpus), 1),
                "user_us_median": round(statistics.median(users), 1),
                "system_us_median": round(statistics.median(systems), 1),
                "calls_per_request": round(calls, 1), "answer": answer_doc}
    finally:
        await messages.put({"type": "lifespan.shutdown"})
        await lifespan


if __name__ == "__main__":
    env = R.app_env(ARGS.db)
    os.environ.update({k: v for k, v in env.items()
                       if k in ("DATABASE_URL", "UNIONHUB_ACCESS_TOKEN_TTL_SECONDS")})
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:6379/{ARGS.redis_db}"
    gc.collect()
    result = asyncio.run(main())
    if ARGS.serve:
        sys.exit(0)
    line = (f"{result['tree']:<22} {result['cpu_us_min']:7.1f} µs CPU (median "
            f"{result['cpu_us_median']:7.1f}: user {result['user_us_median']:5.1f}, system "
            f"{result['system_us_median']:5.1f})  {result['calls_per_request']:7.1f} calls")
    print(line, flush=True)
    if ARGS.json == "-":
        print(json.dumps(result, ensure_ascii=False))
    elif ARGS.json:
        Path(ARGS.json).write_text(json.dumps(result, indent=1, ensure_ascii=False))
