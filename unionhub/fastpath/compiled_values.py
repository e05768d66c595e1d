"""The compiled executor's completers: per return type (non-null, list, leaf, object,
abstract), built once per plan and called per value, with graphql-core's checks and messages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from enum import Enum
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    GraphQLAbstractType,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLError,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    SelectionSetNode,
    Undefined,
    default_type_resolver,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.execution.executor import invalid_return_type_error
from graphql.pyutils import Path, inspect, is_iterable

from unionhub.fastpath.compiled_run import (
    NEVER_AWAITABLE,
    Completer,
    _await_completed,
    _await_pending,
    _execute_fields,
    _handle_field_error,
    _Run,
    _settle_in_background,
    is_awaitable,
    new_path,
)

if TYPE_CHECKING:
    from unionhub.fastpath.compiled import CompiledOperation, _FieldPlan


# --- completing values ------------------------------------------------------------------------

def _non_null(inner: Completer) -> Completer:
    """Non-null around a list or abstract completer (`_non_null_leaf` for leaves; an object's
    completer checks for null itself, `_object(non_null=True)`).
    Those answer None only at once (for a None value); an awaitable of theirs resolves to the
    list or the fields' dict, so it is returned as it is, without a coroutine to check it."""
    def complete(run: _Run, info: Any, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        completed = inner(run, info, path, result)
        if completed is None:
            raise TypeError(_null_message(info))
        return completed
    return complete


def _null_message(info: Any) -> str:
    return f"Cannot return null for non-nullable field {info.parent_type}.{info.field_name}."


def leaf_coercer(type_: GraphQLLeafType) -> Callable[[Any], Any]:
    """The leaf's `coerce_output_value`; for strawberry's enums, whose coercion compares the
    member's `.value` with each of the type's values in turn (about 20 calls a field: a home
    screen has six enums), a dict from member to name built once, the same first match, and
    strawberry's coercion for anything else (its error included)."""
    coerce = type_.coerce_output_value
    found = enum_names(type_)
    if found is None:
        return coerce
    wrapped, names = found

    def coerce_enum(result: Any) -> Any:
        # an Enum with members has no subclasses: `type is` is strawberry's isinstance
        if type(result) is wrapped and result in names:
            return names[result]
        return coerce(result)
    return coerce_enum


def enum_names(type_: GraphQLLeafType) -> tuple[type[Enum], dict[Any, str]] | None:
    """A strawberry enum's Python class and the GraphQL name of each of its members (the first
    value equal to the member's, as strawberry's coercion compares them); None for any other
    leaf type."""
    wrapped = getattr(type_, "wrapped_cls", None)
    if not (isinstance(type_, GraphQLEnumType) and isinstance(wrapped, type)
            and issubclass(wrapped, Enum)):
        return None
    names: dict[Any, str] = {}
    for member in wrapped:
        for name, value in type_.values.items():
            if member.value == value.value:
                names[member] = name
                break
    return wrapped, names


# The Python type whose values a leaf type's coercion answers unchanged: graphql-core's
# `serialize_string` and `serialize_id` return a `str` as it is, `serialize_boolean` a `bool`.
# The run answers such a value of a basic or record-read field without its completer (exactly
# that type: a subclass, such as a StrEnum member, still goes through it). Int is not here:
# its coercion checks the 32-bit range.
_PLAIN: dict[GraphQLScalarType, type] = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool}


def plain_answers(named: Any) -> tuple[type | None, dict[Any, str] | None]:
    """(the type whose values the field's coercion answers without a check, and for an enum the
    answer of each member): String, ID and Boolean as `_PLAIN`; a strawberry enum each of whose
    members has a GraphQL name, by `enum_names` (its completer's own map)."""
    plain = _PLAIN.get(named)
    if plain is not None:
        return plain, None
    found = enum_names(named)
    if found is None or len(found[1]) != len(found[0]):
        return None, None
    return found


def _non_null_leaf(type_: GraphQLLeafType) -> Completer:
    """`_non_null(_leaf(type_))` in one call: most fields of a page are non-null scalars."""
    coerce = leaf_coercer(type_)

    def complete(run: _Run, info: Any, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            raise TypeError(_null_message(info))
        coerced = coerce(result)
        if coerced is Undefined or coerced is None:
            raise TypeError(_leaf_message(type_, result, coerced))
        return coerced
    return complete


def _leaf_message(type_: GraphQLLeafType, result: Any, coerced: Any) -> str:
    return (f"Expected `{inspect(type_)}.coerce_output_value({inspect(result)})` to return"
            f" non-nullable value, returned: {inspect(coerced)}")


def _leaf(type_: GraphQLLeafType) -> Completer:
    coerce = leaf_coercer(type_)

    def complete(run: _Run, info: Any, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            return None
        coerced = coerce(result)
        if coerced is Undefined or coerced is None:
            raise TypeError(_leaf_message(type_, result, coerced))
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
            item_path = new_path(Path, (path, index, None))
            try:
                if is_awaitable(value):
                    completed.append(_complete_awaitable_item(run, info, item_path, value, item,
                                                              item_type, nodes))
                    pending.append(index)
                    continue
                done = item(run, info, item_path, value)
                if type(done) not in NEVER_AWAITABLE and is_awaitable(done):
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
            sub_sets: tuple[SelectionSetNode, ...], key: tuple[int, ...],
            non_null: bool = False) -> Completer:
    """An object's completer; `non_null`: `_non_null` around it in one call (a page's edges
    and nodes are non-null objects, several a row)."""
    plan: list[_FieldPlan] | None = None
    is_type_of = type_.is_type_of

    def complete(run: _Run, info: Any, path: Path, result: Any) -> Any:
        nonlocal plan
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            if non_null:
                raise TypeError(_null_message(info))
            return None
        if is_type_of is not None:
            matches = is_type_of(result, info)
            if is_awaitable(matches):
                return _object_after_check(run, path, result, matches, complete_fields, type_,
                                           nodes)
            if not matches:
                raise invalid_return_type_error(type_, result, _details(nodes))
        if plan is None:  # (complete_fields, inline)
            plan = compiled.plan(type_, sub_sets, key)
        return _execute_fields(run, plan, result, path)

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
