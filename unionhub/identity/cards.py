"""The member card's lifecycle beyond issue and loss (membership.report_card_lost):

    ACTIVE --freezeCard--> FROZEN --unfreezeCard--> ACTIVE
    ACTIVE/FROZEN --membership ends--> CANCELLED
    LOST (reported without reissue) --reissueCard--> a new ACTIVE card

Each step runs under the member's row lock (card changes are serialised per member), writes
an audit row in its transaction, and invalidates the member's cached record after the commit.
A refusal changes nothing. Reasons are kept on the card row; the audit row holds ids and codes.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.access import Principal, path_in_scope
from unionhub.identity.lookup import current_card, invalidate_member
from unionhub.identity.membership import _issue_card, optional_reason
from unionhub.identity.models import CardStatus, Member, MemberCard, Union


def required_reason(reason: str | None) -> str:
    checked = optional_reason(reason)
    if checked is None:
        raise ValidationFailed("give a reason", field="reason", code="REASON_REQUIRED")
    return checked


async def lock_member_in_scope(principal: Principal, member_id: int) -> tuple[Member, Union]:
    """The member's row, locked, when the caller's cadre scope holds their union. Outside the
    scope reads exactly like a missing member: a cadre learns nothing about other unions."""
    member = await Member.select_for_update().get_or_none(id=member_id, closed_at=None)
    union = await Union.get(id=member.union_id) if member else None
    if member is None or union is None or not path_in_scope(principal, union.path):
        raise NotFound("member not found", field="memberId", code="MEMBER_NOT_FOUND")
    return member, union


def refuse_own_card(principal: Principal, member_id: int) -> None:
    """A cadre never changes the status of their own card: a freeze put on by a higher union
    is lifted by a second person, as every review is."""
    if member_id == principal.member_id:
        raise Conflict("a cadre does not change the status of their own card",
                       field="memberId", code="SELF_REVIEW_FORBIDDEN")


async def _set_status(card: MemberCard, status: CardStatus, reason: str | None,
                      now: datetime) -> None:
    card.status = status
    card.status_changed_at = now
    card.status_reason = reason
    await card.save(update_fields=["status", "status_changed_at", "status_reason"])


async def _audit_card(action: str, actor_id: int | None, card: MemberCard, before: str) -> None:
    await audit.record(action, actor_id=actor_id, subject_type="member_card", subject_id=card.id,
                       detail={"member_id": card.member_id, "from": before,
                               "to": card.status.value})


async def freeze_card(principal: Principal, member_id: int, reason: str | None,
                      now: datetime | None = None) -> MemberCard:
    """A cadre in scope freezes the member's active card: it still finds the member, but the
    member drops to the MEMBER tier until it is unfrozen."""
    reason = required_reason(reason)
    async with in_transaction():
        await lock_member_in_scope(principal, member_id)
        refuse_own_card(principal, member_id)
        card = await current_card(member_id)
        if card is None:
            raise NotFound("the member has no card", field="memberId", code="NO_CARD")
        if card.status != CardStatus.ACTIVE:
            raise InvalidTransition("only an active card can be frozen", field="memberId",
                                    code="CARD_NOT_ACTIVE")
        await _set_status(card, CardStatus.FROZEN, reason, now or utcnow())
        await _audit_card(audit.CARD_FREEZE, principal.member_id, card, "ACTIVE")
    await invalidate_member(member_id, card.number)
    return card


async def unfreeze_card(principal: Principal, member_id: int, reason: str | None,
                        now: datetime | None = None) -> MemberCard:
    reason = required_reason(reason)
    async with in_transaction():
        await lock_member_in_scope(principal, member_id)
        refuse_own_card(principal, member_id)
        card = await current_card(member_id)
        if card is None or card.status != CardStatus.FROZEN:
            raise InvalidTransition("the member's card is not frozen", field="memberId",
                                    code="CARD_NOT_FROZEN")
        await _set_status(card, CardStatus.ACTIVE, reason, now or utcnow())
        await _audit_card(audit.CARD_UNFREEZE, principal.member_id, card, "FROZEN")
    await invalidate_member(member_id, card.number)
    return card


async def reissue_card(member_id: int) -> MemberCard:
    """A new card for a member whose last card was reported lost without a reissue."""
    async with in_transaction():
        member = await Member.select_for_update().get(id=member_id)
        union = await Union.get(id=member.union_id)
        if member.joined_at is None or union.is_holding_pool:
            raise ValidationFailed("only members of a union hold a card", code="NOT_A_MEMBER")
        live = await current_card(member_id)
        if live is not None and live.status == CardStatus.ACTIVE:
            raise Conflict("you already have an active card", code="CARD_ALREADY_ACTIVE")
        if live is not None:
            raise Conflict("your card is frozen; ask your union to unfreeze it",
                           code="CARD_FROZEN")
        newest = await MemberCard.filter(member_id=member_id).order_by("-id").first()
        if newest is None or newest.status != CardStatus.LOST:
            raise InvalidTransition("only a card reported lost is reissued", code="NO_LOST_CARD")
        card = await _issue_card(member_id)
        await audit.record(audit.CARD_REISSUE, actor_id=member_id,
                           subject_type="member_card", subject_id=card.id,
                           detail={"member_id": member_id, "replaces": newest.id})
    await invalidate_member(member_id)
    return card


async def cancel_live_cards(member_id: int, actor_id: int | None, reason_code: str,
                            now: datetime) -> list[MemberCard]:
    """Inside the caller's transaction (membership or account ends): every ACTIVE or FROZEN
    card becomes CANCELLED. Returns them, for the cache invalidation after the commit."""
    cards = await MemberCard.filter(member_id=member_id,
                                    status__in=[CardStatus.ACTIVE, CardStatus.FROZEN])
    for card in cards:
        before = card.status.value
        await _set_status(card, CardStatus.CANCELLED, reason_code, now)
        await _audit_card(audit.CARD_CANCEL, actor_id, card, before)
    return cards
