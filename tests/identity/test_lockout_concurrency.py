"""The lockout holds under concurrency (identity/lockout.py, identity/confirmation.py): each
password attempt is reserved before its check, so a burst of concurrent guesses gets exactly
the limit checked, not every guess (a review found 40 of 40 checked from one address, 300 of
300 against one phone, and 9-10 step-up confirmations where 5 are allowed). Meaningful on
PostgreSQL + Redis (DATABASE_URL, REDIS_URL); it runs on SQLite + fakeredis too."""

from __future__ import annotations

import asyncio

import pytest

from unionhub.identity.models import AuditLog, Member
from unionhub.settings import reset_settings_cache

LOGIN = """mutation Login($input: LoginInput!) { login(input: $input) {
  accessToken errors { code retryAfterSeconds } } }"""
CLOSE = """mutation C($input: CloseAccountInput!) { closeAccount(input: $input) {
  closed errors { code retryAfterSeconds } } }"""
RIGHT = "demo-pass-2026"


@pytest.fixture
def limits(monkeypatch):
    for name, value in dict(login_attempts_per_ip="1000", login_failures_per_pair="5",
                            login_failures_per_phone="50", rate_limit_window_seconds="600",
                            trusted_proxies='["127.0.0.1"]').items():
        monkeypatch.setenv(f"UNIONHUB_{name.upper()}", value)
    reset_settings_cache()
    yield monkeypatch
    monkeypatch.undo()
    reset_settings_cache()


async def _login(http, phone: str, password: str, address: str) -> list[dict]:
    r = await http.post("/graphql", headers={"X-Forwarded-For": address}, json={
        "query": LOGIN, "variables": {"input": {"phone": phone, "password": password}}})
    return r.json()["data"]["login"]["errors"]


def _tally(results: list[list[dict]]) -> dict[str, int]:
    tally: dict[str, int] = {}
    for errors in results:
        key = ",".join(e["code"] for e in errors) or "OK"
        tally[key] = tally.get(key, 0) + 1
    return tally


async def test_a_burst_from_one_address_gets_the_pair_limit_checked(http, factory, limits):
    member = await factory.account()
    results = await asyncio.gather(*[
        _login(http, member.phone, f"wrong-{i}-xx", "203.0.113.7") for i in range(40)])
    assert _tally(results) == {"INVALID_CREDENTIALS": 5, "RATE_LIMITED": 35}
    assert all(e["retryAfterSeconds"] > 0 for errors in results for e in errors
               if e["code"] == "RATE_LIMITED")
    # The owner elsewhere still signs in.
    assert await _login(http, member.phone, RIGHT, "198.51.100.20") == []


async def test_an_unknown_phone_is_held_the_same(http, limits):
    results = await asyncio.gather(*[
        _login(http, "13711112222", f"wrong-{i}-xx", "203.0.113.7") for i in range(40)])
    assert _tally(results) == {"INVALID_CREDENTIALS": 5, "RATE_LIMITED": 35}


async def test_a_burst_from_many_addresses_gets_the_phone_limit_checked(http, factory, limits):
    member = await factory.account()
    results = await asyncio.gather(*[
        _login(http, member.phone, f"wrong-{i}-xx", f"10.{i // 250}.{i % 250}.9")
        for i in range(300)])
    assert _tally(results) == {"INVALID_CREDENTIALS": 50, "RATE_LIMITED": 250}
    # Audited aggregated as before: the 1st, 10th and 50th failure.
    rows = await AuditLog.filter(action="auth.login.failed").order_by("id")
    assert sorted(r.detail["failures_in_window"] for r in rows) == [1, 10, 50]


async def test_a_success_gives_its_reservation_back(http, factory, limits):
    limits.setenv("UNIONHUB_LOGIN_FAILURES_PER_PHONE", "5")
    reset_settings_cache()
    member = await factory.account()
    for i in range(4):
        assert _tally([await _login(http, member.phone, "wrong-pass-xx", f"10.3.{i}.1")]) == {
            "INVALID_CREDENTIALS": 1}
    # Right passwords are reserved too, and given back: they are not failures.
    for i in range(3):
        assert await _login(http, member.phone, RIGHT, f"10.4.{i}.1") == []
    assert _tally([await _login(http, member.phone, "wrong-pass-xx", "10.3.9.1")]) == {
        "INVALID_CREDENTIALS": 1}
    assert _tally([await _login(http, member.phone, RIGHT, "10.4.9.1")]) == {"RATE_LIMITED": 1}


async def test_the_lockout_holds_per_process_while_redis_is_down(http, factory, limits,
                                                                 caplog):
    """Redis unreachable (a real client to a port nothing listens on): a burst of guesses gets
    the pair's limit checked on the process's own counters, where it went through unlimited
    before; the owner elsewhere still signs in; one warning, and the metric counts."""
    import logging

    import redis.asyncio as redis

    from tests.metrics_helpers import assert_alert_watches, total
    from unionhub import cache

    member = await factory.account()
    down = redis.Redis.from_url("redis://127.0.0.1:1/0", decode_responses=True,
                                socket_connect_timeout=0.5, socket_timeout=0.5)
    limits.setattr(cache, "_client", down)
    before = total("unionhub.ratelimit.fallback", {"limit": "login-pair"})
    try:
        with caplog.at_level(logging.WARNING, logger="unionhub.ratelimit"):
            results = await asyncio.gather(*[
                _login(http, member.phone, f"wrong-{i}-xx", "203.0.113.7") for i in range(20)])
        assert _tally(results) == {"INVALID_CREDENTIALS": 5, "RATE_LIMITED": 15}
        assert await _login(http, member.phone, RIGHT, "198.51.100.20") == []
    finally:
        await down.aclose()
    assert total("unionhub.ratelimit.fallback", {"limit": "login-pair"}) - before >= 20
    assert_alert_watches("UnionHubRateLimitsPerProcess", "unionhub.ratelimit.fallback",
                         {"limit": "login-pair"})
    warned = [r for r in caplog.records if r.name == "unionhub.ratelimit"]
    assert len(warned) == 1 and "counted per process" in warned[0].getMessage()


async def test_a_burst_of_step_up_guesses_gets_the_limit_checked(gql, factory):
    victim = await factory.account()
    guesses = [f"guess-{i}-xxxx" for i in range(40)]
    guesses[35] = RIGHT  # one guess of the burst is right: refused like the rest behind it
    results = await asyncio.gather(*[
        gql(CLOSE, {"input": {"password": p}}, token=victim.token) for p in guesses])
    payloads = [r.data["closeAccount"] for r in results]
    assert _tally([p["errors"] for p in payloads]) == {"WRONG_PASSWORD": 5, "RATE_LIMITED": 35}
    assert not any(p["closed"] for p in payloads)
    assert (await Member.get(id=victim.member.id)).closed_at is None
