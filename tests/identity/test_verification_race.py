"""Real-name verification racing the account's closure (identity/verification.py): the closure
commits while the authority is being asked, and the verification then answers as it does for
an account already closed (NOT_FOUND, nothing written), not with an internal error.

The closure is held open by a second PostgreSQL connection that has already updated the
member's row: the verification reads the account as open, asks the authority, then waits on
the row's lock and finds the account closed when the closure commits."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest

from tests.identity.test_change_phone_race import _waiting_on_a_lock
from tests.identity.test_identity_verification import SPARE, VERIFY
from unionhub import db
from unionhub.identity.models import IdentityConflict, Member
from unionhub.identity.privacy import CURRENT
from unionhub.identity.rights import CLOSED_PHONE_INDEX


async def test_a_verification_never_lands_on_an_account_closed_meanwhile(gql, factory):
    if not db.is_postgres():
        pytest.skip("holds a row lock from a second PostgreSQL connection")
    account = await factory.account(verified=False)
    member_id = account.member.id
    closer = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await closer.execute("BEGIN")
        await closer.execute(
            "UPDATE members SET closed_at = now(), phone_enc = '', phone_bidx = $1 "
            "WHERE id = $2", CLOSED_PHONE_INDEX.format(member_id), member_id)
        verifying = asyncio.create_task(gql(VERIFY, {"input": {
            "name": SPARE[0], "idNumber": SPARE[1], "consentVersion": CURRENT.version}},
            token=account.token))
        for _ in range(200):
            if await _waiting_on_a_lock(closer) or verifying.done():
                break
            await asyncio.sleep(0.02)
        assert not verifying.done(), verifying.result()  # it waits on the closing row
        await closer.execute("COMMIT")
        out = await verifying
    finally:
        await closer.close()
    assert out.errors == [], out.errors  # not an internal error
    assert [e["code"] for e in out.data["verifyIdentity"]["errors"]] == ["NOT_FOUND"]
    row = await Member.get(id=member_id)
    assert (row.verified_at, row.name_enc, row.id_number_bidx) == (None, None, None)
    assert await IdentityConflict.all().count() == 0
