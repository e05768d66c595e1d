"""Article reads: once per reader (a member, or an anonymous device) per article per Shanghai
day, counted in Redis and flushed to the database in batches.

A guest reads as a device id the app sends, which anyone can make up by the thousand without
signing in: guests' reads count in an article's `readCount` (how much it is read), never in
the per-day counts the scorecards and rankings sum (`articleReads`, a figure unions are ranked
on), which are members' reads only.

- A read is one Lua call: SADD to the article-day's set of readers; a reader new to the set is
  queued. Repeat reads the same day cost one round trip and write nothing.
- The flush (`flush_reads`, a periodic job, safe on several workers) moves a batch off the queue
  into a batch list of its own, then INSERTs its reads with ON CONFLICT DO NOTHING against the
  unique (article, day, reader) key and adds what was actually inserted to the per-day and
  per-article counts, in one transaction. A batch left behind by a crash is flushed again by
  the next run; the unique key makes that count nothing twice. So counts are exact.
- Redis down at the read: the read goes straight to the database through the same insert.
- What can be lost: reads queued in Redis and not yet flushed when Redis loses its data (a
  flush, a failover without persistence, eviction): at most one flush interval's reads
  (FLUSH_EVERY_SECONDS). A reader lost that way who reads again the same day counts then.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable
from datetime import date
from typing import cast

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from unionhub import cache
from unionhub.clock import today_shanghai
from unionhub.content.articles import readable_article
from unionhub.content.models import Article, ArticleRead, ArticleStatus
from unionhub.db import is_postgres
from unionhub.errors import ValidationFailed
from unionhub.identity import crypto
from unionhub.identity.access import Principal

FLUSH_EVERY_SECONDS = 10
FLUSH_BATCH = 2_000
SEEN_TTL_SECONDS = 2 * 86_400
# One hash tag: every key a script touches sits in one Redis Cluster slot.
_TAG = "{content-reads}"
QUEUE = f"content:{_TAG}:queue"
BATCHES = f"content:{_TAG}:batches"
_DEVICE = re.compile(r"^[A-Za-z0-9_\-]{8,64}$")

_MARK = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('RPUSH', KEYS[2], ARGV[2])
  return 1
end
return 0
"""
_TAKE = """
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items > 0 then
  redis.call('LTRIM', KEYS[1], #items, -1)
  redis.call('RPUSH', KEYS[2], unpack(items))
  redis.call('SADD', KEYS[3], KEYS[2])
end
return items
"""


_ADD_DAY = ("INSERT INTO content_article_read_days (article_id, day, reads) VALUES ({}) "
            "ON CONFLICT (article_id, day) DO UPDATE SET reads = "
            "content_article_read_days.reads + excluded.reads")
_ADD_DAY_PG, _ADD_DAY_SQLITE = _ADD_DAY.format("$1, $2, $3"), _ADD_DAY.format("?, ?, ?")
_ADD_ARTICLE = "UPDATE content_articles SET read_count = read_count + {} WHERE id = {}"
_ADD_ARTICLE_PG, _ADD_ARTICLE_SQLITE = _ADD_ARTICLE.format("$1", "$2"), _ADD_ARTICLE.format("?", "?")


def reader_key(principal: Principal, device_id: str | None) -> tuple[str, int | None]:
    """Members count by id; a guest by a keyed hash of the device id the app sends."""
    if principal.member_id is not None:
        return f"m:{principal.member_id}", principal.member_id
    if not device_id or not _DEVICE.match(device_id):
        raise ValidationFailed("a guest's read needs a device id of 8 to 64 letters, digits, - or _",
                               field="deviceId", code="DEVICE_ID_REQUIRED")
    return "d:" + crypto.blind_index(device_id, "device")[:40], None


def _seen_key(article_id: int, day: date) -> str:
    return f"content:{_TAG}:seen:{article_id}:{day.isoformat()}"


def _item(article_id: int, day: date, reader: str, member_id: int | None) -> str:
    return f"{article_id}|{day.isoformat()}|{reader}|{member_id or ''}"


def _parse(item: str) -> tuple[int, date, str, int | None]:
    article, day, reader, member = item.split("|")
    return int(article), date.fromisoformat(day), reader, int(member) if member else None


