"""Refunds followed to the end (issue 18): payments remember when their refund was asked
for and which attempt it is, reconciliation backs off per payment (`next_check_at`,
`check_count`), the OPERATOR's queue of payment exceptions, and the sandbox rail's ledger."""

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from unionhub.mall.models import (
    PaymentExceptionAction,
    PaymentExceptionKind,
    PaymentExceptionStatus,
    PaymentStatus,
)


async def _backfill(apps, schema_editor) -> None:
    # Open payments and pending refunds are due for a check at once.
    await schema_editor.client.execute_script(
        'UPDATE "mall_payments" SET "next_check_at" = "checked_at" WHERE "next_check_at" IS NULL')
    await schema_editor.client.execute_script(
        'CREATE INDEX IF NOT EXISTS "mall_payments_status_next_check" '
        'ON "mall_payments" ("status", "next_check_at")')


async def _drop_index(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(
        'DROP INDEX IF EXISTS "mall_payments_status_next_check"')


class Migration(migrations.Migration):
    dependencies = [("mall", "0004_payment_checked_at")]

    initial = False

    operations = [
        ops.AddField(model_name="Payment", name="next_check_at",
                     field=fields.DatetimeField(null=True)),
        ops.AddField(model_name="Payment", name="check_count", field=fields.IntField(default=0)),
        ops.AddField(model_name="Payment", name="refund_requested_at",
                     field=fields.DatetimeField(null=True)),
        ops.AddField(model_name="Payment", name="refund_attempt",
                     field=fields.IntField(default=1)),
        ops.RunPython(_backfill, _drop_index),
        ops.CreateModel(
            name="PaymentException",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True,
                                          db_index=True)),
                ("kind", fields.CharEnumField(enum_type=PaymentExceptionKind, max_length=16)),
                ("status", fields.CharEnumField(default=PaymentExceptionStatus.OPEN,
                                                enum_type=PaymentExceptionStatus,
                                                max_length=10)),
                ("open_key", fields.CharField(null=True, unique=True, max_length=100)),
                ("payment_id", fields.BigIntField(null=True, db_index=True)),
                ("order_id", fields.BigIntField(null=True)),
                ("provider", fields.CharField(max_length=16)),
                ("provider_ref", fields.CharField(null=True, max_length=64)),
                ("amount_fen", fields.IntField(null=True)),
                ("reason", fields.CharField(max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("resolved_at", fields.DatetimeField(null=True)),
                ("resolved_by_id", fields.BigIntField(null=True)),
                ("resolution", fields.CharEnumField(null=True, enum_type=PaymentExceptionAction,
                                                    max_length=16)),
                ("note", fields.CharField(null=True, max_length=500)),
            ],
            options={"table": "mall_payment_exceptions", "app": "mall",
                     "indexes": [Index(fields=["status", "id"])], "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SandboxTrade",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True,
                                          db_index=True)),
                ("out_trade_no", fields.CharField(unique=True, max_length=64)),
                ("amount_fen", fields.IntField()),
                ("status", fields.CharField(default="NOTPAY", max_length=10)),
                ("paid_fen", fields.IntField(null=True)),
                ("refund_status", fields.CharField(null=True, max_length=10)),
                ("refund_no", fields.CharField(null=True, max_length=64)),
                ("expires_at", fields.DatetimeField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "mall_sandbox_trades", "app": "mall", "pk_attr": "id"},
            bases=["Model"],
        ),
        # REFUND_FAILED joins the payment statuses (the column's description only).
        ops.AlterField(
            model_name="Payment",
            name="status",
            field=fields.CharEnumField(
                default=PaymentStatus.REQUIRES_PAYMENT,
                description="REQUIRES_PAYMENT: REQUIRES_PAYMENT\nSUCCEEDED: SUCCEEDED\n"
                            "FAILED: FAILED\nREFUND_PENDING: REFUND_PENDING\n"
                            "REFUNDED: REFUNDED\nREFUND_FAILED: REFUND_FAILED",
                enum_type=PaymentStatus, max_length=16),
        ),
    ]
