"""Money the system moves on a rail's verified fact is on the audit log (mall/money_audit.py):
a payment received, money to give back, a refund completed (ours, or made at the provider)
or ended failed, and the exception opened for a person. Driven over each rail's stand-in
through its real SDK (Stripe, WeChat Pay, Alipay) and through the sandbox rail's webhook:
one row per movement however often the fact arrives, the actor the system and the rail
named, details of ids, codes and amounts only, and the hash chain still whole."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from tests.mall.conftest import ADDRESS, PAY, deliver, place, registered, send
from tests.processes import run
from unionhub.clock import utcnow
from unionhub.identity import audit_integrity, audit_linker
from unionhub.identity.models import AuditLog
from unionhub.mall import reconciliation, sandbox
from unionhub.mall.models import Order, Payment, PaymentException, SandboxTrade
from unionhub.mall.providers import reset_providers
from unionhub.settings import get_settings

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

REFUND = """mutation R($input: RefundOrderInput!) { refundOrder(input: $input) {
  order { id status } errors { code } } }"""
RESOLVE = """mutation X($input: ResolvePaymentExceptionInput!) { resolvePaymentException(input: $input) {
  exception { id status } errors { code } } }"""
# The names are the contract (auditLog's action filter): spelled out here, not imported.
RECEIVED, DUE = "mall.payment.received", "mall.payment.refund_due"
REFUNDED, FAILED = "mall.payment.refunded", "mall.payment.refund_failed"
OPENED = "mall.payment_exception.open"
SYSTEM_MONEY = (RECEIVED, DUE, REFUNDED, FAILED, OPENED)
# Ids, codes and amounts: nothing else may be in a row's detail.
DETAIL_KEYS = {"by", "payment_id", "order_id", "method", "amount_fen", "amount", "reason", "currency",
               "expected_fen", "full", "made_at_provider", "refunded_total_fen",
               "refund_fen", "refunded_total", "refund", "order_refunded", "code", "kind",
               "provider_ref"}


async def _rows(action: str | None = None) -> list[AuditLog]:
    qs = AuditLog.filter(action=action) if action else AuditLog.filter(action__in=SYSTEM_MONEY)
    return await qs.order_by("id")


async def _checked(*members) -> list[AuditLog]:
    """Every system money row, once linked: by no one, of ids, codes and amounts (no member's
    phone, name or address); and the chain verifies."""
    await audit_linker.settle()
    report = await audit_integrity.verify()
    assert report.ok, report.breach
    assert report.unlinked.rows == 0
    rows = await _rows()
    text = json.dumps([r.detail for r in rows], ensure_ascii=False)
    personal = [ADDRESS["recipient"], ADDRESS["phone"], ADDRESS["detail"]]
    for member in members:
        personal += [v for v in (member.phone, member.name, member.id_number) if v]
    assert [v for v in personal if v in text] == []
    for row in rows:
        assert row.actor_id is None and row.seq is not None
        assert set(row.detail) <= DETAIL_KEYS, row.detail
    return rows


async def _start(gql, member, rail, sku_id: str, quantity: int = 1) -> tuple[Order, str]:
    """An order, and payOrder with the rail's method: the order and the provider ref."""
    placed = (await place(gql, member, [(sku_id, quantity)]))["order"]
    r = await gql(PAY, {"input": {"orderId": placed["id"], "method": rail.method}},
                  token=member.token)
    assert r.errors == [], r.errors
    return await Order.get(id=int(placed["id"])), rail.ref_from_checkout(
        r.data["payOrder"]["checkout"])


async def _paid(http, gql, member, mall, rail) -> tuple[Order, str]:
    order, ref = await _start(gql, member, rail, mall.sku_id)
    rail.pay(ref)
    assert rail.accepted(await send(http, rail.webhook_path, rail.success_notification(ref)))
    assert (await Order.get(id=order.id)).status == "PAID"
    return order, ref


def _movement(row: AuditLog, rail_or_provider, payment: Payment, order: Order) -> dict:
    """The fields every movement row has; returns the rest of its detail."""
    provider = getattr(rail_or_provider, "provider", rail_or_provider)
    assert (row.subject_type, row.subject_id, row.union_id) == ("order", str(order.id),
                                                                order.union_id)
    detail = dict(row.detail)
    assert {k: detail.pop(k) for k in ("by", "payment_id", "order_id", "method")} == {
        "by": provider, "payment_id": payment.id, "order_id": order.id,
        "method": payment.method.value}
    return detail


