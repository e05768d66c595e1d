"""Schema documentation shared by every domain (issue 24, point 5): the text of conventional
arguments and payload errors, enum value descriptions, and each mutation's error codes,
appended from the table generated from the code (unionhub/schema/error_scan.py)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from unionhub.identity.access import Tier
from unionhub.schema.mutation_errors import MUTATION_ERRORS
from unionhub.schema.relay import AFTER_HELP, BEFORE_HELP, FIRST_HELP, LAST_HELP

PAYLOAD_ERRORS = ("Empty when the mutation succeeded. Otherwise why it changed nothing: "
                  "each error's `code` is one of those the mutation's description lists, "
                  "`field` the input path it concerns.")
MONEY = "fen (分, 1/100 yuan)"
TIME = "UTC instant (ISO 8601 with offset)"

TIER_TEXT = {
    Tier.MEMBER: "Signed-in callers only (UNAUTHENTICATED otherwise).",
    Tier.VERIFIED: "Verified members only (real name verified, active card; otherwise "
                   "FORBIDDEN with reason NOT_VERIFIED).",
    Tier.CADRE: "Cadres (within their union's subtree) and admins only (FORBIDDEN otherwise).",
    Tier.OPERATOR: "Operators and admins only (FORBIDDEN otherwise).",
    Tier.ADMIN: "Admins only (FORBIDDEN otherwise).",
}

# Arguments every list or mutation takes, described once here; the paging ones are relay's
# (the one convention), for a connection whose resolver left them undescribed.
CONVENTIONAL_ARGUMENTS = {
    "input": "The mutation's input; its fields say their rules.",
    "first": FIRST_HELP,
    "after": AFTER_HELP,
    "last": LAST_HELP,
    "before": BEFORE_HELP,
}


def with_tier(description: str | None, tier: Tier) -> str | None:
    """A field's description with who may use it; None stays None (the linter flags it)."""
    if description is None or tier not in TIER_TEXT:
        return description
    return f"{description.rstrip()} {TIER_TEXT[tier]}"


def describe_values(enum: type[Enum], **descriptions: str) -> None:
    """Describe each value of an enum already made a GraphQL enum by `strawberry.enum`."""
    values = {v.name: v for v in enum.__strawberry_definition__.values}  # type: ignore[attr-defined]
    unknown = set(descriptions) - set(values)
    if unknown:
        raise ValueError(f"{enum.__name__} has no values {sorted(unknown)}")
    for name, text in descriptions.items():
        values[name].description = text


def errors_text(mutation: str) -> str:
    codes = MUTATION_ERRORS.get(mutation, ())
    if not codes:
        return "Its payload's `errors` is always empty."
    return "`errors` codes: " + ", ".join(codes) + "."


def document(schema: Any) -> None:
    """Fill conventional argument descriptions and append each mutation's error codes, on the
    built GraphQL schema (what is printed and introspected)."""
    graphql_schema = schema._schema
    for type_ in graphql_schema.type_map.values():
        for field in (getattr(type_, "fields", None) or {}).values():
            paged = str(field.type).rstrip("!").endswith("Connection")
            for name, arg in (getattr(field, "args", None) or {}).items():
                if arg.description or (name != "input" and not paged):
                    continue  # paging text only where the list is a connection
                if name in CONVENTIONAL_ARGUMENTS:
                    arg.description = CONVENTIONAL_ARGUMENTS[name]
    mutation = graphql_schema.mutation_type
    for name, field in (mutation.fields if mutation else {}).items():
        if field.description:
            field.description = f"{field.description.rstrip()}\n\n{errors_text(name)}"
