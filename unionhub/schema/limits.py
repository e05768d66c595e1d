"""Operation limits checked before anything executes: query cost and root-field count.

Cost: every object or list field costs 1; a list multiplies its selection's cost by its size,
the `first` argument (a literal or a variable) or a default; nested lists multiply. Fragments
(named and inline) count where they are spread, so they cannot hide cost. Strawberry has depth,
alias and token limiters but no cost analysis (STACK-NOTES).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graphql import (
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
from strawberry.extensions import SchemaExtension


@dataclass(frozen=True)
class Limits:
    max_cost: int = 5000
    max_root_fields: int = 10
    max_depth: int = 12
    max_aliases: int = 15
    max_tokens: int = 2000
    # A list without `first`: a connection returns a default page; a plain list (children,
    # menus) is usually short, so a smaller estimate keeps honest nested menus affordable.
    default_page_size: int = 20
    default_list_size: int = 10


def _is_list(graphql_type: Any) -> bool:
    while isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    return isinstance(graphql_type, GraphQLList)


class _CostWalker:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any], limits: Limits) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.default_list_size = limits.default_list_size
        self.default_page_size = limits.default_page_size

    def size(self, node: FieldNode, returns_list: bool, returns_connection: bool) -> int:
        for argument in node.arguments or ():
            if argument.name.value in ("first", "last"):
                value = argument.value
                raw = (self.variables.get(value.name.value) if isinstance(value, VariableNode)
                       else getattr(value, "value", None))
                try:
                    return max(int(raw), 1) if raw is not None else self.default_page_size
                except (TypeError, ValueError):
                    return self.default_page_size
        if node.name.value == "edges":  # sized by its connection's `first`
            return 1
        if returns_connection:
            return self.default_page_size
        return self.default_list_size if returns_list else 1

    def cost(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType,
             seen: frozenset[str] = frozenset()) -> int:
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
                size = self.size(selection, _is_list(field_type),
                                 named.name.endswith("Connection"))
                total += size * (1 + self.cost(selection.selection_set, named, seen))
            elif isinstance(selection, InlineFragmentNode):
                target = (self.schema.get_type(selection.type_condition.name.value)
                          if selection.type_condition else parent)
                total += self.cost(selection.selection_set, target or parent, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value) or parent
                total += self.cost(fragment.selection_set, target, seen | {name})
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


def limit_error(code: str, message: str, **extra: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extra})


class OperationLimits(SchemaExtension):
    """Refuses an operation whose cost or root fields exceed the limits; echoes the cost."""

    limits = Limits()
    _cost: int | None = None

    def on_execute(self):  # type: ignore[override]
        ctx = self.execution_context
        document = ctx.graphql_document
        if document is not None:
            fragments = {d.name.value: d for d in document.definitions
                         if isinstance(d, FragmentDefinitionNode)}
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            operation = next((o for o in operations if ctx.operation_name is None
                              or (o.name and o.name.value == ctx.operation_name)), None)
            if operation is not None:
                if _selects_plumbing(operation.selection_set, fragments) and not getattr(
                        ctx.context, "is_router", False):
                    raise limit_error("FORBIDDEN", "_entities and _service are for the "
                                      "federation router only")
                roots = _root_field_count(operation.selection_set, fragments)
                if roots > self.limits.max_root_fields:
                    raise limit_error("ROOT_FIELDS_LIMIT_EXCEEDED",
                                      f"operation selects {roots} root fields; the limit is "
                                      f"{self.limits.max_root_fields}")
                schema = ctx.schema._schema
                root_type = schema.get_root_type(operation.operation)
                walker = _CostWalker(schema, fragments, ctx.variables or {}, self.limits)
                self._cost = walker.cost(operation.selection_set, root_type)
                if self._cost > self.limits.max_cost:
                    raise limit_error("COST_LIMIT_EXCEEDED",
                                      f"operation cost {self._cost} exceeds the limit "
                                      f"{self.limits.max_cost}", cost=self._cost,
                                      maxCost=self.limits.max_cost)
        yield

    def get_results(self) -> dict[str, Any]:
        return {"cost": self._cost} if self._cost is not None else {}


_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


class StripSuggestions(SchemaExtension):
    """"Did you mean …?" lets a caller rebuild the schema from typos with introspection off
    (STACK-NOTES): production strips them from validation errors."""

    def on_validate(self):  # type: ignore[override]
        yield
        for error in self.execution_context.pre_execution_errors or []:
            error.message = _SUGGESTION.sub("", error.message)


def with_limits(limits: Limits) -> type[OperationLimits]:
    return type("OperationLimits", (OperationLimits,), {"limits": limits})
