"""Requests (业务办理): a verified member orders from the menu ("点菜单"); cadres of the handling
org accept, start, complete or reject; the member rates once.

Every step is one conditional UPDATE (`WHERE status IN (...)`) plus its event row, in one
transaction: two cadres pressing "accept" at once make one acceptance, and the loser gets
INVALID_TRANSITION. The event table's unique (request, action) key backs that up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.errors import AccessDenied, Conflict, InvalidTransition, NotFound, ValidationFailed
from unionhub.identity import orgs
from unionhub.identity.access import Principal, path_in_scope, require_authenticated, require_scope
from unionhub.identity.lookup import get_record
from unionhub.identity.roster import hold_open_account
from unionhub.plaintext import check_plain
from unionhub.services import deadlines, idempotency, personal
from unionhub.services.items import get_item
from unionhub.services.models import (
    OPEN_STATUSES,
    RequestAction,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
)
from unionhub.services.orgpath import ancestor_columns, depth_column

MAX_DETAILS = 2000
MAX_TEXT = 2000


def is_overdue(req: ServiceRequest, now: datetime | None = None) -> bool:
    """Open and past its deadline: the same rule as `overdue_q`, for one loaded row."""
    return req.status in OPEN_STATUSES and req.deadline < (now or utcnow())


def overdue_q(now: datetime) -> Q:
    return Q(status__in=list(OPEN_STATUSES), deadline__lt=now)


def _text(value: str | None, field: str, code: str, *, required: bool = True,
          limit: int = MAX_TEXT) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationFailed(f"{field} must not be empty", field=field, code=code)
        return None
    if len(value) > limit:
        raise ValidationFailed(f"{field} is longer than {limit} characters", field=field,
                               code=code)
    return check_plain(value, field, lines=True)


FieldValues = Mapping[str, str] | Sequence[tuple[str, str]]


def _field_values(required: list[str], pairs: FieldValues | None) -> dict[str, str]:
    """The form as given: (name, value) pairs from the API, where a name given twice is
    refused rather than the later value silently kept."""
    items = list(pairs.items()) if isinstance(pairs, Mapping) else list(pairs or [])
    given: dict[str, str] = {}
    for name, value in items:
        if name in given:
            raise ValidationFailed(f"{name} is given twice", field=name, code="DUPLICATE_FIELD")
        given[name] = (value or "").strip()
    for name in required:
        if not given.get(name):
            raise ValidationFailed(f"the item needs the field {name}", field=name,
                                   code="MISSING_FIELD")
    unknown = set(given) - set(required)
    if unknown:
        raise ValidationFailed("a field the item does not ask for", field=sorted(unknown)[0],
                               code="UNKNOWN_FIELD")
    for name, value in given.items():
        if len(value) > 500:
            raise ValidationFailed(f"{name} is longer than 500 characters", field=name,
                                   code="FIELD_TOO_LONG")
        check_plain(value, name)
    return given


async def submit(principal: Principal, item_id: int, details: str,
                 field_values: FieldValues | None = None, now: datetime | None = None,
                 idempotency_key: str | None = None) -> ServiceRequest:
    """File a request. With an idempotency key, a retry of the same submission answers the
    request the key made, and two at once make one (the unique key decides the race)."""
    member_id = require_authenticated(principal)
    pairs = list(field_values.items()) if isinstance(field_values, Mapping) else list(
        field_values or [])
    key = None if idempotency_key is None else idempotency.check_key(idempotency_key)
    if key is not None and (first := await _replayed(member_id, key, item_id, details, pairs)):
        return first  # before the rules: the retry answers what the first call made
    record = await get_record(member_id)
    if record is None or not record.is_verified_member:
        raise AccessDenied("verify your identity and join a union first", code="NOT_VERIFIED")
    item = await get_item(item_id)
    if not item.active or not record.union_path.startswith(item.union_path):
        # Items are offered to the offering org's subtree only.
        raise NotFound("service item not found", field="itemId", code="ITEM_NOT_AVAILABLE")
    text = _text(details, "details", "DETAILS_REQUIRED", limit=MAX_DETAILS)
    values = _field_values(list(item.required_fields), pairs)
    now = now or utcnow()
    deadline = deadlines.deadline_for(now, item.time_limit, item.time_limit_unit)
    try:
        async with in_transaction():
            # The member's row, open, held until the commit: a closure that committed since
            # the record was read is seen; one to come waits and then erases the details.
            if not await hold_open_account(member_id):
                raise AccessDenied("verify your identity and join a union first",
                                   code="NOT_VERIFIED")
            req = await ServiceRequest.create(
                item_id=item.id, member_id=member_id, member_union_id=record.union_id,
                handling_union_id=item.union_id, handling_path=item.union_path,
                **ancestor_columns(item.union_path), status=RequestStatus.SUBMITTED,
                submitted_at=now, deadline=deadline,
                deadline_provisional=deadlines.is_provisional(deadline),
                idempotency_key=key,
                request_fingerprint=None if key is None else idempotency.fingerprint(
                    item_id, details, pairs),
            )
            # Sealed under the id the row was given (services.personal): the text never
            # reaches the table in clear.
            sealed = personal.sealed(req.id, text or "", values)
            await req.update_from_dict(sealed).save(update_fields=list(sealed))
            await ServiceRequestEvent.create(request_id=req.id, action=RequestAction.SUBMITTED,
                                             actor_id=member_id, at=now)
    except IntegrityError:
        # The same key committed by a concurrent call meanwhile: this one rolled back.
        if key is None or not (first := await _replayed(member_id, key, item_id, details,
                                                        pairs)):
            raise
        return first
    return req


async def _replayed(member_id: int, key: str, item_id: int, details: str,
                    pairs: list[tuple[str, str]]) -> ServiceRequest | None:
    """The request this member's key made, if any; refused if it asked for something else."""
    first = await ServiceRequest.get_or_none(member_id=member_id, idempotency_key=key)
    if first is not None and not idempotency.same_submission(first.request_fingerprint,
                                                             item_id, details, pairs):
        raise idempotency.refuse_reuse()
    return first


