"""POST /graphql straight to the GraphQL view, past Starlette's router.

Starlette's stack (error middleware, exception middleware, router, route) puts four layers and
two `send` wrappers around every request. For the GraphQL endpoint, where nearly every request
is a POST, that plumbing cost about 3% of the hot lookup's CPU (issue 8). This dispatcher hands
those requests to the view directly. It keeps the one thing the stack did for them that the
view does not do itself: an unhandled exception is answered 500 (unless the response had
started) and raised on to the server, as Starlette's ServerErrorMiddleware does; the body is
a GraphQL response with the code INTERNAL_SERVER_ERROR, as the app's own 500 handler
answers (`app.server_error`). Every other request goes through Starlette.
"""

from __future__ import annotations

from collections.abc import Awaitable

from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from unionhub import outages
from unionhub.i18n import N_
from unionhub.refusals import send_refusal

INTERNAL_ERROR = N_("Internal Server Error")
SERVICE_UNAVAILABLE = N_("Service Unavailable")


class GraphQLRoute:
    def __init__(self, starlette: Starlette, graphql_app: ASGIApp, path: str = "/graphql",
                 default_language: str | None = None) -> None:
        self.starlette = starlette
        self.graphql_app = graphql_app
        self.path = path
        self.default_language = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path
                or scope.get("root_path")):  # (mounted under a prefix: the router knows it)
            return await self.starlette(scope, receive, send)
        scope["app"] = self.starlette  # as Starlette sets it, for `request.app`
        started = False

        def watch_start(message: Message) -> Awaitable[None]:
            nonlocal started  # (returns the server's awaitable: no coroutine of its own)
            if message["type"] == "http.response.start":
                started = True
            return send(message)

        try:
            await self.graphql_app(scope, receive, watch_start)
        except Exception as exc:
            if not started:
                # A dependency that could not be reached is an outage (503), not a bug.
                if outages.dependency_of(exc):
                    await send_refusal(send, scope, 503, "SERVICE_UNAVAILABLE",
                                       SERVICE_UNAVAILABLE,
                                       default_language=self.default_language)
                else:
                    await send_refusal(send, scope, 500, "INTERNAL_SERVER_ERROR",
                                       INTERNAL_ERROR, default_language=self.default_language)
            raise
