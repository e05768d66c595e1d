"""Races on stock, vouchers and idempotency keys. On PostgreSQL these requests really run at
once (a pool of connections); on SQLite writers take turns. The invariants hold on both."""

from __future__ import annotations

import asyncio

from tests.mall.conftest import (
    claim,
    create_campaign,
    new_key,
    paid_bulk_order,
    place,
    sku_stock,
)
from unionhub.mall import catalogue
from unionhub.mall.models import Order, OrderEvent, OrderItem, Sku, Voucher


async def test_200_concurrent_orders_on_stock_50_make_exactly_50(gql, factory, mall):
    await catalogue.restock(int(mall.sku_id), -50)  # stock 50
    buyers = [await factory.account() for _ in range(20)]
    results = await asyncio.gather(*(
        place(gql, buyers[i % 20], [(mall.sku_id, 1)]) for i in range(200)))
    placed = [r for r in results if r["errors"] == []]
    refused = {r["errors"][0]["code"] for r in results if r["errors"]}
    assert len(placed) == 50 and refused == {"OUT_OF_STOCK"}
    assert (await Sku.get(id=int(mall.sku_id))).stock == 0
    assert await Order.all().count() == 50
    assert sum(await OrderItem.all().values_list("quantity", flat=True)) == 50
    # Each order has its PLACED event, written in its transaction; the refused wrote none.
    assert await OrderEvent.filter(kind="PLACED").count() == 50


async def test_multi_line_orders_in_opposite_orders_neither_deadlock_nor_oversell(gql, factory,
                                                                                 mall):
    await catalogue.restock(int(mall.sku_id), -90)
    await catalogue.restock(int(mall.cheap_sku_id), -90)
    buyer = await factory.account()
    results = await asyncio.gather(*(
        place(gql, buyer, [(mall.sku_id, 1), (mall.cheap_sku_id, 1)] if i % 2
              else [(mall.cheap_sku_id, 1), (mall.sku_id, 1)]) for i in range(30)))
    assert sum(r["errors"] == [] for r in results) == 10
    assert await sku_stock(gql, mall.product_id) == {mall.sku_id: 0, mall.cheap_sku_id: 0}


async def test_100_concurrent_orders_with_one_voucher_use_it_once(gql, factory, mall):
    tree = await factory.tree()
    member = await factory.account()
    cadre = await factory.cadre(tree.province)
    campaign = await create_campaign(gql, cadre, str(tree.province.id))
    voucher_id = (await claim(gql, member, campaign["id"]))["voucher"]["id"]
    results = await asyncio.gather(*(
        place(gql, member, [(mall.sku_id, 2)], voucher_id=voucher_id) for _ in range(100)))
    used = [r for r in results if r["errors"] == []]
    assert len(used) == 1
    assert {r["errors"][0]["code"] for r in results if r["errors"]} == {"VOUCHER_NOT_AVAILABLE"}
    assert await Order.filter(voucher_id=int(voucher_id)).count() == 1
    assert await Order.all().count() == 1
    # The refused orders gave their stock back with their rollback.
    assert (await Sku.get(id=int(mall.sku_id))).stock == 98
    voucher = await Voucher.get(id=int(voucher_id))
    assert voucher.status == "LOCKED" and voucher.order_id == int(used[0]["order"]["id"])


async def test_same_idempotency_key_concurrently_makes_one_order(gql, factory, mall):
    member = await factory.account()
    key = new_key()
    results = await asyncio.gather(*(
        place(gql, member, [(mall.sku_id, 1)], key=key) for _ in range(20)))
    assert all(r["errors"] == [] for r in results)
    assert len({r["order"]["id"] for r in results}) == 1
    assert await Order.all().count() == 1
    assert await OrderEvent.all().count() == 1
    assert (await Sku.get(id=int(mall.sku_id))).stock == 99


