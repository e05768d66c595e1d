"""A refund that lands after it failed settles its exception (a review of payments and refunds):
the payment moved REFUND_FAILED → REFUNDED and the REFUND_FAILED exception stayed open for an
operator to chase a refund already made. Now the system resolves it, audited with no actor and
the reason, as operators see it in the queue; an operator resolving it by hand at the same
moment (PostgreSQL, ordered by the order row's lock) resolves it once either way."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest

from tests.mall.conftest import send
from tests.mall.refund_flows import REFUND, _end_refund_failed, _paid_order
from tests.pg_locks import until_waiting
from unionhub.db import is_postgres
from unionhub.identity.models import AuditLog
from unionhub.mall.models import Payment, PaymentException

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

QUEUE = """query Q($status: PaymentExceptionStatus) { paymentExceptions(status: $status) {
  edges { node { id kind status resolution resolvedById note } } } }"""
RESOLVE = """mutation X($input: ResolvePaymentExceptionInput!) { resolvePaymentException(input: $input) {
  exception { id status } errors { code } } }"""


async def _failed_refund(http, gql, factory, mall, rail) -> tuple[str, str]:
    """A paid order whose refund the rail ended failed: (its id, the payment's ref)."""
    member = await factory.account()
    order_id, ref = await _paid_order(http, gql, member, mall, rail)
    rail.fail_next_refund = True
    await gql(REFUND, {"input": {"orderId": order_id}}, token=member.token)
    await _end_refund_failed(http, rail, ref)
    assert await PaymentException.filter(kind="REFUND_FAILED", status="OPEN").count() == 1
    return order_id, ref


async def test_a_refund_landing_after_its_failure_resolves_the_exception(
        http, gql, factory, mall, rail):
    operator = await factory.operator()
    _order_id, ref = await _failed_refund(http, gql, factory, mall, rail)
    # The money goes back after all (the rail's late success, or a refund in its dashboard).
    assert rail.accepted(await send(http, rail.webhook_path, rail.refund_notification(ref)))
    assert (await Payment.get(provider_ref=ref)).status == "REFUNDED"
    assert (await gql(QUEUE, {"status": "OPEN"}, token=operator.token)).data[
        "paymentExceptions"]["edges"] == []
    [node] = [e["node"] for e in (await gql(QUEUE, {"status": "RESOLVED"}, token=operator.token)
                                  ).data["paymentExceptions"]["edges"]]
    assert (node["kind"], node["resolution"], node["resolvedById"]) == ("REFUND_FAILED", None,
                                                                        None)
    assert node["note"] == "resolved by the system: the refund landed at the rail"
    [row] = await AuditLog.filter(action="mall.payment_exception.resolve")
    assert row.actor_id is None and row.subject_id == node["id"]
    assert (row.detail["by"], row.detail["reason"]) == (rail.provider,
                                                        "the refund landed at the rail")


@pytest.mark.parametrize("first", ["operator", "refund"])
async def test_an_operator_resolving_as_the_refund_lands_resolves_once(
        http, gql, factory, mall, stripe_api, first):
    if not is_postgres():
        pytest.skip("holds the order's row lock from a second PostgreSQL connection")
    operator = await factory.operator()
    order_id, ref = await _failed_refund(http, gql, factory, mall, stripe_api)
    flag = await PaymentException.get(kind="REFUND_FAILED")
    by_hand = {"input": {"id": str(flag.id), "action": "HANDLED_OFFLINE",
                         "note": "refunded in Stripe's dashboard"}}
    landing = stripe_api.refund_notification(ref)
    blocker = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await blocker.execute("BEGIN")
        await blocker.execute("SELECT id FROM mall_orders WHERE id = $1 FOR UPDATE",
                              int(order_id))
        starts = {"operator": lambda: gql(RESOLVE, by_hand, token=operator.token),
                  "refund": lambda: send(http, stripe_api.webhook_path, landing)}
        second = "refund" if first == "operator" else "operator"
        tasks = {first: asyncio.create_task(starts[first]())}
        await until_waiting(blocker, 1, unless=tasks[first])
        tasks[second] = asyncio.create_task(starts[second]())
        await until_waiting(blocker, 2, unless=tasks[second])
        assert not any(t.done() for t in tasks.values())  # both wait on the order's row
        await blocker.execute("COMMIT")
        resolved, landed = await tasks["operator"], await tasks["refund"]
    finally:
        await blocker.close()
    assert stripe_api.accepted(landed), landed.text
    codes = [e["code"] for e in resolved.data["resolvePaymentException"]["errors"]]
    assert codes == ([] if first == "operator" else ["EXCEPTION_ALREADY_RESOLVED"])
    assert (await Payment.get(provider_ref=ref)).status == "REFUNDED"
    row = await PaymentException.get(id=flag.id)
    assert row.status == "RESOLVED"
    assert (row.resolved_by_id is None) == (first == "refund")
    [audited] = await AuditLog.filter(action="mall.payment_exception.resolve")
    assert (audited.actor_id is None) == (first == "refund")
