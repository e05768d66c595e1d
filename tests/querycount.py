"""Count the SQL statements Tortoise sends, for N+1 tests.

`with count_queries() as q: ...` wraps the `execute_*` methods of Tortoise's SQLite and asyncpg
clients (and their transaction wrappers) for the duration of the block. Nested calls (one
`execute_*` calling another, or a subclass calling its base) count once, so `q.count` is the
number of statements the database received; `q.statements` holds their SQL for failure messages.
This wraps the database driver layer only: our code runs unchanged.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.asyncpg.client import TransactionWrapper as AsyncpgTransactionWrapper
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionWrapper

_CLIENTS = (SqliteClient, SqliteTransactionWrapper, AsyncpgDBClient, AsyncpgTransactionWrapper)
_METHODS = ("execute_query", "execute_query_dict", "execute_insert", "execute_many",
            "execute_script")
_inside = contextvars.ContextVar("querycount_inside", default=False)
# Per-process reads that a request may happen to trigger, at most one a second whatever the
# traffic (the revoked-sessions list without Redis: identity/revocation.py): not the request's
# queries, so not counted.
_AMORTISED = ('FROM "refresh_tokens" WHERE "revoked_at">=',)


@dataclass
class QueryCount:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    @property
    def outside_audit(self) -> int:
        """Statements other than the audit log's (an unmasked read by another member writes
        its audit row: identity.audit_chain)."""
        return sum("audit_log" not in s and "audit_chain_head" not in s for s in self.statements)

    def __str__(self) -> str:
        return f"{self.count} queries:\n" + "\n".join(f"  {s}" for s in self.statements)


def _counting(original: Any, log: QueryCount) -> Any:
    async def counted(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        # Bind through the descriptor protocol: `original` may be a wrapt wrapper (OTel).
        bound = original.__get__(self, type(self))
        if _inside.get() or any(a in query for a in _AMORTISED):
            return await bound(query, *args, **kwargs)
        log.statements.append(" ".join(query.split())[:300])
        token = _inside.set(True)
        try:
            return await bound(query, *args, **kwargs)
        finally:
            _inside.reset(token)

    return counted


@contextlib.contextmanager
def count_queries(cold: bool = True) -> Iterator[QueryCount]:
    """`cold`: the per-process row caches emptied first (union rows, `unionhub.row_cache`), so
    the count is the cold path's; `cold=False` counts what a warm process sends."""
    from unionhub import row_cache
    from unionhub.identity.orgs import clear_union_cache
    from unionhub.services.scorecards import forget_rankings

    if cold:  # union rows, catalogue rows and rankings are otherwise cached per process
        clear_union_cache()
        row_cache.clear_all()
        forget_rankings()
    log = QueryCount()
    patched: list[tuple[type, str, Any]] = []
    try:
        for cls in _CLIENTS:
            for name in _METHODS:
                original = cls.__dict__.get(name)
                if original is None:
                    continue  # inherited: counted through the class that defines it
                patched.append((cls, name, original))
                setattr(cls, name, _counting(original, log))
        yield log
    finally:
        for cls, name, original in reversed(patched):
            setattr(cls, name, original)
