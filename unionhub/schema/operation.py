"""Everything the schema does around an operation, in one strawberry extension.

Persisted operations, the operation span, the token limit, the parse and validation caches,
the depth/alias (and, in production, introspection) rules, cost and root-field limits, error
masking and stripped suggestions used to be eight extensions. Strawberry builds a context
manager per extension per hook per request, so on the hot lookup their plumbing cost more
than their work (issue 8's profile: 13% of the CPU in extension hooks). One extension runs the
same checks in the same order with one set of hooks. The parse, validation and (variable-free)
cost results are cached by operation text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from time import perf_counter
from typing import Any, ClassVar

from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSyntaxError,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    parse,
    specified_rules,
)
from opentelemetry.trace import Span, Status, StatusCode
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.schema import validate_document
from strawberry.types.execution import ExecutionResult as StrawberryExecutionResult

from unionhub.fastpath import switch
from unionhub.fastpath.compiled import CompiledOperation, compile_operation
from unionhub.i18n import N_
from unionhub.observability.context import current_trace_id
from unionhub.observability.current_span import CurrentSpan
from unionhub.observability.http_span import claim_operation_span
from unionhub.observability.slow_operations import OPERATION_ATTRIBUTE
from unionhub.observability.span_failure import mark_failed
from unionhub.observability.tracing import active_span, slow_operation_recorder
from unionhub.outages import outage_error
from unionhub.schema.disclosure import conceal_coercion, conceal_validation
from unionhub.schema.errors import is_expected
from unionhub.schema.limits import (
    OPERATION_CACHE_SIZE,
    Analysed,
    Limits,
    check_limits,
    classify_validation_errors,
    keeps,
    limit_error,
    remember,
    spread_selections,
    strip_suggestions,
)
from unionhub.schema.operation_metrics import OperationNames, record_operation
from unionhub.schema.persisted import register, resolve_persisted

_OPERATION_ATTRIBUTES = {OPERATION_ATTRIBUTE: True}
MASKED_MESSAGE = N_("Internal server error")
# Raised on to the HTTP view, which answers them (400): the client's fault, not the server's.
_ANSWERED_BY_HTTP = (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError)


@dataclass(frozen=True)
class OperationConfig:
    limits: Limits
    manifest: dict[str, str]
    safelist_only: bool
    production: bool
    rules: tuple[type[ASTValidationRule], ...]
    # Validation results by operation text, per schema (each schema builds its own config).
    validated: dict[str, list[GraphQLError]] = field(default_factory=dict, compare=False)
    analysed: Analysed = field(default_factory=dict, compare=False)
    span_naming: dict[tuple[str, str | None], tuple[str, dict[str, Any]]] = field(
        default_factory=dict, compare=False)
    # Compiled operations by (operation text, operation name); None: graphql-core runs it.
    compiled: dict[tuple[str, str | None], CompiledOperation | None] = field(
        default_factory=dict, compare=False)
    # Operation names as metric labels (bounded: schema/operation_metrics.py).
    names: OperationNames = field(default_factory=lambda: OperationNames({}), compare=False)


def operation_config(limits: Limits, production: bool, manifest: dict[str, str],
                     safelist_only: bool) -> OperationConfig:
    extra = [*QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
             *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules]
    if production:
        extra.append(NoSchemaIntrospectionCustomRule)
    return OperationConfig(limits=limits, manifest=manifest, safelist_only=safelist_only,
                           production=production, rules=(*specified_rules, *extra),
                           names=OperationNames(manifest))


def _parse(query: str, max_tokens: int) -> DocumentNode:
    """The parsed document, cached for texts `limits.keeps`."""
    return _parse_kept(query, max_tokens) if keeps(query) else _parse_text(query, max_tokens)


def _parse_text(query: str, max_tokens: int) -> DocumentNode:
    # A document over the token limit raises, and lru_cache keeps no exceptions.
    try:
        return parse(query, max_tokens=max_tokens)
    except GraphQLSyntaxError as error:
        # graphql-core's token limit is a syntax error too ("Document contains more than N
        # tokens"): the code tells them apart.
        over = "Document contains more than" in error.message
        error.extensions = {"code": "TOKEN_LIMIT" if over else "GRAPHQL_PARSE_FAILED"}
        raise


_parse_kept = lru_cache(maxsize=OPERATION_CACHE_SIZE)(_parse_text)


def _validate_spread(schema: Any, document: DocumentNode,
                     config: OperationConfig) -> list[GraphQLError]:
    """Validation, once the fragments are known not to multiply the walks of the depth and
    alias rules (and the cost's) beyond `max_selections`: a cycle of fragments is left to
    graphql-core's own rules, which report it (NoFragmentCycles) without following spreads."""
    selections = spread_selections(document)
    if selections is None:
        return validate_document(schema, document, specified_rules)
    limit = config.limits.max_selections
    if selections > limit:
        return [limit_error("SELECTION_LIMIT",
                            f"the query selects {selections} fields with its fragments spread "
                            f"where they are used; the limit is {limit}")]
    return validate_document(schema, document, config.rules)


def _validate(schema: Any, query: str, document: DocumentNode,
              config: OperationConfig) -> list[GraphQLError]:
    errors = config.validated.get(query)
    if errors is None:
        errors = _validate_spread(schema, document, config)
        classify_validation_errors(errors)
        if config.production:
            errors = conceal_validation(errors)
        remember(config.validated, query, errors)
    return errors


_INTERNAL = {"code": "INTERNAL_SERVER_ERROR"}
_BAD_USER_INPUT = {"code": "BAD_USER_INPUT"}


def _mask(error: GraphQLError) -> GraphQLError:
    if is_expected(error):
        return error
    outage = outage_error(error)  # SERVICE_UNAVAILABLE, retryable: no internals either
    if outage is not None:
        return outage
    return GraphQLError(message=MASKED_MESSAGE, nodes=error.nodes, source=error.source,
                        positions=error.positions, path=error.path, original_error=None,
                        extensions=_INTERNAL)


def mask_unexpected(errors: list[GraphQLError]) -> None:
    """Masks the unexpected errors in place (the list is the one the response is built from),
    and gives a code to graphql-core's own errors that have none: what is left without one
    after parsing and validation (both coded, `_parse`, `_validate`) are values that do not
    coerce to their type (variables, arguments), BAD_USER_INPUT. A list with nothing to change
    is left untouched: cached validation errors are shared by requests."""
    for i, error in enumerate(errors):
        if not is_expected(error):
            errors[i] = _mask(error)
        elif not error.extensions or "code" not in error.extensions:
            error.extensions = {**(error.extensions or {}), **_BAD_USER_INPUT}


def _finish_errors(result: Any, production: bool) -> None:
    """The result's errors as the client sees them: unexpected ones masked, and in production
    no "Did you mean" (validation errors lose it once, when cached; coercion errors of
    variables and arguments are made per request)."""
    if isinstance(result, ExecutionResult | StrawberryExecutionResult) and result.errors:
        mask_unexpected(result.errors)
        if production:
            strip_suggestions(result.errors)
            conceal_coercion(result.errors)


_SERVER_FAILURES = frozenset(("INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"))


def _server_failure(errors: list[GraphQLError]) -> str | None:
    """The code of the first error that is the server's failure, not the caller's: the
    response is a 200, so nothing else marks the operation span (the code only: a message
    may hold anything)."""
    for error in errors:
        code = (error.extensions or {}).get("code")
        if code in _SERVER_FAILURES:
            return str(code)
    return None


# String literals (block strings first) and numbers that are not part of a name: what a
# client may inline instead of sending variables, an ID or card number among them.
_LITERALS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"'
                       r"|(?<![_0-9A-Za-z])-?[0-9][0-9.eE+-]*")


