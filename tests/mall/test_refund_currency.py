"""Money a rail took in another currency than cny is refunded in that currency, or not by a
rail that cannot (mall migration 0012 keeps what arrived: Payment.paid_currency, paid_amount).
WeChat Pay's refunds always said CNY: 700 US cents paid for a 5000-fen order were refunded as
700 fen. Its refund API (/v3/refund/domestic/refunds) gives back CNY only, so such a refund is
refused before the rail is asked (CURRENCY_NOT_REFUNDABLE), and a REFUND_FAILED exception
opens for a person, which RETRY cannot settle (RETRY_NOT_APPLICABLE). Stripe refunds a charge
in its own currency: asked for no amount, it gives back what was taken."""

from __future__ import annotations

import pytest

from tests.mall.conftest import registered, send
from tests.mall.refund_flows import _paying
from tests.mall.standins.wechatpay import standin
from tests.mall.wechatpay_provider import payment_for, request
from unionhub.identity.models import AuditLog
from unionhub.mall.models import Payment, PaymentException
from unionhub.mall.providers.base import RefundRefused

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

RESOLVE = """mutation X($input: ResolvePaymentExceptionInput!) { resolvePaymentException(input: $input) {
  exception { id status } errors { code message } } }"""


async def test_wechat_pay_money_in_another_currency_is_not_refunded_as_cny(
        http, gql, factory, mall, monkeypatch):
    async with registered(standin(monkeypatch)) as wechat:
        member, operator = await factory.account(), await factory.operator()
        _order_id, ref = await _paying(gql, member, mall, wechat)
        wechat.pay(ref, amount_fen=700, currency="USD")
        assert wechat.accepted(await send(http, wechat.webhook_path,
                                          wechat.success_notification(ref)))
        assert wechat.refund_requests == []  # no refund of 700 "CNY" for 700 US cents
        payment = await Payment.get(provider_ref=ref)
        assert (payment.paid_currency, payment.paid_amount) == ("usd", 700)
        assert payment.status == "REFUND_FAILED"
        [flag] = await PaymentException.filter(kind="REFUND_FAILED", status="OPEN")
        assert "CURRENCY_NOT_REFUNDABLE" in flag.reason and flag.amount_fen is None
        [failed] = await AuditLog.filter(action="mall.payment.refund_failed")
        assert (failed.detail["code"], failed.detail["currency"], failed.detail["amount"]) == (
            "CURRENCY_NOT_REFUNDABLE", "usd", 700)
        # RETRY would ask the same rail again: refused, nothing changed; a person refunds it.
        retried = await gql(RESOLVE, {"input": {"id": str(flag.id), "action": "RETRY"}},
                            token=operator.token)
        [error] = retried.data["resolvePaymentException"]["errors"]
        assert error["code"] == "RETRY_NOT_APPLICABLE" and "usd" in error["message"]
        assert (await PaymentException.get(id=flag.id)).status == "OPEN"
        assert (await Payment.get(id=payment.id)).status == "REFUND_FAILED"
        assert wechat.refund_requests == []
        handled = await gql(RESOLVE, {"input": {"id": str(flag.id), "action": "HANDLED_OFFLINE",
                                                "note": "refunded 7.00 USD by bank transfer"}},
                            token=operator.token)
        assert handled.data["resolvePaymentException"]["errors"] == []


async def test_wechat_pay_refuses_a_refund_of_a_trade_it_holds_in_another_currency(
        provider, wechat):
    """The trade's own currency decides, as WeChat states it, even where our row has none."""
    checkout = await provider.create_payment(request(amount_fen=5000))
    wechat.pay(checkout.provider_ref, amount_fen=700, currency="USD")
    with pytest.raises(RefundRefused) as refused:
        await provider.refund(payment_for(checkout.provider_ref, 5000), None)
    assert refused.value.code == "CURRENCY_NOT_REFUNDABLE" and wechat.refund_requests == []


async def test_stripe_refunds_money_in_another_currency_in_that_currency(
        http, gql, factory, mall, stripe_api):
    member = await factory.account()
    _order_id, ref = await _paying(gql, member, mall, stripe_api)
    stripe_api.intents[ref]["currency"] = "usd"
    stripe_api.pay(ref, amount_fen=700)
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path,
                                          stripe_api.success_notification(ref)))
    [asked] = [r for r in stripe_api.refunds.values() if r["payment_intent"] == ref]
    assert "amount" not in asked or asked["amount"] == 700  # the charge's own, in usd
    assert (await Payment.get(provider_ref=ref)).status in ("REFUND_PENDING", "REFUNDED")
    assert await PaymentException.filter(kind="REFUND_FAILED").count() == 0
