"""Identity's phone-proven account operations (issue 16): SMS codes, SMS sign-in, password
reset, phone change; and the identity-verification conflicts cadres follow up."""

from __future__ import annotations

import strawberry

from unionhub.identity.access import Tier
from unionhub.resolvers import identity_accounts as r
from unionhub.resolvers import identity_pages as rp
from unionhub.schema.identity_accounts_types import (
    ChangePhoneInput,
    IdentityConflict,
    LoginBySmsInput,
    RequestSmsCodeInput,
    ResetPasswordInput,
    SmsCodePayload,
)
from unionhub.schema.identity_types import AuthPayload, MemberPayload
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import MAX_PAGE, Connection, replaced_by


@strawberry.type
class PhoneAccountQuery:
    identity_conflicts: list[IdentityConflict] = gql_field(
        tier=Tier.CADRE, resolver=r.identity_conflicts,
        description="Identity-verification conflicts of members in the union's subtree, "
                    "newest first.",
        deprecation_reason=replaced_by("identityConflictsConnection"))
    identity_conflicts_connection: Connection[IdentityConflict] = gql_field(
        tier=Tier.CADRE, resolver=rp.identity_conflicts_connection,
        description="Identity-verification conflicts of members in the union's subtree (a "
                    f"cadre in scope), newest first, at most {MAX_PAGE} a page.")


@strawberry.type
class PhoneAccountMutation:
    @gql_field(description="Sends a 6-digit code (5 minutes, 5 tries). Answers the same "
                           "whether or not the phone has an account.")
    async def request_sms_code(self, info: strawberry.Info,
                               input: RequestSmsCodeInput) -> SmsCodePayload:
        return await r.request_sms_code(info, input.phone, input.purpose, input.captcha)

    @gql_field(description="Signs in with a code sent by requestSmsCode(purpose: LOGIN).")
    async def login_by_sms(self, info: strawberry.Info, input: LoginBySmsInput) -> AuthPayload:
        return await r.login_by_sms(info, input.phone, input.sms_code)

    @gql_field(description="Ends every session of the member, then signs in anew.")
    async def reset_password(self, info: strawberry.Info,
                             input: ResetPasswordInput) -> AuthPayload:
        return await r.reset_password(info, input.phone, input.sms_code, input.new_password)

    @gql_field(tier=Tier.MEMBER, description="Moves the account to a new phone: the caller "
               "confirms the account (password or a code to the current phone) and proves the "
               "new phone (its code). Ends every session of the member.")
    async def change_phone(self, info: strawberry.Info, input: ChangePhoneInput) -> MemberPayload:
        return await r.change_phone(info, input.new_phone, input.sms_code, input.password,
                                    input.current_phone_code)
