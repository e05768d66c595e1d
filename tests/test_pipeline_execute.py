"""The schema's own execute (`unionhub.fastpath.execution`) answers as strawberry's general one:
the same data, errors, extensions, exceptions and operation spans, for every kind of outcome."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import strawberry
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from unionhub.schema.builder import build_schema
from unionhub.schema.context import context_for_authorization
from unionhub.schema.limits import Limits
from unionhub.schema.operation import MASKED_MESSAGE


def _general(schema: Any) -> Any:
    """Strawberry's execute on the same schema (its extensions runner: `PipelineRunner`)."""
    async def run(*args: Any, **kwargs: Any) -> Any:
        return await strawberry.federation.Schema.execute(schema, *args, **kwargs)
    return run


async def _outcome(schema: Any, run: Any, spans: Any, query: str | None, **kwargs: Any) -> tuple:
    spans.clear()
    processed: list[list[str]] = []  # what the schema's process_errors hook was given (logging)
    schema.process_errors = lambda errors, ctx=None: processed.append([e.message for e in errors])
    try:
        result = await run(query, context_value=context_for_authorization(None), **kwargs)
    except Exception as exc:  # strawberry raises these for the HTTP layer to answer
        outcome: tuple = ("raised", type(exc), str(exc))
    else:
        extensions = dict(result.extensions or {})
        assert extensions.pop("traceId")  # one per request: present, not compared
        outcome = ("answered", result.data, [e.formatted for e in result.errors or []],
                   extensions)
    finished = [(s.name, {k: v for k, v in (s.attributes or {}).items()}, s.status.status_code)
                for s in spans.get_finished_spans() if s.name != "resolve member"]
    del schema.process_errors
    return outcome, finished, processed


async def both(schema: Any, spans: Any, query: str | None, **kwargs: Any) -> tuple:
    ours = await _outcome(schema, schema.execute, spans, query, **kwargs)
    general = await _outcome(schema, _general(schema), spans, query, **kwargs)
    assert ours == general
    return ours[0]


@pytest.fixture(scope="module")
def schema() -> Any:
    return build_schema(limits=Limits(max_root_fields=2, max_tokens=60))


@pytest.fixture(scope="module")
def production_schema() -> Any:
    return build_schema(production=True)


async def test_a_plain_query(schema, spans):
    outcome = await both(schema, spans, "query Roots { unions { name } }")
    assert outcome[0] == "answered" and outcome[1] == {"unions": []} and not outcome[2]
    assert "cost" in outcome[3]


async def test_a_field_error_and_a_denial(schema, spans):
    outcome = await both(schema, spans, "query Me { me { id } }")
    assert outcome[1] == {"me": None}
    assert outcome[2][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_syntax_error(schema, spans):
    outcome = await both(schema, spans, "query {")
    assert outcome[0] == "answered" and "Syntax Error" in outcome[2][0]["message"]


async def test_over_the_token_limit(schema, spans):
    outcome = await both(schema, spans, "{ " + "__typename " * 80 + "}")
    assert outcome[0] == "answered" and outcome[1] is None and outcome[2]


async def test_a_validation_error(schema, spans):
    outcome = await both(schema, spans, "{ noSuchField }")
    assert outcome[1] is None and "noSuchField" in outcome[2][0]["message"]


async def test_validation_errors_without_suggestions_in_production(production_schema, spans):
    outcome = await both(production_schema, spans, "{ unoins { name } }")
    assert outcome[2] and "Did you mean" not in outcome[2][0]["message"]


async def test_over_the_root_field_limit(schema, spans):
    outcome = await both(schema, spans, "{ a: unions { id } b: unions { id } c: unions { id } }")
    assert outcome[1] is None and outcome[2]


async def test_variables_that_do_not_coerce(schema, spans):
    outcome = await both(schema, spans, "query Q($id: ID!) { member(id: $id) { id } }",
                         variable_values={})
    assert outcome[1] is None and "$id" in outcome[2][0]["message"]


async def test_a_document_left_to_graphql_core(schema, spans):
    outcome = await both(schema, spans, "{ __typename @include(if: true) }")
    assert outcome[1] == {"__typename": "Query"}


async def test_an_unknown_persisted_query(schema, spans):
    outcome = await both(schema, spans, None, operation_extensions={
        "persistedQuery": {"version": 1, "sha256Hash": "0" * 64}})
    assert outcome[0] == "answered" and outcome[2]


async def test_two_operations_and_no_name(schema, spans):
    # Strawberry runs the first (its ExecutionContext.operation_name), where graphql-core alone
    # would refuse: both paths keep strawberry's behaviour.
    outcome = await both(schema, spans, "query A { __typename } query B { unions { id } }")
    assert outcome[1] == {"__typename": "Query"}


@pytest.mark.parametrize(("query", "kwargs", "raised"), [
    (None, {}, MissingQueryError),
    ("query A { __typename }", {"operation_name": "C"}, CannotGetOperationTypeError),
    ("mutation { logout { ok } }", {"allowed_operation_types": {OperationType.QUERY}},
     InvalidOperationTypeError),
])
async def test_what_strawberry_raises_for_the_http_layer(schema, spans, query, kwargs, raised):
    outcome = await both(schema, spans, query, **kwargs)
    assert outcome[0] == "raised" and outcome[1] is raised, outcome


def test_a_schema_with_another_extension_keeps_strawberrys_path():
    from strawberry.extensions import SchemaExtension

    schema = build_schema()
    assert schema._sole_pipeline() is not None
    schema.extensions = [*schema.extensions, SchemaExtension]
    assert schema._sole_pipeline() is None


@pytest.mark.parametrize("path", ["ours", "general"])
async def test_an_exception_outside_the_resolvers_is_logged_then_masked(schema, caplog, path):
    # Variables that are not an object fail inside the executor, not in a resolver: the
    # message (Python's, about a str) must not reach the client; the log keeps it.
    run = schema.execute if path == "ours" else _general(schema)
    with caplog.at_level(logging.ERROR, logger="unionhub.graphql"):
        result = await run("query Q($a: ID!) { union(id: $a) { id } }", variable_values="not an object",
                           context_value=context_for_authorization(None))
    assert [e.message for e in result.errors] == [MASKED_MESSAGE]
    assert result.data is None
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and "str" in str(logged[0].exc_info[1])
