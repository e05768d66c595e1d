"""The one schema builder: the whole platform (every domain) or a single subgraph.

Each domain module `unionhub.schema.<domain>` exposes `PART`, a SchemaPart with its root-field
mixins, its fields for the shared entities and any types reachable only lazily. The builder
assembles the entities and roots from the active parts; nothing is written twice.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types.execution import ExecutionResult
from strawberry.types.graphql import OperationType

from unionhub.domains import DOMAINS
from unionhub.fastpath import switch
from unionhub.fastpath.execution import PipelineRunner, execute_with_pipeline
from unionhub.fastpath.lean import install_lean_resolvers
from unionhub.schema import entities
from unionhub.schema.docs import document
from unionhub.schema.errors import log_unexpected
from unionhub.schema.limits import Limits
from unionhub.schema.money import FEN_SCALAR, Fen
from unionhub.schema.operation import (
    OperationPipeline,
    mask_unexpected,
    operation_config,
    operation_pipeline,
)

ROOT_DESCRIPTIONS = {
    "Query": "Reads. Each field says who may use it; below that it answers FORBIDDEN or "
             "UNAUTHENTICATED (GraphQL errors). Times are UTC instants, money is in fen (分).",
    "Mutation": "Changes. Expected failures come back in the payload's `errors` (codes listed "
                "per mutation) and change nothing; access denials are GraphQL errors.",
}
ROOT_DESCRIPTIONS = {
    "Query": "Reads. Each field says who may use it; below that it answers FORBIDDEN or "
             "UNAUTHENTICATED (GraphQL errors). Times are UTC instants, money is in fen (分).",
    "Mutation": "Changes. Expected failures come back in the payload's `errors` (codes listed "
                "per mutation) and change nothing; access denials are GraphQL errors.",
}
FEDERATION_VERSION = "2.9"  # the highest both composers accept (docs/library-notes.md)


@dataclass(frozen=True)
class SchemaPart:
    query: type | None = None
    mutation: type | None = None
    member_fields: type | None = None
    union_fields: type | None = None
    types: tuple[type, ...] = ()


class UnionHubSchema(strawberry.federation.Schema):
    async def execute(self, query: str | None, variable_values: dict[str, Any] | None = None,
                      context_value: Any = None, root_value: Any = None,
                      operation_name: str | None = None,
                      allowed_operation_types: Iterable[OperationType] | None = None,
                      operation_extensions: dict[str, Any] | None = None) -> ExecutionResult:
        # Other extensions or directives, or the fast path's `execute` off: strawberry's path.
        pipeline = self._sole_pipeline() if switch.ON.execute else None
        if pipeline is None:
            return await super().execute(query, variable_values, context_value, root_value,
                                         operation_name, allowed_operation_types,
                                         operation_extensions)
        return await execute_with_pipeline(
            self, pipeline(), query, allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES,
            variable_values, context_value, root_value, operation_name, operation_extensions)

    def _sole_pipeline(self) -> type[OperationPipeline] | None:
        extensions = self.extensions
        if (len(extensions) != 1 or self.directives
                or self.config.enable_experimental_incremental_execution):
            return None
        only = extensions[0]
        return only if isinstance(only, type) and issubclass(only, OperationPipeline) else None

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        # Strawberry logs every error with a traceback; denials and user errors are expected.
        log_unexpected(errors)
        # An exception raised outside any resolver (in a pipeline step, the planner, the
        # executor itself) reaches the client only through this list: its message may say
        # anything, so it is masked here, after the log has it, as resolver errors are.
        mask_unexpected(errors)

    def create_extensions_runner(self, execution_context: Any,
                                 extensions: list[Any]) -> SchemaExtensionsRunner:
        if (switch.ON.execute and len(extensions) == 1
                and isinstance(extensions[0], OperationPipeline)):
            return PipelineRunner(execution_context, extensions[0])
        return super().create_extensions_runner(execution_context, extensions)


def _parts(domains: tuple[str, ...]) -> list[SchemaPart]:
    return [importlib.import_module(f"unionhub.schema.{d}").PART for d in domains]


def _entity(name: str, mixins: list[type]) -> type:
    cls = type(name, (*mixins, entities.EntityBase), {"__module__": entities.__name__})
    built = strawberry.federation.type(keys=["id"], name=name,
                                       description=entities.DESCRIPTIONS[name])(cls)
    setattr(entities, name, built)
    return built


def _root(name: str, mixins: list[type]) -> type | None:
    if not mixins:
        return None
    return strawberry.type(type(name, tuple(mixins), {}), name=name,
                           description=ROOT_DESCRIPTIONS[name])


def _extensions(limits: Limits, production: bool, manifest: dict[str, str],
                safelist_only: bool) -> list[Any]:
    # One extension for all of it: strawberry's per-request cost grows with the number of
    # extensions (a context manager per extension per hook), not with their work.
    return [operation_pipeline(operation_config(limits, production, manifest, safelist_only))]


def build_schema(subgraph: str | None = None, limits: Limits | None = None,
                 production: bool = False, manifest: dict[str, str] | None = None,
                 safelist_only: bool = False) -> UnionHubSchema:
    if subgraph is not None and subgraph not in DOMAINS:
        raise ValueError(f"unknown subgraph {subgraph!r}; choose from {', '.join(DOMAINS)}")
    parts = _parts(DOMAINS if subgraph is None else (subgraph,))
    member = _entity("Member", [p.member_fields for p in parts if p.member_fields])
    union = _entity("Union", [p.union_fields for p in parts if p.union_fields])
    # Each entity class names its schema's entity classes (`entities.union_ref`): a process may
    # hold several schemas, each with classes of its own.
    member.peers = union.peers = {"Member": member, "Union": union}  # type: ignore[attr-defined]
    query = _root("Query", [p.query for p in parts if p.query])
    mutation = _root("Mutation", [p.mutation for p in parts if p.mutation])
    extra = [t for p in parts for t in p.types]
    schema = UnionHubSchema(
        query=query,
        mutation=mutation,
        types=[member, union, *extra],
        federation_version=FEDERATION_VERSION,
        config=StrawberryConfig(scalar_map={Fen: FEN_SCALAR}),
        extensions=_extensions(limits or Limits(), production, manifest or {}, safelist_only),
    )
    if switch.ON.resolvers:  # else strawberry's own resolver wrappers
        install_lean_resolvers(schema)
    document(schema)
    return schema
