"""GraphQL types of the content subgraph (news and notices), and content's fields of the shared
Member and Union entities."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from unionhub.content import feed as feed_domain
from unionhub.content import loaders
from unionhub.content import reads as reads_domain
from unionhub.content.articles import may_read
from unionhub.content.models import Article as ArticleRow
from unionhub.content.models import ArticleKind, ArticleStatus
from unionhub.identity.access import Tier
from unionhub.schema.docs import PAYLOAD_ERRORS, describe_values
from unionhub.schema.entities import UnionRef, union_entity
from unionhub.schema.errors import UserError
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import (
    MAX_PAGE,
    After,
    Before,
    Connection,
    First,
    Last,
    connection,
    empty_connection,
    keyset_page,
    replaced_by,
)

ArticleKindEnum = strawberry.enum(ArticleKind, name="ArticleKind",
                                  description=(
                                      "NEWS is public; a NOTICE is for its union's subtree."))
ArticleStatusEnum = strawberry.enum(ArticleStatus, name="ArticleStatus",
                                    description="An article's place in its review.")
describe_values(ArticleKindEnum, NEWS="资讯: public news.",
                NOTICE="通知公告: a notice for the union's subtree only.")
describe_values(ArticleStatusEnum, DRAFT="Written, waiting for a checker to publish it.",
                PUBLISHED="In the feeds.", WITHDRAWN="Taken out of every feed.")

MEMBER_READS_MAX = 100  # Member.articleReads shows at most this many, newest first
UNION_ARTICLES_MAX = 50


@strawberry.type(description="A news article or notice of a union (新媒体, 通知公告).")
class Article:
    id: strawberry.ID = strawberry.field(description="The article's id.")
    kind: ArticleKindEnum = strawberry.field(description="NEWS or NOTICE.")
    status: ArticleStatusEnum = strawberry.field(
        description="DRAFT and WITHDRAWN articles are seen only by cadres whose scope holds "
                    "the union.")
    title: str = strawberry.field(description="1 to 100 characters.")
    body: str = strawberry.field(description="The text, at most 20,000 characters.")
    cover_url: str | None = strawberry.field(description="An http(s) image URL.")
    pinned: bool = strawberry.field(description="Pinned articles lead the feed.")
    published_at: datetime | None = strawberry.field(description="When it was published (UTC "
                                                                 "instant); null for a draft.")
    read_count: int = strawberry.field(
        description="Reads counted once per reader per day, as flushed to the database "
                    "(behind by at most the flush interval, 10 s).")
    union_id: strawberry.Private[int]

    @strawberry.field(description="The union that publishes it.")
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)

    @classmethod
    def of(cls, row: ArticleRow) -> Article:
        return cls(id=strawberry.ID(str(row.id)), kind=row.kind, status=row.status,
                   title=row.title, body=row.body, cover_url=row.cover_url, pinned=row.pinned,
                   published_at=row.published_at, read_count=row.read_count,
                   union_id=row.union_id)


@strawberry.type(description="One day on which the member read an article.")
class ArticleRead:
    day: date = strawberry.field(description="The Shanghai date of the read.")
    article_id: strawberry.Private[int]

    @strawberry.field(description="The article, while the member may still read it.")
    async def article(self, info: strawberry.Info) -> Article | None:
        row = await info.context.loader("content.articles", loaders.articles).load(self.article_id)
        if row is None or row.status != ArticleStatus.PUBLISHED:
            return None
        # Published is not enough: a notice of a union the member has left is no longer
        # theirs to read (`article(id)` answers null for it).
        readable = may_read(info.context.principal, await _reader_path(info), row)
        return Article.of(row) if readable else None


@strawberry.type(description="The result of a mutation on an article.")
class ArticlePayload:
    article: Article | None = strawberry.field(
        default=None, description="The article as it stands; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of markArticleRead.")
class MarkArticleReadPayload:
    article: Article | None = strawberry.field(
        default=None, description="The article read; null on errors.")
    counted: bool = strawberry.field(
        default=False, description="True for the reader's first read of the article today; "
                                   "always false for a draft or withdrawn article (not counted).")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


async def _reader_path(info: strawberry.Info) -> str | None:
    rec = await info.context.caller_record()
    return rec.union_path if rec is not None else None


@strawberry.type
class ContentMemberFields:
    @gql_field(tier=Tier.MEMBER,
               description="The member's own read history, newest first (the member only; "
                           f"null for anyone else). At most {MEMBER_READS_MAX}.",
               deprecation_reason=replaced_by("articleReadsConnection"))
    async def article_reads(self, info: strawberry.Info,
                            first: Annotated[int, strawberry.argument(description=(
                                "How many, newest first: at most 100."))] = 20,
                            ) -> list[ArticleRead] | None:
        if info.context.principal.member_id != int(self.id):
            return None
        rows = await reads_domain.read_history(int(self.id), max(0, min(first, MEMBER_READS_MAX)))
        return [ArticleRead(day=r.day, article_id=r.article_id) for r in rows]

    @gql_field(tier=Tier.MEMBER,
               description="The member's whole read history, newest first, at most "
                           f"{MAX_PAGE} a page (the member only; null for anyone else).")
    async def article_reads_connection(self, info: strawberry.Info, first: First = None,
                                       after: After = None, last: Last = None,
                                       before: Before = None) -> Connection[ArticleRead] | None:
        if info.context.principal.member_id != int(self.id):
            return None
        rows, page = await keyset_page(reads_domain.history_of(int(self.id)), first, after,
                                       newest_first=True, last=last, before=before)
        return connection([ArticleRead(day=r.day, article_id=r.article_id) for r in rows],
                          [r.id for r in rows], page)


@strawberry.type
class ContentUnionFields:
    @gql_field(description="The union's own published articles the caller may read, newest "
                           f"first; at most {UNION_ARTICLES_MAX}.",
               deprecation_reason=replaced_by("articlesConnection"))
    async def articles(self, info: strawberry.Info,
                       first: Annotated[int, strawberry.argument(description=(
                           "How many, newest first: at most 50."))] = 10,
                       ) -> list[Article]:
        union = self.rec or await info.context.unions.load(int(self.id))
        if union is None:
            return []
        rows = await feed_domain.union_articles(
            info.context.principal, await _reader_path(info), union.id, union.path,
            max(0, min(first, UNION_ARTICLES_MAX)))
        return [Article.of(r) for r in rows]

    @gql_field(description="The union's own published articles the caller may read, newest "
                           f"first, at most {MAX_PAGE} a page.")
    async def articles_connection(self, info: strawberry.Info, first: First = None,
                                  after: After = None, last: Last = None,
                                  before: Before = None) -> Connection[Article]:
        union = self.rec or await info.context.unions.load(int(self.id))
        if union is None:
            return empty_connection(first, last)
        qs = feed_domain.own_articles(info.context.principal, await _reader_path(info), union.id,
                                      union.path)
        rows, page = await keyset_page(qs, first, after, newest_first=True, last=last,
                                       before=before)
        return connection([Article.of(r) for r in rows], [r.id for r in rows], page)
