"""The mall report's sales summary: what `mall.report` reads instead of re-adding a subtree's
orders for every page (a province holds 140,000 unions and millions of orders).

Two tables, one row per key, each a sum over the sold orders (PAID, SHIPPED, COMPLETED) of
that key: `mall_sales_days` per (union path, union, grain, day) holds orders, subtotals,
voucher discount, subtotals of orders that used a voucher, lines and certified lines;
`mall_region_sales_days` per (union path, supplier region, grain, day) the orders with a line
of the region and those lines' sum. Grain D rows are Shanghai days of payment, grain M rows
months (`day` the month's first day): a period reads its whole months' M rows and the days
around them (`period_where`), so a year is at most 12 rows per union plus the odd days, not a
row per day (at a province's density a day row is about an order). An order keeps its union,
path and paid_at once paid, so it adds to one row of each key and takes the same back.

`record` applies one order's change, called by `orders.transition` in the transaction of the
status change that moves money in or out of "sold" (paid; refunded; a paid bulk order
cancelled): a rolled-back transition takes its summary change with it, so the summary cannot
drift. Each change is one INSERT .. ON CONFLICT DO UPDATE per table that adds (PostgreSQL
and SQLite 3.24+): concurrent payments of one union queue on its day and month rows' locks
until they commit, and each adds its own amounts. Rows whose sums went back to zero stay
(deleting them would race the upserts); readers skip them, `rebuild` drops them.

`rebuild` recomputes both tables from the orders (the migration's backfill, and
`unionhub mall rebuild-sales-summary`); `check` compares them with the orders, row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from unionhub.db import is_postgres
from unionhub.mall.enums import OrderStatus
from unionhub.mall.sql import rows

SOLD = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED)
UNIONS = "mall_sales_days"
REGIONS = "mall_region_sales_days"
_UNION_SUMS = ("order_count", "sales_fen", "discount_fen", "voucher_sales_fen", "line_fen",
               "certified_fen")
_REGION_SUMS = ("order_count", "line_fen")


def day_of(column: str, postgres: bool | None = None) -> str:
    """The Shanghai calendar day of a timestamp column: the report's days. (SQLite keeps
    UTC text; Shanghai has had no daylight saving since 1991.)"""
    if is_postgres() if postgres is None else postgres:
        return f"CAST(timezone('Asia/Shanghai', {column}) AS DATE)"
    return f"date({column}, '+8 hours')"


def _grain_day(column: str, postgres: bool | None) -> str:
    """The row's `day` for grain g.grain: the day (D), or the first day of its month (M)."""
    if is_postgres() if postgres is None else postgres:
        month = f"CAST(date_trunc('month', timezone('Asia/Shanghai', {column})) AS DATE)"
    else:
        month = f"date({column}, '+8 hours', 'start of month')"
    return f"CASE WHEN g.grain = 'D' THEN {day_of(column, postgres)} ELSE {month} END"


# Every order counts in a day row and in a month row.
_GRAINS = "CROSS JOIN (SELECT 'D' AS grain UNION ALL SELECT 'M' AS grain) g"


