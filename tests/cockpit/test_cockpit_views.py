"""The cockpit's views: months (trend) and ranges equal the monthly scorecards; the children's
ranking; activity participation and the activities whose leaderboards it shows."""

from __future__ import annotations

from tests.activities.helpers import BOARD, create, enroll
from tests.services.scorecard_fixture import CARD, RANKING, _fixture
from unionhub.clock import today_shanghai
from unionhub.cockpit.period import parse_period, trailing_months

TREND = """query T($u: ID!, $p: String!) { cockpit(unionId: $u, period: $p) {
  trend(last: 3) { period from to services { requestsReceived requestsCompleted onTimeRate }
    membership { verifiedMembers } } } }"""
RANGE = """query R($u: ID!, $p: String!) { cockpit(unionId: $u, period: $p) {
  period from to services { requestsReceived requestsCompleted completedOnTime } } }"""
RANK = """query K($u: ID!, $p: String!, $by: CockpitMetric!) { cockpit(unionId: $u, period: $p) {
  ranking(by: $by) { rank value union { id } } } }"""


async def test_trend_and_ranges_equal_the_monthly_scorecards(gql, factory):
    tree, period, cadres = await _fixture(factory)
    xian, token = str(tree.cities["xian"].id), cadres["xian"].token
    r = await gql(TREND, {"u": xian, "p": period}, token=token)
    assert r.errors == [], r.errors
    months = r.data["cockpit"]["trend"]
    assert [m["period"] for m in months] == [
        p.label for p in trailing_months(parse_period(period), 3)]
    assert months[-1]["period"] == period
    cards = {}
    for month in months:
        card = (await gql(CARD, {"u": xian, "p": month["period"]}, token=token)).data[
            "unionScorecard"]
        cards[month["period"]] = card
        assert month["services"] == {k: card[k] for k in month["services"]}
        assert month["membership"]["verifiedMembers"] == card["verifiedMembers"]
    # The month before holds county A's early request: the trend is not all zeros.
    assert [m["services"]["requestsReceived"] for m in months][-2:] == [1, 7]

    span = f"{months[0]['period']}..{period}"
    whole = (await gql(RANGE, {"u": xian, "p": span}, token=token)).data["cockpit"]
    assert whole["period"] == span and whole["from"] == months[0]["from"]
    assert whole["to"] == months[-1]["to"]
    for key in ("requestsReceived", "requestsCompleted", "completedOnTime"):
        assert whole["services"][key] == sum(c[key] for c in cards.values())


async def test_ranking_of_the_children(gql, factory):
    tree, period, cadres = await _fixture(factory)
    province, token = str(tree.province.id), cadres["p"].token
    xian, baoji = str(tree.cities["xian"].id), str(tree.cities["baoji"].id)

    async def ranking(by):
        r = await gql(RANK, {"u": province, "p": period, "by": by}, token=token)
        assert r.errors == [], r.errors
        return [(e["rank"], e["value"], e["union"]["id"]) for e in r.data["cockpit"]["ranking"]]

    assert await ranking("REQUESTS_RECEIVED") == [(1, 7.0, xian), (2, 2.0, baoji)]
    # On-time rate: the same order as unionRanking; nothing completed ranks last, valueless.
    assert await ranking("ON_TIME_RATE") == [(1, 0.8, xian), (2, None, baoji)]
    old = await gql(RANKING, {"u": province, "p": period}, token=token)
    assert [row["union"]["id"] for row in old.data["unionRanking"]] == [xian, baoji]
    # Equal values share a rank.
    assert await ranking("SALES") == [(1, 0.0, xian), (1, 0.0, baoji)]



async def test_ranked_rates_are_the_childrens_own_figures(gql, factory):
    # County A finished 2 of 3 on time: services.onTimeRate (and unionScorecard's) says
    # 0.6667; the ranking's value for the same child and period must say the same.
    tree, period, cadres = await _fixture(factory)
    query = RANK.replace("ranking(by: $by) { rank value union { id } }",
                         "ranking(by: $by) { rank value union { id } } "
                         "children { union { id } services { onTimeRate meanRating } }")
    for by, figure in (("ON_TIME_RATE", "onTimeRate"), ("MEAN_RATING", "meanRating")):
        r = await gql(query, {"u": str(tree.cities["xian"].id), "p": period, "by": by},
                      token=cadres["xian"].token)
        assert r.errors == [], r.errors
        own = {c["union"]["id"]: c["services"][figure] for c in r.data["cockpit"]["children"]}
        ranked = {e["union"]["id"]: e["value"] for e in r.data["cockpit"]["ranking"]}
        assert ranked == {k: own[k] for k in ranked}
    assert own[str(tree.counties["A"].id)] == 4.5
    assert ranked[str(tree.counties["A"].id)] == 4.5


ACTIVITIES = """query A($u: ID!, $p: String!) { cockpit(unionId: $u, period: $p) {
  activities { enrolments byKind { kind activities enrolments participants } }
  topActivities(first: 2) { activityId name kind enrolledCount }
  children { union { id } activities { enrolments } } } }"""


async def test_activity_participation_and_top_activities(gql, factory):
    tree = await factory.tree()
    county_a, city = tree.counties["A"], tree.cities["xian"]
    cadre = await factory.cadre(city)
    walk = await create(gql, cadre, city, "WALKING", name="健步走")
    read = await create(gql, cadre, county_a, "READING", name="读书月")
    a_members = [await factory.account(tree.grassroots["A"][0]) for _ in range(3)]
    b_member = await factory.account(tree.grassroots["B"][0])
    for who in a_members:
        await enroll(gql, who, walk["id"])
    await enroll(gql, a_members[0], read["id"])
    await enroll(gql, b_member, walk["id"])

    period = today_shanghai().strftime("%Y-%m")
    r = await gql(ACTIVITIES, {"u": str(city.id), "p": period}, token=cadre.token)
    assert r.errors == [], r.errors
    got = r.data["cockpit"]
    kinds = {k["kind"]: k for k in got["activities"]["byKind"]}
    assert kinds["WALKING"] == {"kind": "WALKING", "activities": 1, "enrolments": 4,
                                "participants": 4}
    assert kinds["READING"] == {"kind": "READING", "activities": 1, "enrolments": 1,
                                "participants": 1}
    assert kinds["QUIZ"]["enrolments"] == 0 and got["activities"]["enrolments"] == 5
    assert [(a["name"], a["enrolledCount"]) for a in got["topActivities"]] == [
        ("健步走", 4), ("读书月", 1)]
    # The enrolled counts are what the activities themselves say, and the leaderboard the
    # console opens with the id is readable by this cadre.
    board = await gql(BOARD, {"id": got["topActivities"][0]["activityId"], "by": "UNION"},
                      token=cadre.token)
    assert board.errors == []
    children = {c["union"]["id"]: c["activities"]["enrolments"] for c in got["children"]}
    assert children[str(county_a.id)] == 4 and children[str(tree.counties["B"].id)] == 1
