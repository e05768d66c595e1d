"""GraphQL types of the phone-account fields (SMS codes, login by SMS, password reset, phone
change, identity conflicts): defined apart from their binding in identity_accounts.py, so the
resolvers import them without an import cycle."""

from __future__ import annotations

from datetime import datetime

import strawberry

from unionhub.identity.models import SmsPurpose
from unionhub.schema.entities import MemberRef
from unionhub.schema.errors import UserError

SmsPurposeEnum = strawberry.enum(SmsPurpose, name="SmsPurpose")


@strawberry.input
class RequestSmsCodeInput:
    phone: str
    purpose: SmsPurposeEnum


@strawberry.type
class SmsCodePayload:
    retry_after_seconds: int | None = strawberry.field(
        default=None, description="Seconds until another code may be asked for this phone.")
    errors: list[UserError]


@strawberry.input
class LoginBySmsInput:
    phone: str
    sms_code: str


@strawberry.input
class ResetPasswordInput:
    phone: str
    sms_code: str
    new_password: str


@strawberry.input
class ChangePhoneInput:
    new_phone: str
    sms_code: str


@strawberry.type
class IdentityConflict:
    """A member whose name and ID number the authority confirmed, but whose number is bound to
    another account: the member was told only to contact the union."""

    id: strawberry.ID
    at: datetime
    member: MemberRef
