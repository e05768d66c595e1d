"""Reads: once per reader per article per day, exact under concurrency, flushed in batches;
nothing counted twice when a flush is repeated or a crashed batch is picked up again."""

from __future__ import annotations

import asyncio

import redis.asyncio as redis_asyncio
from redis.asyncio.cluster import RedisCluster

from tests.content.helpers import READ, WITHDRAW, published, write
from unionhub import cache
from unionhub.content import reads
from unionhub.content.models import Article, ArticleRead, ArticleReadDay

HISTORY = """query { me { articleReads { day article { id } } } }"""
UNION_ARTICLES = """query U($id: ID!) { union(id: $id) { articles { id } } }"""


async def _article(gql, factory, kind="NEWS"):
    tree = await factory.tree()
    author, checker = await factory.cadre(tree.counties["A"]), await factory.cadre(tree.province)
    return tree, await published(gql, author, checker, tree.counties["A"], kind=kind)


async def test_200_concurrent_reads_by_50_members_count_50(gql, factory):
    tree, article_id = await _article(gql, factory)
    members = [await factory.account(tree.grassroots["A"][i % 2]) for i in range(50)]
    results = await asyncio.gather(*(gql(READ, {"id": article_id}, token=members[i % 50].token)
                                     for i in range(200)))
    assert all(r.data["markArticleRead"]["errors"] == [] for r in results)
    assert sum(r.data["markArticleRead"]["counted"] for r in results) == 50
    # Two flushes at once (two workers): still exactly 50.
    added = await asyncio.gather(reads.flush_reads(batch=7), reads.flush_reads(batch=7))
    assert sum(added) == 50
    assert (await Article.get(id=article_id)).read_count == 50
    assert await ArticleRead.filter(article_id=article_id).count() == 50
    assert sum(await ArticleReadDay.filter(article_id=article_id).values_list("reads", flat=True)) == 50
    assert await reads.flush_reads() == 0
    assert (await Article.get(id=article_id)).read_count == 50
    history = await gql(HISTORY, token=members[0].token)
    assert [h["article"]["id"] for h in history.data["me"]["articleReads"]] == [article_id]


async def test_guests_count_by_device_and_need_one(gql, factory):
    _, article_id = await _article(gql, factory)
    for device in ("app-install-0001", "app-install-0001", "app-install-0002"):
        result = await gql(READ, {"id": article_id, "d": device})
        assert result.data["markArticleRead"]["errors"] == []
    assert await reads.flush_reads() == 2
    for bad in (None, "short", "has spaces in it!"):
        result = await gql(READ, {"id": article_id, "d": bad})
        assert result.data["markArticleRead"]["errors"] == [{"code": "DEVICE_ID_REQUIRED",
                                                             "field": "deviceId"}]
    assert await reads.flush_reads() == 0


async def test_a_crashed_flush_is_picked_up_once(gql, factory):
    tree, article_id = await _article(gql, factory)
    members = [await factory.account(tree.grassroots["A"][0]) for _ in range(5)]
    for m in members:
        await gql(READ, {"id": article_id}, token=m.token)
    # A flush that took its batch off the queue and died before the database saw it.
    redis = cache.get_redis()
    taken = await redis.eval(reads._TAKE, 3, reads.QUEUE, "content:{content-reads}:batch:dead",
                             reads.BATCHES, 100)
    assert len(taken) == 5
    # And one that wrote its batch but died before deleting it: the reads are in the
    # database, the batch is still listed.
    await reads._apply([reads._parse(i) for i in taken[:2]])
    assert await reads.flush_reads() == 3
    assert (await Article.get(id=article_id)).read_count == 5
    assert await redis.scard(reads.BATCHES) == 0


async def test_redis_down_counts_in_the_database(gql, factory):
    tree, article_id = await _article(gql, factory)
    member = await factory.account(tree.grassroots["A"][0])
    saved = cache._client
    cache._client = redis_asyncio.Redis.from_url("redis://127.0.0.1:1/0", decode_responses=True,
                                                 socket_connect_timeout=0.2)
    try:
        first = await gql(READ, {"id": article_id}, token=member.token)
        again = await gql(READ, {"id": article_id}, token=member.token)
    finally:
        await cache._client.aclose()
        cache._client = saved
    assert first.data["markArticleRead"]["counted"] is True
    assert again.data["markArticleRead"]["counted"] is False
    assert (await Article.get(id=article_id)).read_count == 1


async def test_a_redis_cluster_that_is_down_counts_in_the_database(gql, factory):
    """A cluster client that reaches no node raises redis-py's RedisClusterException, which
    is not a RedisError: the read must fall back as on one server, not answer an error."""
    tree, article_id = await _article(gql, factory)
    member = await factory.account(tree.grassroots["A"][0])
    saved = cache._client
    cache._client = RedisCluster.from_url("redis://127.0.0.1:1", decode_responses=True,
                                          socket_connect_timeout=0.2)
    try:
        first = await gql(READ, {"id": article_id}, token=member.token)
        again = await gql(READ, {"id": article_id}, token=member.token)
    finally:
        await cache._client.aclose()
        cache._client = saved
    assert first.errors == [] and again.errors == []
    assert first.data["markArticleRead"]["counted"] is True
    assert again.data["markArticleRead"]["counted"] is False
    assert (await Article.get(id=article_id)).read_count == 1


async def test_union_articles_follow_visibility(gql, factory):
    tree, news = await _article(gql, factory, kind="NEWS")
    author, checker = await factory.cadre(tree.counties["A"]), await factory.cadre(tree.province)
    notice = await published(gql, author, checker, tree.counties["A"], kind="NOTICE")
    inside = await factory.account(tree.grassroots["A"][0])
    union_id = str(tree.counties["A"].id)
    seen = await gql(UNION_ARTICLES, {"id": union_id}, token=inside.token)
    assert [a["id"] for a in seen.data["union"]["articles"]] == [notice, news]
    guest = await gql(UNION_ARTICLES, {"id": union_id})
    assert [a["id"] for a in guest.data["union"]["articles"]] == [news]


async def test_reads_of_drafts_and_withdrawn_articles_count_nothing(gql, factory):
    # Cadres in scope may open drafts and withdrawn articles; those reads are not members'
    # reads and must not reach readCount or the scorecards' articleReads.
    tree = await factory.tree()
    author, checker = await factory.cadre(tree.counties["A"]), await factory.cadre(tree.province)
    draft = await write(gql, author, tree.counties["A"], kind="NEWS")
    gone = await published(gql, author, checker, tree.counties["A"], kind="NEWS")
    assert (await gql(WITHDRAW, {"id": gone, "r": "有误"}, token=checker.token)).data
    for cadre in (author, checker):
        for article_id in (draft, gone):
            result = await gql(READ, {"id": article_id}, token=cadre.token)
            assert result.data["markArticleRead"]["errors"] == []
            assert result.data["markArticleRead"]["counted"] is False
    await reads.flush_reads()
    assert await ArticleRead.filter(article_id__in=[int(draft), int(gone)]).count() == 0
    assert [a.read_count for a in await Article.filter(id__in=[int(draft), int(gone)])] == [0, 0]
