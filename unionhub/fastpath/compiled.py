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

from collections.abc import Callable, Iterable
from typing import Any, cast

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLID,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    default_field_resolver,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import does_fragment_condition_match
from graphql.execution.get_variable_signature import (
    GraphQLVariableSignature,
    get_variable_signature,
)
from graphql.execution.values import (
    VariableValues,
    VariableValueSource,
    get_variable_values,
)
from graphql.pyutils import Path
from strawberry.schema.schema import _OperationContextAwareGraphQLResolveInfo as ResolveInfo

from unionhub.fastpath.compiled_run import (
    MAX_COERCION_ERRORS,
    Completer,
    NotCompilable,
    _execute_fields,
    _execute_serially,
    _Run,
    is_awaitable,
)
from unionhub.fastpath.compiled_values import (
    _abstract,
    _leaf,
    _list,
    _non_null,
    _non_null_leaf,
    _object,
    plain_answers,
)

_new_info = tuple.__new__

# --- plans ------------------------------------------------------------------------------------


class _FieldPlan:
    """One response key of a selection set on one object type."""

    __slots__ = ("attr", "complete", "entity_read", "field_def", "has_arguments", "info_head",
                 "key", "leaf_attr", "name", "names", "node", "nodes", "parent_type",
                 "plain", "record_read", "resolve", "return_type", "type_name")

    def __init__(self, compiled: CompiledOperation, parent_type: GraphQLObjectType, key: str,
                 nodes: list[FieldNode], field_def: GraphQLField) -> None:
        node = nodes[0]
        self.key = key
        self.name = node.name.value
        self.node = node
        self.nodes = nodes
        self.parent_type = parent_type
        self.type_name = parent_type.name
        self.field_def = field_def
        self.return_type = field_def.type
        self.resolve = field_def.resolve or default_field_resolver
        self.has_arguments = bool(field_def.args or node.arguments)
        self.complete = compiled.completer(field_def.type, nodes)
        self.attr = _basic_attribute(field_def, node)
        self.info_head = (self.name, nodes, self.return_type, parent_type)
        # a basic field of a scalar or enum (non-null or not): its completer reads no path
        named = field_def.type.of_type if is_non_null_type(field_def.type) else field_def.type
        self.leaf_attr = self.attr if is_leaf_type(named) else None
        self.record_read = _record_reader(field_def, node) if is_leaf_type(named) else None
        self.entity_read = _entity_reader(field_def, node)
        self.plain, self.names = plain_answers(named)

    @property
    def field_name(self) -> str:
        """As `info.field_name`: a basic field's completers get the plan for their `info`
        (they read only this and `parent_type`, for error messages)."""
        return self.name

    def info(self, run: _Run, path: Path) -> Any:
        # strawberry's ResolveInfo (a NamedTuple) as its own __new__ would make it, without its
        # Python-level call: the field's part, the path, the run's part (`_Run.info_tail`;
        # abort_signal None, as strawberry passes it)
        return _new_info(ResolveInfo, (*self.info_head, path, *run.info_tail))


def _basic_attribute(field_def: GraphQLField, node: FieldNode) -> str | None:
    """The attribute a strawberry field without resolver, extensions or arguments reads:
    strawberry resolves it as getattr(source, that name) (its `_get_basic_result`, which
    ignores `info`), so the run reads it directly and builds no `info` (a page of 20
    leaderboard entries has about 100 such fields). Only where completing the value needs no
    `info` either: scalars, enums, object types without `is_type_of`, lists of those (the
    completers then get the plan, which answers `parent_type` and `field_name` for their
    error messages). None for any other field."""
    if not getattr(field_def.resolve, "_is_default", False) or field_def.args or node.arguments:
        return None
    definition = (field_def.extensions or {}).get("strawberry-definition")
    if (definition is None or not definition.is_basic_field
            or definition.default_resolver is not getattr):
        return None
    type_: Any = field_def.type
    while is_non_null_type(type_) or is_list_type(type_):
        type_ = type_.of_type
    if not (is_leaf_type(type_) or (is_object_type(type_) and type_.is_type_of is None)):
        return None
    name = definition.python_name
    return name if isinstance(name, str) else None


def _marked(field_def: GraphQLField, node: FieldNode, name: str) -> Callable[..., Any] | None:
    """The `read` of the mark `name` on the function strawberry calls for this field, when
    strawberry calls it itself (no arguments, no field extensions) and the mark names that
    very function (a wrapper carries the mark of what it wraps: refused)."""
    definition = (field_def.extensions or {}).get("strawberry-definition")
    if definition is None or definition.base_resolver is None or definition.extensions \
            or field_def.args or node.arguments:
        return None
    function = definition.base_resolver.wrapped_func
    mark = getattr(function, name, None)
    if not (isinstance(mark, tuple) and len(mark) == 2 and mark[1] is function
            and callable(mark[0])):
        return None
    return cast("Callable[..., Any]", mark[0])


