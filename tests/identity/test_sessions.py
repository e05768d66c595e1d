"""Sign-out and revocation (issue 16, points 4 and 5): logout, logoutEverywhere, ADMIN
revokeSessions and role changes end sessions; a revoked session's access token is refused with
TOKEN_REVOKED, in this process at once and in another server process within 5 s; the refresh
grace window; the revocation list's database fallback when Redis is unreachable."""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from datetime import timedelta

import httpx
from redis.asyncio import Redis

from tests.identity.account_flows import LOGIN, PASSWORD, REFRESH, register
from tests.processes import ROOT, free_port, unionhub, wait_healthy
from unionhub.clock import utcnow
from unionhub.identity.models import AuditLog, RefreshToken, Role
from unionhub.identity.revocation import MAX_AGE_SECONDS, RevokedSessions

PHONE = "13812345678"
ME = "query Me { me { id } }"
LOGOUT = "mutation { logout { sessionsEnded errors { code } } }"
LOGOUT_EVERYWHERE = "mutation { logoutEverywhere { sessionsEnded errors { code } } }"
REVOKE = """mutation Revoke($input: RevokeSessionsInput!) {
  revokeSessions(input: $input) { sessionsEnded errors { code field } } }"""
ASSIGN = """mutation Assign($input: AssignRoleInput!) {
  assignRole(input: $input) { errors { code } } }"""


async def _login(gql) -> dict:
    out = await gql(LOGIN, {"input": {"phone": PHONE, "password": PASSWORD}})
    assert out.data["login"]["errors"] == [], out.body
    return out.data["login"]


async def _me_code(gql, token: str) -> str | None:
    result = await gql(ME, token=token)
    if result.data.get("me"):
        return None
    (error,) = result.errors  # UNAUTHENTICATED, with the reason
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    return error["extensions"]["reason"]


async def _refresh_codes(gql, token: str) -> list[str]:
    result = await gql(REFRESH, {"input": {"refreshToken": token}})
    return [e["code"] for e in result.data["refreshToken"]["errors"]]


async def test_logout_ends_this_session_only(gql, factory):
    await factory.tree()
    await register(gql, PHONE)
    phone_app, browser = await _login(gql), await _login(gql)
    assert await _me_code(gql, phone_app["accessToken"]) is None

    out = await gql(LOGOUT, token=phone_app["accessToken"])
    assert out.data["logout"] == {"sessionsEnded": 1, "errors": []}
    assert await _me_code(gql, phone_app["accessToken"]) == "TOKEN_REVOKED"
    assert await _refresh_codes(gql, phone_app["refreshToken"]) == ["TOKEN_REVOKED"]
    # The other sign-in goes on.
    assert await _me_code(gql, browser["accessToken"]) is None
    assert await _refresh_codes(gql, browser["refreshToken"]) == []
    (row,) = await AuditLog.filter(action="auth.sessions.revoked")
    assert row.detail == {"reason": "logout", "sessions": 1}
    assert row.actor_id == int(row.subject_id)


async def test_logout_needs_a_signed_in_caller(gql):
    out = await gql(LOGOUT)
    assert out.error_codes() == ["UNAUTHENTICATED"]


async def test_logout_everywhere_ends_every_session(gql, factory):
    await factory.tree()
    await register(gql, PHONE)
    sessions = [await _login(gql) for _ in range(3)]
    out = await gql(LOGOUT_EVERYWHERE, token=sessions[0]["accessToken"])
    # register's own session is live too: four in all.
    assert out.data["logoutEverywhere"] == {"sessionsEnded": 4, "errors": []}
    for session in sessions:
        assert await _me_code(gql, session["accessToken"]) == "TOKEN_REVOKED"
        assert await _refresh_codes(gql, session["refreshToken"]) == ["TOKEN_REVOKED"]
    # Signing in again starts a new session that works.
    assert await _me_code(gql, (await _login(gql))["accessToken"]) is None


