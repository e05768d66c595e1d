"""The compiled executor's run time: one execution's state, sibling fields resolved and
awaited together, errors located and nulled as graphql-core does (`fastpath.compiled` plans;
`fastpath.compiled_values` completes the values)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from inspect import CORO_CREATED, getcoroutinestate
from types import CoroutineType, GeneratorType
from typing import TYPE_CHECKING, Any, TypeGuard, cast

from graphql import (
    FieldNode,
    GraphQLOutputType,
    is_non_null_type,
    located_error,
)
from graphql.execution.executor import CollectedErrors
from graphql.execution.values import VariableValues, get_argument_values
from graphql.pyutils import Path
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.execution import optimized_is_awaitable

if TYPE_CHECKING:
    from unionhub.fastpath.compiled import CompiledOperation, _FieldPlan


NEVER_AWAITABLE = frozenset((type(None), bool, int, float, str, bytes, list, tuple, dict, set,
                              frozenset))
# type -> whether its instances are awaitable, for types whose instances answer as the type
# does (bounded: types made at run time would grow it)
_AWAITABLE_BY_TYPE: dict[type, bool] = {}


def _is_awaitable(value: Any) -> bool:
    """graphql-core's is_awaitable (strawberry's faster one), with the answer kept per type:
    its `hasattr(value, "__await__")` costs an AttributeError for every object that is not
    (models, records, enums: most values a field returns). Only for types whose instances
    answer as the type does (no __getattr__); a generator is asked each time, as it was."""
    cls = type(value)
    if cls is CoroutineType:
        return True
    if cls in NEVER_AWAITABLE:
        return False
    known = _AWAITABLE_BY_TYPE.get(cls)
    if known is not None:
        return known
    answer = optimized_is_awaitable(value)
    if len(_AWAITABLE_BY_TYPE) < 4096 and _answers_as_its_type(cls):
        _AWAITABLE_BY_TYPE[cls] = answer
    return answer


def _answers_as_its_type(cls: type) -> bool:
    """Whether `hasattr(instance, "__await__")` is the same for every instance: no attribute
    lookup of the instances' own (a metaclass's __getattr__, as Enum's, does not count)."""
    return (cls is not GeneratorType and cls.__getattribute__ is object.__getattribute__
            and not any("__getattr__" in vars(k) for k in cls.__mro__))


# typed as the TypeGuard it is (strawberry types its own as a plain bool)
is_awaitable = cast("Callable[[Any], TypeGuard[Awaitable[Any]]]", _is_awaitable)
# Path(prev, key, typename) without NamedTuple's Python-level __new__ (a path per field)
new_path = cast("Callable[[type[Path], tuple[Path | None, str | int, str | None]], Path]",
                tuple.__new__)
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


async def gather_with_cancel(awaitables: Iterable[Awaitable[Any]]) -> list[Any]:
    """graphql-core's gather_with_cancel (the first error is raised at once and the others are
    cancelled), except that a sibling cancelled before its first step has the coroutines it
    holds closed: cancelling a task that never ran drops its coroutine unrun, and the resolver
    coroutine it wraps would otherwise never be awaited ("coroutine ... was never awaited").
    Its own waiter rather than asyncio.gather's, so that the closing also happens when the
    caller is cancelled (asyncio.gather would cancel the tasks itself, before this could)."""
    loop = asyncio.get_running_loop()
    # (a coroutine, nearly always: its task straight from the loop, past ensure_future's checks)
    futures = [loop.create_task(a) if type(a) is CoroutineType else asyncio.ensure_future(a)
               for a in awaitables]
    if not futures:
        return []
    waiter = loop.create_future()
    left = len(futures)

    def settled(future: asyncio.Future[Any]) -> None:
        nonlocal left
        left -= 1
        if waiter.done():
            return
        if future.cancelled():
            waiter.set_exception(asyncio.CancelledError())  # as asyncio.gather answers it
        elif future.exception() is not None:
            waiter.set_exception(cast(BaseException, future.exception()))
        elif not left:
            waiter.set_result(None)

    for future in futures:
        future.add_done_callback(settled)
    try:
        await waiter
    except BaseException as error:
        for future in futures:
            if not future.done():
                if isinstance(future, asyncio.Task):
                    _close_unstarted(future.get_coro(), own=False)
                future.cancel()
        if isinstance(error, Exception):  # graphql-core waits for the cancelled to finish
            await asyncio.gather(*futures, return_exceptions=True)
        raise
    return [future.result() for future in futures]


def _close_unstarted(coroutine: Any, own: bool = True) -> None:
    """Closes the coroutines a never-started coroutine holds as arguments (our completers'
    wrappers hold the resolver's coroutine, or another wrapper), and itself if `own`."""
    if type(coroutine) is not CoroutineType or getcoroutinestate(coroutine) != CORO_CREATED:
        return
    frame = coroutine.cr_frame
    for value in frame.f_locals.values() if frame is not None else ():
        _close_unstarted(value)
    if own:
        coroutine.close()


