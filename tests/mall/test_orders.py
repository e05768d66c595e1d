"""Orders: one transaction for stock, voucher and amounts; idempotency; the state machine;
cancellation (by the member and after 30 minutes unpaid) releasing stock and voucher once."""

from __future__ import annotations

from datetime import timedelta

from tests.mall.conftest import (
    ADDRESS,
    ORDER,
    allocate,
    approve,
    claim,
    create_campaign,
    new_key,
    place,
    sku_stock,
)
from tests.mall.documents import CANCEL, SHIP
from tests.querycount import count_queries
from unionhub.clock import utcnow
from unionhub.mall import catalogue
from unionhub.mall import orders as order_rules
from unionhub.mall.models import Order, OrderEvent, Product, Voucher

CONFIRM = """mutation R($input: ConfirmReceiptInput!) { confirmReceipt(input: $input) {
  order { id status } errors { code field message } } }"""
PAY_FUNDS = """mutation P($input: PayOrderInput!) { payOrder(input: $input) {
  order { id status paymentMethod } payment { method status } errors { code field } } }"""


async def _voucher(gql, factory, member, **over) -> str:
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    campaign = await create_campaign(gql, cadre, str(tree.province.id), **over)
    return (await claim(gql, member, campaign["id"]))["voucher"]["id"]


async def test_place_order_computes_amounts_and_reserves_stock(gql, factory, mall):
    member = await factory.account()
    voucher_id = await _voucher(gql, factory, member)
    placed = await place(gql, member, [(mall.sku_id, 2), (mall.cheap_sku_id, 1)],
                         voucher_id=voucher_id)
    order = placed["order"]
    assert placed["errors"] == []
    assert (order["subtotalFen"], order["discountFen"], order["payableFen"]) == (11200, 2000, 9200)
    assert order["status"] == "PENDING_PAYMENT" and order["voucher"]["status"] == "LOCKED"
    assert order["member"]["id"] == member.id
    assert await sku_stock(gql, mall.product_id) == {mall.sku_id: 98, mall.cheap_sku_id: 99}
    seen = await gql(ORDER, {"id": order["id"]}, token=member.token)
    assert seen.data["order"]["events"] == [{"kind": "PLACED", "toStatus": "PENDING_PAYMENT"}]
    assert sorted(i["quantity"] for i in seen.data["order"]["items"]) == [1, 2]


async def test_threshold_is_checked_against_the_subtotal(gql, factory, mall):
    member = await factory.account()
    voucher_id = await _voucher(gql, factory, member)  # 满100减20
    short = await place(gql, member, [(mall.sku_id, 1), (mall.cheap_sku_id, 1)],
                        voucher_id=voucher_id)  # 62.00 < 100.00
    assert short["errors"][0]["code"] == "VOUCHER_THRESHOLD_NOT_MET"
    # Uncertified goods do not count towards a poverty-alleviation voucher.
    mixed = await place(gql, member, [(mall.sku_id, 1), (mall.plain_sku_id, 2)],
                        voucher_id=voucher_id)
    assert mixed["errors"][0]["code"] == "VOUCHER_THRESHOLD_NOT_MET"
    assert await Order.all().count() == 0
    assert await sku_stock(gql, mall.product_id) == {mall.sku_id: 100, mall.cheap_sku_id: 100}


