"""Joining a union, transferring between unions, and member cards."""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from unionhub.clock import add_working_days, utcnow
from unionhub.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.access import Principal, path_in_scope
from unionhub.identity.codes import new_card_number
from unionhub.identity.lookup import current_card, invalidate_member
from unionhub.identity.models import (
    CardStatus,
    JoinApplication,
    Member,
    MemberCard,
    ReviewStatus,
    TransferRequest,
    Union,
    UnionLevel,
)
from unionhub.identity.orgs import get_union, union_by_join_code
from unionhub.plaintext import check_plain

# Shanghai's rule: a union answers a join application within 15 working days.
JOIN_REVIEW_WORKING_DAYS = 15


def _is_affiliated(member: Member, union: Union) -> bool:
    return member.joined_at is not None and not union.is_holding_pool


async def apply_to_join(member_id: int, join_code: str,
                        now: datetime | None = None) -> JoinApplication:
    union = await union_by_join_code(join_code)
    now = now or utcnow()
    async with in_transaction():
        member = await Member.select_for_update().get(id=member_id)
        await member.fetch_related("union")
        if member.verified_at is None:
            raise ValidationFailed("verify your real-name identity before joining",
                                   code="IDENTITY_NOT_VERIFIED")
        if _is_affiliated(member, member.union):
            raise Conflict("you already belong to a union; ask for a transfer instead",
                           code="ALREADY_MEMBER")
        if await JoinApplication.exists(member_id=member_id, status=ReviewStatus.PENDING):
            raise Conflict("you already have an application waiting for review",
                           code="APPLICATION_PENDING")
        application = await JoinApplication.create(
            member=member, union=union, due_at=add_working_days(now, JOIN_REVIEW_WORKING_DAYS),
        )
        if union.auto_approve:
            await _approve_join(application, member, union, reviewer_id=None, now=now)
    await invalidate_member(member_id)
    return application


MAX_REASON_LENGTH = 500  # the reason columns' width


def optional_reason(reason: str | None) -> str | None:
    """A reason as typed, trimmed, or None: plain text (CONTROL_CHARACTER; a NUL used to fail in
    the database) of at most the columns' 500 characters (REASON_TOO_LONG, where the database
    failed or, on SQLite, kept it whole)."""
    reason = (reason or "").strip() or None
    if reason is None:
        return None
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(f"a reason has at most {MAX_REASON_LENGTH} characters",
                               field="reason", code="REASON_TOO_LONG")
    return check_plain(reason, "reason", lines=True)


def _review_reason(approve: bool, reason: str | None) -> str | None:
    """A reviewer's reason, trimmed; a rejection must give one."""
    reason = optional_reason(reason)
    if not approve and not reason:
        raise ValidationFailed("a rejection needs a reason", field="reason",
                               code="REASON_REQUIRED")
    return reason


async def review_join_application(principal: Principal, application_id: int, approve: bool,
                                  reason: str | None = None,
                                  now: datetime | None = None) -> JoinApplication:
    now = now or utcnow()
    reason = _review_reason(approve, reason)
    async with in_transaction():
        application = await JoinApplication.select_for_update().get_or_none(id=application_id)
        union = await Union.get(id=application.union_id) if application else None
        # Outside the cadre's scope reads exactly like a missing id: ids are not disclosed.
        if application is None or union is None or not path_in_scope(principal, union.path):
            raise NotFound("application not found", field="applicationId")
        if application.member_id == principal.member_id:  # a second person checks
            raise Conflict("a cadre does not review their own application",
                           field="applicationId", code="SELF_REVIEW_FORBIDDEN")
        if application.status != ReviewStatus.PENDING:
            raise InvalidTransition("this application has already been reviewed")
        member = await Member.select_for_update().get(id=application.member_id)
        if approve:
            await _approve_join(application, member, union, principal.member_id, now)
        else:
            application.status = ReviewStatus.REJECTED
            application.reason = reason
            application.reviewed_by_id = principal.member_id
            application.reviewed_at = now
            await application.save()
        await audit.record(audit.JOIN_REVIEW, actor_id=principal.member_id,
                           subject_type="join_application", subject_id=application.id,
                           union_id=union.id, detail={"member": application.member_id,
                                                      "decision": application.status.value})
    await invalidate_member(application.member_id)
    return application


async def _approve_join(application: JoinApplication, member: Member, union: Union,
                        reviewer_id: int | None, now: datetime) -> None:
    application.status = ReviewStatus.APPROVED
    application.reviewed_by_id = reviewer_id
    application.reviewed_at = now
    await application.save()
    member.union = union
    member.joined_at = now
    await member.save(update_fields=["union_id", "joined_at", "updated_at"])
    if await current_card(member.id) is None:
        await _issue_card(member.id)


async def _issue_card(member_id: int) -> MemberCard:
    for _ in range(5):
        try:
            async with in_transaction():
                return await MemberCard.create(member_id=member_id, number=new_card_number())
        except IntegrityError:  # a number collision: draw again
            continue
    raise Conflict("could not issue a unique card number", code="CARD_NUMBER_EXHAUSTED")


