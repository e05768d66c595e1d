"""Outages told apart from bugs (issue 19): with PostgreSQL stopped (a private cluster this
test starts and stops, never the machine's own), requests answer SERVICE_UNAVAILABLE with
`retryable: true` and no internals, HTTP 503 for clients accepting
application/graphql-response+json, one log line per outage; and they recover when it returns.

The session's database (PostgreSQL: these tests skip on SQLite) is swapped for the private
cluster for the length of each test and put back after it."""

from __future__ import annotations

import asyncio
import logging

from tests.outage_requests import _outage_errors, _post
from unionhub import outages

ORDERS = "query Orders { myOrders { edges { node { id status } } } }"
GRAPHQL_RESPONSE = "application/graphql-response+json"


async def test_requests_during_an_outage_are_retryable_and_recover(private_db, http, factory,
                                                                   caplog):
    member = await factory.account()
    ok = await _post(http, ORDERS, member.token)
    assert ok.status_code == 200 and "errors" not in ok.json()

    await asyncio.to_thread(private_db.stop)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        answers = [await _post(http, ORDERS, member.token) for _ in range(5)]
        strict = await _post(http, ORDERS, member.token, accept=GRAPHQL_RESPONSE)
    for answer in answers:
        assert answer.status_code == 200  # application/json: the status stays 200
        (error,) = _outage_errors(answer.json())
        assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "retryable": True}
        # Masked: no exception text, host, port or SQL reaches the client.
        assert str(private_db.port) not in answer.text and "SELECT" not in answer.text
    assert strict.status_code == 503
    assert strict.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in strict.json() and _outage_errors(strict.json())
    # Strawberry's view (a GET query) answers an outage the same way.
    via_get = await http.get("/graphql", params={"query": ORDERS}, headers={
        "Authorization": f"Bearer {member.token}", "Accept": GRAPHQL_RESPONSE,
        "X-UnionHub-Request": "1"})
    assert via_get.status_code == 503, via_get.text
    assert "data" not in via_get.json() and _outage_errors(via_get.json())
    # One warning for the outage, not one traceback per request.
    warnings = [r for r in caplog.records if r.name == "unionhub.outages"]
    assert len(warnings) == 1 and "database unavailable" in warnings[0].getMessage()
    assert not [r for r in caplog.records if r.name == "unionhub.graphql"]

    await asyncio.to_thread(private_db.start)
    recovered = await _post(http, ORDERS, member.token, accept=GRAPHQL_RESPONSE)
    assert recovered.status_code == 200, recovered.text
    assert "errors" not in recovered.json()


def test_which_errors_are_outages():
    import asyncpg

    from unionhub.mall.providers.base import ProviderUnavailable

    assert outages.dependency_of(ValueError("a bug")) is None
    assert outages.dependency_of(KeyError("member")) is None
    assert outages.dependency_of(FileNotFoundError(2, "no such file")) is None
    assert outages.dependency_of(ConnectionRefusedError(111, "refused")) == "network"
    assert outages.dependency_of(asyncpg.AdminShutdownError("shutting down")) == "database"
    assert outages.dependency_of(ProviderUnavailable("rail down")) == "provider"
    try:  # raised while handling an outage: the outage it is
        try:
            raise asyncpg.ConnectionDoesNotExistError("closed")
        except asyncpg.ConnectionDoesNotExistError as inner:
            raise RuntimeError("rollback failed") from inner
    except RuntimeError as outer:
        assert outages.dependency_of(outer) == "database"
