"""Create the CHECK constraints of the mall's models in the database.

Tortoise 1.1.9's CreateModel records `Meta.constraints` in the migration state but emits no
CHECK clause (seen on both backends), so 0001 left them out. PostgreSQL gets them with ALTER
TABLE; SQLite cannot add a CHECK to an existing table, so it gets the same rules as triggers
that abort the statement (an IntegrityError, like a failed CHECK)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

# (table, constraint name, condition that must hold, columns the condition reads)
_CHECKS = [
    ("mall_skus", "mall_sku_stock_nonnegative", "stock >= 0", "stock"),
    ("mall_skus", "mall_sku_price_positive", "price_fen > 0", "price_fen"),
    ("mall_voucher_campaigns", "mall_campaign_budget", "issued_count <= max_vouchers",
     "issued_count, max_vouchers"),
    ("mall_voucher_campaigns", "mall_campaign_face_positive", "face_value_fen > 0",
     "face_value_fen"),
    ("mall_voucher_campaigns", "mall_campaign_limit_positive", "per_member_limit >= 1",
     "per_member_limit"),
    ("mall_orders", "mall_order_amounts",
     "payable_fen >= 0 AND discount_fen >= 0 AND payable_fen = subtotal_fen - discount_fen",
     "payable_fen, discount_fen, subtotal_fen"),
    ("mall_order_items", "mall_item_quantity_positive", "quantity > 0", "quantity"),
]


def _new_row(condition: str, columns: str) -> str:
    for column in (c.strip() for c in columns.split(",")):
        condition = condition.replace(column, f"NEW.{column}")
    return condition


async def _create(apps, schema_editor) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    for table, name, condition, columns in _CHECKS:
        if postgres:
            await client.execute_script(
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" CHECK ({condition})')
            continue
        for event, when in (("insert", "INSERT"), ("update", f"UPDATE OF {columns}")):
            await client.execute_script(
                f'CREATE TRIGGER IF NOT EXISTS "{name}_{event}" BEFORE {when} ON "{table}" '
                f"WHEN NOT ({_new_row(condition, columns)}) "
                f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END;")


async def _drop(apps, schema_editor) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    for table, name, _, _ in _CHECKS:
        if postgres:
            await client.execute_script(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')
        else:
            for event in ("insert", "update"):
                await client.execute_script(f'DROP TRIGGER IF EXISTS "{name}_{event}"')


class Migration(migrations.Migration):
    dependencies = [("mall", "0002_path_prefix_indexes")]

    operations = [ops.RunPython(_create, _drop)]
