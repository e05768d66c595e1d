"""Raw SQL for the few queries the ORM does not express (aggregates, window functions):
written with `?` placeholders and numbered for PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from unionhub.db import conn, is_postgres


def _param(value: object) -> object:
    # SQLite stores Tortoise's datetimes as UTC text: compare like with like.
    if isinstance(value, datetime) and not is_postgres():
        return str(value.astimezone(UTC))
    return value


async def rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    if is_postgres():
        parts = sql.split("?")
        sql = parts[0] + "".join(f"${i}{p}" for i, p in enumerate(parts[1:], start=1))
    return await conn().execute_query_dict(sql, [_param(p) for p in params])


async def one(sql: str, params: list[Any]) -> dict[str, Any] | None:
    found = await rows(sql, params)
    return found[0] if found else None


def marks(n: int) -> str:
    return ", ".join("?" for _ in range(n))


# The SKUs of an order with what the order and a voucher need of product and supplier:
# plain rows, one join (the ORM's select_related builds three model instances per SKU).
SKU_LINES = (
    "SELECT k.id, k.name, k.price_fen, k.product_id, p.name AS product_name, p.active,"
    " p.category_id, p.supplier_id, s.region_code, s.certified FROM mall_skus k"
    " JOIN mall_products p ON p.id = k.product_id JOIN mall_suppliers s ON s.id = p.supplier_id"
    " WHERE k.id IN ({marks})")
