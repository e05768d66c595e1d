"""The mall report for a cadre's scope and period: aggregate SQL, a handful of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from unionhub.clock import SHANGHAI
from unionhub.db_replicas import replica_read
from unionhub.errors import ValidationFailed
from unionhub.identity.access import Principal, require_scope
from unionhub.identity.orgs import get_union
from unionhub.mall.models import Supplier, VoucherCampaign
from unionhub.mall.sql import rows
from unionhub.subtree_sql import in_subtree

SOLD = ("PAID", "SHIPPED", "COMPLETED")
# Shaanxi's line: at least 30% of unions' festival-gift spending on poverty-alleviation goods.
POVERTY_SHARE_LINE = 0.30
MAX_DAYS = 366


@dataclass
class RegionSales:
    region_code: str
    region_name: str
    sales_fen: int
    order_count: int


@dataclass
class UnionSales:
    union_id: int
    sales_fen: int
    order_count: int
    certified_sales_fen: int

    @property
    def poverty_share(self) -> float | None:
        return self.certified_sales_fen / self.sales_fen if self.sales_fen else None

    @property
    def meets_poverty_line(self) -> bool:
        return (self.poverty_share or 0) >= POVERTY_SHARE_LINE


@dataclass(frozen=True, slots=True)
class ReportScope:
    """What a report's per-region and per-union lists read: the subtree and the period."""
    path: str
    since: datetime
    until: datetime

    def where(self) -> tuple[str, list[Any]]:
        sold = ", ".join("?" for _ in SOLD)
        return (f"o.status IN ({sold}) AND o.paid_at >= ? AND o.paid_at < ? "
                "AND o.union_path LIKE ?", [*SOLD, self.since, self.until, self.path + "%"])


@dataclass
class MallReport:
    union_id: int
    start: date
    end: date
    scope: ReportScope
    sales_fen: int = 0
    order_count: int = 0
    voucher_budget_fen: int = 0
    voucher_issued_fen: int = 0
    voucher_used_fen: int = 0
    voucher_order_sales_fen: int = 0

    @property
    def leverage(self) -> float | None:
        """Sales of orders that used a voucher per yuan of voucher discount."""
        if not self.voucher_used_fen:
            return None
        return self.voucher_order_sales_fen / self.voucher_used_fen


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    if end < start:
        raise ValidationFailed("the period ends before it starts", field="to",
                               code="PERIOD_INVERTED")
    if (end - start).days > MAX_DAYS:
        raise ValidationFailed(f"a report covers at most {MAX_DAYS} days", field="to",
                               code="PERIOD_TOO_LONG")
    # Dates are Shanghai calendar days, both ends included.
    return (datetime.combine(start, time(), SHANGHAI),
            datetime.combine(end + timedelta(days=1), time(), SHANGHAI))


@replica_read
async def mall_report(principal: Principal, union_id: int, start: date, end: date) -> MallReport:
    union = await get_union(union_id)
    require_scope(principal, union.path)
    since, until = _period(start, end)
    scope = ReportScope(union.path, since, until)
    report = MallReport(union_id=union.id, start=start, end=end, scope=scope)
    where, params = scope.where()
    totals = await rows(
        "SELECT COUNT(*) AS n, COALESCE(SUM(o.subtotal_fen), 0) AS sales, "  # noqa: S608
        "COALESCE(SUM(o.discount_fen), 0) AS used, "
        "COALESCE(SUM(CASE WHEN o.voucher_id IS NOT NULL THEN o.subtotal_fen ELSE 0 END), 0) "
        f"AS voucher_sales FROM mall_orders o WHERE {where}", params)
    t = totals[0]
    report.order_count, report.sales_fen = int(t["n"]), int(t["sales"])
    report.voucher_used_fen, report.voucher_order_sales_fen = int(t["used"]), int(t["voucher_sales"])

    # Budgets of the campaigns issued inside the scope whose claim window meets the period.
    campaigns = await VoucherCampaign.filter(
        org_path__startswith=union.path, claim_starts_at__lt=until, claim_ends_at__gt=since,
    ).values("budget_fen", "issued_count", "face_value_fen")
    report.voucher_budget_fen = sum(c["budget_fen"] for c in campaigns)
    report.voucher_issued_fen = sum(c["issued_count"] * c["face_value_fen"] for c in campaigns)
    return report


# --- the report's lists: one page at a time, in the database ------------------------------
# A province's report lists up to 140,000 unions: each list is read a page at a time, ranked
# in SQL (sales, highest first; the region code or union id breaks ties, so the order is
# total and a page's last row is a keyset cursor). `after` is the (sales, key) of the row
# the page follows; `backward` reads the rows before it, nearest first.

def _keyset(key_column: str, after: tuple[Any, ...] | None, backward: bool,
            limit: int | None) -> tuple[str, str, list[Any]]:
    """The HAVING clause (rows beyond `after`), ORDER BY and LIMIT of a sales ranking."""
    having, params = "", []
    if after is not None:
        worse, later = (">", "<") if backward else ("<", ">")
        having = (f"HAVING SUM(i.line_fen) {worse} ? OR (SUM(i.line_fen) = ? "
                  f"AND {key_column} {later} ?) ")
        params = [after[0], after[0], after[1]]
    order = (f"ORDER BY sales ASC, {key_column} DESC" if backward
             else f"ORDER BY sales DESC, {key_column} ASC")
    if limit is not None:
        order += " LIMIT ?"
        params.append(limit)
    return having, order, params


