"""Content's paged lists through GraphQL (issue 24, point 4): the most read articles, a
union's own articles, a member's read history, and the feed's totalCount."""

from __future__ import annotations

from datetime import date, timedelta

from tests.content.helpers import published
from tests.paging import assert_pages, connection_query
from unionhub.content.models import Article, ArticleRead


async def _articles(gql, factory, n: int):
    tree = await factory.tree()
    author = await factory.cadre(tree.counties["A"])
    checker = await factory.cadre(tree.counties["A"])
    ids = [await published(gql, author, checker, tree.counties["A"], kind="NEWS",
                           title=f"新闻{i}") for i in range(n)]
    return tree, ids


async def test_top_articles_page_most_read_first_with_ties_by_id(gql, factory):
    tree, ids = await _articles(gql, factory, 6)
    counts = [5, 9, 5, 0, 9, 1]  # ties: the newer (higher id) first
    for article_id, count in zip(ids, counts, strict=True):
        await Article.filter(id=int(article_id)).update(read_count=count)
    expected = [i for _, i in sorted(zip(counts, ids, strict=True),
                                     key=lambda p: (-p[0], -int(p[1])))]
    query = connection_query("topArticlesConnection", "unionId: $u", "$u: ID")
    u = {"u": str(tree.grassroots["A"][0].id)}
    await assert_pages(gql, query, "topArticlesConnection", u, None, expected)
    old = await gql("query($u: ID) { topArticles(unionId: $u, first: 20) { id } }", u)
    assert [a["id"] for a in old.data["topArticles"]] == expected


async def test_a_unions_articles_and_the_feed_count(gql, factory):
    tree, ids = await _articles(gql, factory, 5)
    query = connection_query("articlesConnection", variables="$u: ID!", outer="union(id: $u)")
    await assert_pages(gql, query, "union.articlesConnection", {"u": str(tree.counties["A"].id)},
                       None, ids[::-1])
    feed = connection_query("articles", "unionId: $u", "$u: ID")
    r = await gql(feed, {"u": str(tree.grassroots["A"][0].id), "first": 2})
    assert r.data["articles"]["totalCount"] == 5
    # The feed pages both ways, pinned first: pin two and the order is theirs, then the rest.
    await Article.filter(id__in=[int(ids[1]), int(ids[3])]).update(pinned=True)
    order = [ids[3], ids[1], *[i for i in ids[::-1] if i not in (ids[1], ids[3])]]
    await assert_pages(gql, feed, "articles", {"u": str(tree.grassroots["A"][0].id)}, None,
                       order)


async def test_a_members_read_history_pages_newest_first(gql, factory):
    tree, ids = await _articles(gql, factory, 5)
    reader = await factory.account(tree.grassroots["A"][0])
    rows = [await ArticleRead.create(article_id=int(a), day=date(2026, 11, 1) + timedelta(i),
                                     reader_key=f"m:{reader.member.id}",
                                     member_id=reader.member.id) for i, a in enumerate(ids)]
    query = connection_query("articleReadsConnection", variables="$m: ID!",
                             outer="member(id: $m)", node="day article { id }")
    expected = [{"day": r.day.isoformat(), "article": {"id": str(r.article_id)}}
                for r in reversed(rows)]
    await assert_pages(gql, query, "member.articleReadsConnection", {"m": reader.id},
                       reader.token, expected)
    cadre = await factory.cadre(tree.counties["A"])
    r = await gql(query, {"m": reader.id, "first": 2}, token=cadre.token)
    assert r.data["member"]["articleReadsConnection"] is None  # the member's own only
