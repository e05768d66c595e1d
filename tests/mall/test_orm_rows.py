"""The screens' by-key loads (unionhub/fastpath/orm_rows.py) against Tortoise's own queryset:
the same rows, as the same model instances (every field, in order), with the fast path's `orm`
part on and off."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise.models import Model

from tests.mall.conftest import place
from unionhub.fastpath import switch
from unionhub.fastpath.orm_rows import where_in
from unionhub.mall.models import Order, OrderItem, Sku, Supplier


def _fields(rows: list[Model]) -> list[dict[str, Any]]:
    return [{name: getattr(row, name) for name in row._meta.db_fields} | {"__class__": type(row)}
            for row in rows]


@pytest.fixture(params=[True, False], ids=["orm-part-on", "orm-part-off"])
def orm_part(request):
    previous = switch.set_switches(switch.Switches(orm=request.param))
    yield request.param
    switch.set_switches(previous)


@pytest.mark.parametrize(("model", "column", "order"), [
    (Sku, "product_id", "id"), (Sku, "id", "-id"), (Supplier, "id", "id"),
    (OrderItem, "order_id", "id"), (Order, "member_id", "-created_at")])
async def test_where_in_reads_what_the_orm_reads(mall, gql, factory, orm_part, model, column,
                                                 order):
    for _ in range(2):  # real orders, so lines and orders exist
        member = await factory.account()
        placed = await place(gql, member, [(mall.sku_id, 2), (mall.cheap_sku_id, 1)])
        assert placed["errors"] == []
    every = await model.all().values_list(column, flat=True)
    keys = [*sorted(set(every))[:3], 987654321]  # and a key that matches nothing
    ours = await where_in(model, column, keys, order)
    theirs = await model.filter(**{f"{column}__in": keys}).order_by(order)
    assert ours and _fields(ours) == _fields(theirs)
    assert [r.pk for r in ours] == [r.pk for r in theirs]


async def test_no_keys_reads_nothing(orm_part):
    assert await where_in(Sku, "id", []) == []