async def test_bad_input_writes_nothing(gql, factory, mall):
    member = await factory.account()
    other = await factory.account()
    theirs = await _voucher(gql, factory, other)
    await catalogue.restock(int(mall.sku_id), -60)
    cases = [
        # The first line's reservation is rolled back with the second's failure.
        ([(mall.cheap_sku_id, 5), (mall.sku_id, 41)], None, "OUT_OF_STOCK"),
        # A missing SKU is told before another line's shortage, whichever line fails first.
        ([(mall.sku_id, 41), ("999999", 1)], None, "SKU_NOT_FOUND"),
        ([(mall.sku_id, 0)], None, "QUANTITY_OUT_OF_RANGE"),
        ([("999999", 1)], None, "SKU_NOT_FOUND"),
        ([("99999999999999999999", 1)], None, "SKU_NOT_FOUND"),  # beyond any bigint
        ([(mall.sku_id, 3)], theirs, "VOUCHER_NOT_FOUND"),
        ([], None, "ITEM_COUNT"),
    ]
    for items, voucher, code in cases:
        result = await place(gql, member, items, voucher_id=voucher)
        assert result["errors"][0]["code"] == code, (items, result)
    bad_phone = await gql("""mutation P($i: PlaceOrderInput!) { placeOrder(input: $i) {
      errors { code field } } }""", {"i": {"items": [{"skuId": mall.sku_id, "quantity": 1}],
        "address": {"recipient": "张三", "phone": "12345", "regionCode": "610113",
                    "detail": "某路 1 号"}, "idempotencyKey": new_key()}}, token=member.token)
    assert bad_phone.data["placeOrder"]["errors"] == [{"code": "PHONE_FORMAT",
                                                       "field": "address.phone"}]
    assert await Order.all().count() == 0
    assert await sku_stock(gql, mall.product_id) == {mall.sku_id: 40, mall.cheap_sku_id: 100}


async def test_same_idempotency_key_returns_the_same_order(gql, factory, mall):
    member = await factory.account()
    key = new_key()
    first = await place(gql, member, [(mall.sku_id, 1)], key=key)
    again = await place(gql, member, [(mall.sku_id, 1)], key=key)
    assert first["order"]["id"] == again["order"]["id"]
    assert (await sku_stock(gql, mall.product_id))[mall.sku_id] == 99
    other = await factory.account()  # keys are per member
    theirs = await place(gql, other, [(mall.sku_id, 1)], key=key)
    assert theirs["order"]["id"] != first["order"]["id"]


async def test_a_replayed_key_gets_its_order_even_when_placing_it_again_would_fail(gql, factory,
                                                                                 mall):
    """The existing order is looked up only when placing fails: a replay after the SKU sold
    out, with its voucher locked, or with the product withdrawn still gets that order."""
    member = await factory.account()
    key, voucher_key = new_key(), new_key()
    voucher_id = await _voucher(gql, factory, member)
    first = await place(gql, member, [(mall.sku_id, 1)], key=key)
    with_voucher = await place(gql, member, [(mall.sku_id, 3)], key=voucher_key,
                               voucher_id=voucher_id)
    await catalogue.restock(int(mall.sku_id), -96)  # sold out
    again = await place(gql, member, [(mall.sku_id, 1)], key=key)
    assert again["errors"] == [] and again["order"]["id"] == first["order"]["id"]
    again = await place(gql, member, [(mall.sku_id, 3)], key=voucher_key, voucher_id=voucher_id)
    assert again["errors"] == [] and again["order"]["id"] == with_voucher["order"]["id"]
    await Product.filter(id=int(mall.product_id)).update(active=False)
    again = await place(gql, member, [(mall.sku_id, 1)], key=key)
    assert again["errors"] == [] and again["order"]["id"] == first["order"]["id"]
    assert await Order.filter(member_id=member.id).count() == 2
    fresh = await place(gql, member, [(mall.sku_id, 1)])
    assert fresh["errors"][0]["code"] == "SKU_NOT_FOUND"


async def test_placing_an_order_takes_few_statements(gql, factory, mall):
    """One implementation on both backends: in one transaction the buyer's row (still open,
    held until the commit: a closure cannot slip in), one UPDATE per SKU line that reserves
    its stock and returns the line (no read beforehand), the order, the voucher lock, the
    items and the event."""
    member = await factory.account()
    voucher_id = await _voucher(gql, factory, member)
    await place(gql, member, [(mall.sku_id, 1)])  # the member's record is cached now
    with count_queries() as one_line:
        placed = await place(gql, member, [(mall.sku_id, 1)])
    assert placed["errors"] == []
    with count_queries() as two_lines:
        placed = await place(gql, member, [(mall.sku_id, 2), (mall.cheap_sku_id, 1)],
                             voucher_id=voucher_id)
    assert placed["errors"] == [] and placed["order"]["discountFen"] == 2000
    # buyer, stock with its line, order, items, event
    assert one_line.count == 5, str(one_line)
    # voucher, buyer, 2 × stock with its line, order, voucher lock, items, event; the payload's
    # voucher
    assert two_lines.count == 9, str(two_lines)


