"""Scorecards and rankings on a small fixture with figures worked out by hand, for the
scorecard, ranking and cockpit tests.

The fixture lives in the current Shanghai month (verified members are counted as of the
month's end or now, whichever is earlier), with completion times set relative to each
request's deadline so the figures do not depend on which days are holidays.
"""

from __future__ import annotations

from datetime import timedelta

from tests.services.helpers import make_item, principal
from unionhub.clock import SHANGHAI, today_shanghai
from unionhub.identity.member_figures import refresh
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
    await refresh()  # the member figures are read from the summary
    return tree, period, cadres
