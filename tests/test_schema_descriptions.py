"""The schema linter (issue 24, point 5): every type, field, argument, input field, enum value
and directive of the public schema (the platform and each subgraph) has a description.

A pytest test rather than graphql-schema-linter or GraphQL Inspector from npm: it reads the
schema the code builds (no SDL file to keep fresh, no Node step in `make test`), its
exemptions are the federation plumbing named below, and it lists every gap at once.
"""

from __future__ import annotations

import enum
import re

import graphql
import pytest
import strawberry

from unionhub.domains import DOMAINS
from unionhub.error_codes import BY_CODE
from unionhub.schema import error_scan
from unionhub.schema.builder import build_schema
from unionhub.schema.mutation_errors import MUTATION_ERRORS

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


def test_the_mutation_error_table_is_the_one_the_code_gives():
    assert error_scan.TABLE.read_text() == error_scan.render(error_scan.mutation_codes()), (
        "a mutation's codes changed: python -m unionhub.schema.error_scan --write")


def test_each_mutation_description_names_the_codes_its_domain_can_return():
    mutation = build_schema()._schema.mutation_type
    assert set(MUTATION_ERRORS) == set(mutation.fields)
    for name, field in mutation.fields.items():
        if field.description is None:
            continue  # a gap the linter reports
        for code in MUTATION_ERRORS[name]:
            assert f" {code}," in field.description or f" {code}." in field.description, (
                name, code)


def test_every_code_a_description_names_exists():
    """An UPPER_SNAKE word in any description is an enum value of the schema, a code some
    mutation can answer, a registered GraphQL error code, or a code raised by a query's rule."""
    schema = build_schema()._schema
    values = {v for t in schema.type_map.values() if isinstance(t, graphql.GraphQLEnumType)
              for v in t.values}
    raised = {c for codes in MUTATION_ERRORS.values() for c in codes}
    known = values | raised | set(BY_CODE) | error_scan.codes_from_queries()
    texts = [t.description or "" for t in schema.type_map.values()]
    for t in schema.type_map.values():
        for f in (getattr(t, "fields", None) or {}).values():
            texts.append(f.description or "")
            texts += [a.description or "" for a in (getattr(f, "args", None) or {}).values()]
    named = {w for text in texts for w in re.findall(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", text)}
    named -= {w for w in named if w.startswith("UNIONHUB_")}  # settings
    assert named - known == set()


def test_the_scan_follows_resolvers_into_the_domain_and_leaves_denials_out():
    table = error_scan.mutation_codes()
    # Raised below the resolver, in unionhub.idempotency, through a domain module's re-export
    # of its function (`check_key = idempotency.check_key`).
    assert {"IDEMPOTENCY_KEY_FORMAT", "IDEMPOTENCY_KEY_REUSED"} <= set(table["placeOrder"])
    assert "IDEMPOTENCY_KEY_FORMAT" in table["submitServiceRequest"]
    # A Conflict with its own code counts; AccessDenied(code="NOT_VERIFIED") alone would not.
    assert "NOT_VERIFIED" in table["claimVoucher"]
    assert not {"FORBIDDEN", "UNAUTHENTICATED"} & {c for cs in table.values() for c in cs}
    # A code a domain function raises through a helper taking `code` positionally.
    assert "FACE_VALUE_NOT_POSITIVE" in table["createVoucherCampaign"]


@strawberry.enum(description="A colour.")
class Colour(enum.Enum):
    RED = "RED"


@strawberry.type(description="The root.")
class Query:
    described: int = strawberry.field(description="Described.")

    @strawberry.field
    def bare(self, size: int) -> Colour:
        return Colour.RED


def test_the_linter_finds_a_field_an_argument_and_an_enum_value_without_a_description():
    assert undescribed(strawberry.Schema(query=Query)._schema) == [
        "Colour.RED", "Query.bare", "Query.bare(size:)"]
