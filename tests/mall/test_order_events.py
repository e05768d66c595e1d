"""Order events are recorded in the order they happened (issue 18, point 5): a refund's
request comes before the refund it makes, over every payment rail's stand-in."""

from __future__ import annotations

import pytest

from tests.mall.conftest import PAY, place, send
from unionhub.mall.models import OrderEvent

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

REFUND = """mutation R($input: RefundOrderInput!) { refundOrder(input: $input) {
  order { id status } errors { code field message } } }"""


async def test_refund_requested_is_recorded_before_refunded(http, gql, factory, mall, rail):
    member = await factory.account()
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    paid = await gql(PAY, {"input": {"orderId": order["id"], "method": rail.method}},
                     token=member.token)
    ref = rail.ref_from_checkout(paid.data["payOrder"]["checkout"])
    rail.pay(ref)
    assert rail.accepted(await send(http, rail.webhook_path, rail.success_notification(ref)))
    refunded = await gql(REFUND, {"input": {"orderId": order["id"]}}, token=member.token)
    assert refunded.data["refundOrder"]["order"]["status"] == "REFUNDED"
    events = await OrderEvent.filter(order_id=int(order["id"])).order_by("id")
    kinds = [e.kind for e in events]
    assert kinds[:2] == ["PLACED", "PAYMENT_STARTED"]
    assert kinds.index("PAID") < kinds.index("REFUND_REQUESTED") < kinds.index("REFUNDED")
    times = [e.at for e in events]
    assert times == sorted(times)
