"""A revocation reaches a step-up change already under way: a phone change or a closure whose
token was accepted before another request revoked the member's sessions (a phone change, a
sign-out everywhere) is refused as the revoked session is, even when it reads the account only
after that revocation committed. A password reset, proven by a code and not a session, lands
only on the account still on the phone that proved it (not one closed or moved meanwhile).

The other side is a second PostgreSQL connection committing what the racing request commits.
For the step-up changes it first locks the members table, so the request under test, past its
token check, waits on its first read of the account (tests/pg_locks.py) until the revocation
has committed: it then reads the account as the revocation left it. That is the window of a
request whose process has not yet heard of the revocation (revocation.py: seconds)."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest

from tests.identity.phone_flows import (
    CHANGE,
    CLOSE,
    NEW_PHONE,
    PASSWORD,
    PHONE,
    RESET,
    _refused_as_signed_out,
    codes,
    sign_up,
)
from tests.pg_locks import until_waiting
from tests.sms import sms_code
from unionhub import db
from unionhub.identity.accounts import phone_index
from unionhub.identity.crypto import encrypt
from unionhub.identity.models import AuditLog, Member, RefreshToken
from unionhub.identity.rights import CLOSED_PHONE_INDEX

THIRD_PHONE = "13900002222"
_REVOKE = ("UPDATE refresh_tokens SET revoked_at = now() "
           "WHERE member_id = $1 AND revoked_at IS NULL")


@pytest.fixture(autouse=True)
def _postgres_only():
    if not db.is_postgres():
        pytest.skip("orders two PostgreSQL connections by their locks")


async def _after_a_revocation(gql, mutation: str, variables: dict, token: str,
                              statements: list[tuple]) -> object:
    """Run the mutation; once it waits on the members table, commit `statements` (the racing
    request's writes, its revocation among them), then let it go on."""
    other = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await other.execute("BEGIN")
        await other.execute("LOCK TABLE members IN ACCESS EXCLUSIVE MODE")
        request = asyncio.create_task(gql(mutation, variables, token=token))
        await until_waiting(other, unless=request)
        assert not request.done(), request.result()  # past its token check, reading the account
        for statement in statements:
            await other.execute(*statement)
        await other.execute("COMMIT")
        return await request
    finally:
        await other.close()


async def test_two_phone_changes_with_one_token_do_not_both_land(gql, factory):
    """The first change (to NEW_PHONE) commits while the second (to THIRD_PHONE), with the same
    token and password, is on its way: the account stays on NEW_PHONE, and THIRD_PHONE's holder
    is never told it owns the account."""
    await factory.tree()
    signed_up = await sign_up(gql)
    member = await Member.get(phone_bidx=phone_index(PHONE))
    code = await sms_code(gql, THIRD_PHONE, "CHANGE_PHONE")
    out = await _after_a_revocation(gql, CHANGE, {"input": {
        "newPhone": THIRD_PHONE, "smsCode": code, "password": PASSWORD}},
        signed_up["accessToken"], [
            ("UPDATE members SET phone_enc = $1, phone_bidx = $2, "
             "sessions_epoch = sessions_epoch + 1 WHERE id = $3",
             encrypt(NEW_PHONE, "phone", owner=member.id), phone_index(NEW_PHONE), member.id),
            (_REVOKE, member.id)])
    _refused_as_signed_out(out)
    assert (await Member.get(id=member.id)).phone_bidx == phone_index(NEW_PHONE)
    assert not await AuditLog.filter(action="identity.phone.change").exists()


async def test_a_closure_does_not_land_after_a_sign_out_everywhere(gql, factory):
    await factory.tree()
    signed_up = await sign_up(gql)
    member = await Member.get(phone_bidx=phone_index(PHONE))
    out = await _after_a_revocation(gql, CLOSE, {"input": {"password": PASSWORD}},
                                    signed_up["accessToken"], [
        ("UPDATE members SET sessions_epoch = sessions_epoch + 1 WHERE id = $1", member.id),
        (_REVOKE, member.id)])
    _refused_as_signed_out(out)
    assert (await Member.get(id=member.id)).closed_at is None
    assert not await AuditLog.filter(action="identity.account.close").exists()


@pytest.mark.parametrize("moved", ["closed", "phone_changed"])
async def test_a_password_reset_does_not_land_on_an_account_that_left_the_phone(gql, factory,
                                                                              moved):
    """The reset reads the account by the phone, then waits on its row, held by a closure or a
    phone change that commits: it answers as for a phone with no account, and the account gets
    neither the new password nor a session."""
    await factory.tree()
    await sign_up(gql)
    member = await Member.get(phone_bidx=phone_index(PHONE))
    code = await sms_code(gql, PHONE, "RESET_PASSWORD")
    other = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await other.execute("BEGIN")
        if moved == "closed":
            await other.execute(
                "UPDATE members SET closed_at = now(), phone_enc = '', phone_bidx = $1, "
                "password_hash = '!', sessions_epoch = sessions_epoch + 1 WHERE id = $2",
                CLOSED_PHONE_INDEX.format(member.id), member.id)
        else:
            await other.execute(
                "UPDATE members SET phone_enc = $1, phone_bidx = $2, "
                "sessions_epoch = sessions_epoch + 1 WHERE id = $3",
                encrypt(NEW_PHONE, "phone", owner=member.id), phone_index(NEW_PHONE), member.id)
        await other.execute(_REVOKE, member.id)
        reset = asyncio.create_task(gql(RESET, {"input": {
            "phone": PHONE, "smsCode": code, "newPassword": "brand-new-pass"}}))
        await until_waiting(other, unless=reset)
        assert not reset.done(), reset.result()  # waiting on the account's row
        await other.execute("COMMIT")
        out = await reset
    finally:
        await other.close()
    assert codes(out.data["resetPassword"]) == ["PHONE_NOT_REGISTERED"], out.body
    assert out.data["resetPassword"]["accessToken"] is None
    row = await Member.get(id=member.id)
    assert row.password_hash == ("!" if moved == "closed" else member.password_hash)
    assert not await RefreshToken.filter(member_id=member.id, revoked_at=None).exists()
    assert not await AuditLog.filter(action="identity.password.reset").exists()
