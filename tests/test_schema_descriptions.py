"""The schema linter (issue 24, point 5): every type, field, argument, input field, enum value
and directive of the public schema (the platform and each subgraph) has a description.

A pytest test rather than graphql-schema-linter or GraphQL Inspector from npm: it reads the
schema the code builds (no SDL file to keep fresh, no Node step in `make test`), its
exemptions are the federation plumbing named below, and it lists every gap at once.
"""

from __future__ import annotations

import graphql
import pytest
import strawberry

from unionhub.domains import DOMAINS
from unionhub.schema.builder import build_schema

# Federation plumbing: the router's, described by the federation spec, not by us.
EXEMPT_TYPES = {"_Any", "_Entity", "_Service", "_FieldSet", "link__Import", "link__Purpose",
                "FieldSet", "federation__Scope", "federation__Policy"}
EXEMPT_FIELDS = {"Query._entities", "Query._service"}
EXEMPT_DIRECTIVES = {d.name for d in graphql.specified_directives} | {
    "key", "link", "shareable", "authenticated", "requiresScopes", "external", "requires",
    "provides", "extends", "inaccessible", "override", "tag", "composeDirective",
    "interfaceObject", "policy", "cost", "listSize", "oneOf"}


def undescribed(schema: graphql.GraphQLSchema) -> list[str]:
    """Schema coordinates (`Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`,
    `@directive`) that have no description."""
    missing: list[str] = []

    def need(coordinate: str, thing: object) -> None:
        if not (getattr(thing, "description", None) or "").strip():
            missing.append(coordinate)

    for name, type_ in sorted(schema.type_map.items()):
        if name.startswith("__") or name in EXEMPT_TYPES:
            continue
        need(name, type_)
        if isinstance(type_, graphql.GraphQLEnumType):
            for value_name, value in type_.values.items():
                need(f"{name}.{value_name}", value)
        fields = getattr(type_, "fields", None) or {}
        for field_name, field in fields.items():
            if f"{name}.{field_name}" in EXEMPT_FIELDS:
                continue
            need(f"{name}.{field_name}", field)
            for arg_name, arg in (getattr(field, "args", None) or {}).items():
                need(f"{name}.{field_name}({arg_name}:)", arg)
    for directive in schema.directives:
        if directive.name not in EXEMPT_DIRECTIVES:
            need(f"@{directive.name}", directive)
            for arg_name, arg in directive.args.items():
                need(f"@{directive.name}({arg_name}:)", arg)
    return missing


@pytest.mark.parametrize("subgraph", [None, *DOMAINS], ids=["platform", *DOMAINS])
def test_every_schema_element_has_a_description(subgraph):
    missing = undescribed(build_schema(subgraph)._schema)
    assert not missing, (f"{len(missing)} schema elements have no description (write one: "
                         "rules, formats, limits, units, time zone, who may see it):\n  "
                         + "\n  ".join(missing))


def test_the_linter_finds_a_field_an_argument_and_an_enum_value_without_a_description():
    @strawberry.enum(description="A colour.")
    class Colour:
        RED = "RED"

    @strawberry.type(description="The root.")
    class Query:
        described: int = strawberry.field(description="Described.")

        @strawberry.field
        def bare(self, size: int) -> Colour:
            return Colour.RED

    assert undescribed(strawberry.Schema(query=Query)._schema) == [
        "Colour.RED", "Query.bare", "Query.bare(size:)"]
