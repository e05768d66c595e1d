"""The mall report's pages: the old aggregate over the subtree's orders against the sales
summary (mall.sales_summary), same process, same database, alternating, several rounds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_sales \
        python bench/sales_report.py --orders 200000 --unions 20000 --rounds 7

Empties the mall's order and summary tables of that database (use a database of your own),
inserts `--orders` sold orders (1-3 lines each, 4 supplier regions, a quarter with a voucher,
a tenth refunded) over `--days` days with generate_series, spread over `--unions` synthetic
grassroots unions under 10 cities and 100 counties, then times `unionhub mall
rebuild-sales-summary`'s rebuild (the backfill) and, per scope and period, a first page of 20,
a page after a cursor in the middle, the report's totals and the totalCount, both ways, for
last month (whole: the summary's month rows) and the last 30 and 7 days (days and months). The
old statements are the report's before the summary (kept here). Writes a markdown table to
bench/results/sales-report-<UTC>.md and prints it; each figure is the median of the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from unionhub import db  # noqa: E402
from unionhub.clock import SHANGHAI, today_shanghai  # noqa: E402
from unionhub.mall import report, sales_summary  # noqa: E402
from unionhub.mall.sql import rows  # noqa: E402

PAGE = 20
SOLD = "o.status IN ('PAID', 'SHIPPED', 'COMPLETED')"


def _old_where(path: str, start: date, end: date) -> tuple[str, list[Any]]:
    since = datetime.combine(start, datetime.min.time(), SHANGHAI)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), SHANGHAI)
    return (f"{SOLD} AND o.paid_at >= ? AND o.paid_at < ? AND o.union_path LIKE ?",
            [since, until, path + "%"])


async def old_page(path: str, start: date, end: date, after: tuple[int, int] | None,
                   ) -> list[dict[str, Any]]:
    """The report's sales_by_union before the summary: one page."""
    where, params = _old_where(path, start, end)
    having, more = "", []
    if after is not None:
        having = ("HAVING SUM(i.line_fen) < ? OR (SUM(i.line_fen) = ? AND o.union_id > ?) ")
        more = [after[0], after[0], after[1]]
    return await rows(
        "SELECT o.union_id AS union_id, SUM(i.line_fen) AS sales, COUNT(DISTINCT o.id) AS n, "
        "SUM(CASE WHEN i.certified THEN i.line_fen ELSE 0 END) AS certified "
        "FROM mall_order_items i JOIN mall_orders o ON o.id = i.order_id "
        f"WHERE {where} GROUP BY o.union_id {having}ORDER BY sales DESC, o.union_id ASC "
        "LIMIT ?", [*params, *more, PAGE + 1])


async def old_totals(path: str, start: date, end: date) -> list[dict[str, Any]]:
    where, params = _old_where(path, start, end)
    return await rows(
        "SELECT COUNT(*) AS n, COALESCE(SUM(o.subtotal_fen), 0) AS sales, "
        "COALESCE(SUM(o.discount_fen), 0) AS used, COALESCE(SUM(CASE WHEN o.voucher_id IS NOT "
        f"NULL THEN o.subtotal_fen ELSE 0 END), 0) AS vs FROM mall_orders o WHERE {where}",
        params)


async def old_count(path: str, start: date, end: date) -> list[dict[str, Any]]:
    where, params = _old_where(path, start, end)
    return await rows("SELECT COUNT(DISTINCT o.union_id) AS n FROM mall_order_items i "
                      f"JOIN mall_orders o ON o.id = i.order_id WHERE {where}", params)


async def new_totals(scope: report.ReportScope) -> list[dict[str, Any]]:
    where, params = scope.where("s")
    return await rows(
        "SELECT COALESCE(SUM(s.order_count), 0) AS n, COALESCE(SUM(s.sales_fen), 0) AS sales, "
        "COALESCE(SUM(s.discount_fen), 0) AS used, COALESCE(SUM(s.voucher_sales_fen), 0) "
        f"AS vs FROM {sales_summary.UNIONS} s WHERE {where}", params)


async def seed(orders: int, unions: int, days: int) -> None:
    """Synthetic sold orders, set-based (generate_series); unions are paths only (the report
    reads none of the unions' rows)."""
    await rows("TRUNCATE mall_order_items, mall_orders, mall_sales_days, "
               "mall_region_sales_days RESTART IDENTITY CASCADE", [])
    today = datetime.combine(today_shanghai(), datetime.min.time(), SHANGHAI)
    # union u (1..unions): county u % 100, city county % 10; paths /1/<city>/<county>/<u>/.
    await rows(
        "INSERT INTO mall_orders (member_id, union_id, union_path, status, kind, subtotal_fen, "
        "discount_fen, payable_fen, voucher_id, idempotency_key, address_enc, address_region, "
        "expires_at, created_at, paid_at) "
        "SELECT g, 1000 + u, '/1/' || (2 + (u % 100) % 10) || '/' || (20 + u % 100) || '/' "
        "|| (1000 + u) || '/', CASE WHEN g % 10 = 0 THEN 'REFUNDED' WHEN g % 3 = 0 "
        "THEN 'COMPLETED' ELSE 'PAID' END, 'PERSONAL', CASE WHEN g % 4 = 0 THEN 500 ELSE 0 END, "
        "CASE WHEN g % 4 = 0 THEN 500 ELSE 0 END, 0, CASE WHEN g % 4 = 0 THEN g END, "
        "'b' || g, 'x', '610113', ?::timestamptz, ?::timestamptz, "
        "?::timestamptz - make_interval(secs => (g * 7919) % (? * 86400)) "
        "FROM (SELECT g, 1 + (g * 31337) % ? AS u FROM generate_series(1::bigint, ?) g) s",
        [today, today, today + timedelta(days=1), days, unions, orders])
    await rows(
        "INSERT INTO mall_order_items (order_id, sku_id, product_id, supplier_id, "
        "supplier_region, certified, name, unit_price_fen, quantity, line_fen) "
        "SELECT o.id, k, k, k, (ARRAY['611026','610629','610924','610528'])[1 + (o.id + k) % 4], "
        "(o.id + k) % 3 = 0, 'x', 1000 + (o.id * k) % 9000, 1, 1000 + (o.id * k) % 9000 "
        "FROM mall_orders o, generate_series(1, 3) k WHERE k <= 1 + o.id % 3", [])
    await rows("UPDATE mall_orders o SET subtotal_fen = l.s, payable_fen = l.s - o.discount_fen "
               "FROM (SELECT order_id, SUM(line_fen) AS s FROM mall_order_items "
               "GROUP BY order_id) l WHERE l.order_id = o.id", [])
    await rows("ANALYZE mall_orders", [])
    await rows("ANALYZE mall_order_items", [])


