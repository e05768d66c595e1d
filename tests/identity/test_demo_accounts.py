"""The demo data docs/contract.md promises, in process (tests/test_cli.py runs `seed --demo` as
a command and checks each account's tier): the tree's region codes are real GB/T 2260 codes
at their level, each account is who the table says it is, and the synthetic members' ID
numbers pass the checksum."""

from __future__ import annotations

from datetime import date

from unionhub.identity.accounts import phone_index
from unionhub.identity.crypto import decrypt
from unionhub.identity.models import Member, Union, UnionLevel
from unionhub.identity.realname import parse_id_number
from unionhub.identity.regions import region, region_retired
from unionhub.identity.seed import DEMO_PASSWORD, SYNTHETIC_PREFIX, seed_demo

LOGIN = """mutation L($i: LoginInput!) { login(input: $i) { accessToken errors { code } } }"""
ME = """{ me { tier card { status } union { level parent { name regionCode level } } } }"""
LOOKUP = "query M($id: ID!) { member(id: $id) { phone } }"


async def _sign_in(gql, phone: str) -> str:
    out = await gql(LOGIN, {"i": {"phone": phone, "password": DEMO_PASSWORD}})
    assert out.data["login"]["errors"] == [], phone
    return out.data["login"]["accessToken"]


async def _id(phone: str) -> str:
    return str((await Member.get(phone_bidx=phone_index(phone))).id)


async def test_the_demo_tree_uses_real_region_codes_at_their_level():
    await seed_demo(members=0)
    unions = await Union.exclude(level=UnionLevel.NATIONAL).all()
    tree = [u for u in unions if u.level != UnionLevel.GRASSROOTS and not u.is_holding_pool]
    assert {u.level for u in tree} == {UnionLevel.PROVINCE, UnionLevel.CITY, UnionLevel.COUNTY}
    for union in tree:
        assert region(union.region_code) is not None and not region_retired(union.region_code)
        tail = {UnionLevel.PROVINCE: "0000", UnionLevel.CITY: "00"}.get(union.level)
        assert tail is None or union.region_code.endswith(tail), union.name
        assert union.level != UnionLevel.COUNTY or not union.region_code.endswith("00")


async def test_each_demo_account_is_who_the_table_says(gql):
    await seed_demo(members=30)
    tokens = {p: await _sign_in(gql, p) for p in (f"1390000000{i}" for i in range(1, 9))}
    me = {p: (await gql(ME, token=t)).data["me"] for p, t in tokens.items()}
    # 01 signed up, not verified: no card, no grassroots union yet.
    assert me["13900000001"]["tier"] == "MEMBER" and me["13900000001"]["card"] is None
    # 02 and 06: verified, active card, grassroots unions under county A and county B.
    for phone in ("13900000002", "13900000006"):
        assert me[phone]["tier"] == "VERIFIED" and me[phone]["card"] == {"status": "ACTIVE"}
        assert me[phone]["union"]["level"] == "GRASSROOTS"
        assert me[phone]["union"]["parent"]["level"] == "COUNTY"
    county_a = me["13900000002"]["union"]["parent"]
    assert me["13900000006"]["union"]["parent"]["regionCode"] != county_a["regionCode"]
    # 03, county A's cadre: 02 in full, 06 not at all. 04, the province's: both in full.
    for cadre, seen in (("13900000003", {"13900000002"}),
                        ("13900000004", {"13900000002", "13900000006"})):
        for phone in ("13900000002", "13900000006"):
            got = (await gql(LOOKUP, {"id": await _id(phone)}, token=tokens[cadre])).data
            assert got["member"] == ({"phone": phone} if phone in seen else None), (cadre, phone)
    cadres = {p: await Member.get(phone_bidx=phone_index(p)).prefetch_related("cadre_org")
              for p in ("13900000003", "13900000004")}
    assert cadres["13900000003"].cadre_org.region_code == county_a["regionCode"]
    assert cadres["13900000004"].cadre_org.level == UnionLevel.PROVINCE
    assert [me[p]["tier"] for p in ("13900000005", "13900000007", "13900000008")] == [
        "OPERATOR", "ADMIN", "ADMIN"]
    # The synthetic members' ID numbers pass GB 11643's checks, checksum included.
    synthetic = await Member.filter(display_name__startswith=SYNTHETIC_PREFIX)
    assert len(synthetic) == 30
    for member in synthetic:
        number = decrypt(member.id_number_enc, "id_number", owner=member.id)
        assert parse_id_number(number, date(2026, 12, 5)).number == number
