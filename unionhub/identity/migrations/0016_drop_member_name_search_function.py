"""Drops `member_name_search_ids` (0015): a name search's page is now a statement carrying its
values as constants (`identity.member_search.name_page_statement`), planned for its own term
as the function's was, and kept prepared per connection by asyncpg, so that a term searched or
paged again is not planned again (the function planned every call: ~0.35 ms of PostgreSQL's
CPU a search). Reversed, the function comes back as 0015 made it."""

from tortoise import migrations
from tortoise.migrations import operations as ops

# 0015's function, as 0015 made it (migrations are frozen copies: none imports another).
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
    dependencies = [("identity", "0015_member_name_search_function")]

    operations = [ops.RunPython(_drop, _create)]
