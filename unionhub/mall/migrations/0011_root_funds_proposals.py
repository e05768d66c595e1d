"""The root union's allocation under maker and checker: proposals an ADMIN makes and another
decides (mall.root_funds). A new table, so nothing existing is locked or rewritten.

CHECKs are created explicitly (Tortoise's CreateModel records them without creating them; see
0003): ALTER TABLE on PostgreSQL, aborting triggers on SQLite. The second one is the database's
word that the maker never decides their own proposal."""

import re

from tortoise import fields, migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import CheckConstraint

from unionhub.mall.enums import RootFundsProposalStatus

_TABLE = "mall_root_funds_proposals"
# (decided_by_id IS NOT NULL first: a comparison with NULL is NULL, which a CHECK lets pass)
_DECIDED = ("(status = 'PENDING' AND decided_by_id IS NULL) OR (decided_by_id IS NOT"
            " NULL AND ((status = 'WITHDRAWN' AND decided_by_id = proposed_by_id) OR"
            " (status IN ('APPROVED', 'REJECTED') AND decided_by_id <> proposed_by_id)))")
# (constraint name, condition that must hold, columns the condition reads)
_CHECKS = [
    ("mall_root_proposal_positive", "amount_fen > 0", "amount_fen"),
    ("mall_root_proposal_checker", _DECIDED, "status, decided_by_id, proposed_by_id"),
]


def _new_row(condition: str, columns: str) -> str:
    names = "|".join(c.strip() for c in columns.split(","))
    return re.sub(rf"\b({names})\b", r"NEW.\1", condition)


async def _create_checks(apps, schema_editor) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    for name, condition, columns in _CHECKS:
        if postgres:
            await client.execute_script(
                f'ALTER TABLE "{_TABLE}" ADD CONSTRAINT "{name}" CHECK ({condition})')
            continue
        for event, when in (("insert", "INSERT"), ("update", f"UPDATE OF {columns}")):
            await client.execute_script(
                f'CREATE TRIGGER IF NOT EXISTS "{name}_{event}" BEFORE {when} ON "{_TABLE}" '
                f"WHEN NOT ({_new_row(condition, columns)}) "
                f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END;")


async def _drop_checks(apps, schema_editor) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    for name, _, _ in _CHECKS:
        if postgres:
            await client.execute_script(
                f'ALTER TABLE "{_TABLE}" DROP CONSTRAINT IF EXISTS "{name}"')
        else:
            for event in ("insert", "update"):
                await client.execute_script(f'DROP TRIGGER IF EXISTS "{name}_{event}"')


class Migration(migrations.Migration):
    dependencies = [("mall", "0010_payment_refunded_fen")]

    initial = False

    operations = [
        ops.CreateModel(
            name="RootFundsProposal",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True,
                                          db_index=True)),
                ("union_id", fields.BigIntField()),
                ("year", fields.IntField()),
                ("amount_fen", fields.BigIntField()),
                ("reason", fields.CharField(max_length=200)),
                ("status", fields.CharEnumField(
                    default=RootFundsProposalStatus.PENDING,
                    description="PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED\n"
                                "WITHDRAWN: WITHDRAWN",
                    enum_type=RootFundsProposalStatus, max_length=10)),
                ("proposed_by_id", fields.BigIntField()),
                ("proposed_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("decided_by_id", fields.BigIntField(null=True)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False,
                                                    auto_now_add=False)),
                ("note", fields.CharField(null=True, max_length=200)),
            ],
            options={"table": _TABLE, "app": "mall", "constraints": [
                CheckConstraint(check=c, name=n) for n, c, _ in _CHECKS], "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.RunPython(_create_checks, _drop_checks),
    ]