async def test_a_paid_order_is_audited_once_however_often_notified(http, gql, factory, mall,
                                                                  rail):
    member = await factory.account()
    order, ref = await _start(gql, member, rail, mall.sku_id, 2)
    rail.pay(ref)
    notification = rail.success_notification(ref)
    answers = await asyncio.gather(*(send(http, rail.webhook_path, notification)
                                     for _ in range(4)))
    assert all(rail.accepted(a) for a in answers)
    # The same fact under a second notification id moves nothing: no second row.
    other = rail.success_notification(ref, notification_id="another-notification-0001")
    assert rail.accepted(await send(http, rail.webhook_path, other))
    assert (await Order.get(id=order.id)).status == "PAID"
    [row] = await _checked(member)
    assert row.action == RECEIVED
    payment = await Payment.get(provider_ref=ref)
    assert _movement(row, rail, payment, order) == {"amount_fen": 10000}


async def test_late_money_is_audited_as_due_then_refunded(http, gql, factory, mall, rail):
    member = await factory.account()
    order, ref = await _start(gql, member, rail, mall.sku_id)
    await Order.filter(id=order.id).update(expires_at=utcnow() - timedelta(seconds=1))
    assert await reconciliation.cancel_expired_orders() == 1
    rail.pay(ref)  # the member's payment goes through after all
    for _ in range(3):
        assert rail.accepted(await send(http, rail.webhook_path, rail.success_notification(ref)))
    if not rail.refunds_complete_synchronously:
        assert await _rows(REFUNDED) == []  # asked for: not refunded yet
        refund_done = rail.refund_notification(ref)
        for _ in range(2):  # redelivered: one row
            assert rail.accepted(await send(http, rail.webhook_path, refund_done))
    payment = await Payment.get(provider_ref=ref)
    assert payment.status == "REFUNDED"
    due, refunded = await _checked(member)
    assert (due.action, refunded.action) == (DUE, REFUNDED)
    assert _movement(due, rail, payment, order) == {
        "reason": "CANCELLED", "amount_fen": 5000, "currency": "cny", "expected_fen": 5000}
    assert _movement(refunded, rail, payment, order) == {
        "full": True, "made_at_provider": False, "refunded_total_fen": 5000,
        "order_refunded": False}
    assert (await Order.get(id=order.id)).status == "CANCELLED"


async def test_a_wrong_amount_is_audited_with_its_exception(http, gql, factory, mall, rail):
    member = await factory.account()
    order, ref = await _start(gql, member, rail, mall.sku_id)
    rail.pay(ref, amount_fen=100)
    assert rail.accepted(await send(http, rail.webhook_path, rail.success_notification(ref)))
    if not rail.refunds_complete_synchronously:
        assert rail.accepted(await send(http, rail.webhook_path, rail.refund_notification(ref)))
    payment = await Payment.get(provider_ref=ref)
    assert payment.status == "REFUNDED"
    flag = await PaymentException.get(kind="AMOUNT_MISMATCH")
    due, opened, refunded = await _checked(member)
    assert _movement(due, rail, payment, order) == {
        "reason": "amount", "amount_fen": 100, "currency": "cny", "expected_fen": 5000}
    assert (opened.action, opened.subject_type, opened.subject_id) == (
        OPENED, "payment_exception", str(flag.id))
    assert opened.detail == {"by": rail.provider, "kind": "AMOUNT_MISMATCH",
                             "payment_id": payment.id, "order_id": order.id, "amount_fen": 100}
    # What went back is what was paid, not what the order asked.
    assert _movement(refunded, rail, payment, order) == {
        "full": True, "made_at_provider": False, "refunded_total_fen": 100,
        "order_refunded": False}


