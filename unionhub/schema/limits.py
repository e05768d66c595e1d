"""Operation limits checked before anything executes: query cost and root-field count.

Cost: every object or list field costs 1 (or the weight its declaration gives: the cockpit's
sections); a list multiplies its selection's cost by its size, the `first` argument (a literal
or a variable) or a default; nested lists multiply. An object field's `first` (unionFundsLedger's)
sizes the connections directly under it (its `entries`) instead, since it returns one object.
Fragments (named and inline) count where they are spread, so they cannot hide cost. Strawberry
has depth, alias and token limiters but no cost analysis (docs/library-notes.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)


@dataclass(frozen=True)
class Limits:
    max_cost: int = 5000
    max_root_fields: int = 10
    max_depth: int = 12
    max_aliases: int = 15
    max_tokens: int = 2000
    # Fields selected with every named fragment spread where it is used: what each walk over
    # the operation (depth, aliases, cost, the compiled plan) visits. Fragments that spread
    # others twice over double it at each level within the token limit.
    max_selections: int = 10_000
    # A list without `first`: a connection returns a default page; a plain list (children,
    # menus) is usually short, so a smaller estimate keeps honest nested menus affordable.
    default_page_size: int = 20
    default_list_size: int = 10


def _is_list(graphql_type: Any) -> bool:
    while isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    return isinstance(graphql_type, GraphQLList)


def _weight(field: Any) -> int:
    """An object field costs 1, or what its declaration says (`strawberry.field(metadata=
    {"cost": n})`: a field that runs aggregate queries, such as the cockpit's sections)."""
    definition = (field.extensions or {}).get("strawberry-definition")
    metadata = getattr(definition, "metadata", None) or {}
    return int(metadata.get("cost", 1))


class _CostWalker:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any], limits: Limits) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.default_list_size = limits.default_list_size
        self.default_page_size = limits.default_page_size
        # The variables the cost reads (`first: $n`): fixed by the document, so the cost is
        # cached per operation text and those variables' values.
        self.read_variables: set[str] = set()

    def requested(self, node: FieldNode) -> tuple[bool, int | None]:
        """(whether `first` or `last` is given, the page size it asks for: None if null)."""
        sized = False
        for argument in node.arguments or ():
            if argument.name.value in ("first", "last"):
                value = argument.value
                if isinstance(value, VariableNode):
                    self.read_variables.add(value.name.value)
                raw = (self.variables.get(value.name.value) if isinstance(value, VariableNode)
                       else getattr(value, "value", None))
                sized = True
                if raw is None:
                    continue  # `first: $first, last: $last` with one of them null
                try:
                    return True, max(int(raw), 1)
                except (TypeError, ValueError):
                    return True, self.default_page_size
        return sized, None

    def size(self, node: FieldNode, returns_list: bool, returns_connection: bool,
             inherited: int | None) -> tuple[int, int | None]:
        """(how many times the field's selection counts, the page size its connections take):
        an object's `first` sizes the connections under it (unionFundsLedger(first: 100) pages
        its `entries`, not the ledger), a list's or connection's multiplies its selection."""
        sized, requested = self.requested(node)
        if sized and not (returns_list or returns_connection):
            return 1, requested or self.default_page_size
        if requested is not None:
            return requested, None
        if sized:
            return self.default_page_size, None
        if node.name.value == "edges":  # sized by its connection's `first`
            return 1, None
        if returns_connection:
            return inherited or self.default_page_size, None
        return (self.default_list_size if returns_list else 1), None

    def cost(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType,
             seen: frozenset[str] = frozenset(), inherited: int | None = None) -> int:
        """`inherited`: the page size the parent object's `first` gives its connections."""
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                fields = getattr(parent, "fields", {})
                if name.startswith("__") or name not in fields:
                    continue
                field_type = fields[name].type
                named = get_named_type(field_type)
                if selection.selection_set is None:
                    continue  # scalars and enums are free
                size, passed_down = self.size(selection, _is_list(field_type),
                                              named.name.endswith("Connection"), inherited)
                total += size * (_weight(fields[name])
                                 + self.cost(selection.selection_set, named, seen, passed_down))
            elif isinstance(selection, InlineFragmentNode):
                target = (self.schema.get_type(selection.type_condition.name.value)
                          if selection.type_condition else parent)
                total += self.cost(selection.selection_set, target or parent, seen, inherited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value) or parent
                total += self.cost(fragment.selection_set, target, seen | {name}, inherited)
        return total


