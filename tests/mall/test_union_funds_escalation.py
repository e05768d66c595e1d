"""Union funds: the escalation line applies to a running total. What a union's own cadres
approved in the last UNIONHUB_UNION_FUNDS_ESCALATION_WINDOW_DAYS (less what came back), plus
the order, above UNIONHUB_UNION_FUNDS_ESCALATION_FEN needs a cadre of a higher union: a
purchase split into orders under the line no longer passes a same-level checker (a review
found three ¥20,000 orders approved where one ¥60,000 order was refused)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.mall.conftest import allocate, approve, new_key, place, this_funds_year
from unionhub.clock import utcnow
from unionhub.identity.models import AuditLog
from unionhub.mall import catalogue
from unionhub.mall.models import (
    Order,
    OrderEvent,
    Payment,
    UnionFundsBudget,
    UnionFundsEntry,
)
from unionhub.settings import get_settings

CANCEL = """mutation C($input: CancelOrderInput!) { cancelOrder(input: $input) {
  order { id status } errors { code field } } }"""
PRICE = 5_000  # the mall fixture's SKU, in fen


async def _spent(union_id: int) -> int:
    return (await UnionFundsBudget.get(union_id=union_id, year=this_funds_year())).spent_fen


async def _bulk(gql, mall, maker, union_id: int, amount_fen: int) -> str:
    placed = await place(gql, maker, [(mall.sku_id, amount_fen // PRICE)], key=new_key(),
                         for_union_id=str(union_id))
    assert placed["order"]["payableFen"] == amount_fen
    return str(placed["order"]["id"])


async def _setup(gql, factory, mall):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    county = await factory.cadre(tree.counties["A"])  # the union's parent: above it
    await allocate(gql, county, union.id, 20_000_000)
    await catalogue.restock(int(mall.sku_id), 5000)
    assert get_settings().union_funds_escalation_fen == 5_000_000  # ¥50,000
    return union, county, await factory.cadre(union)


async def _refused_and_unchanged(gql, checker, order_id: str, spent_before: int,
                                 union_id: int) -> None:
    approvals = await AuditLog.filter(action="mall.union_funds.approve").count()
    refused = await approve(gql, checker, order_id)
    assert refused["errors"][0]["code"] == "APPROVAL_NEEDS_ANCESTOR_UNION"
    assert refused["errors"][0]["field"] == "orderId"
    assert "30" in refused["errors"][0]["message"]  # it says it counts recent approvals
    assert refused["order"] is None
    assert (await Order.get(id=int(order_id))).status == "PENDING_PAYMENT"
    assert not await Payment.exists(order_id=int(order_id))
    assert not await UnionFundsEntry.exists(order_id=int(order_id))
    kinds = await OrderEvent.filter(order_id=int(order_id)).values_list("kind", flat=True)
    assert kinds == ["PLACED"]
    assert await AuditLog.filter(action="mall.union_funds.approve").count() == approvals
    assert await _spent(union_id) == spent_before


async def test_a_split_purchase_still_needs_a_higher_union(gql, factory, mall):
    union, county, checker = await _setup(gql, factory, mall)
    maker = await factory.cadre(union)
    big = await _bulk(gql, mall, maker, union.id, 6_000_000)
    assert (await approve(gql, checker, big))["errors"][0]["code"] == (
        "APPROVAL_NEEDS_ANCESTOR_UNION")

    # The same ¥60,000 as three orders of ¥20,000: two fit under the line, the third does not,
    # whichever of the union's own cadres checks it.
    parts = [await _bulk(gql, mall, maker, union.id, 2_000_000) for _ in range(3)]
    for part in parts[:2]:
        assert (await approve(gql, checker, part))["errors"] == []
    await _refused_and_unchanged(gql, checker, parts[2], 4_000_000, union.id)
    await _refused_and_unchanged(gql, await factory.cadre(union), parts[2], 4_000_000, union.id)

    # A cadre of the parent union approves it: paid, spent, on the ledger and the audit log.
    above = await approve(gql, county, parts[2])
    assert above["errors"] == [] and above["order"]["status"] == "PAID"
    assert await _spent(union.id) == 6_000_000
    spend = await UnionFundsEntry.get(order_id=int(parts[2]), kind="SPEND")
    assert (spend.actor_id, spend.amount_fen, spend.approved_above) == (
        county.member.id, 2_000_000, True)
    audited = await AuditLog.get(action="mall.union_funds.approve", subject_id=int(parts[2]))
    assert audited.actor_id == county.member.id and audited.detail["amount_fen"] == 2_000_000
    own = await UnionFundsEntry.filter(kind="SPEND", approved_above=False).count()
    assert own == 2

    # What a higher union approved is not the union's own: ¥10,000 more reaches the line
    # exactly (allowed), one fen's worth past it is not.
    assert (await approve(gql, checker, await _bulk(gql, mall, maker, union.id, 1_000_000)))[
        "errors"] == []
    last = (await place(gql, maker, [(mall.cheap_sku_id, 1)], for_union_id=str(union.id)))
    await _refused_and_unchanged(gql, checker, last["order"]["id"], 7_000_000, union.id)


async def test_what_came_back_or_left_the_window_no_longer_counts(gql, factory, mall,
                                                                monkeypatch):
    union, _county, checker = await _setup(gql, factory, mall)
    maker = await factory.cadre(union)
    first = await _bulk(gql, mall, maker, union.id, 4_000_000)
    assert (await approve(gql, checker, first))["errors"] == []
    second = await _bulk(gql, mall, maker, union.id, 4_000_000)
    await _refused_and_unchanged(gql, checker, second, 4_000_000, union.id)

    # Cancelled before shipping: the amount went back, so it is not spent any more.
    cancelled = await gql(CANCEL, {"input": {"orderId": first}}, token=maker.token)
    assert cancelled.data["cancelOrder"]["order"]["status"] == "CANCELLED"
    assert (await approve(gql, checker, second))["errors"] == []

    # 31 days later that approval has left the rolling window; a longer window keeps it.
    third = await _bulk(gql, mall, maker, union.id, 4_000_000)
    await UnionFundsEntry.filter(order_id=int(second)).update(at=utcnow() - timedelta(days=31))
    monkeypatch.setattr(get_settings(), "union_funds_escalation_window_days", 60)
    refused = await approve(gql, checker, third)
    assert refused["errors"][0]["code"] == "APPROVAL_NEEDS_ANCESTOR_UNION"
    assert "60" in refused["errors"][0]["message"]
    monkeypatch.setattr(get_settings(), "union_funds_escalation_window_days", 30)
    assert (await approve(gql, checker, third))["errors"] == []
    assert await _spent(union.id) == 8_000_000


async def test_concurrent_same_level_approvals_stop_at_the_line(gql, factory, mall):
    """On PostgreSQL the approvals really run at once: ten ¥10,000 orders checked together by
    five of the union's own cadres make exactly ¥50,000 of approvals, never more."""
    union, _county, _checker = await _setup(gql, factory, mall)
    maker = await factory.cadre(union)
    checkers = [await factory.cadre(union) for _ in range(5)]
    orders = [await _bulk(gql, mall, maker, union.id, 1_000_000) for _ in range(10)]
    results = await asyncio.gather(*(approve(gql, checkers[i % 5], order_id)
                                     for i, order_id in enumerate(orders)))
    assert sum(r["errors"] == [] for r in results) == 5
    assert {r["errors"][0]["code"] for r in results if r["errors"]} == {
        "APPROVAL_NEEDS_ANCESTOR_UNION"}
    assert await _spent(union.id) == 5_000_000
    assert await UnionFundsEntry.filter(kind="SPEND").count() == 5
    assert await Payment.filter(method="UNION_FUNDS", status="SUCCEEDED").count() == 5
    assert await Order.filter(kind="UNION_BULK", status="PAID").count() == 5
    assert await AuditLog.filter(action="mall.union_funds.approve").count() == 5


