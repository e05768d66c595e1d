"""Display names never derive from personal data (issue 16, point 6): the defaults of sign-up
and of the seeds, and the migration that renames existing rows that reveal any."""

from __future__ import annotations

import importlib
import re
from types import SimpleNamespace

from tests.sms import sms_code
from unionhub import db
from unionhub.identity.display_names import reveals_personal_data
from unionhub.identity.models import Member
from unionhub.identity.seed import SYNTHETIC_PREFIX, seed_members

REGISTER = """mutation R($code: String!) { register(input: {phone: "13812345678",
  password: "long-enough-1", smsCode: $code}) { member { id displayName } errors { code } } }"""
_migration = importlib.import_module(
    "unionhub.identity.migrations.0008_sessions_revocation_and_display_names")


async def test_sign_up_and_seeds_name_members_without_their_phone(gql, factory):
    tree = await factory.tree()
    out = await gql(REGISTER, {"code": await sms_code(gql, "13812345678")})
    name = out.data["register"]["member"]["displayName"]
    assert re.fullmatch(r"会员[A-Z2-9]{6}", name) and "5678" not in name
    await seed_members(20, tree.all_grassroots, phone_prefix="173")
    seeded = await Member.filter(display_name__startswith=SYNTHETIC_PREFIX)
    assert len(seeded) == 20
    assert not any(re.search(r"\d{4}", m.display_name) for m in seeded)
    # Resumable without the phone in the name: a second run adds only what is missing.
    assert await seed_members(25, tree.all_grassroots, phone_prefix="173") == 5


async def test_the_migration_renames_names_that_reveal_personal_data(factory):
    accounts = [await factory.account(name="张三丰") for _ in range(6)]
    names = [  # each for the account it is given to: (name, should be replaced)
        (f"会员{accounts[0].phone}", True),  # the old synthetic default: the whole phone
        (f"会员{accounts[1].phone[-4:]}", True),  # the old sign-up default
        (f"阿{accounts[2].id_number}", True),
        ("张三丰的号", True),  # the legal name
        ("工号1234567", True),  # seven digits in a row: could be a phone or ID fragment
        ("老张", False),
    ]
    for account, (name, _) in zip(accounts, names, strict=True):
        await Member.filter(id=account.member.id).update(display_name=name)
    await _migration._rename_revealing_display_names(None, SimpleNamespace(client=db.conn()))
    for account, (name, replaced) in zip(accounts, names, strict=True):
        after = (await Member.get(id=account.member.id)).display_name
        assert (after != name) == replaced, name
        if replaced:
            assert not re.search(r"\d{4}", after)
    # The old synthetic default becomes a synthetic name; the rest a plain default.
    assert (await Member.get(id=accounts[0].member.id)).display_name.startswith(SYNTHETIC_PREFIX)
    assert (await Member.get(id=accounts[1].member.id)).display_name.startswith("会员")


def test_reveals_personal_data():
    assert reveals_personal_data("会员13900000002", "13900000002", None, None)
    assert not reveals_personal_data("会员K7Q2MX", "13900000002", "11010519491231002X", "王小明")
    assert reveals_personal_data("x11010519491231002x", None, "11010519491231002X", None)


def test_a_default_name_never_has_four_digits_in_a_row():
    # The old default was 会员 + the phone's last four digits; a random code with four digits
    # in a row reads as one (and made the migration test above fail about 1 run in 15).
    import random

    from unionhub.identity.display_names import default_display_name

    rng = random.Random(22)
    names = [default_display_name(rng) for _ in range(5000)]
    assert not [n for n in names if re.search(r"\d{4}", n)]
    assert len(set(names)) > 4990  # still random codes
