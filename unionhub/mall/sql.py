"""Raw SQL for the few queries the ORM does not express (aggregates, window functions):
written with `?` placeholders and numbered for PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from unionhub.db import conn, is_postgres


def _param(value: object) -> object:
    # SQLite stores Tortoise's datetimes as UTC text: compare like with like.
    if isinstance(value, datetime) and not is_postgres():
        return str(value.astimezone(UTC))
    if isinstance(value, date) and not is_postgres():  # (a date column: ISO text)
        return value.isoformat()
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

# Reserve one SKU line's stock (?: quantity, SKU id, quantity) and return what the order needs
# of it, in the same statement. Product and supplier come from scalar subqueries (primary-key
# look-ups): SQLite's RETURNING cannot name the tables of an UPDATE ... FROM, and both
# backends run this one text (SQLite 3.35 or later, for RETURNING).
RESERVE_LINE = (
    "UPDATE mall_skus SET stock = stock - ? WHERE id = ? AND stock >= ?"
    " AND product_id IN (SELECT id FROM mall_products WHERE active)"
    " RETURNING id, name, price_fen, product_id,"
    " (SELECT p.name FROM mall_products p WHERE p.id = mall_skus.product_id) AS product_name,"
    " (SELECT p.category_id FROM mall_products p WHERE p.id = mall_skus.product_id)"
    " AS category_id,"
    " (SELECT p.supplier_id FROM mall_products p WHERE p.id = mall_skus.product_id)"
    " AS supplier_id,"
    " (SELECT s.region_code FROM mall_products p JOIN mall_suppliers s ON s.id = p.supplier_id"
    " WHERE p.id = mall_skus.product_id) AS region_code,"
    " (SELECT s.certified FROM mall_products p JOIN mall_suppliers s ON s.id = p.supplier_id"
    " WHERE p.id = mall_skus.product_id) AS certified")
