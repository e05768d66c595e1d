"""On PostgreSQL, prefix scans (`LIKE '/1/5/%'`) over the orders' and campaigns' union paths
need varchar_pattern_ops indexes (as identity's 0002 does for unions); SQLite's own indexes
already serve prefix ranges."""

from tortoise import migrations
from tortoise.migrations import operations as ops

_INDEXES = {
    "mall_orders_union_path_prefix": "mall_orders (union_path varchar_pattern_ops, paid_at)",
    "mall_campaigns_org_path_prefix": "mall_voucher_campaigns (org_path varchar_pattern_ops)",
}


async def _create(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for name, target in _INDEXES.items():
            await schema_editor.client.execute_script(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


async def _drop(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for name in _INDEXES:
            await schema_editor.client.execute_script(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("mall", "0001_initial")]

    operations = [ops.RunPython(_create, _drop)]