def _entity_reader(field_def: GraphQLField, node: FieldNode) -> Callable[[Any, Any], Any] | None:
    """For an entity's field whose resolver is marked `reads_entity(read)` (schema/entities.py:
    its answer is `read(entity, context)` whenever the entity holds its record; a tier guard
    marks itself with `read` behind its check), `read`: the run calls it itself, without the
    resolver and its `info`, then completes the answer as the resolver's. Not for abstract
    return types (their completion asks `info` for the runtime type)."""
    named: Any = field_def.type
    while is_non_null_type(named) or is_list_type(named):
        named = named.of_type
    if not (is_leaf_type(named) or is_object_type(named)):
        return None
    return _marked(field_def, node, "entity_read")


def _record_reader(field_def: GraphQLField, node: FieldNode) -> Callable[[Any], Any] | None:
    """For an entity's leaf field whose resolver is marked `reads_record(read)`
    (schema/entities.py: its answer is `read(source.rec)` whenever the entity holds its
    record), `read`: the run applies it to a loaded record itself, without the resolver call
    and its `info` (a page of 20 members has 60 such fields). Only when strawberry calls the
    marked function itself: no arguments, no field extensions (permission classes are ones),
    and the resolver not wrapped (a tier guard is a wrapper, which carries the mark of the
    function it wraps, not its own). None for any other field."""
    return _marked(field_def, node, "record_read")


class CompiledOperation:
    """An operation of a validated document, planned against one schema."""

    def __init__(self, schema: GraphQLSchema, operation: OperationDefinitionNode,
                 fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.operation = operation
        self.fragment_definitions = fragments
        root_type = schema.get_root_type(operation.operation)
        if root_type is None:
            raise NotCompilable
        self.serial = operation.operation == OperationType.MUTATION
        self.text_variables = _text_variables(schema, operation)
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
        non_null = is_non_null_type(type_)
        if non_null:
            type_ = type_.of_type  # type: ignore[union-attr]
            if is_leaf_type(type_):
                return _non_null_leaf(type_)
            if not is_object_type(type_):  # a list or abstract type: wrapped
                return _non_null(self.completer(type_, nodes))
        if is_list_type(type_):
            return _list(type_, self.completer(type_.of_type, nodes), nodes)
        if is_leaf_type(type_):
            return _leaf(type_)
        sub_sets = tuple(n.selection_set for n in nodes if n.selection_set)
        key = tuple(id(n) for n in nodes)
        if is_abstract_type(type_):
            return _abstract(self, type_, nodes, sub_sets, key)
        if is_object_type(type_):  # non-null: checked by the object's own completer
            return _object(self, type_, nodes, sub_sets, key, non_null)
        raise NotCompilable  # pragma: no cover (every output type is one of the above)

    # -- run time --

    async def execute(self, root_value: Any, context: Any, raw_variables: dict[str, Any] | None,
                      extensions: dict[str, Any] | None = None) -> ExecutionResult:
        text = (None if self.text_variables is None
                else _coerce_text(self.text_variables, raw_variables or {}))
        variables = text if text is not None else get_variable_values(
            self.schema, self.operation.variable_definitions or (), raw_variables or {},
            max_errors=MAX_COERCION_ERRORS)
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


# (name, signature, non-null) of each variable of an operation whose variables are all String or
# ID without a default: the lookup's `$cardNo: String`
TextVariables = tuple[tuple[str, GraphQLVariableSignature, bool], ...]


def _text_variables(schema: GraphQLSchema, operation: OperationDefinitionNode,
                    ) -> TextVariables | None:
    found = []
    for node in operation.variable_definitions or ():
        signature = get_variable_signature(schema, node)
        if isinstance(signature, GraphQLError) or signature.default is not None:
            return None
        non_null = is_non_null_type(signature.type)
        named = signature.type.of_type if non_null else signature.type  # type: ignore[union-attr]
        if named is not GraphQLString and named is not GraphQLID:
            return None
        found.append((signature.name, signature, non_null))
    return tuple(found)


def _coerce_text(variables: TextVariables, raw: dict[str, Any]) -> VariableValues | None:
    """graphql-core's `get_variable_values` for String and ID variables given as strings (or
    null, or left out, where nullable): a string coerces to itself, with the same signatures and
    sources. None for anything else (a number for an ID, a missing non-null variable, a wrong
    type): graphql-core coerces it, its errors included."""
    sources: dict[str, VariableValueSource] = {}
    coerced: dict[str, Any] = {}
    for name, signature, non_null in variables:
        value = raw.get(name, Undefined)
        if value is Undefined:
            if non_null:
                return None
            sources[name] = VariableValueSource(signature)
            continue
        if type(value) is not str and (value is not None or non_null):
            return None
        sources[name] = VariableValueSource(signature, value)
        coerced[name] = value
    return VariableValues(sources, coerced)


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
    except NotCompilable:
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
