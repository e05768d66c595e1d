"""The content figures of scorecards and rankings (Hebei's 发稿量 and 阅读量 beside certified
members, applications and completions), and the feed's and ranking's query counts."""

from __future__ import annotations

from datetime import timedelta

from tests.content.helpers import FEED, READ, WITHDRAW, published
from tests.services.helpers import _count
from unionhub.clock import today_shanghai
from unionhub.content import reads
from unionhub.content.models import Article
from unionhub.identity.member_figures import refresh
from unionhub.services.scorecards import period_bounds

RANKING = """query R($u: ID!, $p: String!) { unionRanking(parentId: $u, period: $p) {
  union { id } verifiedMembers requestsReceived requestsCompleted articlesPublished articleReads } }"""


async def test_ranking_has_all_five_figures(gql, factory):
    tree = await factory.tree()
    a, b = tree.counties["A"], tree.counties["B"]
    province = await factory.cadre(tree.province)
    writer_a, writer_b = await factory.cadre(a), await factory.cadre(b)
    period = today_shanghai().strftime("%Y-%m")
    first = await published(gql, writer_a, province, a, kind="NEWS")
    await published(gql, writer_a, province, tree.grassroots["A"][0], kind="NOTICE")
    dropped = await published(gql, writer_a, province, a, kind="NEWS")
    await gql(WITHDRAW, {"id": dropped, "r": "重复"}, token=province.token)
    last_month = await published(gql, writer_b, province, b, kind="NEWS")
    start, _ = period_bounds(period)
    await Article.filter(id=last_month).update(published_at=start - timedelta(days=3))
    readers = [await factory.account(tree.grassroots["A"][0]) for _ in range(3)]
    for m in readers:
        await gql(READ, {"id": first}, token=m.token)
    await gql(READ, {"id": last_month}, token=readers[0].token)  # read this month
    await reads.flush_reads()
    await refresh()  # the member figures
    result = await gql(RANKING, {"u": str(tree.cities["xian"].id), "p": period},
                       token=province.token)
    assert result.errors == [], result.body
    cards = {c["union"]["id"]: c for c in result.data["unionRanking"]}
    assert (cards[str(a.id)]["articlesPublished"], cards[str(a.id)]["articleReads"]) == (2, 3)
    assert (cards[str(b.id)]["articlesPublished"], cards[str(b.id)]["articleReads"]) == (0, 1)
    assert cards[str(a.id)]["verifiedMembers"] >= 3


async def test_feed_and_ranking_query_counts_do_not_grow(gql, factory, spans):
    tree = await factory.tree()
    province = await factory.cadre(tree.province)
    writer = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    period = today_shanghai().strftime("%Y-%m")
    await gql(FEED, {"first": 20}, token=member.token)  # the member's record is cached from here on
    counts = []
    for extra in (1, 8):
        for _ in range(extra):
            await published(gql, writer, province, tree.counties["A"], kind="NEWS")
            await published(gql, writer, province, tree.grassroots["A"][0], kind="NOTICE")
        counts.append((
            await _count(gql, spans, FEED, {"first": 20}, member.token),
            await _count(gql, spans, RANKING, {"u": str(tree.cities["xian"].id), "p": period},
                         province.token),
        ))
    assert counts[0] == counts[1], counts
    # feed (the caller's record cached): the caller's union, the page, the union names;
    # ranking: the parent, its children, request figures, registered and verified members,
    # overdue join applications, articles, reads.
    assert counts[0] == (3, 7), counts
