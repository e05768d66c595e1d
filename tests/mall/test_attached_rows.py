"""The member's order and voucher lists read each row's lines or campaign with the page, in
one statement (unionhub/fastpath/attached_rows.py): the same answers as through the
DataLoaders (the fast path's `keyset` part off), one statement fewer, and as fresh as the page
(a new order, a new voucher, another member's claim show at once: nothing is cached)."""

from __future__ import annotations

from typing import Any

from tests.mall.conftest import claim, create_campaign, place
from tests.querycount import count_queries
from unionhub import db
from unionhub.fastpath import switch
from unionhub.fastpath.attached_rows import Children
from unionhub.fastpath.keyset_rows import page_rows
from unionhub.mall.models import Order, OrderEvent

ORDERS = """query O($first: Int, $after: String) { myOrders(first: $first, after: $after) {
  edges { node { id status payableFen createdAt items { skuId productId name unitPriceFen
  quantity lineFen } } } pageInfo { hasNextPage endCursor } } }"""
VOUCHERS = """query V($first: Int) { myVouchersConnection(first: $first) { edges { node {
  id status validUntil campaign { id name faceValueFen thresholdFen issuedCount
  remainingVouchers } } } pageInfo { hasNextPage endCursor } } }"""
HOME_VOUCHERS = """query H { myVouchers { id status campaign { name faceValueFen issuedCount } } }"""


def _one_fewer() -> tuple[int, int]:
    """Statements with the part on and off: the related rows are read with the page on
    PostgreSQL only (elsewhere the DataLoaders read them in either mode)."""
    return (1, 2) if db.is_postgres() else (2, 2)


def _with(keyset: bool) -> switch.Switches:
    return switch.set_switches(switch.Switches(keyset=keyset))


async def _both(gql: Any, account: Any, query: str,
                variables: dict[str, Any]) -> tuple[Any, int, Any, int]:
    """The answer and statement count with the part on, then off."""
    previous = _with(True)
    try:
        await gql(query, variables, token=account.token)  # the caller's record cached
        with count_queries(cold=False) as on:
            fast = await gql(query, variables, token=account.token)
        _with(False)
        with count_queries(cold=False) as off:
            slow = await gql(query, variables, token=account.token)
    finally:
        switch.set_switches(previous)
    assert fast.errors == [] and slow.errors == [], (fast.errors, slow.errors)
    return fast.data, on.count, slow.data, off.count


async def _member_with_vouchers(gql: Any, factory: Any) -> tuple[Any, Any, Any]:
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    member = await factory.account(tree.grassroots["A"][0])
    two = await create_campaign(gql, cadre, str(tree.province.id), perMemberLimit=2)
    other = await create_campaign(gql, cadre, str(tree.province.id), name="满200减50",
                                  faceValueFen=5000, thresholdFen=20000)
    for campaign in (two, other, two):
        assert (await claim(gql, member, campaign["id"]))["errors"] == []
    return tree, member, two


async def test_orders_with_their_lines_in_one_statement(gql, factory, mall):
    member = await factory.account()
    for items in ([(mall.sku_id, 1)], [(mall.sku_id, 2), (mall.cheap_sku_id, 3)],
                  [(mall.cheap_sku_id, 1)]):
        await place(gql, member, items)
    for first, lines in ((20, [1, 2, 1]), (2, [1, 2])):  # newest first
        fast, on, slow, off = await _both(gql, member, ORDERS, {"first": first})
        assert fast == slow
        assert [len(e["node"]["items"]) for e in fast["myOrders"]["edges"]] == lines
        assert (on, off) == _one_fewer()  # the page (and its lines); the lines apart
    # The second page through the cursor: the same on both paths.
    cursor = fast["myOrders"]["pageInfo"]["endCursor"]
    fast, on, slow, off = await _both(gql, member, ORDERS, {"first": 2, "after": cursor})
    assert fast == slow and [len(e["node"]["items"]) for e in fast["myOrders"]["edges"]] == [1]
    # A new order shows at once, with its lines.
    await place(gql, member, [(mall.sku_id, 4), (mall.cheap_sku_id, 1)])
    fast, *_ = await _both(gql, member, ORDERS, {"first": 1})
    assert [i["quantity"] for i in fast["myOrders"]["edges"][0]["node"]["items"]] == [4, 1]


async def test_vouchers_with_their_campaigns_in_one_statement(gql, factory, mall):
    tree, member, two = await _member_with_vouchers(gql, factory)
    fast, on, slow, off = await _both(gql, member, VOUCHERS, {"first": 20})
    assert fast == slow and len(fast["myVouchersConnection"]["edges"]) == 3
    assert {e["node"]["campaign"]["faceValueFen"] for e in fast["myVouchersConnection"]["edges"]} \
        == {2000, 5000}
    assert (on, off) == _one_fewer()
    fast, on, slow, off = await _both(gql, member, HOME_VOUCHERS, {})
    assert fast == slow and len(fast["myVouchers"]) == 3 and (on, off) == _one_fewer()
    # Another member's claim raises the campaign's count: the member sees it at once (the
    # campaign is read with the page, not kept).
    before = {v["campaign"]["issuedCount"] for v in fast["myVouchers"]
              if v["campaign"]["faceValueFen"] == 2000}
    neighbour = await factory.account(tree.grassroots["A"][0])
    assert (await claim(gql, neighbour, two["id"]))["errors"] == []
    fast, *_ = await _both(gql, member, HOME_VOUCHERS, {})
    after = {v["campaign"]["issuedCount"] for v in fast["myVouchers"]
             if v["campaign"]["faceValueFen"] == 2000}
    assert (before, after) == ({2}, {3})


async def test_children_the_json_cannot_carry_are_left_to_the_loader(gql, factory, mall):
    """Order events have timestamps: not read with the page (the rows still are)."""
    member = await factory.account()
    await place(gql, member, [(mall.sku_id, 1)])
    events = Children(OrderEvent, "order_id")
    previous = _with(True)
    try:
        rows = await page_rows(Order.filter(member_id=member.member.id), ("-id",), None, 5,
                               events)
    finally:
        switch.set_switches(previous)
    assert rows is not None and len(rows) == 1 and events.found == {}
