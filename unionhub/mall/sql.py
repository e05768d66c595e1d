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

# PostgreSQL, one SKU line, no voucher (personal or bulk): the whole order in one statement, so one round trip
# and no BEGIN/COMMIT (a statement is atomic). It reads the SKU (with its product active),
# reserves the stock, and inserts the order, item and event from the reservation's RETURNING:
# no row back means no such SKU or not enough stock, and nothing was written. A duplicate
# idempotency key fails the statement with a unique violation, undoing the reservation with
# it. Foreign keys are checked at the end of the statement, after the order row exists.
PLACE_ONE_LINE_PG = """
WITH line AS (
    SELECT k.id, k.price_fen, k.price_fen * $1::int AS line_fen, k.product_id, p.supplier_id,
        s.region_code, s.certified, left(p.name || ' ' || k.name, 170) AS name
    FROM mall_skus k JOIN mall_products p ON p.id = k.product_id AND p.active
    JOIN mall_suppliers s ON s.id = p.supplier_id
    WHERE k.id = $2::bigint
), reserved AS (
    UPDATE mall_skus k SET stock = k.stock - $1::int FROM line
    WHERE k.id = line.id AND k.stock >= $1::int
    RETURNING line.*
), placed AS (
    INSERT INTO mall_orders (member_id, union_id, union_path, status, subtotal_fen,
        discount_fen, payable_fen, voucher_id, idempotency_key, address_enc, address_region,
        expires_at, created_at, kind, request_fingerprint)
    SELECT $3::bigint, $4::bigint, $5::text, $6::text, line_fen, 0, line_fen, NULL, $7::text,
        $8::text, $9::text, $10::timestamptz, $11::timestamptz, $13::text, $14::text
    FROM reserved RETURNING id, subtotal_fen
), item AS (
    INSERT INTO mall_order_items (order_id, sku_id, product_id, supplier_id, supplier_region,
        certified, name, unit_price_fen, quantity, line_fen)
    SELECT placed.id, r.id, r.product_id, r.supplier_id, r.region_code, r.certified, r.name,
        r.price_fen, $1::int, r.line_fen
    FROM placed, reserved r
), event AS (
    INSERT INTO mall_order_events (order_id, at, actor_id, kind, from_status, to_status, detail)
    SELECT id, $11::timestamptz, $3::bigint, 'PLACED', NULL, $6::text, $12::jsonb FROM placed
)
SELECT id, subtotal_fen FROM placed"""
