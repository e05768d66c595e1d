"""GraphQL types of the mall report (mallReport): sales by region and union, vouchers."""

from __future__ import annotations

from datetime import date

import strawberry

from unionhub.mall import report
from unionhub.mall.report import POVERTY_SHARE_LINE, ReportScope
from unionhub.mall.report import MallReport as ReportData
from unionhub.schema.entities import UnionRef, union_entity
from unionhub.schema.money import Fen
from unionhub.schema.relay import (
    MAX_PAGE,
    After,
    Before,
    Connection,
    First,
    Last,
    connection,
    replaced_by,
    values_page,
)


@strawberry.type(description="Sales of the goods of one region (their suppliers' region).")
class RegionSales:
    region_code: str = strawberry.field(description="6-digit GB/T 2260 region code.")
    region_name: str = strawberry.field(description="The region's name.")
    sales_fen: Fen = strawberry.field(description="Sales in fen (分, 1/100 yuan).")
    order_count: int = strawberry.field(description="Orders sold.")


@strawberry.type(description="Sales of one union's members (by the union at order time).")
class UnionSales:
    sales_fen: Fen = strawberry.field(description="Sales in fen (分, 1/100 yuan).")
    order_count: int = strawberry.field(description="Orders sold.")
    certified_sales_fen: Fen = strawberry.field(
        description=(
            "Of which on certified poverty-alleviation (扶贫) goods, in fen (分, 1/100 yuan)."))
    poverty_share: float | None = strawberry.field(
        description="Share of sales on certified poverty-alleviation goods.")
    meets_poverty_line: bool = strawberry.field(description="povertyShare is at least the "
                                                            "report's povertyShareLine.")
    union_id: strawberry.Private[int]

    @strawberry.field(description="The union.")
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)

    @classmethod
    def of(cls, x: report.UnionSales) -> UnionSales:
        return cls(sales_fen=Fen(x.sales_fen), order_count=x.order_count,
                   certified_sales_fen=Fen(x.certified_sales_fen), poverty_share=x.poverty_share,
                   meets_poverty_line=x.meets_poverty_line, union_id=x.union_id)


def _region(x: report.RegionSales) -> RegionSales:
    return RegionSales(region_code=x.region_code, region_name=x.region_name,
                       sales_fen=Fen(x.sales_fen), order_count=x.order_count)


RANKED = (f"highest sales first (ties by {{}}), paged both ways in the database (at most "
          f"{MAX_PAGE} a page); the cursor holds a row's sales and {{}}, so rows that join "
          "above it do not shift the next page, but a row whose sales change between two "
          "page reads may move across it (a closed period does not change). totalCount "
          "counts the rows (one query).")


@strawberry.type(description=(
    "Mall sales and voucher figures of a union's subtree over a period of Asia/Shanghai calendar "
    "days. Sold: PAID, SHIPPED or COMPLETED orders."))
class MallReport:
    from_: date = strawberry.field(name="from", description="First day (Asia/Shanghai).")
    to: date = strawberry.field(description="Last day, inclusive (Asia/Shanghai).")
    sales_fen: Fen = strawberry.field(description="Sales in fen (分, 1/100 yuan).")
    order_count: int = strawberry.field(description="Orders sold.")
    voucher_budget_fen: Fen = strawberry.field(
        description="Budgets of the subtree's campaigns whose claim window meets the period, "
                    "in fen (分, 1/100 yuan).")
    voucher_issued_fen: Fen = strawberry.field(description="Face value of vouchers issued, "
                                                           "in fen (分, 1/100 yuan).")
    voucher_used_fen: Fen = strawberry.field(description="Discount given by vouchers used, "
                                                         "in fen (分, 1/100 yuan).")
    voucher_order_sales_fen: Fen = strawberry.field(description="Sales of orders that used a "
                                                                "voucher, in fen (分, 1/100 yuan).")
    leverage: float | None = strawberry.field(
        description="Sales of orders that used a voucher per yuan of voucher discount.")
    poverty_share_line: float = strawberry.field(
        description="The share of certified goods a union should reach (0.30).")
    union_id: strawberry.Private[int]
    scope: strawberry.Private[ReportScope]

    @strawberry.field(description="The union reported on.")
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)

    @strawberry.field(description="Sales per supplier region, highest first, in one list.",
                      deprecation_reason=replaced_by("salesByRegionConnection"))
    async def sales_by_region(self) -> list[RegionSales]:
        return [_region(x) for x in await report.sales_by_region(self.scope)]

    @strawberry.field(description="Sales per union, highest first, in one list (a province "
                                  "lists up to 140,000 unions).",
                      deprecation_reason=replaced_by("salesByUnionConnection"))
    async def sales_by_union(self) -> list[UnionSales]:
        return [UnionSales.of(x) for x in await report.sales_by_union(self.scope)]

    @strawberry.field(description="Sales per supplier region: "
                                  + RANKED.format("region code", "region code"))
    async def sales_by_region_connection(self, first: First = None, after: After = None,
                                         last: Last = None, before: Before = None,
                                         ) -> Connection[RegionSales]:
        async def fetch(limit: int, mark: tuple | None, backward: bool,
                        ) -> list[report.RegionSales]:
            return await report.sales_by_region(self.scope, limit, mark, backward)

        rows, keys, page = await values_page(
            fetch, lambda x: (x.sales_fen, x.region_code), first, after, last=last,
            before=before, length=2, id_tail=False)
        scope = self.scope
        return connection([_region(x) for x in rows], keys, page,
                          lambda: report.count_sales_rows(scope, by_union=False))

    @strawberry.field(description="Sales per union (the buyer's union at order time): "
                                  + RANKED.format("union id", "union id"))
    async def sales_by_union_connection(self, first: First = None, after: After = None,
                                        last: Last = None, before: Before = None,
                                        ) -> Connection[UnionSales]:
        async def fetch(limit: int, mark: tuple | None, backward: bool,
                        ) -> list[report.UnionSales]:
            return await report.sales_by_union(self.scope, limit, mark, backward)

        rows, keys, page = await values_page(
            fetch, lambda x: (x.sales_fen, x.union_id), first, after, last=last,
            before=before, length=2)
        scope = self.scope
        return connection([UnionSales.of(x) for x in rows], keys, page,
                          lambda: report.count_sales_rows(scope, by_union=True))

    @classmethod
    def of(cls, r: ReportData) -> MallReport:
        return cls(
            from_=r.start, to=r.end, sales_fen=Fen(r.sales_fen), order_count=r.order_count,
            voucher_budget_fen=Fen(r.voucher_budget_fen),
            voucher_issued_fen=Fen(r.voucher_issued_fen),
            voucher_used_fen=Fen(r.voucher_used_fen),
            voucher_order_sales_fen=Fen(r.voucher_order_sales_fen), leverage=r.leverage,
            poverty_share_line=POVERTY_SHARE_LINE, union_id=r.union_id,
            scope=r.scope)
