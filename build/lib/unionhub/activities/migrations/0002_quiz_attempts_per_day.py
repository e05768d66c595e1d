"""Quizzes: attempts per day with the best score counting, and a draw entered by high scores.
A member's attempts are numbered per Shanghai day; rows from before (one attempt each) get the
day they started and are their member's best."""

import re

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index



async def _backfill(apps, schema_editor) -> None:
    client = schema_editor.client
    day = ("(started_at AT TIME ZONE 'Asia/Shanghai')::date"
           if client.capabilities.dialect == "postgres" else "date(started_at, '+8 hours')")
    await client.execute_script(
        f"UPDATE activity_quiz_attempts SET day = {day}, "  # noqa: S608 (no input)
        "best = (submitted_at IS NOT NULL) WHERE day IS NULL")


_TABLE = "activity_quiz_attempts"
_UNIQUE = ("CREATE UNIQUE INDEX IF NOT EXISTS quiz_attempt_member_day_no "
           "ON activity_quiz_attempts (activity_id, member_id, day, attempt_no)")


async def _one_per_day_number(apps, schema_editor) -> None:
    """The unique key moves from (quiz, member) to (quiz, member, day, number). Tortoise's
    RemoveConstraint cannot drop SQLite's inline table constraint, so this does it per
    dialect: PostgreSQL drops the constraint; SQLite rebuilds the table without it."""
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        rows = await client.execute_query_dict(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'activity_quiz_attempts'::regclass "
            "AND contype = 'u'")
        for row in rows:
            await client.execute_script(
                f'ALTER TABLE {_TABLE} DROP CONSTRAINT "{row["conname"]}"')  # noqa: S608 (catalog)
        await client.execute_script(_UNIQUE)
        return
    rows = await client.execute_query_dict(
        "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'activity_quiz_attempts' "
        "AND sql IS NOT NULL")
    table_sql = next(r["sql"] for r in rows if r["type"] == "table")
    index_sql = [r["sql"] for r in rows if r["type"] == "index"]
    new_sql = re.sub(r',\s*CONSTRAINT "[^"]+" UNIQUE \("activity_id", "member_id"\)', "",
                     table_sql).replace(f'"{_TABLE}"', f'"{_TABLE}__new"', 1)
    await client.execute_script(new_sql)
    await client.execute_script(f'INSERT INTO "{_TABLE}__new" SELECT * FROM "{_TABLE}"')  # noqa: S608
    await client.execute_script(f'DROP TABLE "{_TABLE}"')
    await client.execute_script(f'ALTER TABLE "{_TABLE}__new" RENAME TO "{_TABLE}"')
    for sql in index_sql:
        await client.execute_script(sql)
    await client.execute_script(_UNIQUE)


async def _nothing(apps, schema_editor) -> None:
    return None


class Migration(migrations.Migration):
    dependencies = [('activities', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Activity',
            name='quiz_attempts_per_day',
            field=fields.SmallIntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name='Activity',
            name='quiz_draw_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='Activity',
            name='quiz_draw_threshold',
            field=fields.IntField(default=90, db_default=90),
        ),
        ops.AlterModelOptions(
            name='QuizAttempt',
            options={'table': 'activity_quiz_attempts', 'app': 'activities', 'unique_together': (('activity', 'member_id', 'day', 'attempt_no'),), 'indexes': [Index(fields=['activity_id', 'score', 'time_used_ms']), Index(fields=['activity_id', 'best', 'score', 'time_used_ms']), Index(fields=['activity_id', 'member_id', 'id'])], 'pk_attr': 'id', 'table_description': "A member's attempt at a quiz: started (questions shown, clock running), then submitted"},
        ),
        ops.AddField(
            model_name='QuizAttempt',
            name='attempt_no',
            field=fields.SmallIntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name='QuizAttempt',
            name='best',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='QuizAttempt',
            name='day',
            field=fields.DateField(null=True),
        ),
        ops.RunPython(_backfill, _nothing),
        ops.AddIndex(
            model_name='QuizAttempt',
            index=Index(fields=['activity_id', 'best', 'score', 'time_used_ms']),
        ),
        ops.AddIndex(
            model_name='QuizAttempt',
            index=Index(fields=['activity_id', 'member_id', 'id']),
        ),
        ops.RunPython(_one_per_day_number, _nothing),
    ]
