"""GraphQL types operators read: slow operations with their slowest spans, and the audit log's
rows (kept apart from identity_types.py, the members' and unions' types, to keep modules
small)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
import strawberry

from unionhub.observability.slow_operations import SlowOperationRecord


@strawberry.type(description="One of the slowest child spans of a slow operation.")
class SlowSpan:
    name: str = strawberry.field(description="The span's name.")
    duration_ms: float = strawberry.field(description="Its duration in milliseconds.")
    # A database span's safe attributes (never the statement or a value); null otherwise.
    operation: str | None = strawberry.field(
        default=None, description="A database span's operation (SELECT, ...); null otherwise.")
    table: str | None = strawberry.field(default=None,
                                         description="A database span's table; null otherwise.")
    row_count: int | None = strawberry.field(
        default=None, description="Rows a database span returned or changed; null otherwise.")


@strawberry.type(description="A GraphQL operation that ran over the slow threshold, kept "
                         "among the slowest (names and durations only, never values).")
class SlowOperation:
    trace_id: str = strawberry.field(description="Its trace id, to find it in the tracing UI.")
    operation_name: str = strawberry.field(description="The operation's name as sent.")
    duration_ms: float = strawberry.field(description="Its duration in milliseconds.")
    at: datetime = strawberry.field(description="When it ended (UTC instant).")
    slowest_spans: list[SlowSpan] = strawberry.field(
        description="Its slowest child spans, slowest first.")

    @classmethod
    def of(cls, r: SlowOperationRecord) -> SlowOperation:
        from datetime import UTC

        return cls(trace_id=r.trace_id, operation_name=r.operation_name,
                   duration_ms=r.duration_ms, at=datetime.fromtimestamp(r.at, UTC),
                   slowest_spans=[SlowSpan(name=s.name, duration_ms=s.duration_ms,
                                           operation=s.operation, table=s.table,
                                           row_count=s.row_count)
                                  for s in r.slowest_spans])


@strawberry.type(description="One row of the append-only, hash-chained audit log.")
class AuditEntry:
    id: strawberry.ID = strawberry.field(description="The row's id.")
    at: datetime = strawberry.field(description="When it happened (UTC instant).")
    actor_id: strawberry.ID | None = strawberry.field(
        description="The member who acted; null for the system (jobs).")
    action: str = strawberry.field(description="What was done, a stable dotted name "
                                               "(member.name.read, identity.role.change, ...).")
    subject_type: str = strawberry.field(description="The kind of record acted on.")
    subject_id: str = strawberry.field(description="The id of the record acted on.")
    trace_id: str | None = strawberry.field(
        description="The trace of the request that did it; null outside a request.")
    union_id: strawberry.ID | None = strawberry.field(
        default=None, description="The union the event concerns (the subject's, at the time).")
    detail: str = strawberry.field(
        default="{}", description="Ids and codes as a JSON object; never personal data.")
    seq: str | None = strawberry.field(default=None, description=(
        "Place in the hash chain; null until the row is linked, just after the commit of the "
        "transaction that wrote it."))
    hash: str | None = strawberry.field(
        default=None, description="Chain hash over the previous row's hash and this row; null "
                                  "until linked.")

    @classmethod
    def of(cls, r: Any) -> AuditEntry:
        return cls(id=strawberry.ID(str(r.id)), at=r.at,
                   actor_id=strawberry.ID(str(r.actor_id)) if r.actor_id else None,
                   action=r.action, subject_type=r.subject_type, subject_id=r.subject_id,
                   trace_id=r.trace_id,
                   union_id=strawberry.ID(str(r.union_id)) if r.union_id else None,
                   detail=orjson.dumps(r.detail or {}, option=orjson.OPT_SORT_KEYS).decode(),
                   seq=str(r.seq) if r.seq is not None else None, hash=r.hash)

