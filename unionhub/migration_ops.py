"""Migration operations Tortoise lacks, shared by the domains' migrations.

`StateOnly`: an operation recorded in the migration state without running its SQL, for a
migration that changes the tables itself in raw SQL (services 0005/0006, mall 0009).

`AddIndexConcurrently`: an index added to a hot table without holding its writes: Tortoise's `AddIndex` runs a plain
CREATE INDEX, which blocks every INSERT and UPDATE of the table while it builds (minutes for
a province's refresh tokens: no sign-in meanwhile). On PostgreSQL this builds it CONCURRENTLY
instead; elsewhere (SQLite, embedded) it is `AddIndex` itself.

The migration using it sets `atomic = False` (PostgreSQL refuses CONCURRENTLY in a
transaction), and the index has a `name` (the same in the model's Meta), so a rerun after an
interrupted build (which leaves an INVALID index of that name) drops the leftover first.
Only the database statements differ from `AddIndex`: the migration state is the same.
"""

from __future__ import annotations

from typing import Any

from tortoise.migrations.operations import AddIndex, TortoiseOperation
from tortoise.migrations.schema_editor.base_postgres import BasePostgresSchemaEditor


class StateOnly(TortoiseOperation):
    """Records `inner` in the migration state without running its SQL."""

    def __init__(self, inner: TortoiseOperation) -> None:
        self.inner = inner

    def describe(self) -> str:
        return f"{self.inner.describe()} (state only)"

    def state_forward(self, app_label: str, state: Any) -> None:
        self.inner.state_forward(app_label, state)


class AddIndexConcurrently(AddIndex):
    async def database_forward(self, app_label: str, old_state: Any, new_state: Any,
                               state_editor: Any = None) -> None:
        if not isinstance(state_editor, BasePostgresSchemaEditor):
            await super().database_forward(app_label, old_state, new_state, state_editor)
            return
        if not self.index.name:
            raise ValueError("AddIndexConcurrently needs a named index")
        if state_editor.atomic_migration:
            raise ValueError("AddIndexConcurrently needs a migration with atomic = False")
        model = new_state.apps.get_model(f"{app_label}.{self.model_name}")
        table = model._meta.db_table
        columns = ", ".join(f'"{model._meta.fields_map[f].source_field or f}"'
                            for f in self.index.fields)
        name = self.index.name
        for sql in (f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"',
                    f'CREATE INDEX CONCURRENTLY "{name}" ON "{table}" ({columns})'):
            if state_editor.collect_sql:
                state_editor.collected_sql.append(sql + ";")
            else:
                await state_editor.client.execute_script(sql)
