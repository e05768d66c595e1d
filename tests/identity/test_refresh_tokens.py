"""Refresh tokens through the GraphQL endpoint: `refreshToken` rotates the pair and spends the
old token, a reused spent token revokes its whole family, concurrent refreshes of one token get
one new pair, refreshing works past the access token's expiry, unknown and expired refresh
tokens are refused."""

from __future__ import annotations

import asyncio
import hashlib
import time
from datetime import timedelta

import jwt

from tests.identity.account_flows import ME, REFRESH, _claims, _login, register
from unionhub.clock import utcnow
from unionhub.identity.models import AuditLog, RefreshToken
from unionhub.settings import get_settings


async def _refresh(gql, token: str) -> dict:
    r = await gql(REFRESH, {"input": {"refreshToken": token}})
    assert r.errors == []
    return r.data["refreshToken"]


async def test_refresh_rotates_the_pair_and_spends_the_old_token(gql, factory):
    await factory.tree()
    await register(gql, "13812345678")
    first = await _login(gql)
    second = await _refresh(gql, first["refreshToken"])
    assert second["errors"] == []
    assert second["refreshToken"] != first["refreshToken"]
    assert second["accessToken"] and second["member"]["id"] == first["member"]["id"]
    me = await gql(ME, token=second["accessToken"])
    assert me.errors == [] and me.data["me"]["id"] == first["member"]["id"]
    third = await _refresh(gql, second["refreshToken"])
    assert third["errors"] == [] and third["refreshToken"] not in (first["refreshToken"],
                                                                  second["refreshToken"])
    # Only hashes are stored.
    stored = [t.token_hash for t in await RefreshToken.all()]
    assert not {first["refreshToken"], second["refreshToken"], third["refreshToken"]} & set(stored)


async def test_reusing_a_spent_refresh_token_revokes_the_whole_family(gql, factory):
    await factory.tree()
    await register(gql, "13812345678")
    other_device = await _login(gql)  # another family: must survive
    first = await _login(gql)
    second = await _refresh(gql, first["refreshToken"])
    third = await _refresh(gql, second["refreshToken"])  # the newest of the family

    replay = await _refresh(gql, first["refreshToken"])
    assert replay["accessToken"] is None
    assert [e["code"] for e in replay["errors"]] == ["TOKEN_REUSED"]

    newest = await _refresh(gql, third["refreshToken"])
    assert newest["accessToken"] is None
    assert [e["code"] for e in newest["errors"]] == ["TOKEN_REVOKED"]
    assert await AuditLog.filter(action="auth.refresh_token.reused").count() == 1

    survivor = await _refresh(gql, other_device["refreshToken"])
    assert survivor["errors"] == []


async def test_concurrent_refreshes_of_one_token_all_get_the_same_new_pair(gql, factory):
    # Two app tabs (here six) refreshing at once: within the grace window every one of them
    # gets the pair the first rotation issued, and the session survives (issue 16, point 5).
    await factory.tree()
    await register(gql, "13812345678")
    session = await _login(gql)
    results = await asyncio.gather(*(_refresh(gql, session["refreshToken"]) for _ in range(6)))
    assert [r["errors"] for r in results] == [[]] * 6
    assert len({(r["accessToken"], r["refreshToken"]) for r in results}) == 1
    import hashlib

    presented = await RefreshToken.get(
        token_hash=hashlib.sha256(session["refreshToken"].encode()).hexdigest())
    family = RefreshToken.filter(family=presented.family)
    assert await family.count() == 2  # the presented token and one successor: no other issued
    assert await family.filter(revoked_at=None).count() == 2
    after = await _refresh(gql, results[0]["refreshToken"])
    assert after["errors"] == [] and after["accessToken"]


async def test_refresh_works_while_the_access_token_has_expired(gql, factory):
    await factory.tree()
    await register(gql, "13812345678")
    session = await _login(gql)
    expired = jwt.encode(_claims(int(session["member"]["id"]), iat=int(time.time()) - 1000,
                                 exp=int(time.time()) - 10), get_settings().jwt_secret,
                         algorithm="HS256")
    r = await gql(REFRESH, {"input": {"refreshToken": session["refreshToken"]}}, token=expired)
    assert r.errors == [] and r.data["refreshToken"]["errors"] == []
    assert r.data["refreshToken"]["accessToken"]


async def test_unknown_and_expired_refresh_tokens_are_refused(gql, factory):
    await factory.tree()
    await register(gql, "13812345678")
    unknown = await _refresh(gql, "not-a-token-we-issued")
    assert [e["code"] for e in unknown["errors"]] == ["TOKEN_INVALID"]

    session = await _login(gql)
    await RefreshToken.all().update(expires_at=utcnow() - timedelta(seconds=1))
    expired = await _refresh(gql, session["refreshToken"])
    assert [e["code"] for e in expired["errors"]] == ["TOKEN_EXPIRED"]
    assert expired["accessToken"] is None


async def test_a_session_ends_at_its_absolute_lifetime_however_often_refreshed(gql, factory):
    # Each rotation grants another refresh-token lifetime, but not past the sign-in's
    # UNIONHUB_SESSION_MAX_AGE_SECONDS: a stolen token refreshed every day still dies.
    await factory.tree()
    await register(gql, "13812345678")
    session = await _login(gql)
    token = session["refreshToken"]
    max_age = get_settings().session_max_age_seconds
    assert max_age == 90 * 24 * 3600
    # The sign-in was (almost) the whole lifetime ago; the tokens themselves are fresh.
    await RefreshToken.all().update(created_at=utcnow() - timedelta(seconds=max_age - 60),
                                    session_started_at=utcnow() - timedelta(
                                        seconds=max_age - 60))
    fresh = await _refresh(gql, token)
    assert fresh["errors"] == []
    newest = await RefreshToken.get(token_hash=hashlib.sha256(
        fresh["refreshToken"].encode()).hexdigest())
    # The new token lives only to the session's end, not another 30 days.
    assert newest.expires_at <= utcnow() + timedelta(seconds=60)
    await RefreshToken.all().update(session_started_at=utcnow() - timedelta(
        seconds=max_age + 1))
    await RefreshToken.filter(id=newest.id).update(expires_at=utcnow() + timedelta(days=1))
    over = await _refresh(gql, fresh["refreshToken"])
    assert [e["code"] for e in over["errors"]] == ["TOKEN_EXPIRED"]
    assert over["accessToken"] is None


async def test_a_session_begun_before_its_start_was_kept_ends_by_its_first_token(gql, factory):
    # Tokens stored before session_started_at existed: the family's first token tells.
    await factory.tree()
    await register(gql, "13812345678")
    session = await _login(gql)
    max_age = get_settings().session_max_age_seconds
    await RefreshToken.all().update(session_started_at=None,
                                    created_at=utcnow() - timedelta(seconds=max_age + 1))
    over = await _refresh(gql, session["refreshToken"])
    assert [e["code"] for e in over["errors"]] == ["TOKEN_EXPIRED"]
