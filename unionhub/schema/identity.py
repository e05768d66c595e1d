"""The identity subgraph: unions, members, real-name identity, cards, sign-in, operations."""

from __future__ import annotations

import strawberry

from unionhub.identity.access import Tier
from unionhub.identity.models import Role
from unionhub.resolvers import identity as r
from unionhub.resolvers import identity_pages as rp
from unionhub.resolvers import sessions as rs
from unionhub.schema import identity_enum_docs  # noqa: F401  (describes the enums' values)
from unionhub.schema.builder import SchemaPart
from unionhub.schema.console_ops import ConsoleOpsQuery
from unionhub.schema.docs import describe_values
from unionhub.schema.entities import MemberRef, UnionRef
from unionhub.schema.identity_accounts import PhoneAccountMutation, PhoneAccountQuery
from unionhub.schema.identity_lifecycle import LifecycleMutation, LifecycleQuery
from unionhub.schema.identity_types import (
    AuthPayload,
    IdentityMemberFields,
    IdentityUnionFields,
    JoinApplication,
    JoinApplicationPayload,
    MemberCardPayload,
    MemberPayload,
    Transfer,
    TransferPayload,
    UnionLevelEnum,
    UnionPayload,
)
from unionhub.schema.operator_types import AuditEntry, SlowOperation
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import MAX_PAGE, Connection, replaced_by
from unionhub.schema.session_types import RevokeSessionsInput, SignOutPayload


@strawberry.input(description="A new account, proven by an SMS code.")
class RegisterInput:
    phone: str = strawberry.field(description=(
        "An 11-digit mainland mobile number starting 13–19 (PHONE_FORMAT otherwise)."))
    password: str = strawberry.field(description="8–128 characters (PASSWORD_LENGTH).")
    sms_code: str = strawberry.field(description="From requestSmsCode(purpose: REGISTER).")


@strawberry.input(description="Password sign-in.")
class LoginInput:
    phone: str = strawberry.field(description=(
        "An 11-digit mainland mobile number starting 13–19 (PHONE_FORMAT otherwise)."))
    password: str = strawberry.field(description="The account's password.")


@strawberry.input(description="New tokens for a refresh token.")
class RefreshTokenInput:
    refresh_token: str = strawberry.field(
        description="The refreshToken of the last AuthPayload; each is used once (a reused "
                    "one ends its whole sign-in: TOKEN_REUSED).")


@strawberry.input(description="Real-name verification (实名认证) against the authority.")
class VerifyIdentityInput:
    name: str = strawberry.field(description="Legal name as on the ID card: 2–40 Han "
                                             "characters (· between parts) or Latin letters.")
    id_number: str = strawberry.field(
        description="18-character resident ID number: region, birth date, check character "
                    "(0–9 or X); the member must be an adult.")
    consent_version: str | None = strawberry.field(
        default=None, description="The privacyNotice version the member consented to; "
                                  "required (CONSENT_REQUIRED without it).")


@strawberry.input(description="An application to join a grassroots union.")
class ApplyToJoinInput:
    join_code: str = strawberry.field(description="The union's 8-character join code, as "
                                                  "its cadres publish it.")


@strawberry.input(description="A cadre's decision on a join application.")
class ReviewJoinApplicationInput:
    application_id: strawberry.ID = strawberry.field(description="A PENDING application in "
                                                                 "the cadre's scope.")
    approve: bool = strawberry.field(description="True approves (a card is issued), false "
                                                 "rejects.")
    reason: str | None = strawberry.field(default=None, description="Required to reject "
                                                                    "(REASON_REQUIRED).")


@strawberry.input(description="A move to another grassroots union.")
class RequestTransferInput:
    to_union_id: strawberry.ID = strawberry.field(description="The grassroots union to move "
                                                              "to (NOT_GRASSROOTS, SAME_UNION).")
    reason: str | None = strawberry.field(default=None,
                                          description="The member's reason, for the reviewer.")


@strawberry.input(description="A cadre's decision on a transfer.")
class ReviewTransferInput:
    transfer_id: strawberry.ID = strawberry.field(description="A PENDING transfer into the "
                                                              "cadre's scope.")
    approve: bool = strawberry.field(description="True moves the member, false rejects.")
    reason: str | None = strawberry.field(default=None, description="Required to reject "
                                                                    "(REASON_REQUIRED).")


@strawberry.input(description="Reporting the caller's card lost.")
class ReportCardLostInput:
    reissue: bool = strawberry.field(default=True, description="Issue a new card at once; "
                                                               "false leaves it to reissueCard.")


RoleEnum = strawberry.enum(Role, name="Role", description="An account's role; its tier "
                                                          "follows from it.")
