"""Enrolment: each member once, never more than the capacity, even under concurrency.

The capacity is enforced by the database: one conditional UPDATE takes a seat
(`enrolled_count < capacity`, so it cannot overshoot whatever the interleaving), the unique
(activity, member) key refuses a second enrolment, and both happen in one transaction so a
refused insert gives its seat back. A check constraint backs the count as well.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from unionhub.activities.activities import get_visible, visibility
from unionhub.activities.models import Activity, Enrollment, MinTier
from unionhub.clock import utcnow
from unionhub.errors import Conflict, InvalidTransition, ValidationFailed
from unionhub.identity.access import Principal, path_in_scope
from unionhub.identity.lookup import MemberRecord


def meets_tier(activity: Activity, record: MemberRecord) -> bool:
    # A verified worker in the holding pool counts as verified here (the pool's benefits).
    return activity.min_tier != MinTier.VERIFIED or record.holds_online_benefits


def admits(activity: Activity, record: MemberRecord) -> bool:
    """Whether the activity takes this member at all: in its scope and of its tier (what
    `enroll` refuses as OUT_OF_SCOPE and TIER_REQUIRED)."""
    return record.union_path.startswith(activity.scope_path) and meets_tier(activity, record)


def check_tier(activity: Activity, record: MemberRecord) -> None:
    if not meets_tier(activity, record):
        raise ValidationFailed("this activity is open to verified members with an active card",
                               field="activityId", code="TIER_REQUIRED")


def check_admitted(activity: Activity, record: MemberRecord) -> None:
    """What `enroll` requires, required again at every later write (a day's steps or reading,
    a quiz's start and answers) and at the draw (`draws`): a member who has left the
    activity's scope (moved away, left the union) or its tier (a card cancelled or frozen)
    since enrolling takes no further part. What they recorded before stands."""
    if not record.union_path.startswith(activity.scope_path):
        raise ValidationFailed("this activity is for members of another union",
                               field="activityId", code="OUT_OF_SCOPE")
    check_tier(activity, record)


def enrolment_open(activity: Activity, now: datetime) -> bool:
    """Enrolment's window: until the activity ends or its draw is run (ENROLMENT_CLOSED)."""
    return activity.ends_at > now and activity.drawn_at is None


def open_seat(activity_id: int, now: datetime) -> QuerySet[Activity]:
    """The row a seat is taken from by one conditional UPDATE: the activity while enrolment
    is open (re-checked in the statement, so a draw or the end racing the enrolment wins) and
    while its capacity, if any, has room."""
    return Activity.filter(id=activity_id, drawn_at__isnull=True, ends_at__gt=now).filter(
        Q(capacity__isnull=True) | Q(enrolled_count__lt=F("capacity")))


async def enroll(activity_id: int, principal: Principal, record: MemberRecord) -> Enrollment:
    activity = await get_visible(activity_id, principal, record)
    # Visible to a cadre who manages it is not the same as open: members in scope only.
    check_admitted(activity, record)
    now = utcnow()
    if not enrolment_open(activity, now):
        raise InvalidTransition("enrolment has closed", field="activityId",
                                code="ENROLMENT_CLOSED")
    if await Enrollment.exists(activity_id=activity.id, member_id=record.id):
        raise Conflict("already enrolled", field="activityId", code="ALREADY_ENROLLED")
    async with in_transaction():
        if await open_seat(activity.id, now).update(enrolled_count=F("enrolled_count") + 1) == 0:
            fresh = await Activity.get(id=activity.id)
            if not enrolment_open(fresh, now):
                raise InvalidTransition("enrolment has closed", field="activityId",
                                        code="ENROLMENT_CLOSED")
            raise Conflict("the activity is full", field="activityId", code="ACTIVITY_FULL")
        try:
            enrollment = await Enrollment.create(activity_id=activity.id, member_id=record.id,
                                                 union_id=record.union_id)
        except IntegrityError:
            # Rolls the seat back with the transaction.
            raise Conflict("already enrolled", field="activityId",
                           code="ALREADY_ENROLLED") from None
    return enrollment


async def require_enrollment(activity: Activity, member_id: int) -> Enrollment:
    enrollment = await Enrollment.get_or_none(activity_id=activity.id, member_id=member_id)
    if enrollment is None:
        raise InvalidTransition("enrol first", field="activityId", code="NOT_ENROLLED")
    return enrollment


def enrollments_of(member_id: int, viewer: Principal | None = None,
                   viewer_record: MemberRecord | None = None) -> QuerySet[Enrollment]:
    """A member's enrolments, to page newest first by id. For a `viewer` other than the
    member (a cadre whose scope holds them), only those in activities the viewer may see: a
    member who moved in from another county brings enrolments in activities that read as not
    found to this cadre everywhere else."""
    qs = Enrollment.filter(member_id=member_id)
    if viewer is None or viewer.member_id == member_id or viewer.is_admin:
        return qs
    seen = visibility(viewer, viewer_record)
    if seen is None:
        return qs.filter(id__in=[])
    return qs.filter(activity_id__in=Subquery(Activity.filter(seen).values("id")))


async def enrollments_of_members(member_ids: list[int], limit_each: int = 100,
                                 ) -> dict[int, list[Enrollment]]:
    """Newest first, for a batch of members (one query; a member enrols a few dozen times a year)."""
    found: dict[int, list[Enrollment]] = {m: [] for m in member_ids}
    for e in await Enrollment.filter(member_id__in=member_ids).order_by("-id"):
        if len(found[e.member_id]) < limit_each:
            found[e.member_id].append(e)
    return found


def may_see_enrollments(principal: Principal, member_id: int, record: MemberRecord | None) -> bool:
    """A member's enrolments are theirs to see, and their union's cadres' (`record`: the
    member's, needed only when the caller is someone else)."""
    return principal.member_id == member_id or (
        record is not None and path_in_scope(principal, record.union_path))