async def timed(fn: Callable[[], Awaitable[Any]]) -> float:
    began = time.perf_counter()
    await fn()
    return (time.perf_counter() - began) * 1000


async def main(args: argparse.Namespace) -> str:
    await db.init_db()
    try:
        began = time.perf_counter()
        await seed(args.orders, args.unions, args.days)
        seeded = time.perf_counter() - began
        began = time.perf_counter()
        written = await sales_summary.rebuild()
        rebuilt = time.perf_counter() - began
        await rows("ANALYZE mall_sales_days", [])
        await rows("ANALYZE mall_region_sales_days", [])
        found = await sales_summary.check()
        assert found.ok, found.mismatches
        today = today_shanghai()
        scopes = [("province", "/1/"), ("city", "/1/2/"), ("county", "/1/2/20/")]
        month = today.replace(day=1)
        last = (month - timedelta(days=1)).replace(day=1)
        periods = [("last month", last, month - timedelta(days=1)),
                   ("30 days", today - timedelta(days=29), today),
                   ("7 days", today - timedelta(days=6), today)]
        lines = [f"# The mall report's pages: old aggregate vs sales summary "
                 f"({datetime.now(SHANGHAI):%Y-%m-%d %H:%M} Shanghai)", "",
                 f"{args.orders:,} orders (1-3 lines, a tenth refunded) over {args.days} days, "
                 f"{args.unions:,} unions under 10 cities and 100 counties, PostgreSQL, "
                 f"one process, old and new alternating, median of {args.rounds} rounds (ms). "
                 f"Seeding {seeded:.1f} s; the rebuild (backfill) {rebuilt:.1f} s: "
                 f"{written[0]:,} union rows, {written[1]:,} region rows (day and month "
                 "rows). "
                 "Rerun: `DATABASE_URL=postgres://... python bench/sales_report.py`.", "",
                 "| scope | period | query | old (orders) | summary | old / summary |",
                 "|---|---|---|---:|---:|---:|"]
        for scope_name, path in scopes:
            for period_name, start, end in periods:
                scope = report.ReportScope(path, start, end)
                first = await report.sales_by_union(scope, PAGE + 1)
                old_first = await old_page(path, start, end, None)
                assert [(r.union_id, r.sales_fen) for r in first] == [
                    (int(r["union_id"]), int(r["sales"])) for r in old_first]
                whole = await report.sales_by_union(scope)
                middle = whole[len(whole) // 2]
                mark = (middle.sales_fen, middle.union_id)
                assert [r.union_id for r in await report.sales_by_union(scope, PAGE + 1, mark)] \
                    == [int(r["union_id"]) for r in await old_page(path, start, end, mark)]
                cases: list[tuple[str, Callable[[], Awaitable[Any]],
                                  Callable[[], Awaitable[Any]]]] = [
                    ("first page", lambda p=path, s=start, e=end: old_page(p, s, e, None),
                     lambda sc=scope: report.sales_by_union(sc, PAGE + 1)),
                    ("page after a cursor", lambda p=path, s=start, e=end, m=mark: old_page(
                        p, s, e, m),
                     lambda sc=scope, m=mark: report.sales_by_union(sc, PAGE + 1, m)),
                    ("totals", lambda p=path, s=start, e=end: old_totals(p, s, e),
                     lambda sc=scope: new_totals(sc)),
                    ("totalCount", lambda p=path, s=start, e=end: old_count(p, s, e),
                     lambda sc=scope: report.count_sales_rows(sc, by_union=True)),
                ]
                for name, old, new in cases:
                    olds, news = [], []
                    for _ in range(args.rounds):
                        olds.append(await timed(old))
                        news.append(await timed(new))
                    o, n = statistics.median(olds), statistics.median(news)
                    lines.append(f"| {scope_name} ({len(whole):,} unions) | {period_name} | "
                                 f"{name} | {o:.1f} | {n:.1f} | {o / n:.1f}x |")
        return "\n".join(lines) + "\n"
    finally:
        await db.close_db()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--unions", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--out", default=None, help="markdown report path")
    args = parser.parse_args()
    text = asyncio.run(main(args))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.out) if args.out else BENCH / "results" / f"sales-report-{stamp}.md"
    out.write_text(text, encoding="utf-8")
    print(text)
