"""GraphQL types of the identity subgraph: Member and Union fields, cards, applications."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from operator import attrgetter
from typing import Any

import strawberry

from unionhub.identity import loaders
from unionhub.identity.access import Tier, path_in_scope, sees_personal_data
from unionhub.identity.audit import ID_NUMBER_READ, NAME_READ, PHONE_READ
from unionhub.identity.lookup import MemberRecord
from unionhub.identity.models import CardStatus, ReviewStatus, UnionLevel
from unionhub.identity.regions import region_name, region_retired
from unionhub.resolvers.identity_fields import children_page
from unionhub.schema.docs import PAYLOAD_ERRORS
from unionhub.schema.entities import (
    MemberRef,
    UnionRef,
    member_entity,
    parse_key,
    reads_entity,
    reads_record,
    union_entity,
    union_ref,
    with_member,
    with_union,
)
from unionhub.schema.errors import UserError
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import MAX_PAGE, After, Before, Connection, First, Last, replaced_by

TierEnum = strawberry.enum(Tier, name="Tier", description="What a caller may do; each field "
                           "that needs more than GUEST says which tier.")
UnionLevelEnum = strawberry.enum(UnionLevel, name="UnionLevel",
                                 description="A union's level in the tree, top down.")
CardStatusEnum = strawberry.enum(CardStatus, name="CardStatus",
                                 description="A member card's state.")
ReviewStatusEnum = strawberry.enum(ReviewStatus, name="ReviewStatus",
                                   description="Where a reviewed request stands.")


@strawberry.enum(name="TransferDirection", description="Which transfers of a union's "
                                                        "subtree to list.")
class TransferDirection(StrEnum):
    IN = "IN"  # into the union's subtree: the transfers its cadres review
    OUT = "OUT"  # out of the union's subtree




# A record's stored values to their enum members by a dict (an enum call costs a few method
# calls: a page of 20 members made 40 of them).
_TIER = {t.value: t for t in Tier}
_CARD_STATUS = {c.value: c for c in CardStatus}


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# Reads of a loaded record (`reads_record`: the compiled executor applies them itself).
_display_name = attrgetter("display_name")
_union_name = attrgetter("name")
_union_level = attrgetter("level")
_union_region_code = attrgetter("region_code")


def _tier(r: MemberRecord) -> Tier:
    return _TIER[r.tier]


def _joined_at(r: MemberRecord) -> datetime | None:
    return _when(r.joined_at)


@strawberry.type(description="A member card (会员卡).")
class MemberCard:
    number: str = strawberry.field(description="19 ASCII digits: issuer prefix 621799 and a "
                                               "Luhn check digit last.")
    status: CardStatusEnum = strawberry.field(description="The card's state.")
    issued_at: datetime = strawberry.field(description="When it was issued (UTC instant).")


def _sees(info: strawberry.Info, rec: MemberRecord) -> bool:
    return sees_personal_data(info.context.principal, rec.id, rec.union_path)


# Reads of an entity holding its record, with the request's context (`reads_entity`: the
# compiled executor calls them itself; the resolvers below answer the same through them).
def _union_of(member: Any, context: Any) -> Any:
    return union_ref(member, member.rec.union_id, context.union_refs)


def _card(r: MemberRecord, context: Any) -> MemberCard | None:
    if r.card_number is None or not sees_personal_data(context.principal, r.id, r.union_path):
        return None
    return MemberCard(number=r.card_number, status=_CARD_STATUS[r.card_status],
                      issued_at=_when(r.card_issued_at))


def _card_of(member: Any, context: Any) -> MemberCard | None:
    return _card(member.rec, context)


@strawberry.type
class IdentityMemberFields:
    # Identity's fields of Member. Personal fields are masked, not nulled, below the rule.

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info, id: strawberry.ID):
        # Called once per representation: the DataLoader makes one batch of them all.
        key = parse_key(id)
        rec = await info.context.members.load(key) if key is not None else None
        return None if rec is None else cls(id=id, rec=rec)

    @gql_field(description="Shown to everyone (leaderboards, lists): never personal data; "
                           "by default 会员 and a 6-character code.")
    @reads_record(_display_name)
    def display_name(self, info: strawberry.Info) -> str:
        return with_member(self, info, _display_name)

    @gql_field(description="The member's tier now (a frozen card drops VERIFIED to MEMBER).")
    @reads_record(_tier)
    def tier(self, info: strawberry.Info) -> TierEnum:
        return with_member(self, info, _tier)

    @gql_field(description="The grassroots union the member belongs to (the holding pool "
                           "before joining one).")
    @reads_entity(_union_of)
    def union(self, info: strawberry.Info) -> UnionRef:
        return with_member(self, info, lambda r: _union_of(self, info.context))

    @gql_field(description="When the member joined their union (UTC instant); null before.")
    @reads_record(_joined_at)
    def joined_at(self, info: strawberry.Info) -> datetime | None:
        return with_member(self, info, _joined_at)

    @gql_field(tier=Tier.MEMBER, description="The member and cadres in scope only; else null.")
    @reads_entity(_card_of)
    def card(self, info: strawberry.Info) -> MemberCard | None:
        return with_member(self, info, lambda r: _card(r, info.context))

    @gql_field(tier=Tier.MEMBER, description="Legal name; masked (张*三) unless self or cadre "
                                             "in scope; unmasked reads are audited.")
    def name(self, info: strawberry.Info) -> str | None:
        return with_member(self, info, lambda r: _personal(
            info, r, r.name_enc, r.name_masked, NAME_READ, r.legal_name))

    @gql_field(tier=Tier.MEMBER, description="Masked (138****5678) unless self or cadre in "
                                             "scope; unmasked reads are audited.")
    def phone(self, info: strawberry.Info) -> str:
        return with_member(self, info, lambda r: _personal(
            info, r, r.phone_enc, r.phone_masked, PHONE_READ, r.phone))

    @gql_field(tier=Tier.MEMBER,
               description="Masked (110***********1234) unless self or cadre in scope; unmasked reads are audited.")
    def id_number(self, info: strawberry.Info) -> str | None:
        return with_member(self, info, lambda r: _personal(
            info, r, r.id_number_enc, r.id_number_masked, ID_NUMBER_READ, r.id_number))


def _personal(info: strawberry.Info, rec: MemberRecord, sealed: str | None, masked: str | None,
              action: str, unmask: Callable[[], str | None]) -> Any:
    """A personal field: synchronous when masked (or absent); an unmasked value only after
    its audit row is written (group-committed: `audit.record_reads`). A member's own name and
    phone are not audited (no one else's data is disclosed, and `me` is on every screen);
    every ID-number read is, the owner's included (sensitive personal information)."""
    if sealed is None:
        return None
    rec.check(sealed, masked)  # moved or altered: refused whoever asks, before any audit
    if not _sees(info, rec):
        return masked
    if rec.id == info.context.principal.member_id and action != ID_NUMBER_READ:
        return unmask()
    return _audited(info, rec, action, unmask)


async def _audited(info: strawberry.Info, rec: MemberRecord, action: str,
                   unmask: Callable[[], str | None]) -> str | None:
    # The audit row is written before the value leaves: no row, no value. Decrypted first, so
    # a value that does not authenticate under this member is refused with no row.
    value = unmask()
    await info.context.audit_personal_read(action, rec)
    return value


@strawberry.type
class IdentityUnionFields:
    @classmethod
    async def resolve_reference(cls, info: strawberry.Info, id: strawberry.ID):
        key = parse_key(id)
        row = await info.context.unions.load(key) if key is not None else None
        return None if row is None else cls(id=id, rec=row)

    @gql_field(description="The union's full name.")
    @reads_record(_union_name)
    def name(self, info: strawberry.Info) -> str:
        return with_union(self, info, _union_name)

    @gql_field(description="Its level in the tree.")
    @reads_record(_union_level)
    def level(self, info: strawberry.Info) -> UnionLevelEnum:
        return with_union(self, info, _union_level)

    @gql_field(description="Its 6-digit GB/T 2260 administrative region code.")
    @reads_record(_union_region_code)
    def region_code(self, info: strawberry.Info) -> str:
        return with_union(self, info, _union_region_code)

    @gql_field(description="The region's name in the GB/T 2260 table (null for a code the "
               "table no longer lists).")
    def region_name(self, info: strawberry.Info) -> str | None:
        return with_union(self, info, lambda u: region_name(u.region_code))

    @gql_field(description="True when the union's code has since been retired from GB/T "
               "2260: the union keeps it, new unions cannot take it.")
    def region_retired(self, info: strawberry.Info) -> bool:
        return with_union(self, info, lambda u: region_retired(u.region_code))

    @gql_field(description="The holding pool: accounts not (or no longer) in a grassroots "
                           "union, such as workers in new forms of employment.")
    def is_holding_pool(self, info: strawberry.Info) -> bool:
        return with_union(self, info, lambda u: u.is_holding_pool)

    @gql_field(description="The union above it; null for the root.")
    def parent(self, info: strawberry.Info) -> UnionRef | None:
        return with_union(
            self, info, lambda u: union_entity(info, u.parent_id) if u.parent_id else None
        )

    @gql_field(description="Every union directly under this one, by id, in one list.",
               deprecation_reason=replaced_by("childrenConnection"))
    async def children(self, info: strawberry.Info) -> list[UnionRef]:
        # Batched per level: `unions { children { children { name } } }` is one query a level.
        rows = await info.context.loader("union_children", loaders.union_children).load(int(self.id))
        info.context.unions.prime_many({u.id: u for u in rows})
        return [union_entity(info, u.id, u) for u in rows]

    @gql_field(description=f"The unions directly under this one, by id, paged both ways (at "
                           f"most {MAX_PAGE} a page): one query per union asked, so page a "
                           "tree level by level.")
    async def children_connection(self, info: strawberry.Info, first: First = None,
                                  after: After = None, last: Last = None,
                                  before: Before = None) -> Connection[UnionRef]:
        return await children_page(info, int(self.id), first, after, last, before)

    @gql_field(tier=Tier.CADRE, description="The 8-character code (A–Z without I and O, "
                                            "2–9) members give to applyToJoin. For cadres "
                                            "whose scope holds the union; else null.")
    def join_code(self, info: strawberry.Info) -> str | None:
        return with_union(
            self, info,
            lambda u: u.join_code if path_in_scope(info.context.principal, u.path) else None,
        )

    @gql_field(tier=Tier.CADRE, description="Whether join applications are approved at once "
                                            "(setUnionAutoApprove).")
    def auto_approve(self, info: strawberry.Info) -> bool:
        return with_union(self, info, lambda u: u.auto_approve)


@strawberry.type(description="A member's application to join a grassroots union, reviewed "
                         "by its cadres (escalated to the parent's when overdue).")
class JoinApplication:
    id: strawberry.ID = strawberry.field(description="The application's id.")
    status: ReviewStatusEnum = strawberry.field(description="Where it stands.")
    reason: str | None = strawberry.field(
        description="The reviewer's reason for a rejection; null unless REJECTED.")
    created_at: datetime = strawberry.field(description="When it was made (UTC instant).")
    due_at: datetime = strawberry.field(
        description="The review deadline: working days after createdAt on the Asia/Shanghai "
                    "calendar (holidays skipped). UTC instant.")
    reviewed_at: datetime | None = strawberry.field(
        description="When it was approved or rejected (UTC instant); null while PENDING.")
    escalated_at: datetime | None = strawberry.field(
        description="When the periodic job found it pending past dueAt and escalated it.")
    member_id: strawberry.Private[int]
    union_id: strawberry.Private[int]
    escalated_to_id: strawberry.Private[int | None]

    @strawberry.field(description="It went past dueAt unanswered (set by the escalation; "
                                  "it stays true once answered).")
    def overdue(self) -> bool:
        return self.escalated_at is not None

    @strawberry.field(description="The parent union whose cadres it was escalated to.")
    def escalated_to(self, info: strawberry.Info) -> UnionRef | None:
        return union_entity(info, self.escalated_to_id) if self.escalated_to_id else None

    @strawberry.field(description="The applicant (personal fields masked by the usual rule).")
    def member(self, info: strawberry.Info) -> MemberRef:
        return member_entity(info, self.member_id)

    @strawberry.field(description="The union applied to.")
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)

    @classmethod
    def of(cls, row) -> JoinApplication:
        return cls(id=strawberry.ID(str(row.id)), status=row.status, reason=row.reason,
                   created_at=row.created_at, due_at=row.due_at, reviewed_at=row.reviewed_at,
                   escalated_at=row.escalated_at, member_id=row.member_id,
                   union_id=row.union_id, escalated_to_id=row.escalated_to_id)


