"""Member cards: report lost and reissue, and the card-number lookup, through the GraphQL
endpoint (the lookup reads through the Redis cache, so each step is checked after the cache
was filled)."""

from __future__ import annotations

import asyncio

import pytest

from unionhub.identity.codes import luhn_valid
from unionhub.identity.models import CardStatus, MemberCard

LOST = """mutation Lost($input: ReportCardLostInput!) {
  reportCardLost(input: $input) { card { number status issuedAt } errors { code field message } }
}"""
ME = "query Me { me { id tier card { number status } } }"
BY_CARD = "query C($c: String!) { member(cardNo: $c) { id card { number status } } }"


async def report_lost(gql, account, reissue: bool = True) -> dict:
    r = await gql(LOST, {"input": {"reissue": reissue}}, token=account.token)
    assert r.errors == []
    return r.data["reportCardLost"]


async def by_card(gql, cadre, number: str):
    r = await gql(BY_CARD, {"c": number}, token=cadre.token)
    assert r.errors == []
    return r.data["member"]


async def test_report_lost_marks_the_card_lost_and_reissues_a_new_number(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.counties["A"])
    old = (await gql(ME, token=member.token)).data["me"]["card"]["number"]
    # Fill the cache on both keys (member id and card number) before the change.
    assert (await by_card(gql, cadre, old))["id"] == member.id
    assert (await by_card(gql, member, old))["id"] == member.id

    out = await report_lost(gql, member)
    assert out["errors"] == []
    new = out["card"]["number"]
    assert out["card"]["status"] == "ACTIVE" and new != old
    assert len(new) == 19 and new.isdigit() and luhn_valid(new)

    rows = {c.number: c for c in await MemberCard.filter(member_id=member.member.id)}
    assert rows[old].status == CardStatus.LOST and rows[old].status_changed_at is not None
    assert rows[new].status == CardStatus.ACTIVE and len(rows) == 2

    me = (await gql(ME, token=member.token)).data["me"]
    assert me["card"] == {"number": new, "status": "ACTIVE"} and me["tier"] == "VERIFIED"
    # The old number finds no one, for the cadre or the member; the new one finds the member.
    assert await by_card(gql, cadre, old) is None
    assert await by_card(gql, member, old) is None
    found = await by_card(gql, cadre, new)
    assert found == {"id": member.id, "card": {"number": new, "status": "ACTIVE"}}


async def test_reporting_twice_reissues_again(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    first = (await report_lost(gql, member))["card"]["number"]
    second = (await report_lost(gql, member))["card"]["number"]
    assert first != second
    statuses = {c.number: c.status for c in await MemberCard.filter(member_id=member.member.id)}
    assert list(statuses.values()).count(CardStatus.ACTIVE) == 1
    assert statuses[second] == CardStatus.ACTIVE and statuses[first] == CardStatus.LOST


async def test_report_lost_without_reissue_leaves_no_card(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.counties["A"])
    old = (await gql(ME, token=member.token)).data["me"]["card"]["number"]
    out = await report_lost(gql, member, reissue=False)
    assert out == {"card": None, "errors": []}
    me = (await gql(ME, token=member.token)).data["me"]
    assert me["card"] is None and me["tier"] == "MEMBER"  # VERIFIED needs an active card
    assert await by_card(gql, cadre, old) is None
    again = await report_lost(gql, member)
    assert [(e["code"], e["field"]) for e in again["errors"]] == [("NO_CARD", None)]
    assert again["card"] is None


async def test_reporting_with_no_card_is_refused(gql, factory):
    tree = await factory.tree()
    for account in (await factory.account(verified=False),           # never joined
                    await factory.account(tree.pool, verified=True)):  # verified, in no union
        out = await report_lost(gql, account)
        assert [e["code"] for e in out["errors"]] == ["NO_CARD"]
        assert await MemberCard.filter(member_id=account.member.id).count() == 0


async def test_concurrent_reports_leave_exactly_one_active_card(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    results = await asyncio.gather(*(report_lost(gql, member) for _ in range(5)))
    # Each report is a whole step (mark lost, reissue): they queue, none is lost half-way.
    assert all(r["errors"] == [] for r in results)
    cards = await MemberCard.filter(member_id=member.member.id)
    assert len(cards) == 6
    assert [c.status for c in cards].count(CardStatus.ACTIVE) == 1
    active = next(c.number for c in cards if c.status == CardStatus.ACTIVE)
    assert (await gql(ME, token=member.token)).data["me"]["card"]["number"] == active


async def test_reporting_needs_a_signed_in_member(gql, factory):
    await factory.tree()
    r = await gql(LOST, {"input": {"reissue": True}})
    assert r.error_codes() == ["UNAUTHENTICATED"]


async def test_card_lookup_by_an_unknown_or_malformed_number_finds_no_one(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    for number in ("6217990000000000000", "6217990000000000", "not-a-card", ""):
        assert await by_card(gql, cadre, number) is None


async def test_card_lookup_by_an_overlong_number_finds_no_one(gql, factory):
    # Longer than the column: must be "no one", not a server error.
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    for number in ("62179900000000000001", "1" * 40):
        assert await by_card(gql, cadre, number) is None


async def test_the_database_refuses_a_duplicate_card_number(factory):
    from tortoise.exceptions import IntegrityError
    from tortoise.transactions import in_transaction

    tree = await factory.tree()
    a = await factory.account(tree.grassroots["A"][0])
    b = await factory.account(tree.grassroots["B"][0])
    taken = (await MemberCard.get(member_id=a.member.id)).number
    with pytest.raises(IntegrityError):
        async with in_transaction():
            await MemberCard.create(member_id=b.member.id, number=taken)
    assert await MemberCard.filter(member_id=b.member.id).count() == 1


async def test_the_database_refuses_a_card_number_of_the_wrong_length(factory):
    # Migration 0003: Tortoise's CreateModel left this CheckConstraint out of the table.
    from tortoise.exceptions import IntegrityError
    from tortoise.transactions import in_transaction

    tree = await factory.tree()
    b = await factory.account(tree.grassroots["B"][0])
    with pytest.raises(IntegrityError):
        async with in_transaction():
            await MemberCard.create(member_id=b.member.id, number="621799123")
