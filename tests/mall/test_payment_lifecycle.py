"""The order lifecycle over every payment rail (Stripe, WeChat Pay, Alipay), each through its
real SDK against its local stand-in: the same tests, the same exactly-once effects."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.mall.conftest import ORDER, PAY, RAILS, claim, create_campaign, place, send, sku_stock
from unionhub.app import create_app
from unionhub.clock import utcnow
from unionhub.mall import payments, reconciliation
from unionhub.mall.models import Order, OrderEvent, Payment, ProviderEvent, Voucher
from unionhub.mall.providers import _FACTORIES
from unionhub.mall.providers.base import PaymentConfigurationError
from unionhub.settings import get_settings

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

REFUND = """mutation R($input: RefundOrderInput!) { refundOrder(input: $input) {
  order { id status } errors { code field message } } }"""


async def _start(gql, member, rail, order_id: str) -> tuple[str, dict]:
    """payOrder with the rail's method; returns the provider ref and the payload."""
    r = await gql(PAY, {"input": {"orderId": order_id, "method": rail.method}},
                  token=member.token)
    assert r.errors == [], r.errors
    paid = r.data["payOrder"]
    assert paid["errors"] == [], paid["errors"]
    assert paid["payment"]["status"] == "REQUIRES_PAYMENT"
    assert paid["checkout"]["provider"] == rail.provider
    return rail.ref_from_checkout(paid["checkout"]), paid


async def _payment(ref: str) -> Payment:
    return await Payment.get(provider_ref=ref)


async def _order(order_id: str) -> Order:
    return await Order.get(id=int(order_id))


async def _settle_refund(http, rail, ref: str) -> None:
    """Where the rail completes refunds later, its notification completes ours."""
    if not rail.refunds_complete_synchronously:
        assert (await _payment(ref)).status == "REFUND_PENDING"
        assert rail.accepted(await send(http, rail.webhook_path, rail.refund_notification(ref)))
    assert (await _payment(ref)).status == "REFUNDED"


def test_every_provider_has_a_stand_in():
    # The sandbox rail is ours: its own tests drive it through HTTP and the CLI.
    assert set(RAILS) | {"sandbox"} == set(_FACTORIES)


async def test_paid_through_the_rail_once_however_often_notified(http, gql, factory, mall,
                                                                 rail):
    tree = await factory.tree()
    member = await factory.account()
    cadre = await factory.cadre(tree.province)
    campaign = await create_campaign(gql, cadre, str(tree.province.id))
    voucher_id = (await claim(gql, member, campaign["id"]))["voucher"]["id"]
    order = (await place(gql, member, [(mall.sku_id, 3)], voucher_id=voucher_id))["order"]
    ref, paid = await _start(gql, member, rail, order["id"])
    assert paid["payment"]["amountFen"] == 13000
    payment = await _payment(ref)
    assert (payment.provider, payment.amount_fen) == (rail.provider, 13000)
    # A retried payOrder asks the rail for the same trade, not a second one.
    again, _ = await _start(gql, member, rail, order["id"])
    assert again == ref and await Payment.filter(order_id=int(order["id"])).count() == 1

    rail.pay(ref)
    notification = rail.success_notification(ref)
    answers = await asyncio.gather(*(send(http, rail.webhook_path, notification)
                                     for _ in range(5)))
    assert all(rail.accepted(a) for a in answers)  # duplicates too: stop redelivering
    seen = (await gql(ORDER, {"id": order["id"]}, token=member.token)).data["order"]
    assert seen["status"] == "PAID" and seen["paymentMethod"] == rail.method
    assert seen["voucher"]["status"] == "USED"
    assert await OrderEvent.filter(order_id=int(order["id"]), kind="PAID").count() == 1
    assert await ProviderEvent.filter(provider=rail.provider).count() == 1
    # The same fact under another notification id changes nothing either.
    other = rail.success_notification(ref, notification_id="another-notification-0001")
    assert rail.accepted(await send(http, rail.webhook_path, other))
    assert await OrderEvent.filter(order_id=int(order["id"]), kind="PAID").count() == 1
    assert (await _payment(ref)).status == "SUCCEEDED"


async def test_forged_and_stale_notifications_change_nothing(http, gql, factory, mall, rail):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    ref, _ = await _start(gql, member, rail, order["id"])
    rail.pay(ref)
    forged = await send(http, rail.webhook_path, rail.forge(rail.success_notification(ref)))
    assert not rail.accepted(forged) and forged.status_code >= 400
    stale = rail.stale(ref)
    if stale is not None:
        refused = await send(http, rail.webhook_path, stale)
        assert not rail.accepted(refused) and refused.status_code >= 400
    garbage = await http.post(rail.webhook_path, content=b"\x00not a notification")
    assert not rail.accepted(garbage) and garbage.status_code >= 400
    assert (await _order(order["id"])).status == "PENDING_PAYMENT"
    assert (await _payment(ref)).status == "REQUIRES_PAYMENT"
    assert await ProviderEvent.all().count() == 0
    # The genuine one still applies afterwards.
    assert rail.accepted(await send(http, rail.webhook_path, rail.success_notification(ref)))
    assert (await _order(order["id"])).status == "PAID"


