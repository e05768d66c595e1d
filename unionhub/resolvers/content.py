"""Content's root resolvers: read arguments, call the domain, shape the payload."""

from __future__ import annotations

from typing import Annotated

import strawberry

from unionhub.content import articles as articles_domain
from unionhub.content import feed as feed_domain
from unionhub.content import reads as reads_domain
from unionhub.content.models import ArticleKind
from unionhub.errors import NotFound, ValidationFailed
from unionhub.identity import orgs
from unionhub.identity.models import Union
from unionhub.observability.tracing import traced
from unionhub.schema.content_types import Article, ArticlePayload, MarkArticleReadPayload
from unionhub.schema.errors import payload
from unionhub.schema.relay import (
    After,
    Before,
    Connection,
    Edge,
    First,
    Last,
    PageInfo,
    page_direction,
)


def _id(value: str | None, field: str) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise NotFound("no such id", field=field) from None


async def _reader_path(info: strawberry.Info) -> str | None:
    rec = await info.context.caller_record()
    return rec.union_path if rec is not None else None


async def _target_union(info: strawberry.Info, union_id: strawberry.ID | None) -> Union:
    if union_id is not None:
        return await orgs.get_union(_id(union_id, "unionId"))
    rec = await info.context.caller_record()
    if rec is None:
        raise ValidationFailed("name a union, or sign in to read your own union's feed",
                               field="unionId", code="UNION_REQUIRED")
    return await orgs.get_union(rec.union_id)


# --- queries -------------------------------------------------------------------------------

@traced("resolve articles")
async def articles(info: strawberry.Info,
                   union_id: Annotated[strawberry.ID | None, strawberry.argument(description=(
                       "The union whose chain's feed to show; null: the caller's union."))] = None,
                   kind: Annotated[ArticleKind | None, strawberry.argument(description=(
                       "Only this kind."))] = None,
                   first: First = None, after: After = None, last: Last = None,
                   before: Before = None) -> Connection[Article]:
    size, backward = page_direction(first, last)
    union = await _target_union(info, union_id)
    reader_path = await _reader_path(info)
    page = await feed_domain.feed(info.context.principal, reader_path, union, size, after, kind,
                                  backward=backward, before=before)
    counter = feed_domain.chain_articles(info.context.principal, reader_path, union, kind).count
    edges = [Edge(node=Article.of(row), cursor=feed_domain.feed_cursor(row)) for row in page.rows]
    return Connection(edges=edges, page_info=PageInfo(
        has_next_page=before is not None if backward else page.has_more,
        has_previous_page=page.has_more if backward else after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None), counter=counter)


async def article(info: strawberry.Info,
                  id: Annotated[strawberry.ID, strawberry.argument(description=(
                      "The article's id."))]) -> Article | None:
    try:
        row = await articles_domain.readable_article(info.context.principal,
                                                     await _reader_path(info), _id(id, "id"))
    except NotFound:
        return None
    return Article.of(row)


async def top_articles(info: strawberry.Info,
                       union_id: Annotated[strawberry.ID | None, strawberry.argument(description=(
                           "The union whose chain to rank; null: the caller's union."))] = None,
                       first: Annotated[int, strawberry.argument(description=(
                           "How many: 1–20, default 10."))] = 10) -> list[Article]:
    union = await _target_union(info, union_id)
    rows = await feed_domain.top_articles(info.context.principal, await _reader_path(info),
                                          union, first)
    return [Article.of(row) for row in rows]


# --- mutations -----------------------------------------------------------------------------

def _article(row) -> dict:
    return {"article": Article.of(row)}


async def _on_article(rule, principal, article_id: strawberry.ID, *args) -> ArticlePayload:
    """One of the rules that act on an existing article, its domain error as a UserError (an
    id that is no number is a NotFound raised inside, so it lands in the payload too)."""
    async def work():
        return await rule(principal, _id(article_id, "articleId"), *args)
    return await payload(ArticlePayload, work(), _article)


async def create_article(info: strawberry.Info, union_id: strawberry.ID, kind: ArticleKind,
                         title: str, body: str, cover_url: str | None) -> ArticlePayload:
    async def work():
        return await articles_domain.create_article(
            info.context.principal, union_id=_id(union_id, "unionId"), kind=kind, title=title,
            body=body, cover_url=cover_url)
    return await payload(ArticlePayload, work(), _article)


async def publish_article(info: strawberry.Info, article_id: strawberry.ID) -> ArticlePayload:
    return await _on_article(articles_domain.publish_article, info.context.principal, article_id)


async def pin_article(info: strawberry.Info, article_id: strawberry.ID,
                      pinned: bool) -> ArticlePayload:
    return await _on_article(articles_domain.pin_article, info.context.principal, article_id,
                             pinned)


async def withdraw_article(info: strawberry.Info, article_id: strawberry.ID,
                           reason: str) -> ArticlePayload:
    return await _on_article(articles_domain.withdraw_article, info.context.principal,
                             article_id, reason)


async def mark_article_read(info: strawberry.Info, article_id: strawberry.ID,
                            device_id: str | None) -> MarkArticleReadPayload:
    async def work():
        return await reads_domain.mark_read(info.context.principal, await _reader_path(info),
                                            _id(article_id, "articleId"), device_id)
    return await payload(MarkArticleReadPayload, work(),
                         lambda done: {"article": Article.of(done[0]), "counted": done[1]})
