"""Each refund counted once, at its final state (unionhub.mall.orders.refunded and the refunded
direction of unionhub.mall.payment.amount), over every rail's stand-in: refundOrder counted the
refund when it was asked for, so one the rail then ended failed was counted as money given
back, and counted in a fact's transaction, so a notice whose transaction rolled back (a
failed fact, delivered again) counted twice. Now a refund counts when the rail gives the money
back (the payment REFUNDED, or its part told), after the transaction that records it commits."""

from __future__ import annotations

import pytest

from tests.mall.conftest import send
from tests.mall.refund_flows import REFUND, _end_refund_failed, _paid_order
from tests.metrics_helpers import total
from unionhub import db
from unionhub.mall import reconciliation
from unionhub.mall.models import Payment, PaymentException

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

RESOLVE = """mutation X($input: ResolvePaymentExceptionInput!) { resolvePaymentException(input: $input) {
  exception { id status } errors { code } } }"""


def _counts(rail, kind: str = "REFUNDED") -> tuple[float, float]:
    return (total("unionhub.mall.orders.refunded", {"kind": kind}),
            total("unionhub.mall.payment.amount", {"direction": "refunded", "method": rail.method}))


async def test_a_refund_counts_once_when_the_money_is_back(http, gql, factory, mall, rail):
    member = await factory.account()
    order_id, ref = await _paid_order(http, gql, member, mall, rail)
    start = _counts(rail)
    refunded = await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    assert refunded.data["refundOrder"]["errors"] == []
    if not rail.refunds_complete_synchronously:
        assert _counts(rail) == start  # asked for: no money back yet
        notice = rail.refund_notification(ref)
        for _ in range(2):  # told, and told again
            assert rail.accepted(await send(http, rail.webhook_path, notice))
        assert rail.accepted(await send(http, rail.webhook_path, rail.refund_notification(ref)))
    payment = await Payment.get(provider_ref=ref)
    assert payment.status == "REFUNDED"
    await reconciliation.reconcile_payment(payment)  # the rail asked again
    assert _counts(rail) == (start[0] + 1, start[1] + 5000)


async def test_a_refund_the_rail_ends_failed_counts_nothing_until_its_retry_lands(
        http, gql, factory, mall, rail):
    member, operator = await factory.account(), await factory.operator()
    order_id, ref = await _paid_order(http, gql, member, mall, rail)
    start = _counts(rail)
    rail.fail_next_refund = True
    await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    await _end_refund_failed(http, rail, ref)
    assert _counts(rail) == start  # nothing went back
    flag = await PaymentException.get(kind="REFUND_FAILED")
    retried = await gql(RESOLVE, {"input": {"id": str(flag.id), "action": "RETRY"}},
                        token=operator.token)
    assert retried.data["resolvePaymentException"]["errors"] == []
    if not rail.refunds_complete_synchronously:
        assert rail.accepted(await send(http, rail.webhook_path, rail.refund_notification(ref)))
    assert (await Payment.get(provider_ref=ref)).status == "REFUNDED"
    assert _counts(rail) == (start[0] + 1, start[1] + 5000)


# A constraint the handlers do not expect (as in test_fact_gate): an order's second
# mall.payment.refunded row is refused by the database, after the refund was counted.
ONE_REFUNDED_ROW = ("CREATE UNIQUE INDEX test_one_refunded_row ON audit_log (subject_id) "
                    "WHERE action = 'mall.payment.refunded'")


@pytest.mark.parametrize("rest_fen", [1500, 4000])
async def test_a_notice_delivered_again_after_it_failed_counts_once(
        http, gql, factory, mall, stripe_api, rest_fen):
    """A dashboard refund's notice whose transaction the database refused is delivered again
    (the rail does so until it is taken): it counted at each delivery. A second partial
    refund's part; or the rest, which refunds the order."""
    member = await factory.account()
    _order_id, ref = await _paid_order(http, gql, member, mall, stripe_api)
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path,
                                          stripe_api.dashboard_refund(ref, 1000)))
    start = _counts(stripe_api, "REFUNDED_BY_PROVIDER")
    notice = stripe_api.dashboard_refund(ref, rest_fen)
    connection = db.conn()
    await connection.execute_script(ONE_REFUNDED_ROW)
    try:
        assert not stripe_api.accepted(await send(http, stripe_api.webhook_path, notice))
    finally:
        await connection.execute_script("DROP INDEX test_one_refunded_row")
    assert _counts(stripe_api, "REFUNDED_BY_PROVIDER") == start  # rolled back: not counted
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path, notice))
    orders, money = _counts(stripe_api, "REFUNDED_BY_PROVIDER")
    assert (orders - start[0], money - start[1]) == ((1, 4000) if rest_fen == 4000 else (0, 1500))
