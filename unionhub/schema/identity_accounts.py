"""Identity's phone-proven account operations (issue 16): SMS codes, SMS sign-in, password
reset, phone change; and the identity-verification conflicts cadres follow up."""

from __future__ import annotations

from datetime import datetime

import strawberry

from unionhub.identity.access import Tier
from unionhub.identity.models import SmsPurpose
from unionhub.resolvers import identity_accounts as r
from unionhub.resolvers import identity_pages as rp
from unionhub.schema.docs import PAYLOAD_ERRORS, describe_values
from unionhub.schema.entities import MemberRef
from unionhub.schema.errors import UserError
from unionhub.schema.identity_types import AuthPayload, MemberPayload
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import MAX_PAGE, Connection, replaced_by

SmsPurposeEnum = strawberry.enum(SmsPurpose, name="SmsPurpose",
                                 description="What an SMS code is for: a code proves only that.")
describe_values(SmsPurposeEnum, REGISTER="register.", LOGIN="loginBySms.",
                RESET_PASSWORD="resetPassword.",  # noqa: S106  (a mutation's name)
                CHANGE_PHONE="changePhone (sent to the new phone).",
                CONFIRM_ACCOUNT="Sent to the signed-in account's own phone: confirms "
                                "changePhone (currentPhoneCode) or closeAccount (smsCode).")


@strawberry.input(description="A phone and what its code is for.")
class RequestSmsCodeInput:
    phone: str = strawberry.field(description=(
        "An 11-digit mainland mobile number starting 13–19 (PHONE_FORMAT otherwise)."))
    purpose: SmsPurposeEnum = strawberry.field(description="The mutation the code will be "
                                                           "given to.")


@strawberry.type(description="The result of requestSmsCode.")
class SmsCodePayload:
    retry_after_seconds: int | None = strawberry.field(
        default=None, description="Seconds until another code may be asked for this phone.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.input(description="SMS sign-in.")
class LoginBySmsInput:
    phone: str = strawberry.field(description=(
        "An 11-digit mainland mobile number starting 13–19 (PHONE_FORMAT otherwise)."))
    sms_code: str = strawberry.field(description=(
        "The 6-digit code sent by requestSmsCode; valid 5 minutes, 5 tries."))


@strawberry.input(description="A new password, proven by an SMS code.")
class ResetPasswordInput:
    phone: str = strawberry.field(description=(
        "An 11-digit mainland mobile number starting 13–19 (PHONE_FORMAT otherwise)."))
    sms_code: str = strawberry.field(description=(
        "The 6-digit code sent by requestSmsCode; valid 5 minutes, 5 tries."))
    new_password: str = strawberry.field(description="8–128 characters (PASSWORD_LENGTH).")


@strawberry.input(description="A new phone, proven by a code sent to it.")
class ChangePhoneInput:
    new_phone: str = strawberry.field(description=(
        "The new phone: an 11-digit mainland mobile number starting 13–19 (PHONE_FORMAT "
        "otherwise)."))
    sms_code: str = strawberry.field(description="The code sent to the new phone "
                                                 "(purpose CHANGE_PHONE).")
    password: str | None = strawberry.field(
        default=None, description="The account's password; give it or currentPhoneCode "
                                  "(exactly one, else CONFIRMATION_REQUIRED).")
    current_phone_code: str | None = strawberry.field(
        default=None, description="A CONFIRM_ACCOUNT code sent to the account's current phone, "
                                  "instead of the password.")


@strawberry.type(description="A member whose name and ID number the authority confirmed, "
                         "but whose number is bound to another account: the member was told "
                         "only to contact the union.")
class IdentityConflict:

    id: strawberry.ID = strawberry.field(description="The conflict's id.")
    at: datetime = strawberry.field(description="When it was found (UTC instant).")
    member: MemberRef = strawberry.field(description="The member told to contact the union.")


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
        return await r.request_sms_code(info, input.phone, input.purpose)

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