def _not_found() -> NotFound:
    return NotFound("service request not found", field="requestId")


async def get_request(request_id: int) -> ServiceRequest:
    req = await ServiceRequest.get_or_none(id=request_id)
    if req is None:
        raise _not_found()
    return req


def may_view(principal: Principal, req: ServiceRequest) -> bool:
    return principal.member_id == req.member_id or path_in_scope(principal, req.handling_path)


async def get_visible(principal: Principal, request_id: int) -> ServiceRequest | None:
    """The requester, or a cadre whose scope holds the handling org; else None."""
    req = await ServiceRequest.get_or_none(id=request_id)
    return req if req is not None and may_view(principal, req) else None


_STEPS: dict[RequestAction, tuple[tuple[RequestStatus, ...], RequestStatus, str]] = {
    RequestAction.ACCEPTED: ((RequestStatus.SUBMITTED,), RequestStatus.ACCEPTED, "accepted_at"),
    RequestAction.STARTED: ((RequestStatus.ACCEPTED,), RequestStatus.IN_PROGRESS, "started_at"),
    RequestAction.COMPLETED: ((RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS),
                              RequestStatus.COMPLETED, "completed_at"),
    RequestAction.REJECTED: ((RequestStatus.SUBMITTED, RequestStatus.ACCEPTED,
                              RequestStatus.IN_PROGRESS), RequestStatus.REJECTED, "rejected_at"),
}

# The steps that carry a cadre's text: the column it is sealed in, and its purpose.
_SEALED = {RequestAction.COMPLETED: ("resolution_enc", personal.RESOLUTION),
           RequestAction.REJECTED: ("reject_reason_enc", personal.REJECT_REASON)}


async def _handle(principal: Principal, request_id: int, action: RequestAction,
                  text: str | None = None, now: datetime | None = None) -> ServiceRequest:
    """A cadre's step: only cadres whose scope holds the handling org (its own cadres, and
    those above it, who take over escalated requests). Outside that scope the request reads
    exactly like a missing one: the refusal says nothing of which ids exist. Never the
    requester: a cadre's own request is handled by another cadre (SELF_HANDLING). `text`, the
    resolution or the reason, is sealed under the request (services.personal); the step's event
    keeps no copy."""
    require_authenticated(principal)
    req = await ServiceRequest.get_or_none(id=request_id)
    if req is None or not path_in_scope(principal, req.handling_path):
        raise _not_found()
    if req.member_id == principal.member_id:
        # A second person handles it, as a second person approves money: a cadre accepting,
        # completing or rejecting their own request would set their union's on-time rate and
        # (rating it after) its satisfaction. member_id never changes, so no race to close.
        raise Conflict("a cadre does not handle their own service request; another cadre "
                       "of the union or one above it does", field="requestId",
                       code="SELF_HANDLING")
    allowed, target, stamp = _STEPS[action]
    sealed: dict[str, str | None] = {}
    if text is not None:
        column, purpose = _SEALED[action]
        sealed[column] = personal.sealed_text(req.id, text, purpose)
    now = now or utcnow()
    async with in_transaction():
        changed = await ServiceRequest.filter(id=req.id, status__in=list(allowed)).update(
            status=target, **{stamp: now}, **sealed)
        if not changed:
            current = (await get_request(req.id)).status
            raise InvalidTransition(
                f"a {current.value} request cannot be {target.value.lower().replace('_', ' ')}",
                field="requestId")
        await ServiceRequestEvent.create(request_id=req.id, action=action,
                                         actor_id=principal.member_id, at=now)
    return await get_request(req.id)


