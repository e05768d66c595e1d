"""Covering indexes for scorecards: one per tree depth on (org_dN, submitted_at), carrying the
columns the figures read (status, completed_at, deadline, rating) so a month's figures are an
index-only scan. PostgreSQL keeps the extra columns as INCLUDE payload; SQLite has no INCLUDE,
so they are trailing key columns there. Measured on PostgreSQL 15 with 2M requests, a
province's month over its 11 cities (164k requests): 55–95 ms with the covering index,
~250 ms with a plain (org_d1, submitted_at) index, ~950 ms without either."""

from tortoise import migrations
from tortoise.migrations import operations as ops

DEPTHS = range(5)
PAYLOAD = "status, completed_at, deadline, rating"


async def _create(apps, schema_editor) -> None:
    postgres = schema_editor.client.capabilities.dialect == "postgres"
    for d in DEPTHS:
        if postgres:
            columns = f"(org_d{d}, submitted_at) INCLUDE ({PAYLOAD})"
        else:
            columns = f"(org_d{d}, submitted_at, {PAYLOAD})"
        await schema_editor.client.execute_script(
            f"CREATE INDEX IF NOT EXISTS service_requests_scorecard_d{d} "
            f"ON service_requests {columns}"
        )


async def _drop(apps, schema_editor) -> None:
    for d in DEPTHS:
        await schema_editor.client.execute_script(
            f"DROP INDEX IF EXISTS service_requests_scorecard_d{d}")


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [ops.RunPython(_create, _drop)]
