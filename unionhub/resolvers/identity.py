"""Identity's root resolvers: read arguments, call the domain, shape the payload."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from unionhub.client_address import client_address
from unionhub.errors import NotFound, ValidationFailed
from unionhub.identity import (
    accounts,
    audit,
    join_deadlines,
    member_search,
    membership,
    orgs,
    roles,
    verification,
)
from unionhub.identity.access import path_in_scope, require_authenticated, require_scope
from unionhub.identity.lookup import (
    get_record,
    get_record_by_card,
    get_records,
)
from unionhub.identity.models import ReviewStatus, Role, UnionLevel
from unionhub.identity.tokens import principal_from_token
from unionhub.observability.tracing import slow_operation_recorder, traced
from unionhub.schema.entities import member_entities, member_entity, parse_key, union_entity
from unionhub.schema.errors import payload
from unionhub.schema.identity_types import (
    AuthPayload,
    JoinApplication,
    JoinApplicationPayload,
    MemberCard,
    MemberCardPayload,
    MemberPayload,
    Transfer,
    TransferDirection,
    TransferPayload,
    UnionPayload,
)
from unionhub.schema.operator_types import AuditEntry, SlowOperation
from unionhub.schema.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    connection,
    keyset_page,
    page_size,
)


def _id(value: str, field: str) -> int:
    key = parse_key(value)
    if key is None:
        raise NotFound("no such id", field=field)
    return key


# --- queries -------------------------------------------------------------------------------

@traced("resolve me")
async def me(info: strawberry.Info):
    member_id = require_authenticated(info.context.principal)
    rec = await info.context.members.load(member_id)
    return member_entity(info, member_id, rec) if rec else None


@traced("resolve member")
async def member(info: strawberry.Info,
                 id: Annotated[strawberry.ID | None, strawberry.argument(description=(
                     "The member's id. Give exactly one of id and cardNo (ONE_KEY_REQUIRED)."))] = None,
                 card_no: Annotated[str | None, strawberry.argument(description=(
                     "A card number: 16–19 ASCII digits (a real one is 19: 621799…, Luhn check "
                     "digit); anything else finds no one. Only an ACTIVE or FROZEN card finds its "
                     "member."))] = None):
    """The hot lookup: self, or a cadre whose scope holds the member. Outside that: null (the
    caller learns nothing about whether the member exists)."""
    principal = info.context.principal
    require_authenticated(principal)
    if (id is None) == (card_no is None):
        raise ValidationFailed("give exactly one of id and cardNo", code="ONE_KEY_REQUIRED")
    if id is not None:
        key = parse_key(id)
        rec = await info.context.members.load(key) if key is not None else None
    else:
        rec = await get_record_by_card(card_no.strip())
    if rec is None:
        return None
    if rec.id != principal.member_id and not path_in_scope(principal, rec.union_path):
        return None
    return member_entity(info, rec.id, rec)


async def members(info: strawberry.Info,
                  union_id: Annotated[strawberry.ID, strawberry.argument(description=(
                      "A union in the cadre's scope: its whole subtree is listed."))],
                  search: Annotated[str | None, strawberry.argument(description=(
                      "Exact matches on a phone (11 digits), an ID number (18 characters) or a "
                      "card number (16–19 digits); any other term matches part of the display "
                      "name, case-insensitively. Never the legal name."))] = None,
                  first: First = None, after: After = None, last: Last = None,
                  before: Before = None) -> Connection:
    """A cadre's page of the members in a union's subtree: a fixed number of queries whatever
    the page size (the page's ids, then the members' cached records: one MGET, one statement
    for those Redis lacks; their unions from the per-process union cache)."""
    union = await _union(info, union_id)
    require_scope(info.context.principal, union.path)
    found = member_search.searched(union, search, actor_id=info.context.principal.member_id)
    # Only the ids: the records hold the rest, their personal data's masked forms made once
    # per member and cached (load_records_from_db decrypted three fields a member a page).
    ids, page = await found.page(lambda queryset, reader: keyset_page(
        queryset, first, after, count=False, last=last, before=before, ids=True, reader=reader))
    records = await get_records(ids)
    ids = [i for i in ids if i in records]  # a member deleted in between drops out
    return connection(member_entities(info, [records[i] for i in ids]), ids, page)


async def _union(info: strawberry.Info, union_id: strawberry.ID, field: str = "unionId"):
    row = await info.context.unions.load(_id(union_id, field))
    if row is None:
        raise NotFound("union not found", field=field)
    return row


async def union(info: strawberry.Info, id: Annotated[strawberry.ID, strawberry.argument(description=(
    "The union's id."))]):
    key = parse_key(id)
    row = await info.context.unions.load(key) if key is not None else None
    return union_entity(info, row.id, row) if row else None


async def unions(info: strawberry.Info,
                 parent_id: Annotated[strawberry.ID | None, strawberry.argument(description=(
                     "The parent whose children to list; null for the roots."))] = None):
    rows = await orgs.children(_id(parent_id, "parentId") if parent_id is not None else None)
    return [union_entity(info, r.id, r) for r in rows]


async def join_applications(info: strawberry.Info,
                            union_id: Annotated[strawberry.ID, strawberry.argument(description=(
                                "A union in the cadre's scope: its whole subtree is listed."))],
                            status: Annotated[ReviewStatus | None, strawberry.argument(description=(
                                "Only this status; null for all."))] = ReviewStatus.PENDING,
                            overdue: Annotated[bool | None, strawberry.argument(description=(
                                "True: only escalated ones; false: only the others; null: both."
                            ))] = None) -> list[JoinApplication]:
    union_row = await orgs.get_union(_id(union_id, "unionId"))
    require_scope(info.context.principal, union_row.path)
    qs = membership.join_applications_of(union_row, status, overdue)
    return [JoinApplication.of(a)
            for a in await qs.order_by(*membership.REVIEW_ORDER).limit(200)]


async def transfers(info: strawberry.Info,
                    union_id: Annotated[strawberry.ID, strawberry.argument(description=(
                        "A union in the cadre's scope: its whole subtree is listed."))],
                    status: Annotated[ReviewStatus | None, strawberry.argument(description=(
                        "Only this status; null for all."))] = ReviewStatus.PENDING,
                    direction: Annotated[TransferDirection, strawberry.argument(description=(
                        "Into or out of the subtree."))] = TransferDirection.IN) -> list[Transfer]:
    union_row = await orgs.get_union(_id(union_id, "unionId"))
    require_scope(info.context.principal, union_row.path)
    rows = await membership.transfers_for(union_row, status,
                                          incoming=direction == TransferDirection.IN)
    return [Transfer.of(t) for t in rows]


async def my_join_applications(info: strawberry.Info) -> list[JoinApplication]:
    member_id = require_authenticated(info.context.principal)
    return [JoinApplication.of(a) for a in await membership.my_join_applications(member_id)]


async def my_transfers(info: strawberry.Info) -> list[Transfer]:
    member_id = require_authenticated(info.context.principal)
    return [Transfer.of(t) for t in await membership.my_transfers(member_id)]


async def slow_operations(info: strawberry.Info,
                          since: Annotated[datetime | None, strawberry.argument(description=(
                              "Only those that ended at or after this instant."))] = None,
                          first: Annotated[int | None, strawberry.argument(description=(
                              "How many: 1–100, default 50 (the one page-size rule: 0 once "
                              "meant everything, now BAD_PAGE_SIZE)."))] = 50,
                          ) -> list[SlowOperation]:
    records = await slow_operation_recorder().slowest(
        since=since.timestamp() if since else None, first=page_size(first)
    )
    return [SlowOperation.of(r) for r in records]


async def audit_log(info: strawberry.Info, first: First = None, after: After = None,
                    action: Annotated[str | None, strawberry.argument(description=(
                        "Only this action (exact)."))] = None,
                    actor_id: Annotated[strawberry.ID | None, strawberry.argument(description=(
                        "Only rows by this member."))] = None,
                    subject_id: Annotated[str | None, strawberry.argument(description=(
                        "Only rows on this record id."))] = None,
                    union_id: Annotated[strawberry.ID | None, strawberry.argument(description=(
                        "Only rows concerning this union."))] = None,
                    since: Annotated[datetime | None, strawberry.argument(description=(
                        "From this instant, inclusive."))] = None,
                    until: Annotated[datetime | None, strawberry.argument(description=(
                        "Before this instant (exclusive)."))] = None,
                    last: Last = None, before: Before = None,
                    ) -> Connection[AuditEntry]:
    """ADMIN: the audit log, newest first, filtered; an unknown actor or union finds nothing."""
    def key(value: strawberry.ID | None) -> int | None:
        return None if value is None else (parse_key(value) or -1)

    qs = audit.entries(action=action, actor_id=key(actor_id), subject_id=subject_id,
                       union_id=key(union_id), since=since, until=until)
    rows, page = await keyset_page(qs, first, after, newest_first=True, count=False,
                                   last=last, before=before)
    return connection([AuditEntry.of(r) for r in rows], [r.id for r in rows], page)


# --- mutations -----------------------------------------------------------------------------

def _session(info: strawberry.Info):
    def shape(session) -> dict:
        # The payload's member is read as the member just signed in, not as the guest who asked.
        info.context.principal = principal_from_token(session.access_token)
        info.context.auth_error = None
        return {"access_token": session.access_token, "refresh_token": session.refresh_token,
                "member": member_entity(info, session.member.id)}

    return shape


def _client_ip(info: strawberry.Info) -> str | None:
    # The socket's peer, or X-Forwarded-For from a trusted gateway (UNIONHUB_TRUSTED_PROXIES).
    return client_address(info.context.request)


async def register(info: strawberry.Info, phone: str, password: str,
                   sms_code: str) -> AuthPayload:
    return await payload(AuthPayload,
                         accounts.register(phone, password, _client_ip(info), sms_code),
                         _session(info))


async def login(info: strawberry.Info, phone: str, password: str) -> AuthPayload:
    return await payload(AuthPayload, accounts.login(phone, password, _client_ip(info)),
                         _session(info))


async def refresh_token(info: strawberry.Info, refresh_token: str) -> AuthPayload:
    return await payload(AuthPayload, accounts.refresh(refresh_token), _session(info))


async def verify_identity(info: strawberry.Info, name: str, id_number: str,
                          consent_version: str | None = None) -> MemberPayload:
    member_id = require_authenticated(info.context.principal)

    async def work():
        await verification.verify_identity(member_id, name, id_number, _client_ip(info),
                                           consent_version=consent_version)
        return await get_record(member_id)

    return await payload(MemberPayload, work(),
                         lambda rec: {"member": member_entity(info, member_id, rec)})


async def apply_to_join(info: strawberry.Info, join_code: str) -> JoinApplicationPayload:
    member_id = require_authenticated(info.context.principal)
    return await payload(JoinApplicationPayload, membership.apply_to_join(member_id, join_code),
                         lambda a: {"application": JoinApplication.of(a)})


async def review_join_application(info: strawberry.Info, application_id: strawberry.ID,
                                  approve: bool, reason: str | None) -> JoinApplicationPayload:
    work = membership.review_join_application(
        info.context.principal, _id(application_id, "applicationId"), approve, reason
    )
    return await payload(JoinApplicationPayload, work,
                         lambda a: {"application": JoinApplication.of(a)})


async def request_transfer(info: strawberry.Info, to_union_id: strawberry.ID,
                           reason: str | None) -> TransferPayload:
    member_id = require_authenticated(info.context.principal)
    work = membership.request_transfer(member_id, _id(to_union_id, "toUnionId"), reason)
    return await payload(TransferPayload, work, lambda t: {"transfer": Transfer.of(t)})


async def review_transfer(info: strawberry.Info, transfer_id: strawberry.ID, approve: bool,
                          reason: str | None) -> TransferPayload:
    work = membership.review_transfer(
        info.context.principal, _id(transfer_id, "transferId"), approve, reason
    )
    return await payload(TransferPayload, work, lambda t: {"transfer": Transfer.of(t)})


async def report_card_lost(info: strawberry.Info, reissue: bool) -> MemberCardPayload:
    member_id = require_authenticated(info.context.principal)

    def shape(card):
        return {"card": MemberCard(number=card.number, status=card.status,
                                   issued_at=card.issued_at) if card else None}

    return await payload(MemberCardPayload, membership.report_card_lost(member_id, reissue), shape)


async def create_union(info: strawberry.Info, name: str, level: UnionLevel, region_code: str,
                       parent_id: strawberry.ID, credit_code: str | None,
                       auto_approve: bool) -> UnionPayload:
    async def work():
        parent = await orgs.get_union(_id(parent_id, "parentId"))
        require_scope(info.context.principal, parent.path)
        return await orgs.create_union(name=name, level=level, region_code=region_code,
                                       parent_id=parent.id, credit_code=credit_code,
                                       auto_approve=auto_approve,
                                       actor_id=info.context.principal.member_id)

    return await payload(UnionPayload, work(), lambda r: {
        "union": union_entity(info, r[0].id, r[0]), "warnings": r[1]})




async def set_union_auto_approve(info: strawberry.Info, union_id: strawberry.ID,
                                 enabled: bool) -> UnionPayload:
    work = join_deadlines.set_union_auto_approve(info.context.principal,
                                                 _id(union_id, "unionId"), enabled)
    return await payload(UnionPayload, work, lambda u: {"union": union_entity(info, u.id, u)})


async def assign_role(info: strawberry.Info, member_id: strawberry.ID, role: Role,
                      cadre_org_id: strawberry.ID | None) -> MemberPayload:
    async def work():
        target = parse_key(member_id)
        if target is None:
            raise NotFound("member not found", field="memberId")
        org = None
        if cadre_org_id is not None:
            org = parse_key(cadre_org_id)
            if org is None:
                raise NotFound("union not found", field="cadreOrgId")
        member = await roles.assign_role(info.context.principal, target, role, org)
        return member.id

    return await payload(MemberPayload, work(),
                         lambda member_id: {"member": member_entity(info, member_id)})