def period_where(alias: str, start: date, end: date) -> tuple[str, list[Any]]:
    """The summary rows (of `alias`) that add up to the days start..end (inclusive): the
    months wholly inside them by their month rows, the days around those by day rows."""
    first = start if start.day == 1 else (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    after = (end + timedelta(days=1)).replace(day=1)  # months first.. before it are whole
    if first >= after:
        return f"{alias}.grain = 'D' AND {alias}.day >= ? AND {alias}.day <= ?", [start, end]
    return (f"(({alias}.grain = 'M' AND {alias}.day >= ? AND {alias}.day < ?) OR "
            f"({alias}.grain = 'D' AND (({alias}.day >= ? AND {alias}.day < ?) OR "
            f"({alias}.day >= ? AND {alias}.day <= ?))))",
            [first, after, start, first, after, end])


def _sold() -> str:
    statuses = ", ".join(f"'{s.value}'" for s in SOLD)
    return f"o.status IN ({statuses}) AND o.paid_at IS NOT NULL"


def _union_rows(sign: int, where: str, lines: str = "1 = 1", postgres: bool | None = None,
                payments: str | None = "1 = 1") -> str:
    """Per-union rows (columns k0..k3, s0..s5) of the orders `where` selects, each sum times
    `sign`; `lines` narrows the items read, `payments` the payments (None: none read, as the
    summary was before partial refunds came off). An order's lines are summed first, so its
    own amounts count once. Sales are less what the rail gave back of the order's payment in
    part (its SUCCEEDED payment's refunded_fen): mall.refunded brackets that change."""
    day = _grain_day("o.paid_at", postgres)
    sold, given_back = "o.subtotal_fen", ""
    if payments is not None:
        sold += " - COALESCE(p.refunded_fen, 0)"
        given_back = (
            "LEFT JOIN (SELECT pp.order_id, SUM(pp.refunded_fen) AS refunded_fen "  # noqa: S608
            f"FROM mall_payments pp WHERE pp.status = 'SUCCEEDED' AND {payments} "
            "GROUP BY pp.order_id) p ON p.order_id = o.id ")
    return (
        f"SELECT o.union_path AS k0, o.union_id AS k1, g.grain AS k2, {day} AS k3, "  # noqa: S608
        f"{sign} * COUNT(*) AS s0, {sign} * SUM({sold}) AS s1, "
        f"{sign} * SUM(o.discount_fen) AS s2, "
        f"{sign} * SUM(CASE WHEN o.voucher_id IS NOT NULL THEN {sold} ELSE 0 END) AS s3, "
        f"{sign} * SUM(COALESCE(l.line_fen, 0)) AS s4, "
        f"{sign} * SUM(COALESCE(l.certified_fen, 0)) AS s5 "
        f"FROM mall_orders o {_GRAINS} LEFT JOIN (SELECT i.order_id, SUM(i.line_fen) AS line_fen, "
        "SUM(CASE WHEN i.certified THEN i.line_fen ELSE 0 END) AS certified_fen "
        f"FROM mall_order_items i WHERE {lines} GROUP BY i.order_id) l ON l.order_id = o.id "
        f"{given_back}WHERE {where} GROUP BY o.union_path, o.union_id, g.grain, {day}")


def _region_rows(sign: int, where: str, lines: str = "1 = 1", postgres: bool | None = None,
                 ) -> str:
    day = _grain_day("o.paid_at", postgres)
    return (
        f"SELECT o.union_path AS k0, i.supplier_region AS k1, g.grain AS k2, {day} AS k3, "  # noqa: S608
        f"{sign} * COUNT(DISTINCT o.id) AS s0, {sign} * SUM(i.line_fen) AS s1 "
        f"FROM mall_orders o JOIN mall_order_items i ON i.order_id = o.id {_GRAINS} "
        f"WHERE {where} AND {lines} GROUP BY o.union_path, i.supplier_region, g.grain, {day}")


def _insert(table: str, key: str, sums: tuple[str, ...], select: str, add: bool) -> str:
    # Rows in key order: two orders of one union and day with lines of the same regions lock
    # those rows in the same order, never in a cycle.
    sql = f"INSERT INTO {table} ({key}, {', '.join(sums)}) {select} ORDER BY 1, 2, 3, 4"
    if add:
        adds = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in sums)
        sql += f" ON CONFLICT ({key}) DO UPDATE SET {adds}"
    return sql


_UNION_KEY = "union_path, union_id, grain, day"
_REGION_KEY = "union_path, region_code, grain, day"


async def record(order_id: int, sign: int) -> None:
    """Add (sign 1) or take back (sign -1) one order's amounts: call inside the transaction
    of the status change, after it (the order's row holds its paid_at by then)."""
    if sign not in (1, -1):
        raise ValueError("sign is 1 or -1")
    where = "o.id = ? AND o.paid_at IS NOT NULL"
    await rows(_insert(UNIONS, _UNION_KEY, _UNION_SUMS,
                       _union_rows(sign, where, "i.order_id = ?", payments="pp.order_id = ?"),
                       add=True),
               [order_id, order_id, order_id])  # (the lines', payments' subqueries first)
    await rows(_insert(REGIONS, _REGION_KEY, _REGION_SUMS,
                       _region_rows(sign, where), add=True), [order_id])


