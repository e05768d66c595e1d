"""Identity's issue-17 fields: the privacy notice, the personal-data export, account closure,
and the card and membership lifecycle (reissue, freeze, unfreeze, leave). Mixed into the
identity subgraph's Query and Mutation (`schema/identity.py`)."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from unionhub.identity.access import Tier
from unionhub.resolvers import identity_lifecycle as r
from unionhub.schema.identity_lifecycle_types import (
    CloseAccountInput,
    CloseAccountPayload,
    FreezeCardInput,
    LeaveUnionInput,
    PrivacyNotice,
    UnfreezeCardInput,
)
from unionhub.schema.identity_types import MemberCardPayload, MemberPayload
from unionhub.schema.permissions import gql_field


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