async def test_a_refund_notified_before_its_success_wins(http, gql, factory, mall, rail):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    ref, _ = await _start(gql, member, rail, order["id"])
    rail.pay(ref)
    success = rail.success_notification(ref)
    refund = rail.refund_notification(ref)
    assert rail.accepted(await send(http, rail.webhook_path, refund))
    assert rail.accepted(await send(http, rail.webhook_path, success))
    assert (await _payment(ref)).status == "REFUNDED"
    assert (await _order(order["id"])).status == "PENDING_PAYMENT"  # it times out later
    assert await OrderEvent.filter(order_id=int(order["id"]), kind="PAID").count() == 0


async def test_money_after_the_order_timed_out_is_refunded_not_lost(http, gql, factory, mall,
                                                                    rail):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 2)]))["order"]
    ref, _ = await _start(gql, member, rail, order["id"])
    await Order.filter(id=int(order["id"])).update(expires_at=utcnow() - timedelta(seconds=1))
    # The expiry job asks the rail first: still unpaid there, so the order is cancelled.
    assert await reconciliation.cancel_expired_orders() == 1
    assert ref in rail.calls.queries
    assert (await _order(order["id"])).status == "CANCELLED"
    assert (await sku_stock(gql, mall.product_id))[mall.sku_id] == 100
    # Then the member's payment goes through after all.
    rail.pay(ref)
    for _ in range(3):
        assert rail.accepted(await send(http, rail.webhook_path, rail.success_notification(ref)))
    assert rail.calls.refunds == [ref]  # asked once, however often notified
    await _settle_refund(http, rail, ref)
    assert (await _order(order["id"])).status == "CANCELLED"
    assert (await sku_stock(gql, mall.product_id))[mall.sku_id] == 100  # released once
    due = await OrderEvent.filter(order_id=int(order["id"]), kind="PAYMENT_REFUND_DUE")
    assert [e.detail["reason"] for e in due] == ["CANCELLED"]


async def test_the_expiry_job_pays_an_order_whose_notification_is_late(gql, factory, mall,
                                                                      rail):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    ref, _ = await _start(gql, member, rail, order["id"])
    rail.pay(ref)  # paid at the rail; the notification is lost
    await Order.filter(id=int(order["id"])).update(expires_at=utcnow() - timedelta(seconds=1))
    assert await reconciliation.cancel_expired_orders() == 0
    assert (await _order(order["id"])).status == "PAID"
    assert rail.calls.refunds == []


async def test_reconciliation_settles_payments_whose_notification_never_came(gql, factory,
                                                                            mall, rail):
    member = await factory.account()
    paid_order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    open_order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    closed_order = (await place(gql, member, [(mall.cheap_sku_id, 1)]))["order"]
    paid_ref, _ = await _start(gql, member, rail, paid_order["id"])
    open_ref, _ = await _start(gql, member, rail, open_order["id"])
    closed_ref, _ = await _start(gql, member, rail, closed_order["id"])
    rail.pay(paid_ref)
    rail.close(closed_ref)
    # Too young: its notification may still be on the way.
    assert await reconciliation.reconcile_payments() == 0 and rail.calls.queries == []
    long_ago = utcnow() - payments.RECONCILE_AFTER - timedelta(minutes=5)
    await Payment.all().update(created_at=long_ago, next_check_at=long_ago)
    assert await reconciliation.reconcile_payments() == 2
    assert sorted(rail.calls.queries) == sorted([paid_ref, open_ref, closed_ref])
    assert (await _order(paid_order["id"])).status == "PAID"
    assert (await _payment(closed_ref)).status == "FAILED"
    assert (await _order(closed_order["id"])).status == "PENDING_PAYMENT"
    assert (await _payment(open_ref)).status == "REQUIRES_PAYMENT"
    # Just asked: not asked again until its backoff has passed; settled ones never again.
    assert await reconciliation.reconcile_payments() == 0 and len(rail.calls.queries) == 3
    await Payment.filter(provider_ref=open_ref).update(next_check_at=long_ago)
    rail.pay(open_ref)
    assert await reconciliation.reconcile_payments() == 1
    assert (await _order(open_order["id"])).status == "PAID"
    assert await OrderEvent.filter(kind="PAID").count() == 2


async def test_refund_through_the_rail(http, gql, factory, mall, rail):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 2)]))["order"]
    ref, _ = await _start(gql, member, rail, order["id"])
    rail.pay(ref)
    assert rail.accepted(await send(http, rail.webhook_path, rail.success_notification(ref)))
    refunded = await gql(REFUND, {"input": {"orderId": order["id"], "reason": "不想要了"}},
                         token=member.token)
    assert refunded.data["refundOrder"]["order"]["status"] == "REFUNDED"
    assert rail.calls.refunds == [ref]
    assert (await sku_stock(gql, mall.product_id))[mall.sku_id] == 100  # unshipped: restocked
    await _settle_refund(http, rail, ref)
    again = await gql(REFUND, {"input": {"orderId": order["id"]}}, token=member.token)
    assert again.data["refundOrder"]["errors"][0]["code"] == "INVALID_TRANSITION"
    assert rail.calls.refunds == [ref]