async def test_admin_revokes_a_members_sessions(gql, factory):
    await factory.tree()
    member_id = (await register(gql, PHONE))["member"]["id"]
    session = await _login(gql)
    admin, cadre = await factory.admin(), await factory.cadre((await factory.tree()).province)

    refused = await gql(REVOKE, {"input": {"memberId": member_id}}, token=cadre.token)
    assert refused.error_codes() == ["FORBIDDEN"]
    assert await _me_code(gql, session["accessToken"]) is None

    unknown = await gql(REVOKE, {"input": {"memberId": "999999"}}, token=admin.token)
    assert unknown.data["revokeSessions"]["errors"] == [{"code": "NOT_FOUND", "field": "memberId"}]

    out = await gql(REVOKE, {"input": {"memberId": member_id}}, token=admin.token)
    assert out.data["revokeSessions"] == {"sessionsEnded": 2, "errors": []}
    assert await _me_code(gql, session["accessToken"]) == "TOKEN_REVOKED"
    row = await AuditLog.get(action="auth.sessions.revoked")
    assert row.actor_id == admin.member.id and row.subject_id == member_id
    assert row.detail == {"reason": "admin", "sessions": 2}


async def test_a_role_change_refuses_the_old_access_token(gql, factory):
    tree = await factory.tree()
    member_id = (await register(gql, PHONE))["member"]["id"]
    session = await _login(gql)
    admin = await factory.admin()
    out = await gql(ASSIGN, {"input": {"memberId": member_id, "role": Role.CADRE.value,
                                       "cadreOrgId": str(tree.province.id)}}, token=admin.token)
    assert out.data["assignRole"]["errors"] == []
    # The token still says MEMBER: it must not ride on past the change.
    assert await _me_code(gql, session["accessToken"]) == "TOKEN_REVOKED"
    cadre = await _login(gql)
    assert await _me_code(gql, cadre["accessToken"]) is None


async def test_refresh_reuse_after_the_grace_window_still_revokes_the_family(gql, factory):
    await factory.tree()
    await register(gql, PHONE)
    first = await _login(gql)
    second = (await gql(REFRESH, {"input": {"refreshToken": first["refreshToken"]}})
              ).data["refreshToken"]
    # Within the window, the same pair again.
    again = (await gql(REFRESH, {"input": {"refreshToken": first["refreshToken"]}})
             ).data["refreshToken"]
    assert (again["accessToken"], again["refreshToken"]) == (second["accessToken"],
                                                            second["refreshToken"])
    spent = await RefreshToken.get(
        token_hash=hashlib.sha256(first["refreshToken"].encode()).hexdigest())
    await RefreshToken.filter(id=spent.id).update(used_at=utcnow() - timedelta(seconds=11))

    assert await _refresh_codes(gql, first["refreshToken"]) == ["TOKEN_REUSED"]
    assert await _refresh_codes(gql, second["refreshToken"]) == ["TOKEN_REVOKED"]
    # The stolen family's access tokens are refused too, not only its refresh tokens.
    assert await _me_code(gql, second["accessToken"]) == "TOKEN_REVOKED"


async def test_a_replay_of_an_older_token_is_not_covered_by_the_grace(gql, factory):
    await factory.tree()
    await register(gql, PHONE)
    first = await _login(gql)
    second = (await gql(REFRESH, {"input": {"refreshToken": first["refreshToken"]}})
              ).data["refreshToken"]
    assert await _refresh_codes(gql, second["refreshToken"]) == []
    # `first`'s successor was spent in turn: replaying `first` now is theft, grace or not.
    assert await _refresh_codes(gql, first["refreshToken"]) == ["TOKEN_REUSED"]


async def test_another_process_copy_sees_a_revocation_even_with_redis_down(gql, factory):
    await factory.tree()
    await register(gql, PHONE)
    session = await _login(gql)
    family = (await RefreshToken.get(
        token_hash=hashlib.sha256(session["refreshToken"].encode()).hexdigest())).family
    # A client of a port nothing listens on: the copy falls back to the database.
    dead = Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=0.5)
    other_process = RevokedSessions(redis=dead)
    await other_process.refresh()
    assert family not in other_process.revoked
    assert not other_process.must_catch_up()  # the database answered: the copy is fresh

    await gql(LOGOUT, token=session["accessToken"])
    await other_process.refresh()
    assert family in other_process.revoked
    await dead.aclose()


async def test_a_copy_too_old_to_trust_makes_the_request_wait(gql, factory):
    copy = RevokedSessions()
    assert copy.must_catch_up()  # never read
    await copy.catch_up()
    assert not copy.must_catch_up()
    copy.fresh_at = time.monotonic() - MAX_AGE_SECONDS - 0.1
    assert copy.must_catch_up()


