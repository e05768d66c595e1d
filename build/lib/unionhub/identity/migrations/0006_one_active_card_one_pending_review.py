"""Partial unique indexes: at most one ACTIVE card, one PENDING join application and one
PENDING transfer per member. The application checks these under the member's row lock; the
database refuses a second row whatever code writes it. Both PostgreSQL and SQLite accept
`CREATE UNIQUE INDEX ... WHERE ...`; Tortoise's Index has no WHERE, hence raw SQL."""

from tortoise import migrations
from tortoise.migrations import operations as ops

_INDEXES = (
    ("member_cards_one_active", "member_cards", "status = 'ACTIVE'"),
    ("join_applications_one_pending", "join_applications", "status = 'PENDING'"),
    ("transfer_requests_one_pending", "transfer_requests", "status = 'PENDING'"),
)


async def _create(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect not in ("postgres", "sqlite"):
        return
    for name, table, where in _INDEXES:
        await schema_editor.client.execute_script(
            f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {table} (member_id) WHERE {where}"
        )


async def _drop(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect not in ("postgres", "sqlite"):
        return
    for name, _table, _where in _INDEXES:
        await schema_editor.client.execute_script(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("identity", "0005_transfer_review_reason")]

    operations = [ops.RunPython(_create, _drop)]
