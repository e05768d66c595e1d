"""The OPERATOR's payment exception queue (issue 18), over the rails' stand-ins through their
real SDKs: a failed refund lands in the queue and a RETRY refunds through the rail; a wrong
amount is handled offline (RETRY refused, a note required); two operators resolving at once
resolve once; money for an order we do not have, or an absurd amount, opens one exception; a
failure notified at once under many ids opens one."""

from __future__ import annotations

import asyncio

import pytest

from tests.mall.conftest import place, send
from tests.mall.refund_flows import REFUND, _end_refund_failed, _paid_order, _paying
from unionhub.identity.models import AuditLog
from unionhub.mall.models import OrderEvent, Payment, PaymentException
from unionhub.mall.payments import apply_fact
from unionhub.mall.providers.base import FactKind, PaymentFact

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

QUEUE = """query Q($status: PaymentExceptionStatus, $first: Int, $after: String) {
  paymentExceptions(status: $status, first: $first, after: $after) {
    edges { node { id kind status orderId paymentId provider providerRef amountFen reason
                   resolution note resolvedById } }
    pageInfo { hasNextPage endCursor } } }"""
RESOLVE = """mutation X($input: ResolvePaymentExceptionInput!) { resolvePaymentException(input: $input) {
  exception { id status resolution note } errors { code field } } }"""


async def _complete_refund(http, rail, ref: str) -> None:
    if not rail.refunds_complete_synchronously:
        assert (await Payment.get(provider_ref=ref)).status == "REFUND_PENDING"
        assert rail.accepted(await send(http, rail.webhook_path, rail.refund_notification(ref)))
    assert (await Payment.get(provider_ref=ref)).status == "REFUNDED"


async def test_a_failed_refund_lands_in_the_queue_and_retry_refunds(http, gql, factory, mall,
                                                                   rail):
    member = await factory.account()
    operator = await factory.operator()
    order_id, ref = await _paid_order(http, gql, member, mall, rail)
    rail.fail_next_refund = True
    refunded = await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    assert refunded.data["refundOrder"]["order"]["status"] == "REFUNDED"
    payment = await Payment.get(provider_ref=ref)
    assert payment.refund_requested_at is not None
    await _end_refund_failed(http, rail, ref)
    kinds = [e.kind for e in await OrderEvent.filter(order_id=int(order_id)).order_by("id")]
    assert kinds[-2:] == ["REFUND_FAILED", "PAYMENT_EXCEPTION_OPENED"]

    # The member may not see the queue; the operator does.
    denied = await gql(QUEUE, {}, token=member.token)
    assert denied.error_codes() == ["FORBIDDEN"]
    queue = (await gql(QUEUE, {"status": "OPEN"}, token=operator.token)).data
    [node] = [e["node"] for e in queue["paymentExceptions"]["edges"]]
    assert node["kind"] == "REFUND_FAILED" and node["orderId"] == order_id
    assert node["provider"] == rail.provider and node["providerRef"] == ref
    assert node["amountFen"] == 5000 and node["reason"].startswith("the rail ended the refund")

    # RETRY: a new refund at the rail (its own refund number), which goes through.
    retried = await gql(RESOLVE, {"input": {"id": node["id"], "action": "RETRY",
                                            "note": "payer's card renewed"}},
                        token=operator.token)
    assert retried.data["resolvePaymentException"]["errors"] == []
    assert retried.data["resolvePaymentException"]["exception"]["status"] == "RESOLVED"
    assert rail.calls.refunds == [ref, ref]
    assert (await Payment.get(provider_ref=ref)).refund_attempt == 2
    await _complete_refund(http, rail, ref)
    audit = await AuditLog.get(action="mall.payment_exception.resolve")
    assert audit.actor_id == int(operator.id) and audit.subject_id == node["id"]
    assert audit.detail["action"] == "RETRY" and audit.detail["amount_fen"] == 5000

    # Resolving it again is refused, and changes nothing.
    again = await gql(RESOLVE, {"input": {"id": node["id"], "action": "HANDLED_OFFLINE",
                                          "note": "twice"}}, token=operator.token)
    assert again.data["resolvePaymentException"]["errors"] == [
        {"code": "EXCEPTION_ALREADY_RESOLVED", "field": "id"}]
    assert (await PaymentException.get(id=int(node["id"]))).note == "payer's card renewed"
    assert await AuditLog.filter(action="mall.payment_exception.resolve").count() == 1
    assert (await gql(QUEUE, {"status": "OPEN"}, token=operator.token)).data[
        "paymentExceptions"]["edges"] == []


