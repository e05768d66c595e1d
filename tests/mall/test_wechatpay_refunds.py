"""WeChat Pay refunds and status queries, against the local stand-in: a refund asked once per
payment (out_refund_no), refused when WeChat refuses, a wrongly paid amount refunded in full;
trade states and refunds as facts when queried."""

from __future__ import annotations

import pytest

from tests.mall.standins._wechatpay_keys import NOTIFY_URL
from tests.mall.wechatpay_provider import paid, payment_for, request
from unionhub.mall.providers.base import (
    FactKind,
    ProviderUnavailable,
    RefundRefused,
    query_event_id,
)


async def test_refund_is_asked_once_per_payment(provider, wechat):
    ref = await paid(provider, wechat, amount_fen=5000)
    result = await provider.refund(payment_for(ref), "商品缺货")
    assert result.refund_ref == f"{ref}R" and not result.completed  # PROCESSING
    sent = wechat.refund_requests[0]
    assert sent["out_trade_no"] == ref and sent["out_refund_no"] == f"{ref}R"
    assert sent["amount"] == {"refund": 5000, "total": 5000, "currency": "CNY"}
    assert sent["notify_url"] == NOTIFY_URL and sent["reason"] == "商品缺货"
    again = await provider.refund(payment_for(ref), None)
    assert again.refund_ref == result.refund_ref
    assert len(wechat.refund_requests) == 2 and wechat.calls.refunds == [ref]
    wechat.refund_notification(ref)  # the refund completes at WeChat
    assert (await provider.refund(payment_for(ref), None)).completed


async def test_refund_refused_by_a_business_rule_is_refused_for_good(provider, wechat):
    """WeChat's 400 INVALID_REQUEST (here: the trade was never paid; in life, chiefly more
    than the trade has left) is final, not an outage to retry."""
    checkout = await provider.create_payment(request())
    with pytest.raises(RefundRefused) as refused:
        await provider.refund(payment_for(checkout.provider_ref), None)
    assert refused.value.code == "INVALID_REQUEST"


async def test_refund_wechat_cannot_take_now_is_asked_again(provider, wechat):
    ref = await paid(provider, wechat, amount_fen=5000)
    wechat.trades.pop(ref)  # RESOURCE_NOT_EXISTS (404): not a business rule's refusal
    with pytest.raises(ProviderUnavailable):
        await provider.refund(payment_for(ref), None)


@pytest.mark.parametrize(("state", "kind"), [
    ("SUCCESS", FactKind.SUCCEEDED), ("CLOSED", FactKind.CLOSED),
    # PAYERROR: a failed attempt, not final (the order's timeout closes the trade)
    ("PAYERROR", FactKind.FAILED), ("REVOKED", FactKind.CLOSED),
    ("NOTPAY", None), ("USERPAYING", None)])
async def test_query_by_trade_state(provider, wechat, state, kind):
    checkout = await provider.create_payment(request(amount_fen=2500))
    ref = checkout.provider_ref
    if state == "SUCCESS":
        wechat.pay(ref)
    else:
        wechat.set_state(ref, state)
    fact = await provider.query(payment_for(ref, 2500))
    assert wechat.calls.queries == [ref]
    if kind is None:
        assert fact is None
        return
    assert fact.kind is kind and fact.provider_ref == ref
    assert fact.event_id == query_event_id(ref, kind)
    if kind is FactKind.SUCCEEDED:
        assert (fact.amount_fen, fact.currency) == (2500, "cny")
    else:
        assert fact.failure_code == state


async def test_query_of_a_trade_wechat_never_saw(provider, wechat):
    assert await provider.query(payment_for("UH99999999W")) is None


async def test_query_refund(provider, wechat):
    ref = await paid(provider, wechat)
    payment = payment_for(ref, refund_ref=f"{ref}R")
    assert await provider.query_refund(payment) is None  # not asked yet
    await provider.refund(payment, None)
    assert await provider.query_refund(payment) is None  # PROCESSING
    wechat.refund_notification(ref)  # never delivered: the query finds out
    fact = await provider.query_refund(payment)
    assert fact.kind is FactKind.REFUNDED and fact.provider_ref == ref and fact.full_refund


async def test_a_wrongly_paid_amount_is_refunded_in_full(provider, wechat):
    checkout = await provider.create_payment(request(amount_fen=5000))
    wechat.pay(checkout.provider_ref, amount_fen=100)
    await provider.refund(payment_for(checkout.provider_ref, 5000), None)
    assert wechat.refund_requests[0]["amount"] == {"refund": 100, "total": 100, "currency": "CNY"}


async def test_refund_to_a_closed_payer_account_is_refused_for_good(provider, wechat):
    """403 USER_ACCOUNT_ABNORMAL: the payer's WeChat Pay account is closed or frozen; asked
    again it is refused again (the merchant refunds another way)."""
    ref = await paid(provider, wechat, amount_fen=5000)
    wechat.payer_account_closed = True
    with pytest.raises(RefundRefused) as refused:
        await provider.refund(payment_for(ref), None)
    assert refused.value.code == "USER_ACCOUNT_ABNORMAL"