async def test_unverified_members_cannot_order(gql, factory, mall):
    member = await factory.account(verified=False)
    r = await gql("""mutation P($i: PlaceOrderInput!) { placeOrder(input: $i) { errors { code } } }""",
                  {"i": {"items": [{"skuId": mall.sku_id, "quantity": 1}], "idempotencyKey": new_key(),
                         "address": {"recipient": "a", "phone": "13812345678",
                                     "regionCode": "610113", "detail": "某路 1 号"}}},
                  token=member.token)
    assert r.error_codes() == ["FORBIDDEN"]


async def test_cancel_releases_stock_and_voucher_once(gql, factory, mall):
    member = await factory.account()
    voucher_id = await _voucher(gql, factory, member)
    order = (await place(gql, member, [(mall.sku_id, 3)], voucher_id=voucher_id))["order"]
    cancelled = await gql(CANCEL, {"input": {"orderId": order["id"]}}, token=member.token)
    assert cancelled.data["cancelOrder"]["order"]["status"] == "CANCELLED"
    again = await gql(CANCEL, {"input": {"orderId": order["id"]}}, token=member.token)
    assert again.data["cancelOrder"]["errors"] == [{
        "code": "INVALID_TRANSITION", "field": "orderId",
        "message": "cannot cancel an order that is CANCELLED"}]
    assert (await sku_stock(gql, mall.product_id))[mall.sku_id] == 100
    assert (await Voucher.get(id=int(voucher_id))).status == "AVAILABLE"
    # The voucher is usable again.
    reused = await place(gql, member, [(mall.sku_id, 3)], voucher_id=voucher_id)
    assert reused["errors"] == [] and reused["order"]["discountFen"] == 2000
    stranger = await factory.account()
    not_theirs = await gql(CANCEL, {"input": {"orderId": reused["order"]["id"]}},
                           token=stranger.token)
    assert not_theirs.data["cancelOrder"]["errors"][0]["code"] == "NOT_FOUND"


async def test_unpaid_orders_time_out_after_thirty_minutes(gql, factory, mall):
    member = await factory.account()
    voucher_id = await _voucher(gql, factory, member)
    old = (await place(gql, member, [(mall.sku_id, 2)], voucher_id=voucher_id))["order"]
    fresh = (await place(gql, member, [(mall.cheap_sku_id, 1)]))["order"]
    await Order.filter(id=int(old["id"])).update(expires_at=utcnow() - timedelta(seconds=1))
    # Two workers at once: the stock and the voucher come back exactly once.
    import asyncio

    counts = await asyncio.gather(order_rules.cancel_expired_orders(),
                                  order_rules.cancel_expired_orders())
    assert sum(counts) == 1
    assert await order_rules.cancel_expired_orders() == 0
    stock = await sku_stock(gql, mall.product_id)
    assert stock == {mall.sku_id: 100, mall.cheap_sku_id: 99}
    assert (await Order.get(id=int(old["id"]))).status == "CANCELLED"
    assert (await Order.get(id=int(fresh["id"]))).status == "PENDING_PAYMENT"
    assert (await Voucher.get(id=int(voucher_id))).status == "AVAILABLE"
    assert await OrderEvent.filter(order_id=int(old["id"]), kind="CANCELLED_TIMEOUT").count() == 1


