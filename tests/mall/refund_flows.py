"""Refunds followed to the end over every rail's stand-in (issue 18), for test_payment_exceptions,
test_refunds_reconciled and test_trades_closed: refundOrder, an order placed and paid through
GraphQL and the rail's notification (or only its payment started), and a refund the rail
ends failed."""

from __future__ import annotations

from tests.mall.conftest import PAY, place, send
from unionhub.mall.models import Order, Payment

REFUND = """mutation R($input: RefundOrderInput!) { refundOrder(input: $input) {
  order { id status } errors { code } } }"""


async def _paying(gql, member, mall, rail) -> tuple[str, str]:
    """An order placed and its payment started with the rail: (order id, the payment's ref)."""
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    r = await gql(PAY, {"input": {"orderId": order["id"], "method": rail.method}},
                  token=member.token)
    return order["id"], rail.ref_from_checkout(r.data["payOrder"]["checkout"])


async def _paid_order(http, gql, member, mall, rail) -> tuple[str, str]:
    order_id, ref = await _paying(gql, member, mall, rail)
    rail.pay(ref)
    assert rail.accepted(await send(http, rail.webhook_path, rail.success_notification(ref)))
    assert (await Order.get(id=int(order_id))).status == "PAID"
    return order_id, ref


async def _end_refund_failed(http, rail, ref: str) -> None:
    """The rail ends the refund failed: in the refund call's answer, or by notification."""
    notification = rail.refund_failed_notification(ref)
    if notification is not None:
        assert (await Payment.get(provider_ref=ref)).status == "REFUND_PENDING"
        assert rail.accepted(await send(http, rail.webhook_path, notification))
    assert (await Payment.get(provider_ref=ref)).status == "REFUND_FAILED"