describe_values(RoleEnum, MEMBER="An ordinary account.",
                CADRE="A union cadre, acting on the subtree of cadreOrgId.",
                OPERATOR="Platform operations staff.", ADMIN="A platform administrator.")


@strawberry.input(description="A role change.")
class AssignRoleInput:
    member_id: strawberry.ID = strawberry.field(description="The account to change (not your "
                                                            "own: SELF_ROLE_CHANGE).")
    role: RoleEnum = strawberry.field(description="The new role.")
    cadre_org_id: strawberry.ID | None = strawberry.field(
        default=None, description="The union a CADRE acts on (with its subtree): required for "
                                  "CADRE, refused for the other roles.")


@strawberry.input(description="A new union under a parent.")
class CreateUnionInput:
    name: str = strawberry.field(description="2–100 characters, trimmed.")
    level: UnionLevelEnum = strawberry.field(description="One level below the parent's "
                                                         "(LEVEL_MISMATCH).")
    region_code: str = strawberry.field(
        description="6-digit GB/T 2260 code, current, of the level's kind and inside the "
                    "parent's region.")
    parent_id: strawberry.ID = strawberry.field(description="A union in the cadre's scope.")
    credit_code: str | None = strawberry.field(
        default=None, description="18-character unified social credit code (GB 32100); a "
                                  "wrong check character is only a warning.")
    auto_approve: bool = strawberry.field(default=False,
                                          description="Approve join applications at once "
                                                      "(a grassroots union only: "
                                                      "NOT_GRASSROOTS); true is audited "
                                                      "as setUnionAutoApprove is.")


@strawberry.input(description="A grassroots union's auto-approve setting.")
class SetUnionAutoApproveInput:
    union_id: strawberry.ID = strawberry.field(description="A grassroots union in scope.")
    enabled: bool = strawberry.field(description="The new setting.")


@strawberry.type
class IdentityQuery(PhoneAccountQuery, LifecycleQuery, ConsoleOpsQuery):
    me: MemberRef | None = gql_field(tier=Tier.MEMBER, resolver=r.me,
                                     description="The signed-in account.")
    member: MemberRef | None = gql_field(
        tier=Tier.MEMBER, resolver=r.member,
        description="The hot lookup by id or card number: self, or a cadre whose scope holds "
                    "the member; null otherwise.")
    members: Connection[MemberRef] = gql_field(
        tier=Tier.CADRE, resolver=r.members,
        description=f"Members of the union's subtree (a cadre in scope), by id, at most "
                    f"{MAX_PAGE} a page. Each search is audited (never its term). totalCount "
                    "is null: a province's subtree holds millions of members and a search "
                    "filters them after the index.")
    union: UnionRef | None = gql_field(resolver=r.union,
                                       description="A union by id; null if there is none.")
    unions: list[UnionRef] = gql_field(
        resolver=r.unions, description="Children of parentId; roots when null.",
        deprecation_reason=replaced_by("unionsConnection"))
    unions_connection: Connection[UnionRef] = gql_field(
        resolver=rp.unions_connection,
        description="The unions directly under parentId (the roots when null), by id, paged "
                    f"both ways (at most {MAX_PAGE} a page); totalCount counts them.")
    join_applications: list[JoinApplication] = gql_field(
        tier=Tier.CADRE, resolver=r.join_applications,
        description="Applications to the unions of a subtree, oldest first, at most 200.",
        deprecation_reason=replaced_by("joinApplicationsConnection"))
    join_applications_connection: Connection[JoinApplication] = gql_field(
        tier=Tier.CADRE, resolver=rp.join_applications_connection,
        description="Applications to the union's subtree (a cadre in scope), oldest first "
                    f"(the review queue), paged both ways (at most {MAX_PAGE} a page).")
    transfers: list[Transfer] = gql_field(
        tier=Tier.CADRE, resolver=r.transfers,
        description="The first 200 transfers into (IN) or out of (OUT) the union's subtree, "
                    "oldest first.",
        deprecation_reason=replaced_by("transfersConnection"))
    transfers_connection: Connection[Transfer] = gql_field(
        tier=Tier.CADRE, resolver=rp.transfers_connection,
        description="Transfers into (IN) or out of (OUT) the union's subtree (a cadre in "
                    f"scope), oldest first, paged both ways (at most {MAX_PAGE} a page).")
    my_join_applications: list[JoinApplication] = gql_field(
        tier=Tier.MEMBER, resolver=r.my_join_applications,
        description="The newest 100, newest first.",
        deprecation_reason=replaced_by("myJoinApplicationsConnection"))
    my_join_applications_connection: Connection[JoinApplication] = gql_field(
        tier=Tier.MEMBER, resolver=rp.my_join_applications_connection,
        description=f"The caller's applications, newest first (at most {MAX_PAGE} a page).")
    my_transfers: list[Transfer] = gql_field(
        tier=Tier.MEMBER, resolver=r.my_transfers, description="The newest 100, newest first.",
        deprecation_reason=replaced_by("myTransfersConnection"))
    my_transfers_connection: Connection[Transfer] = gql_field(
        tier=Tier.MEMBER, resolver=rp.my_transfers_connection,
        description=f"The caller's transfer requests, newest first (at most {MAX_PAGE} a "
                    "page).")
    slow_operations: list[SlowOperation] = gql_field(
        tier=Tier.OPERATOR, resolver=r.slow_operations,
        description=f"The slowest operations kept, slowest first; first is 1–{MAX_PAGE}.",
        deprecation_reason=replaced_by("slowOperationsConnection"))
    slow_operations_connection: Connection[SlowOperation] = gql_field(
        tier=Tier.OPERATOR, resolver=rp.slow_operations_connection,
        description="The slowest operations kept (UNIONHUB_SLOW_OPERATIONS_KEPT, 200 by "
                    "default), slowest first, since `since` when given; at most "
                    f"{MAX_PAGE} a page.")
    audit_log: Connection[AuditEntry] = gql_field(
        tier=Tier.ADMIN, resolver=r.audit_log,
        description="Newest first; every filter given must match (since inclusive, until not); "
                    f"at most {MAX_PAGE} a page. totalCount is null: the log holds millions "
                    "of rows and a count would scan the filtered range.")