async def test_refunds_say_who_made_them(http, gql, factory, mall, rail):
    member = await factory.account()
    # Refunded in the provider's dashboard: the order is refunded by the rail's word.
    dashboard, dashboard_ref = await _paid(http, gql, member, mall, rail)
    refund_done = rail.refund_notification(dashboard_ref)
    for _ in range(2):
        assert rail.accepted(await send(http, rail.webhook_path, refund_done))
    assert (await Order.get(id=dashboard.id)).status == "REFUNDED"
    # Asked for by the member: the member's refund row, then the system's when it completes.
    asked, asked_ref = await _paid(http, gql, member, mall, rail)
    refunded = await gql(REFUND, {"input": {"orderId": str(asked.id)}}, token=member.token)
    assert refunded.data["refundOrder"]["errors"] == []
    if not rail.refunds_complete_synchronously:
        assert rail.accepted(await send(http, rail.webhook_path,
                                        rail.refund_notification(asked_ref)))
    assert (await Payment.get(provider_ref=asked_ref)).status == "REFUNDED"
    rows = await _checked(member)
    assert [r.action for r in rows] == [RECEIVED, REFUNDED, RECEIVED, REFUNDED]
    by_provider = await Payment.get(provider_ref=dashboard_ref)
    assert _movement(rows[1], rail, by_provider, dashboard) == {
        "full": True, "made_at_provider": True, "refunded_total_fen": 5000,
        "order_refunded": True}
    ours = await Payment.get(provider_ref=asked_ref)
    assert _movement(rows[3], rail, ours, asked) == {
        "full": True, "made_at_provider": False, "refunded_total_fen": 5000,
        "order_refunded": False}
    [request] = await _rows("mall.order.refund")
    assert (request.actor_id, request.subject_id) == (int(member.id), str(asked.id))


async def test_a_failed_refund_is_audited_with_its_exception(http, gql, factory, mall, rail):
    member = await factory.account()
    order, ref = await _paid(http, gql, member, mall, rail)
    rail.fail_next_refund = True
    await gql(REFUND, {"input": {"orderId": str(order.id)}}, token=member.token)
    failure = rail.refund_failed_notification(ref)
    if failure is not None:  # else the refund call's answer said so
        for _ in range(2):
            assert rail.accepted(await send(http, rail.webhook_path, failure))
    payment = await Payment.get(provider_ref=ref)
    assert payment.status == "REFUND_FAILED"
    flag = await PaymentException.get(kind="REFUND_FAILED")
    received, failed, opened = await _checked(member)
    assert (received.action, failed.action, opened.action) == (RECEIVED, FAILED, OPENED)
    detail = _movement(failed, rail, payment, order)
    assert detail.pop("amount_fen") == 5000 and detail.pop("code")
    assert detail == {}
    assert (opened.subject_type, opened.subject_id) == ("payment_exception", str(flag.id))
    assert opened.union_id == order.union_id  # (auditLog's union filter finds it)
    assert opened.detail == {"by": rail.provider, "kind": "REFUND_FAILED",
                             "payment_id": payment.id, "order_id": order.id, "amount_fen": 5000}


async def test_a_partial_refund_at_the_provider_is_audited(http, gql, factory, mall, stripe_api):
    member = await factory.account()
    order, ref = await _paid(http, gql, member, mall, stripe_api)
    partial = stripe_api.event("charge.refunded", ref, amount_refunded=1000, refunded=False)
    for _ in range(2):  # one event, delivered twice
        assert (await deliver(http, partial)).status_code == 200
    assert (await Order.get(id=order.id)).status == "PAID"
    payment = await Payment.get(provider_ref=ref)
    assert payment.status == "SUCCEEDED"
    received, refunded = await _checked(member)
    # The charge's amount_refunded is its running total.
    assert _movement(refunded, stripe_api, payment, order) == {
        "full": False, "made_at_provider": True, "refunded_total_fen": 1000,
        "order_refunded": False}
    assert received.action == RECEIVED


