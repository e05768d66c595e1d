"""Union funds come from the parent union: a budget records what it allocated on to its
children (`to_children_fen`), the CHECK covers it (spent plus passed on within the
allocation), and a ledger entry names the other union of an allocation.

Brief on PostgreSQL: the columns have a constant default or none (catalogue only, 11+), and
the CHECK is replaced as 0006 made it, then validated; the migration is one transaction, so
the budgets table stays locked until it commits, which at one row per union and year takes
well under a second. A `lock_timeout` of 5 s, both ways, makes it give up (rerun later) rather
than queue behind a long reader and hold every approval up behind it. On SQLite the CHECK is the
triggers that stand for it. Tortoise's own constraint and field-removal operations rebuild
SQLite tables and lose their unique key and indexes, so the constraints change here for the
migration state only, and undoing the columns drops them in place (DROP COLUMN, SQLite 3.35+).
Budgets from before have `to_children_fen` 0: earlier allocations did not come out of the
parent's funds (OPERATORS.md)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import CheckConstraint

from unionhub.mall.enums import FundsEntryKind
from unionhub.migration_ops import StateOnly as _StateOnly

_TABLE, _NAME = "mall_union_funds_budgets", "mall_funds_within_allocation"
_OLD = ("spent_fen >= 0 AND spent_fen <= allocated_fen", "spent_fen, allocated_fen")
_NEW = ("spent_fen >= 0 AND to_children_fen >= 0 AND spent_fen + to_children_fen <= "
        "allocated_fen", "spent_fen, to_children_fen, allocated_fen")


class _AddColumn(ops.AddField):
    """AddField, undone by DROP COLUMN in place (see the docstring)."""

    def __init__(self, model_name: str, table: str, name: str, field) -> None:
        super().__init__(model_name=model_name, name=name, field=field)
        self.table = table

    async def database_backward(self, app_label, old_state, new_state,
                                state_editor=None) -> None:
        if state_editor is None:
            return
        drop = f'ALTER TABLE "{self.table}" DROP COLUMN "{self.name}"'
        if state_editor.collect_sql:  # `sqlmigrate --backward` prints it and runs nothing
            state_editor.collected_sql.append(drop)
        else:
            await state_editor.client.execute_script(drop)


async def _lock_timeout(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script("SET LOCAL lock_timeout = '5s'")


async def _nothing(apps, schema_editor) -> None:
    return None


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

    operations = [  # (undone in reverse: the last one sets the undo's lock_timeout)
        ops.RunPython(_lock_timeout, _nothing),
        _AddColumn("UnionFundsBudget", _TABLE, "to_children_fen",
                   fields.BigIntField(default=0, db_default=0)),
        _AddColumn("UnionFundsEntry", "mall_union_funds_entries", "counterpart_union_id",
                   fields.BigIntField(null=True)),
        _StateOnly(ops.RemoveConstraint(model_name="UnionFundsBudget", name=_NAME)),
        _StateOnly(ops.AddConstraint(model_name="UnionFundsBudget",
                                     constraint=CheckConstraint(check=_NEW[0], name=_NAME))),
        _StateOnly(ops.AlterField(
            model_name="UnionFundsEntry", name="kind",
            field=fields.CharEnumField(
                description="ALLOCATION: ALLOCATION\nTO_CHILD: TO_CHILD\nSPEND: SPEND\n"
                            "RETURN: RETURN", enum_type=FundsEntryKind, max_length=10))),
        ops.RunPython(_forward, _backward),
        ops.RunPython(_nothing, _lock_timeout),
    ]
