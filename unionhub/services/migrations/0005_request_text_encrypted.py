"""A service request's details, form values and rating comment are personal data (legal aid,
counselling, hardship: names, phones, ID numbers): they move from the plain `details`,
`field_values` and `rating_comment` columns to `details_enc`, `field_values_enc` and
`rating_comment_enc`, sealed with the personal-data key ring and bound to the request's id
(services.personal); the RATED steps' notes, a plain copy of the comment, are cleared. Existing
rows are sealed here, in id order, a thousand a statement; undoing it opens them back into the
plain columns and the RATED notes (an erased value stays empty both ways).

In raw SQL, in place, in one transaction with the table locked (migrations/_sealing.py).
The keys must be configured as for the service (UNIONHUB_DATA_KEY...)."""

import json

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from unionhub.services.migrations._sealing import EVENTS as _EVENTS
from unionhub.services.migrations._sealing import TABLE as _TABLE
from unionhub.migration_ops import StateOnly as _StateOnly
from unionhub.services.migrations._sealing import each_batch as _each_batch
from unionhub.services.migrations._sealing import params as _params
from unionhub.services.migrations._sealing import prepare as _prepare
from unionhub.services.personal import (
    open_comment,
    open_details,
    open_field_values,
    sealed,
    sealed_comment,
)


async def _seal(apps, schema_editor) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    add = [f"ALTER TABLE {_TABLE} ADD COLUMN details_enc TEXT NOT NULL DEFAULT ''",
           f"ALTER TABLE {_TABLE} ADD COLUMN field_values_enc TEXT NOT NULL DEFAULT ''",
           f"ALTER TABLE {_TABLE} ADD COLUMN rating_comment_enc TEXT NULL"]
    drop = [f"UPDATE {_EVENTS} SET note = NULL WHERE action = 'RATED'",
            f"ALTER TABLE {_TABLE} DROP COLUMN details",
            f"ALTER TABLE {_TABLE} DROP COLUMN field_values",
            f"ALTER TABLE {_TABLE} DROP COLUMN rating_comment"]
    if not await _prepare(client, [*add, "-- (each row sealed)", *drop], schema_editor):
        return
    for statement in add:
        await client.execute_script(statement)
    a, b, c, d = _params(postgres, 4)
    update = (f"UPDATE {_TABLE} SET details_enc = {a}, field_values_enc = {b}, "  # noqa: S608
              f"rating_comment_enc = {c} WHERE id = {d}")

    async def change(rows: list[dict]) -> None:
        values = []
        for row in rows:
            fields_given = row["field_values"]
            if isinstance(fields_given, str):
                fields_given = json.loads(fields_given)
            if row["details"] or fields_given or row["rating_comment"]:
                new = sealed(row["id"], row["details"] or "", fields_given or {})
                values.append([new["details_enc"], new["field_values_enc"],
                               sealed_comment(row["id"], row["rating_comment"]), row["id"]])
        if values:
            await client.execute_many(update, values)

    await _each_batch(client, "details, field_values, rating_comment", postgres, change)
    for statement in drop:
        await client.execute_script(statement)


async def _open(apps, schema_editor) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    json_type = "JSONB" if postgres else "JSON"
    add = [f"ALTER TABLE {_TABLE} ADD COLUMN details TEXT NOT NULL DEFAULT ''",
           f"ALTER TABLE {_TABLE} ADD COLUMN field_values {json_type} NOT NULL DEFAULT '{{}}'",
           f"ALTER TABLE {_TABLE} ADD COLUMN rating_comment VARCHAR(500) NULL"]
    drop = [f"UPDATE {_EVENTS} SET note = (SELECT rating_comment FROM {_TABLE} "  # noqa: S608
            f"WHERE {_TABLE}.id = {_EVENTS}.request_id) WHERE action = 'RATED'",
            f"ALTER TABLE {_TABLE} DROP COLUMN details_enc",
            f"ALTER TABLE {_TABLE} DROP COLUMN field_values_enc",
            f"ALTER TABLE {_TABLE} DROP COLUMN rating_comment_enc"]
    if not await _prepare(client, [*add, "-- (each row opened)", *drop], schema_editor):
        return
    for statement in add:
        await client.execute_script(statement)
    a, b, c, d = _params(postgres, 4)
    cast = f"CAST({b} AS JSONB)" if postgres else b
    update = (f"UPDATE {_TABLE} SET details = {a}, field_values = {cast}, "  # noqa: S608
              f"rating_comment = {c} WHERE id = {d}")

    async def change(rows: list[dict]) -> None:
        values = [[open_details(row["details_enc"], row["id"]),
                   json.dumps(open_field_values(row["field_values_enc"], row["id"]),
                              ensure_ascii=False, separators=(",", ":")),
                   open_comment(row["rating_comment_enc"], row["id"]), row["id"]]
                  for row in rows if row["details_enc"] or row["field_values_enc"]
                  or row["rating_comment_enc"]]
        if values:
            await client.execute_many(update, values)

    await _each_batch(client, "details_enc, field_values_enc, rating_comment_enc", postgres,
                      change)
    for statement in drop:
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("services", "0004_submission_idempotency")]

    initial = False

    operations = [
        _StateOnly(ops.AddField(model_name="ServiceRequest", name="details_enc",
                                field=fields.TextField(default=""))),
        _StateOnly(ops.AddField(model_name="ServiceRequest", name="field_values_enc",
                                field=fields.TextField(default=""))),
        _StateOnly(ops.RemoveField(model_name="ServiceRequest", name="details")),
        _StateOnly(ops.RemoveField(model_name="ServiceRequest", name="field_values")),
        _StateOnly(ops.AddField(model_name="ServiceRequest", name="rating_comment_enc",
                                field=fields.TextField(null=True))),
        _StateOnly(ops.RemoveField(model_name="ServiceRequest", name="rating_comment")),
        ops.RunPython(_seal, _open),
    ]
