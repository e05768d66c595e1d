"""Leaving a union (退会): by the member, or by a cadre whose scope holds them, with a reason.

One transaction under the member's row lock: the exit is recorded, the card cancelled, a
pending transfer closed, the member moved to the holding pool (the online benefits every
registered worker has) and every domain told (`unionhub.memberdata`: the mall voids the
vouchers granted through the old union at once). The cached record is invalidated after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from unionhub import memberdata
from unionhub.clock import utcnow
from unionhub.errors import NotFound, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.access import Principal, require_authenticated
from unionhub.identity.cards import cancel_live_cards, lock_member_in_scope, required_reason
from unionhub.identity.lookup import invalidate_member
from unionhub.identity.models import (
    Member,
    MembershipExit,
    ReviewStatus,
    TransferRequest,
    Union,
)
from unionhub.identity.orgs import ensure_holding_pool


@dataclass(frozen=True)
class EndedMembership:
    exit: MembershipExit | None  # None: the member belonged to no union
    card_numbers: list[str]


async def end_membership(member: Member, union: Union, kind: str, actor_id: int | None,
                         reason: str | None, now: datetime) -> EndedMembership:
    """Inside the caller's transaction, with the member's row locked."""
    affiliated = member.joined_at is not None and not union.is_holding_pool
    cards = await cancel_live_cards(member.id, actor_id, "MEMBERSHIP_ENDED", now)
    if not affiliated:
        return EndedMembership(None, [c.number for c in cards])
    exit_row = await MembershipExit.create(member_id=member.id, union_id=union.id,
                                           joined_at=member.joined_at, left_at=now,
                                           actor_id=actor_id, kind=kind, reason=reason)
    await TransferRequest.filter(member_id=member.id, status=ReviewStatus.PENDING).update(
        status=ReviewStatus.REJECTED, review_reason="membership ended", reviewed_at=now,
        reviewed_by_id=actor_id)
    pool = await ensure_holding_pool()
    await Member.filter(id=member.id).update(union_id=pool.id, joined_at=None, updated_at=now)
    await memberdata.membership_ended(member.id, pool.path, actor_id)
    await audit.record("identity.membership.leave", actor_id=actor_id, subject_type="member",
                       subject_id=member.id,
                       detail={"union_id": union.id, "kind": kind, "exit_id": exit_row.id,
                               "cancelled_cards": [c.id for c in cards]})
    return EndedMembership(exit_row, [c.number for c in cards])


async def leave_union(principal: Principal, member_id: int | None, reason: str | None,
                      now: datetime | None = None) -> MembershipExit | None:
    """The member leaves (`member_id` None or their own; a reason is optional), or a cadre in
    scope removes them (a reason is required)."""
    caller = require_authenticated(principal)
    target = caller if member_id is None else member_id
    by_self = target == caller
    if by_self:
        reason = (reason or "").strip() or None
        if reason is not None:
            reason = required_reason(reason)  # the length rule
    else:
        reason = required_reason(reason)
    now = now or utcnow()
    async with in_transaction():
        if by_self:
            member = await Member.select_for_update().get_or_none(id=target, closed_at=None)
            if member is None:
                raise NotFound("member not found", field="memberId", code="MEMBER_NOT_FOUND")
            union = await Union.get(id=member.union_id)
        else:
            member, union = await lock_member_in_scope(principal, target)
        if member.joined_at is None or union.is_holding_pool:
            raise ValidationFailed("this member belongs to no union", field="memberId",
                                   code="NOT_A_MEMBER")
        ended = await end_membership(member, union, "LEFT" if by_self else "REMOVED", caller,
                                     reason, now)
    await invalidate_member(target, *ended.card_numbers)
    return ended.exit
