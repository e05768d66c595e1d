"""In-process profile of the hot lookup: the real ASGI app driven through httpx's ASGI
transport (no sockets), under cProfile, so call counts per request are exact.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/9 \
        python bench/inproc.py --requests 500 --card <card number>

Prints the top functions by own and cumulative time and writes a .pstats file. It complements
bench/run.py's py-spy profile (sampling, under wrk): here the numbers are per call.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import LOOKUP, LOOKUP_NO_ID_NUMBER


async def main(args: argparse.Namespace) -> None:
    import experiments
    import httpx

    from unionhub import cache, db
    from unionhub.app import create_app

    experiments.apply(args.patches.split(",") if args.patches else [])
    app = create_app()
    await db.init_db()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        r = await client.post("/graphql", json={
            "query": "mutation L($i: LoginInput!) { login(input: $i) { accessToken } }",
            "variables": {"i": {"phone": "13900000004", "password": "demo-pass-2026"}}})
        token = r.json()["data"]["login"]["accessToken"]
        headers = {"Authorization": f"Bearer {token}"}
        body = {"operationName": "MemberByCard",
                "query": LOOKUP_NO_ID_NUMBER if args.no_id_number else LOOKUP,
                "variables": {"cardNo": args.card}}

        async def one() -> None:
            resp = await client.post("/graphql", json=body, headers=headers)
            data = resp.json()
            if data.get("errors") or not data["data"]["member"]:
                raise RuntimeError(json.dumps(data)[:300])

        for _ in range(50):
            await one()
        if args.freeze:
            gc.collect()
            gc.freeze()
        t0 = time.perf_counter()
        c0 = time.process_time()
        for _ in range(args.requests):
            await one()
        print(f"unprofiled: {(time.perf_counter() - t0) / args.requests * 1e6:.0f} µs wall, "
              f"{(time.process_time() - c0) / args.requests * 1e6:.0f} µs CPU per request "
              "(includes the httpx client)")
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(args.requests):
            await one()
        prof.disable()
    await db.close_db()
    await cache.close_redis()
    prof.dump_stats(args.output)
    stats = pstats.Stats(prof)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--card", required=True)
    p.add_argument("--requests", type=int, default=300)
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--no-id-number", action="store_true")
    p.add_argument("--patches", default="", help="bench/experiments.py patches, comma-separated")
    p.add_argument("--freeze", action="store_true", help="gc.collect(); gc.freeze() first")
    p.add_argument("--output", default="/tmp/unionhub-lookup.pstats")
    asyncio.run(main(p.parse_args()))
