"""A span per GraphQL operation, and the trace id in every response.

Unlike strawberry's OpenTelemetryExtension this has no `resolve` hook, so fields stay on
graphql-core's synchronous path (its async hook made lists 6.5× slower, STACK-NOTES), and it
records neither the query text nor arguments (they may hold phones and ID numbers).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any

from graphql import OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from unionhub.observability.context import current_trace_id
from unionhub.observability.slow_operations import OPERATION_ATTRIBUTE
from unionhub.observability.tracing import slow_operation_recorder, tracer


class OperationTracing(SchemaExtension):
    _trace_id: str | None = None

    async def on_operation(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        with tracer().start_as_current_span(
            "graphql.operation", attributes={OPERATION_ATTRIBUTE: True}
        ) as span:
            self._trace_id = current_trace_id()
            yield
            op_type = "query"
            name = ctx.operation_name
            if ctx.graphql_document is not None:
                for definition in ctx.graphql_document.definitions:
                    if isinstance(definition, OperationDefinitionNode):
                        if name is None or (definition.name and definition.name.value == name):
                            op_type = definition.operation.value
                            name = definition.name.value if definition.name else name
                            break
            span.update_name(f"{op_type} {name or 'anonymous'}")
            span.set_attribute("graphql.operation.type", op_type)
            span.set_attribute("graphql.operation.name", name or "anonymous")
            if ctx.query:
                fingerprint = hashlib.sha256(ctx.query.encode()).hexdigest()[:16]
                span.set_attribute("graphql.document.fingerprint", fingerprint)
            result = ctx.result
            if result is not None and getattr(result, "errors", None):
                span.set_attribute("graphql.errors", len(result.errors))
        recorder = slow_operation_recorder()
        if recorder.pending:
            await recorder.flush()

    def get_results(self) -> dict[str, Any]:
        return {"traceId": self._trace_id or current_trace_id()}
