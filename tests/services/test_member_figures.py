"""registeredMembers and verifiedMembers on scorecards, each counted by the date of its event
(registration, verification) as of the month's end: seeded members are spread over the past
year, so past months have their own figures, checked against the rows themselves."""

from __future__ import annotations

from datetime import date

from unionhub.clock import today_shanghai, utcnow
from unionhub.identity.member_figures import refresh
from unionhub.identity.models import CardStatus, Member, MemberCard
from unionhub.identity.seed import seed_members, seeded_dates
from unionhub.services.scorecards import period_bounds

CARD = """query S($u: ID!, $p: String!) { unionScorecard(unionId: $u, period: $p) {
  period registeredMembers verifiedMembers } }"""
RANKING = """query R($u: ID!, $p: String!) { unionRanking(parentId: $u, period: $p) {
  union { id } registeredMembers verifiedMembers } }"""


def months_back(n: int) -> str:
    today = today_shanghai()
    index = today.year * 12 + today.month - 1 - n
    return date(index // 12, index % 12 + 1, 1).strftime("%Y-%m")


async def expected(period: str) -> tuple[int, int]:
    """Worked out from the rows in Python, apart from the SQL under test."""
    _, end = period_bounds(period)
    cutoff = min(end, utcnow())
    active = set(await MemberCard.filter(status=CardStatus.ACTIVE)
                 .values_list("member_id", flat=True))
    registered = verified = 0
    for m in await Member.all():
        if m.created_at < cutoff and (m.closed_at is None or m.closed_at >= cutoff):
            registered += 1
            if m.verified_at is not None and m.verified_at < cutoff and m.id in active:
                verified += 1
    return registered, verified


async def test_seeded_members_are_counted_by_registration_and_verification_dates(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    await seed_members(120, tree.all_grassroots)
    await factory.account(verified=False)  # registered now, never verified
    await refresh()
    figures = []
    for n in range(14):
        period = months_back(n)
        r = await gql(CARD, {"u": str(tree.province.id), "p": period}, token=cadre.token)
        assert r.errors == [], r.errors
        got = r.data["unionScorecard"]
        assert (got["registeredMembers"], got["verifiedMembers"]) == await expected(period)
        figures.append((got["registeredMembers"], got["verifiedMembers"]))
    # The seed spreads them: the figures grow month by month, and a year and more ago the
    # seeded members had not registered yet.
    registered = [f[0] for f in reversed(figures)]
    assert registered == sorted(registered) and len(set(registered)) >= 10
    assert figures[13] == (0, 0) or figures[13][0] < 5
    assert figures[0][0] == figures[0][1] + 1  # this month: all verified but one
    assert 0 < figures[3][1] < figures[0][1]


async def test_a_new_registration_counts_this_month_only(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    this, last = months_back(0), months_back(1)

    async def card(period):
        r = await gql(CARD, {"u": str(tree.province.id), "p": period}, token=cadre.token)
        return r.data["unionScorecard"]["registeredMembers"], \
            r.data["unionScorecard"]["verifiedMembers"]

    await refresh()
    before_now, before_last = await card(this), await card(last)
    assert before_now == await expected(this) and before_last == await expected(last)
    await factory.account(verified=False)
    assert await card(this) == before_now  # as of the last run
    await refresh()
    assert await card(this) == (before_now[0] + 1, before_now[1])
    assert await card(last) == before_last


async def test_the_ranking_carries_both_figures(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    await seed_members(40, tree.all_grassroots)
    await refresh()
    period = months_back(2)
    r = await gql(RANKING, {"u": str(tree.province.id), "p": period}, token=cadre.token)
    assert r.errors == []
    total = sum(row["registeredMembers"] for row in r.data["unionRanking"])
    # The cities' figures add up to the province's, less the holding pool's (not ranked).
    province = (await gql(CARD, {"u": str(tree.province.id), "p": period},
                          token=cadre.token)).data["unionScorecard"]
    pool = (await gql(CARD, {"u": str(tree.pool.id), "p": period},
                      token=cadre.token)).data["unionScorecard"]
    assert total == province["registeredMembers"] - pool["registeredMembers"]


def test_seeded_dates_are_deterministic_and_ordered():
    now = utcnow()
    for i in range(500):
        registered, verified = seeded_dates(i, now)
        assert seeded_dates(i, now) == (registered, verified)
        assert registered <= verified <= now
        assert (now - registered).days <= 366
