"""Content's batch loads for request-scoped DataLoaders: one query per batch of keys."""

from __future__ import annotations

from unionhub.content.models import Article


async def articles(ids: list[int]) -> list[Article | None]:
    rows = {r.id: r for r in await Article.filter(id__in=list(ids))}
    return [rows.get(i) for i in ids]
