"""GraphQL types of the operators' console queries (issue 20): RED figures per operation, a
kept trace's spans for a waterfall, the dependencies' readiness."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from unionhub.observability.red import RedReport
from unionhub.observability.slow_operations import SlowOperationRecord


@strawberry.type(description="Errors of one extensions.code.")
class OperationErrorCount:
    code: str = strawberry.field(
        description="The errors' extensions.code (FORBIDDEN, BAD_USER_INPUT, ...): "
                    "INTERNAL_SERVER_ERROR for masked errors, GRAPHQL_VALIDATION_FAILED for "
                    "parse and validation errors.")
    count: int = strawberry.field(description="Errors with that code in the window.")


@strawberry.type(description="One operation's rate, errors and duration over the window.")
class OperationFigures:
    operation_type: str = strawberry.field(description="query, mutation or subscription.")
    operation_name: str = strawberry.field(
        description="As /metrics labels it: manifest names, then the first 200 others, then "
                    "`other`; `anonymous` for unnamed operations.")
    count: int = strawberry.field(
        description="Operations of that name that ended in the window.")
    rate_per_second: float = strawberry.field(
        description="count ÷ the window's seconds (windowSeconds), to 4 decimals.")
    errors: int = strawberry.field(
        description="GraphQL errors of those operations (an operation may count several).")
    error_rate: float | None = strawberry.field(description="Errors ÷ operations; null at 0.")
    errors_by_code: list[OperationErrorCount] = strawberry.field(
        description="errors by extensions.code, by code; codes without errors left out.")
    p50_ms: float | None = strawberry.field(
        description="Duration percentiles, each a histogram bucket's upper bound.")
    p95_ms: float | None = strawberry.field(
        description="The 95th percentile of duration in milliseconds: the upper bound of the "
                    "histogram bucket it falls in (the largest bound when beyond them all).")
    p99_ms: float | None = strawberry.field(
        description="The 99th percentile of duration in milliseconds, as p95Ms.")


@strawberry.type(description="RED figures of this process's GraphQL operations.")
class OperationMetrics:
    at: datetime = strawberry.field(
        description="When the figures were read, the window's end (UTC instant).")
    window_seconds: float = strawberry.field(
        description="The window the figures cover: the one asked for, or less when the "
                    "process has not kept a snapshot that old (the first poll covers the time "
                    "since the process started).")
    metrics_enabled: bool = strawberry.field(
        description="False when metrics are off (UNIONHUB_METRICS_ENABLED): nothing is counted.")
    operations: list[OperationFigures] = strawberry.field(
        description="The operations that ran in the window, by name.")

    @classmethod
    def of(cls, r: RedReport) -> OperationMetrics:
        return cls(
            at=datetime.fromtimestamp(r.at, UTC), window_seconds=r.window_seconds,
            metrics_enabled=r.metrics_enabled,
            operations=[OperationFigures(
                operation_type=o.operation_type, operation_name=o.operation_name,
                count=o.count, rate_per_second=o.rate_per_second, errors=o.errors,
                error_rate=None if o.error_rate is None else round(o.error_rate, 4),
                errors_by_code=[OperationErrorCount(code=k, count=v)
                                for k, v in sorted(o.errors_by_code.items())],
                p50_ms=o.p50_ms, p95_ms=o.p95_ms, p99_ms=o.p99_ms) for o in r.operations])


@strawberry.type(description="A span of a kept trace. Safe attributes only: a database span's "
                             "operation, table and row count, never a statement or a value.")
class TraceSpan:
    span_id: str | None = strawberry.field(
        description="The operation span's id; null for its children (not kept).")
    parent_span_id: str | None = strawberry.field(
        description="The operation span's id for its children; null for the operation.")
    name: str = strawberry.field(
        description="The span's name: the operation's name for the operation span.")
    start_offset_ms: float | None = strawberry.field(
        description="From the operation's start: 0 for the operation; null for children, "
                    "whose start times the slow-operation recorder does not keep yet.")
    duration_ms: float = strawberry.field(description="Its duration in milliseconds.")
    status: str | None = strawberry.field(
        description="OK or ERROR for the operation; null for its children (not kept).")
    operation: str | None = strawberry.field(
        description="A database span's operation (SELECT, ...); null otherwise.")
    table: str | None = strawberry.field(description="A database span's table; null otherwise.")
    row_count: int | None = strawberry.field(
        description="Rows a database span returned or changed; null otherwise.")


@strawberry.type(description="A trace the platform kept (a slow operation): the operation span "
                             "and its slowest child spans, slowest first.")
class Trace:
    trace_id: str = strawberry.field(
        description="Its trace id (32 lower-case hex digits), to find it in the tracing UI.")
    operation_name: str = strawberry.field(description="The operation's name as sent.")
    duration_ms: float = strawberry.field(
        description="The operation's duration in milliseconds.")
    at: datetime = strawberry.field(description="When it ended (UTC instant).")
    spans: list[TraceSpan] = strawberry.field(
        description="The operation span first, then its slowest child spans, slowest first "
                    "(slowOperations' slowestSpans).")

    @classmethod
    def of(cls, r: SlowOperationRecord) -> Trace:
        root = TraceSpan(span_id=r.span_id, parent_span_id=None, name=r.operation_name,
                         start_offset_ms=0.0, duration_ms=r.duration_ms,
                         status="ERROR" if r.failed else "OK", operation=None, table=None,
                         row_count=None)
        children = [TraceSpan(span_id=None, parent_span_id=r.span_id, name=s.name,
                              start_offset_ms=None, duration_ms=s.duration_ms, status=None,
                              operation=s.operation, table=s.table, row_count=s.row_count)
                    for s in r.slowest_spans]
        return cls(trace_id=r.trace_id, operation_name=r.operation_name,
                   duration_ms=r.duration_ms, at=datetime.fromtimestamp(r.at, UTC),
                   spans=[root, *children])


@strawberry.type(description="One dependency's readiness.")
class ReadinessCheck:
    name: str = strawberry.field(description="database or redis.")
    ok: bool = strawberry.field(description="It answered its ping (detail is ok).")
    detail: str = strawberry.field(
        description="ok, or unavailable (the exception's type): what GET /ready says.")


@strawberry.type(description="What GET /ready answers, as a query.")
class Readiness:
    ready: bool = strawberry.field(
        description="Every check is ok: GET /ready would answer 200 (503 otherwise).")
    checks: list[ReadinessCheck] = strawberry.field(
        description="Each dependency pinged now by the process that answers: database, then "
                    "redis.")
