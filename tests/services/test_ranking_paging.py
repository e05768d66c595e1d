"""unionRankingConnection (issue 24, point 4): the ranking is computed whole by
services.scorecards.union_ranking and paged by each row's sort values, both ways, so a row
that joins above the cursor or leaves the ranking between two page reads shifts nothing."""

from __future__ import annotations

import pytest

from tests.paging import assert_bad_size, assert_pages, connection_query, page
from tests.services.scorecard_fixture import _fixture
from unionhub.errors import ValidationFailed
from unionhub.identity.models import Union, UnionLevel
from unionhub.identity.orgs import clear_union_cache
from unionhub.schema.relay import MAX_PAGE, ranked_page
from unionhub.services import scorecards

QUERY = connection_query("unionRankingConnection", "parentId: $u, period: $p",
                         "$u: ID!, $p: String!", node="union { id } onTimeRate")
OLD = """query R($u: ID!, $p: String!) { unionRanking(parentId: $u, period: $p) {
  union { id } onTimeRate } }"""


async def _counties(parent: Union, n: int) -> list[Union]:
    made = []
    for _ in range(n):
        row = await Union.create(name="县总工会", level=UnionLevel.COUNTY, parent=parent,
                                 region_code=parent.region_code, path="pending")
        row.path = f"{parent.path}{row.id}/"
        await row.save(update_fields=["path"])
        made.append(row)
    return made


async def test_the_ranking_pages_both_ways_in_the_domains_order(gql, factory):
    tree, period, cadres = await _fixture(factory)
    xian = tree.cities["xian"]
    await _counties(xian, 5)  # nothing completed: after A and B, by id
    v = {"u": str(xian.id), "p": period}
    old = await gql(OLD, v, token=cadres["xian"].token)
    expected = old.data["unionRanking"]
    assert [r["onTimeRate"] for r in expected[:3]] == [1.0, 0.6667, None]
    assert [r["union"]["id"] for r in expected[:2]] == [str(tree.counties["B"].id),
                                                        str(tree.counties["A"].id)]
    assert len(expected) == 7
    await assert_pages(gql, QUERY, "unionRankingConnection", v, cadres["xian"].token, expected)
    denied = await gql(QUERY, {**v, "first": 2}, token=cadres["b"].token)
    assert denied.error_codes() == ["FORBIDDEN"]
    await assert_bad_size(gql, QUERY, {**v, "p": "2026-13"}, cadres["xian"].token,
                          {"first": MAX_PAGE + 1}, "first")  # the page size is read first


async def test_rows_joining_or_leaving_between_pages_shift_nothing(gql, factory):
    tree, period, cadres = await _fixture(factory)
    xian = tree.cities["xian"]
    await _counties(xian, 6)
    v = {"u": str(xian.id), "p": period}
    token = cadres["xian"].token
    first = await page(gql, QUERY, "unionRankingConnection", v, token, first=3)
    left = first["edges"][-1]["node"]["union"]["id"]
    # The row under the cursor leaves the ranking (made a holding pool); two join the tail.
    await Union.filter(id=int(left)).update(is_holding_pool=True)
    joined = [str(u.id) for u in await _counties(xian, 2)]
    # A process keeps a ranking 30 s (scorecards.RANKING_CACHE_TTL_SECONDS): past that, the
    # next page reads the changed ranking, which is what the cursor must survive.
    scorecards.forget_rankings()
    clear_union_cache()
    rest, cursor = [], first["pageInfo"]["endCursor"]
    while cursor:
        more = await page(gql, QUERY, "unionRankingConnection", v, token, first=2, after=cursor)
        rest += [e["node"] for e in more["edges"]]
        cursor = more["pageInfo"]["endCursor"] if more["pageInfo"]["hasNextPage"] else None
    old = (await gql(OLD, v, token=token)).data["unionRanking"]
    read = [e["node"] for e in first["edges"]] + rest
    ids = [r["union"]["id"] for r in read]
    assert len(ids) == len(set(ids)), "a row was repeated"
    assert [r for r in read if r["union"]["id"] != left] == old, "a row was skipped"
    assert ids[-2:] == joined


async def test_a_cursor_is_a_rows_sort_values_not_its_position():
    keys = [(i * 10, i) for i in range(1, 8)]  # ranked ascending, unique, ending with the id
    items = [f"u{i}" for i in range(1, 8)]
    one = ranked_page(items, keys, 3, None)
    assert [e.node for e in one.edges] == ["u1", "u2", "u3"]
    # Two rows join above the cursor and u3 itself leaves: the next page still starts at u4.
    keys2 = [(1, 100), (2, 101), *[k for k in keys if k[1] != 3]]
    items2 = ["n1", "n2", *[x for x in items if x != "u3"]]
    two = ranked_page(items2, keys2, 3, one.page_info.end_cursor)
    assert [e.node for e in two.edges] == ["u4", "u5", "u6"]
    assert two.page_info.has_next_page and two.page_info.has_previous_page
    back = ranked_page(items2, keys2, None, None, last=2, before=two.page_info.start_cursor)
    assert [e.node for e in back.edges] == ["u1", "u2"]
    assert back.page_info.has_previous_page and back.page_info.has_next_page
    assert two.counter is not None and await two.counter() == len(items2)
    for bad in ({"first": 0}, {"first": MAX_PAGE + 1}, {"last": -1},
                {"first": 1, "last": 1}):
        with pytest.raises(ValidationFailed) as refused:
            ranked_page(items, keys, bad.get("first"), None, last=bad.get("last"))
        assert refused.value.code == "BAD_PAGE_SIZE"
