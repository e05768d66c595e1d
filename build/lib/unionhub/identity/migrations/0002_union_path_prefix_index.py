"""On PostgreSQL, a btree index only serves `LIKE 'prefix%'` under the C collation or with
varchar_pattern_ops: add one so subtree scans stay index scans at 140,000 orgs. SQLite's
own index on `path` already serves prefix ranges."""

from tortoise import migrations
from tortoise.migrations import operations as ops


async def _create(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(
            "CREATE INDEX IF NOT EXISTS unions_path_prefix ON unions (path varchar_pattern_ops)"
        )


async def _drop(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script("DROP INDEX IF EXISTS unions_path_prefix")


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial")]

    operations = [ops.RunPython(_create, _drop)]
