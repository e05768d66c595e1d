"""What the cadres write about a service request is personal data too (a resolution names the
member, their employer, what was paid; a rejection says why this person was refused): the
request's `resolution` and `reject_reason` move to `resolution_enc` and `reject_reason_enc`,
sealed like the member's own words by services migration 0005 (services.personal, purposes
service_resolution and service_reject_reason, bound to the request's id); the COMPLETED and
REJECTED steps' notes, plain copies of them, are cleared. Existing rows are sealed here, in id
order, a thousand a statement; undoing it opens them back into the plain columns and the
steps' notes.

In raw SQL, in place, in one transaction with the table locked (migrations/_sealing.py).
The keys must be configured as for the service (UNIONHUB_DATA_KEY...)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from unionhub.migration_ops import StateOnly
from unionhub.services.migrations._sealing import (
    EVENTS,
    TABLE,
    each_batch,
    params,
    prepare,
)
from unionhub.services.personal import REJECT_REASON, RESOLUTION, open_text, sealed_text

# plain column, sealed column, purpose, the step that carried a copy
_TEXTS = (("resolution", "resolution_enc", RESOLUTION, "COMPLETED"),
          ("reject_reason", "reject_reason_enc", REJECT_REASON, "REJECTED"))


async def _move(schema_editor, *, sealing: bool) -> None:
    """Sealing (up) or opening (down): add the target columns, rewrite every row that has a
    value, set the steps' notes (cleared up, restored down), drop the source columns."""
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    source = [enc if not sealing else plain for plain, enc, _p, _a in _TEXTS]
    target = [plain if not sealing else enc for plain, enc, _p, _a in _TEXTS]
    add = [f"ALTER TABLE {TABLE} ADD COLUMN {column} TEXT NULL" for column in target]
    if sealing:
        notes = [f"UPDATE {EVENTS} SET note = NULL WHERE action IN ('COMPLETED', 'REJECTED')"]
    else:
        notes = [f"UPDATE {EVENTS} SET note = (SELECT {plain} FROM {TABLE} "  # noqa: S608
                 f"WHERE {TABLE}.id = {EVENTS}.request_id) WHERE action = '{action}'"
                 for plain, _e, _p, action in _TEXTS]
    drop = [*notes, *(f"ALTER TABLE {TABLE} DROP COLUMN {column}" for column in source)]
    done = "sealed" if sealing else "opened"
    if not await prepare(client, [*add, f"-- (each row {done})", *drop], schema_editor):
        return
    for statement in add:
        await client.execute_script(statement)
    a, b, c = params(postgres, 3)
    update = (f"UPDATE {TABLE} SET {target[0]} = {a}, {target[1]} = {b} "  # noqa: S608
              f"WHERE id = {c}")

    def moved(value, request_id, purpose):
        if sealing:
            return sealed_text(request_id, value, purpose)
        return open_text(value, request_id, purpose)

    async def change(rows: list[dict]) -> None:
        values = [[*(moved(row[column], row["id"], purpose)
                     for column, (_pl, _e, purpose, _a) in zip(source, _TEXTS)), row["id"]]
                  for row in rows if any(row[column] for column in source)]
        if values:
            await client.execute_many(update, values)

    await each_batch(client, ", ".join(source), postgres, change)
    for statement in drop:
        await client.execute_script(statement)


async def _seal(apps, schema_editor) -> None:
    await _move(schema_editor, sealing=True)


async def _open(apps, schema_editor) -> None:
    await _move(schema_editor, sealing=False)


class Migration(migrations.Migration):
    dependencies = [("services", "0005_request_text_encrypted")]

    initial = False

    operations = [
        StateOnly(ops.AddField(model_name="ServiceRequest", name="resolution_enc",
                               field=fields.TextField(null=True))),
        StateOnly(ops.AddField(model_name="ServiceRequest", name="reject_reason_enc",
                               field=fields.TextField(null=True))),
        StateOnly(ops.RemoveField(model_name="ServiceRequest", name="resolution")),
        StateOnly(ops.RemoveField(model_name="ServiceRequest", name="reject_reason")),
        ops.RunPython(_seal, _open),
    ]