@strawberry.type(description="A member's request to move from one grassroots union to "
                         "another, reviewed by the receiving union's cadres.")
class Transfer:
    id: strawberry.ID = strawberry.field(description="The transfer's id.")
    status: ReviewStatusEnum = strawberry.field(description="Where it stands.")
    reason: str | None = strawberry.field(
        description="The member's own reason for moving, as written.")
    review_reason: str | None = strawberry.field(
        description="The reviewer's reason for a rejection; null unless REJECTED.")
    created_at: datetime = strawberry.field(description="When it was asked (UTC instant).")
    reviewed_at: datetime | None = strawberry.field(
        description="When it was approved or rejected (UTC instant); null while PENDING.")
    member_id: strawberry.Private[int]
    from_union_id: strawberry.Private[int]
    to_union_id: strawberry.Private[int]

    @strawberry.field(description="The member moving (personal fields masked by the usual "
                                  "rule).")
    def member(self, info: strawberry.Info) -> MemberRef:
        return member_entity(info, self.member_id)

    @strawberry.field(description="The union the member leaves.")
    def from_union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.from_union_id)

    @strawberry.field(description="The union the member moves to.")
    def to_union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.to_union_id)

    @classmethod
    def of(cls, row) -> Transfer:
        return cls(id=strawberry.ID(str(row.id)), status=row.status, reason=row.reason,
                   review_reason=row.review_reason,
                   created_at=row.created_at, reviewed_at=row.reviewed_at,
                   member_id=row.member_id, from_union_id=row.from_union_id,
                   to_union_id=row.to_union_id)


