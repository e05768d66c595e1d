"""GraphQL types of the phone-account fields (SMS codes, login by SMS, password reset, phone
change, identity conflicts): defined apart from their binding in identity_accounts.py, so the
resolvers import them without an import cycle."""

from __future__ import annotations

from datetime import datetime

import strawberry

from unionhub.identity.enums import SmsPurpose
from unionhub.schema.docs import PAYLOAD_ERRORS, describe_values
from unionhub.schema.entities import MemberRef
from unionhub.schema.errors import UserError

SmsPurposeEnum = strawberry.enum(SmsPurpose, name="SmsPurpose",
                                 description="What an SMS code is for: a code proves only that.")
describe_values(SmsPurposeEnum, REGISTER="register.", LOGIN="loginBySms.",
                RESET_PASSWORD="resetPassword.",  # noqa: S106  (a mutation's name)
                CHANGE_PHONE="changePhone (sent to the new phone).",
                CONFIRM_ACCOUNT="Sent to the signed-in account's own phone: confirms "
                                "changePhone (currentPhoneCode) or closeAccount (smsCode).")


@strawberry.input(description="What Tencent Cloud Captcha's widget (TCaptcha) hands back once "
                              "the person has solved it. The sandbox passes the ticket "
                              "`sandbox-pass` with any randstr; production never uses the "
                              "sandbox.")
class CaptchaInput:
    ticket: str = strawberry.field(description="The widget's ticket (at most 4096 "
                                               "characters); valid 5 minutes, once.")
    randstr: str = strawberry.field(description="The widget's random string (at most 128 "
                                                "characters).")


@strawberry.input(description="A phone and what its code is for.")
class RequestSmsCodeInput:
    phone: str = strawberry.field(description=(
        "An 11-digit mainland mobile number starting 13–19 (PHONE_FORMAT otherwise)."))
    purpose: SmsPurposeEnum = strawberry.field(description="The mutation the code will be "
                                                           "given to.")
    captcha: CaptchaInput | None = strawberry.field(default=None, description=(
        "Needed once the phone has had a few codes today (3 by default; CAPTCHA_REQUIRED "
        "says so): show the captcha, then ask again with what it returns. Checked only "
        "when given (CAPTCHA_INVALID when it does not pass)."))


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
