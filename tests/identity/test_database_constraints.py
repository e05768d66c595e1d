"""Invariants held by the database itself, whatever the application code does."""

from __future__ import annotations

import pytest
from tortoise.exceptions import IntegrityError, OperationalError

from unionhub.identity.models import MemberCard


async def test_card_numbers_must_be_16_to_19_digits(factory):
    account = await factory.account()
    with pytest.raises((IntegrityError, OperationalError)):
        await MemberCard.create(member_id=account.member.id, number="123456789012345")
    await MemberCard.create(member_id=account.member.id, number="6217990000000000")
