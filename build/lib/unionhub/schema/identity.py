"""The identity subgraph: unions, members, real-name identity, cards, sign-in, operations."""

from __future__ import annotations

import strawberry

from unionhub.identity.access import Tier
from unionhub.identity.models import Role
from unionhub.resolvers import identity as r
from unionhub.resolvers import sessions as rs
from unionhub.schema.builder import SchemaPart
from unionhub.schema.console_ops import ConsoleOpsQuery
from unionhub.schema.entities import MemberRef, UnionRef
from unionhub.schema.identity_accounts import PhoneAccountMutation, PhoneAccountQuery
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
from unionhub.schema.session_types import RevokeSessionsInput, SignOutPayload


@strawberry.input
class RegisterInput:
    phone: str
    password: str
    sms_code: str = strawberry.field(description="From requestSmsCode(purpose: REGISTER).")


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


@strawberry.input
class SetUnionAutoApproveInput:
    union_id: strawberry.ID
    enabled: bool


@strawberry.type
class IdentityQuery(PhoneAccountQuery, LifecycleQuery, ConsoleOpsQuery):
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
    audit_log: Connection[AuditEntry] = gql_field(
        tier=Tier.ADMIN, resolver=r.audit_log,
        description="Newest first; every filter given must match (since inclusive, until not).")


@strawberry.type
class IdentityMutation(PhoneAccountMutation, LifecycleMutation):
    @gql_field()
    async def register(self, info: strawberry.Info, input: RegisterInput) -> AuthPayload:
        return await r.register(info, input.phone, input.password, input.sms_code)

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

    @gql_field(tier=Tier.CADRE, description="Whether a grassroots union in the cadre's scope "
                                            "approves join applications at once. Audited.")
    async def set_union_auto_approve(self, info: strawberry.Info,
                                     input: SetUnionAutoApproveInput) -> UnionPayload:
        return await r.set_union_auto_approve(info, input.union_id, input.enabled)

    @gql_field(tier=Tier.ADMIN, description="Audited; the member's sessions are revoked.")
    async def assign_role(self, info: strawberry.Info,
                          input: AssignRoleInput) -> MemberPayload:
        return await r.assign_role(info, input.member_id, input.role, input.cadre_org_id)

    @gql_field(tier=Tier.MEMBER, description="End this session: its access token is refused "
                                             "(TOKEN_REVOKED) within 5 s, its refresh token at once.")
    async def logout(self, info: strawberry.Info) -> SignOutPayload:
        return await rs.logout(info)

    @gql_field(tier=Tier.MEMBER, description="End every session of the caller, this one included.")
    async def logout_everywhere(self, info: strawberry.Info) -> SignOutPayload:
        return await rs.logout_everywhere(info)

    @gql_field(tier=Tier.ADMIN, description="End every session of a member. Audited.")
    async def revoke_sessions(self, info: strawberry.Info,
                              input: RevokeSessionsInput) -> SignOutPayload:
        return await rs.revoke_sessions(info, input.member_id)


PART = SchemaPart(
    query=IdentityQuery,
    mutation=IdentityMutation,
    member_fields=IdentityMemberFields,
    union_fields=IdentityUnionFields,
)

