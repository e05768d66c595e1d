"""A sign-in racing a revocation of all the member's sessions (a password reset, a phone change,
a role change, logoutEverywhere, an admin's revokeSessions) cannot outlive it (review: a
password sign-in whose check passed just before a reset committed started its session after
the reset's revocation, and that session lived on for 30 days of refreshes).

The race is driven without touching the code under test: a sign-in is the read of the member
its proof is checked against, then `start_session`; the revocation runs to completion between
the two (both backends). On PostgreSQL the real `login` mutation is held between its password
check and its session's INSERT by a table lock held from a second connection, while the reset
commits."""

from __future__ import annotations

import asyncio
import os

import pytest
from tortoise.expressions import F

from tests.sms import sms_code
from unionhub import db
from unionhub.errors import ValidationFailed
from unionhub.identity import accounts
from unionhub.identity.models import AuditLog, Member, RefreshToken, Role

OLD = "demo-pass-2026"  # the factory's accounts' password
NEW = "brand-new-pass-1"
LOGIN = """mutation L($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken errors { code } } }"""
REFRESH = """mutation R($input: RefreshTokenInput!) {
  refreshToken(input: $input) { accessToken refreshToken errors { code } } }"""
RESET = """mutation P($input: ResetPasswordInput!) {
  resetPassword(input: $input) { accessToken refreshToken errors { code } } }"""
CHANGE = """mutation C($input: ChangePhoneInput!) {
  changePhone(input: $input) { member { id } errors { code } } }"""
ASSIGN = """mutation A($input: AssignRoleInput!) { assignRole(input: $input) { errors { code } } }"""
REVOKE = """mutation V($input: RevokeSessionsInput!) {
  revokeSessions(input: $input) { sessionsEnded errors { code } } }"""
EVERYWHERE = "mutation { logoutEverywhere { sessionsEnded errors { code } } }"
ME = "{ me { id } }"


async def _login(gql, phone: str, password: str = OLD) -> dict:
    return (await gql(LOGIN, {"input": {"phone": phone, "password": password}})).data["login"]


async def _reset(gql, phone: str) -> dict:
    code = await sms_code(gql, phone, "RESET_PASSWORD")
    out = await gql(RESET, {"input": {"phone": phone, "smsCode": code, "newPassword": NEW}})
    return out.data["resetPassword"]


async def _revoke_all(kind: str, gql, factory, victim) -> None:
    """One of the rules that end every session of the member, as its caller runs it."""
    if kind == "password_reset":
        assert (await _reset(gql, victim.phone))["errors"] == []
    elif kind == "phone_change":
        new_phone = "13900001111"
        code = await sms_code(gql, new_phone, "CHANGE_PHONE")
        out = await gql(CHANGE, {"input": {"newPhone": new_phone, "smsCode": code,
                                           "password": OLD}}, token=victim.token)
        assert out.data["changePhone"]["errors"] == []
    elif kind == "role_change":
        admin = await factory.admin()
        out = await gql(ASSIGN, {"input": {"memberId": str(victim.member.id),
                                           "role": Role.OPERATOR.value}}, token=admin.token)
        assert out.data["assignRole"]["errors"] == []
    elif kind == "admin":
        admin = await factory.admin()
        out = await gql(REVOKE, {"input": {"memberId": str(victim.member.id)}},
                        token=admin.token)
        assert out.data["revokeSessions"]["errors"] == []
    else:
        signed_in = await _login(gql, victim.phone)
        out = await gql(EVERYWHERE, token=signed_in["accessToken"])
        assert out.data["logoutEverywhere"]["errors"] == []


async def _live_families(member_id: int) -> set[str]:
    return set(await RefreshToken.filter(member_id=member_id, revoked_at=None)
               .values_list("family", flat=True))


@pytest.mark.parametrize("kind", ["password_reset", "phone_change", "role_change", "admin",
                                  "logout_everywhere"])
async def test_a_session_checked_before_a_revocation_is_not_started_after_it(gql, factory, kind):
    victim = await factory.account()
    # The sign-in reads the member its proof is checked against (loginBySms: the code's phone
    # led to it; login: the row whose password hash is verified) ...
    read_before = await Member.get(id=victim.member.id)
    # ... the revocation commits ...
    await _revoke_all(kind, gql, factory, victim)
    live = await _live_families(victim.member.id)
    # ... and the session would start now: refused as a wrong code, nothing stored.
    with pytest.raises(ValidationFailed) as refused:
        await accounts.start_session(read_before)
    assert refused.value.code == "SMS_CODE_INVALID"
    assert await _live_families(victim.member.id) == live
    # The refusal is the race's only: a sign-in that read the member afterwards gets a session
    # that works and refreshes.
    session = await accounts.start_session(await Member.get(id=victim.member.id))
    assert (await gql(ME, token=session.access_token)).data["me"]["id"] == str(victim.member.id)
    again = await gql(REFRESH, {"input": {"refreshToken": session.refresh_token}})
    assert again.data["refreshToken"]["errors"] == []


