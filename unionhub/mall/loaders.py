"""Batch loads for request-scoped DataLoaders: one query per batch of keys."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tortoise.models import Model

from unionhub.db_replicas import replica_read, replica_rows
from unionhub.fastpath.orm_rows import where_in
from unionhub.mall.models import (
    Category,
    Order,
    OrderEvent,
    OrderItem,
    Sku,
    Supplier,
    Voucher,
    VoucherCampaign,
)
from unionhub.mall.sql import rows
from unionhub.row_cache import RowCache

MEMBER_ORDERS_SHOWN = 10


M = TypeVar("M", bound=Model)


# The loads below are plain SELECTs (unionhub/fastpath/orm_rows.py): the screens make them on every
# request, and the ORM's query building cost more than the round trip.

def _by_id(model: type[M]) -> Callable[[list[int]], Awaitable[list[M | None]]]:
    async def load(ids: list[int]) -> list[M | None]:
        found = {r.pk: r for r in await where_in(model, "id", list(set(ids)))}
        return [found.get(i) for i in ids]
    return load


def _grouped(model: type[M], key: str,
             order: str = "id") -> Callable[[list[int]], Awaitable[list[list[M]]]]:
    async def load(keys: list[int]) -> list[list[M]]:
        groups: dict[int, list[M]] = defaultdict(list)
        for row in await where_in(model, key, list(set(keys)), order):
            groups[getattr(row, key)].append(row)
        return [groups.get(k, []) for k in keys]
    return load


def _rows_by_id(model: type[M]) -> Callable[[list[int]], Awaitable[dict[int, M]]]:
    async def load(ids: list[int]) -> dict[int, M]:
        return {r.pk: r for r in await where_in(model, "id", ids)}
    return load


# Suppliers and categories are written only when created (catalogue.py) and read by every
# product on every catalogue screen: kept per process (unionhub/row_cache.py). The catalogue
# tolerates lag, so the misses read the replica (a row never changes: a replica's is current),
# and what the replica lacks is asked of the primary before it is cached as missing.
CATALOGUE_CACHE_TTL_SECONDS = 60.0
supplier_rows = RowCache("mall.suppliers", CATALOGUE_CACHE_TTL_SECONDS,
                         replica_rows(_rows_by_id(Supplier)))
category_rows = RowCache("mall.categories", CATALOGUE_CACHE_TTL_SECONDS,
                         replica_rows(_rows_by_id(Category)))


async def suppliers(ids: list[int]) -> list[Supplier | None]:
    found = await supplier_rows.get_many(ids)
    return [found.get(i) for i in ids]


async def categories(ids: list[int]) -> list[Category | None]:
    found = await category_rows.get_many(ids)
    return [found.get(i) for i in ids]


campaigns = _by_id(VoucherCampaign)
vouchers = _by_id(Voucher)
skus_of_product = replica_read(_grouped(Sku, "product_id"))  # product pages
items_of_order = _grouped(OrderItem, "order_id")
events_of_order = _grouped(OrderEvent, "order_id")
vouchers_of_member = _grouped(Voucher, "member_id", "-id")


async def recent_orders_of_member(member_ids: list[int]) -> list[list[Order]]:
    """Each member's newest orders: one windowed query for the whole batch."""
    unique = list(set(member_ids))
    marks = ", ".join("?" for _ in unique)
    ranked = await rows(
        "SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY member_id ORDER BY id DESC)"  # noqa: S608
        f" AS rn FROM mall_orders WHERE member_id IN ({marks})) t WHERE rn <= ?",
        [*unique, MEMBER_ORDERS_SHOWN])
    groups: dict[int, list[Order]] = defaultdict(list)
    for order in await Order.filter(id__in=[r["id"] for r in ranked]).order_by("-id"):
        groups[order.member_id].append(order)
    return [groups.get(m, []) for m in member_ids]
