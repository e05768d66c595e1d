"""On PostgreSQL, a trigram index for the cadres' member search by part of a display name
(`identity.member_search`: `display_name__icontains`, which Tortoise writes as
`UPPER(display_name) LIKE UPPER('%term%')`, hence the index on that expression). Without it
every search read each member of the subtree (26 ms for a term matching nobody among 10,000
members, growing with the province); with it, ~1 ms. pg_trgm ships with PostgreSQL and is a
trusted extension (13+): the database's owner may create it. Trigrams of CJK characters work
under a UTF-8 ctype (C.UTF-8 included). SQLite scans, as before."""

from tortoise import migrations
from tortoise.migrations import operations as ops


async def _create(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm; "
            "CREATE INDEX IF NOT EXISTS members_display_name_trgm ON members "
            "USING gin (upper(display_name) gin_trgm_ops)"
        )


async def _drop(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(
            "DROP INDEX IF EXISTS members_display_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("identity", "0012_sms_confirm_account_purpose")]

    operations = [ops.RunPython(_create, _drop)]
