"""A member's read history shows each article "while the member may still read it": a notice
of a union the member has since left is no longer theirs to read (`article(id)` answers null),
and the history must not hand it over either."""

from __future__ import annotations

from tests.content.helpers import ONE, READ, published
from unionhub.content.reads import flush_reads
from unionhub.identity import lookup
from unionhub.identity.models import Member

HISTORY = """query H($m: ID!) { member(id: $m) {
  articleReadsConnection(first: 10) { edges { node { article { id } } } }
  articleReads(first: 10) { article { id } } } }"""


async def test_a_notice_of_a_union_left_behind_is_not_in_the_history(gql, factory):
    tree = await factory.tree()
    union_b = tree.grassroots["B"][0]
    author, checker = await factory.cadre(union_b), await factory.cadre(union_b)
    notice = await published(gql, author, checker, union_b, kind="NOTICE")
    news = await published(gql, author, checker, union_b, kind="NEWS", title="新闻")
    member = await factory.account(union_b)
    for article_id in (notice, news):
        r = await gql(READ, {"id": article_id}, token=member.token)
        assert r.data["markArticleRead"]["counted"] is True
    await flush_reads()
    await Member.filter(id=member.member.id).update(union_id=tree.grassroots["A"][0].id)
    await lookup.invalidate_member(member.member.id)
    assert (await gql(ONE, {"id": notice}, token=member.token)).data["article"] is None

    seen = (await gql(HISTORY, {"m": member.id}, token=member.token)).data["member"]
    edges = seen["articleReadsConnection"]["edges"]
    assert sorted(str(e["node"]["article"] and e["node"]["article"]["id"]) for e in edges) == \
        sorted(["None", news])  # the read stays listed (its day); the notice is not shown
    assert sorted(str(r["article"] and r["article"]["id"]) for r in seen["articleReads"]) == \
        sorted(["None", news])