@replica_read
async def sales_by_region(scope: ReportScope, limit: int | None = None,
                          after: tuple[Any, ...] | None = None,
                          backward: bool = False) -> list[RegionSales]:
    """Sales per supplier region, highest first (then by region code): `limit` rows beyond
    the (sales, region code) `after`, or all of them when `limit` is None."""
    where, params = scope.where()
    having, order, more = _keyset("i.supplier_region", after, backward, limit)
    found = await rows(
        "SELECT i.supplier_region AS region, SUM(i.line_fen) AS sales, "  # noqa: S608
        "COUNT(DISTINCT o.id) AS n FROM mall_order_items i JOIN mall_orders o ON o.id = i.order_id "
        f"WHERE {where} GROUP BY i.supplier_region {having}{order}", [*params, *more])
    names = {s.region_code: s.region_name for s in await Supplier.filter(
        region_code__in=[r["region"] for r in found])}
    return [RegionSales(r["region"], names.get(r["region"], r["region"]), int(r["sales"]),
                        int(r["n"])) for r in found]


@replica_read
async def sales_by_union(scope: ReportScope, limit: int | None = None,
                         after: tuple[Any, ...] | None = None,
                         backward: bool = False) -> list[UnionSales]:
    """Sales per union (the buyer's union at order time), highest first (then by union id):
    `limit` rows beyond the (sales, union id) `after`, or all of them when `limit` is None."""
    where, params = scope.where()
    having, order, more = _keyset("o.union_id", after, backward, limit)
    found = await rows(
        "SELECT o.union_id AS union_id, SUM(i.line_fen) AS sales, COUNT(DISTINCT o.id) AS n, "  # noqa: S608
        "SUM(CASE WHEN i.certified THEN i.line_fen ELSE 0 END) AS certified "
        "FROM mall_order_items i JOIN mall_orders o ON o.id = i.order_id "
        f"WHERE {where} GROUP BY o.union_id {having}{order}", [*params, *more])
    return [UnionSales(int(r["union_id"]), int(r["sales"]), int(r["n"]), int(r["certified"]))
            for r in found]


@replica_read
async def count_sales_rows(scope: ReportScope, by_union: bool) -> int:
    """How many rows sales_by_union (or sales_by_region) lists: one count, no ranking."""
    where, params = scope.where()
    key = "o.union_id" if by_union else "i.supplier_region"
    found = await rows(
        f"SELECT COUNT(DISTINCT {key}) AS n FROM mall_order_items i "  # noqa: S608
        f"JOIN mall_orders o ON o.id = i.order_id WHERE {where}", params)
    return int(found[0]["n"])


@dataclass(frozen=True, slots=True)
class SubtreeSales:
    """The totals of a subtree's mall report (the cockpit's drill-down and months)."""
    sales_fen: int = 0
    order_count: int = 0
    certified_sales_fen: int = 0
    line_sales_fen: int = 0  # the lines' sum: the poverty share's base, as in salesByUnion
    voucher_used_fen: int = 0
    voucher_order_sales_fen: int = 0

    @property
    def poverty_share(self) -> float | None:
        return self.certified_sales_fen / self.line_sales_fen if self.line_sales_fen else None

    @property
    def meets_poverty_line(self) -> bool:
        return (self.poverty_share or 0) >= POVERTY_SHARE_LINE

    @property
    def leverage(self) -> float | None:
        if not self.voucher_used_fen:
            return None
        return self.voucher_order_sales_fen / self.voucher_used_fen


async def subtree_sales(paths: list[str], start: date, end: date) -> dict[str, SubtreeSales]:
    """For each union path, what `mall_report` totals for that subtree and the same days
    (sales, orders, voucher discount and the sales of orders that used one), plus the certified
    goods' share of sales. Two queries for every path together (orders, then their lines), each
    path a prefix range of the indexed `mall_orders.union_path`; the caller checks scope."""
    if not paths:
        return {}
    since, until = _period(start, end)
    sold = ", ".join("?" for _ in SOLD)
    values = ", ".join("(CAST(? AS VARCHAR(255)))" for _ in paths)
    head = f"WITH p(path) AS (VALUES {values}) "
    where = (f"o.status IN ({sold}) AND o.paid_at >= ? AND o.paid_at < ? "
             f"AND {in_subtree('o.union_path', 'p.path')}")
    params = [*paths, *SOLD, since, until]
    totals = await rows(
        head + "SELECT p.path AS path, COUNT(o.id) AS n, "  # noqa: S608
        "COALESCE(SUM(o.subtotal_fen), 0) AS sales, COALESCE(SUM(o.discount_fen), 0) AS used, "
        "COALESCE(SUM(CASE WHEN o.voucher_id IS NOT NULL THEN o.subtotal_fen ELSE 0 END), 0) "
        f"AS voucher_sales FROM p JOIN mall_orders o ON {where} GROUP BY p.path", params)
    certified = await rows(
        head + "SELECT p.path AS path, "  # noqa: S608
        "SUM(CASE WHEN i.certified THEN i.line_fen ELSE 0 END) AS certified, "
        "SUM(i.line_fen) AS line_sales "
        f"FROM p JOIN mall_orders o ON {where} JOIN mall_order_items i ON i.order_id = o.id "
        "GROUP BY p.path", params)
    lines = {r["path"]: (int(r["certified"] or 0), int(r["line_sales"] or 0)) for r in certified}
    return {r["path"]: SubtreeSales(int(r["sales"]), int(r["n"]), *lines.get(r["path"], (0, 0)),
                                    int(r["used"]), int(r["voucher_sales"])) for r in totals}