async def test_a_second_server_process_refuses_a_revoked_token_within_5_seconds(gql, factory):
    await factory.tree()
    await register(gql, PHONE)
    session = await _login(gql)
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *unionhub("serve", "--port", str(port)), cwd=ROOT, env=dict(os.environ),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    headers = {"Authorization": f"Bearer {session['accessToken']}"}
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            await wait_healthy(client, process)

            async def me() -> dict:
                return (await client.post("/graphql", json={"query": ME}, headers=headers)).json()

            assert (await me())["data"]["me"]["id"] == session["member"]["id"]
            await gql(LOGOUT, token=session["accessToken"])  # in this process
            revoked_at = time.monotonic()
            while True:
                body = await me()
                if body.get("errors"):
                    break
                assert time.monotonic() - revoked_at < 5, "still accepted after 5 s"
                await asyncio.sleep(0.1)
            assert body["errors"][0]["extensions"]["reason"] == "TOKEN_REVOKED"
            assert time.monotonic() - revoked_at < 5
    finally:
        process.terminate()
        try:
            async with asyncio.timeout(20):
                await process.wait()
        except TimeoutError:
            process.kill()


async def test_only_the_newest_spent_token_keeps_its_successor(gql, factory):
    await factory.tree()
    await register(gql, PHONE)
    token = (await _login(gql))["refreshToken"]
    for _ in range(3):
        token = (await gql(REFRESH, {"input": {"refreshToken": token}})
                 ).data["refreshToken"]["refreshToken"]
    family = (await RefreshToken.get(
        token_hash=hashlib.sha256(token.encode()).hexdigest())).family
    # Four rows: three spent, the newest live; one sealed pair (for the grace window).
    assert await RefreshToken.filter(family=family).count() == 4
    assert await RefreshToken.filter(family=family, successor_enc__isnull=False).count() == 1
    sealed = await RefreshToken.get(family=family, successor_enc__isnull=False)
    assert token not in sealed.successor_enc  # encrypted, not the token itself


async def test_a_refresh_racing_logout_everywhere_does_not_outlive_it(gql, factory):
    # Whatever order the two run in, the session ends: no refresh token of the family stays
    # usable, and no access token minted by the racing refresh is accepted.
    await factory.tree()
    await register(gql, PHONE)
    for _ in range(5):
        session = await _login(gql)
        refreshed, _ = await asyncio.gather(
            gql(REFRESH, {"input": {"refreshToken": session["refreshToken"]}}),
            gql(LOGOUT_EVERYWHERE, token=session["accessToken"]))
        pair = refreshed.data["refreshToken"]
        if pair["accessToken"]:  # the refresh won the race
            assert await _me_code(gql, pair["accessToken"]) == "TOKEN_REVOKED"
            assert await _refresh_codes(gql, pair["refreshToken"]) == ["TOKEN_REVOKED"]
        assert await _refresh_codes(gql, session["refreshToken"]) == ["TOKEN_REVOKED"]


async def test_a_revoked_session_keeps_no_sealed_pair(gql, factory):
    # The newest spent token keeps its successor pair sealed for the grace window; once the
    # session ends (logout, or a replay after the window) nothing usable stays stored.
    await factory.tree()
    await register(gql, PHONE)
    for end in ("logout", "reuse"):
        first = await _login(gql)
        second = (await gql(REFRESH, {"input": {"refreshToken": first["refreshToken"]}})
                  ).data["refreshToken"]
        family = (await RefreshToken.get(token_hash=hashlib.sha256(
            first["refreshToken"].encode()).hexdigest())).family
        assert await RefreshToken.filter(family=family, successor_enc__isnull=False).exists()
        if end == "logout":
            assert (await gql(LOGOUT, token=second["accessToken"])).data["logout"][
                "errors"] == []
        else:  # a replay of the spent token once the grace window is over
            await RefreshToken.filter(family=family, used_at__isnull=False).update(
                used_at=utcnow() - timedelta(minutes=5))
            assert await _refresh_codes(gql, first["refreshToken"]) == ["TOKEN_REUSED"]
        assert not await RefreshToken.filter(family=family, successor_enc__isnull=False
                                             ).exists(), end
