"""Raw SQL for the few queries the ORM does not express (aggregates, window functions):
written with `?` placeholders and numbered for PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from unionhub.db import conn, is_postgres


def _param(value: object) -> object:
    # SQLite stores Tortoise's datetimes as UTC text: compare like with like.
    if isinstance(value, datetime) and not is_postgres():
        return str(value.astimezone(UTC))
    return value


async def rows(sql: str, params: list) -> list[dict]:
    if is_postgres():
        parts = sql.split("?")
        sql = parts[0] + "".join(f"${i}{p}" for i, p in enumerate(parts[1:], start=1))
    return await conn().execute_query_dict(sql, [_param(p) for p in params])
