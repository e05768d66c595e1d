"""The mall report's sales summary (mall.sales_summary): the report's answers over it equal a
direct aggregate over the orders (the report's own SQL before the summary, kept here); it
moves with the status changes that move money, in their transactions, under concurrency; a
rollback leaves it as it was; the backfill is idempotent; the check finds drift."""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from tests.paging import connection_query, walk
from tests.processes import ROOT
from unionhub.clock import SHANGHAI, today_shanghai
from unionhub.identity.models import Union
from unionhub.mall import orders, report, sales_summary
from unionhub.mall.models import Order, OrderItem, OrderStatus
from unionhub.mall.sql import rows

_keys = itertools.count(1)
Line = tuple[str, bool, int]  # supplier region, certified, line fen


async def _order(union: Union, lines: list[Line], *, discount: int = 0,
                 status: OrderStatus = OrderStatus.PENDING_PAYMENT,
                 paid_at: datetime | None = None) -> Order:
    subtotal = sum(fen for _, _, fen in lines)
    order = await Order.create(
        member_id=1, union_id=union.id, union_path=union.path, status=status,
        subtotal_fen=subtotal, discount_fen=discount, payable_fen=subtotal - discount,
        voucher_id=next(_keys) if discount else None, idempotency_key=f"s{next(_keys)}",
        address_enc="x", address_region="610113", paid_at=paid_at,
        expires_at=datetime.now(SHANGHAI) + timedelta(hours=1))
    for region, certified, fen in lines:
        await OrderItem.create(order=order, sku_id=1, product_id=1, supplier_id=1,
                               supplier_region=region, certified=certified, name="木耳",
                               unit_price_fen=fen, quantity=1, line_fen=fen)
    return order


async def _pay(order: Order) -> bool:
    async with in_transaction():
        return await orders.mark_paid(order, None, "CARD")


async def _refund(order: Order) -> bool:
    async with in_transaction():
        return await orders.mark_refunded(order, None)


# --- the report's SQL before the summary: a direct aggregate over the orders --------------

def _old_where(path: str, start: date, end: date) -> tuple[str, list[Any]]:
    since = datetime.combine(start, time(), SHANGHAI)
    until = datetime.combine(end + timedelta(days=1), time(), SHANGHAI)
    return ("o.status IN ('PAID', 'SHIPPED', 'COMPLETED') AND o.paid_at >= ? "
            "AND o.paid_at < ? AND o.union_path LIKE ?", [since, until, path + "%"])


async def _old(path: str, start: date, end: date) -> dict[str, Any]:
    where, params = _old_where(path, start, end)
    totals = (await rows(
        "SELECT COUNT(*) AS n, COALESCE(SUM(o.subtotal_fen), 0) AS sales, "
        "COALESCE(SUM(o.discount_fen), 0) AS used, COALESCE(SUM(CASE WHEN o.voucher_id IS "
        "NOT NULL THEN o.subtotal_fen ELSE 0 END), 0) AS vs "
        f"FROM mall_orders o WHERE {where}", params))[0]
    unions = await rows(
        "SELECT o.union_id AS u, SUM(i.line_fen) AS sales, COUNT(DISTINCT o.id) AS n, "
        "SUM(CASE WHEN i.certified THEN i.line_fen ELSE 0 END) AS c FROM mall_order_items i "
        f"JOIN mall_orders o ON o.id = i.order_id WHERE {where} GROUP BY o.union_id "
        "ORDER BY sales DESC, o.union_id", params)
    regions = await rows(
        "SELECT i.supplier_region AS r, SUM(i.line_fen) AS sales, COUNT(DISTINCT o.id) AS n "
        f"FROM mall_order_items i JOIN mall_orders o ON o.id = i.order_id WHERE {where} "
        "GROUP BY i.supplier_region ORDER BY sales DESC, i.supplier_region", params)
    return {
        "totals": (int(totals["n"]), int(totals["sales"]), int(totals["used"]),
                   int(totals["vs"])),
        "unions": [(int(r["u"]), int(r["sales"]), int(r["n"]), int(r["c"])) for r in unions],
        "regions": [(r["r"], int(r["sales"]), int(r["n"])) for r in regions]}


