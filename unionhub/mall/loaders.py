"""Batch loads for request-scoped DataLoaders: one query per batch of keys."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tortoise.models import Model

from unionhub.db_replicas import replica_read
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

MEMBER_ORDERS_SHOWN = 10


M = TypeVar("M", bound=Model)


def _by_id(model: type[M]) -> Callable[[list[int]], Awaitable[list[M | None]]]:
    async def load(ids: list[int]) -> list[M | None]:
        found = {r.pk: r for r in await model.filter(id__in=list(set(ids)))}
        return [found.get(i) for i in ids]
    return load


def _grouped(model: type[M], key: str,
             order: str = "id") -> Callable[[list[int]], Awaitable[list[list[M]]]]:
    async def load(keys: list[int]) -> list[list[M]]:
        groups: dict[int, list[M]] = defaultdict(list)
        for row in await model.filter(**{f"{key}__in": list(set(keys))}).order_by(order):
            groups[getattr(row, key)].append(row)
        return [groups.get(k, []) for k in keys]
    return load


suppliers = replica_read(_by_id(Supplier))  # the catalogue tolerates lag
categories = replica_read(_by_id(Category))
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