async def test_reconciliation_completes_a_refund_whose_notification_was_lost(
        http, gql, factory, mall, rail):
    if rail.refunds_complete_synchronously:
        pytest.skip(f"{rail.provider} answers the refund call with its outcome")
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    ref, _ = await _start(gql, member, rail, order["id"])
    rail.pay(ref)
    assert rail.accepted(await send(http, rail.webhook_path, rail.success_notification(ref)))
    await gql(REFUND, {"input": {"orderId": order["id"]}}, token=member.token)
    assert (await _payment(ref)).status == "REFUND_PENDING"
    rail.refund_notification(ref)  # the refund completes at the rail; the notice is lost
    long_ago = utcnow() - payments.RECONCILE_AFTER - timedelta(minutes=5)
    await Payment.all().update(created_at=long_ago, next_check_at=long_ago)
    assert await reconciliation.reconcile_payments() == 1
    assert (await _payment(ref)).status == "REFUNDED"
    assert (await _order(order["id"])).status == "REFUNDED"


async def test_a_wrong_amount_is_refunded(http, gql, factory, mall, rail):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    ref, _ = await _start(gql, member, rail, order["id"])
    rail.pay(ref, amount_fen=100)
    assert rail.accepted(await send(http, rail.webhook_path, rail.success_notification(ref)))
    assert (await _order(order["id"])).status == "PENDING_PAYMENT"
    assert rail.calls.refunds == [ref]
    due = await OrderEvent.get(order_id=int(order["id"]), kind="PAYMENT_REFUND_DUE")
    assert due.detail["reason"] == "amount"


async def test_refused_payments_and_concurrent_pay_order(gql, factory, mall, rail):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    if rail.creates_trades:  # else there is no call of ours for the rail to refuse
        rail.fail_next_payment = True
        refused = await gql(PAY, {"input": {"orderId": order["id"], "method": rail.method}},
                            token=member.token)
        assert refused.data["payOrder"]["errors"] == [{
            "code": "PAYMENT_REFUSED", "field": "method",
            "message": "the payment provider refused the payment"}]
        assert await Payment.all().count() == 0
    results = await asyncio.gather(*(gql(PAY, {"input": {"orderId": order["id"],
                                                         "method": rail.method}},
                                         token=member.token) for _ in range(5)))
    refs = {rail.ref_from_checkout(r.data["payOrder"]["checkout"]) for r in results}
    assert len(refs) == 1 and await Payment.all().count() == 1
    unsupported = await gql(PAY, {"input": {"orderId": order["id"], "method": rail.method,
                                            "channel": rail.foreign_channel}},
                            token=member.token)
    assert unsupported.data["payOrder"]["errors"][0]["code"] == "CHANNEL_NOT_SUPPORTED"


async def test_a_voucher_returns_when_the_unpaid_order_times_out(gql, factory, mall, rail):
    tree = await factory.tree()
    member = await factory.account()
    cadre = await factory.cadre(tree.province)
    campaign = await create_campaign(gql, cadre, str(tree.province.id))
    voucher_id = (await claim(gql, member, campaign["id"]))["voucher"]["id"]
    order = (await place(gql, member, [(mall.sku_id, 2)], voucher_id=voucher_id))["order"]
    await _start(gql, member, rail, order["id"])
    await Order.filter(id=int(order["id"])).update(expires_at=utcnow() - timedelta(seconds=1))
    assert await reconciliation.cancel_expired_orders() == 1
    assert (await Voucher.get(id=int(voucher_id))).status == "AVAILABLE"


@pytest.mark.parametrize("method,provider,missing", [
    ("WECHAT_PAY", "wechatpay", "UNIONHUB_WECHATPAY_MCHID"),
    ("ALIPAY", "alipay", "UNIONHUB_ALIPAY_APP_ID"),
])
def test_the_app_refuses_to_start_without_a_configured_providers_keys(monkeypatch, method,
                                                                     provider, missing):
    settings = get_settings().model_copy(update={"payment_providers": {method: provider}})
    with pytest.raises(PaymentConfigurationError) as refused:
        create_app(settings=settings, manage_connections=False)
    assert missing in str(refused.value)
    # Another method's keys do not count, and a key given but unreadable is refused too.
    half = settings.model_copy(update={f"{provider}_private_key" if provider == "wechatpay"
                                       else "alipay_app_private_key": "not a PEM key"})
    with pytest.raises(PaymentConfigurationError) as unreadable:
        create_app(settings=half, manage_connections=False)
    assert "not a PEM key" not in str(unreadable.value)
