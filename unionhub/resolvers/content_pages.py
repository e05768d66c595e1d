"""Content's paged lists (Relay connections) that replace plain lists: the most read
articles, a union's own articles, a member's read history."""

from __future__ import annotations

from typing import Annotated

import strawberry

from unionhub.content import feed as feed_domain
from unionhub.content import reads as reads_domain
from unionhub.resolvers.content import _reader_path, _target_union
from unionhub.schema.content_types import Article, ArticleRead
from unionhub.schema.relay import After, Connection, First, connection, keyset_page, row_key


async def top_articles_connection(info: strawberry.Info,
                                  union_id: Annotated[strawberry.ID | None, strawberry.argument(
                                      description="The union whose chain to rank; null: the "
                                                  "caller's union.")] = None,
                                  first: First = None,
                                  after: After = None) -> Connection[Article]:
    union = await _target_union(info, union_id)
    qs = feed_domain.chain_articles(info.context.principal, await _reader_path(info), union)
    order = feed_domain.TOP_ORDER
    rows, page = await keyset_page(qs, first, after, order=order)
    return connection([Article.of(r) for r in rows], [row_key(r, order) for r in rows], page)


async def union_articles(info: strawberry.Info, union_id: int, union_path: str,
                         first: int | None, after: str | None) -> Connection[Article]:
    qs = feed_domain.own_articles(info.context.principal, await _reader_path(info), union_id,
                                  union_path)
    rows, page = await keyset_page(qs, first, after, newest_first=True)
    return connection([Article.of(r) for r in rows], [r.id for r in rows], page)


async def read_history(member_id: int, first: int | None,
                       after: str | None) -> Connection[ArticleRead]:
    rows, page = await keyset_page(reads_domain.history_of(member_id), first, after,
                                   newest_first=True)
    return connection([ArticleRead(day=r.day, article_id=r.article_id) for r in rows],
                      [r.id for r in rows], page)