async def request_transfer(member_id: int, to_union_id: int,
                           reason: str | None = None) -> TransferRequest:
    reason = optional_reason(reason)
    to_union = await get_union(to_union_id, field="toUnionId")
    if to_union.level != UnionLevel.GRASSROOTS or to_union.is_holding_pool:
        raise ValidationFailed("members transfer to a grassroots union", field="toUnionId",
                               code="NOT_GRASSROOTS")
    async with in_transaction():
        member = await Member.select_for_update().get(id=member_id)
        await member.fetch_related("union")
        if not _is_affiliated(member, member.union):
            raise ValidationFailed("join a union before asking for a transfer",
                                   code="NOT_A_MEMBER")
        if member.union_id == to_union.id:
            raise ValidationFailed("you already belong to this union", field="toUnionId",
                                   code="SAME_UNION")
        if await TransferRequest.exists(member_id=member_id, status=ReviewStatus.PENDING):
            raise Conflict("you already have a transfer waiting for review",
                           code="TRANSFER_PENDING")
        return await TransferRequest.create(
            member=member, from_union_id=member.union_id, to_union=to_union,
            reason=reason,
        )


async def review_transfer(principal: Principal, transfer_id: int, approve: bool,
                          reason: str | None = None,
                          now: datetime | None = None) -> TransferRequest:
    """The receiving union decides. Until then the member keeps every service where they are."""
    now = now or utcnow()
    reason = _review_reason(approve, reason)
    async with in_transaction():
        transfer = await TransferRequest.select_for_update().get_or_none(id=transfer_id)
        to_union = await Union.get(id=transfer.to_union_id) if transfer else None
        # Outside the cadre's scope reads exactly like a missing id: ids are not disclosed.
        if transfer is None or to_union is None or not path_in_scope(principal, to_union.path):
            raise NotFound("transfer not found", field="transferId")
        if transfer.member_id == principal.member_id:  # a second person checks
            raise Conflict("a cadre does not review their own transfer", field="transferId",
                           code="SELF_REVIEW_FORBIDDEN")
        if transfer.status != ReviewStatus.PENDING:
            raise InvalidTransition("this transfer has already been reviewed")
        transfer.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        transfer.review_reason = None if approve else reason
        transfer.reviewed_by_id = principal.member_id
        transfer.reviewed_at = now
        await transfer.save()
        if approve:
            await Member.filter(id=transfer.member_id).update(union_id=to_union.id, updated_at=now)
        await audit.record(audit.TRANSFER_REVIEW, actor_id=principal.member_id,
                           subject_type="transfer", subject_id=transfer.id, union_id=to_union.id,
                           detail={"member": transfer.member_id, "from_union": transfer.from_union_id,
                                   "decision": transfer.status.value})
    await invalidate_member(transfer.member_id)
    return transfer


# The review queues page oldest first, a member's own lists newest first; each ends with the id
# so that a keyset page (unionhub/schema/relay.py) neither repeats nor skips a row.
REVIEW_ORDER = ("created_at", "id")
OWN_ORDER = ("-created_at", "-id")


def own_join_applications(member_id: int) -> QuerySet[JoinApplication]:
    """The member's own applications (a rejection's reason before resubmitting)."""
    return JoinApplication.filter(member_id=member_id)


def own_transfers(member_id: int) -> QuerySet[TransferRequest]:
    return TransferRequest.filter(member_id=member_id)


def join_applications_of(union: Union, status: ReviewStatus | None,
                         overdue: bool | None) -> QuerySet[JoinApplication]:
    """Applications to a union's subtree (the caller checks the cadre's scope)."""
    qs = JoinApplication.filter(union__path__startswith=union.path)
    if status:
        qs = qs.filter(status=status)
    if overdue is not None:
        qs = qs.filter(escalated_at__isnull=not overdue)
    return qs


def transfers_of(union: Union, status: ReviewStatus | None,
                 incoming: bool) -> QuerySet[TransferRequest]:
    """Transfers into (or out of) a union's subtree."""
    side = "to_union" if incoming else "from_union"
    qs = TransferRequest.filter(**{f"{side}__path__startswith": union.path})
    if status:
        qs = qs.filter(status=status)
    return qs


async def my_join_applications(member_id: int, limit: int = 100) -> list[JoinApplication]:
    return await own_join_applications(member_id).order_by(*OWN_ORDER).limit(limit)


async def my_transfers(member_id: int, limit: int = 100) -> list[TransferRequest]:
    return await own_transfers(member_id).order_by(*OWN_ORDER).limit(limit)


async def transfers_for(union: Union, status: ReviewStatus | None,
                        incoming: bool, limit: int = 200) -> list[TransferRequest]:
    """The review queue, oldest first (the deprecated plain list's first 200)."""
    return await transfers_of(union, status, incoming).order_by(*REVIEW_ORDER).limit(limit)


async def report_card_lost(member_id: int, reissue: bool = True,
                           now: datetime | None = None) -> MemberCard | None:
    """Mark the current card LOST (it no longer finds the member) and, by default, reissue
    one with a new number. Returns the new card.

    One transaction under the member's row lock: a concurrent report waits and then finds the
    new card, and no failure can leave the member between a lost card and its replacement."""
    now = now or utcnow()
    async with in_transaction():
        await Member.select_for_update().get(id=member_id)  # serialise card changes per member
        card = await current_card(member_id)
        if card is None:
            raise NotFound("you have no active member card", code="NO_CARD")
        if card.status != CardStatus.ACTIVE:
            raise InvalidTransition(f"a {card.status.value.lower()} card cannot be reported lost")
        card.status = CardStatus.LOST
        card.status_changed_at = now
        await card.save(update_fields=["status", "status_changed_at"])
        new_card = await _issue_card(member_id) if reissue else None
    await invalidate_member(member_id, card.number)
    return new_card
