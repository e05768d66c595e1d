"""The mall's business counters (issue 19): orders placed, paid, cancelled; vouchers claimed;
money paid by method. Counted by the domain functions, read from the in-memory reader."""

from __future__ import annotations

from opentelemetry.trace import SpanKind

from tests.mall.conftest import PAY, allocate, approve, claim, create_campaign, place
from tests.mall.documents import CANCEL
from tests.metrics_helpers import total


async def test_order_and_voucher_counters(gql, factory, mall):
    tree = await factory.tree()
    member = await factory.account()
    cadre = await factory.cadre(tree.counties["A"])
    counters = {
        "placed": ("unionhub.mall.orders.placed", {}),
        "cancelled": ("unionhub.mall.orders.cancelled", {"reason": "BY_MEMBER"}),
        "paid": ("unionhub.mall.orders.paid", {"method": "UNION_FUNDS"}),
        "money": ("unionhub.mall.payment.amount", {"direction": "paid", "method": "UNION_FUNDS"}),
        "claimed": ("unionhub.mall.vouchers.claimed", {}),
    }
    before = {k: total(*v) for k, v in counters.items()}

    province = await factory.cadre(tree.province)
    campaign = await create_campaign(gql, province, str(tree.province.id))
    await claim(gql, member, campaign["id"])
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    cancelled = await gql(CANCEL, {"input": {"orderId": order["id"]}}, token=member.token)
    assert cancelled.data["cancelOrder"]["order"]["status"] == "CANCELLED"
    # A union-funds bulk order is paid by a second cadre's approval (maker and checker).
    union = tree.grassroots["A"][0]
    await allocate(gql, cadre, union.id, 100_000)
    bought = (await place(gql, cadre, [(mall.sku_id, 2)], for_union_id=str(union.id)))["order"]
    paid = await approve(gql, await factory.cadre(tree.counties["A"]), bought["id"])
    assert paid["errors"] == [] and paid["order"]["status"] == "PAID"
    # A replayed cancel changes nothing and counts nothing.
    await gql(CANCEL, {"input": {"orderId": order["id"]}}, token=member.token)

    after = {k: total(*v) for k, v in counters.items()}
    assert after["placed"] == before["placed"] + 2
    assert after["cancelled"] == before["cancelled"] + 1
    assert after["paid"] == before["paid"] + 1
    assert after["money"] == before["money"] + bought["payableFen"]
    assert after["claimed"] == before["claimed"] + 1


async def test_a_payment_rail_call_is_a_span_and_a_duration(gql, factory, mall, rail, spans):
    """payOrder's call to the rail (each rail's stand-in) is a `payment create_payment`
    CLIENT span in the request's trace, with its outcome, and a point of
    unionhub.provider.request.duration: which rail call made a payment slow."""
    member = await factory.account()
    placed = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    ok = {"kind": "payment", "provider": rail.provider, "outcome": "ok"}
    before = total("unionhub.provider.request.duration", ok)
    r = await gql(PAY, {"input": {"orderId": placed["id"], "method": rail.method}},
                  token=member.token)
    assert r.errors == [] and r.data["payOrder"]["errors"] == [], r.body
    assert total("unionhub.provider.request.duration", ok) == before + 1
    [call] = [s for s in spans.get_finished_spans() if s.name == "payment create_payment"]
    assert call.kind is SpanKind.CLIENT
    assert format(call.context.trace_id, "032x") == r.body["extensions"]["traceId"]
    assert dict(call.attributes) == {
        "unionhub.provider.kind": "payment", "unionhub.provider.name": rail.provider,
        "unionhub.provider.operation": "create_payment", "unionhub.provider.outcome": "ok"}


async def test_an_approval_refused_counts_no_paid_order(gql, factory, mall):
    """approveUnionFundsPayment marks the order paid, then spends the budget: one the budget
    did not cover was refused and rolled back, but the order and its money had been counted
    paid in the transaction. Payments count after their commit now."""
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    maker = await factory.cadre(tree.counties["A"])
    await allocate(gql, maker, union.id, 1)  # one fen: covers nothing
    bought = (await place(gql, maker, [(mall.sku_id, 2)], for_union_id=str(union.id)))["order"]
    counters = (("unionhub.mall.orders.paid", {"method": "UNION_FUNDS"}),
                ("unionhub.mall.payment.amount", {"direction": "paid", "method": "UNION_FUNDS"}))
    before = [total(*c) for c in counters]
    refused = await approve(gql, await factory.cadre(tree.counties["A"]), bought["id"])
    assert [e["code"] for e in refused["errors"]] == ["UNION_FUNDS_BUDGET_EXCEEDED"]
    assert [total(*c) for c in counters] == before