def _root_field_count(selection_set: SelectionSetNode,
                      fragments: dict[str, FragmentDefinitionNode]) -> int:
    count = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            count += 0 if selection.name.value == "__typename" else 1
        elif isinstance(selection, InlineFragmentNode):
            count += _root_field_count(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            count += _root_field_count(fragments[selection.name.value].selection_set, fragments)
    return count


_PLUMBING = frozenset({"_entities", "_service"})


def _selects_plumbing(selection_set: SelectionSetNode,
                      fragments: dict[str, FragmentDefinitionNode]) -> bool:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode) and selection.name.value in _PLUMBING:
            return True
        if isinstance(selection, InlineFragmentNode) and _selects_plumbing(
                selection.selection_set, fragments):
            return True
        if (isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments
                and _selects_plumbing(fragments[selection.name.value].selection_set, fragments)):
            return True
    return False


class _FragmentCycle(Exception):
    pass


def spread_selections(document: DocumentNode) -> int | None:
    """The fields the document's operations select with each named fragment spread where it is
    used, counted once per fragment (linear in the text, however often the fragments spread
    each other); None when fragments spread each other in a cycle. Strawberry's depth and
    alias rules and this module's walks follow every spread: 20 fragments each spreading the
    next twice took them seconds, a few more hours, and fragments spreading each other in a
    cycle, reported only by graphql-core's own rule, took them factorial time."""
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    sizes: dict[str, int] = {}
    open_: set[str] = set()

    def count(selection_set: SelectionSetNode | None) -> int:
        total = 0
        for selection in selection_set.selections if selection_set is not None else ():
            if isinstance(selection, FieldNode):
                total += 1 + count(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                total += count(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += spread(selection.name.value)
        return total

    def spread(name: str) -> int:
        if name in sizes:
            return sizes[name]
        fragment = fragments.get(name)
        if fragment is None:
            return 0  # (graphql-core reports the unknown fragment)
        if name in open_:
            raise _FragmentCycle
        open_.add(name)
        sizes[name] = count(fragment.selection_set)
        open_.discard(name)
        return sizes[name]

    try:
        for name in fragments:  # a cycle among unused fragments counts too
            spread(name)
        return sum(count(d.selection_set) for d in document.definitions
                   if isinstance(d, OperationDefinitionNode))
    except _FragmentCycle:
        return None


def limit_error(code: str, message: str, **extra: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extra})


Analysis = tuple[bool, int, int]  # (selects plumbing, root fields, cost)


@dataclass
class ByVariables:
    """An operation whose cost reads variables (`first: $n`): its analyses by their values."""

    names: tuple[str, ...]
    results: dict[tuple[Any, ...], Analysis] = field(default_factory=dict)

    def key(self, variables: dict[str, Any]) -> tuple[Any, ...] | None:
        values = tuple(variables.get(n) for n in self.names)
        try:
            hash(values)
        except TypeError:  # a list where a page size belongs: analysed, not cached
            return None
        return values


VARIABLE_VALUES_KEPT = 64  # per operation text: a client pages with a few sizes

# (operation text, operation name) -> its analysis, kept per schema: the hot path checks its
# limits by lookup (the paged screens too, by the values of their page-size variables).
Analysed = dict[tuple[str, str | None], Analysis | ByVariables]

# Results kept per operation text (parse, validation, cost, span names, compiled plans): apps
# send a few hundred distinct texts; a flood of new ones empties a cache instead of growing it.
OPERATION_CACHE_SIZE = 1024
K = TypeVar("K")
V = TypeVar("V")


# The longest operation text those caches keep. The front-ends' largest is ~1 KB and the token
# limit keeps real ones within a few; a longer text is padding (a comment, whitespace, a long
# literal) within the body limit (1 MB): 1,024 of them kept ~2 GB per worker (the text, and the
# parsed document's copy of a comment). Such a text is parsed and validated each time it comes.
OPERATION_TEXT_KEPT = 32 * 1024


def keeps(query: str) -> bool:
    return len(query) <= OPERATION_TEXT_KEPT


def remember(cache: dict[K, V], key: K, value: V) -> None:
    """Keeps `value` in a per-operation-text cache, which starts over once it is full; a key
    whose text is longer than `OPERATION_TEXT_KEPT` is not kept."""
    text = key[0] if isinstance(key, tuple) else key
    if isinstance(text, str) and not keeps(text):
        return
    if len(cache) >= OPERATION_CACHE_SIZE:
        cache.clear()
    cache[key] = value


def _analyse(ctx: Any, limits: Limits, cache: Analysed) -> Analysis | None:
    document = ctx.graphql_document
    key = (ctx.query, ctx.operation_name)
    hit = cache.get(key) if ctx.query else None
    if isinstance(hit, tuple):
        return hit
    if hit is not None:
        values = hit.key(ctx.variables or {})
        if values is not None and values in hit.results:
            return hit.results[values]
    operation = next((d for d in document.definitions if isinstance(d, OperationDefinitionNode)
                      and (ctx.operation_name is None
                           or (d.name and d.name.value == ctx.operation_name))), None)
    if operation is None:
        return None
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    schema = ctx.schema._schema
    walker = _CostWalker(schema, fragments, ctx.variables or {}, limits)
    analysed = (_selects_plumbing(operation.selection_set, fragments),
                _root_field_count(operation.selection_set, fragments),
                walker.cost(operation.selection_set, schema.get_root_type(operation.operation)))
    if ctx.query and not walker.read_variables:
        remember(cache, key, analysed)
    elif ctx.query:
        names = tuple(sorted(walker.read_variables))
        by = hit if hit is not None and hit.names == names else ByVariables(names)
        values = by.key(ctx.variables or {})
        if values is not None:
            if len(by.results) >= VARIABLE_VALUES_KEPT:
                by.results.clear()
            by.results[values] = analysed
        if by is not hit:
            remember(cache, key, by)
    return analysed


def check_limits(ctx: Any, limits: Limits, cache: Analysed) -> int | None:
    """Refuses an operation whose cost or root fields exceed the limits, or that selects the
    federation plumbing without being the router; returns the cost (echoed in the response)."""
    if ctx.graphql_document is None:
        return None
    analysed = _analyse(ctx, limits, cache)
    if analysed is None:
        return None
    plumbing, roots, cost = analysed
    if plumbing and not getattr(ctx.context, "is_router", False):
        raise limit_error("FORBIDDEN", "_entities and _service are for the federation router only")
    if roots > limits.max_root_fields:
        raise limit_error("ROOT_FIELD_LIMIT",
                          f"operation selects {roots} root fields; the limit is "
                          f"{limits.max_root_fields}")
    if cost > limits.max_cost:
        raise limit_error("COST_LIMIT",
                          f"operation cost {cost} exceeds the limit {limits.max_cost}",
                          cost=cost, maxCost=limits.max_cost)
    return cost


# Strawberry's depth and alias rules report plain errors (strawberry is capped at 0.341, and
# tests/test_error_shape.py checks both codes): their messages tell them apart.
_DEPTH = re.compile(r"^'.*' exceeds maximum operation depth of \d+$")
_ALIASES = re.compile(r"^\d+ aliases found\. Allowed: \d+$")


def classify_validation_errors(errors: list[GraphQLError]) -> None:
    """Gives each validation error its code, once per operation text (the result is cached)."""
    for error in errors:
        if error.extensions and "code" in error.extensions:
            continue
        if _DEPTH.match(error.message):
            coded = {"code": "DEPTH_LIMIT"}
        elif _ALIASES.match(error.message):
            coded = {"code": "ALIAS_LIMIT"}
        else:
            coded = {"code": "GRAPHQL_VALIDATION_FAILED"}
        error.extensions = {**(error.extensions or {}), **coded}


_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


def strip_suggestions(errors: list[GraphQLError]) -> None:
    """"Did you mean …?" lets a caller rebuild the schema from typos with introspection off
    (docs/library-notes.md): production strips them from validation errors."""
    for error in errors:
        error.message = _SUGGESTION.sub("", error.message)
