"""What a reader sees: the feed of a union's chain (the union and every union above it),
pinned first and then newest first, and the most read of them.

A member of a grassroots union reads the notices and news of its county, city and province in
one list; a reader from elsewhere (or a guest) sees only the chain's NEWS. One indexed query per
page: `union_id IN (chain)` with at most five ids.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from unionhub.content.articles import path_ids
from unionhub.content.models import Article, ArticleKind, ArticleStatus
from unionhub.db_replicas import replica_read
from unionhub.errors import ValidationFailed
from unionhub.identity.access import Principal, path_in_scope
from unionhub.identity.models import Union

TOP_MAX = 20


@dataclass(frozen=True, slots=True)
class FeedPage:
    rows: list[Article]  # in the feed's order, whichever way it was read
    has_more: bool  # more rows beyond the page, in the direction read


def feed_cursor(article: Article) -> str:
    return base64.urlsafe_b64encode(f"f:{int(article.pinned)}:{article.id}".encode()).decode()


def _decode(cursor: str, field: str) -> tuple[bool, int]:
    try:
        kind, pinned, key = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
        if kind != "f" or pinned not in ("0", "1"):
            raise ValueError
        return pinned == "1", int(key)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("cursor is not valid", field=field, code="BAD_CURSOR") from None


def _chain(union: Union) -> list[tuple[int, str]]:
    """(id, path) of the union and each ancestor, root first."""
    ids = path_ids(union.path)
    return [(uid, "/" + "/".join(str(i) for i in ids[:n + 1]) + "/") for n, uid in enumerate(ids)]


def visible_in_chain(principal: Principal, reader_path: str | None, union: Union,
                     kind: ArticleKind | None = None) -> Q:
    """Published articles of the chain the caller may read."""
    chain = _chain(union)
    notice_ids = [uid for uid, path in chain
                  if (reader_path or "\0").startswith(path) or path_in_scope(principal, path)]
    visible = Q(kind=ArticleKind.NEWS)
    if notice_ids:
        visible = visible | Q(kind=ArticleKind.NOTICE, union_id__in=notice_ids)
    query = Q(status=ArticleStatus.PUBLISHED, union_id__in=[uid for uid, _ in chain]) & visible
    if kind is not None:
        query = query & Q(kind=kind)
    return query


@replica_read
async def feed(principal: Principal, reader_path: str | None, union: Union, size: int,
               after: str | None = None, kind: ArticleKind | None = None, *,
               backward: bool = False, before: str | None = None) -> FeedPage:
    """A page after `after`, or (`backward`) the page ending just before `before` (the
    feed's last page without it)."""
    query = visible_in_chain(principal, reader_path, union, kind)
    if backward and before:
        pinned, key = _decode(before, "before")
        newer = Q(pinned=pinned, id__gt=key)
        query = query & (newer if pinned else (newer | Q(pinned=True)))
    elif not backward and after:
        pinned, key = _decode(after, "after")
        older = Q(pinned=pinned, id__lt=key)
        query = query & ((older | Q(pinned=False)) if pinned else older)
    order = ("pinned", "id") if backward else ("-pinned", "-id")
    rows = list(await Article.filter(query).order_by(*order).limit(size + 1))
    more = len(rows) > size
    rows = rows[:size]
    if backward:
        rows.reverse()
    return FeedPage(rows=rows, has_more=more)


@replica_read
async def top_articles(principal: Principal, reader_path: str | None, union: Union,
                       first: int) -> list[Article]:
    """The chain's most read articles the caller may see (reads flushed so far)."""
    if not 0 < first <= TOP_MAX:
        raise ValidationFailed(f"first must be between 1 and {TOP_MAX}", field="first",
                               code="BAD_PAGE_SIZE")
    query = visible_in_chain(principal, reader_path, union)
    return await Article.filter(query).order_by("-read_count", "-id").limit(first)


# The most read first: read counts move as reads are flushed, so a page is as of its read.
TOP_ORDER = ("-read_count", "-id")


def chain_articles(principal: Principal, reader_path: str | None, union: Union,
                   kind: ArticleKind | None = None) -> QuerySet[Article]:
    """The published articles of a union's chain the caller may read (to count or page)."""
    return Article.filter(visible_in_chain(principal, reader_path, union, kind))


def own_articles(principal: Principal, reader_path: str | None, union_id: int,
                 union_path: str) -> QuerySet[Article]:
    """One union's own published articles the caller may see (paged newest first by id)."""
    query = Q(status=ArticleStatus.PUBLISHED, union_id=union_id)
    if not ((reader_path or "\0").startswith(union_path) or path_in_scope(principal, union_path)):
        query = query & Q(kind=ArticleKind.NEWS)
    return Article.filter(query)


async def union_articles(principal: Principal, reader_path: str | None, union_id: int,
                         union_path: str, first: int) -> list[Article]:
    return await own_articles(principal, reader_path, union_id, union_path).order_by(
        "-id").limit(first)
