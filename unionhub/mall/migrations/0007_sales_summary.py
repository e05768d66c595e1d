"""The mall report's sales summary (mall.sales_summary): per union and per supplier region,
per Shanghai day and month of payment, what the sold orders add up to; filled here from the orders
already sold. Payments and refunds keep it from then on, in their own transactions; a
deployment whose old processes still take payments while this runs rebuilds it once they are
gone (`unionhub mall rebuild-sales-summary`, OPERATORS.md)."""

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from unionhub.mall.sales_summary import rebuild_statements

# Prefix ranges of the union path (subtree_sql.py) need varchar_pattern_ops on PostgreSQL (as
# 0002 does for the orders); SQLite's unique indexes on (union_path, ...) serve them already.
_INDEXES = {
    "mall_sales_days_path_prefix": "mall_sales_days (union_path varchar_pattern_ops, grain, day)",
    "mall_region_sales_days_path_prefix":
        "mall_region_sales_days (union_path varchar_pattern_ops, grain, day)",
}


async def _create(apps, schema_editor) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    if postgres:
        for name, target in _INDEXES.items():
            await client.execute_script(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
    # (as written then: payments had no refunded_fen yet; 0013 rebuilds with it)
    for statement in rebuild_statements(postgres, partial_refunds=False):
        await client.execute_script(statement)


async def _drop(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for name in _INDEXES:
            await schema_editor.client.execute_script(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("mall", "0006_moneya_union_funds")]

    initial = False

    operations = [
        ops.CreateModel(
            name="SalesDay",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("union_path", fields.CharField(max_length=255)),
                ("union_id", fields.BigIntField()),
                ("grain", fields.CharField(max_length=1)),
                ("day", fields.DateField()),
                ("order_count", fields.IntField(default=0)),
                ("sales_fen", fields.BigIntField(default=0)),
                ("discount_fen", fields.BigIntField(default=0)),
                ("voucher_sales_fen", fields.BigIntField(default=0)),
                ("line_fen", fields.BigIntField(default=0)),
                ("certified_fen", fields.BigIntField(default=0)),
            ],
            options={"table": "mall_sales_days", "app": "mall",
                     "unique_together": (("union_path", "union_id", "grain", "day"),),
                     "indexes": [Index(fields=["grain", "day"])], "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RegionSalesDay",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("union_path", fields.CharField(max_length=255)),
                ("region_code", fields.CharField(max_length=6)),
                ("grain", fields.CharField(max_length=1)),
                ("day", fields.DateField()),
                ("order_count", fields.IntField(default=0)),
                ("line_fen", fields.BigIntField(default=0)),
            ],
            options={"table": "mall_region_sales_days", "app": "mall",
                     "unique_together": (("union_path", "region_code", "grain", "day"),),
                     "indexes": [Index(fields=["grain", "day"])], "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.RunPython(_create, _drop),
    ]
