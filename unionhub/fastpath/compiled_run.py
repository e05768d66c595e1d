"""The compiled executor's run time: one execution's state, sibling fields resolved and
awaited together, errors located and nulled as graphql-core does (`fastpath.compiled` plans;
`fastpath.compiled_values` completes the values)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeGuard, cast

from graphql import (
    FieldNode,
    GraphQLOutputType,
    is_non_null_type,
    located_error,
)
from graphql.execution.executor import CollectedErrors
from graphql.execution.values import VariableValues, get_argument_values
from graphql.pyutils import Path, gather_with_cancel
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.execution import optimized_is_awaitable

if TYPE_CHECKING:
    from unionhub.fastpath.compiled import CompiledOperation, _FieldPlan


# strawberry's faster graphql-core is_awaitable, which it types as a plain bool: the TypeGuard it is
is_awaitable = cast("Callable[[Any], TypeGuard[Awaitable[Any]]]", optimized_is_awaitable)
MAX_COERCION_ERRORS = 50  # graphql-core's default, as strawberry calls it
_NO_ARGUMENTS: dict[str, Any] = {}

# (run, info, path, value) -> the completed value, or an awaitable of it
Completer = Callable[["_Run", Any, Path, Any], Any]


class NotCompilable(Exception):
    """The operation is left to graphql-core."""


# --- background work, as graphql-core settles it ---------------------------------------------

_background: set[asyncio.Future[Any]] = set()


def _settle_in_background(awaitables: list[Awaitable[Any]]) -> None:
    """Siblings of a field whose error nulled their parent still run to the end (their errors
    are observed, not orphaned), as graphql-core does."""
    future = asyncio.gather(*awaitables, return_exceptions=True)
    _background.add(future)
    future.add_done_callback(_background.discard)


def _track(values: Iterable[Any]) -> None:
    awaitables = [v for v in values if is_awaitable(v)]
    if awaitables:
        _settle_in_background(awaitables)


_HELPERS = GraphQLResolveInfoHelpers(gather=lambda values: gather_with_cancel(*values),
                                     track=_track)



class _Run:
    """One execution's state."""

    __slots__ = (
        "coerced",
        "context",
        "errors",
        "extensions",
        "operation",
        "root_value",
        "variables",
    )

    def __init__(self, operation: CompiledOperation, root_value: Any, context: Any,
                 variables: VariableValues, extensions: dict[str, Any] | None) -> None:
        self.operation = operation
        self.root_value = root_value
        self.context = context
        self.variables = variables
        self.coerced = variables.coerced
        self.extensions = extensions
        self.errors = CollectedErrors()


# --- executing fields -------------------------------------------------------------------------

def _execute_fields(run: _Run, plan: list[_FieldPlan], source: Any, path: Path | None) -> Any:
    """Sibling fields: resolved in order, awaited together (graphql-core's execute_fields)."""
    results: dict[str, Any] = {}
    pending: list[str] = []
    try:
        for field in plan:
            key = field.key
            value = _execute_field(run, field, source, Path(path, key, field.parent_type.name))
            results[key] = value
            if is_awaitable(value):
                pending.append(key)
    except Exception:
        if pending:
            _settle_in_background([results[k] for k in pending])
        raise
    if not pending:
        return results
    return _await_pending(results, pending)


async def _await_pending(results: Any, pending: list[Any]) -> Any:
    """Awaits the awaitable entries of `results` (a dict by key, a list by index) together, in
    place: one gather, so loads they start batch (graphql-core's get_results)."""
    if len(pending) == 1:
        key = pending[0]
        results[key] = await results[key]
    else:
        values = await gather_with_cancel(*(results[k] for k in pending))
        for key, value in zip(pending, values, strict=True):
            results[key] = value
    return results


async def _execute_serially(run: _Run, plan: list[_FieldPlan], source: Any,
                            path: Path | None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for field in plan:
        value = _execute_field(run, field, source, Path(path, field.key, field.parent_type.name))
        results[field.key] = await value if is_awaitable(value) else value
    return results


def _execute_field(run: _Run, field: _FieldPlan, source: Any, path: Path) -> Any:
    attribute = field.attribute
    if attribute is not None:  # strawberry would only getattr it; a leaf completes without info
        try:
            result = getattr(source, attribute)
            if is_awaitable(result):
                return _complete_awaitable(run, field, field, path, result)
            return field.complete(run, field, path, result)
        except Exception as raw_error:
            _handle_field_error(run, raw_error, field.return_type, field.nodes, path)
            return None
    info = field.info(run, path)
    try:
        args = (get_argument_values(field.field_def, field.node, run.variables)
                if field.has_arguments else _NO_ARGUMENTS)
        result = field.resolve(source, info, **args)
        if is_awaitable(result):
            return _complete_awaitable(run, field, info, path, result)
        completed = field.complete(run, info, path, result)
        if is_awaitable(completed):
            return _await_completed(run, field.return_type, field.nodes, path, completed)
    except Exception as raw_error:
        _handle_field_error(run, raw_error, field.return_type, field.nodes, path)
        return None
    return completed


async def _complete_awaitable(run: _Run, field: _FieldPlan, info: Any, path: Path,
                              result: Awaitable[Any]) -> Any:
    try:
        completed = field.complete(run, info, path, await result)
        if is_awaitable(completed):
            completed = await completed
    except Exception as raw_error:
        _handle_field_error(run, raw_error, field.return_type, field.nodes, path)
        return None
    return completed


async def _await_completed(run: _Run, return_type: GraphQLOutputType, nodes: list[FieldNode],
                           path: Path, completed: Awaitable[Any]) -> Any:
    try:
        return await completed
    except Exception as raw_error:
        _handle_field_error(run, raw_error, return_type, nodes, path)
        return None


def _handle_field_error(run: _Run, raw_error: Exception, return_type: GraphQLOutputType,
                        nodes: list[FieldNode], path: Path) -> None:
    error = located_error(raw_error, nodes, path.as_list())
    if is_non_null_type(return_type):
        raise error  # the parent is nulled instead
    run.errors.add(error, path)
