"""Every `extensions.code` the API answers with: one registry, the source of the table in
docs/errors.md (`python -m unionhub.error_codes` prints it; tests/test_error_shape.py fails
when the doc or the code drifts from it).

`status` is the HTTP status of a request that fails as a whole with this code (no `data`
key) when the client accepts `application/graphql-response+json`; under `application/json`
such a request answers 200, as it always has, unless the HTTP edge refused it before any
GraphQL ran (`edge`: the status is the same under both). An error beside data (a field that
failed) is always 200. A mutation's expected failures are not here: they come back in its
payload's `errors: [UserError!]!` with their own codes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    meaning: str
    edge: bool = False  # refused before GraphQL (same status under both media types)


CODES: tuple[ErrorCode, ...] = (
    ErrorCode("BAD_REQUEST", 400, "the HTTP request is not a GraphQL request this server takes: "
              "malformed JSON, a batch (an array), fields of the wrong type, no query, an "
              "unknown operation name, an unsupported content type", edge=True),
    ErrorCode("METHOD_NOT_ALLOWED", 405, "a mutation sent over GET (send it as a POST), any "
              "operation over GET in production, or a method other than GET and POST",
              edge=True),
    ErrorCode("CSRF_PREVENTED", 400, "a GET query or a POST with a simple content type "
              "without a preflight header: send Content-Type: application/json or an "
              "X-UnionHub-Request header", edge=True),
    ErrorCode("PAYLOAD_TOO_LARGE", 413, "the request body is over UNIONHUB_MAX_BODY_BYTES",
              edge=True),
    ErrorCode("GRAPHQL_PARSE_FAILED", 400, "the query is not GraphQL syntax"),
    ErrorCode("GRAPHQL_VALIDATION_FAILED", 400, "the query does not validate against the "
              "schema (unknown field, missing selection, wrong argument, introspection in "
              "production)"),
    ErrorCode("BAD_USER_INPUT", 400, "a variable or argument value does not fit its type, or a "
              "rule refused a value (then beside data, with `reason` and `field`)"),
    ErrorCode("TOKEN_LIMIT", 400, "the query has more tokens than UNIONHUB_MAX_QUERY_TOKENS"),
    ErrorCode("DEPTH_LIMIT", 400, "the query nests deeper than UNIONHUB_MAX_QUERY_DEPTH"),
    ErrorCode("ALIAS_LIMIT", 400, "the query has more aliases than UNIONHUB_MAX_QUERY_ALIASES"),
    ErrorCode("SELECTION_LIMIT", 400, "the query selects more than "
              "UNIONHUB_MAX_QUERY_SELECTIONS (10,000) fields once each named fragment is "
              "spread where it is used (fragments spreading others more than once multiply)"),
    ErrorCode("ROOT_FIELD_LIMIT", 400, "the operation selects more root fields than "
              "UNIONHUB_MAX_ROOT_FIELDS (fragments count where spread)"),
    ErrorCode("COST_LIMIT", 400, "the operation's estimated cost is over "
              "UNIONHUB_MAX_QUERY_COST (`extensions.cost` and `maxCost` say by how much)"),
    ErrorCode("PERSISTED_QUERY_NOT_FOUND", 400, "the hash is not known: send the query text "
              "with it (automatic persisted queries)"),
    ErrorCode("PERSISTED_QUERY_REQUIRED", 400, "the server runs registered operations only "
              "(UNIONHUB_PERSISTED_OPERATIONS_ONLY)"),
    ErrorCode("PERSISTED_QUERY_INVALID", 400, "`extensions.persistedQuery` needs version 1 and "
              "a sha256Hash"),
    ErrorCode("PERSISTED_QUERY_HASH_MISMATCH", 400, "the query text does not match its hash"),
    ErrorCode("UNAUTHENTICATED", 401, "sign in first, or the access token is invalid or "
              "expired (`reason`: TOKEN_INVALID, TOKEN_EXPIRED)"),
    ErrorCode("FORBIDDEN", 403, "signed in, but this needs a higher tier or another scope; "
              "also `_entities`/`_service` without the router secret"),
    ErrorCode("NOT_FOUND", 404, "no such record, or not one the caller may see"),
    ErrorCode("RATE_LIMITED", 429, "too many attempts: `retryAfterSeconds` says when to try "
              "again"),
    ErrorCode("PERSONAL_DATA_UNREADABLE", 500, "a record's stored personal data failed its "
              "integrity check (moved from another record, or altered) and is not shown; "
              "retrying does not help, operators are alerted (the record's other fields answer)"),
    ErrorCode("SERVICE_UNAVAILABLE", 503, "a dependency (database, Redis) failed: retry later"),
    ErrorCode("INTERNAL_SERVER_ERROR", 500, "an unexpected error (logged with the trace id; "
              "the message says nothing more)"),
)

BY_CODE: dict[str, ErrorCode] = {c.code: c for c in CODES}


def request_status(code: str | None) -> int:
    """The status of a whole-request failure with `code` under graphql-response+json."""
    known = BY_CODE.get(code or "")
    return known.status if known is not None else 400


def markdown_table() -> str:
    rows = ["| code | HTTP status (graphql-response+json) | meaning |", "|---|---|---|"]
    for c in CODES:
        status = f"{c.status} (any media type)" if c.edge else str(c.status)
        rows.append(f"| `{c.code}` | {status} | {c.meaning} |")
    return "\n".join(rows) + "\n"


DOC = "docs/errors.md"
BEGIN, END = "<!-- codes: generated by `python -m unionhub.error_codes --write` -->", "<!-- end -->"


def with_table(doc: str) -> str:
    """`doc` with the text between its markers replaced by the current table."""
    from unionhub import generated_docs

    return generated_docs.with_table(doc, BEGIN, END, markdown_table())


if __name__ == "__main__":
    from unionhub import generated_docs

    generated_docs.main(DOC, with_table, markdown_table)
