"""The content subgraph: news and notices, their feed and their reads."""

from __future__ import annotations

import strawberry

from unionhub.identity.access import Tier
from unionhub.resolvers import content as r
from unionhub.resolvers import content_pages as rp
from unionhub.schema.builder import SchemaPart
from unionhub.schema.content_types import (
    Article,
    ArticleKindEnum,
    ArticlePayload,
    ArticleRead,
    ContentMemberFields,
    ContentUnionFields,
    MarkArticleReadPayload,
)
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import MAX_PAGE, Connection, replaced_by


@strawberry.input(description="A new draft article.")
class CreateArticleInput:
    union_id: strawberry.ID = strawberry.field(description="A union your cadre scope holds.")
    kind: ArticleKindEnum = strawberry.field(description="NEWS (public) or NOTICE (the "
                                                         "union's subtree).")
    title: str = strawberry.field(description="1 to 100 characters.")
    body: str = strawberry.field(description="1 to 20,000 characters.")
    cover_url: str | None = strawberry.field(default=None, description="An http(s) image URL.")


@strawberry.input(description="The draft to publish.")
class PublishArticleInput:
    article_id: strawberry.ID = strawberry.field(description="A DRAFT in the cadre's scope, "
                                                             "written by someone else.")


@strawberry.input(description="An article to pin or unpin.")
class PinArticleInput:
    article_id: strawberry.ID = strawberry.field(description="A PUBLISHED article in scope.")
    pinned: bool = strawberry.field(description="True pins it to the top of the feed.")


@strawberry.input(description="The article to withdraw.")
class WithdrawArticleInput:
    article_id: strawberry.ID = strawberry.field(description="A draft or published article in "
                                                             "scope.")
    reason: str = strawberry.field(description="1 to 200 characters.")


@strawberry.input(description="The article read.")
class MarkArticleReadInput:
    article_id: strawberry.ID = strawberry.field(description="A PUBLISHED article the caller "
                                                             "may read.")
    device_id: str | None = strawberry.field(
        default=None, description="A guest's stable app-install id (8 to 64 of A-Z a-z 0-9 - _); "
                                  "ignored for signed-in members.")


@strawberry.type
class ContentQuery:
    articles: Connection[Article] = gql_field(
        resolver=r.articles,
        description="The feed of a union's chain (the union and every union above it): NEWS for "
                    "everyone, NOTICEs for readers in the publishing union's subtree; pinned "
                    "first, then newest. Without unionId, the caller's own union (signed in).")
    article: Article | None = gql_field(
        resolver=r.article, description="Null when it does not exist or you may not read it.")
    top_articles: list[Article] = gql_field(
        resolver=r.top_articles,
        description="The most read articles of a union's chain you may read (first: 1–20).",
        deprecation_reason=replaced_by("topArticlesConnection"))
    top_articles_connection: Connection[Article] = gql_field(
        resolver=rp.top_articles_connection,
        description="The articles of a union's chain you may read, most read first (reads "
                    f"counted so far), at most {MAX_PAGE} a page. Without unionId, the "
                    "caller's own union (signed in). Counts move as reads are counted: a page "
                    "is as of its read.")


@strawberry.type
class ContentMutation:
    @gql_field(tier=Tier.CADRE, description="Writes a DRAFT; another cadre publishes it.")
    async def create_article(self, info: strawberry.Info,
                             input: CreateArticleInput) -> ArticlePayload:
        return await r.create_article(info, input.union_id, input.kind, input.title, input.body,
                                      input.cover_url)

    @gql_field(tier=Tier.CADRE,
               description="The checker: a cadre of the same union or one above it, not the "
                           "author (ARTICLE_NOT_FOUND also for an article outside your scope).")
    async def publish_article(self, info: strawberry.Info,
                              input: PublishArticleInput) -> ArticlePayload:
        return await r.publish_article(info, input.article_id)

    @gql_field(tier=Tier.CADRE, description="Published articles only (ARTICLE_WRONG_STATUS).")
    async def pin_article(self, info: strawberry.Info, input: PinArticleInput) -> ArticlePayload:
        return await r.pin_article(info, input.article_id, input.pinned)

    @gql_field(tier=Tier.CADRE, description="A draft or published article leaves every feed.")
    async def withdraw_article(self, info: strawberry.Info,
                               input: WithdrawArticleInput) -> ArticlePayload:
        return await r.withdraw_article(info, input.article_id, input.reason)

    @gql_field(description="Counts once per reader per article per Shanghai day. Public "
                           "(guests give deviceId); ARTICLE_NOT_FOUND also for one you may not "
                           "read.")
    async def mark_article_read(self, info: strawberry.Info,
                                input: MarkArticleReadInput) -> MarkArticleReadPayload:
        return await r.mark_article_read(info, input.article_id, input.device_id)


PART = SchemaPart(
    query=ContentQuery,
    mutation=ContentMutation,
    member_fields=ContentMemberFields,
    union_fields=ContentUnionFields,
    types=(ArticleRead,),
)