async def test_a_password_reset_gets_its_own_session(gql, factory):
    """The reset's own session is begun after the revocation it made (with the epoch it set)."""
    victim = await factory.account()
    reset = await _reset(gql, victim.phone)
    assert reset["errors"] == []
    assert (await gql(ME, token=reset["accessToken"])).data["me"]["id"] == str(victim.member.id)
    again = await gql(REFRESH, {"input": {"refreshToken": reset["refreshToken"]}})
    assert again.data["refreshToken"]["errors"] == []


async def test_a_refresh_is_refused_once_the_members_epoch_moved_on(gql, factory):
    """A session no revocation marked (here: the epoch moved on by hand, as a revocation whose
    marking was lost would leave it) is refused at its next refresh all the same."""
    victim = await factory.account()
    signed_in = await _login(gql, victim.phone)
    assert signed_in["errors"] == []
    await Member.filter(id=victim.member.id).update(sessions_epoch=F("sessions_epoch") + 1)
    out = await gql(REFRESH, {"input": {"refreshToken": signed_in["refreshToken"]}})
    assert [e["code"] for e in out.data["refreshToken"]["errors"]] == ["TOKEN_REVOKED"]


class _Blocker:
    """A second PostgreSQL connection holding a table lock in a transaction, and watching
    the application's statements wait on it."""

    def __init__(self, connection) -> None:
        self.connection = connection

    @classmethod
    async def lock(cls, table: str) -> _Blocker:
        import asyncpg

        blocker = cls(await asyncpg.connect(os.environ["DATABASE_URL"]))
        await blocker.connection.execute(f'BEGIN; LOCK TABLE "{table}" IN SHARE MODE')
        return blocker

    async def until_waiting(self, count: int, statement: str = "%") -> None:
        """Until `count` statements (like `statement`) wait on a lock."""
        for _ in range(1000):
            await self.connection.execute("SELECT pg_stat_clear_snapshot()")  # (else cached)
            if await self.connection.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock' AND query ILIKE $1", statement) == count:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"{count} statements never waited on a lock")

    async def release(self) -> None:
        await self.connection.execute("ROLLBACK")
        await self.connection.close()


def _pg_only() -> None:
    if not db.is_postgres():
        pytest.skip("PostgreSQL only: a lock held by another connection holds the statements")


async def test_a_password_sign_in_held_at_its_session_while_a_reset_commits_is_refused(
        gql, factory):
    """The review's race through the real mutations: the sign-in's password check passes, its
    session's INSERT waits (a SHARE lock on refresh_tokens held by another connection) while
    the owner's reset commits; released, the sign-in is refused as a wrong password and no
    session of it exists. (Before the fix it got a session that `me` and refresh accepted.)"""
    _pg_only()
    victim = await factory.account()
    code = await sms_code(gql, victim.phone, "RESET_PASSWORD")
    blocker = await _Blocker.lock("refresh_tokens")
    inserts = 'INSERT INTO "refresh_tokens"%'
    try:
        sign_in = asyncio.create_task(_login(gql, victim.phone))
        await blocker.until_waiting(1, inserts)  # checked, and held before its session
        reset = asyncio.create_task(gql(RESET, {"input": {
            "phone": victim.phone, "smsCode": code, "newPassword": NEW}}))
        # The reset commits (its revocation included), then waits to store its own session.
        await blocker.until_waiting(2, inserts)
        assert await blocker.connection.fetchval(
            "SELECT password_hash FROM members WHERE id = $1", victim.member.id
        ) != victim.member.password_hash
    finally:
        await blocker.release()
    signed_in = await sign_in
    assert [e["code"] for e in signed_in["errors"]] == ["INVALID_CREDENTIALS"], signed_in
    assert signed_in["accessToken"] is None and signed_in["refreshToken"] is None
    assert (await reset).data["resetPassword"]["errors"] == []
    assert len(await _live_families(victim.member.id)) == 1  # the reset's own session only


