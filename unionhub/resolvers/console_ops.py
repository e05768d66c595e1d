"""Root resolvers of the operators' console queries: RED figures, a trace's spans, readiness."""

from __future__ import annotations

from typing import Annotated

import strawberry

from unionhub.observability.red import red
from unionhub.observability.tracing import slow_operation_recorder
from unionhub.readiness import OK, readiness_checks
from unionhub.schema.console_ops_types import (
    OperationMetrics,
    Readiness,
    ReadinessCheck,
    Trace,
)

WINDOW_MAX = 900


async def operation_metrics(
    info: strawberry.Info,
    window_seconds: Annotated[int, strawberry.argument(description=(
        "How far back, in seconds: 1 to 900 (fewer or more are taken as 1 or 900)."))] = 60,
) -> OperationMetrics:
    return OperationMetrics.of(red(float(max(1, min(window_seconds, WINDOW_MAX)))))


async def trace(
    info: strawberry.Info,
    trace_id: Annotated[str, strawberry.argument(description=(
        "The trace id: 32 hex digits, either case (slowOperations' traceId); anything else "
        "finds nothing (null)."))],
) -> Trace | None:
    record = await slow_operation_recorder().find(trace_id)
    return Trace.of(record) if record is not None else None


async def readiness(info: strawberry.Info) -> Readiness:
    checks = await readiness_checks()
    return Readiness(ready=all(v == OK for v in checks.values()),
                     checks=[ReadinessCheck(name=k, ok=v == OK, detail=v)
                             for k, v in checks.items()])
