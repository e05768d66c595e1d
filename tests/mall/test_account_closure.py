"""The mall's part of an account closure (unionhub.mall.memberdata): an order still moving
refuses the closure and nothing changes; once it is settled, the closure keeps the order and
its money under the member id and erases the recipient, phone and street."""

from __future__ import annotations

from tests.mall.conftest import ADDRESS, claim, create_campaign, place
from unionhub.identity.models import Member
from unionhub.identity.seed import DEMO_PASSWORD
from unionhub.mall.models import Order, OrderStatus, Voucher, VoucherStatus
from unionhub.mall.orders import address_of

CLOSE = """mutation C($input: CloseAccountInput!) { closeAccount(input: $input) {
  closed errors { code field } } }"""
CANCEL = """mutation X($input: CancelOrderInput!) { cancelOrder(input: $input) {
  order { status } errors { code } } }"""


async def test_an_open_order_refuses_the_closure_then_the_address_is_erased(gql, factory, mall):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    campaign = await create_campaign(gql, await factory.cadre(tree.counties["A"]),
                                     str(tree.counties["A"].id))
    voucher = (await claim(gql, member, campaign["id"]))["voucher"]
    placed = await place(gql, member, [(mall.sku_id, 1)])
    order_id = placed["order"]["id"]

    refused = await gql(CLOSE, {"input": {"password": DEMO_PASSWORD}}, token=member.token)
    assert refused.data["closeAccount"]["errors"] == [{"code": "OPEN_ORDERS", "field": None}]
    row = await Member.get(id=member.member.id)
    assert row.closed_at is None and row.name_enc is not None
    assert address_of(await Order.get(id=int(order_id))).recipient == ADDRESS["recipient"]
    assert (await Voucher.get(id=int(voucher["id"]))).status == VoucherStatus.AVAILABLE

    cancelled = await gql(CANCEL, {"input": {"orderId": order_id}}, token=member.token)
    assert cancelled.data["cancelOrder"]["order"]["status"] == "CANCELLED"
    closed = await gql(CLOSE, {"input": {"password": DEMO_PASSWORD}}, token=member.token)
    assert closed.data["closeAccount"] == {"closed": True, "errors": []}

    order = await Order.get(id=int(order_id))
    assert order.member_id == member.member.id and order.status == OrderStatus.CANCELLED
    assert order.payable_fen == 5000  # the money record stays
    address = address_of(order)
    assert (address.recipient, address.phone, address.detail) == ("", "", "")
    assert address.region_code == ADDRESS["regionCode"]
    assert (await Voucher.get(id=int(voucher["id"]))).status == VoucherStatus.VOID
