"""Requests during a database outage and the SERVICE_UNAVAILABLE errors they answer, for the
outage tests (the private cluster itself is the `private_db` fixture in tests/conftest.py)."""

from __future__ import annotations


async def _post(http, query: str, token: str, accept: str | None = None,
                variables: dict | None = None):
    headers = {"Authorization": f"Bearer {token}"}
    if accept:
        headers["Accept"] = accept
    return await http.post("/graphql", json={"query": query, "variables": variables or {}},
                           headers=headers)


def _outage_errors(body: dict) -> list[dict]:
    return [e for e in body.get("errors") or []
            if e.get("extensions", {}).get("code") == "SERVICE_UNAVAILABLE"]
