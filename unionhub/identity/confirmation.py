"""Step-up confirmation: a signed-in member proves again that they are the account's holder
before an irreversible change (closing the account, moving it to another phone).

An access token alone is not enough for these: a token read off a shared or stolen phone
would otherwise let its holder take the account away (a new phone, then a password reset) or
erase it. The member confirms with the account's password or with a code sent to the
account's current phone (purpose CONFIRM_ACCOUNT). Failures count against a per-account limit
(a stolen token must not guess the password), and the code is consumed by the caller in the
transaction of its effect, so a refused change leaves it usable.
"""

from __future__ import annotations

from unionhub.errors import InvalidCredentials, ValidationFailed
from unionhub.identity import sms_codes
from unionhub.identity.crypto import open_personal
from unionhub.identity.models import Member, SmsCode, SmsPurpose
from unionhub.identity.passwords import verify_password
from unionhub.ratelimit import Rule, count, reset
from unionhub.settings import get_settings


def _failure_rule() -> Rule:
    s = get_settings()
    # An account's own failures: the per-pair limit (a few), not the phone-wide one, which is
    # sized for an attack spread over many addresses.
    return Rule("confirm-account-failures", s.login_failures_per_pair,
                s.rate_limit_window_seconds)


def require_one(password: str | None, sms_code: str | None) -> None:
    if (password is None) == (sms_code is None):
        raise ValidationFailed("confirm with your password or an SMS code (one of them)",
                               field="password", code="CONFIRMATION_REQUIRED")


async def confirm(member: Member, password: str | None, sms_code: str | None,
                  client_ip: str | None = None, *,
                  code_field: str = "smsCode") -> SmsCode | None:
    """Check the confirmation; return the SMS code row to consume with the change (None for a
    password). Raises WRONG_PASSWORD, an SMS code error or RATE_LIMITED, changing nothing."""
    require_one(password, sms_code)
    rule, subject = _failure_rule(), str(member.id)
    # Counted before the check, refused over the limit, reset on success: checking the count
    # first and counting after let a concurrent burst have every guess checked.
    await count(rule, subject)
    if sms_code is not None:
        phone = open_personal(member.phone_enc, "phone", member.id)  # never another's phone
        try:
            row = await sms_codes.check_code(phone, SmsPurpose.CONFIRM_ACCOUNT, sms_code,
                                             client_ip)
        except ValidationFailed as exc:
            exc.field = code_field
            raise
        await reset(rule, subject)
        return row
    assert password is not None
    if not await verify_password(member.password_hash, password):
        raise InvalidCredentials("the password is wrong", field="password",
                                 code="WRONG_PASSWORD")
    await reset(rule, subject)
    return None