async def _new(path: str, start: date, end: date) -> dict[str, Any]:
    scope = report.ReportScope(path, start, end)
    where, params = scope.where("s")
    totals = (await rows(
        "SELECT COALESCE(SUM(order_count), 0) AS n, COALESCE(SUM(sales_fen), 0) AS sales, "
        "COALESCE(SUM(discount_fen), 0) AS used, COALESCE(SUM(voucher_sales_fen), 0) AS vs "
        f"FROM mall_sales_days s WHERE {where}", params))[0]
    return {
        "totals": (int(totals["n"]), int(totals["sales"]), int(totals["used"]),
                   int(totals["vs"])),
        "unions": [(u.union_id, u.sales_fen, u.order_count, u.certified_sales_fen)
                   for u in await report.sales_by_union(scope)],
        "regions": [(r.region_code, r.sales_fen, r.order_count)
                    for r in await report.sales_by_region(scope)]}


async def _pages(fetch: Any, key: Any, size: int, backward: bool) -> list[Any]:
    """Every row, by keyset pages of `size` as the connections read them."""
    got: list[Any] = []
    mark = None
    while True:
        page = await fetch(size, mark, backward)
        got = page[::-1] + got if backward else got + page
        if len(page) < size:
            return got
        mark = key(page[-1])


async def _seed(unions: list[Union]) -> list[Order]:
    """Orders over the last 75 days (two whole months at least) in every state, paid_at near
    both ends of Shanghai days (00:10 there is the previous day in UTC), then the backfill;
    returns today's orders awaiting payment, one per union, for the hooks."""
    today = today_shanghai()
    regions = ["611026", "610629", "610924", "610528"]
    states = [OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED,
              OrderStatus.REFUNDED, OrderStatus.CANCELLED, OrderStatus.PAID]
    n = 0
    for u, union in enumerate(unions):
        for d in range(0, 75, 4 + u % 5):
            for hour, minute in ((0, 10), (13, 0), (23, 50)):
                n += 1
                lines = [(regions[(n + k) % 4], (n + k) % 3 == 0, 100 * (1 + (n * 7 + k) % 13))
                         for k in range(1 + n % 3)]
                status = states[n % len(states)]
                paid = datetime.combine(today - timedelta(days=d), time(hour, minute), SHANGHAI)
                await _order(union, lines, discount=50 if n % 4 == 0 else 0, status=status,
                             paid_at=None if status == OrderStatus.CANCELLED else paid)
    await sales_summary.rebuild()
    return [await _order(union, [(regions[i % 4], i % 2 == 0, 300 + 10 * i),
                                 (regions[(i + 1) % 4], False, 200)])
            for i, union in enumerate(unions)]