async def test_two_buyers_for_the_last_unit(gql, factory, mall):
    await catalogue.restock(int(mall.sku_id), -99)
    a, b = await factory.account(), await factory.account()
    results = await asyncio.gather(place(gql, a, [(mall.sku_id, 1)]),
                                   place(gql, b, [(mall.sku_id, 1)]))
    assert sorted(bool(r["errors"]) for r in results) == [False, True]
    assert (await Sku.get(id=int(mall.sku_id))).stock == 0


async def test_voucher_taken_between_check_and_lock_is_refused(gql, factory, mall, monkeypatch):
    """Deterministic race (Saleor's pattern): a competing order takes the voucher right after
    this order has checked it and before it locks it. The conditional lock refuses, and the
    stock this order reserved comes back with its rollback."""
    from unionhub.mall import placing

    tree = await factory.tree()
    member = await factory.account()
    cadre = await factory.cadre(tree.province)
    campaign = await create_campaign(gql, cadre, str(tree.province.id))
    voucher_id = (await claim(gql, member, campaign["id"]))["voucher"]["id"]
    original = placing._check_voucher
    competitor: list[dict] = []
    raced = []

    async def check_then_compete(*args, **kwargs):
        result = await original(*args, **kwargs)
        if not raced:
            raced.append(True)  # the competitor's own check passes straight through
            competitor.append(await place(gql, member, [(mall.cheap_sku_id, 9)],
                                          voucher_id=voucher_id))
        return result

    monkeypatch.setattr(placing, "_check_voucher", check_then_compete)
    late = await place(gql, member, [(mall.sku_id, 2)], voucher_id=voucher_id)
    assert competitor[0]["errors"] == [] and competitor[0]["order"]["discountFen"] == 2000
    assert late["errors"][0]["code"] == "VOUCHER_NOT_AVAILABLE"
    assert await sku_stock(gql, mall.product_id) == {mall.sku_id: 100, mall.cheap_sku_id: 91}
    assert await Order.all().count() == 1


async def test_the_database_itself_refuses_negative_stock_and_overissued_budgets(gql, factory,
                                                                                mall):
    import pytest
    from tortoise.exceptions import IntegrityError
    from tortoise.expressions import F

    from unionhub.mall.models import VoucherCampaign

    with pytest.raises(IntegrityError):
        await Sku.filter(id=int(mall.sku_id)).update(stock=F("stock") - 101)
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    campaign = await create_campaign(gql, cadre, str(tree.province.id), budgetFen=4000)
    with pytest.raises(IntegrityError):
        await VoucherCampaign.filter(id=int(campaign["id"])).update(issued_count=3)
    assert (await Sku.get(id=int(mall.sku_id))).stock == 100


async def test_refund_decides_restock_by_the_update_not_by_a_stale_read(gql, factory, mall):
    """Deterministic race: a refund holds the order as read while PAID; the mall ships it
    before the refund's update. The buyer's refund (before shipping only) must not happen, and
    a staff refund must not put the shipped goods back in stock."""
    from tortoise.transactions import in_transaction

    from unionhub.mall import orders

    buyer, order = await paid_bulk_order(gql, factory, [(mall.sku_id, 2)])
    stale = await Order.get(id=int(order["id"]))
    assert stale.status == "PAID"
    shipped = await gql("""mutation S($i: ShipOrderInput!) { shipOrder(input: $i) {
      order { status } } }""", {"i": {"orderId": order["id"], "trackingNo": "SF9999"}},
                        token=mall.operator.token)
    assert shipped.data["shipOrder"]["order"]["status"] == "SHIPPED"
    async with in_transaction():
        assert await orders.mark_refunded(stale, buyer.member.id, after_shipping=False) is False
    async with in_transaction():
        assert await orders.mark_refunded(stale, mall.operator.member.id) is True
    assert (await Order.get(id=int(order["id"]))).status == "REFUNDED"
    assert (await Sku.get(id=int(mall.sku_id))).stock == 98
