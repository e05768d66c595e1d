"""The console's server side (issue 20): /console serves the committed build with its own
Content-Security-Policy (kept by the edge in production), nothing from a CDN, and `unionhub
operations add` registers GraphQL Code Generator's persisted-documents manifest. The console
in a browser is tests/test_console_browser.py."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from unionhub import console
from unionhub.edge import SecurityHeaders
from unionhub.schema.persisted import load_manifest, operation_hash

QUERY = "query ConsoleMe { me { id } }"


async def test_console_is_served_with_its_own_policy(http):
    redirect = await http.get("/console")
    assert redirect.status_code == 308 and redirect.headers["location"] == "/console/"
    page = await http.get("/console/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == console.CSP.decode()
    assert page.headers["cache-control"] == "no-cache"
    assets = re.findall(r'(?:src|href)="(/console/assets/[^"]+)"', page.text)
    assert assets, page.text
    for path in assets:
        asset = await http.get(path)
        assert asset.status_code == 200, path
        assert "immutable" in asset.headers["cache-control"]
    assert (await http.get("/console/assets/nope.js")).status_code == 404


def test_the_build_loads_nothing_from_elsewhere():
    """Every script, style and map is bundled: no absolute URL the browser would fetch."""
    for path in console.BUILD.rglob("*"):
        if path.suffix in {".html", ".css"}:
            text = path.read_text(encoding="utf-8")
            assert not re.search(r'(?:src|href)="(?:https?:)?//', text), path
            assert not re.search(r"url\((?:'|\")?(?:https?:)?//", text), path
        if path.suffix == ".js":
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"import\s*\(?['\"]https?://", text), path


def _directives(policy: str) -> dict[str, set[str]]:
    return {name: set(values) for name, *values in (d.split() for d in policy.split(";"))}


def test_the_console_s_policy_allows_nothing_inline():
    """No inline script and no inline style: the console's own code needs neither (its charts
    draw tooltips on their canvas; the browser test fails on any CSP violation), and
    'unsafe-inline' in style-src would let an injected <style> or style attribute restyle or
    read the page through CSS."""
    directives = _directives(console.CSP.decode())
    assert directives["script-src"] == {"'self'"}
    assert directives["style-src"] == {"'self'"}
    assert directives["default-src"] == {"'self'"} and directives["object-src"] == {"'none'"}


async def test_production_keeps_a_route_s_own_policy():
    async def own(_):
        return PlainTextResponse("x", headers={"content-security-policy": "default-src 'self'"})

    async def plain(_):
        return PlainTextResponse("y")

    inner = Starlette(routes=[Route("/own", own), Route("/plain", plain)])
    transport = httpx.ASGITransport(app=SecurityHeaders(inner, production=True))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        kept = await client.get("/own")
        added = await client.get("/plain")
    assert kept.headers.get_list("content-security-policy") == ["default-src 'self'"]
    assert added.headers.get_list("content-security-policy") == [
        "default-src 'none'; frame-ancestors 'none'"]
    assert kept.headers["x-frame-options"] == "DENY"


def _codegen_manifest(tmp_path, queries):
    path = tmp_path / "persisted-documents.json"
    path.write_text(json.dumps({f"sha256:{operation_hash(q)}": q for q in queries}))
    return path


def test_cli_registers_a_codegen_manifest(tmp_path, capsys):
    from unionhub.cli import main

    other = "query ConsoleUnion($id: ID!) { union(id: $id) { id } }"
    manifest = tmp_path / "ops.json"
    main(["operations", "add", str(_codegen_manifest(tmp_path, [QUERY, other])),
          "--manifest", str(manifest)])
    assert load_manifest(manifest) == {operation_hash(QUERY): QUERY, operation_hash(other): other}
    out = capsys.readouterr().out
    assert operation_hash(QUERY) in out and operation_hash(other) in out


def test_cli_refuses_a_manifest_hashed_otherwise(tmp_path, capsys):
    from unionhub.cli import main

    path = tmp_path / "persisted-documents.json"
    path.write_text(json.dumps({"sha1:" + "0" * 40: QUERY}))  # hashAlgorithm: 'sha1'
    manifest = tmp_path / "ops.json"
    with pytest.raises(SystemExit) as exit_:
        main(["operations", "add", str(path), "--manifest", str(manifest)])
    assert exit_.value.code == 1
    assert "not the sha256 of its text" in capsys.readouterr().err
    assert not manifest.exists()  # nothing registered


async def test_config_names_the_sandbox_captcha_and_the_policy_stays_local(http):
    config = await http.get("/console/config.json")
    assert config.status_code == 200 and config.headers["cache-control"] == "no-cache"
    assert config.json() == {"captcha": {"provider": "sandbox"}}


async def test_with_tencent_the_console_gets_its_app_id_and_may_load_its_widget():
    from unionhub.settings import Settings

    settings = Settings(captcha_provider="tencent", tencent_captcha_app_id=190000001,
                        tencent_captcha_app_secret_key="never-sent")
    app = Starlette(routes=console.routes(settings))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        config = (await client.get("/console/config.json")).json()
        page = await client.get("/console/")
    assert config == {"captcha": {"provider": "tencent", "appId": "190000001",
                                  "script": console.TENCENT_CAPTCHA_JS}}
    assert "never-sent" not in json.dumps(config)
    policy = page.headers["content-security-policy"]
    assert policy != console.CSP.decode()
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    for name in ("script-src", "frame-src", "img-src", "connect-src"):
        assert "https://turing.captcha.qcloud.com" in directives[name], name
    assert directives["frame-ancestors"] == "'none'"
    assert "'unsafe-eval'" not in policy and "*" not in policy