async def test_the_report_over_the_summary_equals_the_aggregate_over_orders(gql, factory):
    tree = await factory.tree()
    unions = [tree.province, *tree.counties.values(), *tree.all_grassroots]
    pending = await _seed(unions)
    # Today's changes through the state-change points: paid, refunded, shipped (no change to
    # sales), a paid bulk order cancelled.
    for order in pending:
        assert await _pay(order)
    assert await _refund(pending[1])
    async with in_transaction():
        assert await orders.transition(pending[2], (OrderStatus.PAID,), OrderStatus.SHIPPED,
                                       "SHIPPED", None, shipped_at=datetime.now(SHANGHAI))
        assert await orders.transition(pending[3], (OrderStatus.PAID,), OrderStatus.CANCELLED,
                                       "CANCELLED_BY_CADRE", None)
    assert await _refund(pending[2])  # refunded after shipping
    assert (await sales_summary.check()).ok

    today = today_shanghai()
    month = today.replace(day=1)
    last_month = (month - timedelta(days=1)).replace(day=1)
    before = (last_month - timedelta(days=1)).replace(day=1)
    periods = [(today, today), (today - timedelta(days=3), today),
               (today - timedelta(days=10), today - timedelta(days=5)),
               (today - timedelta(days=365), today), (today - timedelta(days=1),) * 2,
               (last_month, month - timedelta(days=1)),  # a whole month: its month rows
               (before, today), (before + timedelta(days=9), today),  # months and days
               (before + timedelta(days=1), month - timedelta(days=2)),
               (month, today), (last_month, last_month + timedelta(days=20))]
    paths = [tree.province.path, tree.counties["A"].path, tree.counties["B"].path,
             tree.all_grassroots[0].path]
    compared = 0
    for path in paths:
        for start, end in periods:
            old = await _old(path, start, end)
            assert await _new(path, start, end) == old, (path, start, end)
            compared += bool(old["unions"] and old["regions"])
    assert compared >= 8 * len(paths)  # not empty answers compared
    # Keyset pages, both ways, give the same rows in the same order.
    scope = report.ReportScope(tree.province.path, before + timedelta(days=5), today)
    old = await _old(scope.path, scope.start, scope.end)
    assert len(old["unions"]) >= 8 and len(old["regions"]) == 4
    for size, backward in ((3, False), (3, True), (1, False), (100, True)):
        by_union = await _pages(lambda n, m, b: report.sales_by_union(scope, n, m, b),
                                lambda x: (x.sales_fen, x.union_id), size, backward)
        assert [(u.union_id, u.sales_fen, u.order_count, u.certified_sales_fen)
                for u in by_union] == old["unions"]
        by_region = await _pages(lambda n, m, b: report.sales_by_region(scope, n, m, b),
                                 lambda x: (x.sales_fen, x.region_code), size, backward)
        assert [(r.region_code, r.sales_fen, r.order_count) for r in by_region] == old["regions"]
    assert await report.count_sales_rows(scope, by_union=True) == len(old["unions"])
    assert await report.count_sales_rows(scope, by_union=False) == len(old["regions"])

    # Through GraphQL: the connections, the deprecated lists and the totals.
    cadre = await factory.cadre(tree.province)
    v = {"u": str(tree.province.id), "from": scope.start.isoformat(),
         "to": scope.end.isoformat()}
    outer = "mallReport(unionId: $u, from: $from, to: $to)"
    query = connection_query("salesByUnionConnection", variables="$u: ID!, $from: Date!, "
                             "$to: Date!", outer=outer,
                             node="union { id } salesFen orderCount certifiedSalesFen")
    expected = [{"union": {"id": str(u)}, "salesFen": s, "orderCount": n,
                 "certifiedSalesFen": c} for u, s, n, c in old["unions"]]
    for backward in (False, True):
        assert await walk(gql, query, "mallReport.salesByUnionConnection", v, cadre.token,
                          size=4, backward=backward) == expected
    r = await gql("query($u: ID!, $from: Date!, $to: Date!) { " + outer + " { orderCount "
                  "salesFen voucherUsedFen voucherOrderSalesFen "
                  "salesByRegion { regionCode salesFen orderCount } } }", v, token=cadre.token)
    assert r.errors == [], r.body
    got = r.data["mallReport"]
    assert (got["orderCount"], got["salesFen"], got["voucherUsedFen"],
            got["voucherOrderSalesFen"]) == old["totals"]
    assert [(x["regionCode"], x["salesFen"], x["orderCount"])
            for x in got["salesByRegion"]] == old["regions"]

    # The cockpit's subtree totals: one query for every path.
    found = await report.subtree_sales(paths, scope.start, scope.end)
    for path in paths:
        o = await _old(path, scope.start, scope.end)
        s = found[path]
        assert (s.order_count, s.sales_fen, s.voucher_used_fen,
                s.voucher_order_sales_fen) == o["totals"]
        assert (s.line_sales_fen, s.certified_sales_fen) == (
            sum(u[1] for u in o["unions"]), sum(u[3] for u in o["unions"]))


async def _summary_rows() -> list[tuple[Any, ...]]:
    found = []
    for table, key in (("mall_sales_days", "union_path, union_id, grain, day, order_count, "
                        "sales_fen, discount_fen, voucher_sales_fen, line_fen, certified_fen"),
                       ("mall_region_sales_days", "union_path, region_code, grain, day, "
                        "order_count, line_fen")):
        found += [(table, *[str(v) for v in r.values()]) for r in await rows(
            f"SELECT {key} FROM {table} WHERE order_count <> 0 ORDER BY 1, 2, 3, 4", [])]
    return found