async def mark_read(principal: Principal, reader_path: str | None, article_id: int,
                    device_id: str | None = None) -> tuple[Article, bool]:
    """(the article, whether this read is the reader's first today). The article must be
    one the caller may read, else ARTICLE_NOT_FOUND. Only a published article's reads count:
    a cadre previewing a draft or opening a withdrawn article counts nothing (readCount and
    the scorecards' articleReads are what members read)."""
    article = await readable_article(principal, reader_path, article_id)
    reader, member_id = reader_key(principal, device_id)
    if article.status != ArticleStatus.PUBLISHED:
        return article, False
    day = today_shanghai()
    try:
        counted = await cache.get_redis().eval(  # type: ignore[misc]  # redis-py types its commands as sync or async
            _MARK, 2, _seen_key(article.id, day), QUEUE, reader,
            _item(article.id, day, reader, member_id), str(SEEN_TTL_SECONDS))
    except cache.FAILURES as exc:
        cache.fell_back(exc)
        counted = await _apply([(article.id, day, reader, member_id)]) > 0
    return article, bool(counted)


def _insert_sql(n: int) -> str:
    if is_postgres():
        marks = ", ".join(f"(${4 * i + 1}, ${4 * i + 2}, ${4 * i + 3}, ${4 * i + 4})"
                          for i in range(n))
    else:
        marks = ", ".join("(?, ?, ?, ?)" for _ in range(n))
    # Only placeholders are interpolated; every value is bound.
    return ("INSERT INTO content_article_reads (article_id, day, reader_key, member_id) "  # noqa: S608
            f"VALUES {marks} ON CONFLICT (article_id, day, reader_key) DO NOTHING "
            "RETURNING article_id, day, member_id")


async def _apply(reads: list[tuple[int, date, str, int | None]]) -> int:
    """Insert reads once each and add the newly inserted ones to the counts, atomically:
    every new read to the article's `read_count`, members' new reads to its day's `reads`
    (what scorecards sum). Returns how many were new."""
    unique = list({(a, d, r): (a, d, r, m) for a, d, r, m in reads}.values())
    if not unique:
        return 0
    per_article: dict[int, int] = {}
    by_members: dict[tuple[int, date], int] = {}
    async with in_transaction() as tx:
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            values = [v for row in chunk for v in row]
            rows = await tx.execute_query_dict(_insert_sql(len(chunk)), values)
            for row in rows:
                article_id, day = int(row["article_id"]), row["day"]
                per_article[article_id] = per_article.get(article_id, 0) + 1
                if row["member_id"] is not None:
                    key = (article_id, day if isinstance(day, date) else
                           date.fromisoformat(str(day)))
                    by_members[key] = by_members.get(key, 0) + 1
        # Sorted, so two flushes lock rows in one order (no deadlock between them).
        for (article_id, day), n in sorted(by_members.items()):
            await tx.execute_query(_ADD_DAY_PG if is_postgres() else _ADD_DAY_SQLITE,
                                   [article_id, day, n])
        for article_id, n in sorted(per_article.items()):
            await tx.execute_query(_ADD_ARTICLE_PG if is_postgres() else _ADD_ARTICLE_SQLITE,
                                   [n, article_id])
    return sum(per_article.values())


async def _flush_batch(batch_key: str) -> int:
    redis = cache.get_redis()
    items = await redis.lrange(batch_key, 0, -1)  # type: ignore[misc]  # redis-py types its commands as sync or async
    added = await _apply([_parse(i) for i in items])
    await redis.delete(batch_key)
    await redis.srem(BATCHES, batch_key)  # type: ignore[misc]  # redis-py types its commands as sync or async
    return added


async def flush_reads(batch: int = FLUSH_BATCH) -> int:
    """Move queued reads into the database; returns how many counted. Batches a crashed run
    left behind go first (their reads insert nothing twice)."""
    redis = cache.get_redis()
    added = 0
    for leftover in await redis.smembers(BATCHES):  # type: ignore[misc]  # redis-py types its commands as sync or async
        added += await _flush_batch(leftover)
    while True:
        batch_key = f"content:{_TAG}:batch:{uuid.uuid4().hex}"
        items = await redis.eval(_TAKE, 3, QUEUE, batch_key, BATCHES, str(batch))  # type: ignore[misc]  # redis-py types its commands as sync or async
        if not items:
            return added
        added += await _flush_batch(batch_key)


async def flush_job() -> int:
    return await cache.safe(flush_reads(), 0)


def history_of(member_id: int) -> QuerySet[ArticleRead]:
    """A member's own flushed reads (paged newest first by id)."""
    return ArticleRead.filter(member_id=member_id)


async def read_history(member_id: int, first: int) -> list[ArticleRead]:
    """A member's own reads, newest first (flushed reads)."""
    return await ArticleRead.filter(member_id=member_id).order_by("-id").limit(first)


async def pending_reads() -> int:
    """Reads queued in Redis and not yet flushed (an operator's figure)."""
    queued = cast("Awaitable[int]", cache.get_redis().llen(QUEUE))  # redis-py: sync or async
    return await cache.safe(queued, 0)
