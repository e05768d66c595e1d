"""The identity subgraph: unions, members, real-name identity, cards, sign-in, operations."""

from __future__ import annotations

import strawberry

from unionhub.identity.access import Tier
from unionhub.identity.models import Role
from unionhub.resolvers import identity as r
from unionhub.schema.builder import SchemaPart
from unionhub.schema.entities import MemberRef, UnionRef
from unionhub.schema.identity_lifecycle import LifecycleMutation, LifecycleQuery
from unionhub.schema.identity_types import (
    AuditEntry,
    AuthPayload,
    IdentityMemberFields,
    IdentityUnionFields,
    JoinApplication,
    JoinApplicationPayload,
    MemberCardPayload,
    MemberPayload,
    SlowOperation,
    Transfer,
    TransferPayload,
    UnionLevelEnum,
    UnionPayload,
)
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import Connection


@strawberry.input
class RegisterInput:
    phone: str
    password: str


@strawberry.input
class LoginInput:
    phone: str
    password: str


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.input
class VerifyIdentityInput:
    name: str
    id_number: str
    consent_version: str | None = strawberry.field(
        default=None, description="The privacyNotice version the member consented to; "
                                  "required (CONSENT_REQUIRED without it).")


@strawberry.input
class ApplyToJoinInput:
    join_code: str


@strawberry.input
class ReviewJoinApplicationInput:
    application_id: strawberry.ID
    approve: bool
    reason: str | None = None


@strawberry.input
class RequestTransferInput:
    to_union_id: strawberry.ID
    reason: str | None = None


@strawberry.input
class ReviewTransferInput:
    transfer_id: strawberry.ID
    approve: bool
    reason: str | None = None


@strawberry.input
class ReportCardLostInput:
    reissue: bool = True


RoleEnum = strawberry.enum(Role, name="Role")


@strawberry.input
class AssignRoleInput:
    member_id: strawberry.ID
    role: RoleEnum
    cadre_org_id: strawberry.ID | None = None


@strawberry.input
class CreateUnionInput:
    name: str
    level: UnionLevelEnum
    region_code: str
    parent_id: strawberry.ID
    credit_code: str | None = None
    auto_approve: bool = False


@strawberry.type
class IdentityQuery(LifecycleQuery):
    me: MemberRef | None = gql_field(tier=Tier.MEMBER, resolver=r.me)
    member: MemberRef | None = gql_field(
        tier=Tier.MEMBER, resolver=r.member,
        description="The hot lookup by id or card number: self, or a cadre whose scope holds "
                    "the member; null otherwise.")
    members: Connection[MemberRef] = gql_field(tier=Tier.CADRE, resolver=r.members)
    union: UnionRef | None = gql_field(resolver=r.union)
    unions: list[UnionRef] = gql_field(resolver=r.unions,
                                       description="Children of parentId; roots when null.")
    join_applications: list[JoinApplication] = gql_field(tier=Tier.CADRE,
                                                         resolver=r.join_applications)
    transfers: list[Transfer] = gql_field(
        tier=Tier.CADRE, resolver=r.transfers,
        description="Transfers into (IN) or out of (OUT) the union's subtree, oldest first.")
    my_join_applications: list[JoinApplication] = gql_field(
        tier=Tier.MEMBER, resolver=r.my_join_applications, description="Newest first.")
    my_transfers: list[Transfer] = gql_field(tier=Tier.MEMBER, resolver=r.my_transfers,
                                             description="Newest first.")
    slow_operations: list[SlowOperation] = gql_field(tier=Tier.OPERATOR,
                                                     resolver=r.slow_operations)
    audit_log: list[AuditEntry] = gql_field(tier=Tier.ADMIN, resolver=r.audit_log)


@strawberry.type
class IdentityMutation(LifecycleMutation):
    @gql_field()
    async def register(self, info: strawberry.Info, input: RegisterInput) -> AuthPayload:
        return await r.register(info, input.phone, input.password)

    @gql_field()
    async def login(self, info: strawberry.Info, input: LoginInput) -> AuthPayload:
        return await r.login(info, input.phone, input.password)

    @gql_field()
    async def refresh_token(self, info: strawberry.Info,
                            input: RefreshTokenInput) -> AuthPayload:
        return await r.refresh_token(info, input.refresh_token)

    @gql_field(tier=Tier.MEMBER)
    async def verify_identity(self, info: strawberry.Info,
                              input: VerifyIdentityInput) -> MemberPayload:
        return await r.verify_identity(info, input.name, input.id_number,
                                       input.consent_version)

    @gql_field(tier=Tier.MEMBER)
    async def apply_to_join(self, info: strawberry.Info,
                            input: ApplyToJoinInput) -> JoinApplicationPayload:
        return await r.apply_to_join(info, input.join_code)

    @gql_field(tier=Tier.CADRE)
    async def review_join_application(self, info: strawberry.Info,
                                      input: ReviewJoinApplicationInput,
                                      ) -> JoinApplicationPayload:
        return await r.review_join_application(info, input.application_id, input.approve,
                                               input.reason)

    @gql_field(tier=Tier.MEMBER)
    async def request_transfer(self, info: strawberry.Info,
                               input: RequestTransferInput) -> TransferPayload:
        return await r.request_transfer(info, input.to_union_id, input.reason)

    @gql_field(tier=Tier.CADRE)
    async def review_transfer(self, info: strawberry.Info,
                              input: ReviewTransferInput) -> TransferPayload:
        return await r.review_transfer(info, input.transfer_id, input.approve, input.reason)

    @gql_field(tier=Tier.MEMBER)
    async def report_card_lost(self, info: strawberry.Info,
                               input: ReportCardLostInput) -> MemberCardPayload:
        return await r.report_card_lost(info, input.reissue)

    @gql_field(tier=Tier.CADRE)
    async def create_union(self, info: strawberry.Info,
                           input: CreateUnionInput) -> UnionPayload:
        return await r.create_union(info, input.name, input.level, input.region_code,
                                    input.parent_id, input.credit_code, input.auto_approve)

    @gql_field(tier=Tier.ADMIN, description="Audited; the member's sessions are revoked.")
    async def assign_role(self, info: strawberry.Info,
                          input: AssignRoleInput) -> MemberPayload:
        return await r.assign_role(info, input.member_id, input.role, input.cadre_org_id)


PART = SchemaPart(
    query=IdentityQuery,
    mutation=IdentityMutation,
    member_fields=IdentityMemberFields,
    union_fields=IdentityUnionFields,
)

