"""On PostgreSQL, a function that reads one page of a cadre's member search by part of a display
name (`identity.member_search.name_page_ids`) with a plan made for its own term, in one round
trip.

Why a function: asyncpg keeps each statement prepared, and after five executions PostgreSQL may
keep a generic plan made without seeing the pattern. For a very common term that plan reads the
trigram index's whole posting list (829 ms against 2 ms at 200,000 members,
bench/member_search_plan.py). PL/pgSQL's `EXECUTE ... USING` plans its statement afresh for the
values it is given, with the term still a bound parameter. The search used to get the same plan
from `SET LOCAL plan_cache_mode = force_custom_plan` in a short transaction: four round trips
(BEGIN, SET, the page, COMMIT) where this takes one.

The statement is the ORM's (`Member.filter(union__path__startswith=...,
display_name__icontains=...)`, keyset-paged by id): tests/identity/test_member_name_search.py
compares the two. Its patterns arrive escaped for `LIKE ... ESCAPE '\\'`. SQLite has no plan
cache to steer: it reads the page through the ORM."""

from tortoise import migrations
from tortoise.migrations import operations as ops

CREATE = r"""
CREATE OR REPLACE FUNCTION member_name_search_ids(
    subtree_pattern text, name_pattern text, bound bigint, descending boolean, max_rows integer)
RETURNS SETOF bigint LANGUAGE plpgsql STABLE AS $fn$
BEGIN
  RETURN QUERY EXECUTE
    'SELECT m.id FROM members m JOIN unions u ON u.id = m.union_id '
    || 'WHERE u.path LIKE $1 ESCAPE ''\'' '
    || 'AND upper(m.display_name) LIKE upper($2) ESCAPE ''\'' '
    || CASE WHEN bound IS NULL THEN '' WHEN descending THEN 'AND m.id < $3 '
            ELSE 'AND m.id > $3 ' END
    || 'ORDER BY m.id' || CASE WHEN descending THEN ' DESC' ELSE '' END || ' LIMIT $4'
    USING subtree_pattern, name_pattern, bound, max_rows;
END
$fn$
"""


async def _create(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(CREATE)


async def _drop(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(
            "DROP FUNCTION IF EXISTS member_name_search_ids(text, text, bigint, boolean, integer)")


class Migration(migrations.Migration):
    dependencies = [("identity", "0014_audit_rows_linked_after_commit")]

    operations = [ops.RunPython(_create, _drop)]