@strawberry.type(description="The result of a sign-in, a registration or a refresh.")
class AuthPayload:
    access_token: str | None = strawberry.field(
        default=None, description="A JWT for `Authorization: Bearer`, valid 15 minutes "
                                  "(UNIONHUB_ACCESS_TOKEN_TTL_SECONDS); null on errors.")
    refresh_token: str | None = strawberry.field(
        default=None, description="Single use: trade it for new tokens with refreshToken "
                                  "within 30 days; null on errors.")
    member: MemberRef | None = strawberry.field(default=None,
                                                description="The signed-in account.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of a mutation on a member.")
class MemberPayload:
    member: MemberRef | None = strawberry.field(
        default=None, description="The member as changed; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of applying to join or of a review.")
class JoinApplicationPayload:
    application: JoinApplication | None = strawberry.field(
        default=None, description="The application as it stands; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of requesting or reviewing a transfer.")
class TransferPayload:
    transfer: Transfer | None = strawberry.field(
        default=None, description="The transfer as it stands; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of a mutation on the member's card.")
class MemberCardPayload:
    card: MemberCard | None = strawberry.field(
        default=None, description="The card as it stands (the new one when reissued); null "
                                  "on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of creating or changing a union.")
class UnionPayload:
    union: UnionRef | None = strawberry.field(
        default=None, description="The union as it stands; null on errors.")
    warnings: list[str] = strawberry.field(
        default_factory=list, description="Things done anyway that a person should check, "
                                          "in the request's language.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)
