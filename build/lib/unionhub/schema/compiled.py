"""A compiled executor for validated operations: graphql-core's semantics, planned once.

graphql-core's executor works out, for every field of every request, what the document and
the schema already fixed: which fields a selection set collects, the field definition and its
resolver, how the return type completes (non-null, list, leaf, object, abstract), whether
arguments need coercing. On the hot member lookup that bookkeeping cost more CPU than the
resolvers (issue 8's profile). Here an operation is compiled once per document text into plans
(per object type: its fields, each with its resolver and a completer built for its return
type), and a request only walks them.

What it keeps from graphql-core, so answers are the same (tests/test_compiled_executor.py runs
both on the same documents: fragments, unions, interfaces, errors and null propagation, lists,
variables, mutations, introspection; every other test runs on this executor): resolvers get
the same `info` (strawberry's
own class), sibling fields resolve concurrently (one `gather`, so DataLoaders batch as
before), mutations' root fields run serially, errors are located and null the nearest
nullable parent, coercion of variables and arguments is graphql-core's own code, and so are
the error messages.

What it does not compile (`compile_operation` returns None and graphql-core runs the
operation): subscriptions, directives on selections or the operation (@skip, @include,
@defer, @stream, error-propagation switches), fragments with variables.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLError,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    default_field_resolver,
    default_type_resolver,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    located_error,
)
from graphql.execution.collect_fields import FieldDetails, does_fragment_condition_match
from graphql.execution.executor import CollectedErrors, invalid_return_type_error
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.pyutils import Path, gather_with_cancel, inspect, is_iterable
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.execution import optimized_is_awaitable
from strawberry.schema.schema import _OperationContextAwareGraphQLResolveInfo as ResolveInfo

is_awaitable = optimized_is_awaitable
MAX_COERCION_ERRORS = 50  # graphql-core's default, as strawberry calls it
_NO_ARGUMENTS: dict[str, Any] = {}

# (run, info, path, value) -> the completed value, or an awaitable of it
Completer = Callable[["_Run", Any, Path, Any], Any]


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


# --- plans ------------------------------------------------------------------------------------

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


class _FieldPlan:
    """One response key of a selection set on one object type."""

    __slots__ = ("complete", "field_def", "has_arguments", "key", "name", "node", "nodes",
                 "parent_type", "resolve", "return_type")

    def __init__(self, compiled: CompiledOperation, parent_type: GraphQLObjectType, key: str,
                 nodes: list[FieldNode], field_def: GraphQLField) -> None:
        node = nodes[0]
        self.key = key
        self.name = node.name.value
        self.node = node
        self.nodes = nodes
        self.parent_type = parent_type
        self.field_def = field_def
        self.return_type = field_def.type
        self.resolve = field_def.resolve or default_field_resolver
        self.has_arguments = bool(field_def.args or node.arguments)
        self.complete = compiled.completer(field_def.type, nodes)

    def info(self, run: _Run, path: Path) -> Any:
        compiled = run.operation
        return ResolveInfo(self.name, self.nodes, self.return_type, self.parent_type, path,
                           compiled.schema, compiled.fragment_definitions, run.root_value,
                           compiled.operation, run.coerced, run.context, is_awaitable, None,
                           _HELPERS, run.extensions)


class CompiledOperation:
    """An operation of a validated document, planned against one schema."""

    def __init__(self, schema: GraphQLSchema, operation: OperationDefinitionNode,
                 fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.operation = operation
        self.fragment_definitions = fragments
        root_type = schema.get_root_type(operation.operation)
        if root_type is None:
            raise _NotCompilable
        self.serial = operation.operation == OperationType.MUTATION
        # (object type, the field nodes whose sub-selections are merged) -> that type's fields
        self._plans: dict[tuple[str, tuple[int, ...]], list[_FieldPlan]] = {}
        self.root = self.plan(root_type, (operation.selection_set,), (id(operation),))

    # -- compile time --

    def plan(self, type_: GraphQLObjectType, selection_sets: tuple[SelectionSetNode, ...],
             key: tuple[int, ...]) -> list[_FieldPlan]:
        plan_key = (type_.name, key)
        plan = self._plans.get(plan_key)
        if plan is None:
            plan = []
            for response_key, nodes in self._collect(type_, selection_sets).items():
                field_def = self.schema.get_field(type_, nodes[0].name.value)
                if field_def is not None:  # graphql-core leaves unknown fields out, too
                    plan.append(_FieldPlan(self, type_, response_key, nodes, field_def))
            self._plans[plan_key] = plan
        return plan

    def _collect(self, type_: GraphQLObjectType, selection_sets: Iterable[SelectionSetNode],
                 ) -> dict[str, list[FieldNode]]:
        """graphql-core's field collection for a directive-free document."""
        fields: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()

        def visit(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    fields.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    if does_fragment_condition_match(self.schema, selection, type_):
                        visit(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragment_definitions.get(name)
                    if name in visited or fragment is None or not does_fragment_condition_match(
                            self.schema, fragment, type_):
                        continue
                    visited.add(name)
                    visit(fragment.selection_set)

        for selection_set in selection_sets:
            visit(selection_set)
        return fields

    def completer(self, type_: GraphQLOutputType, nodes: list[FieldNode]) -> Completer:
        if is_non_null_type(type_):
            return _non_null(self.completer(type_.of_type, nodes))
        if is_list_type(type_):
            return _list(type_, self.completer(type_.of_type, nodes), nodes)
        if is_leaf_type(type_):
            return _leaf(type_)
        sub_sets = tuple(n.selection_set for n in nodes if n.selection_set)
        key = tuple(id(n) for n in nodes)
        if is_abstract_type(type_):
            return _abstract(self, type_, nodes, sub_sets, key)
        if is_object_type(type_):
            return _object(self, type_, nodes, sub_sets, key)
        raise _NotCompilable  # pragma: no cover (every output type is one of the above)

    # -- run time --

    async def execute(self, root_value: Any, context: Any, raw_variables: dict[str, Any] | None,
                      extensions: dict[str, Any] | None = None) -> ExecutionResult:
        variables = get_variable_values(self.schema, self.operation.variable_definitions or (),
                                        raw_variables or {}, max_errors=MAX_COERCION_ERRORS)
        if isinstance(variables, list):
            return ExecutionResult(None, variables)
        run = _Run(self, root_value, context, variables, extensions)
        try:
            if self.serial:
                data = await _execute_serially(run, self.root, root_value, None)
            else:
                data = _execute_fields(run, self.root, root_value, None)
                if is_awaitable(data):
                    data = await data
        except GraphQLError as error:
            run.errors.add(error, None)
            data = None
        return ExecutionResult(data, run.errors.errors or None)


class _NotCompilable(Exception):
    pass


def compile_operation(schema: GraphQLSchema, document: DocumentNode,
                      operation_name: str | None) -> CompiledOperation | None:
    """The operation's plan, or None where graphql-core must run it (see the module doc). The
    document must have passed validation."""
    operation: OperationDefinitionNode | None = None
    fragments: dict[str, FragmentDefinitionNode] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            if operation_name is None:
                if operation is not None:
                    return None  # graphql-core answers with its own error
                operation = definition
            elif definition.name and definition.name.value == operation_name:
                operation = definition
        elif isinstance(definition, FragmentDefinitionNode):
            if definition.variable_definitions:
                return None
            fragments[definition.name.value] = definition
    if operation is None or operation.operation == OperationType.SUBSCRIPTION:
        return None
    if operation.directives or _has_directives(operation.selection_set) or any(
            _has_directives(f.selection_set) for f in fragments.values()):
        return None
    try:
        return CompiledOperation(schema, operation, fragments)
    except _NotCompilable:
        return None


def _has_directives(selection_set: SelectionSetNode | None) -> bool:
    if selection_set is None:
        return False
    for selection in selection_set.selections:
        if selection.directives:
            return True
        if _has_directives(getattr(selection, "selection_set", None)):
            return True
    return False


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


# --- completing values ------------------------------------------------------------------------

def _non_null(inner: Completer) -> Completer:
    def complete(run: _Run, info: Any, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        completed = inner(run, info, path, result)
        if is_awaitable(completed):
            return _checked_non_null(info, completed)
        if completed is None:
            raise TypeError(_null_message(info))
        return completed
    return complete


async def _checked_non_null(info: Any, completed: Awaitable[Any]) -> Any:
    value = await completed
    if value is None:
        raise TypeError(_null_message(info))
    return value


def _null_message(info: Any) -> str:
    return f"Cannot return null for non-nullable field {info.parent_type}.{info.field_name}."


def _leaf(type_: GraphQLLeafType) -> Completer:
    coerce = type_.coerce_output_value

    def complete(run: _Run, info: Any, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            return None
        coerced = coerce(result)
        if coerced is Undefined or coerced is None:
            raise TypeError(f"Expected `{inspect(type_)}.coerce_output_value({inspect(result)})`"
                            f" to return non-nullable value, returned: {inspect(coerced)}")
        return coerced
    return complete


def _list(type_: GraphQLList[Any], item: Completer, nodes: list[FieldNode]) -> Completer:
    item_type = type_.of_type

    def complete(run: _Run, info: Any, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            return None
        if hasattr(result, "__aiter__"):
            return _complete_async_list(run, info, path, result, item, item_type, nodes)
        if not is_iterable(result):
            raise GraphQLError("Expected Iterable, but did not find one for field"
                               f" '{info.parent_type}.{info.field_name}'.")
        return _complete_items(run, info, path, result, item, item_type, nodes)
    return complete


def _complete_items(run: _Run, info: Any, path: Path, items: Iterable[Any], item: Completer,
                    item_type: GraphQLOutputType, nodes: list[FieldNode]) -> Any:
    completed: list[Any] = []
    pending: list[int] = []
    try:
        for index, value in enumerate(items):
            item_path = Path(path, index, None)
            try:
                if is_awaitable(value):
                    completed.append(_complete_awaitable_item(run, info, item_path, value, item,
                                                              item_type, nodes))
                    pending.append(index)
                    continue
                done = item(run, info, item_path, value)
                if is_awaitable(done):
                    completed.append(_await_completed(run, item_type, nodes, item_path, done))
                    pending.append(index)
                else:
                    completed.append(done)
            except Exception as raw_error:
                _handle_field_error(run, raw_error, item_type, nodes, item_path)
                completed.append(None)
    except Exception:
        if pending:
            _settle_in_background([completed[i] for i in pending])
        raise
    if not pending:
        return completed
    return _await_pending(completed, pending)


async def _complete_awaitable_item(run: _Run, info: Any, path: Path, value: Awaitable[Any],
                                   item: Completer, item_type: GraphQLOutputType,
                                   nodes: list[FieldNode]) -> Any:
    try:
        done = item(run, info, path, await value)
        if is_awaitable(done):
            done = await done
    except Exception as raw_error:
        _handle_field_error(run, raw_error, item_type, nodes, path)
        return None
    return done


async def _complete_async_list(run: _Run, info: Any, path: Path, items: Any, item: Completer,
                               item_type: GraphQLOutputType, nodes: list[FieldNode]) -> Any:
    values = [value async for value in items]
    done = _complete_items(run, info, path, values, item, item_type, nodes)
    return await done if is_awaitable(done) else done


def _object(compiled: CompiledOperation, type_: GraphQLObjectType, nodes: list[FieldNode],
            sub_sets: tuple[SelectionSetNode, ...], key: tuple[int, ...]) -> Completer:
    plan: list[_FieldPlan] | None = None
    is_type_of = type_.is_type_of

    def complete(run: _Run, info: Any, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            return None
        if is_type_of is not None:
            matches = is_type_of(result, info)
            if is_awaitable(matches):
                return _object_after_check(run, path, result, matches, complete_fields, type_,
                                           nodes)
            if not matches:
                raise invalid_return_type_error(type_, result, _details(nodes))
        return complete_fields(run, path, result)

    def complete_fields(run: _Run, path: Path, result: Any) -> Any:
        nonlocal plan
        if plan is None:  # planned on first use: a type reached by recursion is planned lazily
            plan = compiled.plan(type_, sub_sets, key)
        return _execute_fields(run, plan, result, path)

    return complete


async def _object_after_check(run: _Run, path: Path, result: Any, matches: Awaitable[Any],
                              complete_fields: Callable[[_Run, Path, Any], Any],
                              type_: GraphQLObjectType, nodes: list[FieldNode]) -> Any:
    if not await matches:
        raise invalid_return_type_error(type_, result, _details(nodes))
    done = complete_fields(run, path, result)
    return await done if is_awaitable(done) else done


def _abstract(compiled: CompiledOperation, type_: GraphQLAbstractType, nodes: list[FieldNode],
              sub_sets: tuple[SelectionSetNode, ...], key: tuple[int, ...]) -> Completer:
    by_runtime_type: dict[str, Completer] = {}
    resolve_type = type_.resolve_type or default_type_resolver

    def for_runtime_type(name: Any, info: Any, result: Any) -> Completer:
        completer = by_runtime_type.get(name) if isinstance(name, str) else None
        if completer is None:
            runtime_type = _ensure_valid_runtime_type(compiled.schema, name, type_, nodes, info,
                                                      result)
            completer = by_runtime_type[name] = _object(compiled, runtime_type, nodes, sub_sets,
                                                        key)
        return completer

    def complete(run: _Run, info: Any, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            return None
        name = resolve_type(result, info, type_)
        if is_awaitable(name):
            return _abstract_after_resolve(run, info, path, result, name, for_runtime_type)
        return for_runtime_type(name, info, result)(run, info, path, result)

    return complete


async def _abstract_after_resolve(run: _Run, info: Any, path: Path, result: Any,
                                  name: Awaitable[Any],
                                  for_runtime_type: Callable[[Any, Any, Any], Completer]) -> Any:
    done = for_runtime_type(await name, info, result)(run, info, path, result)
    return await done if is_awaitable(done) else done


def _ensure_valid_runtime_type(schema: GraphQLSchema, name: Any, type_: GraphQLAbstractType,
                               nodes: list[FieldNode], info: Any,
                               result: Any) -> GraphQLObjectType:
    """graphql-core's checks and messages for a resolved runtime type."""
    if name is None:
        raise GraphQLError(
            f"Abstract type '{type_}' must resolve to an Object type at runtime for field"
            f" '{info.parent_type}.{info.field_name}'. Either the '{type_}' type should provide"
            " a 'resolve_type' function or each possible type should provide an 'is_type_of'"
            " function.", nodes)
    if not isinstance(name, str):
        raise GraphQLError(
            f"Abstract type '{type_}' must resolve to an Object type at runtime for field"
            f" '{info.parent_type}.{info.field_name}' with value {inspect(result)}, received"
            f" '{inspect(name)}', which is not a valid Object type name.", nodes)
    runtime_type = schema.get_type(name)
    if runtime_type is None:
        raise GraphQLError(f"Abstract type '{type_}' was resolved to a type '{name}' that does"
                           " not exist inside the schema.", nodes)
    if not is_object_type(runtime_type):
        raise GraphQLError(f"Abstract type '{type_}' was resolved to a non-object type '{name}'.",
                           nodes)
    if not schema.is_sub_type(type_, runtime_type):
        raise GraphQLError(f"Runtime Object type '{runtime_type}' is not a possible type for"
                           f" '{type_}'.", nodes)
    return runtime_type


def _details(nodes: list[FieldNode]) -> list[FieldDetails]:
    # invalid_return_type_error takes graphql-core's field details (it reads `.node`).
    return [FieldDetails(node, None) for node in nodes]
