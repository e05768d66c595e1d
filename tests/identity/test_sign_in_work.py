"""A password sign-in does the same argon2 work whatever the account: an unknown phone, a wrong
password on an account hashed at today's cost, on one hashed at an older, cheaper cost, and on
one whose stored value is no argon2 hash. Its time would otherwise tell a stranger that the
phone has an account (and an old one). Compared by the work counted
(`passwords.work_done`, argon2 blocks), never by timing."""

from __future__ import annotations

from argon2 import PasswordHasher, Type

from tests.identity.account_flows import LOGIN, PASSWORD, register
from unionhub.identity import passwords
from unionhub.identity.models import Member


async def _work_of_a_refused_login(gql, phone: str) -> int:
    before = passwords.work_done()
    out = await gql(LOGIN, {"input": {"phone": phone, "password": "not-the-password"}})
    assert [e["code"] for e in out.data["login"]["errors"]] == ["INVALID_CREDENTIALS"]
    return passwords.work_done() - before


async def test_a_refused_sign_in_does_the_same_work_for_every_kind_of_account(gql, factory):
    await factory.tree()
    current = passwords._hasher()
    today = current.memory_cost * current.time_cost
    await register(gql, "13812345671")  # hashed at today's cost
    old = await register(gql, "13812345672")
    cheap = PasswordHasher(time_cost=1, memory_cost=max(8, current.memory_cost // 8),
                           parallelism=1, type=Type.ID)
    await Member.filter(id=int(old["member"]["id"])).update(password_hash=cheap.hash(PASSWORD))
    other = await register(gql, "13812345673")
    await Member.filter(id=int(other["member"]["id"])).update(password_hash="!")

    work = {kind: await _work_of_a_refused_login(gql, phone) for kind, phone in (
        ("unknown phone", "13987654321"), ("today's hash", "13812345671"),
        ("older, cheaper hash", "13812345672"), ("not an argon2 hash", "13812345673"))}
    # Equal up to the rounding of the top-up's memory to whole blocks per pass.
    assert all(today <= w < today + current.time_cost for w in work.values()), work

    # And the old account's right password still signs in (and is rehashed at today's cost).
    out = await gql(LOGIN, {"input": {"phone": "13812345672", "password": PASSWORD}})
    assert out.data["login"]["errors"] == []
    assert not passwords.needs_rehash((await Member.get(id=int(old["member"]["id"]))).password_hash)