async def test_a_password_sign_in_during_a_resets_transaction_is_refused(gql, factory):
    """The reset's transaction is held open past its revocation (its audit row's INSERT waits
    on a lock held by another connection) while a sign-in with the old password runs: the
    sign-in reads the old hash (the reset is not committed) and passes its check, then waits
    for the reset (the member's row) instead of starting a session the reset's marking has
    already missed; released, it is refused."""
    _pg_only()
    victim = await factory.account()
    code = await sms_code(gql, victim.phone, "RESET_PASSWORD")
    blocker = await _Blocker.lock(AuditLog._meta.db_table)
    try:
        reset = asyncio.create_task(gql(RESET, {"input": {
            "phone": victim.phone, "smsCode": code, "newPassword": NEW}}))
        await blocker.until_waiting(1)  # revoked (uncommitted), waiting at its audit row
        sign_in = asyncio.create_task(_login(gql, victim.phone))
        await blocker.until_waiting(2)  # past its password check, waiting
    finally:
        await blocker.release()
    signed_in = await sign_in
    assert (await reset).data["resetPassword"]["errors"] == []
    if signed_in["errors"] == []:  # (what the race gave before: show that it is dead)
        me = await gql(ME, token=signed_in["accessToken"])
        assert me.data.get("me") is None, "the sign-in's session outlived the reset"
    assert [e["code"] for e in signed_in["errors"]] == ["INVALID_CREDENTIALS"], signed_in
    assert len(await _live_families(victim.member.id)) == 1  # the reset's own session only


async def test_a_logout_racing_a_refresh_of_its_session_still_ends_it(gql, factory):
    """(Kept sound through the rotation's change.) The refresh holds its token's row and waits
    to spend it, logout waits to mark the family (a SHARE lock on refresh_tokens held by another
    connection); released, whichever order they finish in, the refreshed pair is dead: its
    access token refused, its refresh token refused."""
    _pg_only()
    victim = await factory.account()
    signed_in = await _login(gql, victim.phone)
    blocker = await _Blocker.lock("refresh_tokens")
    try:
        refreshing = asyncio.create_task(gql(REFRESH, {"input": {
            "refreshToken": signed_in["refreshToken"]}}))
        await blocker.until_waiting(1, 'UPDATE "refresh_tokens"%')  # the spend, row held
        out = asyncio.create_task(gql("mutation { logout { sessionsEnded errors { code } } }",
                                      token=signed_in["accessToken"]))
        await blocker.until_waiting(2, 'UPDATE "refresh_tokens"%')  # the marking
    finally:
        await blocker.release()
    assert (await out).data["logout"]["errors"] == []
    new = (await refreshing).data["refreshToken"]
    if new["errors"] == []:
        me = await gql(ME, token=new["accessToken"])
        assert me.data.get("me") is None
        again = await gql(REFRESH, {"input": {"refreshToken": new["refreshToken"]}})
        assert [e["code"] for e in again.data["refreshToken"]["errors"]] == ["TOKEN_REVOKED"]
    assert (await gql(ME, token=signed_in["accessToken"])).data.get("me") is None


async def test_a_reset_whose_own_session_is_revoked_again_says_the_password_changed(
        gql, factory):
    """The reset commits, then waits to store its own session (a SHARE lock on refresh_tokens
    held by another connection) while an admin revokes the member's sessions again (done
    before the lock is released); released,
    the reset's session is refused (the epoch moved on) but the answer says the password
    changed and to sign in with it. (Before, it said SMS_CODE_INVALID: a spent code and a
    reset the member would think had failed.)"""
    _pg_only()
    victim = await factory.account()
    admin = await factory.admin()
    code = await sms_code(gql, victim.phone, "RESET_PASSWORD")
    blocker = await _Blocker.lock("refresh_tokens")
    try:
        reset = asyncio.create_task(gql(RESET, {"input": {
            "phone": victim.phone, "smsCode": code, "newPassword": NEW}}))
        await blocker.until_waiting(1, 'INSERT INTO "refresh_tokens"%')  # committed, waiting
        # (No session is live to mark: the revocation only moves the epoch on, and commits.)
        revoke = await gql(REVOKE, {"input": {"memberId": str(victim.member.id)}},
                           token=admin.token)
        assert revoke.data["revokeSessions"]["errors"] == []
    finally:
        await blocker.release()
    out = (await reset).data["resetPassword"]
    assert [e["code"] for e in out["errors"]] == ["PASSWORD_RESET_SIGN_IN_AGAIN"], out
    assert out["accessToken"] is None and out["refreshToken"] is None
    assert await _live_families(victim.member.id) == set()
    assert (await _login(gql, victim.phone, NEW))["errors"] == []
