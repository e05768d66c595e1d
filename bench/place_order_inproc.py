"""placeOrder in process (issue 23, point 5): SQL statements, round trips and CPU per order.

The real ASGI app driven through httpx's ASGI transport (no sockets, as bench/inproc.py), one
order at a time, 64 buyers each on its own SKU (bench/mall_orders.py's product and buyers).
asyncpg's Connection is wrapped to count what goes to PostgreSQL per order: statements by kind,
and prepares (a statement not in the connection's cache costs a round trip of its own). These
counts and the CPU per order do not depend on the machine's load; wall-clock orders/s is
bench/mall_orders.py's.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/9 \
        python bench/place_order_inproc.py --orders 500 [--profile 25] [--show-sql]

Prints one BENCHJSON line (with --json FILE, also writes it there).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import mall_orders  # bench/mall_orders.py: the product, the buyers, the request body

SENT: Counter[str] = Counter()
SHOWN: list[str] = []
SHOW = False


def count_sql() -> None:
    """Wrap asyncpg's Connection so every statement (and every uncached prepare) is counted."""
    import asyncpg.connection as c

    def wrap(name: str) -> None:
        original = getattr(c.Connection, name)

        async def counted(self: Any, query: str, *args: Any, **kw: Any) -> Any:
            kind = query.lstrip().split(None, 1)[0].upper() if query.strip() else "?"
            SENT[kind] += 1
            SENT["statements"] += 1
            if SHOW:
                SHOWN.append(query)
            return await original(self, query, *args, **kw)

        setattr(c.Connection, name, counted)

    for name in ("execute", "executemany", "fetch", "fetchrow", "fetchval"):
        wrap(name)
    get_statement = c.Connection._get_statement

    async def prepared(self: Any, query: str, timeout: Any, **kw: Any) -> Any:  # noqa: ASYNC109
        record_class = kw.get("record_class") or self._protocol.get_record_class()
        if self._stmt_cache.get((query, record_class, kw.get("ignore_custom_codec", False))) \
                is None:
            SENT["prepares"] += 1
        return await get_statement(self, query, timeout, **kw)

    c.Connection._get_statement = prepared  # type: ignore[method-assign]


async def main(args: argparse.Namespace) -> dict[str, Any]:
    global SHOW
    import httpx

    from unionhub import db
    from unionhub.app import create_app

    tag = time.strftime("%Y%m%dT%H%M%S") + "i"
    setup = await mall_orders.prepare(args.buyers, tag)
    count_sql()
    app = create_app()
    await db.init_db()
    skus, tokens = setup["skus"], setup["tokens"]
    transport = httpx.ASGITransport(app=app)
    out: dict[str, Any] = {"orders": args.orders, "buyers": args.buyers}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        async def order(n: int) -> None:
            i = n % args.buyers
            resp = await client.post("/graphql", content=mall_orders.body(
                skus[i], f"inproc-{tag}-{n}"), headers={
                "Authorization": f"Bearer {tokens[i]}", "Content-Type": "application/json"})
            data = resp.json()
            if not ((data.get("data") or {}).get("placeOrder") or {}).get("order"):
                raise RuntimeError(json.dumps(data)[:400])

        for n in range(2 * args.buyers):  # warm: plans, statement caches, member records
            await order(n)
        SENT.clear()
        SHOW = args.show_sql
        await order(10**6)
        SHOW = False
        one = dict(SENT)
        SENT.clear()
        profiler = cProfile.Profile() if args.profile else None
        cpu0, wall0 = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        for n in range(args.orders):
            await order(10**6 + 1 + n)
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    await db.close_db()
    out.update({
        "one_order": one,
        "per_order": {k: round(v / args.orders, 3) for k, v in sorted(SENT.items())},
        "cpu_ms_per_order": round(cpu / args.orders * 1000, 3),
        "wall_ms_per_order": round(wall / args.orders * 1000, 3),
        "note": "one order at a time in process (client included in CPU); cProfile on: "
                f"{bool(profiler)}",
    })
    if SHOWN:
        print("\n".join(f"SQL {q}" for q in SHOWN))
    if profiler:
        stats = pstats.Stats(profiler)
        if args.pstats:
            stats.dump_stats(str(args.pstats))
        stats.sort_stats("cumulative").print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--orders", type=int, default=500)
    p.add_argument("--buyers", type=int, default=64)
    p.add_argument("--profile", type=int, default=0, help="cProfile: print this many top rows")
    p.add_argument("--pstats", type=Path, help="with --profile: also write the raw stats here")
    p.add_argument("--show-sql", action="store_true", help="print one order's statements")
    p.add_argument("--json", type=Path)
    result = asyncio.run(main(p.parse_args()))
    line = json.dumps(result, ensure_ascii=False)
    print("BENCHJSON " + line, flush=True)
    if result and p.parse_args().json:
        p.parse_args().json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
