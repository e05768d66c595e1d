"""A revocation of a member's sessions made inside a caller's transaction (a role change, a
reset, a phone change, a closure) is published once that transaction commits: a rollback
leaves the sessions live everywhere, not refused for the next ~16 minutes."""

from __future__ import annotations

import asyncio

import jwt
from tortoise.transactions import in_transaction

from tests.identity.account_flows import LOGIN, PASSWORD, register
from unionhub.cache import get_redis
from unionhub.identity.models import RefreshToken
from unionhub.identity.revocation import REVOKED, STREAM
from unionhub.identity.sessions import revoke_member_sessions, revoke_session
from unionhub.settings import get_settings

PHONE = "13812345678"
ME = "query Me { me { id } }"


class _Undone(Exception):
    pass


async def _sign_in(gql) -> tuple[int, str, str]:
    out = (await gql(LOGIN, {"input": {"phone": PHONE, "password": PASSWORD}})).data["login"]
    assert out["errors"] == []
    claims = jwt.decode(out["accessToken"], get_settings().jwt_secret, algorithms=["HS256"],
                        audience="unionhub")
    return int(claims["sub"]), claims["sid"], out["accessToken"]


async def _streamed() -> set[str]:
    entries = await get_redis().xrange(STREAM, "-", "+")
    sids = (fields.get(b"sid", fields.get("sid")) for _, fields in entries)
    return {sid.decode() if isinstance(sid, bytes) else sid for sid in sids}


async def _settled(sid: str, revoked: bool) -> bool:
    for _ in range(100):  # the publication follows the transaction's end within milliseconds
        if (sid in REVOKED.revoked) == revoked and (sid in await _streamed()) == revoked:
            return True
        await asyncio.sleep(0.01)
    return False


async def test_a_rolled_back_revocation_signs_nobody_out(gql, factory):
    await factory.tree()
    await register(gql, PHONE)
    member_id, sid, token = await _sign_in(gql)
    try:
        async with in_transaction():
            assert await revoke_member_sessions(member_id, reason="role_change") == 2  # + sign-up's
            raise _Undone  # the caller's change failed after the revocation
    except _Undone:
        pass
    assert await RefreshToken.filter(family=sid, revoked_at__isnull=False).count() == 0
    assert await _settled(sid, revoked=False), "a rolled-back revocation was published"
    assert (await gql(ME, token=token)).data["me"]["id"]


async def test_a_committed_revocation_in_a_transaction_is_published(gql, factory):
    await factory.tree()
    await register(gql, PHONE)
    member_id, sid, token = await _sign_in(gql)
    async with in_transaction():
        await revoke_member_sessions(member_id, reason="role_change")
    assert await _settled(sid, revoked=True)
    (error,) = (await gql(ME, token=token)).errors
    assert error["extensions"]["reason"] == "TOKEN_REVOKED"


async def _undone(member_id: int, marked: asyncio.Event) -> None:
    try:
        async with in_transaction():
            await revoke_member_sessions(member_id, reason="role_change")
            marked.set()
            await asyncio.sleep(0.1)
            raise _Undone
    except _Undone:
        pass


async def _logout(member_id: int, sid: str, marked: asyncio.Event) -> None:
    await marked.wait()
    await revoke_session(member_id, sid, reason="logout", actor_id=member_id)


async def test_a_rollback_racing_a_committed_logout_leaves_the_session_ended(gql, factory):
    # The logout waits on the rolled-back revocation's row locks (PostgreSQL; SQLite's one
    # writer), then commits: whatever order the rollback's check and the logout's publication
    # take, the session stays refused here and in the stream.
    await factory.tree()
    await register(gql, PHONE)
    for _ in range(3):
        member_id, sid, token = await _sign_in(gql)
        marked = asyncio.Event()
        await asyncio.gather(_undone(member_id, marked), _logout(member_id, sid, marked))
        assert await RefreshToken.filter(family=sid, revoked_at__isnull=False).exists()
        await asyncio.sleep(0.1)  # the rollback's watch has looked by now
        assert await _settled(sid, revoked=True)
        (error,) = (await gql(ME, token=token)).errors
        assert error["extensions"]["reason"] == "TOKEN_REVOKED"
