"""The one schema builder: the whole platform (every domain) or a single subgraph.

Each domain module `unionhub.schema.<domain>` exposes `PART`, a SchemaPart with its root-field
mixins, its fields for the shared entities and any types reachable only lazily. The builder
assembles the entities and roots from the active parts; nothing is written twice.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from unionhub.domains import DOMAINS
from unionhub.observability.graphql_extension import OperationTracing
from unionhub.schema import entities
from unionhub.schema.errors import is_expected, log_unexpected
from unionhub.schema.limits import Limits, StripSuggestions, with_limits
from unionhub.schema.persisted import persisted_operations

FEDERATION_VERSION = "2.9"  # the highest both composers accept (STACK-NOTES)


@dataclass(frozen=True)
class SchemaPart:
    query: type | None = None
    mutation: type | None = None
    member_fields: type | None = None
    union_fields: type | None = None
    types: tuple[type, ...] = ()


class UnionHubSchema(strawberry.federation.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        # Strawberry logs every error with a traceback; denials and user errors are expected.
        log_unexpected(errors)


def _parts(domains: tuple[str, ...]) -> list[SchemaPart]:
    return [importlib.import_module(f"unionhub.schema.{d}").PART for d in domains]


def _entity(name: str, mixins: list[type]) -> type:
    cls = type(name, (*mixins, entities.EntityBase), {"__module__": entities.__name__})
    built = strawberry.federation.type(keys=["id"], name=name)(cls)
    setattr(entities, name, built)
    return built


def _root(name: str, mixins: list[type]) -> type | None:
    if not mixins:
        return None
    return strawberry.type(type(name, tuple(mixins), {}), name=name)


def _extensions(limits: Limits, production: bool, manifest: dict[str, str],
                safelist_only: bool) -> list[Any]:
    # The depth and alias rules are built once: the validation cache keys on the rule objects,
    # so a factory that built new rules per request would never hit (every request validated).
    rules = [*QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
             *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules]
    extensions: list[Any] = [
        OperationTracing,
        persisted_operations(manifest, safelist_only),
        lambda: ParserCache(maxsize=1024),
        lambda: ValidationCache(maxsize=1024),
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: AddValidationRules(rules),
        with_limits(limits),
        lambda: MaskErrors(should_mask_error=lambda e: not is_expected(e),
                           error_message="Internal server error"),
    ]
    if production:
        extensions += [DisableIntrospection, StripSuggestions]
    return extensions


def build_schema(subgraph: str | None = None, limits: Limits | None = None,
                 production: bool = False, manifest: dict[str, str] | None = None,
                 safelist_only: bool = False) -> UnionHubSchema:
    if subgraph is not None and subgraph not in DOMAINS:
        raise ValueError(f"unknown subgraph {subgraph!r}; choose from {', '.join(DOMAINS)}")
    parts = _parts(DOMAINS if subgraph is None else (subgraph,))
    member = _entity("Member", [p.member_fields for p in parts if p.member_fields])
    union = _entity("Union", [p.union_fields for p in parts if p.union_fields])
    query = _root("Query", [p.query for p in parts if p.query])
    mutation = _root("Mutation", [p.mutation for p in parts if p.mutation])
    extra = [t for p in parts for t in p.types]
    return UnionHubSchema(
        query=query,
        mutation=mutation,
        types=[member, union, *extra],
        federation_version=FEDERATION_VERSION,
        extensions=_extensions(limits or Limits(), production, manifest or {}, safelist_only),
    )