async def test_partial_refunds_then_the_rest_read_as_a_running_total(http, gql, factory, mall,
                                                                     monkeypatch):
    """Alipay's merchant portal gives back 10.00, 15.00, then the last 25.00 of 50.00: the
    rows hold the refunded total after each (review: they said `amount_fen` 1000, 2500 and
    5000, which added up to 85.00 refunded for 50.00 paid)."""
    from tests.mall.standins.alipay import standin

    async with registered(standin(monkeypatch)) as ali:
        member = await factory.account()
        order, ref = await _paid(http, gql, member, mall, ali)
        trade = ali.trades[ref]
        for number, fen in (("dash-1", 1000), ("dash-2", 1500), ("dash-3", 2500)):
            trade.refunds[number] = fen
            if number == "dash-3":
                trade.status = "TRADE_CLOSED"  # all of it back: the trade closes
            assert ali.accepted(await send(http, ali.webhook_path, ali.notification(ref)))
    payment = await Payment.get(provider_ref=ref)
    assert payment.status == "REFUNDED"
    rows = [r for r in await _checked(member) if r.action == REFUNDED]
    assert [(r.detail["full"], r.detail["refunded_total_fen"]) for r in rows] == [
        (False, 1000), (False, 2500), (True, 5000)]
    assert all("amount_fen" not in r.detail for r in rows)
    assert (await Order.get(id=order.id)).status == "REFUNDED"


async def test_a_partial_wechat_pay_refund_is_audited(http, gql, factory, mall, monkeypatch):
    from tests.mall.standins.wechatpay import standin

    async with registered(standin(monkeypatch)) as wechat:
        member = await factory.account()
        order, ref = await _paid(http, gql, member, mall, wechat)
        partial = wechat.refund_notification(ref, refund_fen=100)
        assert wechat.accepted(await send(http, wechat.webhook_path, partial))
    payment = await Payment.get(provider_ref=ref)
    assert payment.status == "SUCCEEDED"
    received, refunded = await _checked(member)
    assert (received.action, refunded.action) == (RECEIVED, REFUNDED)
    # WeChat Pay states this refund's amount: the total is our sum of the payment's refunds.
    assert _movement(refunded, "wechatpay", payment, order) == {
        "full": False, "made_at_provider": True, "refunded_total_fen": 100, "refund_fen": 100,
        "order_refunded": False}
    assert (await Order.get(id=order.id)).status == "PAID"


async def test_money_for_no_order_of_ours_is_audited_once(http, gql, factory, mall, stripe_api):
    member = await factory.account()
    order, ref = await _paid(http, gql, member, mall, stripe_api)
    stray = {**stripe_api.intents[ref], "id": "pi_stray0001TEST", "metadata": {"order_id": "99999"}}
    stripe_api.intents["pi_stray0001TEST"] = stray
    for _ in range(2):  # refused, so redelivered: one exception, one row
        event = stripe_api.event("payment_intent.succeeded", "pi_stray0001TEST")
        assert (await deliver(http, event)).status_code == 400
    flag = await PaymentException.get(kind="UNKNOWN_ORDER")
    received, opened = await _checked(member)
    assert received.subject_id == str(order.id)
    assert (opened.action, opened.subject_id) == (OPENED, str(flag.id))
    assert opened.detail == {"by": "stripe", "kind": "UNKNOWN_ORDER", "payment_id": None,
                             "order_id": None, "amount_fen": 5000,
                             "provider_ref": "pi_stray0001TEST"}


# --- the sandbox rail, through its webhook -----------------------------------------------------

@pytest.fixture
async def sandbox_rail(monkeypatch) -> AsyncIterator[None]:
    settings = get_settings()
    monkeypatch.setattr(settings, "payment_providers",
                        {"ALIPAY": "sandbox", "WECHAT_PAY": "sandbox", "CARD": "sandbox"})
    monkeypatch.setattr(settings, "sandbox_base_url", "http://test")
    await reset_providers()
    yield
    await reset_providers()


async def _sandbox_order(gql, member, sku_id: str) -> tuple[Order, str]:
    placed = (await place(gql, member, [(sku_id, 1)]))["order"]
    r = await gql(PAY, {"input": {"orderId": placed["id"], "method": "WECHAT_PAY"}},
                  token=member.token)
    return await Order.get(id=int(placed["id"])), r.data["payOrder"]["checkout"]["reference"]


