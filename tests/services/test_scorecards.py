"""Scorecards and rankings against figures worked out by hand on a small fixture.

The fixture lives in the current Shanghai month (verified members are counted as of the
month's end or now, whichever is earlier), with completion times set relative to each
request's deadline so the figures do not depend on which days are holidays.
"""

from __future__ import annotations

from datetime import timedelta

from tests.services.helpers import make_item, principal
from unionhub.clock import SHANGHAI, today_shanghai
from unionhub.identity.membership import report_card_lost
from unionhub.services import requests
from unionhub.services.scorecards import period_bounds

CARD = """query S($u: ID!, $p: String!) { unionScorecard(unionId: $u, period: $p) {
  union { id } period verifiedMembers requestsReceived requestsCompleted completedOnTime
  onTimeRate meanRating } }"""
RANKING = """query R($u: ID!, $p: String!) { unionRanking(parentId: $u, period: $p) {
  union { id name } requestsReceived requestsCompleted completedOnTime onTimeRate meanRating
  verifiedMembers } }"""


async def _fixture(factory):
    tree = await factory.tree()
    period = today_shanghai().strftime("%Y-%m")
    start, end = period_bounds(period)
    day = timedelta(days=1)
    a, b, c, xian = tree.counties["A"], tree.counties["B"], tree.counties["C"], tree.cities["xian"]
    cadres = {k: await factory.cadre(u) for k, u in
              (("a", a), ("b", b), ("c", c), ("xian", xian), ("p", tree.province))}
    m_a = await factory.account(tree.grassroots["A"][0])
    m_b = await factory.account(tree.grassroots["B"][0])
    m_c = await factory.account(tree.grassroots["C"][0])
    lost = await factory.account(tree.grassroots["A"][1])  # verified, but no active card
    await report_card_lost(lost.member.id, reissue=False)
    await factory.account(verified=False)  # registered only: never counted

    items = {"a": await make_item(cadres["a"], a), "b": await make_item(cadres["b"], b),
             "c": await make_item(cadres["c"], c), "xian": await make_item(cadres["xian"], xian)}

    async def request(who, key, submitted, outcome=None, rating=None):
        req = await requests.submit(principal(who), items[key].id, "事项", now=submitted)
        handler = principal(cadres[key])
        if outcome == "reject":
            await requests.reject(handler, req.id, "不予受理", now=submitted + timedelta(hours=1))
        elif outcome in ("on_time", "late"):
            await requests.accept(handler, req.id, now=submitted + timedelta(minutes=10))
            shift = timedelta(hours=-1) if outcome == "on_time" else timedelta(hours=1)
            await requests.complete(handler, req.id, "办结", now=req.deadline + shift)
            if rating:
                await requests.rate(principal(who), req.id, rating)
        return req

    # County A: 5 this month (3 completed, 2 on time; ratings 4 and 5), 1 the month before.
    await request(m_a, "a", start + 1 * day, "on_time", 4)
    await request(m_a, "a", start + 2 * day, "late", 5)
    await request(m_a, "a", start + 3 * day, "on_time")
    await request(m_a, "a", start + 4 * day, "reject")
    await request(m_a, "a", start + 5 * day)
    await request(m_a, "a", start - timedelta(hours=2), "on_time", 1)
    # County B: 1, completed on time, rated 3.
    await request(m_b, "b", start + 2 * day, "on_time", 3)
    # The city itself handles 1, on time.
    await request(m_a, "xian", start + 6 * day, "on_time")
    # County C (Baoji): 1 open, 1 half an hour before the month ends (Shanghai), and one
    # ten minutes into the next month, which does not count.
    await request(m_c, "c", start + 7 * day)
    # (given in Shanghai time: stored as UTC, it must still fall inside the month)
    await request(m_c, "c", (end - timedelta(minutes=30)).astimezone(SHANGHAI))
    await request(m_c, "c", end + timedelta(minutes=10))
    return tree, period, cadres


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