def document_fingerprint(query: str) -> str:
    """The operation's shape, for grouping spans: a hash of the text with its literal values
    replaced. A hash of the raw text would let anyone reading traces test guesses of an
    inlined ID number (a structured 18-digit value) against it."""
    shape = _LITERALS.sub(lambda m: '""' if m.group(0).startswith('"') else "0", query)
    return hashlib.sha256(shape.encode()).hexdigest()[:16]


def _operation(document: DocumentNode | None, name: str | None) -> tuple[str, str | None]:
    if document is not None:
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                if name is None or (definition.name and definition.name.value == name):
                    return (definition.operation.value,
                            definition.name.value if definition.name else name)
    return "query", name


class OperationPipeline(SchemaExtension):
    """The steps are plain methods (`begin`/`end`, `parse`, `validate`, `check_limits`) so that
    the fast path (`fastpath.execution`) can call them directly; the `on_*` hooks wrap them for strawberry's own
    runner (any schema that adds a second extension)."""

    config: ClassVar[OperationConfig]
    _trace_id: str | None = None
    _cost: int | None = None
    _span: CurrentSpan | None = None
    _adopted: Span | None = None
    _started = 0.0
    _register: str | None = None  # an APQ text's hash, stored once the operation validated
    _within_limits = False

    async def begin(self) -> None:
        self._started = perf_counter()
        ctx = self.execution_context
        config = self.config
        # Over HTTP the request's server span is the operation span (one span fewer); run
        # without one (tests, scripts), the operation opens its own.
        adopted = claim_operation_span()
        scope = None if adopted is not None else active_span(
            "graphql.operation", attributes=_OPERATION_ATTRIBUTES)
        if scope is not None:
            scope.__enter__()
        self._span, self._adopted = scope, adopted
        self._trace_id = current_trace_id()
        try:
            self._register = await resolve_persisted(ctx, config.manifest, config.safelist_only)
        except BaseException as exc:
            self._span = self._adopted = None
            if scope is not None:
                scope.__exit__(type(exc), exc, exc.__traceback__)
            raise
        ctx.parse_options["max_tokens"] = config.limits.max_tokens
        ctx.validation_rules = config.rules

    async def end(self, exc: BaseException | None) -> None:
        if self._register is not None:
            digest, self._register = self._register, None
            if exc is None and self._within_limits:  # parsed, validated, within the limits
                await register(self.execution_context, digest)
        scope, self._span = self._span, None
        adopted, self._adopted = self._adopted, None
        if scope is None and adopted is None:
            return
        ctx = self.execution_context
        if exc is not None:  # the result was never built: the span records the exception
            self._record_metrics(ctx, None, exc)
            if scope is not None:
                scope.__exit__(type(exc), exc, exc.__traceback__)
            elif (isinstance(exc, Exception) and not isinstance(exc, _ANSWERED_BY_HTTP)
                    and adopted.is_recording()):
                # The request's server span: the error is answered in the GraphQL response
                # (a 200), so the HTTP layer would not mark it. The type only: a message may
                # hold anything.
                mark_failed(adopted, exc, record=False)
            return
        _finish_errors(ctx.result, self.config.production)
        span = adopted if adopted is not None else scope.span
        result = ctx.result
        name, attributes = self._record_metrics(ctx, result, None)
        if span.is_recording():
            span.update_name(name)
            if result is not None and getattr(result, "errors", None):
                attributes = {**attributes, "graphql.errors": len(result.errors)}
                failure = _server_failure(result.errors)
                if failure is not None:  # kept by the tail export, `failed` in the slow list
                    span.set_status(Status(StatusCode.ERROR, failure))
            span.set_attributes(attributes)
        if scope is None:
            return  # the server span ends with the response; the HTTP layer flushes slow records
        scope.__exit__(None, None, None)
        recorder = slow_operation_recorder()
        if recorder.pending:
            await recorder.flush()

    def _record_metrics(self, ctx: Any, result: Any, exc: BaseException | None,
                        ) -> tuple[str, dict[str, Any]]:
        naming = self._span_naming(ctx)
        attributes = naming[1]
        errors = getattr(result, "errors", None) if exc is None else [GraphQLError(
            MASKED_MESSAGE, extensions={"code": "BAD_REQUEST" if isinstance(
                exc, _ANSWERED_BY_HTTP) else "INTERNAL_SERVER_ERROR"})]
        record_operation(self.config.names, attributes["graphql.operation.type"],
                         attributes["graphql.operation.name"], perf_counter() - self._started,
                         errors, MASKED_MESSAGE)
        return naming

    def _span_naming(self, ctx: Any) -> tuple[str, dict[str, Any]]:
        """The operation span's name and attributes, computed once per operation text."""
        key = (ctx.query, ctx.operation_name)
        naming = self.config.span_naming.get(key)
        if naming is None:
            op_type, name = _operation(ctx.graphql_document, ctx.operation_name)
            name = name or "anonymous"
            attributes: dict[str, Any] = {"graphql.operation.type": op_type,
                                          "graphql.operation.name": name}
            if ctx.query:
                attributes["graphql.document.fingerprint"] = document_fingerprint(ctx.query)
            naming = (f"{op_type} {name}", attributes)
            if ctx.query and ctx.graphql_document is not None:
                remember(self.config.span_naming, key, naming)
        return naming

    def parse(self) -> None:
        ctx = self.execution_context
        if ctx.graphql_document is None and ctx.query:
            ctx.graphql_document = _parse(ctx.query, self.config.limits.max_tokens)

    def validate(self) -> None:
        ctx = self.execution_context
        if ctx.graphql_document is not None and ctx.query:
            ctx.pre_execution_errors = _validate(ctx.schema._schema, ctx.query,
                                                 ctx.graphql_document, self.config)

    def check_limits(self) -> None:
        self._cost = check_limits(self.execution_context, self.config.limits,
                                  self.config.analysed)
        self._within_limits = True

    async def execute(self) -> None:
        """Runs a validated operation on its compiled plan (`fastpath.compiled`) and hands the
        result to strawberry, which then skips graphql-core's executor; an operation that does
        not compile is left to graphql-core."""
        self.check_limits()
        ctx = self.execution_context
        if (ctx.result is not None or ctx.graphql_document is None or not ctx.query
                or not switch.ON.compiled):
            return
        name = ctx.operation_name
        key = (ctx.query, name)
        compiled = self.config.compiled.get(key, False)
        if compiled is False:
            compiled = compile_operation(ctx.schema._schema, ctx.graphql_document, name)
            remember(self.config.compiled, key, compiled)
        if compiled is not None:
            ctx.result = await compiled.execute(ctx.root_value, ctx.context, ctx.variables,
                                                ctx.operation_extensions)

    async def on_operation(self) -> AsyncIterator[None]:
        await self.begin()
        try:
            yield
        except BaseException as exc:
            await self.end(exc)
            raise
        await self.end(None)

    def on_parse(self) -> Iterator[None]:
        self.parse()
        yield

    def on_validate(self) -> Iterator[None]:
        self.validate()
        yield

    def on_execute(self) -> Iterator[None]:
        self.check_limits()
        yield

    def get_results(self) -> dict[str, Any]:
        results: dict[str, Any] = {"traceId": self._trace_id or current_trace_id()}
        if self._cost is not None:
            results["cost"] = self._cost
        return results


def operation_pipeline(config: OperationConfig) -> type[OperationPipeline]:
    return type("OperationPipeline", (OperationPipeline,), {"config": config})