async def rebuild() -> tuple[int, int]:
    """Both tables recomputed from the orders; idempotent. Payments and refunds wait for it
    (the tables' lock) and add their own amounts after it, so none is lost or counted twice.
    Returns the rows written (unions, regions)."""
    async with in_transaction():
        if is_postgres():
            # Conflicts with the row-exclusive lock every upsert takes: in-flight payments
            # commit first (their orders then count below), later ones wait and add after.
            await rows(f"LOCK TABLE {UNIONS}, {REGIONS} IN SHARE ROW EXCLUSIVE MODE", [])
        for statement in rebuild_statements(is_postgres()):
            await rows(statement, [])
        counted = await rows(f"SELECT (SELECT COUNT(*) FROM {UNIONS}) AS u, "  # noqa: S608
                             f"(SELECT COUNT(*) FROM {REGIONS}) AS r", [])
    return int(counted[0]["u"]), int(counted[0]["r"])


def rebuild_statements(postgres: bool, partial_refunds: bool = True) -> list[str]:
    """Empty both tables and add up every sold order (also the migrations' backfill: 0007's
    ran before payments kept `refunded_fen`, so without `partial_refunds`; 0013 redoes it)."""
    payments = "1 = 1" if partial_refunds else None
    return [f"DELETE FROM {UNIONS}", f"DELETE FROM {REGIONS}",  # noqa: S608
            _insert(UNIONS, _UNION_KEY, _UNION_SUMS,
                    _union_rows(1, _sold(), postgres=postgres, payments=payments), add=False),
            _insert(REGIONS, _REGION_KEY, _REGION_SUMS,
                    _region_rows(1, _sold(), postgres=postgres), add=False)]


@dataclass(frozen=True, slots=True)
class Mismatch:
    table: str
    key: tuple[Any, ...]  # (union path, union id or region code, grain D or M, day)
    summary: tuple[int, ...] | None  # the summary's sums; None: no row (or all zero)
    orders: tuple[int, ...] | None  # the orders' sums; None: no sold order


@dataclass(frozen=True, slots=True)
class Check:
    mismatches: list[Mismatch]  # at most `limit` of them
    more: bool  # more mismatches than listed

    @property
    def ok(self) -> bool:
        return not self.mismatches


async def check(limit: int = 20) -> Check:
    """The summary against the orders, key by key, in one statement per table (one snapshot:
    a payment commits its order and its summary change together). Read-only."""
    found: list[Mismatch] = []
    more = False
    for table, key, sums, select in ((UNIONS, _UNION_KEY, _UNION_SUMS, _union_rows),
                                     (REGIONS, _REGION_KEY, _REGION_SUMS, _region_rows)):
        names = [f"{c} AS k{i}" for i, c in enumerate(key.split(", "))]
        names += [f"{c} AS s{i}" for i, c in enumerate(sums)]
        nonzero = " OR ".join(f"{c} <> 0" for c in sums)
        stored = f"SELECT {', '.join(names)} FROM {table} WHERE {nonzero}"  # noqa: S608
        computed = select(1, _sold())
        diff = await rows(
            f"SELECT 's' AS side, d1.* FROM ({stored} EXCEPT {computed}) d1 "  # noqa: S608
            f"UNION ALL SELECT 'o' AS side, d2.* FROM ({computed} EXCEPT {stored}) d2 "
            "LIMIT ?", [2 * limit + 1])
        by_key: dict[tuple[Any, ...], dict[str, tuple[int, ...]]] = {}
        for r in diff:
            k = (r["k0"], r["k1"], r["k2"], str(r["k3"]))
            by_key.setdefault(k, {})[r["side"]] = tuple(int(r[f"s{i}"])
                                                        for i in range(len(sums)))
        for k, sides in sorted(by_key.items()):
            if len(found) >= limit:
                more = True
                break
            found.append(Mismatch(table, k, sides.get("s"), sides.get("o")))
        more = more or len(diff) > 2 * limit
    return Check(found, more)