async def test_state_machine_ship_confirm_and_illegal_transitions(gql, factory, mall):
    tree = await factory.tree()
    buyer = await factory.cadre(tree.counties["A"])  # a cadre buying with union funds
    await allocate(gql, await factory.cadre(tree.counties["A"]), tree.grassroots["A"][0].id,
                   100_000)
    order = (await place(gql, buyer, [(mall.sku_id, 1)],
                         for_union_id=str(tree.grassroots["A"][0].id)))["order"]
    early = await gql(SHIP, {"input": {"orderId": order["id"], "trackingNo": "SF1234567"}},
                      token=mall.operator.token)
    assert early.data["shipOrder"]["errors"][0] == {
        "code": "INVALID_TRANSITION", "field": "orderId",
        "message": "cannot ship an order that is PENDING_PAYMENT"}
    paid = await approve(gql, await factory.cadre(tree.counties["A"]), order["id"])
    assert paid["order"] == {"id": order["id"], "status": "PAID", "kind": "UNION_BULK",
                             "paymentMethod": "UNION_FUNDS"}
    assert paid["payment"] == {"method": "UNION_FUNDS", "status": "SUCCEEDED", "amountFen": 5000}
    not_operator = await gql(SHIP, {"input": {"orderId": order["id"], "trackingNo": "SF1234567"}},
                             token=buyer.token)
    assert not_operator.error_codes() == ["FORBIDDEN"]
    shipped = await gql(SHIP, {"input": {"orderId": order["id"], "trackingNo": "SF1234567"}},
                        token=mall.operator.token)
    assert shipped.data["shipOrder"]["order"]["status"] == "SHIPPED"
    cancel = await gql(CANCEL, {"input": {"orderId": order["id"]}}, token=buyer.token)
    assert cancel.data["cancelOrder"]["errors"][0]["code"] == "INVALID_TRANSITION"
    done = await gql(CONFIRM, {"input": {"orderId": order["id"]}}, token=buyer.token)
    assert done.data["confirmReceipt"]["order"]["status"] == "COMPLETED"
    twice = await gql(CONFIRM, {"input": {"orderId": order["id"]}}, token=buyer.token)
    assert twice.data["confirmReceipt"]["errors"][0]["code"] == "INVALID_TRANSITION"
    kinds = await OrderEvent.filter(order_id=int(order["id"])).order_by("id") \
        .values_list("kind", flat=True)
    assert kinds == ["PLACED", "UNION_FUNDS_APPROVED", "PAID", "SHIPPED", "COMPLETED"]


async def test_a_category_voucher_discounts_only_that_category(gql, factory, mall):
    tok = mall.operator.token
    tea = (await gql("""mutation C($input: CreateCategoryInput!) { createCategory(input: $input) {
      category { id } } }""", {"input": {"name": "茶叶"}}, token=tok)).data["createCategory"]
    product = (await gql("""mutation P($input: CreateProductInput!) { createProduct(input: $input) {
      product { skus { id } } } }""", {"input": {
        "supplierId": mall.supplier_id, "categoryId": tea["category"]["id"], "name": "紫阳富硒茶",
        "skus": [{"name": "125g", "priceFen": 12800, "stock": 10}]}}, token=tok)).data["createProduct"]
    tea_sku = product["product"]["skus"][0]["id"]
    member = await factory.account()
    voucher = await _voucher(gql, factory, member, categoryId=tea["category"]["id"],
                             faceValueFen=3000, thresholdFen=10000, budgetFen=300000)
    no_tea = await place(gql, member, [(mall.sku_id, 3)], voucher_id=voucher)
    assert no_tea["errors"][0]["code"] == "VOUCHER_NOT_APPLICABLE"
    with_tea = await place(gql, member, [(mall.sku_id, 1), (tea_sku, 1)], voucher_id=voucher)
    order = with_tea["order"]
    assert (order["subtotalFen"], order["discountFen"], order["payableFen"]) == (17800, 3000, 14800)


async def test_a_bad_line_is_named_by_its_index(gql, factory, mall):
    """UserError.field is the input path with the list index (issue 24)."""
    member = await factory.account()
    query = """mutation P($i: PlaceOrderInput!) { placeOrder(input: $i) { errors { code field } } }"""

    async def errors(items: list[tuple[str, int]]) -> list[dict]:
        data = {"items": [{"skuId": s, "quantity": q} for s, q in items], "address": ADDRESS,
                "idempotencyKey": new_key()}
        return (await gql(query, {"i": data}, token=member.token)).data["placeOrder"]["errors"]

    assert await errors([(mall.sku_id, 1), (mall.cheap_sku_id, 1), (mall.plain_sku_id, 0)]) == [
        {"code": "QUANTITY_OUT_OF_RANGE", "field": "items[2].quantity"}]
    assert await errors([(mall.sku_id, 1), ("999999", 1)]) == [
        {"code": "SKU_NOT_FOUND", "field": "items[1].skuId"}]
    assert await errors([(mall.sku_id, 1), ("-4", 1)]) == [
        {"code": "SKU_NOT_FOUND", "field": "items[1].skuId"}]
    assert await Order.all().count() == 0