async def test_the_sandbox_rail_is_audited_like_the_others(http, gql, factory, mall,
                                                          sandbox_rail):
    member = await factory.account()
    operator = await factory.operator()
    # Paid: one row, however often the rail says so.
    paid, paid_ref = await _sandbox_order(gql, member, mall.sku_id)
    said = await sandbox.payer_outcome(await SandboxTrade.get(out_trade_no=paid_ref), "pay",
                                       late_ok=False)
    assert [(await sandbox.deliver(http, said)).json()["outcome"] for _ in range(2)] == [
        "applied", "duplicate"]
    # Paid late (the order timed out): refunded; the refund fails, then a retry goes through.
    late, late_ref = await _sandbox_order(gql, member, mall.cheap_sku_id)
    await Order.filter(id=late.id).update(expires_at=utcnow() - timedelta(seconds=1))
    assert await reconciliation.cancel_expired_orders() == 1
    trade = await SandboxTrade.get(out_trade_no=late_ref)
    await sandbox.deliver(http, await sandbox.payer_outcome(trade, "pay", late_ok=True))
    trade = await SandboxTrade.get(out_trade_no=late_ref)
    await sandbox.deliver(http, await sandbox.refund_outcome(trade, ok=False))
    flag = await PaymentException.get(kind="REFUND_FAILED")
    retried = await gql(RESOLVE, {"input": {"id": str(flag.id), "action": "RETRY"}},
                        token=operator.token)
    assert retried.data["resolvePaymentException"]["errors"] == []
    trade = await SandboxTrade.get(out_trade_no=late_ref)
    await sandbox.deliver(http, await sandbox.refund_outcome(trade, ok=True))
    assert (await Payment.get(provider_ref=late_ref)).status == "REFUNDED"

    rows = await _checked(member, operator)
    assert [r.action for r in rows] == [RECEIVED, DUE, FAILED, OPENED, REFUNDED]
    assert {r.detail["by"] for r in rows} == {"sandbox"}
    payment, late_payment = (await Payment.get(provider_ref=paid_ref),
                             await Payment.get(provider_ref=late_ref))
    assert _movement(rows[0], "sandbox", payment, paid) == {"amount_fen": 5000}
    assert _movement(rows[1], "sandbox", late_payment, late)["reason"] == "CANCELLED"
    assert _movement(rows[2], "sandbox", late_payment, late)["code"] == "ACCOUNT_FROZEN"
    assert _movement(rows[4], "sandbox", late_payment, late)["made_at_provider"] is False
    # The resolution between them is the operator's own row; the chain holds all of it.
    [resolved] = await _rows("mall.payment_exception.resolve")
    assert resolved.actor_id == int(operator.id) and resolved.subject_id == str(flag.id)
    verified = await run("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "audit chain intact" in verified.stdout


async def test_money_in_another_currency_is_audited_as_what_arrived(http, gql, factory, mall,
                                                                    stripe_api):
    """Stripe took 700 (US cents) for an order of 5000 fen: the exception and the audit rows
    recorded 700 as fen (amount_fen 700, refunded_total_fen 700). Now the exception holds no
    fen figure and says what arrived; the rows say amount and currency."""
    from tests.mall.standins.stripe import signed

    member = await factory.account()
    order, ref = await _start(gql, member, stripe_api, mall.sku_id)
    stripe_api.intents[ref]["currency"] = "usd"
    stripe_api.pay(ref, amount_fen=700)
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path,
                                          stripe_api.success_notification(ref)))
    payment = await Payment.get(provider_ref=ref)
    assert payment.status == "REFUND_PENDING"
    flag = await PaymentException.get(kind="AMOUNT_MISMATCH")
    assert flag.amount_fen is None and "700 usd" in flag.reason
    done = signed(stripe_api.event("charge.refunded", ref, amount_refunded=700,
                                   amount_received=700))
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path, done))
    assert (await Payment.get(provider_ref=ref)).status == "REFUNDED"
    due, opened, refunded = await _checked(member)
    assert _movement(due, stripe_api, payment, order) == {
        "reason": "currency", "amount": 700, "currency": "usd", "expected_fen": 5000}
    assert opened.detail == {"by": "stripe", "kind": "AMOUNT_MISMATCH", "payment_id": payment.id,
                             "order_id": order.id, "amount_fen": None, "amount": 700,
                             "currency": "usd"}
    assert _movement(refunded, stripe_api, payment, order) == {
        "full": True, "made_at_provider": False, "refunded_total": 700, "currency": "usd",
        "order_refunded": False}
