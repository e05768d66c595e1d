"""Less disclosure with introspection off (production): errors that would describe the schema.

Stripping "Did you mean …?" was not enough: a schema-recovery tool (clairvoyance) still
rebuilt 15% of the fields from messages like "Field 'me' of type 'Member' must have a
selection of subfields" and from which of its guesses an error pointed at (issue 24). In
production every validation error that could describe the schema becomes one generic error
without locations, and a variable that does not coerce (whose message names input types and
fields) a generic one; codes stay. Depth, alias and selection limits name no type and are kept as they
are. Persisted-operations-only mode (deploy/OPERATORS.md) discloses nothing at all.
"""

from __future__ import annotations

from graphql import GraphQLError

from unionhub.i18n import N_

CONCEALED_VALIDATION = N_("The query does not match the schema of this API.")
CONCEALED_VARIABLE = N_("A variable's value does not match its type.")
_VALIDATION = {"code": "GRAPHQL_VALIDATION_FAILED"}
_SCHEMA_FREE = frozenset(("DEPTH_LIMIT", "ALIAS_LIMIT", "SELECTION_LIMIT"))


def conceal_validation(errors: list[GraphQLError]) -> list[GraphQLError]:
    """One generic error instead of every schema-describing one (once per cached text)."""
    kept = [e for e in errors if (e.extensions or {}).get("code") in _SCHEMA_FREE]
    if len(kept) == len(errors):
        return errors
    return [GraphQLError(CONCEALED_VALIDATION, extensions=_VALIDATION), *kept]


def conceal_coercion(errors: list[GraphQLError]) -> None:
    """Variables that do not coerce (request errors graphql-core words with input type and
    field names) get a generic message, in place."""
    for error in errors:
        # (a rule's own BAD_USER_INPUT comes from a resolver, so it has a path)
        if error.path is None and (error.extensions or {}).get("code") == "BAD_USER_INPUT":
            error.message = CONCEALED_VARIABLE
