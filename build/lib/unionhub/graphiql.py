"""GraphiQL without a CDN (issue 19): its page and assets served by UnionHub itself.

Strawberry's GraphiQL page loads React, GraphiQL and its explorer plugin from a public CDN,
so it was blank on an offline site and on networks that cannot reach it. The same files, from
the same npm packages at the versions strawberry's page pins, are vendored gzipped in
`unionhub/static/graphiql/` (`deploy/vendor_graphiql.py`, which checks them against the
page's SRI hashes). The page is strawberry's own with the CDN's address replaced by
`/graphiql/`, keeping every `integrity` attribute, so the browser checks each file as before;
each file is also checked against its manifest once, before it is first served. Development
only: production serves no GraphiQL.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from strawberry.http.ides import get_graphql_ide_html

ASSETS = Path(__file__).resolve().parent / "static" / "graphiql"
PREFIX = "/graphiql/"
_CDN = "https://unpkg.com/"


@functools.cache
def _manifest() -> dict[str, dict[str, str]]:
    return json.loads((ASSETS / "manifest.json").read_text(encoding="utf-8"))


@functools.cache
def page_html() -> str:
    """Strawberry's GraphiQL page, every asset from this server instead of the CDN."""
    return get_graphql_ide_html("graphiql").replace(_CDN, PREFIX)


@functools.cache
def _checked(path: str) -> tuple[bytes, str] | None:
    """(gzipped body, content type) of a vendored file whose content matches its manifest
    hash, or None (unknown path, or a file that does not match: never served)."""
    entry = _manifest().get(path)
    if entry is None:
        return None
    compressed = (ASSETS / entry["file"]).read_bytes()
    digest = base64.b64encode(hashlib.sha384(gzip.decompress(compressed)).digest()).decode()
    if f"sha384-{digest}" != entry["integrity"]:
        return None
    return compressed, entry["content_type"]


async def asset(request: Request) -> Response:
    found = _checked(request.path_params["path"])
    if found is None:
        return Response("Not Found", status_code=404, media_type="text/plain")
    compressed, content_type = found
    # Versioned paths (package@version/...): cached for good.
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(compressed, media_type=content_type,
                        headers={**headers, "Content-Encoding": "gzip"})
    return Response(gzip.decompress(compressed), media_type=content_type, headers=headers)


def routes() -> list[Any]:
    from starlette.routing import Route

    return [Route(PREFIX + "{path:path}", asset, methods=["GET", "HEAD"])]
