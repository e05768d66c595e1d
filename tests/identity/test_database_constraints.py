"""Invariants held by the database itself, whatever the application code does."""

from __future__ import annotations

import pytest
from tortoise.exceptions import IntegrityError, OperationalError

from unionhub.clock import utcnow
from unionhub.identity.models import (
    CardStatus,
    JoinApplication,
    MemberCard,
    ReviewStatus,
    TransferRequest,
)

# Non-ACTIVE rows, so only the length check (not "one active card") can refuse them.
RETIRED = CardStatus.CANCELLED


async def test_card_numbers_must_be_16_to_19_digits(factory):
    account = await factory.account()
    with pytest.raises((IntegrityError, OperationalError)):
        await MemberCard.create(member_id=account.member.id, number="123456789012345",
                                status=RETIRED)
    await MemberCard.create(member_id=account.member.id, number="6217990000000000",
                            status=RETIRED)


async def test_a_member_has_at_most_one_active_card(factory):
    account = await factory.account()
    await MemberCard.filter(member_id=account.member.id).delete()
    await MemberCard.create(member_id=account.member.id, number="6217990000000001")
    with pytest.raises(IntegrityError):
        await MemberCard.create(member_id=account.member.id, number="6217990000000002")
    # Retired cards are history: any number of them sit beside the active one.
    for number in ("6217990000000003", "6217990000000004"):
        await MemberCard.create(member_id=account.member.id, number=number, status=RETIRED)
    assert await MemberCard.filter(member_id=account.member.id,
                                   status=CardStatus.ACTIVE).count() == 1


async def test_a_member_has_at_most_one_pending_join_application(factory):
    tree = await factory.tree()
    account = await factory.account(tree.pool)
    union, due = tree.grassroots["A"][0], utcnow()
    await JoinApplication.create(member_id=account.member.id, union=union, due_at=due)
    with pytest.raises(IntegrityError):
        await JoinApplication.create(member_id=account.member.id, union=tree.grassroots["B"][0],
                                     due_at=due)
    await JoinApplication.create(member_id=account.member.id, union=union, due_at=due,
                                 status=ReviewStatus.REJECTED, reason="材料不全")
    assert await JoinApplication.filter(member_id=account.member.id).count() == 2


async def test_a_member_has_at_most_one_pending_transfer(factory):
    tree = await factory.tree()
    home = tree.grassroots["A"][0]
    account = await factory.account(home)
    await TransferRequest.create(member_id=account.member.id, from_union=home,
                                 to_union=tree.grassroots["B"][0])
    with pytest.raises(IntegrityError):
        await TransferRequest.create(member_id=account.member.id, from_union=home,
                                     to_union=tree.grassroots["C"][0])
    await TransferRequest.create(member_id=account.member.id, from_union=home,
                                 to_union=tree.grassroots["C"][0], status=ReviewStatus.APPROVED)
    assert await TransferRequest.filter(member_id=account.member.id).count() == 2
