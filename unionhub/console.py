"""The browser console (issue 20) at /console: the Vite build of `console/`, committed under
`unionhub/static/console/` so that a machine without Node serves it (`make up`, the image).

Static files only; every figure comes from /graphql with the person's own token. The console's
pages carry their own Content-Security-Policy (scripts and styles from this server only; ECharts
sets inline styles), which the edge keeps instead of its API-wide `default-src 'none'`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

BUILD = Path(__file__).resolve().parent / "static" / "console"
CSP = (b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       b"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
       b"form-action 'self'")


class _ConsoleFiles:
    """StaticFiles with the console's CSP; hashed assets cached for a year, the page never."""

    def __init__(self, directory: Path) -> None:
        self.files = StaticFiles(directory=directory, html=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        immutable = scope["path"].startswith("/console/assets/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                cache = b"public, max-age=31536000, immutable" if immutable else b"no-cache"
                message = {**message, "headers": [
                    *message.get("headers", []),
                    (b"content-security-policy", CSP), (b"cache-control", cache)]}
            await send(message)

        await self.files(scope, receive, with_headers)


def routes() -> list[BaseRoute]:
    """/console (redirect) and /console/… ; none when the build is absent (a source checkout
    whose build was removed: the API still serves)."""
    if not (BUILD / "index.html").exists():
        return []

    async def to_slash(_: Any) -> RedirectResponse:
        return RedirectResponse("/console/", status_code=308)

    return [Route("/console", to_slash), Mount("/console", app=_ConsoleFiles(BUILD))]
