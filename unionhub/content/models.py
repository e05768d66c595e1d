"""Content models: articles (news and notices) and their reads.

References into identity are plain ids, as in the other domains. An article carries the ids of
its union's ancestors by depth (`org_d0`..`org_d4`, from the materialized path) so that a
ranking of a parent's children groups on one indexed column, as service requests do.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

MAX_DEPTH = 5  # national, province, city, county, grassroots
TITLE_MAX = 100
BODY_MAX = 20_000
COVER_URL_MAX = 500


class ArticleKind(StrEnum):
    NEWS = "NEWS"  # 资讯: public
    NOTICE = "NOTICE"  # 通知公告: for the union's subtree only


class ArticleStatus(StrEnum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    WITHDRAWN = "WITHDRAWN"


class Article(Model):
    id = fields.BigIntField(primary_key=True)
    union_id = fields.BigIntField()
    union_path = fields.CharField(max_length=255)
    org_d0 = fields.BigIntField(null=True)
    org_d1 = fields.BigIntField(null=True)
    org_d2 = fields.BigIntField(null=True)
    org_d3 = fields.BigIntField(null=True)
    org_d4 = fields.BigIntField(null=True)
    kind = fields.CharEnumField(ArticleKind, max_length=8)
    status = fields.CharEnumField(ArticleStatus, max_length=10, default=ArticleStatus.DRAFT)
    title = fields.CharField(max_length=TITLE_MAX)
    body = fields.TextField()
    cover_url = fields.CharField(max_length=COVER_URL_MAX, null=True)
    pinned = fields.BooleanField(default=False)
    author_id = fields.BigIntField()
    publisher_id = fields.BigIntField(null=True)
    withdrawn_by_id = fields.BigIntField(null=True)
    withdraw_reason = fields.CharField(max_length=200, null=True)
    read_count = fields.BigIntField(default=0)  # flushed reads (see content.reads)
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)
    withdrawn_at = fields.DatetimeField(null=True)

    class Meta:
        table = "content_articles"
        indexes = (
            # the feed: a union's published articles, pinned first, newest first
            Index(fields=("union_id", "status", "pinned", "id")),
            # scorecards: articles published in a subtree in a month
            *(Index(fields=(f"org_d{d}", "published_at")) for d in range(MAX_DEPTH)),
        )
        constraints = (
            CheckConstraint(check="read_count >= 0", name="content_article_read_count"),
            CheckConstraint(check="length(title) BETWEEN 1 AND 100", name="content_article_title"),
        )


class ArticleRead(Model):
    """One reader's read of one article on one Shanghai day: the unique key makes a read count
    once however often it is flushed or retried."""

    id = fields.BigIntField(primary_key=True)
    article_id = fields.BigIntField()
    day = fields.DateField()
    reader_key = fields.CharField(max_length=64)  # "m:<member id>" or "d:<hash of a device id>"
    member_id = fields.BigIntField(null=True)

    class Meta:
        table = "content_article_reads"
        unique_together = (("article_id", "day", "reader_key"),)
        indexes = (Index(fields=("member_id", "id")),)


class ArticleReadDay(Model):
    """Reads per article per day (what scorecards sum), kept by the flush with the reads."""

    id = fields.BigIntField(primary_key=True)
    article_id = fields.BigIntField()
    day = fields.DateField()
    # Members' reads only, from 2026-12-06 (content.reads): a guest's device id is made up at
    # will. Days flushed before also hold guests' reads.
    reads = fields.BigIntField(default=0)

    class Meta:
        table = "content_article_read_days"
        unique_together = (("article_id", "day"),)
        indexes = (Index(fields=("day", "article_id")),)
