"""Union funds (工会经费集采): yearly budgets and their ledger, an order's kind, and the
fingerprint that binds an idempotency key to its request.

CHECKs are created explicitly (Tortoise's CreateModel records them without creating them; see
0003): ALTER TABLE on PostgreSQL, aborting triggers on SQLite."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from unionhub.mall.models import FundsEntryKind, OrderKind
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

# (table, constraint name, condition that must hold, columns the condition reads)
_CHECKS = [
    ("mall_union_funds_budgets", "mall_funds_within_allocation",
     "spent_fen >= 0 AND spent_fen <= allocated_fen", "spent_fen, allocated_fen"),
    ("mall_union_funds_entries", "mall_funds_entry_positive", "amount_fen > 0", "amount_fen"),
]


def _new_row(condition: str, columns: str) -> str:
    for column in (c.strip() for c in columns.split(",")):
        condition = condition.replace(column, f"NEW.{column}")
    return condition


async def _create_checks(apps, schema_editor) -> None:
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


async def _drop_checks(apps, schema_editor) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    for table, name, _, _ in _CHECKS:
        if postgres:
            await client.execute_script(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')
        else:
            for event in ("insert", "update"):
                await client.execute_script(f'DROP TRIGGER IF EXISTS "{name}_{event}"')


class Migration(migrations.Migration):
    dependencies = [('mall', '0005_moneyb_refunds_followed')]

    initial = False

    operations = [
        ops.CreateModel(
            name='UnionFundsBudget',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('union_id', fields.BigIntField()),
                ('year', fields.IntField()),
                ('allocated_fen', fields.BigIntField(default=0)),
                ('spent_fen', fields.BigIntField(default=0)),
            ],
            options={'table': 'mall_union_funds_budgets', 'app': 'mall', 'unique_together': (('union_id', 'year'),), 'constraints': [CheckConstraint(check='spent_fen >= 0 AND spent_fen <= allocated_fen', name='mall_funds_within_allocation')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='UnionFundsEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('union_id', fields.BigIntField()),
                ('year', fields.IntField()),
                ('kind', fields.CharEnumField(description='ALLOCATION: ALLOCATION\nSPEND: SPEND\nRETURN: RETURN', enum_type=FundsEntryKind, max_length=10)),
                ('amount_fen', fields.BigIntField()),
                ('order_id', fields.BigIntField(null=True)),
                ('actor_id', fields.BigIntField(null=True)),
                ('trace_id', fields.CharField(null=True, max_length=32)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mall_union_funds_entries', 'app': 'mall', 'constraints': [CheckConstraint(check='amount_fen > 0', name='mall_funds_entry_positive')], 'indexes': [Index(fields=['union_id', 'year']), Index(fields=['order_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Order',
            name='kind',
            field=fields.CharEnumField(default=OrderKind.PERSONAL, db_default=OrderKind.PERSONAL, description='PERSONAL: PERSONAL\nUNION_BULK: UNION_BULK', enum_type=OrderKind, max_length=10),
        ),
        ops.AddField(
            model_name='Order',
            name='request_fingerprint',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.RunPython(_create_checks, _drop_checks),
    ]
