"""Work that must wait for the end of the caller's transaction (the audit chain's linking,
a revocation's publication): which transaction that is, and whether it has ended. Tortoise
has no commit hook; these read two of its internals, each watched by a test."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient


def outermost(db: BaseDBAsyncClient) -> BaseDBAsyncClient:
    """The caller's outermost transaction (a savepoint's `_parent` is the transaction it is
    in; the outermost's is the pool's client)."""
    while isinstance(getattr(db, "_parent", None), TransactionalDBClient):
        db = db._parent
    return db


def ended(transaction: BaseDBAsyncClient) -> bool:
    # Tortoise sets `_finalized` once the transaction has committed or rolled back. Were it
    # gone (a Tortoise upgrade), every transaction counts as ended at the next look: audit
    # rows committed after it wait for the sweep (tests/identity/test_audit_linking.py fails
    # first), a revocation is published before its commit (test_revocation_commit.py fails).
    return bool(getattr(transaction, "_finalized", True))
