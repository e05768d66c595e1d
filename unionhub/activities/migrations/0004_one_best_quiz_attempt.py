"""At most one best quiz attempt per member and quiz: a partial unique index backs the rule
`quizzes.submit_answers` keeps under the member's enrolment row lock, so a writer that misses
the lock (another code path, an older process during a deploy) is refused rather than listing
a member twice on the board. PostgreSQL and SQLite both accept `CREATE UNIQUE INDEX ... WHERE`;
Tortoise's Index has no WHERE, hence raw SQL (as identity 0006).

Rows from before may hold duplicates; the index could not be built over them. The flag is
derived from the scores, so they are repaired by the rule itself: the member's best stays
flagged (higher score, then less time, then the earlier submission) and the others lose the
flag; the number repaired is logged (no member ids). Scores and attempts are untouched.
On PostgreSQL a `lock_timeout` of 5 s makes the migration give up (rerun later) rather than
hold every quiz submission behind a long reader while it waits for the table."""

import logging

from tortoise import migrations
from tortoise.migrations import operations as ops

_INDEX = ("CREATE UNIQUE INDEX IF NOT EXISTS quiz_attempt_one_best "
          "ON activity_quiz_attempts (activity_id, member_id) WHERE best")
# COALESCE: PostgreSQL and SQLite order NULLs differently; a flagged attempt has both anyway.
_REPAIR = (
    "UPDATE activity_quiz_attempts SET best = FALSE WHERE id IN ("
    " SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY activity_id, member_id"
    "  ORDER BY COALESCE(score, -1) DESC, COALESCE(time_used_ms, 2147483647),"
    "  submitted_at, id) AS n FROM activity_quiz_attempts WHERE best) ranked"
    " WHERE n > 1)")
_DUPLICATES = ("SELECT count(*) AS n FROM activity_quiz_attempts WHERE best AND id NOT IN ("
               " SELECT min(id) FROM activity_quiz_attempts WHERE best"
               " GROUP BY activity_id, member_id)")


async def _create(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect not in ("postgres", "sqlite"):
        return
    if schema_editor.collect_sql:  # `sqlmigrate` prints the statements and runs nothing
        schema_editor.collected_sql.extend([_REPAIR, _INDEX])
        return
    if client.capabilities.dialect == "postgres":
        await client.execute_script("SET LOCAL lock_timeout = '5s'")
        # Nothing may flag a best between the repair and the index.
        await client.execute_script("LOCK TABLE activity_quiz_attempts IN SHARE MODE")
    extra = (await client.execute_query_dict(_DUPLICATES))[0]["n"]
    if extra:
        await client.execute_script(_REPAIR)
        logging.getLogger(__name__).warning(
            "activity_quiz_attempts: %d extra best flag(s) cleared, keeping each member's "
            "best attempt", extra)
    await client.execute_script(_INDEX)


async def _drop(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect not in ("postgres", "sqlite"):
        return
    await schema_editor.client.execute_script("DROP INDEX IF EXISTS quiz_attempt_one_best")


class Migration(migrations.Migration):
    dependencies = [("activities", "0003_reading_records")]

    operations = [ops.RunPython(_create, _drop)]
