"""unionhub.subtree_sql: a subtree as a byte-order range is exactly the path-prefix rule, on
both backends (a sibling whose id starts with the same digits is outside)."""

from __future__ import annotations

from unionhub.db import conn, is_postgres
from unionhub.subtree_sql import in_subtree

CASES = [("/1/7/", "/1/7/", True), ("/1/7/42/", "/1/7/", True), ("/1/7/0/9/", "/1/7/", True),
         ("/1/70/", "/1/7/", False), ("/1/8/", "/1/7/", False), ("/1/", "/1/7/", False),
         ("/2/7/", "/1/7/", False), ("/1/7/", "/", True), ("/10/", "/1/", False)]


async def test_ranges_match_the_prefix_rule(database):
    cast = "::varchar" if is_postgres() else ""
    marks = ["$1", "$2"] if is_postgres() else ["?1", "?2"]
    sql = (f"WITH t(path, prefix) AS (VALUES ({marks[0]}{cast}, {marks[1]}{cast})) "
           f"SELECT CASE WHEN {in_subtree('t.path', 't.prefix')} THEN 1 ELSE 0 END AS inside "
           "FROM t")
    for path, prefix, inside in CASES:
        assert path.startswith(prefix) is inside
        rows = await conn().execute_query_dict(sql, [path, prefix])
        assert bool(rows[0]["inside"]) is inside, (path, prefix)
