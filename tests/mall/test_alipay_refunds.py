"""Alipay refunds and queries through the signed gateway, against the Alipay stand-in: a
refund and its repeat, a refusal for good, trade and refund queries; gateway errors, network
errors and answers not signed by Alipay are ProviderUnavailable; requests signed with another
key are refused by the gateway."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from tests.mall.alipay_provider import Rail
from tests.mall.standins.alipay import configure, keys, standin
from unionhub.mall.models import Payment
from unionhub.mall.providers.alipay import AlipayProvider
from unionhub.mall.providers.base import (
    FactKind,
    ProviderUnavailable,
    RefundRefused,
    query_event_id,
)
from unionhub.settings import get_settings


async def test_refund_then_repeat(ali: Rail) -> None:
    ref = await ali.paid(5000)
    result = await ali.provider.refund(ali.payment(ref), "库存不足")
    assert result.completed and result.refund_ref == f"{ref}R"
    method, biz = ali.alipay.requests[-1]
    assert method == "alipay.trade.refund"
    assert biz == {"out_trade_no": ref, "refund_amount": "50.00", "out_request_no": f"{ref}R",
                   "refund_reason": "库存不足"}
    assert ali.alipay.trades[ref].status == "TRADE_CLOSED"

    again = await ali.provider.refund(ali.payment(ref), None)  # fund_change "N"
    assert again.completed and again.refund_ref == f"{ref}R"
    assert [m for m, _ in ali.alipay.requests[-2:]] == [
        "alipay.trade.refund", "alipay.trade.fastpay.refund.query"]
    assert ali.alipay.trades[ref].refunded_fen == 5000  # the money went back once
    assert ali.alipay.calls.refunds == [ref, ref]


async def test_refund_refused_by_alipay_for_good_ends_it(ali: Rail, caplog) -> None:
    checkout = await ali.checkout()
    ref = ali.alipay.ref_from_checkout({"payUrl": checkout.pay_url})
    ali.alipay.trades[ref].opened = True  # opened but unpaid: Alipay will never refund it
    with caplog.at_level(logging.WARNING), pytest.raises(RefundRefused) as refused:
        await ali.provider.refund(ali.payment(ref), None)
    assert refused.value.code == "ACQ.TRADE_STATUS_ERROR"
    assert "ACQ.TRADE_STATUS_ERROR" in caplog.text and "交易状态不合法" not in caplog.text
    # A refusal that may pass (the gateway down, unsigned errors) stays "ask again later".
    ali.alipay.fail_next_call = "http"
    with pytest.raises(ProviderUnavailable):
        await ali.provider.refund(ali.payment(ref), None)


async def test_query(ali: Rail) -> None:
    checkout = await ali.checkout(5000)
    ref = ali.alipay.ref_from_checkout({"payUrl": checkout.pay_url})
    assert await ali.provider.query(ali.payment(ref)) is None  # ACQ.TRADE_NOT_EXIST
    ali.alipay.trades[ref].opened = True
    assert await ali.provider.query(ali.payment(ref)) is None  # WAIT_BUYER_PAY
    ali.alipay.pay(ref, amount_fen=4990)
    fact = await ali.provider.query(ali.payment(ref))
    assert fact.kind == FactKind.SUCCEEDED and fact.amount_fen == 4990 and fact.currency == "cny"
    assert fact.event_id == query_event_id(ref, FactKind.SUCCEEDED) and fact.provider_ref == ref
    assert ali.alipay.calls.queries == [ref, ref, ref]


async def test_query_closed_trade(ali: Rail) -> None:
    checkout = await ali.checkout()
    ref = ali.alipay.ref_from_checkout({"payUrl": checkout.pay_url})
    ali.alipay.close(ref)
    fact = await ali.provider.query(ali.payment(ref))
    assert fact.kind == FactKind.CLOSED and fact.failure_code == "TRADE_CLOSED"
    assert fact.event_id == query_event_id(ref, FactKind.CLOSED)


async def test_query_refund(ali: Rail) -> None:
    ref = await ali.paid(5000)
    payment = ali.payment(ref, refund_ref=f"{ref}R")
    assert await ali.provider.query_refund(payment) is None  # no refund_status yet
    ali.alipay.refund_notification(ref)  # the refund completes at Alipay
    fact = await ali.provider.query_refund(payment)
    # The request's own amount (refund_fen): ours asks for all that remains, so it is whole.
    assert fact.kind == FactKind.REFUNDED and fact.full_refund and fact.refund_fen == 5000
    assert fact.event_id == query_event_id(ref, FactKind.REFUNDED)
    method, biz = ali.alipay.requests[-1]
    assert method == "alipay.trade.fastpay.refund.query"
    assert biz == {"out_trade_no": ref, "out_request_no": f"{ref}R"}


@pytest.mark.parametrize("failure", ["signature", "http"])
async def test_gateway_errors_are_unavailable(ali: Rail, failure: str, caplog) -> None:
    ref = await ali.paid()
    ali.alipay.fail_next_call = failure
    with caplog.at_level(logging.WARNING), pytest.raises(ProviderUnavailable):
        await ali.provider.query(ali.payment(ref))
    if failure == "signature":
        assert "isv.invalid-signature" in caplog.text and "验签" not in caplog.text
    assert (await ali.provider.query(ali.payment(ref))).kind == FactKind.SUCCEEDED


async def test_network_error_is_unavailable(ali: Rail, monkeypatch) -> None:
    ref = await ali.paid()

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    monkeypatch.setattr(ali.alipay, "gateway", unreachable)
    with pytest.raises(ProviderUnavailable):
        await ali.provider.refund(ali.payment(ref), None)


async def test_an_answer_not_signed_by_alipay_is_refused(ali: Rail, monkeypatch) -> None:
    ref = await ali.paid()
    # A man in the middle: a plausible TRADE_SUCCESS answer signed with another key.
    text = json.dumps({"code": "10000", "msg": "Success", "out_trade_no": ref,
                       "trade_status": "TRADE_SUCCESS", "total_amount": "50.00"},
                      separators=(",", ":"))
    forged = f'{{"alipay_trade_query_response":{text},"sign":"{keys("forger").sign(text)}"}}'
    monkeypatch.setattr(ali.alipay, "gateway", lambda request: httpx.Response(200, text=forged))
    with pytest.raises(ProviderUnavailable):
        await ali.provider.query(ali.payment(ref))


async def test_requests_signed_with_another_key_are_refused_by_the_gateway(monkeypatch) -> None:
    with standin(monkeypatch) as alipay:
        configure(monkeypatch, alipay_app_private_key=keys("forger").private_pem)
        provider = AlipayProvider(get_settings())
        try:
            with pytest.raises(ProviderUnavailable):
                await provider.query(Payment(provider_ref="UH1", amount_fen=1))
        finally:
            await provider.aclose()
        assert alipay.requests == []
