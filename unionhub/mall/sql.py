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


async def one(sql: str, params: list) -> dict | None:
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

# PostgreSQL, one SKU line, no voucher: the whole order in one statement, so one round trip
# and no BEGIN/COMMIT (a statement is atomic). The order row is inserted only from the stock
# reservation's RETURNING: no row back means not enough stock, and nothing was written. A
# duplicate idempotency key fails the statement with a unique violation, undoing the
# reservation with it. Foreign keys are checked at the end of the statement, after the order
# row exists.
PLACE_ONE_LINE_PG = """
WITH reserved AS (
    UPDATE mall_skus SET stock = stock - $1::int WHERE id = $2::bigint AND stock >= $1::int
    RETURNING id
), placed AS (
    INSERT INTO mall_orders (member_id, union_id, union_path, status, subtotal_fen,
        discount_fen, payable_fen, voucher_id, idempotency_key, address_enc, address_region,
        expires_at, created_at)
    SELECT $3::bigint, $4::bigint, $5::text, $6::text, $7::int, 0, $7::int, NULL, $8::text,
        $9::text, $10::text, $11::timestamptz, $12::timestamptz
    FROM reserved RETURNING id
), item AS (
    INSERT INTO mall_order_items (order_id, sku_id, product_id, supplier_id, supplier_region,
        certified, name, unit_price_fen, quantity, line_fen)
    SELECT id, $2::bigint, $13::bigint, $14::bigint, $15::text, $16::bool, $17::text,
        $18::int, $1::int, $7::int
    FROM placed
), event AS (
    INSERT INTO mall_order_events (order_id, at, actor_id, kind, from_status, to_status, detail)
    SELECT id, $12::timestamptz, $3::bigint, 'PLACED', NULL, $6::text, $19::jsonb FROM placed
)
SELECT id FROM placed"""
