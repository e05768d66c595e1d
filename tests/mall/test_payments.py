"""Stripe specifics, through the real stripe library pointed at its stand-in: one intent per
method type, failure events, dashboard refunds, refusals and refund windows. The lifecycle
every rail shares (exactly once, out of order, late money, reconciliation) is in
test_payment_lifecycle.py."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from tests.mall.conftest import PAY, claim, create_campaign, deliver, place, sku_stock
from unionhub.clock import utcnow
from unionhub.mall import orders as order_rules
from unionhub.mall.models import Order, OrderEvent, Payment, ProviderEvent, Voucher

# stripe's HTTPXClient posts its form with httpx's deprecated `data=` for raw bytes.
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

REFUND = """mutation R($input: RefundOrderInput!) { refundOrder(input: $input) {
  order { id status } errors { code field message } } }"""


async def _pay(gql, account, order_id: str, method: str) -> dict:
    r = await gql(PAY, {"input": {"orderId": order_id, "method": method}}, token=account.token)
    assert r.errors == [], r.errors
    return r.data["payOrder"]


async def test_pay_order_creates_a_payment_intent_per_method(gql, factory, mall, stripe_api):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    for method, stripe_type in (("ALIPAY", "alipay"), ("WECHAT_PAY", "wechat_pay"),
                                ("CARD", "card")):
        paid = await _pay(gql, member, order["id"], method)
        assert paid["errors"] == []
        assert paid["clientSecret"].startswith("pi_") and "_secret_" in paid["clientSecret"]
        assert paid["payment"] == {"id": paid["payment"]["id"], "method": method,
                                   "status": "REQUIRES_PAYMENT", "amountFen": 5000}
        kind, form, key = stripe_api.requests[-1]
        assert kind == "payment_intent"
        assert form["amount"] == "5000" and form["currency"] == "cny"
        assert form["payment_method_types[0]"] == stripe_type
        assert form["metadata[order_id]"] == order["id"]
        # The idempotency key is our trade number: per order and method, so a retry is the
        # same intent.
        assert key == f"UH{order['id']}{method[0]}"
        assert paid["checkout"]["provider"] == "stripe"
        assert paid["checkout"]["clientSecret"] == paid["clientSecret"]
        assert paid["checkout"]["reference"] == paid["clientSecret"].split("_secret_")[0]
    # Asking again for the same method replays the same intent (Stripe's idempotency).
    again = await _pay(gql, member, order["id"], "ALIPAY")
    assert again["payment"]["id"] == (await Payment.get(order_id=int(order["id"]),
                                                        method="ALIPAY")).id.__str__()
    assert len(stripe_api.intents) == 3
    stranger = await factory.account()
    theirs = await _pay(gql, stranger, order["id"], "ALIPAY")
    assert theirs["errors"][0]["code"] == "NOT_FOUND"


async def test_webhook_rejects_bad_signatures_and_stale_timestamps(http, gql, factory, mall,
                                                                   stripe_api):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    pi = (await _pay(gql, member, order["id"], "ALIPAY"))["clientSecret"].split("_secret_")[0]
    event = stripe_api.event("payment_intent.succeeded", pi)
    forged = await deliver(http, event, secret="whsec_someone_else")
    assert forged.status_code == 400
    stale = await deliver(http, event, timestamp=int(time.time()) - 301)
    assert stale.status_code == 400
    unsigned = await http.post("/webhooks/stripe", content=b"{}")
    assert unsigned.status_code == 400
    assert (await Order.get(id=int(order["id"]))).status == "PENDING_PAYMENT"
    assert await ProviderEvent.all().count() == 0
    ok = await deliver(http, event)
    assert ok.status_code == 200 and ok.json()["outcome"] == "applied"


async def test_failed_payment_leaves_the_order_payable(http, gql, factory, mall, stripe_api):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    pi = (await _pay(gql, member, order["id"], "CARD"))["clientSecret"].split("_secret_")[0]
    await deliver(http, stripe_api.event("payment_intent.payment_failed", pi))
    # Declined, not final: Stripe keeps the intent payable (tests/mall/test_declined_attempts).
    assert (await Payment.get(provider_ref=pi)).status == "REQUIRES_PAYMENT"
    assert await OrderEvent.filter(order_id=int(order["id"]), kind="PAYMENT_FAILED").count() == 1
    assert (await Order.get(id=int(order["id"]))).status == "PENDING_PAYMENT"
    # The member tries again and this time the money arrives.
    await deliver(http, stripe_api.event("payment_intent.succeeded", pi))
    assert (await Order.get(id=int(order["id"]))).status == "PAID"


async def test_refund_order_goes_through_stripe(http, gql, factory, mall, stripe_api):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 2)]))["order"]
    pi = (await _pay(gql, member, order["id"], "ALIPAY"))["clientSecret"].split("_secret_")[0]
    await deliver(http, stripe_api.event("payment_intent.succeeded", pi))
    refunded = await gql(REFUND, {"input": {"orderId": order["id"], "reason": "不想要了"}},
                         token=member.token)
    assert refunded.data["refundOrder"]["order"]["status"] == "REFUNDED"
    assert [f["payment_intent"] for k, f, _ in stripe_api.requests if k == "refund"] == [pi]
    assert (await Payment.get(provider_ref=pi)).status == "REFUND_PENDING"
    assert (await sku_stock(gql, mall.product_id))[mall.sku_id] == 100  # unshipped: restocked
    admin = await factory.admin()
    audit = await gql('query A { auditLog(action: "mall.order.refund") '
                      '{ edges { node { actorId subjectType subjectId } } } }', token=admin.token)
    assert [e["node"] for e in audit.data["auditLog"]["edges"]] == [{
        "actorId": member.id, "subjectType": "order", "subjectId": order["id"]}]
    await deliver(http, stripe_api.event("charge.refunded", pi))
    assert (await Payment.get(provider_ref=pi)).status == "REFUNDED"
    again = await gql(REFUND, {"input": {"orderId": order["id"]}}, token=member.token)
    assert again.data["refundOrder"]["errors"][0]["code"] == "INVALID_TRANSITION"


async def test_shipped_orders_are_refunded_by_staff_and_dashboard_refunds_apply(
        http, gql, factory, mall, stripe_api):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    pi = (await _pay(gql, member, order["id"], "CARD"))["clientSecret"].split("_secret_")[0]
    await deliver(http, stripe_api.event("payment_intent.succeeded", pi))
    await gql("""mutation S($i: ShipOrderInput!) { shipOrder(input: $i) { errors { code } } }""",
              {"i": {"orderId": order["id"], "trackingNo": "SF0001"}}, token=mall.operator.token)
    by_member = await gql(REFUND, {"input": {"orderId": order["id"]}}, token=member.token)
    assert by_member.data["refundOrder"]["errors"][0]["code"] == "REFUND_NEEDS_STAFF"
    county = await factory.cadre((await factory.tree()).counties["A"])  # sees it, may not refund
    by_county = await gql(REFUND, {"input": {"orderId": order["id"]}}, token=county.token)
    assert by_county.data["refundOrder"]["errors"][0]["code"] == "NOT_FOUND"
    # Refunded in Stripe's dashboard: the webhook refunds the order; goods already shipped.
    await deliver(http, stripe_api.event("charge.refunded", pi))
    assert (await Order.get(id=int(order["id"]))).status == "REFUNDED"
    assert (await sku_stock(gql, mall.product_id))[mall.sku_id] == 99


async def test_an_order_covered_by_its_voucher_is_paid_without_the_provider(gql, factory, mall,
                                                                            stripe_api):
    tree = await factory.tree()
    member = await factory.account()
    cadre = await factory.cadre(tree.province)
    campaign = await create_campaign(gql, cadre, str(tree.province.id), thresholdFen=0,
                                     faceValueFen=1500, budgetFen=150000)
    voucher_id = (await claim(gql, member, campaign["id"]))["voucher"]["id"]
    order = (await place(gql, member, [(mall.cheap_sku_id, 1)], voucher_id=voucher_id))["order"]
    assert (order["subtotalFen"], order["discountFen"], order["payableFen"]) == (1200, 1200, 0)
    paid = await _pay(gql, member, order["id"], "ALIPAY")
    assert paid["order"]["status"] == "PAID" and paid["clientSecret"] is None
    assert stripe_api.requests == []
    assert (await Voucher.get(id=int(voucher_id))).status == "USED"


async def test_the_mall_staff_refunds_a_shipped_order_through_stripe(http, gql, factory, mall,
                                                                     stripe_api):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    pi = (await _pay(gql, member, order["id"], "WECHAT_PAY"))["clientSecret"].split("_secret_")[0]
    await deliver(http, stripe_api.event("payment_intent.succeeded", pi))
    await gql("""mutation S($i: ShipOrderInput!) { shipOrder(input: $i) { errors { code } } }""",
              {"i": {"orderId": order["id"], "trackingNo": "SF0002"}}, token=mall.operator.token)
    staff = await gql(REFUND, {"input": {"orderId": order["id"], "reason": "退货"}},
                      token=mall.operator.token)
    assert staff.data["refundOrder"]["order"]["status"] == "REFUNDED"
    assert [f["payment_intent"] for k, f, _ in stripe_api.requests if k == "refund"] == [pi]
    assert (await sku_stock(gql, mall.product_id))[mall.sku_id] == 99  # shipped: not restocked
    # Stripe's refund request was idempotent per payment: a retry job asks nothing new.
    from unionhub.mall.reconciliation import retry_pending_refunds

    assert await retry_pending_refunds() == 0


async def test_events_of_other_kinds_are_recorded_and_ignored(http, gql, factory, mall,
                                                             stripe_api):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    pi = (await _pay(gql, member, order["id"], "ALIPAY"))["clientSecret"].split("_secret_")[0]
    unknown = await deliver(http, {**stripe_api.event("payment_intent.succeeded", pi),
                                   "type": "customer.created"})
    assert unknown.json()["outcome"] == "ignored"


async def test_pay_order_refusals(gql, factory, mall, stripe_api):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    stripe_api.fail_with = 400
    refused = await _pay(gql, member, order["id"], "ALIPAY")
    assert refused["errors"] == [{"code": "PAYMENT_REFUSED", "field": "method",
                                  "message": "the payment provider refused the payment"}]
    assert await Payment.all().count() == 0
    await Order.filter(id=int(order["id"])).update(expires_at=utcnow() - timedelta(seconds=1))
    late = await _pay(gql, member, order["id"], "ALIPAY")
    assert late["errors"][0]["code"] == "ORDER_EXPIRED"
    await order_rules.cancel_expired_orders()
    cancelled = await _pay(gql, member, order["id"], "CARD")
    assert cancelled["errors"][0] == {"code": "INVALID_TRANSITION", "field": "orderId",
                                      "message": "cannot pay an order that is CANCELLED"}


async def test_refund_windows_follow_the_payment_method(http, gql, factory, mall, stripe_api):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    pi = (await _pay(gql, member, order["id"], "ALIPAY"))["clientSecret"].split("_secret_")[0]
    await deliver(http, stripe_api.event("payment_intent.succeeded", pi))
    await Payment.filter(provider_ref=pi).update(succeeded_at=utcnow() - timedelta(days=91))
    late = await gql(REFUND, {"input": {"orderId": order["id"]}}, token=mall.operator.token)
    assert late.data["refundOrder"]["errors"][0]["code"] == "REFUND_WINDOW_PASSED"
    await Payment.filter(provider_ref=pi).update(succeeded_at=utcnow() - timedelta(days=89))
    ok = await gql(REFUND, {"input": {"orderId": order["id"]}}, token=mall.operator.token)
    assert ok.data["refundOrder"]["order"]["status"] == "REFUNDED"


async def test_an_event_for_a_payment_we_have_no_row_for_is_redelivered_not_lost(
        http, gql, factory, mall, stripe_api):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    pi = (await _pay(gql, member, order["id"], "ALIPAY"))["clientSecret"].split("_secret_")[0]
    # As if the notification overtook the write of our payment row.
    row = await Payment.get(provider_ref=pi)
    await Payment.filter(id=row.id).update(provider_ref="pi_not_yet_written")
    event = stripe_api.event("payment_intent.succeeded", pi)
    early = await deliver(http, event)
    assert early.status_code == 400 and await ProviderEvent.all().count() == 0
    await Payment.filter(id=row.id).update(provider_ref=pi)
    assert (await deliver(http, event)).json()["outcome"] == "applied"
    assert (await Order.get(id=int(order["id"]))).status == "PAID"