@strawberry.type
class IdentityMutation(PhoneAccountMutation, LifecycleMutation):
    @gql_field(description="Creates an account and signs in. Says whether the phone is taken "
                           "only after the code proves the caller holds it.")
    async def register(self, info: strawberry.Info, input: RegisterInput) -> AuthPayload:
        return await r.register(info, input.phone, input.password, input.sms_code)

    @gql_field(description="Password sign-in: the same error (and work) whether the phone is "
                           "unknown or the password wrong; repeated failures are rate limited.")
    async def login(self, info: strawberry.Info, input: LoginInput) -> AuthPayload:
        return await r.login(info, input.phone, input.password)

    @gql_field(description="Trades a refresh token for a new pair (rotation).")
    async def refresh_token(self, info: strawberry.Info,
                            input: RefreshTokenInput) -> AuthPayload:
        return await r.refresh_token(info, input.refresh_token)

    @gql_field(tier=Tier.MEMBER, description="Real-name verification: the name and ID number "
                                             "are checked with the authority, then stored "
                                             "encrypted with the consent's version and time.")
    async def verify_identity(self, info: strawberry.Info,
                              input: VerifyIdentityInput) -> MemberPayload:
        return await r.verify_identity(info, input.name, input.id_number,
                                       input.consent_version)

    @gql_field(tier=Tier.MEMBER, description="Applies to the union of a join code (approved at "
                                             "once where the union auto-approves). Needs a "
                                             "verified identity.")
    async def apply_to_join(self, info: strawberry.Info,
                            input: ApplyToJoinInput) -> JoinApplicationPayload:
        return await r.apply_to_join(info, input.join_code)

    @gql_field(tier=Tier.CADRE, description="Approves (the member joins and gets a card) or "
                                            "rejects an application.")
    async def review_join_application(self, info: strawberry.Info,
                                      input: ReviewJoinApplicationInput,
                                      ) -> JoinApplicationPayload:
        return await r.review_join_application(info, input.application_id, input.approve,
                                               input.reason)

    @gql_field(tier=Tier.MEMBER, description="Asks to move to another grassroots union; the "
                                             "member keeps every service until it is "
                                             "approved. One pending at a time.")
    async def request_transfer(self, info: strawberry.Info,
                               input: RequestTransferInput) -> TransferPayload:
        return await r.request_transfer(info, input.to_union_id, input.reason)

    @gql_field(tier=Tier.CADRE, description="The receiving union's cadre approves or rejects.")
    async def review_transfer(self, info: strawberry.Info,
                              input: ReviewTransferInput) -> TransferPayload:
        return await r.review_transfer(info, input.transfer_id, input.approve, input.reason)

    @gql_field(tier=Tier.MEMBER, description="Marks the caller's card LOST (it finds no one "
                                             "any more), by default with a new number.")
    async def report_card_lost(self, info: strawberry.Info,
                               input: ReportCardLostInput) -> MemberCardPayload:
        return await r.report_card_lost(info, input.reissue)

    @gql_field(tier=Tier.CADRE, description="Creates a union under one in the cadre's scope.")
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

