"""The content subgraph: news and notices, their feed and their reads."""

from __future__ import annotations

import strawberry

from unionhub.identity.access import Tier
from unionhub.resolvers import content as r
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
from unionhub.schema.relay import Connection


@strawberry.input
class CreateArticleInput:
    union_id: strawberry.ID = strawberry.field(description="A union your cadre scope holds.")
    kind: ArticleKindEnum
    title: str = strawberry.field(description="1 to 100 characters.")
    body: str = strawberry.field(description="1 to 20,000 characters.")
    cover_url: str | None = strawberry.field(default=None, description="An http(s) image URL.")


@strawberry.input
class PublishArticleInput:
    article_id: strawberry.ID


@strawberry.input
class PinArticleInput:
    article_id: strawberry.ID
    pinned: bool


@strawberry.input
class WithdrawArticleInput:
    article_id: strawberry.ID
    reason: str = strawberry.field(description="1 to 200 characters.")


@strawberry.input
class MarkArticleReadInput:
    article_id: strawberry.ID
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
        description="The most read articles of a union's chain you may read (at most 20).")


@strawberry.type
class ContentMutation:
    @gql_field(tier=Tier.CADRE, description="A draft. Errors: TITLE_REQUIRED, TITLE_TOO_LONG, "
                                            "BODY_REQUIRED, BODY_TOO_LONG, BAD_COVER_URL.")
    async def create_article(self, info: strawberry.Info,
                             input: CreateArticleInput) -> ArticlePayload:
        return await r.create_article(info, input.union_id, input.kind, input.title, input.body,
                                      input.cover_url)

    @gql_field(tier=Tier.CADRE,
               description="The checker: a cadre of the same union or one above it, not the "
                           "author. Errors: SELF_PUBLISH_FORBIDDEN, ARTICLE_WRONG_STATUS, "
                           "ARTICLE_NOT_FOUND (also for an article outside your scope).")
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

    @gql_field(description="Counts once per reader per article per Shanghai day. Errors: "
                           "ARTICLE_NOT_FOUND (also for one you may not read), "
                           "DEVICE_ID_REQUIRED (a guest without a device id).")
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