async def test_a_wrong_amount_opens_an_exception_handled_offline(http, gql, factory, mall,
                                                                 rail):
    member = await factory.account()
    operator = await factory.operator()
    _order_id, ref = await _paying(gql, member, mall, rail)
    rail.pay(ref, amount_fen=100)
    assert rail.accepted(await send(http, rail.webhook_path, rail.success_notification(ref)))
    [flag] = await PaymentException.all()
    assert flag.kind == "AMOUNT_MISMATCH" and flag.amount_fen == 100
    retry = await gql(RESOLVE, {"input": {"id": str(flag.id), "action": "RETRY"}},
                      token=operator.token)
    assert retry.data["resolvePaymentException"]["errors"][0]["code"] == "RETRY_NOT_APPLICABLE"
    bare = await gql(RESOLVE, {"input": {"id": str(flag.id), "action": "HANDLED_OFFLINE"}},
                     token=operator.token)
    assert bare.data["resolvePaymentException"]["errors"][0]["code"] == "NOTE_REQUIRED"
    for bad, code in ((str(flag.id), "NOTE_TOO_LONG"), ("not-an-id", "NOT_FOUND"),
                      ("999999", "NOT_FOUND")):
        refused = await gql(RESOLVE, {"input": {"id": bad, "action": "HANDLED_OFFLINE",
                                                "note": "x" * 501 if code == "NOTE_TOO_LONG"
                                                else "handled"}}, token=operator.token)
        assert refused.data["resolvePaymentException"]["errors"][0]["code"] == code
    assert (await PaymentException.get(id=flag.id)).status == "OPEN"
    done = await gql(RESOLVE, {"input": {"id": str(flag.id), "action": "HANDLED_OFFLINE",
                                         "note": "confirmed with the payer by phone"}},
                     token=operator.token)
    assert done.data["resolvePaymentException"]["exception"]["resolution"] == "HANDLED_OFFLINE"


async def test_two_operators_resolving_at_once_resolve_once(http, gql, factory, mall, stripe_api):
    member = await factory.account()
    operators = [await factory.operator() for _ in range(2)]
    order_id, ref = await _paid_order(http, gql, member, mall, stripe_api)
    stripe_api.fail_next_refund = True
    await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    await _end_refund_failed(http, stripe_api, ref)
    flag = await PaymentException.get(kind="REFUND_FAILED")
    answers = await asyncio.gather(*(gql(RESOLVE, {"input": {
        "id": str(flag.id), "action": "HANDLED_OFFLINE", "note": f"by {i}"}}, token=o.token)
        for i, o in enumerate(operators)))
    codes = sorted(tuple(e["code"] for e in a.data["resolvePaymentException"]["errors"])
                   for a in answers)
    assert codes == [(), ("EXCEPTION_ALREADY_RESOLVED",)]
    assert await AuditLog.filter(action="mall.payment_exception.resolve").count() == 1


