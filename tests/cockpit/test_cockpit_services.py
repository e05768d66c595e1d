"""The cockpit's figures equal the existing queries' for the same union and period: membership
and services against unionScorecard (and the queue lists), through children and months too."""

from __future__ import annotations

from tests.services.scorecard_fixture import CARD, _fixture

COCKPIT = """query C($u: ID!, $p: String!) { cockpit(unionId: $u, period: $p) {
  period from to regionCode union { id }
  membership { registeredMembers verifiedMembers activeCards applicationsPending
    applicationsOverdue applicationsOverdueInPeriod transfersPending }
  services { requestsReceived requestsCompleted completedOnTime onTimeRate meanRating
    overdueNow escalated articlesPublished articleReads }
  children { union { id } regionCode
    membership { verifiedMembers registeredMembers }
    services { requestsReceived requestsCompleted completedOnTime onTimeRate meanRating
      articlesPublished articleReads } } } }"""


def _services(card: dict) -> dict:
    return {k: card[k] for k in ("requestsReceived", "requestsCompleted", "completedOnTime",
                                 "onTimeRate", "meanRating")}


async def test_cockpit_equals_the_scorecards(gql, factory):
    tree, period, cadres = await _fixture(factory)
    cards = CARD.replace("meanRating }", "meanRating registeredMembers articlesPublished "
                                         "articleReads overdueApplications }")
    for union, cadre in ((tree.province, cadres["p"]), (tree.cities["xian"], cadres["xian"]),
                         (tree.counties["A"], cadres["a"])):
        r = await gql(COCKPIT, {"u": str(union.id), "p": period}, token=cadre.token)
        assert r.errors == [], r.errors
        got = r.data["cockpit"]
        assert got["period"] == period and got["union"]["id"] == str(union.id)
        assert got["regionCode"] == union.region_code
        card = (await gql(cards, {"u": str(union.id), "p": period},
                          token=cadre.token)).data["unionScorecard"]
        assert {k: got["services"][k] for k in _services(card)} == _services(card)
        assert got["services"]["articlesPublished"] == card["articlesPublished"]
        assert got["membership"]["verifiedMembers"] == card["verifiedMembers"]
        assert got["membership"]["registeredMembers"] == card["registeredMembers"]
        assert got["membership"]["applicationsOverdueInPeriod"] == card["overdueApplications"]
        for child in got["children"]:
            child_card = (await gql(cards, {"u": child["union"]["id"], "p": period},
                                    token=cadre.token)).data["unionScorecard"]
            assert _services(child["services"]) == _services(child_card)
            assert child["membership"]["verifiedMembers"] == child_card["verifiedMembers"]
    # The hand-worked figures of test_scorecards, so the comparison is not of two zeros.
    r = await gql(COCKPIT, {"u": str(tree.cities["xian"].id), "p": period},
                  token=cadres["xian"].token)
    services = r.data["cockpit"]["services"]
    assert (services["requestsReceived"], services["requestsCompleted"],
            services["onTimeRate"]) == (7, 5, 0.8)