async def _with_30000_approved(gql, factory, mall):
    """The union with ¥30,000 approved by its own checker; a maker and a second checker."""
    union, _county, checker = await _setup(gql, factory, mall)
    maker = await factory.cadre(union)
    other = await factory.cadre(union)
    assert (await approve(gql, checker, await _bulk(gql, mall, maker, union.id, 3_000_000)))[
        "errors"] == []
    return union, maker, checker, other


async def test_two_racing_approvals_that_together_cross_the_line(gql, factory, mall):
    """¥30,000 approved already; two ¥15,000 orders approved at once by two of the union's
    own cadres: either fits, both do not (¥60,000). Repeated to give the race its chances."""
    union, maker, checker, other = await _with_30000_approved(gql, factory, mall)
    for _ in range(5):
        pair = [await _bulk(gql, mall, maker, union.id, 1_500_000) for _ in range(2)]
        results = await asyncio.gather(approve(gql, checker, pair[0]),
                                       approve(gql, other, pair[1]))
        assert sorted(bool(r["errors"]) for r in results) == [False, True]
        assert await _spent(union.id) == 4_500_000
        # Undo the one that passed, so the next round races from ¥30,000 again.
        paid = pair[0] if results[0]["errors"] == [] else pair[1]
        cancelled = await gql(CANCEL, {"input": {"orderId": paid}}, token=maker.token)
        assert cancelled.data["cancelOrder"]["order"]["status"] == "CANCELLED"


async def test_two_approvals_of_one_order_are_one_approval_not_an_escalation(gql, factory,
                                                                             mall):
    """¥30,000 approved already; two of the union's own cadres approve one ¥15,000 order at
    once. The second must hear that it is approved already: its running total must not count
    the first's spend of this very order (¥60,000 would ask for a higher union)."""
    union, maker, checker, other = await _with_30000_approved(gql, factory, mall)
    for _ in range(5):
        order_id = await _bulk(gql, mall, maker, union.id, 1_500_000)
        results = await asyncio.gather(approve(gql, checker, order_id),
                                       approve(gql, other, order_id))
        assert sorted(str([e["code"] for e in r["errors"]]) for r in results) == [
            "['ALREADY_APPROVED']", "[]"], results
        assert await _spent(union.id) == 4_500_000
        cancelled = await gql(CANCEL, {"input": {"orderId": order_id}}, token=maker.token)
        assert cancelled.data["cancelOrder"]["order"]["status"] == "CANCELLED"