async def test_money_for_an_order_we_do_not_have_opens_one_exception(http, gql, factory, mall,
                                                                    stripe_api):
    from tests.mall.conftest import deliver

    member = await factory.account()
    order_id, ref = await _paid_order(http, gql, member, mall, stripe_api)
    stray = {**stripe_api.intents[ref], "id": "pi_stray0001TEST", "metadata": {"order_id": "99999"}}
    stripe_api.intents["pi_stray0001TEST"] = stray
    for _ in range(2):  # redelivered: still one exception
        event = stripe_api.event("payment_intent.succeeded", "pi_stray0001TEST")
        assert (await deliver(http, event)).status_code == 400  # refused: the rail redelivers
    [flag] = await PaymentException.all()
    assert flag.kind == "UNKNOWN_ORDER" and flag.provider_ref == "pi_stray0001TEST"
    # A notification racing our own payment row (its order exists) is no exception.
    racing = {**stray, "id": "pi_racing001TEST", "metadata": {"order_id": order_id}}
    stripe_api.intents["pi_racing001TEST"] = racing
    await deliver(http, stripe_api.event("payment_intent.succeeded", "pi_racing001TEST"))
    assert await PaymentException.all().count() == 1


async def test_our_trade_numbers_tell_a_stray_payment_from_a_racing_one(gql, factory, mall):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]

    def paid(ref: str) -> PaymentFact:
        return PaymentFact(event_id=f"n-{ref}", event_type="TRANSACTION.SUCCESS",
                           kind=FactKind.SUCCEEDED, provider_ref=ref, amount_fen=5000)

    # Our trade number for an order that exists: its payment row is on its way.
    assert await apply_fact("wechatpay", paid(f"UH{order['id']}W")) == "unknown"
    assert await PaymentException.all().count() == 0
    for stray in ("UH99999W", "XX12W", "UH12Z"):  # no such order; not our numbers
        assert await apply_fact("wechatpay", paid(stray)) == "unknown"
    assert sorted(e.provider_ref for e in await PaymentException.all()) == [
        "UH12Z", "UH99999W", "XX12W"]


async def test_an_absurd_amount_for_no_order_still_opens_its_exception(factory, mall):
    """A rail's figure past the exception's 32-bit amount (¥21.47M) keeps the exception: the
    figure goes into its reason. (Before, PostgreSQL refused the insert, and the exception a
    person needed was never opened.)"""
    fact = PaymentFact(event_id="n-huge", event_type="TRANSACTION.SUCCESS",
                       kind=FactKind.SUCCEEDED, provider_ref="UH99999W",
                       amount_fen=3_000_000_000)
    assert await apply_fact("wechatpay", fact) == "unknown"
    [flag] = await PaymentException.all()
    assert (flag.kind, flag.amount_fen) == ("UNKNOWN_ORDER", None)
    assert flag.reason.startswith("3000000000 fen: ")
    opened = await AuditLog.get(action="mall.payment_exception.open")
    assert opened.detail["amount_fen"] == 3_000_000_000  # the audit row keeps the figure


async def test_a_failure_notified_at_once_under_many_ids_opens_one_exception(
        http, gql, factory, mall, stripe_api):
    member = await factory.account()
    order_id, ref = await _paid_order(http, gql, member, mall, stripe_api)
    await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    notifications = [stripe_api.refund_failed_notification(ref) for _ in range(6)]
    answers = await asyncio.gather(*(send(http, stripe_api.webhook_path, n)
                                     for n in notifications))
    assert all(stripe_api.accepted(a) for a in answers)
    assert await PaymentException.filter(kind="REFUND_FAILED").count() == 1
    assert await OrderEvent.filter(order_id=int(order_id), kind="REFUND_FAILED").count() == 1


@pytest.mark.parametrize("rail", ["wechatpay"], indirect=True)
async def test_a_refund_to_a_closed_wechat_pay_account_fails_at_once(http, gql, factory, mall,
                                                                     rail):
    """WeChat Pay v3 refuses a refund to a payer whose account is closed or frozen with 403
    USER_ACCOUNT_ABNORMAL ("商户可自行处理退款": it never goes back the way it came). It was
    counted as the rail unavailable and asked again every 5 minutes until OPEN_TOO_LONG, days
    later; now the refund fails at once and its exception opens for a person."""
    from tests.metrics_helpers import total

    member = await factory.account()
    order_id, ref = await _paid_order(http, gql, member, mall, rail)
    rail.payer_account_closed = True
    unavailable = total("unionhub.mall.refunds.failed", {"reason": "unavailable"})
    refunded = await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    assert refunded.data["refundOrder"]["errors"] == []
    assert (await Payment.get(provider_ref=ref)).status == "REFUND_FAILED"
    [flag] = await PaymentException.filter(kind="REFUND_FAILED")
    assert flag.status == "OPEN" and "USER_ACCOUNT_ABNORMAL" in flag.reason
    assert total("unionhub.mall.refunds.failed", {"reason": "unavailable"}) == unavailable
    assert rail.calls.refunds == []  # WeChat refunded nothing


