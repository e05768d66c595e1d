"""The sandbox payment rail (issue 18) through HTTP: payOrder's checkout, the pay page's Pay,
Fail and Cancel buttons, and the rail's signed notifications through the same webhook route
and once-only gate as a real rail's; the whole lifecycle (paid, failed, timed out, paid late,
refunded, refund failed and retried). The CLI's side: tests/mall/test_sandbox_cli.py."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from tests.mall.conftest import PAY, place
from tests.production_env import PRODUCTION
from unionhub.clock import utcnow
from unionhub.mall import reconciliation, sandbox
from unionhub.mall.models import Order, Payment, PaymentException, PaymentMethod, ProviderEvent, SandboxTrade
from unionhub.mall.providers import provider_name_for, reset_providers
from unionhub.mall.providers.base import PaymentConfigurationError
from unionhub.mall.providers.sandbox import SIGNATURE_HEADER, SandboxProvider, signature
from unionhub.settings import InsecureProductionSettings, Settings, get_settings

REFUND = """mutation R($input: RefundOrderInput!) { refundOrder(input: $input) {
  order { id status } errors { code } } }"""
RESOLVE = """mutation X($input: ResolvePaymentExceptionInput!) { resolvePaymentException(input: $input) {
  exception { id status } errors { code } } }"""
ALL_SANDBOX = {"ALIPAY": "sandbox", "WECHAT_PAY": "sandbox", "CARD": "sandbox"}


@pytest.fixture
async def sandbox_rail(monkeypatch) -> AsyncIterator[None]:
    settings = get_settings()
    monkeypatch.setattr(settings, "payment_providers", ALL_SANDBOX)
    monkeypatch.setattr(settings, "sandbox_base_url", "http://test")
    await reset_providers()
    yield
    await reset_providers()


async def _pay_order(gql, member, order_id: str, method: str = "WECHAT_PAY") -> dict:
    r = await gql(PAY, {"input": {"orderId": order_id, "method": method}}, token=member.token)
    assert r.errors == [], r.errors
    return r.data["payOrder"]


async def _press(http, pay_url: str, outcome: str):
    path = pay_url.removeprefix("http://test")
    return await http.post(path, content=f"outcome={outcome}".encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})


async def test_the_pay_page_pays_fails_and_cancels_through_the_webhook(http, gql, factory,
                                                                       mall, sandbox_rail):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 2)]))["order"]
    paid = await _pay_order(gql, member, order["id"])
    checkout = paid["checkout"]
    assert checkout["provider"] == "sandbox" and paid["errors"] == []
    assert checkout["payUrl"] == f"http://test/sandbox/pay/{checkout['reference']}"
    assert paid["payment"]["amountFen"] == 10000
    page = await http.get(checkout["payUrl"].removeprefix("http://test"))
    assert page.status_code == 200 and "¥100.00" in page.text
    for outcome in ("pay", "fail", "cancel"):
        assert f'value="{outcome}"' in page.text
    assert "<script" not in page.text and "https://" not in page.text  # no CDN assets

    failed = await _press(http, checkout["payUrl"], "fail")
    assert failed.status_code == 303 and failed.headers["location"].endswith("said=applied")
    # Declined, not final: the trade stays payable.
    assert (await Payment.get(provider_ref=checkout["reference"])).status == "REQUIRES_PAYMENT"
    assert (await Order.get(id=int(order["id"]))).status == "PENDING_PAYMENT"
    # The member tries again: the same trade, payable again.
    again = await _pay_order(gql, member, order["id"])
    assert again["checkout"]["reference"] == checkout["reference"]
    cancelled = await _press(http, checkout["payUrl"], "cancel")
    assert cancelled.status_code == 303
    assert (await Order.get(id=int(order["id"]))).status == "PENDING_PAYMENT"
    assert (await _press(http, checkout["payUrl"], "pay")).status_code == 303
    assert (await Order.get(id=int(order["id"]))).status == "PAID"
    assert (await Payment.get(provider_ref=checkout["reference"])).status == "SUCCEEDED"
    assert await ProviderEvent.filter(provider="sandbox").count() == 3
    # Paid: the page shows it, with no buttons; pressing Pay again is refused, nothing moves.
    twice = await _press(http, checkout["payUrl"], "pay")
    assert twice.status_code == 200 and "SANDBOX_ALREADY_PAID" in twice.text
    assert 'value="pay"' not in twice.text
    assert await ProviderEvent.filter(provider="sandbox").count() == 3
    assert (await http.get("/sandbox/pay/UH404W")).status_code == 404


async def test_paid_by_another_method_the_first_trade_is_closed(http, gql, factory, mall,
                                                                sandbox_rail):
    """The member starts an Alipay trade, then pays by WeChat Pay: the next sweep closes the
    Alipay trade at its rail, so it can no longer take money (before, it stayed open, and
    money paid there later had to be refunded)."""
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    first = (await _pay_order(gql, member, order["id"], "ALIPAY"))["checkout"]
    second = (await _pay_order(gql, member, order["id"], "WECHAT_PAY"))["checkout"]
    assert (await _press(http, second["payUrl"], "pay")).status_code == 303
    assert (await Order.get(id=int(order["id"]))).status == "PAID"
    assert await reconciliation.cancel_expired_orders() == 0  # the minute's sweep
    assert (await SandboxTrade.get(out_trade_no=first["reference"])).status == "CLOSED"
    assert (await Payment.get(provider_ref=first["reference"])).status == "FAILED"
    assert (await Payment.get(provider_ref=second["reference"])).status == "SUCCEEDED"
    refused = await _press(http, first["payUrl"], "pay")
    assert refused.status_code == 200 and "SANDBOX_TRADE_CLOSED" in refused.text
    assert (await Order.get(id=int(order["id"]))).status == "PAID"
    # Closed once: the next sweep has nothing left to close.
    assert await reconciliation.close_unpayable_trades() == 0


async def test_forged_and_stale_sandbox_notifications_are_refused(http, gql, factory, mall,
                                                                  sandbox_rail):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    ref = (await _pay_order(gql, member, order["id"]))["checkout"]["reference"]
    body = json.dumps({"id": "sbx_forged", "type": "payment.succeeded", "out_trade_no": ref,
                       "amount_fen": 5000}).encode()
    for header in (signature("not-the-secret", body),
                   signature(get_settings().sandbox_secret, body,
                             int(utcnow().timestamp()) - 301), "garbage"):
        refused = await http.post(sandbox.WEBHOOK_PATH, content=body,
                                  headers={SIGNATURE_HEADER: header})
        assert refused.status_code == 400
    assert (await Order.get(id=int(order["id"]))).status == "PENDING_PAYMENT"
    assert await ProviderEvent.all().count() == 0


async def test_timed_out_paid_late_refunded_and_refund_failed(http, gql, factory, mall,
                                                             sandbox_rail):
    member = await factory.account()
    operator = await factory.operator()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    checkout = (await _pay_order(gql, member, order["id"], "CARD"))["checkout"]
    ref = checkout["reference"]
    # Timed out: cancelled, and the trade closed at the rail: the page no longer pays it.
    await Order.filter(id=int(order["id"])).update(expires_at=utcnow() - timedelta(seconds=1))
    assert await reconciliation.cancel_expired_orders() == 1
    assert (await SandboxTrade.get(out_trade_no=ref)).status == "CLOSED"
    closed = await _press(http, checkout["payUrl"], "pay")
    assert closed.status_code == 200 and "SANDBOX_TRADE_CLOSED" in closed.text
    # Paid late all the same (a payment racing the close, as the CLI can make one): refunded.
    trade = await SandboxTrade.get(out_trade_no=ref)
    assert (await sandbox.deliver(http, await sandbox.payer_outcome(
        trade, "pay", late_ok=True))).json()["outcome"] == "applied"
    assert (await Payment.get(provider_ref=ref)).status == "REFUND_PENDING"
    trade = await SandboxTrade.get(out_trade_no=ref)
    assert (trade.refund_status, trade.refund_no) == ("PROCESSING", f"{ref}R")
    # The refund fails at the rail: REFUND_FAILED, and a person is told.
    await sandbox.deliver(http, await sandbox.refund_outcome(trade, ok=False))
    assert (await Payment.get(provider_ref=ref)).status == "REFUND_FAILED"
    flag = await PaymentException.get(kind="REFUND_FAILED")
    assert "ACCOUNT_FROZEN" in flag.reason
    retried = await gql(RESOLVE, {"input": {"id": str(flag.id), "action": "RETRY"}},
                        token=operator.token)
    assert retried.data["resolvePaymentException"]["errors"] == []
    trade = await SandboxTrade.get(out_trade_no=ref)
    assert (trade.refund_status, trade.refund_no) == ("PROCESSING", f"{ref}R2")
    await sandbox.deliver(http, await sandbox.refund_outcome(trade, ok=True))
    assert (await Payment.get(provider_ref=ref)).status == "REFUNDED"
    assert (await Order.get(id=int(order["id"]))).status == "CANCELLED"
    with pytest.raises(sandbox.SandboxRefused) as nothing:
        await sandbox.refund_outcome(await SandboxTrade.get(out_trade_no=ref), ok=True)
    assert nothing.value.code == "SANDBOX_NO_REFUND_PENDING"


async def test_a_paid_order_refunded_through_the_sandbox(http, gql, factory, mall, sandbox_rail):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    checkout = (await _pay_order(gql, member, order["id"], "ALIPAY"))["checkout"]
    # The rail's trade expires with the order.
    assert (await SandboxTrade.get(out_trade_no=checkout["reference"])).expires_at == (
        await Order.get(id=int(order["id"]))).expires_at
    await _press(http, checkout["payUrl"], "pay")
    refunded = await gql(REFUND, {"input": {"orderId": order["id"]}}, token=member.token)
    assert refunded.data["refundOrder"]["order"]["status"] == "REFUNDED"
    payment = await Payment.get(provider_ref=checkout["reference"])
    assert payment.status == "REFUND_PENDING" and payment.refund_requested_at is not None
    trade = await SandboxTrade.get(out_trade_no=checkout["reference"])
    await sandbox.deliver(http, await sandbox.refund_outcome(trade, ok=True))
    assert (await Payment.get(id=payment.id)).status == "REFUNDED"


async def test_payment_errors_say_what_happened(gql, factory, mall, sandbox_rail, monkeypatch):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    # The rail holds this trade number for another amount.
    await SandboxTrade.create(out_trade_no=f"UH{order['id']}W", amount_fen=1,
                              expires_at=utcnow() + timedelta(minutes=5))
    mismatch = await _pay_order(gql, member, order["id"])
    assert mismatch["errors"] == [{"code": "PAYMENT_AMOUNT_MISMATCH", "field": "method",
                                   "message": "the payment provider holds this trade for "
                                              "another amount"}]
    # A rail named but not configured (its keys missing): unavailable, not "refused".
    monkeypatch.setattr(get_settings(), "payment_providers", {**ALL_SANDBOX,
                                                              "ALIPAY": "alipay"})
    await reset_providers()
    missing = await _pay_order(gql, member, order["id"], "ALIPAY")
    assert missing["errors"][0]["code"] == "PAYMENT_PROVIDER_UNAVAILABLE"
    assert await Payment.all().count() == 0


async def test_a_rail_that_cannot_be_reached_is_unavailable(gql, factory, mall, monkeypatch):
    from tests.mall.conftest import registered
    from tests.mall.standins.wechatpay import standin

    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    async with registered(standin(monkeypatch)) as wechat:
        wechat.unreachable = True
        down = await _pay_order(gql, member, order["id"])
    assert down["errors"] == [{"code": "PAYMENT_PROVIDER_UNAVAILABLE", "field": "method",
                               "message": "the payment provider could not be reached; try "
                                          "again later"}]


def test_the_sandbox_is_the_development_default_and_production_refuses_it(monkeypatch):
    for name in PRODUCTION:
        monkeypatch.delenv(name, raising=False)
    development = Settings(env="development")
    assert {provider_name_for(m, development) for m in (
        PaymentMethod.ALIPAY, PaymentMethod.WECHAT_PAY, PaymentMethod.CARD)} == {"sandbox"}
    assert provider_name_for(PaymentMethod.CARD, Settings(env="test")) == "stripe"
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    assert provider_name_for(PaymentMethod.ALIPAY, Settings()) == "stripe"
    monkeypatch.setenv("UNIONHUB_PAYMENT_PROVIDERS", '{"WECHAT_PAY": "sandbox"}')
    with pytest.raises(InsecureProductionSettings) as refused:
        Settings()
    assert "sandbox" in str(refused.value)
    production = Settings.model_construct(**{**development.model_dump(), "env": "production"})
    with pytest.raises(PaymentConfigurationError):
        SandboxProvider(production)
    with pytest.raises(sandbox.SandboxRefused) as disabled:
        sandbox.refuse_unless_enabled(production)
    assert disabled.value.code == "SANDBOX_DISABLED_IN_PRODUCTION"