async def test_concurrent_payments_and_refunds_of_one_union_add_up(factory):
    tree = await factory.tree()
    union = tree.all_grassroots[0]
    # Two regions a line each, in both orders: the rows lock in key order, no deadlock.
    made = [await _order(union, [("611026", True, 1000 + i), ("610629", False, 500)]
                         if i % 2 else [("610629", False, 500), ("611026", True, 1000 + i)],
                         discount=100 if i % 3 == 0 else 0) for i in range(30)]
    assert all(await asyncio.gather(*(_pay(o) for o in made[:20])))
    # At once: the other 10 paid; 10 of the first refunded, each twice (one of each pair wins).
    results = await asyncio.gather(*(_pay(o) for o in made[20:]),
                                   *(_refund(o) for o in made[:10] for _ in range(2)))
    assert all(results[:10]) and sum(results[10:]) == 10
    check = await sales_summary.check()
    assert check.ok, check.mismatches
    sold = made[10:]
    day = today_shanghai()
    month = day.replace(day=1).isoformat()
    row = (await rows("SELECT grain, day, order_count, sales_fen, discount_fen, line_fen, "
                      "certified_fen FROM mall_sales_days WHERE union_id = ? ORDER BY grain",
                      [union.id]))
    sums = (20, sum(o.subtotal_fen for o in sold), sum(o.discount_fen for o in sold),
            sum(o.subtotal_fen for o in sold), sum(1000 + i for i in range(10, 30)))
    assert [(r["grain"], str(r["day"]), *(int(r[k]) for k in list(r)[2:])) for r in row] == [
        ("D", day.isoformat(), *sums), ("M", month, *sums)]
    regions = await rows("SELECT region_code, grain, day, order_count, line_fen FROM "
                         "mall_region_sales_days ORDER BY region_code, grain", [])
    assert [(r["region_code"], r["grain"], str(r["day"]), int(r["order_count"]),
             int(r["line_fen"])) for r in regions] == [
        ("610629", "D", day.isoformat(), 20, 20 * 500), ("610629", "M", month, 20, 20 * 500),
        ("611026", "D", day.isoformat(), 20, sum(range(1010, 1030))),
        ("611026", "M", month, 20, sum(range(1010, 1030)))]


async def test_a_rolled_back_payment_or_refund_leaves_the_summary_unchanged(factory):
    tree = await factory.tree()
    union = tree.all_grassroots[1]
    paid = await _order(union, [("611026", True, 800)])
    assert await _pay(paid)
    before = await _summary_rows()
    assert before
    pending = await _order(union, [("611026", True, 900), ("610924", False, 100)])
    for change in (lambda: orders.mark_paid(pending, None, "CARD"),
                   lambda: orders.mark_refunded(paid, None)):
        with pytest.raises(RuntimeError):
            async with in_transaction():
                assert await change()
                raise RuntimeError("a later step of the payment failed")
        assert await _summary_rows() == before
    assert (await Order.get(id=pending.id)).status == OrderStatus.PENDING_PAYMENT
    assert (await Order.get(id=paid.id)).status == OrderStatus.PAID
    assert (await sales_summary.check()).ok


async def test_the_backfill_is_idempotent_and_the_check_finds_drift(factory):
    tree = await factory.tree()
    pending = await _seed([tree.province, tree.counties["A"], *tree.grassroots["A"]])
    for order in pending:
        assert await _pay(order)
    assert await _refund(pending[0])
    by_hooks = await _summary_rows()
    assert await sales_summary.rebuild() == await sales_summary.rebuild()
    assert await _summary_rows() == by_hooks
    assert (await sales_summary.check()).ok

    # Drift, as a bug or a hand edit would leave it: one sum off, one row gone.
    await rows("UPDATE mall_sales_days SET sales_fen = sales_fen + 1 WHERE union_id = ?",
               [tree.grassroots["A"][0].id])
    gone = (await rows("SELECT id, union_path, region_code, grain, day "
                       "FROM mall_region_sales_days "
                       "WHERE order_count > 0 ORDER BY id LIMIT 1", []))[0]
    await rows("DELETE FROM mall_region_sales_days WHERE id = ?", [gone["id"]])
    found = await sales_summary.check(limit=100)
    assert not found.ok and not found.more
    tables = {m.table for m in found.mismatches}
    assert tables == {"mall_sales_days", "mall_region_sales_days"}
    missing = [m for m in found.mismatches if m.table == "mall_region_sales_days"]
    assert [(m.key, m.summary) for m in missing] == [
        ((gone["union_path"], gone["region_code"], gone["grain"], str(gone["day"])), None)]
    off = [m for m in found.mismatches if m.table == "mall_sales_days"]
    assert off and all(m.summary and m.orders and m.summary[1] == m.orders[1] + 1
                       for m in off)
    first = await sales_summary.check(limit=1)
    assert len(first.mismatches) == 1 and first.more
    await sales_summary.rebuild()
    assert (await sales_summary.check()).ok
    assert await _summary_rows() == by_hooks


