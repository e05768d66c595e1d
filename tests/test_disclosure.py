"""Less disclosure with introspection off (issue 24, point 6), measured with an open
schema-recovery tool: clairvoyance rebuilds a schema from validation messages alone.

The tool gets the attacker's best case, a wordlist of every type, field and argument name the
schema has. Against the production endpoint it must recover at most 2% of the fields; the
same harness against a development endpoint (messages that name types and fields) recovers
many, so the measure can fail.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from graphql import GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType
from starlette.applications import Starlette
from starlette.routing import Route

from tests.processes import free_port
from unionhub.schema.builder import build_schema
from unionhub.schema.http_view import UnionHubGraphQL

pytest.importorskip("clairvoyance")


def real_fields() -> dict[str, set[str]]:
    schema = build_schema()._schema
    return {t.name: set(t.fields) for t in schema.type_map.values()
            if not t.name.startswith("_")
            and isinstance(t, GraphQLObjectType | GraphQLInputObjectType | GraphQLInterfaceType)}


def every_name() -> list[str]:
    schema = build_schema()._schema
    names: set[str] = set()
    for name, fields in real_fields().items():
        names |= {name, *fields}
        for field in getattr(schema.type_map[name], "fields", {}).values():
            names |= set(getattr(field, "args", None) or {})
    return sorted(names)


def recovered(output: Path, real: dict[str, set[str]]) -> int:
    """Real fields the tool's schema puts on the right type (nothing: it gave up)."""
    if not output.exists() or not output.read_text():
        return 0
    types = json.loads(output.read_text())["data"]["__schema"]["types"]
    return sum(len({f["name"] for f in (t.get("fields") or []) + (t.get("inputFields") or [])}
                   & real.get(t["name"], set())) for t in types)


class _Counted:
    def __init__(self, app) -> None:
        self.app, self.requests = app, 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            self.requests += 1
        await self.app(scope, receive, send)


async def _serving(production: bool) -> AsyncIterator[tuple[str, _Counted]]:
    app = _Counted(Starlette(routes=[Route(
        "/graphql", UnionHubGraphQL(build_schema(production=production)), methods=["POST"])]))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off",
                                           log_level="warning", access_log=False))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn's Server offers only the flag)
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/graphql", app
    finally:
        server.should_exit = True
        await task


async def clairvoyance(url: str, wordlist: list[str], tmp_path: Path) -> tuple[Path, str]:
    words, output = tmp_path / "words.txt", tmp_path / "schema.json"
    words.write_text("\n".join(wordlist), encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "clairvoyance", url, "-w", str(words), "-o", str(output),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    async with asyncio.timeout(600):
        out, _ = await process.communicate()
    return output, out.decode(errors="replace")


async def test_production_gives_a_recovery_tool_at_most_2_percent(tmp_path, factory):
    await factory.tree()
    real = real_fields()
    total = sum(len(fields) for fields in real.values())
    async for url, app in _serving(production=True):
        output, log = await clairvoyance(url, every_name(), tmp_path)
        assert app.requests >= 3, log  # the tool did probe the endpoint
    found = recovered(output, real)
    assert found <= 0.02 * total, (found, total, log[-2000:])


async def test_the_measure_sees_disclosure_where_there_is_some(tmp_path, factory):
    """The control: in development (messages name types and fields) the same tool, given only
    the root fields' names, recovers them all, well over 2% of the schema."""
    await factory.tree()
    real = real_fields()
    total = sum(len(fields) for fields in real.values())
    roots = sorted(real["Query"])
    async for url, _ in _serving(production=False):
        output, log = await clairvoyance(url, roots, tmp_path)
    found = recovered(output, real)
    assert found >= len(roots) > 0.02 * total, (found, total, log[-2000:])
