"""GraphQL types of the mall report (mallReport): sales by region and union, vouchers."""

from __future__ import annotations

from datetime import date

import strawberry

from unionhub.mall.report import POVERTY_SHARE_LINE
from unionhub.mall.report import MallReport as ReportData
from unionhub.schema.entities import UnionRef, union_entity


@strawberry.type
class RegionSales:
    region_code: str
    region_name: str
    sales_fen: int
    order_count: int


@strawberry.type
class UnionSales:
    sales_fen: int
    order_count: int
    certified_sales_fen: int
    poverty_share: float | None = strawberry.field(
        description="Share of sales on certified poverty-alleviation goods.")
    meets_poverty_line: bool
    union_id: strawberry.Private[int]

    @strawberry.field
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)


@strawberry.type
class MallReport:
    from_: date = strawberry.field(name="from")
    to: date
    sales_fen: int
    order_count: int
    sales_by_region: list[RegionSales]
    sales_by_union: list[UnionSales]
    voucher_budget_fen: int
    voucher_issued_fen: int
    voucher_used_fen: int
    voucher_order_sales_fen: int
    leverage: float | None = strawberry.field(
        description="Sales of orders that used a voucher per yuan of voucher discount.")
    poverty_share_line: float
    union_id: strawberry.Private[int]

    @strawberry.field
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)

    @classmethod
    def of(cls, r: ReportData) -> MallReport:
        return cls(
            from_=r.start, to=r.end, sales_fen=r.sales_fen, order_count=r.order_count,
            sales_by_region=[RegionSales(region_code=x.region_code, region_name=x.region_name,
                                         sales_fen=x.sales_fen, order_count=x.order_count)
                             for x in r.by_region],
            sales_by_union=[UnionSales(sales_fen=x.sales_fen, order_count=x.order_count,
                                       certified_sales_fen=x.certified_sales_fen,
                                       poverty_share=x.poverty_share,
                                       meets_poverty_line=x.meets_poverty_line,
                                       union_id=x.union_id) for x in r.by_union],
            voucher_budget_fen=r.voucher_budget_fen, voucher_issued_fen=r.voucher_issued_fen,
            voucher_used_fen=r.voucher_used_fen,
            voucher_order_sales_fen=r.voucher_order_sales_fen, leverage=r.leverage,
            poverty_share_line=POVERTY_SHARE_LINE, union_id=r.union_id)
