"""mallReport's per-union and per-region lists as connections (issue 24, point 4): ranked by
sales in SQL and paged by keyset both ways; rows that join the ranking while a client pages
neither repeat nor push out a row it has not read yet."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from tests.paging import assert_pages, connection_query, page, walk
from unionhub.clock import today_shanghai
from unionhub.identity.models import Union, UnionLevel
from unionhub.mall import orders
from unionhub.mall.models import Order, OrderItem, OrderStatus

_keys = itertools.count(1)
VARS = "$u: ID!, $from: Date!, $to: Date!"
OUTER = "mallReport(unionId: $u, from: $from, to: $to)"
BY_UNION = connection_query("salesByUnionConnection", variables=VARS, outer=OUTER,
                            node="union { id } salesFen")
BY_REGION = connection_query("salesByRegionConnection", variables=VARS, outer=OUTER,
                             node="regionCode salesFen")
OLD = f"query({VARS}) {{ {OUTER} {{ salesByUnion {{ union {{ id }} salesFen }} " \
      "salesByRegion { regionCode salesFen } } }"


async def _sold(union: Union, fen: int, region: str = "610113") -> None:
    """An order of one line, marked paid as a rail's notification would (the rails have their
    own tests): its status change adds it to the summary the report reads."""
    order = await Order.create(
        member_id=1, union_id=union.id, union_path=union.path,
        status=OrderStatus.PENDING_PAYMENT, subtotal_fen=fen, payable_fen=fen,
        idempotency_key=f"k{next(_keys)}", address_enc="x", address_region=region,
        expires_at=datetime.now(UTC) + timedelta(hours=1))
    await OrderItem.create(order=order, sku_id=1, product_id=1, supplier_id=1,
                           supplier_region=region, certified=False, name="木耳",
                           unit_price_fen=fen, quantity=1, line_fen=fen)
    async with in_transaction():
        assert await orders.mark_paid(order, None, "CARD")


async def _grassroots(parent: Union, n: int) -> list[Union]:
    made = []
    for _ in range(n):
        row = await Union.create(name="基层", level=UnionLevel.GRASSROOTS, parent=parent,
                                 region_code=parent.region_code, path="pending")
        row.path = f"{parent.path}{row.id}/"
        await row.save(update_fields=["path"])
        made.append(row)
    return made


async def test_sales_by_union_and_region_page_by_sales_both_ways(gql, factory):
    tree = await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(county)
    unions = await _grassroots(county, 7)
    # Ties on purpose: the union id (the region code) breaks them.
    for union, fen, region in zip(unions, [500, 300, 300, 300, 200, 100, 100],
                                  ["610113", "611026", "610102", "610103", "610104",
                                   "610105", "610106"], strict=True):
        await _sold(union, fen, region)
    await _sold(unions[6], 50, "610113")  # a second line of a region: sums per region
    today = today_shanghai().isoformat()
    v = {"u": str(county.id), "from": today, "to": today}
    old = await gql(OLD, v, token=cadre.token)
    assert old.errors == [], old.body
    ranked = [(unions[i], fen) for i, fen in ((0, 500), (1, 300), (2, 300), (3, 300),
                                              (4, 200), (6, 150), (5, 100))]
    expected = [{"union": {"id": str(u.id)}, "salesFen": fen} for u, fen in ranked]
    assert old.data["mallReport"]["salesByUnion"] == expected  # the same order, one list
    await assert_pages(gql, BY_UNION, "mallReport.salesByUnionConnection", v, cadre.token,
                       expected)
    regions = [{"regionCode": c, "salesFen": s} for c, s in [
        ("610113", 550), ("610102", 300), ("610103", 300), ("611026", 300), ("610104", 200),
        ("610105", 100), ("610106", 100)]]
    assert old.data["mallReport"]["salesByRegion"] == regions
    await assert_pages(gql, BY_REGION, "mallReport.salesByRegionConnection", v, cadre.token,
                       regions)
    # A cursor of the other list (a string where an id belongs) is refused.
    region_cursor = (await page(gql, BY_REGION, "mallReport.salesByRegionConnection", v,
                                cadre.token, first=1))["pageInfo"]["endCursor"]
    r = await gql(BY_UNION, {**v, "after": region_cursor}, token=cadre.token)
    assert [e["extensions"].get("reason") for e in r.errors] == ["BAD_CURSOR"], r.body


async def test_unions_that_start_selling_while_a_client_pages_neither_repeat_nor_push(gql,
                                                                                     factory):
    tree = await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(county)
    unions = await _grassroots(county, 12)
    for i, union in enumerate(unions):
        await _sold(union, 1000 - 50 * i)
    today = today_shanghai().isoformat()
    v = {"u": str(county.id), "from": today, "to": today}
    spare = iter(await _grassroots(county, 40))
    joined: list[dict] = []

    async def between() -> None:
        # After every page: one union at the head (above any cursor), one at the tail.
        for fen in (5000, 10):
            union = next(spare)
            await _sold(union, fen)
            joined.append({"union": {"id": str(union.id)}, "salesFen": fen})

    for backward in (False, True):
        old = await gql(OLD, v, token=cadre.token)
        before = old.data["mallReport"]["salesByUnion"]  # the list as the walk begins
        joined.clear()
        rows = await walk(gql, BY_UNION, "mallReport.salesByUnionConnection", v, cadre.token,
                          size=3, backward=backward, between=between)
        keys = [r["union"]["id"] for r in rows]
        assert len(keys) == len(set(keys)), "a row was repeated"
        assert len(before) >= 12 and len(joined) >= 8
        assert [r for r in rows if r not in joined] == before, "a row was skipped"
        # Those that joined at the head, above the cursor, were not read (backward: at the
        # tail, below it); the others were.
        unread = 10 if backward else 5000
        assert all(r["salesFen"] != unread for r in rows if r in joined)
        assert len([r for r in rows if r in joined]) >= 3
        # Rows that joined beyond the cursor were read too, in sales order.
        assert rows == sorted(rows, key=lambda r: (-r["salesFen"], int(r["union"]["id"])))
