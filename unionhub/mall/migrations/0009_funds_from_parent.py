"""Union funds come from the parent union: a budget records what it allocated on to its
children (`to_children_fen`), the CHECK covers it (spent plus passed on within the
allocation), and a ledger entry names the other union of an allocation.

Online at any size: the columns have a constant default or none (catalogue only on
PostgreSQL 11+). The CHECK is replaced as 0006 made it: on PostgreSQL added NOT VALID and then
validated (the budgets table has one row per union and year; validation takes a lock that
lets reads and writes through); on SQLite as the triggers that stand for it. Tortoise's own
constraint operations would rebuild the SQLite tables and lose their indexes, so they run here
for the migration state only. Budgets from before have `to_children_fen` 0: earlier
allocations did not come out of the parent's funds (OPERATORS.md)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import CheckConstraint

from unionhub.mall.enums import FundsEntryKind

_TABLE, _NAME = "mall_union_funds_budgets", "mall_funds_within_allocation"
_OLD = ("spent_fen >= 0 AND spent_fen <= allocated_fen", "spent_fen, allocated_fen")
_NEW = ("spent_fen >= 0 AND to_children_fen >= 0 AND spent_fen + to_children_fen <= "
        "allocated_fen", "spent_fen, to_children_fen, allocated_fen")


class _StateOnly(ops.TortoiseOperation):
    """Records `inner` in the migration state without running its SQL (see the docstring)."""

    def __init__(self, inner: ops.TortoiseOperation) -> None:
        self.inner = inner

    def describe(self) -> str:
        return f"{self.inner.describe()} (state only)"

    def state_forward(self, app_label, state) -> None:
        self.inner.state_forward(app_label, state)


def _new_row(condition: str, columns: str) -> str:
    for column in (c.strip() for c in columns.split(",")):
        condition = condition.replace(column, f"NEW.{column}")
    return condition


async def _replace_check(schema_editor, check: tuple[str, str]) -> None:
    client = schema_editor.client
    condition, columns = check
    if client.capabilities.dialect == "postgres":
        await client.execute_script(
            f'ALTER TABLE "{_TABLE}" DROP CONSTRAINT IF EXISTS "{_NAME}";'
            f'ALTER TABLE "{_TABLE}" ADD CONSTRAINT "{_NAME}" CHECK ({condition}) NOT VALID;'
            f'ALTER TABLE "{_TABLE}" VALIDATE CONSTRAINT "{_NAME}"')
        return
    for event, when in (("insert", "INSERT"), ("update", f"UPDATE OF {columns}")):
        await client.execute_script(f'DROP TRIGGER IF EXISTS "{_NAME}_{event}"')
        await client.execute_script(
            f'CREATE TRIGGER "{_NAME}_{event}" BEFORE {when} ON "{_TABLE}" '
            f"WHEN NOT ({_new_row(condition, columns)}) "
            f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {_NAME}'); END;")


async def _forward(apps, schema_editor) -> None:
    await _replace_check(schema_editor, _NEW)


async def _backward(apps, schema_editor) -> None:
    await _replace_check(schema_editor, _OLD)


class Migration(migrations.Migration):
    dependencies = [("mall", "0008_union_funds_approved_above")]

    initial = False

    operations = [
        ops.AddField(model_name="UnionFundsBudget", name="to_children_fen",
                     field=fields.BigIntField(default=0, db_default=0)),
        ops.AddField(model_name="UnionFundsEntry", name="counterpart_union_id",
                     field=fields.BigIntField(null=True)),
        _StateOnly(ops.RemoveConstraint(model_name="UnionFundsBudget", name=_NAME)),
        _StateOnly(ops.AddConstraint(model_name="UnionFundsBudget",
                                     constraint=CheckConstraint(check=_NEW[0], name=_NAME))),
        _StateOnly(ops.AlterField(
            model_name="UnionFundsEntry", name="kind",
            field=fields.CharEnumField(
                description="ALLOCATION: ALLOCATION\nTO_CHILD: TO_CHILD\nSPEND: SPEND\n"
                            "RETURN: RETURN", enum_type=FundsEntryKind, max_length=10))),
        ops.RunPython(_forward, _backward),
    ]
