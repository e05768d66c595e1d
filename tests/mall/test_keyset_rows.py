"""Keyset pages of plain filters (unionhub/fastpath/keyset_rows.py) against Tortoise's own
queryset: every page, forward and backward, in several orders, holds the same rows as the same
model instances with the same page info, with the fast path's `keyset` part on and off; and
querysets it does not handle go to the ORM."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise.expressions import Q
from tortoise.models import Model

from tests.mall.conftest import place
from unionhub.fastpath import switch
from unionhub.fastpath.keyset_rows import first_rows, page_rows
from unionhub.mall.models import Order, Product, Sku
from unionhub.schema.relay import keyset_page


def _fields(rows: list[Model]) -> list[dict[str, Any]]:
    return [{name: getattr(row, name) for name in row._meta.db_fields} | {"__class__": type(row)}
            for row in rows]


async def _walk(qs: Any, order: tuple[str, ...], backward: bool) -> list[tuple[Any, ...]]:
    """Every page of size 2, following the cursors."""
    pages: list[tuple[Any, ...]] = []
    cursor = None
    for _ in range(20):
        if backward:
            rows, info = await keyset_page(qs, None, None, last=2, before=cursor, order=order)
            cursor, more = info.start_cursor, info.has_previous_page
        else:
            rows, info = await keyset_page(qs, 2, cursor, order=order)
            cursor, more = info.end_cursor, info.has_next_page
        pages.append((_fields(rows), info.has_next_page, info.has_previous_page,
                      info.start_cursor, info.end_cursor))
        if not more:
            return pages
    raise AssertionError("paging did not end")


def _with(keyset: bool) -> switch.Switches:
    return switch.set_switches(switch.Switches(keyset=keyset))


@pytest.mark.parametrize("backward", [False, True], ids=["forward", "backward"])
@pytest.mark.parametrize("order", [("id",), ("-id",), ("-created_at", "-id"),
                                   ("status", "-payable_fen", "id")])
async def test_pages_are_the_orms_pages(mall, gql, factory, order, backward):
    buyer = await factory.account()
    for n in range(5):  # orders of two prices, so multi-column orders have ties
        await place(gql, buyer, [(mall.sku_id if n % 2 else mall.cheap_sku_id, 1)])
    other = await factory.account()
    await place(gql, other, [(mall.sku_id, 1)])  # not in the member's list
    qs = Order.filter(member_id=buyer.member.id)
    previous = _with(True)
    try:
        assert await page_rows(qs, order, None, 3) is not None  # served by the fast path
        ours = await _walk(qs, order, backward)
        _with(False)
        theirs = await _walk(qs, order, backward)
    finally:
        switch.set_switches(previous)
    assert ours == theirs
    assert sum(len(p[0]) for p in ours) == 5


async def test_boolean_filter_and_empty_list(mall):
    previous = _with(True)
    try:
        ours = await _walk(Product.filter(active=True), ("id",), False)
        nothing = await keyset_page(Sku.filter(product_id=987654321), 5, None)
        _with(False)
        theirs = await _walk(Product.filter(active=True), ("id",), False)
    finally:
        switch.set_switches(previous)
    assert ours == theirs and ours[0][0]
    assert nothing[0] == [] and not nothing[1].has_next_page


async def test_other_querysets_go_to_the_orm(mall):
    previous = _with(True)
    try:
        for qs in (Order.filter(Q(member_id=1) | Q(member_id=2)),
                   Order.filter(member_id__in=[1, 2]), Order.exclude(member_id=1),
                   Sku.filter(product__active=True), Order.all().limit(3),
                   Sku.all().select_related("product"), Order.filter(member_id=None)):
            assert await page_rows(qs, ("id",), None, 3) is None
        _with(False)
        assert await page_rows(Order.all(), ("id",), None, 3) is None  # the part off
    finally:
        switch.set_switches(previous)


@pytest.mark.parametrize("keyset", [True, False], ids=["keyset-part-on", "keyset-part-off"])
async def test_first_rows_are_the_orms_rows(mall, gql, factory, keyset):
    buyer = await factory.account()
    for n in range(4):
        await place(gql, buyer, [(mall.sku_id if n % 2 else mall.cheap_sku_id, 1)])
    mine = Order.filter(member_id=buyer.member.id)
    previous = _with(keyset)
    try:
        for qs in (mine.order_by("-id").limit(3), mine.order_by("payable_fen", "-id").limit(9),
                   mine.filter(Q(payable_fen__gt=0)).order_by("id").limit(2),  # via the ORM
                   mine.order_by("id").offset(1).limit(2)):
            ours = await first_rows(qs)
            assert _fields(ours) == _fields(await qs) and ours
    finally:
        switch.set_switches(previous)
