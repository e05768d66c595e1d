"""News and notices: written by one cadre, published by another (maker and checker), pinned,
withdrawn; and who may read what.

Visibility: a NEWS article is public; a NOTICE is for its union's subtree (members whose union
sits under it, and cadres whose scope holds it). Drafts and withdrawn articles are seen only by
cadres whose scope holds the article's union. An article a caller may not see is answered as
if it did not exist (ARTICLE_NOT_FOUND, or null), so ids cannot be probed.
"""

from __future__ import annotations

import re
from typing import Any

from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.content.models import (
    BODY_MAX,
    COVER_URL_MAX,
    MAX_DEPTH,
    TITLE_MAX,
    Article,
    ArticleKind,
    ArticleStatus,
)
from unionhub.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from unionhub.identity import audit, orgs
from unionhub.identity.access import Principal, path_in_scope, require_authenticated, require_scope
from unionhub.plaintext import check_plain

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
_NOT_IN_URL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # \s leaves NUL and others in
REASON_MAX = 200


def path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def ancestor_columns(path: str) -> dict[str, Any]:  # int | None values, for Model.create(**)
    ids = path_ids(path)
    if len(ids) > MAX_DEPTH:
        raise ValueError("org tree deeper than the five union levels")
    return {f"org_d{d}": (ids[d] if d < len(ids) else None) for d in range(MAX_DEPTH)}


def _not_found() -> NotFound:
    return NotFound("no such article", field="articleId", code="ARTICLE_NOT_FOUND")


def _clean_text(title: str, body: str, cover_url: str | None) -> tuple[str, str, str | None]:
    title = title.strip()
    if not title:
        raise ValidationFailed("a title is required", field="title", code="TITLE_REQUIRED")
    if len(title) > TITLE_MAX:
        raise ValidationFailed(f"a title has at most {TITLE_MAX} characters", field="title",
                               code="TITLE_TOO_LONG")
    if not body.strip():
        raise ValidationFailed("a body is required", field="body", code="BODY_REQUIRED")
    if len(body) > BODY_MAX:
        raise ValidationFailed(f"a body has at most {BODY_MAX} characters", field="body",
                               code="BODY_TOO_LONG")
    cover = (cover_url or "").strip() or None
    if cover is not None and (len(cover) > COVER_URL_MAX or not _URL.match(cover)
                              or _NOT_IN_URL.search(cover)):
        raise ValidationFailed(f"the cover is an http(s) URL of at most {COVER_URL_MAX} characters",
                               field="coverUrl", code="BAD_COVER_URL")
    return check_plain(title, "title"), check_plain(body, "body", lines=True), cover


async def create_article(principal: Principal, *, union_id: int, kind: ArticleKind, title: str,
                         body: str, cover_url: str | None = None) -> Article:
    """A draft, written by a cadre whose scope holds the union."""
    author = require_authenticated(principal)
    union = await orgs.get_union(union_id)
    require_scope(principal, union.path)
    title, body, cover = _clean_text(title, body, cover_url)
    return await Article.create(union_id=union.id, union_path=union.path, kind=kind, title=title,
                                body=body, cover_url=cover, author_id=author,
                                **ancestor_columns(union.path))


async def _in_scope(principal: Principal, article_id: int) -> Article:
    """An article of a union the cadre's scope holds; anything else looks absent."""
    require_authenticated(principal)
    article = await Article.get_or_none(id=article_id)
    if article is None or not path_in_scope(principal, article.union_path):
        raise _not_found()
    return article


async def _transition(article: Article, allowed: tuple[ArticleStatus, ...],
                      audit_action: str | None = None, actor_id: int | None = None,
                      **changes: object) -> Article:
    """A conditional update: it applies only if the status is still one of `allowed`, so two
    cadres racing on one article cannot both succeed. Its audit row commits with it."""
    async with in_transaction():
        done = await Article.filter(id=article.id, status__in=allowed).update(**changes)
        if not done:
            raise InvalidTransition("the article is not in a state that allows this",
                                    field="articleId", code="ARTICLE_WRONG_STATUS")
        if audit_action:
            await audit.record(audit_action, actor_id=actor_id, subject_type="article",
                               subject_id=article.id,
                               detail={"union_id": article.union_id,
                                       "author_id": article.author_id})
    return await Article.get(id=article.id)


async def publish_article(principal: Principal, article_id: int) -> Article:
    """The checker: a cadre of the same union or an ancestor, never the author."""
    article = await _in_scope(principal, article_id)
    if article.author_id == principal.member_id:
        raise Conflict("an article is published by a cadre other than its author",
                       field="articleId", code="SELF_PUBLISH_FORBIDDEN")
    if article.status != ArticleStatus.DRAFT:
        raise InvalidTransition("only a draft can be published", field="articleId",
                                code="ARTICLE_WRONG_STATUS")
    return await _transition(article, (ArticleStatus.DRAFT,), "content.article_published",
                             principal.member_id, status=ArticleStatus.PUBLISHED,
                             publisher_id=principal.member_id, published_at=utcnow())


async def pin_article(principal: Principal, article_id: int, pinned: bool) -> Article:
    article = await _in_scope(principal, article_id)
    return await _transition(article, (ArticleStatus.PUBLISHED,), pinned=pinned)


async def withdraw_article(principal: Principal, article_id: int, reason: str) -> Article:
    article = await _in_scope(principal, article_id)
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValidationFailed(f"a reason of 1 to {REASON_MAX} characters is required",
                               field="reason", code="REASON_REQUIRED")
    check_plain(reason, "reason", lines=True)
    return await _transition(
        article, (ArticleStatus.DRAFT, ArticleStatus.PUBLISHED), "content.article_withdrawn",
        principal.member_id, status=ArticleStatus.WITHDRAWN, pinned=False,
        withdrawn_by_id=principal.member_id, withdrawn_at=utcnow(), withdraw_reason=reason)


def may_read(principal: Principal, reader_path: str | None, article: Article) -> bool:
    """Published NEWS for anyone; a published NOTICE for its subtree; every state for cadres
    whose scope holds the article's union."""
    if path_in_scope(principal, article.union_path):
        return True
    if article.status != ArticleStatus.PUBLISHED:
        return False
    if article.kind == ArticleKind.NEWS:
        return True
    return reader_path is not None and reader_path.startswith(article.union_path)


async def readable_article(principal: Principal, reader_path: str | None,
                           article_id: int) -> Article:
    article = await Article.get_or_none(id=article_id)
    if article is None or not may_read(principal, reader_path, article):
        raise _not_found()
    return article
