"""Instances from rows (unionhub/fastpath/row_instances.py) are the ones Tortoise's
`_init_from_db` makes: every attribute equal, of the same type, datetimes in the same zone,
NULLs as None, enums, JSON and decimals as the fields convert them; a partial row and the
`orm` part off go through `_init_from_db` itself."""

from __future__ import annotations

from typing import Any

from tortoise.models import Model

from tests.mall.conftest import place
from tests.mall.member_lists import _member_with_lists
from unionhub import db
from unionhub.fastpath import switch
from unionhub.fastpath.row_instances import from_rows
from unionhub.mall.models import (
    Category,
    Order,
    OrderEvent,
    OrderItem,
    Payment,
    Product,
    Sku,
    Supplier,
    Voucher,
    VoucherCampaign,
)
from unionhub.services.models import ServiceItem, ServiceRequest, ServiceRequestEvent

MODELS = (Category, Supplier, Product, Sku, VoucherCampaign, Voucher, Order, OrderItem,
          OrderEvent, Payment, ServiceItem, ServiceRequest, ServiceRequestEvent)


def _state(instance: Model) -> dict[str, Any]:
    return {name: (value, type(value), getattr(value, "tzinfo", None))
            for name, value in vars(instance).items()}


async def _rows(model: type[Model]) -> list[dict[str, Any]]:
    return await db.conn().execute_query_dict(
        f'SELECT * FROM "{model._meta.db_table}" ORDER BY 1')


async def test_instances_are_init_from_dbs(gql, factory, mall):
    _, member, _ = await _member_with_lists(gql, factory)
    await place(gql, member, [(mall.sku_id, 2), (mall.cheap_sku_id, 1)])
    compared = 0
    for model in MODELS:
        rows = await _rows(model)
        ours = from_rows(model, rows)
        theirs = [model._init_from_db(**row) for row in rows]
        assert [type(i) for i in ours] == [type(i) for i in theirs] == [model] * len(rows)
        assert [_state(i) for i in ours] == [_state(i) for i in theirs], model.__name__
        compared += len(rows)
    assert compared > 20
    # A partial row (some columns only) is made as Tortoise makes it.
    [row, *_] = await _rows(ServiceRequest)
    partial = {k: row[k] for k in ("id", "status", "submitted_at")}
    [ours] = from_rows(ServiceRequest, [partial])
    assert _state(ours) == _state(ServiceRequest._init_from_db(**partial))
    assert ours._partial


async def test_with_the_orm_part_off_tortoise_makes_them(gql, factory, mall):
    await _member_with_lists(gql, factory)
    rows = await _rows(ServiceRequest)
    previous = switch.set_switches(switch.Switches(orm=False))
    try:
        ours = from_rows(ServiceRequest, rows)
    finally:
        switch.set_switches(previous)
    assert [_state(i) for i in ours] == [_state(ServiceRequest._init_from_db(**r)) for r in rows]
