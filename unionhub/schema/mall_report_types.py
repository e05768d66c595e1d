"""GraphQL types of the mall report (mallReport): sales by region and union, vouchers."""

from __future__ import annotations

from datetime import date

import strawberry

from unionhub.mall.report import POVERTY_SHARE_LINE
from unionhub.mall.report import MallReport as ReportData
from unionhub.schema.entities import UnionRef, union_entity
from unionhub.schema.money import Fen


@strawberry.type(description="Sales in one region (of the orders' delivery addresses).")
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


@strawberry.type(description=(
    "Mall sales and voucher figures of a union's subtree over a period of Asia/Shanghai calendar "
    "days. Sold: PAID, SHIPPED or COMPLETED orders."))
class MallReport:
    from_: date = strawberry.field(name="from", description="First day (Asia/Shanghai).")
    to: date = strawberry.field(description="Last day, inclusive (Asia/Shanghai).")
    sales_fen: Fen = strawberry.field(description="Sales in fen (分, 1/100 yuan).")
    order_count: int = strawberry.field(description="Orders sold.")
    sales_by_region: list[RegionSales] = strawberry.field(description="Sales per delivery "
                                                                      "region.")
    sales_by_union: list[UnionSales] = strawberry.field(description="Sales per union.")
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

    @strawberry.field(description="The union reported on.")
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)

    @classmethod
    def of(cls, r: ReportData) -> MallReport:
        return cls(
            from_=r.start, to=r.end, sales_fen=Fen(r.sales_fen), order_count=r.order_count,
            sales_by_region=[RegionSales(region_code=x.region_code, region_name=x.region_name,
                                         sales_fen=Fen(x.sales_fen), order_count=x.order_count)
                             for x in r.by_region],
            sales_by_union=[UnionSales(sales_fen=Fen(x.sales_fen), order_count=x.order_count,
                                       certified_sales_fen=Fen(x.certified_sales_fen),
                                       poverty_share=x.poverty_share,
                                       meets_poverty_line=x.meets_poverty_line,
                                       union_id=x.union_id) for x in r.by_union],
            voucher_budget_fen=Fen(r.voucher_budget_fen),
            voucher_issued_fen=Fen(r.voucher_issued_fen),
            voucher_used_fen=Fen(r.voucher_used_fen),
            voucher_order_sales_fen=Fen(r.voucher_order_sales_fen), leverage=r.leverage,
            poverty_share_line=POVERTY_SHARE_LINE, union_id=r.union_id)
