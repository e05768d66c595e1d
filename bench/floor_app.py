"""The floor: a bare Starlette JSON route returning the same member document as the real lookup.

Served by uvicorn with the settings `unionhub serve` uses (1 worker, default loop and HTTP
implementation, no access log), so the difference to the real server is the GraphQL stack,
not the HTTP server. `bench/run.py` starts it; run by hand:
    python bench/floor_app.py --port 18100 --document bench/results/<run>/document.json
"""

from __future__ import annotations

import argparse
import json

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def create_floor_app(document: dict) -> Starlette:
    async def graphql(request: Request) -> JSONResponse:
        await request.body()  # read the POSTed operation, as the real server must
        return JSONResponse(document)

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[Route("/graphql", graphql, methods=["GET", "POST"]),
                             Route("/health", health)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18100)
    parser.add_argument("--document", required=True, help="JSON file: the response body to return")
    args = parser.parse_args()
    with open(args.document, encoding="utf-8") as f:
        document = json.load(f)
    # The same call shape as unionhub.cli._serve: 1 worker, no access log.
    uvicorn.run(create_floor_app(document), host=args.host, port=args.port, workers=1,
                access_log=False)


if __name__ == "__main__":
    main()