async def accept(principal: Principal, request_id: int, *,
                 now: datetime | None = None) -> ServiceRequest:
    return await _handle(principal, request_id, RequestAction.ACCEPTED, now=now)


async def start(principal: Principal, request_id: int, *,
                now: datetime | None = None) -> ServiceRequest:
    return await _handle(principal, request_id, RequestAction.STARTED, now=now)


async def complete(principal: Principal, request_id: int, resolution: str, *,
                   now: datetime | None = None) -> ServiceRequest:
    text = _text(resolution, "resolution", "RESOLUTION_REQUIRED")
    return await _handle(principal, request_id, RequestAction.COMPLETED, text, now=now)


async def reject(principal: Principal, request_id: int, reason: str, *,
                 now: datetime | None = None) -> ServiceRequest:
    text = _text(reason, "reason", "REASON_REQUIRED")
    return await _handle(principal, request_id, RequestAction.REJECTED, text, now=now)


async def rate(principal: Principal, request_id: int, rating: int,
               comment: str | None = None, now: datetime | None = None) -> ServiceRequest:
    """The requester rates a completed request once, 1 to 5. Anyone else's request reads
    like a missing one."""
    member_id = require_authenticated(principal)
    req = await ServiceRequest.get_or_none(id=request_id)
    if req is None or req.member_id != member_id:
        raise _not_found()
    if not 1 <= rating <= 5:
        raise ValidationFailed("rating must be 1 to 5", field="rating", code="RATING_RANGE")
    text = _text(comment, "comment", "COMMENT_TOO_LONG", required=False, limit=500)
    now = now or utcnow()
    async with in_transaction():
        # The comment is the member's words, which a closure erases: their account must still
        # be open, its row held until the commit (`hold_open_account`).
        if not await hold_open_account(member_id):
            raise _not_found()
        changed = await ServiceRequest.filter(
            id=req.id, status=RequestStatus.COMPLETED, rating=None
        ).update(rating=rating, rating_comment_enc=personal.sealed_comment(req.id, text),
                 rated_at=now)
        if not changed:
            fresh = await get_request(req.id)
            if fresh.rating is not None:
                raise Conflict("this request has been rated", field="requestId",
                               code="ALREADY_RATED")
            raise InvalidTransition("only a completed request can be rated", field="requestId")
        await ServiceRequestEvent.create(request_id=req.id, action=RequestAction.RATED,
                                         actor_id=member_id, at=now)  # the comment: sealed
    return await get_request(req.id)


def requests_of_member(member_id: int, viewer: Principal | None = None,
                       ) -> QuerySet[ServiceRequest]:
    """The member's requests; for a `viewer` other than the member, only those `may_view`
    allows (the handling org in the viewer's scope), as `serviceRequest(id)` answers: a cadre
    of the member's own union does not read a request the province handles."""
    qs = ServiceRequest.filter(member_id=member_id)
    if viewer is None or viewer.member_id == member_id or viewer.is_admin:
        return qs
    if not viewer.is_cadre:
        return qs.filter(id__in=[])
    return qs.filter(handling_path__startswith=viewer.scope_path)


def visible_of(viewer: Principal, rows: list[ServiceRequest]) -> list[ServiceRequest]:
    """The rows `may_view` lets the viewer read (a member's loaded list, filtered)."""
    return [row for row in rows if may_view(viewer, row)]


async def requests_in_scope(principal: Principal, union_id: int,
                            status: RequestStatus | None = None, overdue: bool | None = None,
                            escalated: bool | None = None,
                            now: datetime | None = None) -> QuerySet[ServiceRequest]:
    """Requests handled anywhere in the union's subtree, for a cadre whose scope holds it: an
    equality on the indexed ancestor column of the union's depth."""
    union = await orgs.get_union(union_id)
    require_scope(principal, union.path)
    qs = ServiceRequest.filter(**{depth_column(union.path): union.id})
    if status is not None:
        qs = qs.filter(status=status)
    if overdue is not None:
        q = overdue_q(now or utcnow())
        qs = qs.filter(q) if overdue else qs.filter(~q)
    if escalated is not None:
        qs = qs.filter(escalated_at__isnull=not escalated)
    return qs


async def events_of(request_ids: list[int]) -> dict[int, list[ServiceRequestEvent]]:
    found: dict[int, list[ServiceRequestEvent]] = {i: [] for i in request_ids}
    for event in await ServiceRequestEvent.filter(request_id__in=request_ids).order_by("id"):
        found[event.request_id].append(event)
    return found
