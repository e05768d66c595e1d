"""Sign-in and access tokens through the GraphQL endpoint: `login` answers a wrong password and
an unknown phone alike; expired, tampered, foreign-signed and malformed access tokens and
Authorization headers are unauthenticated (with a reason); readiness fails and sign-in still
works while Redis is unreachable."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from tests.identity.account_flows import LOGIN, ME, PASSWORD, _claims, _login, register
from unionhub.settings import get_settings


async def test_login_returns_a_working_token_pair(gql, factory):
    await factory.tree()
    reg = await register(gql, "13812345678")
    out = await gql(LOGIN, {"input": {"phone": "13812345678", "password": PASSWORD}})
    login = out.data["login"]
    assert login["errors"] == [] and login["member"]["id"] == reg["member"]["id"]
    me = await gql(ME, token=login["accessToken"])
    assert me.errors == [] and me.data["me"]["phone"] == "13812345678"


async def test_wrong_password_and_unknown_phone_answer_exactly_alike(gql, factory):
    await factory.tree()
    await register(gql, "13812345678")
    wrong_password = await gql(LOGIN, {"input": {"phone": "13812345678", "password": "nope-nope"}})
    unknown_phone = await gql(LOGIN, {"input": {"phone": "13987654321", "password": PASSWORD}})
    malformed = await gql(LOGIN, {"input": {"phone": "12345", "password": PASSWORD}})
    overlong = await gql(LOGIN, {"input": {"phone": "13812345678", "password": "p" * 100_000}})
    answers = [r.data["login"] for r in (wrong_password, unknown_phone, malformed, overlong)]
    assert answers[0] == answers[1] == answers[2] == answers[3]
    assert answers[0]["accessToken"] is None and answers[0]["refreshToken"] is None
    error = answers[0]["errors"]
    assert len(error) == 1 and error[0]["code"] == "INVALID_CREDENTIALS"
    assert error[0]["field"] is None  # no hint which part was wrong
    assert "13812345678" not in error[0]["message"]


async def test_a_hash_made_under_weaker_parameters_is_redone_at_sign_in(gql, factory):
    """argon2's cost is a setting, raised as machines get faster: an account's hash made under
    the old cost stays that weak until its password is used. The right password at sign-in
    rehashes it under the current cost (only while it is still the hash that was checked)."""
    from argon2 import PasswordHasher, Type

    from unionhub.identity.models import Member
    from unionhub.identity.passwords import _hasher

    await factory.tree()
    reg = await register(gql, "13812345678")
    old = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID)
    await Member.filter(id=int(reg["member"]["id"])).update(password_hash=old.hash(PASSWORD))
    wrong = await gql(LOGIN, {"input": {"phone": "13812345678", "password": "nope-nope"}})
    assert [e["code"] for e in wrong.data["login"]["errors"]] == ["INVALID_CREDENTIALS"]
    stored = (await Member.get(id=int(reg["member"]["id"]))).password_hash
    assert _hasher().check_needs_rehash(stored)  # a wrong password changes nothing
    out = await gql(LOGIN, {"input": {"phone": "13812345678", "password": PASSWORD}})
    assert out.data["login"]["errors"] == []
    stored = (await Member.get(id=int(reg["member"]["id"]))).password_hash
    assert not _hasher().check_needs_rehash(stored) and _hasher().verify(stored, PASSWORD)
    again = await gql(LOGIN, {"input": {"phone": "13812345678", "password": PASSWORD}})
    assert again.data["login"]["errors"] == []


# --- access tokens ----------------------------------------------------------------------------

def _tamper(token: str) -> str:
    """Swap the payload for one claiming ADMIN, keeping the original signature."""
    header, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["role"] = "ADMIN"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


async def _me_with(gql, token: str):
    r = await gql(ME, token=token)
    assert r.data.get("me") is None
    assert r.error_codes() == ["UNAUTHENTICATED"]
    return r.errors[0]["extensions"]


async def test_an_expired_access_token_is_unauthenticated_with_a_reason(gql, factory):
    account = await factory.account()
    secret = get_settings().jwt_secret
    expired = jwt.encode(_claims(account.member.id, iat=int(time.time()) - 1000,
                                 exp=int(time.time()) - 10), secret, algorithm="HS256")
    assert (await _me_with(gql, expired))["reason"] == "TOKEN_EXPIRED"
    # The same token, not yet expired, works: the expiry alone made the difference.
    fresh = jwt.encode(_claims(account.member.id), secret, algorithm="HS256")
    ok = await gql(ME, token=fresh)
    assert ok.errors == [] and ok.data["me"]["id"] == account.id


async def test_a_tampered_access_token_is_unauthenticated(gql, factory):
    account = await factory.account()
    assert (await _me_with(gql, _tamper(account.token)))["reason"] == "TOKEN_INVALID"


async def test_a_token_signed_with_another_key_is_unauthenticated(gql, factory):
    account = await factory.account()
    foreign = jwt.encode(_claims(account.member.id), "not-our-secret-" * 3, algorithm="HS256")
    assert (await _me_with(gql, foreign))["reason"] == "TOKEN_INVALID"


@pytest.mark.parametrize("claims", [
    {"alg_none": True},
    {"aud": "someone-else"},
    {"typ": "refresh"},
    {"exp": None},
    {"role": "EMPEROR"},
    {"sub": "not-a-number"},
    {"role": "CADRE", "scope": ["/1/"], "org": 1},
])
async def test_malformed_access_tokens_are_unauthenticated(gql, factory, claims):
    account = await factory.account()
    secret = get_settings().jwt_secret
    if claims.pop("alg_none", False):
        token = jwt.encode(_claims(account.member.id, role="ADMIN"), None, algorithm="none")
    else:
        body = {k: v for k, v in _claims(account.member.id, **claims).items() if v is not None}
        token = jwt.encode(body, secret, algorithm="HS256")
    assert (await _me_with(gql, token))["reason"] == "TOKEN_INVALID"


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "garbage", "Bearer a.b.c"])
async def test_malformed_authorization_headers_are_unauthenticated(http, factory, header):
    await factory.tree()
    r = await http.post("/graphql", json={"query": ME}, headers={"Authorization": header})
    body = r.json()
    assert body["data"]["me"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["errors"][0]["extensions"]["reason"] == "TOKEN_INVALID"


async def test_no_token_is_unauthenticated_without_a_reason(gql, factory):
    await factory.tree()
    r = await gql(ME)
    assert r.error_codes() == ["UNAUTHENTICATED"]
    assert "reason" not in r.errors[0]["extensions"]


# --- readiness, and sign-in while Redis is down -----------------------------------------------

async def test_ready_fails_and_sign_in_still_works_while_redis_is_unreachable(
        gql, http, factory, monkeypatch):
    import redis.asyncio as redis

    from unionhub import cache

    await factory.tree()
    await register(gql, "13812345678")
    # A real client to a port nothing listens on: every command fails as when Redis is down.
    down = redis.Redis.from_url("redis://127.0.0.1:1/0", decode_responses=True,
                                socket_connect_timeout=0.5, socket_timeout=0.5)
    monkeypatch.setattr(cache, "_client", down)
    try:
        ready = await http.get("/ready")
        assert ready.status_code == 503
        body = ready.json()
        assert body["status"] == "unavailable" and body["database"] == "ok"
        assert body["redis"].startswith("unavailable")
        session = await _login(gql)
        me = await gql(ME, token=session["accessToken"])
        assert me.errors == [] and me.data["me"]["phone"] == "13812345678"
    finally:
        await down.aclose()
