"""Scorecards and rankings against figures worked out by hand on a small fixture.

The fixture lives in the current Shanghai month (verified members are counted as of the
month's end or now, whichever is earlier), with completion times set relative to each
request's deadline so the figures do not depend on which days are holidays.
"""

from __future__ import annotations

from tests.services.scorecard_fixture import CARD, RANKING, _fixture


async def test_scorecards_match_hand_computed_figures(gql, factory):
    tree, period, cadres = await _fixture(factory)

    async def card(union, cadre):
        r = await gql(CARD, {"u": str(union.id), "p": period}, token=cadre.token)
        assert r.errors == [], r.errors
        got = r.data["unionScorecard"]
        assert got["union"]["id"] == str(union.id) and got["period"] == period
        return (got["verifiedMembers"], got["requestsReceived"], got["requestsCompleted"],
                got["completedOnTime"], got["onTimeRate"], got["meanRating"])

    # Verified members with active cards: the five cadres and m_a sit in A's first union.
    assert await card(tree.counties["A"], cadres["a"]) == (6, 5, 3, 2, 0.6667, 4.5)
    assert await card(tree.counties["B"], cadres["b"]) == (1, 1, 1, 1, 1.0, 3.0)
    assert await card(tree.cities["xian"], cadres["xian"]) == (7, 7, 5, 4, 0.8, 4.0)
    assert await card(tree.counties["C"], cadres["c"]) == (1, 2, 0, 0, None, None)
    assert await card(tree.province, cadres["p"]) == (8, 9, 5, 4, 0.8, 4.0)


async def test_ranking_of_children_best_first(gql, factory):
    tree, period, cadres = await _fixture(factory)
    r = await gql(RANKING, {"u": str(tree.cities["xian"].id), "p": period},
                  token=cadres["xian"].token)
    assert r.errors == []
    rows = r.data["unionRanking"]
    assert [row["union"]["id"] for row in rows] == [str(tree.counties["B"].id),
                                                     str(tree.counties["A"].id)]
    assert [row["onTimeRate"] for row in rows] == [1.0, 0.6667]
    top = await gql(RANKING, {"u": str(tree.province.id), "p": period}, token=cadres["p"].token)
    assert [(row["union"]["id"], row["requestsReceived"], row["onTimeRate"])
            for row in top.data["unionRanking"]] == [
        (str(tree.cities["xian"].id), 7, 0.8), (str(tree.cities["baoji"].id), 2, None)]


async def test_scope_and_period_rules(gql, factory):
    tree, period, cadres = await _fixture(factory)
    denied = await gql(CARD, {"u": str(tree.counties["A"].id), "p": period},
                       token=cadres["b"].token)
    assert denied.error_codes() == ["FORBIDDEN"]
    denied = await gql(RANKING, {"u": str(tree.province.id), "p": period},
                       token=cadres["xian"].token)
    assert denied.error_codes() == ["FORBIDDEN"]
    bad = await gql(CARD, {"u": str(tree.counties["A"].id), "p": "2026-13"},
                    token=cadres["a"].token)
    assert bad.errors[0]["extensions"]["reason"] == "BAD_PERIOD"


async def test_union_scorecard_field_batches(gql, factory):
    tree, period, cadres = await _fixture(factory)
    query = """query U($p: String!, $u: ID!) { union(id: $u) { children {
      id scorecard(period: $p) { requestsReceived onTimeRate } } } }"""
    r = await gql(query, {"p": period, "u": str(tree.cities["xian"].id)},
                  token=cadres["xian"].token)
    assert r.errors == []
    got = {c["id"]: c["scorecard"] for c in r.data["union"]["children"]}
    assert got == {str(tree.counties["A"].id): {"requestsReceived": 5, "onTimeRate": 0.6667},
                   str(tree.counties["B"].id): {"requestsReceived": 1, "onTimeRate": 1.0}}


async def test_union_scorecard_field_is_scoped(gql, factory):
    tree, period, cadres = await _fixture(factory)
    query = """query U($p: String!, $u: ID!) { union(id: $u) { name scorecard(period: $p) {
      requestsReceived } } }"""
    variables = {"p": period, "u": str(tree.counties["A"].id)}
    denied = await gql(query, variables, token=cadres["b"].token)
    assert denied.error_codes() == ["FORBIDDEN"]
    assert denied.data["union"] == {"name": tree.counties["A"].name, "scorecard": None}
    guest = await gql(query, variables)
    assert guest.error_codes() == ["UNAUTHENTICATED"]
    ok = await gql(query, variables, token=cadres["xian"].token)
    assert ok.data["union"]["scorecard"] == {"requestsReceived": 5}
