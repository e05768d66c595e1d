"""A voucher locked by an order when its holder leaves the union: the order's cancellation
does not hand back what leaving withdrew."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest

from tests.mall.conftest import PAY, claim, create_campaign, place
from tests.pg_locks import until_waiting
from unionhub.db import is_postgres
from unionhub.mall.models import Voucher, VoucherStatus

LEAVE = """mutation L($input: LeaveUnionInput!) { leaveUnion(input: $input) {
  member { id } errors { code field } } }"""
TRANSFER = """mutation T($i: RequestTransferInput!) { requestTransfer(input: $i) {
  transfer { id } errors { code } } }"""
REVIEW = """mutation R($i: ReviewTransferInput!) { reviewTransfer(input: $i) {
  transfer { status } errors { code } } }"""
CANCEL = """mutation X($input: CancelOrderInput!) { cancelOrder(input: $input) {
  order { status } errors { code } } }"""


async def _locked_voucher(gql, factory, mall, tree, member):
    county = await create_campaign(gql, await factory.cadre(tree.counties["A"]),
                                   str(tree.counties["A"].id), name="雁塔区消费券")
    province = await create_campaign(gql, await factory.cadre(tree.province),
                                     str(tree.province.id), name="全省消费券")
    ids = []
    for campaign in (county, province):
        voucher = (await claim(gql, member, campaign["id"]))["voucher"]["id"]
        placed = await place(gql, member, [(mall.sku_id, 3)], voucher_id=voucher)
        assert placed["errors"] == [] and placed["order"]["voucher"]["status"] == "LOCKED"
        ids.append((voucher, placed["order"]["id"]))
    return ids


async def _cancel(gql, member, order_id):
    result = await gql(CANCEL, {"input": {"orderId": order_id}}, token=member.token)
    assert result.data["cancelOrder"]["errors"] == []


async def test_a_cancelled_order_voids_the_voucher_its_holder_lost_meanwhile(gql, factory, mall):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    (county_voucher, county_order), (province_voucher, province_order) = \
        await _locked_voucher(gql, factory, mall, tree, member)
    left = await gql(LEAVE, {"input": {}}, token=member.token)
    assert left.data["leaveUnion"]["errors"] == []
    # Locked by their orders, both stay with them while the orders are open.
    assert {v.status for v in await Voucher.filter(member_id=member.member.id)} == {
        VoucherStatus.LOCKED}
    for order in (county_order, province_order):
        await _cancel(gql, member, order)
    # The county's voucher is withdrawn as leaving withdrew the unlocked ones; the province's
    # campaign still holds the holding pool (its online benefits): that one comes back.
    assert (await Voucher.get(id=int(county_voucher))).status == VoucherStatus.VOID
    assert (await Voucher.get(id=int(province_voucher))).status == VoucherStatus.AVAILABLE


async def test_cancel_racing_the_leave_never_leaves_the_voucher_available(gql, factory, mall):
    if not is_postgres():
        pytest.skip("SQLite runs one writer at a time: no interleaving to test")
    tree = await factory.tree()
    for _ in range(6):
        member = await factory.account(tree.grassroots["A"][0])
        (county_voucher, county_order), _ = await _locked_voucher(gql, factory, mall, tree, member)
        left, _ = await asyncio.gather(
            gql(LEAVE, {"input": {}}, token=member.token),
            _cancel(gql, member, county_order))
        assert left.data["leaveUnion"]["errors"] == []
        assert (await Voucher.get(id=int(county_voucher))).status == VoucherStatus.VOID


async def test_paying_an_order_whose_voucher_its_holder_lost_is_refused(gql, factory, mall,
                                                                        stripe_api):
    """Payment did not re-check the voucher (placing had): an order placed before its member
    transferred to another county spent the old county's voucher when paid. Now paying cancels
    the order and withdraws the voucher, asking no rail; the province's voucher, still in
    scope, pays. (A member who left the union may not pay at all: NOT_VERIFIED.)"""
    from unionhub.mall.models import Order, Payment

    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    (county_voucher, county_order), (_, province_order) = \
        await _locked_voucher(gql, factory, mall, tree, member)
    asked = await gql(TRANSFER, {"i": {"toUnionId": str(tree.grassroots["B"][0].id)}},
                      token=member.token)
    reviewed = await gql(REVIEW, {"i": {"transferId": asked.data["requestTransfer"]["transfer"][
        "id"], "approve": True}}, token=(await factory.cadre(tree.counties["B"])).token)
    assert reviewed.data["reviewTransfer"]["transfer"]["status"] == "APPROVED"
    refused = await gql(PAY, {"input": {"orderId": county_order, "method": "CARD"}},
                        token=member.token)
    assert [e["code"] for e in refused.data["payOrder"]["errors"]] == ["VOUCHER_WITHDRAWN"]
    assert (await Order.get(id=int(county_order))).status == "CANCELLED"
    assert (await Voucher.get(id=int(county_voucher))).status == VoucherStatus.VOID
    assert not await Payment.filter(order_id=int(county_order)).exists()
    assert stripe_api.calls.payments == []
    paid = await gql(PAY, {"input": {"orderId": province_order, "method": "CARD"}},
                     token=member.token)
    assert paid.data["payOrder"]["errors"] == []


async def _transfer(gql, factory, tree, member) -> None:
    asked = await gql(TRANSFER, {"i": {"toUnionId": str(tree.grassroots["B"][0].id)}},
                      token=member.token)
    reviewed = await gql(REVIEW, {"i": {"transferId": asked.data["requestTransfer"]["transfer"][
        "id"], "approve": True}}, token=(await factory.cadre(tree.counties["B"])).token)
    assert reviewed.data["reviewTransfer"]["transfer"]["status"] == "APPROVED"


async def test_a_transfer_committed_as_the_payment_starts_is_seen(gql, factory, mall, stripe_api):
    """The re-check was read outside the payment's transaction: a transfer committed after it,
    before the payment's row, let the order pay with the old county's voucher. Here payOrder
    has asked the rail and waits (the order's row held) to record its start while the
    transfer commits: it sees the transfer, cancels the order and closes the trade."""
    if not is_postgres():
        pytest.skip("holds the order's row lock from a second PostgreSQL connection")
    from unionhub.mall.models import Order, Payment

    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    (county_voucher, county_order), _ = await _locked_voucher(gql, factory, mall, tree, member)
    blocker = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await blocker.execute("BEGIN")
        await blocker.execute("SELECT id FROM mall_orders WHERE id = $1 FOR UPDATE",
                              int(county_order))
        paying = asyncio.create_task(gql(PAY, {"input": {"orderId": county_order,
                                                         "method": "CARD"}}, token=member.token))
        await until_waiting(blocker, 1, unless=paying)
        assert not paying.done() and len(stripe_api.calls.payments) == 1  # the rail was asked
        await _transfer(gql, factory, tree, member)
        await blocker.execute("COMMIT")
        refused = await paying
    finally:
        await blocker.close()
    assert [e["code"] for e in refused.data["payOrder"]["errors"]] == ["VOUCHER_WITHDRAWN"]
    assert (await Order.get(id=int(county_order))).status == "CANCELLED"
    assert (await Voucher.get(id=int(county_voucher))).status == VoucherStatus.VOID
    # The trade the rail opened is closed: nothing can pay it.
    assert (await Payment.get(order_id=int(county_order))).status == "FAILED"


async def test_a_leave_waits_for_the_payment_starting_and_leaves_its_voucher(
        gql, factory, mall, stripe_api):
    """The other side: payOrder holds the holder's row until its start commits, so a leave
    arriving meanwhile waits, then finds the voucher LOCKED by an order being paid (kept, as a
    trade started before leaving is). Held at the payment row's insert by a second connection
    inserting the same (order, method) uncommitted; no deadlock either way round."""
    if not is_postgres():
        pytest.skip("holds the payment row's key from a second PostgreSQL connection")
    from unionhub.mall.models import Order, Payment

    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    (county_voucher, county_order), _ = await _locked_voucher(gql, factory, mall, tree, member)
    blocker = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await blocker.execute("BEGIN")
        await blocker.execute(
            "INSERT INTO mall_payments (order_id, method, provider, amount_fen, status,"
            " created_at, check_count, refund_attempt) VALUES ($1, 'CARD', 'stripe', 1,"
            " 'REQUIRES_PAYMENT', now(), 0, 1)", int(county_order))
        paying = asyncio.create_task(gql(PAY, {"input": {"orderId": county_order,
                                                         "method": "CARD"}}, token=member.token))
        await until_waiting(blocker, 1, unless=paying)
        leaving = asyncio.create_task(gql(LEAVE, {"input": {}}, token=member.token))
        await until_waiting(blocker, 2, unless=leaving)
        assert not paying.done() and not leaving.done()  # the leave waits on the holder's row
        await blocker.execute("ROLLBACK")
        paid, left = await paying, await leaving
    finally:
        await blocker.close()
    assert paid.data["payOrder"]["errors"] == [] and left.data["leaveUnion"]["errors"] == []
    assert (await Voucher.get(id=int(county_voucher))).status == VoucherStatus.LOCKED
    assert (await Order.get(id=int(county_order))).status == "PENDING_PAYMENT"
    assert (await Payment.get(order_id=int(county_order))).status == "REQUIRES_PAYMENT"


async def test_a_retried_payment_whose_trade_started_before_the_transfer_keeps_the_voucher(
        gql, factory, mall, stripe_api):
    """The documented rule: a trade started at the rail before the holder left still pays the
    order. A retried payOrder (its first answer lost) re-checked the holder's scope only, so a
    transfer between the two calls cancelled the order whose trade was open and voided the
    voucher. Its payment row, recorded before the transfer, now keeps it: the retry answers
    the same trade."""
    from unionhub.mall.models import Order, Payment

    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    (county_voucher, county_order), _ = await _locked_voucher(gql, factory, mall, tree, member)
    pay = {"input": {"orderId": county_order, "method": "CARD"}}
    first = await gql(PAY, pay, token=member.token)
    assert first.data["payOrder"]["errors"] == []
    await _transfer(gql, factory, tree, member)
    retried = await gql(PAY, pay, token=member.token)
    assert retried.data["payOrder"]["errors"] == []
    assert (await Order.get(id=int(county_order))).status == "PENDING_PAYMENT"
    assert (await Voucher.get(id=int(county_voucher))).status == VoucherStatus.LOCKED
    [payment] = await Payment.filter(order_id=int(county_order))
    assert payment.status == "REQUIRES_PAYMENT"
