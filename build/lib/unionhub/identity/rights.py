"""Members' rights under PIPL: a copy of everything held about them (art. 45), and deletion by
closing the account (art. 47).

The export gathers every domain's part (`unionhub.memberdata`), unmasked for its owner, and is
audited before it is answered. The closure, after the member proves it is them, is one
transaction: the other domains erase their personal data (and may refuse: an order still on
its way), the membership ends (card cancelled, vouchers withdrawn), sessions are revoked, and
the member row keeps only its id (the pseudonym orders, payments and audit rows point at),
its consent record and its dates. The phone and ID number's blind indexes go with the rest,
so both can register and verify again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from unionhub import memberdata
from unionhub.clock import utcnow
from unionhub.errors import InvalidCredentials, InvalidTransition, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.accounts import revoke_all_sessions
from unionhub.identity.leaving import end_membership
from unionhub.identity.lookup import invalidate_member
from unionhub.identity.models import Member, Role, TransferRequest, Union
from unionhub.identity.passwords import MAX_PASSWORD_LENGTH, verify_password
from unionhub.identity.privacy import CURRENT
from unionhub.ratelimit import Rule, count, ensure_allowed, reset
from unionhub.settings import get_settings

CLOSED_DISPLAY_NAME = "已注销用户"
# A closed member's phone index: not a hex HMAC, so it can never equal a real phone's index.
CLOSED_PHONE_INDEX = "closed:{}"
_UNUSABLE_PASSWORD_HASH = "!"  # noqa: S105 (not a secret: no password verifies against it)


def _closure_rule() -> Rule:
    s = get_settings()
    # An account's own failures: the per-pair limit (a few), not the phone-wide one, which is
    # sized for an attack spread over many addresses.
    return Rule("close-account-failures", s.login_failures_per_pair, s.rate_limit_window_seconds)


async def _open_member(member_id: int, *, lock: bool = False) -> Member:
    qs = Member.select_for_update() if lock else Member
    member = await qs.get_or_none(id=member_id, closed_at=None)
    if member is None:
        raise InvalidTransition("this account is closed", code="ACCOUNT_CLOSED")
    return member


async def export_personal_data(member_id: int) -> dict[str, Any]:
    await _open_member(member_id)
    sections = await memberdata.export_all(member_id)
    # Written (and committed) before the data leaves: no row, no export.
    await audit.record("identity.personal_data.export", actor_id=member_id,
                       subject_type="member", subject_id=member_id,
                       detail={"sections": sorted(sections)})
    return {"member_id": str(member_id), "exported_at": utcnow().isoformat(),
            "privacy_notice_version": CURRENT.version, **sections}


async def confirm_by_sms_code(member: Member, sms_code: str) -> None:
    """Seam for SMS confirmation: the `sms` work (issue 16) adds the codes. Replace this body
    with its check of a code sent to the member's phone for account closure; until then the
    closure is confirmed by password only, and a code is refused without changing anything."""
    raise ValidationFailed("confirming by SMS code is not available yet; use your password",
                           field="smsCode", code="SMS_CONFIRMATION_UNAVAILABLE")


async def _confirm(member: Member, password: str | None, sms_code: str | None) -> None:
    rule, subject = _closure_rule(), str(member.id)
    await ensure_allowed(rule, subject)
    if sms_code is not None:
        await confirm_by_sms_code(member, sms_code)
        return
    assert password is not None
    ok = len(password) <= MAX_PASSWORD_LENGTH and await verify_password(member.password_hash,
                                                                         password)
    if not ok:
        await count(rule, subject)  # a stolen access token must not guess the password
        raise InvalidCredentials("the password is wrong", field="password",
                                 code="WRONG_PASSWORD")
    await reset(rule, subject)


async def close_account(member_id: int, password: str | None = None,
                        sms_code: str | None = None, now: datetime | None = None) -> None:
    if (password is None) == (sms_code is None):
        raise ValidationFailed("confirm with your password or an SMS code (one of them)",
                               field="password", code="CONFIRMATION_REQUIRED")
    await _confirm(await _open_member(member_id), password, sms_code)
    now = now or utcnow()
    async with in_transaction():
        member = await _open_member(member_id, lock=True)
        union = await Union.get(id=member.union_id)
        await memberdata.close_all(member_id)  # may refuse: then nothing has changed
        ended = await end_membership(member, union, "ACCOUNT_CLOSED", member_id, None, now)
        await TransferRequest.filter(member_id=member_id).update(reason=None)  # their words
        await revoke_all_sessions(member_id, reason="account_closed", actor_id=member_id)
        await Member.filter(id=member_id).update(
            phone_enc="", phone_bidx=CLOSED_PHONE_INDEX.format(member_id),
            password_hash=_UNUSABLE_PASSWORD_HASH, display_name=CLOSED_DISPLAY_NAME,
            role=Role.MEMBER, cadre_org_id=None, name_enc=None, id_number_enc=None,
            id_number_bidx=None, verified_at=None, closed_at=now, updated_at=now)
        await audit.record("identity.account.close", actor_id=member_id, subject_type="member",
                           subject_id=member_id, detail={"union_id": union.id})
    await invalidate_member(member_id, *ended.card_numbers)
