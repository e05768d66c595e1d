"""The mall report for a cadre's scope and period: aggregate SQL over the per-day sales
summary (mall.sales_summary), never over the subtree's orders, a handful of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from unionhub.clock import SHANGHAI
from unionhub.db_replicas import replica_read
from unionhub.errors import ValidationFailed
from unionhub.identity.access import Principal, require_scope
from unionhub.identity.orgs import get_union
from unionhub.mall import sales_summary
from unionhub.mall.models import Supplier, VoucherCampaign
from unionhub.mall.sql import rows
from unionhub.subtree_sql import in_subtree

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
    sales_fen: int  # less what the rails gave back in part, as the report's salesFen
    order_count: int
    certified_sales_fen: int
    line_sales_fen: int  # the goods sold (lines): the poverty share's base

    @property
    def poverty_share(self) -> float | None:
        return self.certified_sales_fen / self.line_sales_fen if self.line_sales_fen else None

    @property
    def meets_poverty_line(self) -> bool:
        return (self.poverty_share or 0) >= POVERTY_SHARE_LINE


@dataclass(frozen=True, slots=True)
class ReportScope:
    """What a report's per-region and per-union lists read: the subtree and the days."""
    path: str
    start: date
    end: date  # inclusive

    def where(self, alias: str) -> tuple[str, list[Any]]:
        """The summary rows (of `alias`) of the subtree's unions and the period's days."""
        path = "CAST(? AS VARCHAR(255))"
        days, params = sales_summary.period_where(alias, self.start, self.end)
        return (f"{in_subtree(f'{alias}.union_path', path)} AND {days}",
                [self.path, self.path, self.path, *params])


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
    scope = ReportScope(union.path, start, end)
    report = MallReport(union_id=union.id, start=start, end=end, scope=scope)
    where, params = scope.where("s")
    totals = await rows(
        "SELECT COALESCE(SUM(s.order_count), 0) AS n, COALESCE(SUM(s.sales_fen), 0) AS sales, "  # noqa: S608
        "COALESCE(SUM(s.discount_fen), 0) AS used, "
        "COALESCE(SUM(s.voucher_sales_fen), 0) AS voucher_sales "
        f"FROM {sales_summary.UNIONS} s WHERE {where}", params)
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
# the page follows; `backward` reads the rows before it, nearest first. They add up the
# summary's days of the period (rows of keys with no sold order left are skipped: the
# orders never listed them).

def _keyset(sales: str, key_column: str, after: tuple[Any, ...] | None, backward: bool,
            limit: int | None) -> tuple[str, str, list[Any]]:
    """The HAVING clause (rows with sales, beyond `after`), ORDER BY and LIMIT of a ranking
    of `sales` (an SQL sum)."""
    having, params = "HAVING SUM(s.order_count) > 0 ", []
    if after is not None:
        worse, later = (">", "<") if backward else ("<", ">")
        having += (f"AND ({sales} {worse} ? OR ({sales} = ? "
                   f"AND {key_column} {later} ?)) ")
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
    where, params = scope.where("s")
    having, order, more = _keyset("SUM(s.line_fen)", "s.region_code", after, backward, limit)
    found = await rows(
        "SELECT s.region_code AS region, SUM(s.line_fen) AS sales, "  # noqa: S608
        f"SUM(s.order_count) AS n FROM {sales_summary.REGIONS} s "
        f"WHERE {where} GROUP BY s.region_code {having}{order}", [*params, *more])
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
    where, params = scope.where("s")
    having, order, more = _keyset("SUM(s.sales_fen)", "s.union_id", after, backward, limit)
    found = await rows(
        "SELECT s.union_id AS union_id, SUM(s.sales_fen) AS sales, "  # noqa: S608
        "SUM(s.order_count) AS n, SUM(s.certified_fen) AS certified, "
        f"SUM(s.line_fen) AS lines FROM {sales_summary.UNIONS} s "
        f"WHERE {where} GROUP BY s.union_id {having}{order}", [*params, *more])
    return [UnionSales(int(r["union_id"]), int(r["sales"]), int(r["n"]), int(r["certified"]),
                       int(r["lines"])) for r in found]


@replica_read
async def count_sales_rows(scope: ReportScope, by_union: bool) -> int:
    """How many rows sales_by_union (or sales_by_region) lists: one count, no ranking."""
    where, params = scope.where("s")
    table, key = ((sales_summary.UNIONS, "s.union_id") if by_union
                  else (sales_summary.REGIONS, "s.region_code"))
    found = await rows(
        f"SELECT COUNT(*) AS n FROM (SELECT {key} FROM {table} s "  # noqa: S608
        f"WHERE {where} GROUP BY {key} HAVING SUM(s.order_count) > 0) k", params)
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
    goods' share of sales. One query over the summary for every path together, each path a
    prefix range of its indexed `union_path`; the caller checks scope."""
    if not paths:
        return {}
    _period(start, end)
    days, params = sales_summary.period_where("s", start, end)
    values = ", ".join("(CAST(? AS VARCHAR(255)))" for _ in paths)
    found = await rows(
        f"WITH p(path) AS (VALUES {values}) SELECT p.path AS path, "  # noqa: S608
        "SUM(s.order_count) AS n, SUM(s.sales_fen) AS sales, SUM(s.discount_fen) AS used, "
        "SUM(s.voucher_sales_fen) AS voucher_sales, SUM(s.certified_fen) AS certified, "
        f"SUM(s.line_fen) AS line_sales FROM p JOIN {sales_summary.UNIONS} s "
        f"ON {in_subtree('s.union_path', 'p.path')} AND {days} "
        "GROUP BY p.path HAVING SUM(s.order_count) > 0", [*paths, *params])
    return {r["path"]: SubtreeSales(int(r["sales"]), int(r["n"]), int(r["certified"]),
                                    int(r["line_sales"]), int(r["used"]),
                                    int(r["voucher_sales"])) for r in found}
