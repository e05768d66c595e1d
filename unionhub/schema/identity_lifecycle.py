"""Identity's issue-17 fields: the privacy notice, the personal-data export, account closure,
and the card and membership lifecycle (reissue, freeze, unfreeze, leave). Mixed into the
identity subgraph's Query and Mutation (`schema/identity.py`)."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from unionhub.identity.access import Tier
from unionhub.resolvers import identity_lifecycle as r
from unionhub.schema.docs import PAYLOAD_ERRORS
from unionhub.schema.errors import UserError
from unionhub.schema.identity_types import MemberCardPayload, MemberPayload
from unionhub.schema.permissions import gql_field


@strawberry.type(description="The privacy notice (PIPL) members consent to when verifying.")
class PrivacyNotice:
    version: str = strawberry.field(description="Give it as VerifyIdentityInput.consentVersion.")
    text: str = strawberry.field(description="The notice's text, in Chinese.")


@strawberry.input(description="Confirmation of an account closure.")
class CloseAccountInput:
    password: str | None = strawberry.field(
        default=None, description="The account's password: confirms the closure "
                                  "(CONFIRMATION_REQUIRED without it, WRONG_PASSWORD).")
    sms_code: str | None = strawberry.field(
        default=None, description="A CONFIRM_ACCOUNT code sent to the account's phone, instead "
                                  "of the password.")


@strawberry.type(description="The result of closeAccount.")
class CloseAccountPayload:
    closed: bool = strawberry.field(default=False, description="True once the account is "
                                                               "closed; its sessions end.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.input(description="A card to freeze.")
class FreezeCardInput:
    member_id: strawberry.ID = strawberry.field(description="A member in the cadre's scope "
                                                            "(MEMBER_NOT_FOUND otherwise).")
    reason: str = strawberry.field(description="Why: 1–500 characters, audited.")


@strawberry.input(description="A card to unfreeze.")
class UnfreezeCardInput:
    member_id: strawberry.ID = strawberry.field(description="A member in the cadre's scope "
                                                            "(MEMBER_NOT_FOUND otherwise).")
    reason: str = strawberry.field(description="Why: 1–500 characters, audited.")


@strawberry.input(description="Who leaves: the caller, or a member a cadre removes.")
class LeaveUnionInput:
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="A cadre removing a member in scope; omit to leave yourself.")
    reason: str | None = strawberry.field(default=None,
                                          description="Required when a cadre removes a member.")


@strawberry.type
class LifecycleQuery:
    privacy_notice: PrivacyNotice = gql_field(
        resolver=r.privacy_notice,
        description="The current notice; real-name verification consents to its version.")
    my_personal_data: JSON = gql_field(
        tier=Tier.MEMBER, resolver=r.my_personal_data,
        description="Everything held about the caller, unmasked, as JSON (PIPL art. 45). "
                    "Audited.")


@strawberry.type
class LifecycleMutation:
    @gql_field(tier=Tier.MEMBER, description="Erases personal data; orders, payments and "
                                             "audit rows stay under the member id.")
    async def close_account(self, info: strawberry.Info,
                            input: CloseAccountInput) -> CloseAccountPayload:
        return await r.close_account(info, input.password, input.sms_code)

    @gql_field(tier=Tier.MEMBER, description="After a loss reported without reissue.")
    async def reissue_card(self, info: strawberry.Info) -> MemberCardPayload:
        return await r.reissue_card(info)

    @gql_field(tier=Tier.CADRE, description="A cadre whose scope holds the member.")
    async def freeze_card(self, info: strawberry.Info,
                          input: FreezeCardInput) -> MemberCardPayload:
        return await r.freeze_card(info, input.member_id, input.reason)

    @gql_field(tier=Tier.CADRE, description="A cadre whose scope holds the member.")
    async def unfreeze_card(self, info: strawberry.Info,
                            input: UnfreezeCardInput) -> MemberCardPayload:
        return await r.unfreeze_card(info, input.member_id, input.reason)

    @gql_field(tier=Tier.MEMBER, description="退会: the membership ends, the card is cancelled "
                                             "and the union's vouchers are withdrawn.")
    async def leave_union(self, info: strawberry.Info, input: LeaveUnionInput) -> MemberPayload:
        return await r.leave_union(info, input.member_id, input.reason)
