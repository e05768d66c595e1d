"""Payments remember when reconciliation last asked their provider about them, so the job
walks the oldest-checked first and never stalls on the same open payments."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


async def _backfill(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(
        'UPDATE "mall_payments" SET "checked_at" = "created_at" WHERE "checked_at" IS NULL')
    await schema_editor.client.execute_script(
        'CREATE INDEX IF NOT EXISTS "mall_payments_status_checked" '
        'ON "mall_payments" ("status", "checked_at")')


async def _drop_index(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(
        'DROP INDEX IF EXISTS "mall_payments_status_checked"')


class Migration(migrations.Migration):
    dependencies = [("mall", "0003_check_constraints")]

    initial = False

    operations = [
        ops.AddField(model_name="Payment", name="checked_at",
                     field=fields.DatetimeField(null=True)),
        ops.RunPython(_backfill, _drop_index),
    ]
