"""The ASGI application: GraphQL on Starlette, health and readiness, tracing middleware."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from unionhub import cache, console, db, graphiql, jobs
from unionhub.domains import DOMAINS, check_domains_startup, close_domains, optional_domain_modules
from unionhub.edge import edge
from unionhub.fastpath import switch as fast_path
from unionhub.graphql_route import INTERNAL_ERROR, GraphQLRoute
from unionhub.observability.http_span import HttpServerSpan
from unionhub.observability.metrics_setup import MetricsAccess, metrics_endpoint, setup_metrics
from unionhub.observability.tracing import setup_tracing
from unionhub.readiness import readiness_checks
from unionhub.refusals import send_refusal
from unionhub.schema.builder import build_schema
from unionhub.schema.http_view import UnionHubGraphQL
from unionhub.schema.limits import Limits
from unionhub.schema.persisted import load_manifest
from unionhub.settings import Settings, get_settings

GC_THRESHOLDS = (20_000, 10, 10)  # the collector's generation thresholds while serving


class _Refusal(Response):
    """A refusal as a GraphQL response, for Starlette's exception handlers."""

    def __init__(self, status: int, code: str, message: str,
                 headers: list[tuple[bytes, bytes]] | None = None) -> None:
        self.code, self.message, self.extra = code, message, headers or []
        self.status_code = status
        self.background = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send_refusal(send, scope, self.status_code, self.code, self.message, self.extra)


async def server_error(_: Request, __: Exception) -> Response:
    # Starlette's ServerErrorMiddleware answers with this, then raises on to the server.
    return _Refusal(500, "INTERNAL_SERVER_ERROR", INTERNAL_ERROR)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (405 for PUT /graphql, 404 elsewhere) as GraphQL responses."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return _Refusal(405, "METHOD_NOT_ALLOWED", exc.detail, [(b"allow", b"GET, POST")])
    code = "NOT_FOUND" if exc.status_code == 404 else "BAD_REQUEST"
    return _Refusal(exc.status_code, code, exc.detail)


async def health(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def ready(_: Request) -> JSONResponse:
    checks = await readiness_checks()
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ok else "unavailable", **checks},
                        status_code=200 if ok else 503)


def domain_routes(subgraph: str | None) -> list[Route]:
    """HTTP routes a domain serves beside GraphQL (webhooks): `ROUTES` in
    `unionhub/<domain>/routes.py`, mounted with the domain's subgraph or the platform."""
    domains = DOMAINS if subgraph is None else (subgraph,)
    return [route for module in optional_domain_modules("routes", domains)
            for route in module.ROUTES]


def create_app(subgraph: str | None = None, settings: Settings | None = None,
               manage_connections: bool = True) -> Any:
    settings = settings or get_settings()
    domains = DOMAINS if subgraph is None else (subgraph,)
    check_domains_startup(settings, domains)
    fast_path.configure(settings)  # before the schema: it reads the switches as it is built
    service = settings.service_name + (f"-{subgraph}" if subgraph else "")
    setup_tracing(service, settings.slow_operation_threshold_ms, settings.slow_operations_kept,
                  settings.trace_export_ratio)
    setup_metrics(service, enabled=settings.metrics_enabled)
    schema = build_schema(
        subgraph, production=settings.is_production, limits=limits_from(settings),
        manifest=load_manifest(settings.persisted_operations_file),
        safelist_only=settings.persisted_operations_only,
    )
    graphql_app = UnionHubGraphQL(
        schema, graphql_ide=None if settings.is_production else "graphiql",
        allow_queries_via_get=not settings.is_production,
        persisted_queries_via_get=settings.persisted_queries_via_get,
        default_language=settings.default_language,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if manage_connections:
            await db.init_db(settings)
            await cache.check_startup()  # a cluster node named as one server: refuse (issue 22)
        # Embedded mode (no REDIS_URL, so no `unionhub worker`): periodic jobs run in-process.
        stop = asyncio.Event()
        scheduler = (asyncio.create_task(jobs.run_in_process(stop))
                     if manage_connections and not settings.redis_url else None)
        if manage_connections:
            # Start-up objects never die: keep them out of the collector's way (p99, docs/library-notes.md).
            gc.collect()
            gc.freeze()
            # Requests allocate many short-lived containers, nearly all freed by reference
            # counting; collecting the young generation every 700 net allocations (the
            # default) cost ~6% of the hot lookup's CPU in A/B runs (bench/README.md).
            gc.set_threshold(*GC_THRESHOLDS)
        try:
            yield
        finally:
            stop.set()
            if scheduler is not None:
                await scheduler
            await close_domains(domains)
            if manage_connections:
                await db.close_db()
                await cache.close_redis()

    app = Starlette(
        routes=[
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            Route("/health", health),
            Route("/ready", ready),
            Route("/metrics", metrics_endpoint(MetricsAccess(settings.metrics_allowed_networks,
                                                             settings.metrics_token))),
            *domain_routes(subgraph),
            # GraphiQL's assets from here, not a CDN (graphiql.py); no GraphiQL in production.
            *(graphiql.routes() if not settings.is_production else ()),
            # The browser console (console.py), with the platform only.
            *(console.routes(settings) if subgraph is None else ()),
        ],
        lifespan=lifespan,
        exception_handlers={Exception: server_error, HTTPException: http_error},
    )
    app.state.schema = schema
    guarded = edge(GraphQLRoute(app, graphql_app, default_language=settings.default_language),
                   production=settings.is_production, max_body_bytes=settings.max_body_bytes,
                   cors_origins=settings.cors_origins, default_language=settings.default_language)
    # The HTTP server span (path only, no query string) and the request duration metric.
    return HttpServerSpan(guarded, routes=frozenset(
        r.path for r in app.routes if isinstance(r, Route) and "{" not in r.path))


def limits_from(settings: Settings) -> Limits:
    return Limits(max_cost=settings.max_query_cost, max_root_fields=settings.max_root_fields,
                  max_depth=settings.max_query_depth, max_aliases=settings.max_query_aliases,
                  max_tokens=settings.max_query_tokens,
                  max_selections=settings.max_query_selections)


def create_subgraph_app() -> Any:
    """uvicorn factory for `unionhub serve --subgraph X` (the CLI sets UNIONHUB_SUBGRAPH)."""
    import os

    return create_app(subgraph=os.environ["UNIONHUB_SUBGRAPH"])