async def test_money_for_an_order_whose_payment_row_never_came_opens_an_exception(gql, factory,
                                                                                mall):
    """Our trade number for an order that exists, and no payment row: within the order's
    payment window (and a grace after it) the row is on its way. Long after, it never will
    be (payOrder's write failed after the rail opened the trade): the money was kept and no
    one told, while the rail redelivered for a day and gave up."""
    from datetime import timedelta

    from unionhub.clock import utcnow
    from unionhub.mall.models import Order

    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    await Order.filter(id=int(order["id"])).update(expires_at=utcnow() - timedelta(hours=1))
    fact = PaymentFact(event_id="n-lost-row", event_type="TRANSACTION.SUCCESS",
                       kind=FactKind.SUCCEEDED, provider_ref=f"UH{order['id']}W",
                       amount_fen=5000)
    for _ in range(2):  # redelivered: one exception
        assert await apply_fact("wechatpay", fact) == "unknown"
    [flag] = await PaymentException.all()
    assert (flag.kind, flag.order_id, flag.amount_fen) == ("UNKNOWN_ORDER", int(order["id"]), 5000)
    assert flag.provider_ref == f"UH{order['id']}W" and flag.payment_id is None


@pytest.mark.parametrize("rail", ["wechatpay"], indirect=True)
async def test_a_refund_landing_after_a_person_paid_the_member_offline_is_flagged(
        http, gql, factory, mall, rail):
    """WeChat Pay ended a refund ABNORMAL; an operator paid the member back by bank transfer
    and resolved the exception HANDLED_OFFLINE; then the rail's refund landed after all (a
    second operator's 手动处理退款 in the portal). The payment just became REFUNDED: the member
    was paid twice and no one was told."""
    member = await factory.account()
    operator = await factory.operator()
    order_id, ref = await _paid_order(http, gql, member, mall, rail)
    rail.fail_next_refund = True
    await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    await _end_refund_failed(http, rail, ref)
    [failed] = await PaymentException.all()
    handled = await gql(RESOLVE, {"input": {"id": str(failed.id), "action": "HANDLED_OFFLINE",
                                            "note": "bank transfer 20261206-001"}},
                        token=operator.token)
    assert handled.data["resolvePaymentException"]["errors"] == []

    assert rail.accepted(await send(http, rail.webhook_path, rail.refund_notification(ref)))
    payment = await Payment.get(provider_ref=ref)
    assert payment.status == "REFUNDED"
    [twice] = await PaymentException.filter(status="OPEN")
    assert (twice.kind, twice.payment_id, twice.amount_fen) == ("REFUNDED_TWICE", payment.id,
                                                                5000)
    assert "HANDLED_OFFLINE" in twice.reason
    # Told again, it stays one exception.
    assert rail.accepted(await send(http, rail.webhook_path, rail.refund_notification(ref)))
    assert await PaymentException.filter(kind="REFUNDED_TWICE").count() == 1


async def test_a_refund_landing_with_its_failure_still_open_settles_it_and_flags_nothing(
        http, gql, factory, mall, stripe_api):
    member = await factory.account()
    order_id, ref = await _paid_order(http, gql, member, mall, stripe_api)
    stripe_api.fail_next_refund = True
    await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    await _end_refund_failed(http, stripe_api, ref)
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path,
                                          stripe_api.refund_notification(ref)))
    assert [(e.kind, e.status) for e in await PaymentException.all()] == [
        ("REFUND_FAILED", "RESOLVED")]
