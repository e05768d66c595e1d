"""An order's amounts are 32-bit (its columns, GraphQL Int): an order whose total, or one
line's, is past 2,147,483,647 fen is refused with ORDER_TOTAL_TOO_LARGE before anything is
written. Found by a review: a bulk order of 10,000 units at ¥2,500 (2.5e9 fen) failed the
INSERT on PostgreSQL (a top-level INTERNAL_SERVER_ERROR), and on SQLite was written, its
stock held, and answered with `order: null`."""

from __future__ import annotations

from tests.mall.conftest import ADDRESS, CREATE_PRODUCT, PLACE, new_key
from unionhub.mall.models import Order, OrderItem, Sku
from unionhub.mall.placing import MAX_AMOUNT_FEN


async def _product(gql, mall, skus: list[tuple[int, int]]) -> list[str]:
    prod = await gql(CREATE_PRODUCT, {"input": {
        "supplierId": mall.supplier_id, "categoryId": mall.category_id, "name": "节日礼盒",
        "skus": [{"name": f"礼包 {i}", "priceFen": price, "stock": stock}
                 for i, (price, stock) in enumerate(skus)]}}, token=mall.operator.token)
    return [s["id"] for s in prod.data["createProduct"]["product"]["skus"]]


async def _bulk(gql, factory, lines: list[tuple[str, int]]):
    tree = await factory.tree()
    maker = await factory.cadre(tree.counties["A"])
    return await gql(PLACE, {"input": {
        "items": [{"skuId": s, "quantity": q} for s, q in lines], "address": ADDRESS,
        "idempotencyKey": new_key(), "forUnionId": str(tree.grassroots["A"][0].id)}},
        token=maker.token)


async def test_a_line_past_the_range_is_refused_and_nothing_is_written(gql, factory, mall):
    [sku] = await _product(gql, mall, [(250_000, 20_000)])
    r = await _bulk(gql, factory, [(sku, 10_000)])  # 2.5e9 fen
    assert r.errors == [], r.errors
    assert r.data["placeOrder"]["order"] is None
    assert [(e["code"], e["field"]) for e in r.data["placeOrder"]["errors"]] == [
        ("ORDER_TOTAL_TOO_LARGE", "items[0].quantity")]
    assert await Order.all().count() == 0 and await OrderItem.all().count() == 0
    assert (await Sku.get(id=int(sku))).stock == 20_000  # nothing held


async def test_a_total_past_the_range_is_refused(gql, factory, mall):
    # Each line fits; their sum does not.
    skus = await _product(gql, mall, [(200_000, 10_000), (200_000, 10_000)])
    r = await _bulk(gql, factory, [(skus[0], 6_000), (skus[1], 6_000)])  # 2.4e9 fen
    assert [(e["code"], e["field"]) for e in r.data["placeOrder"]["errors"]] == [
        ("ORDER_TOTAL_TOO_LARGE", "items")]
    assert await Order.all().count() == 0
    assert [(await Sku.get(id=int(s))).stock for s in skus] == [10_000, 10_000]


async def test_the_largest_total_is_placed_and_read_back(gql, factory, mall):
    [sku] = await _product(gql, mall, [(MAX_AMOUNT_FEN // 10_000, 20_000)])
    r = await _bulk(gql, factory, [(sku, 10_000)])
    assert r.errors == [] and r.data["placeOrder"]["errors"] == [], r
    order = r.data["placeOrder"]["order"]
    assert order["subtotalFen"] == order["payableFen"] == (MAX_AMOUNT_FEN // 10_000) * 10_000
