"""GraphQL operation metrics: duration (its count is the operation count) and errors by
operation name and `extensions.code`, recorded by the operation pipeline at its end.

Operation names come from clients, so they are folded into a bounded set: the names of the
persisted-operations manifest, then the first `KNOWN_NAMES_MAX` other names this process sees
in operations that passed validation, then everything else as `other` (a time series per name
is kept for the life of the process). Anonymous operations are `anonymous`.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, parse

from unionhub.observability.hot_metrics import HotHistogram
from unionhub.observability.metrics import GRAPHQL_OPERATION_DURATION, GRAPHQL_OPERATION_ERRORS
from unionhub.observability.red import ERROR_TOTALS

KNOWN_NAMES_MAX = 200
OTHER = "other"
MASKED_CODE = "INTERNAL_SERVER_ERROR"
PRE_EXECUTION_CODE = "GRAPHQL_VALIDATION_FAILED"  # parse and validation errors carry no code


class OperationNames:
    def __init__(self, manifest: dict[str, str]) -> None:
        self.known: dict[str, str] = {"anonymous": "anonymous"}
        for text in manifest.values():
            try:
                document = parse(text)
            except GraphQLError:
                continue
            for definition in document.definitions:
                if isinstance(definition, OperationDefinitionNode) and definition.name:
                    self.known[definition.name.value] = definition.name.value
        self.seen = 0

    def label(self, name: str, valid: bool) -> str:
        found = self.known.get(name)
        if found is not None:
            return found
        if valid and self.seen < KNOWN_NAMES_MAX:
            self.seen += 1
            self.known[name] = name
            return name
        return OTHER


def error_code(error: GraphQLError, masked_message: str) -> str:
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    if error.message == masked_message:
        return MASKED_CODE
    return PRE_EXECUTION_CODE if error.path is None else "UNKNOWN"


def record_operation(names: OperationNames, op_type: str, name: str, duration: float,
                     errors: list[GraphQLError] | None, masked_message: str) -> None:
    label = names.label(name, valid=not errors or any(e.path is not None for e in errors))
    GRAPHQL_OPERATION_DURATION.record(duration, (op_type, label))
    if errors:
        for error in errors:
            code = error_code(error, masked_message)
            GRAPHQL_OPERATION_ERRORS.add(1, {"graphql.operation.name": label,
                                             "error.code": code})
            if HotHistogram.enabled:  # the console's RED figures (observability/red.py)
                ERROR_TOTALS[(label, code)] = ERROR_TOTALS.get((label, code), 0) + 1


def errors_of(result: Any) -> list[GraphQLError] | None:
    return getattr(result, "errors", None) if result is not None else None