async def test_a_rebuild_while_payments_run_loses_none(factory):
    tree = await factory.tree()
    union = tree.all_grassroots[0]
    made = [await _order(union, [("611026", False, 100 + i)]) for i in range(20)]
    results = await asyncio.gather(*(_pay(o) for o in made[:10]), sales_summary.rebuild(),
                                   *(_pay(o) for o in made[10:]))
    assert all(r is True for r in results[:10] + results[11:])
    check = await sales_summary.check()
    assert check.ok, check.mismatches
    assert [r["sales_fen"] for r in await rows("SELECT sales_fen FROM mall_sales_days",
                                                [])] == [sum(100 + i for i in range(20))] * 2


async def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    # This checkout's code (the venv's `unionhub` script may be another checkout's).
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "unionhub.cli", "mall", *args, cwd=ROOT, env=dict(os.environ),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(120):
        out, err = await process.communicate()
    return subprocess.CompletedProcess(args, process.returncode, out.decode(), err.decode())


async def test_the_operators_commands_check_and_rebuild(factory):
    tree = await factory.tree()
    order = await _order(tree.all_grassroots[0], [("611026", True, 700)])
    assert await _pay(order)
    ok = await _cli("check-sales-summary")
    assert (ok.returncode, ok.stdout) == (0, "sales summary matches the orders\n"), ok.stderr
    await rows("UPDATE mall_sales_days SET order_count = order_count + 1", [])
    bad = await _cli("check-sales-summary")
    assert bad.returncode == 1 and "DIFFERS" in bad.stdout and "mall_sales_days" in bad.stdout
    built = await _cli("rebuild-sales-summary")
    assert built.returncode == 0 and "2 union rows, 2 region rows" in built.stdout
    assert (await _cli("check-sales-summary")).returncode == 0


async def test_the_migration_backfills_orders_sold_before_it(factory):
    import importlib
    from types import SimpleNamespace

    from unionhub.db import conn

    migration = importlib.import_module("unionhub.mall.migrations.0007_sales_summary")
    tree = await factory.tree()
    today = datetime.combine(today_shanghai(), time(9), SHANGHAI)
    for fen, status in ((500, OrderStatus.PAID), (700, OrderStatus.COMPLETED),
                        (900, OrderStatus.REFUNDED)):  # as a deployment before 0007 holds them
        await _order(tree.all_grassroots[0], [("611026", True, fen)], status=status,
                     paid_at=today)
    assert not (await sales_summary.check()).ok
    await migration._create(None, SimpleNamespace(client=conn()))
    assert (await sales_summary.check()).ok
    assert [r["sales_fen"] for r in await rows("SELECT sales_fen FROM mall_sales_days "
                                                "ORDER BY grain", [])] == [1200, 1200]


def test_a_period_reads_its_whole_months_by_month_rows_and_the_rest_by_days():
    d = date
    where, params = sales_summary.period_where("s", d(2026, 11, 1), d(2026, 11, 30))
    assert "s.grain = 'M'" in where
    assert params == [d(2026, 11, 1), d(2026, 12, 1), d(2026, 11, 1), d(2026, 11, 1),
                      d(2026, 12, 1), d(2026, 11, 30)]  # the day ranges are empty
    _, params = sales_summary.period_where("s", d(2026, 10, 15), d(2026, 12, 5))
    assert params == [d(2026, 11, 1), d(2026, 12, 1), d(2026, 10, 15), d(2026, 11, 1),
                      d(2026, 12, 1), d(2026, 12, 5)]
    _, params = sales_summary.period_where("s", d(2026, 12, 31), d(2027, 2, 28))
    assert params[:2] == [d(2027, 1, 1), d(2027, 3, 1)]
    where, params = sales_summary.period_where("s", d(2026, 11, 3), d(2026, 11, 29))
    assert "'M'" not in where and params == [d(2026, 11, 3), d(2026, 11, 29)]
    where, _ = sales_summary.period_where("s", d(2026, 11, 30), d(2026, 12, 30))
    assert "'M'" not in where  # no whole month inside
