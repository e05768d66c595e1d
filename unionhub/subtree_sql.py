"""SQL for "this path lies in that subtree" when the subtree's path is not a constant (a column
of a VALUES list of paths): `x LIKE p.path || '%'` cannot use an index then, so a prefix is
written as the byte-order range it is. Paths are "/1/7/42/": every path under "/1/7/" sorts at
or after it and before "/1/70" ('0' follows '/' in byte order, and nothing lies between them).
PostgreSQL compares with the pattern operators, which the `varchar_pattern_ops` path indexes
(`unions_path_prefix`, `mall_orders_union_path_prefix`) answer whatever the database's
collation; SQLite's default BINARY collation is byte order already."""

from __future__ import annotations

from unionhub.db import is_postgres


def in_subtree(column: str, prefix: str) -> str:
    """`column` (a path) is `prefix` (an SQL expression for a path ending in '/') or below it.
    Both are SQL text from the caller's fixed strings, never from input."""
    upper = f"(substr({prefix}, 1, length({prefix}) - 1) || '0')"
    if is_postgres():
        return f"({column} ~>=~ {prefix} AND {column} ~<~ {upper})"
    return f"({column} >= {prefix} AND {column} < {upper})"