_HELPERS = GraphQLResolveInfoHelpers(gather=gather_with_cancel, track=_track)



class _Run:
    """One execution's state."""

    __slots__ = (
        "coerced",
        "context",
        "errors",
        "extensions",
        "info_tail",
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
        # What every field's `info` holds after its path (strawberry's ResolveInfo fields)
        self.info_tail = (operation.schema, operation.fragment_definitions, root_value,
                          operation.operation, self.coerced, context, is_awaitable, None,
                          _HELPERS, extensions)


# --- executing fields -------------------------------------------------------------------------

def _execute_fields(run: _Run, plan: list[_FieldPlan], source: Any, path: Path | None) -> Any:
    """Sibling fields: resolved in order, awaited together (graphql-core's execute_fields)."""
    results: dict[str, Any] = {}
    pending: list[str] = []
    try:
        for field in plan:
            key = field.key
            read = field.record_read
            if read is not None and (record := getattr(source, "rec", None)) is not None:
                # An entity's field that reads its loaded record (compiled._record_reader):
                # the value is the resolver's, without its call.
                try:
                    value = read(record)
                    if type(value) is field.plain:  # answered as its completer would
                        names = field.names
                        results[key] = value if names is None else names[value]
                    else:
                        results[key] = field.complete(run, field, None, value)  # type: ignore[arg-type]
                except Exception as raw_error:
                    _handle_field_error(run, raw_error, field.return_type, field.nodes,
                                        new_path(Path, (path, key, field.type_name)))
                    results[key] = None
                continue
            attr = field.leaf_attr
            if attr is not None:
                # A basic scalar or enum field: read and coerced here, its path made only if
                # it fails (its completer does not read it).
                try:
                    value = getattr(source, attr)
                    if type(value) is field.plain:  # answered as its completer would
                        names = field.names
                        results[key] = value if names is None else names[value]
                        continue
                    if type(value) in NEVER_AWAITABLE or not is_awaitable(value):
                        results[key] = field.complete(run, field, None, value)  # type: ignore[arg-type]
                        continue
                except Exception as raw_error:
                    _handle_field_error(run, raw_error, field.return_type, field.nodes,
                                        new_path(Path, (path, key, field.type_name)))
                    results[key] = None
                    continue
                field_path = new_path(Path, (path, key, field.type_name))
                value = _complete_awaitable(run, field, field.info(run, field_path), field_path,
                                            value)
            elif field.entity_read is not None and getattr(source, "rec", None) is not None:
                value = _read_entity(run, field, source,
                                     new_path(Path, (path, key, field.type_name)))
            else:
                value = _execute_field(run, field, source,
                                       new_path(Path, (path, key, field.type_name)))
            results[key] = value
            # (the type check first: most values are completed dicts, lists and scalars)
            if type(value) not in NEVER_AWAITABLE and is_awaitable(value):
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
        values = await gather_with_cancel([results[k] for k in pending])
        for key, value in zip(pending, values, strict=True):
            results[key] = value
    return results


async def _execute_serially(run: _Run, plan: list[_FieldPlan], source: Any,
                            path: Path | None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for field in plan:
        value = _execute_field(run, field, source,
                               new_path(Path, (path, field.key, field.type_name)))
        results[field.key] = await value if is_awaitable(value) else value
    return results


def _execute_field(run: _Run, field: _FieldPlan, source: Any, path: Path) -> Any:
    if field.attr is not None:  # a basic field: strawberry's resolver is this getattr
        try:
            value = getattr(source, field.attr)
            if not is_awaitable(value):
                return field.complete(run, field, path, value)
        except Exception as raw_error:
            _handle_field_error(run, raw_error, field.return_type, field.nodes, path)
            return None
        return _complete_awaitable(run, field, field.info(run, path), path, value)
    info = field.info(run, path)
    try:
        args = (get_argument_values(field.field_def, field.node, run.variables)
                if field.has_arguments else _NO_ARGUMENTS)
        result = field.resolve(source, info, **args)
        if is_awaitable(result):
            return _complete_awaitable(run, field, info, path, result)
        completed = field.complete(run, info, path, result)
        if type(completed) not in NEVER_AWAITABLE and is_awaitable(completed):
            return _await_completed(run, field.return_type, field.nodes, path, completed)
    except Exception as raw_error:
        _handle_field_error(run, raw_error, field.return_type, field.nodes, path)
        return None
    return completed


def _read_entity(run: _Run, field: _FieldPlan, source: Any, path: Path) -> Any:
    """A field marked `reads_entity` (compiled._entity_reader) of an entity holding its record:
    its read, then the completion and errors `_execute_field` gives the resolver's answer. The
    completers get the plan for their `info` (it answers `parent_type` and `field_name`;
    object types' `is_type_of`, strawberry's, reads no `info`)."""
    try:
        completed = field.complete(run, field, path,
                                   field.entity_read(source, run.context))  # type: ignore[misc]
        if type(completed) not in NEVER_AWAITABLE and is_awaitable(completed):
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
