"""Two cadres publishing one draft at once: the transition is a conditional update, so one
publishes, the other gets ARTICLE_WRONG_STATUS, and one audit row names the one who did. The
race is held open by a second PostgreSQL connection that locks the article's row until both
requests, past their own status checks, wait on it."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest

from tests.content.helpers import PUBLISH, write
from tests.pg_locks import until_waiting
from unionhub import db
from unionhub.content.models import Article
from unionhub.identity.models import AuditLog


async def test_two_checkers_at_once_publish_once(gql, factory):
    if not db.is_postgres():
        pytest.skip("holds a row lock from a second PostgreSQL connection")
    tree = await factory.tree()
    county = tree.counties["A"]
    author = await factory.cadre(county)
    checkers = [await factory.cadre(county), await factory.cadre(tree.province)]
    article_id = await write(gql, author, county)
    holder = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await holder.execute("BEGIN")
        await holder.execute("SELECT id FROM content_articles WHERE id = $1 FOR UPDATE",
                             int(article_id))
        racing = [asyncio.create_task(gql(PUBLISH, {"id": article_id}, token=c.token))
                  for c in checkers]
        await until_waiting(holder, 2)
        await holder.execute("COMMIT")
        results = [await r for r in racing]
    finally:
        await holder.close()
    errors = [r.data["publishArticle"]["errors"] for r in results]
    assert sorted(errors, key=len) == [[], [{"code": "ARTICLE_WRONG_STATUS",
                                            "field": "articleId"}]]
    winner = checkers[errors.index([])]
    row = await Article.get(id=int(article_id))
    assert (row.status, row.publisher_id) == ("PUBLISHED", winner.member.id)
    audit = await AuditLog.filter(subject_type="article").values_list("action", "actor_id")
    assert audit == [("content.article_published", winner.member.id)]
