"""Idempotency keys are bound to their request (issue 18): a replay asking for the same gets
the same order; the same key with another cart, voucher, address or union is refused with
IDEMPOTENCY_KEY_REUSED and changes nothing, for one-line and multi-line orders."""

from __future__ import annotations

import asyncio
import base64
import json

import pytest

from tests.mall.conftest import ADDRESS, PLACE, claim, create_campaign, new_key, place, sku_stock
from unionhub.mall.models import Order, OrderEvent, OrderItem, Voucher
from unionhub.settings import get_settings, reset_settings_cache


async def _state(gql, mall) -> tuple[int, int, dict[str, int]]:
    return (await Order.all().count(), await OrderEvent.all().count(),
            await sku_stock(gql, mall.product_id))


async def test_a_replayed_key_must_ask_for_the_same(gql, factory, mall):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    campaign = await create_campaign(gql, await factory.cadre(tree.province),
                                     str(tree.province.id))
    voucher = (await claim(gql, member, campaign["id"]))["voucher"]["id"]
    for first_items in ([(mall.sku_id, 1)], [(mall.sku_id, 2), (mall.cheap_sku_id, 1)]):
        key = new_key()
        first = await place(gql, member, first_items, key=key)
        assert first["errors"] == []
        before = await _state(gql, mall)
        # The same request, lines in another order: the same order back.
        same = await place(gql, member, list(reversed(first_items)), key=key)
        assert same["order"]["id"] == first["order"]["id"]
        others = [
            dict(items=[(mall.sku_id, 3)]),
            dict(items=[(mall.cheap_sku_id, 1)]),
            dict(items=[*first_items, (mall.plain_sku_id, 1)]),
            dict(items=[(mall.sku_id, 2), (mall.cheap_sku_id, 1)] if len(first_items) == 1
                 else [(mall.sku_id, 1)]),
            dict(items=first_items, voucher_id=voucher),
        ]
        for changed in others:
            refused = await place(gql, member, key=key, **changed)
            assert refused["order"] is None
            assert refused["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED", changed
        moved = await gql("""mutation P($i: PlaceOrderInput!) { placeOrder(input: $i) {
          order { id } errors { code field } } }""", {"i": {
            "items": [{"skuId": s, "quantity": q} for s, q in first_items],
            "address": {**ADDRESS, "detail": "碑林区东大街 1 号"}, "idempotencyKey": key}},
            token=member.token)
        assert moved.data["placeOrder"]["errors"] == [
            {"code": "IDEMPOTENCY_KEY_REUSED", "field": "idempotencyKey"}]
        assert await _state(gql, mall) == before
        assert (await Voucher.get(id=int(voucher))).status == "AVAILABLE"


async def test_a_bulk_order_key_is_bound_to_its_union(gql, factory, mall):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    key = new_key()
    first = await place(gql, cadre, [(mall.sku_id, 1)], key=key,
                        for_union_id=str(tree.grassroots["A"][0].id))
    assert first["errors"] == []
    other_union = await place(gql, cadre, [(mall.sku_id, 1)], key=key,
                              for_union_id=str(tree.grassroots["A"][1].id))
    assert other_union["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    personal = await place(gql, cadre, [(mall.sku_id, 1)], key=key)
    assert personal["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    again = await place(gql, cadre, [(mall.sku_id, 1)], key=key,
                        for_union_id=str(tree.grassroots["A"][0].id))
    assert again["order"]["id"] == first["order"]["id"]
    assert await Order.all().count() == 1


async def test_one_key_with_different_carts_at_once_makes_one_order(gql, factory, mall):
    """On PostgreSQL these race for real: the unique key decides which request's order is
    made; every other answer is that order (same cart) or IDEMPOTENCY_KEY_REUSED."""
    member = await factory.account()
    key = new_key()
    carts = [[(mall.sku_id, 1)], [(mall.cheap_sku_id, 2)], [(mall.sku_id, 1), (mall.cheap_sku_id, 1)]]
    results = await asyncio.gather(*(place(gql, member, carts[i % 3], key=key)
                                     for i in range(30)))
    assert await Order.all().count() == 1
    order = await Order.get()
    made = [r for r in results if r["errors"] == []]
    assert {r["order"]["id"] for r in made} == {str(order.id)}
    assert {r["errors"][0]["code"] for r in results if r["errors"]} == {"IDEMPOTENCY_KEY_REUSED"}
    assert len(made) == 10  # exactly the requests with the winning cart
    # Only the winning cart's stock is reserved.
    items = {str(i.sku_id): i.quantity for i in await OrderItem.filter(order_id=order.id)}
    stock = await sku_stock(gql, mall.product_id)
    assert {sku: 100 - left for sku, left in stock.items() if left != 100} == items


async def _place_at(gql, member, sku_id: str, key: str, detail: str) -> dict:
    out = await gql(PLACE, {"input": {"items": [{"skuId": sku_id, "quantity": 1}],
                                      "address": {**ADDRESS, "detail": detail},
                                      "idempotencyKey": key}}, token=member.token)
    assert out.errors == [], out.errors
    return out.data["placeOrder"]


async def test_the_letters_case_of_the_address_is_part_of_the_request(gql, factory, mall):
    """The request's hash went through the blind index, which folds case (made for ID
    numbers): a retry with "Room 5a" answered the order sent to "Room 5A"."""
    member = await factory.account()
    key = new_key()
    first = await _place_at(gql, member, mall.sku_id, key, "Tower B, Room 5a")
    assert first["errors"] == []
    before = await _state(gql, mall)
    other = await _place_at(gql, member, mall.sku_id, key, "Tower B, Room 5A")
    assert other["order"] is None
    assert [e["code"] for e in other["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert await _state(gql, mall) == before
    same = await _place_at(gql, member, mall.sku_id, key, "Tower B, Room 5a")
    assert same["order"]["id"] == first["order"]["id"]


@pytest.fixture
def rotated_keys(monkeypatch):
    """Switch to a new current data and blind-index key, the old one retired (live), as an
    operator's rotation does; restore after."""
    def rotate() -> None:
        old = get_settings()
        monkeypatch.setenv("UNIONHUB_DATA_KEY_ID", "r2")
        monkeypatch.setenv("UNIONHUB_DATA_KEY", base64.b64encode(b"n" * 32).decode())
        monkeypatch.setenv("UNIONHUB_BLIND_INDEX_KEY", "idempotency-rotation-index-key")
        monkeypatch.setenv("UNIONHUB_RETIRED_KEYS", json.dumps({old.current_key_id: {
            "suite": old.crypto_suite, "data_key": old.data_key,
            "blind_index_key": old.blind_index_key}}))
        reset_settings_cache()

    yield rotate
    monkeypatch.undo()
    reset_settings_cache()


async def test_a_retry_after_a_key_rotation_answers_its_order(gql, factory, mall, rotated_keys):
    """A retry's hash was compared under the current key only: a rotation between a call and
    its retry refused the retry (IDEMPOTENCY_KEY_REUSED) for the same request."""
    member = await factory.account()
    key = new_key()
    first = await place(gql, member, [(mall.sku_id, 1)], key=key)
    assert first["errors"] == []
    rotated_keys()
    again = await place(gql, member, [(mall.sku_id, 1)], key=key)
    assert again["errors"] == [] and again["order"]["id"] == first["order"]["id"]
    other = await place(gql, member, [(mall.sku_id, 2)], key=key)
    assert [e["code"] for e in other["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert await Order.all().count() == 1
