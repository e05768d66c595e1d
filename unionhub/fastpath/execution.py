"""`Schema.execute` when the operation pipeline is the schema's only extension.

Strawberry's `execute` serves any set of extensions: per request it instantiates them, builds
an extensions runner, a graphql-core middleware manager and a dict of executor arguments, and
enters every hook through an async context manager. With the pipeline as the one extension
(`unionhub.schema.operation`) none of that has a job: this calls the pipeline's steps and
strawberry's own helpers in strawberry's order, with strawberry's errors, and builds the result
with strawberry's `_handle_execution_result`. It follows strawberry 0.341's `Schema.execute`
step by step (capped at 0.341 in pyproject.toml); tests/test_pipeline_execute.py runs every kind of
outcome through both and compares them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.exceptions import MissingQueryError
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema._graphql_core import execution_context_class_kwargs
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.schema import (
    _coerce_error,
    _parse_operation_document,
    _run_validation,
)
from strawberry.types.execution import ExecutionContext, ExecutionResult, PreExecutionError
from strawberry.types.graphql import OperationType
from strawberry.utils.await_maybe import await_maybe

from unionhub import db_replicas
from unionhub.schema.operation import OperationPipeline


class _Results:
    """What `_handle_execution_result` asks of an extensions runner: the extensions' results."""

    __slots__ = ("_pipeline",)

    def __init__(self, pipeline: OperationPipeline) -> None:
        self._pipeline = pipeline

    async def get_extensions_results(self, ctx: ExecutionContext) -> dict[str, Any]:
        return {**self._pipeline.get_results(), **ctx.extensions_results}


async def execute_with_pipeline(
    schema: Any, pipeline: OperationPipeline, query: str | None,
    allowed_operation_types: Iterable[OperationType], variable_values: dict[str, Any] | None,
    context_value: Any, root_value: Any, operation_name: str | None,
    operation_extensions: dict[str, Any] | None,
) -> ExecutionResult:
    ctx = ExecutionContext(
        query=query, schema=schema, allowed_operations=allowed_operation_types,
        context=context_value, root_value=root_value, variables=variable_values,
        provided_operation_name=operation_name, operation_extensions=operation_extensions)
    pipeline.execution_context = ctx
    results = _Results(pipeline)
    answered: ExecutionResult | None = None
    try:
        await pipeline.begin()  # strawberry's operation hook: around everything below
        try:
            refused = _prepare(ctx, pipeline)
            if refused is not None:  # (strawberry answers these inside the operation hook)
                answered = await schema._handle_execution_result(ctx, refused, results)
            else:
                # A mutation reads its own writes: routed reads stay on the primary in it.
                pinned = (db_replicas.pin_primary() if db_replicas.replica_set() is not None
                          and ctx.operation_type is OperationType.MUTATION else None)
                try:
                    executed = await _execute(schema, ctx, pipeline, operation_extensions)
                finally:
                    db_replicas.unpin(pinned)
        except BaseException as exc:
            await pipeline.end(exc)
            raise
        await pipeline.end(None)
    except (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError):
        raise
    except Exception as exc:
        return await schema._handle_execution_result(
            ctx, PreExecutionError(data=None, errors=[_coerce_error(exc)]), results)
    if answered is not None:
        return answered
    return await schema._handle_execution_result(ctx, executed, results,
                                                 skip_process_errors=True)


def _prepare(ctx: ExecutionContext, pipeline: OperationPipeline) -> PreExecutionError | None:
    """Parse, check the operation type, validate (strawberry's `_prepare_operation_async`)."""
    if not ctx.query and ctx.graphql_document is None:
        raise MissingQueryError
    pipeline.parse()  # the parsing hook: outside strawberry's own parse's error handling
    try:
        _parse_operation_document(ctx)
    except GraphQLError as error:
        ctx.pre_execution_errors = [error]
        return PreExecutionError(data=None, errors=[error])
    except Exception as error:  # strawberry's own catch-all
        wrapped = GraphQLError(str(error), original_error=error)
        ctx.pre_execution_errors = [wrapped]
        return PreExecutionError(data=None, errors=[wrapped])
    try:
        operation_type = ctx.operation_type
    except RuntimeError as error:
        raise CannotGetOperationTypeError(ctx.operation_name) from error
    if operation_type not in ctx.allowed_operations:
        raise InvalidOperationTypeError(operation_type)
    pipeline.validate()
    _run_validation(ctx)
    if ctx.pre_execution_errors:
        return PreExecutionError(data=None, errors=ctx.pre_execution_errors)
    return None


async def _execute(schema: Any, ctx: ExecutionContext, pipeline: OperationPipeline,
                   operation_extensions: dict[str, Any] | None) -> Any:
    """The compiled plan, else graphql-core as strawberry calls it (`_execute_operation`)."""
    await pipeline.execute()  # the executing hook: limits, then the compiled plan if any
    result = ctx.result
    if not result:
        result = await await_maybe(schema._get_execute_function()(
            schema._schema, ctx.graphql_document, root_value=ctx.root_value,
            middleware=schema._get_middleware_manager([pipeline]),
            variable_values=ctx.variables, operation_name=ctx.operation_name,
            context_value=ctx.context, is_awaitable=optimized_is_awaitable,
            **execution_context_class_kwargs(schema.execution_context_class),
            **schema._get_custom_context_kwargs(operation_extensions)))
        ctx.result = result
    if isinstance(result, GraphQLExecutionResult) and result.errors:
        ctx.pre_execution_errors = result.errors
        schema._process_errors(result.errors, ctx)
    return result


class _Step:
    """A pipeline step where strawberry expects an extension hook's context manager."""

    __slots__ = ("_run",)

    def __init__(self, run: Callable[[], None]) -> None:
        self._run = run

    def __enter__(self) -> None:
        self._run()

    def __exit__(self, *exc_info: Any) -> None:
        return None

    async def __aenter__(self) -> None:
        self._run()

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


class _Execution:
    """The executing step: limits, then the compiled plan where there is one."""

    __slots__ = ("_pipeline",)

    def __init__(self, pipeline: OperationPipeline) -> None:
        self._pipeline = pipeline

    async def __aenter__(self) -> None:
        await self._pipeline.execute()

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


class _Operation:
    __slots__ = ("_pipeline",)

    def __init__(self, pipeline: OperationPipeline) -> None:
        self._pipeline = pipeline

    async def __aenter__(self) -> None:
        await self._pipeline.begin()

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        await self._pipeline.end(exc)


class PipelineRunner(SchemaExtensionsRunner):
    """Strawberry's runner builds an ExitStack of generator context managers per hook per
    request; with the pipeline as the only extension its steps are called directly."""

    def __init__(self, execution_context: Any, pipeline: OperationPipeline) -> None:
        super().__init__(execution_context, [pipeline])
        self.pipeline = pipeline

    def operation(self) -> Any:
        return _Operation(self.pipeline)

    def parsing(self) -> Any:
        return _Step(self.pipeline.parse)

    def validation(self) -> Any:
        return _Step(self.pipeline.validate)

    def executing(self) -> Any:
        return _Execution(self.pipeline)
