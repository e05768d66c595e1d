"""GraphiQL without a CDN (issue 19): the page references no outside address, and every asset
it loads is served by UnionHub with exactly the bytes its `integrity` attribute pins."""

from __future__ import annotations

import base64
import hashlib
import re

from unionhub import graphiql

_ASSET = re.compile(r'(?:src|href)="([^"]+)"\s+integrity="(sha384-[^"]+)"')


async def _page(http) -> str:
    response = await http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


async def test_graphiql_loads_nothing_from_outside(http):
    page = await _page(http)
    assert "<title>" in page and "graphiql" in page.lower()
    assert not re.findall(r'(?:src|href)="https?://', page)
    assert "unpkg.com" not in page


async def test_every_asset_is_served_with_the_bytes_its_integrity_pins(http):
    assets = _ASSET.findall(await _page(http))
    assert len(assets) == 7  # React, ReactDOM, js-cookie, GraphiQL js/css, explorer js/css
    for url, integrity in assets:
        assert url.startswith(graphiql.PREFIX), url
        for accept in ("gzip", "identity"):
            response = await http.get(url, headers={"Accept-Encoding": accept})
            assert response.status_code == 200, url
            digest = base64.b64encode(hashlib.sha384(response.content).digest()).decode()
            assert f"sha384-{digest}" == integrity, url  # (httpx decodes gzip itself)
            assert response.headers["content-type"].startswith(("text/javascript", "text/css"))
            assert "immutable" in response.headers["cache-control"]


async def test_unknown_or_tampered_assets_are_not_served(http, tmp_path, monkeypatch):
    assert (await http.get("/graphiql/evil@1.0.0/x.js")).status_code == 404
    assert (await http.get("/graphiql/../settings.py")).status_code == 404
    # A vendored file whose content no longer matches its manifest is refused.
    import gzip
    import shutil

    copy = tmp_path / "graphiql"
    shutil.copytree(graphiql.ASSETS, copy)
    path, entry = next(iter(graphiql._manifest().items()))
    (copy / entry["file"]).write_bytes(gzip.compress(b"alert('tampered')"))
    monkeypatch.setattr(graphiql, "ASSETS", copy)
    graphiql._checked.cache_clear()
    try:
        assert (await http.get(graphiql.PREFIX + path)).status_code == 404
    finally:
        monkeypatch.undo()
        graphiql._checked.cache_clear()
