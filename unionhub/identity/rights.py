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
from unionhub.errors import InvalidTransition
from unionhub.identity import audit, confirmation, sms_codes
from unionhub.identity.accounts import revoke_all_sessions
from unionhub.identity.leaving import end_membership
from unionhub.identity.lookup import invalidate_member
from unionhub.identity.models import Member, MembershipExit, Role, TransferRequest, Union
from unionhub.identity.privacy import CURRENT
from unionhub.identity.sessions import revoked_meanwhile, session_ended

CLOSED_DISPLAY_NAME = "已注销用户"
# A closed member's phone index: not a hex HMAC, so it can never equal a real phone's index.
CLOSED_PHONE_INDEX = "closed:{}"
_UNUSABLE_PASSWORD_HASH = "!"  # noqa: S105 (not a secret: no password verifies against it)


async def _open_member(member_id: int, *, lock: bool = False) -> Member:
    qs = Member.select_for_update() if lock else Member
    member = await qs.get_or_none(id=member_id, closed_at=None)
    if member is None:
        raise InvalidTransition("this account is closed", code="ACCOUNT_CLOSED")
    return member


async def export_personal_data(member_id: int) -> dict[str, Any]:
    await _open_member(member_id)
    export = await memberdata.export_all(member_id)
    detail: dict[str, Any] = {"sections": sorted(export.sections)}
    if export.unreadable:
        detail["unreadable"] = export.unreadable  # where, never a value
    # Written (and committed) before the data leaves: no row, no export.
    await audit.record(audit.PERSONAL_DATA_EXPORT, actor_id=member_id,
                       subject_type="member", subject_id=member_id, detail=detail)
    return {"member_id": str(member_id), "exported_at": utcnow().isoformat(),
            "privacy_notice_version": CURRENT.version, **export.sections,
            # What could not be opened (given as null above), so the member knows the copy
            # is short and where; operators were alerted by the refusal's log and metric.
            "unreadable": export.unreadable}


async def close_account(member_id: int, password: str | None = None,
                        sms_code: str | None = None, now: datetime | None = None,
                        client_ip: str | None = None, session_id: str | None = None) -> None:
    """`session_id`: the caller's session, which must still be live when the closure lands
    (`sessions.session_ended`)."""
    confirmed = await _open_member(member_id)
    code = await confirmation.confirm(confirmed, password, sms_code, client_ip)
    now = now or utcnow()
    async with in_transaction():
        if code is not None:
            await sms_codes.consume(code)
        member = await _open_member(member_id, lock=True)
        # Confirmed against the account before a revocation of its sessions (a password
        # reset) committed, or asked with a session a revocation ended before the account was
        # read: the revocation wins, as it does over a sign-in.
        if (member.sessions_epoch != confirmed.sessions_epoch
                or await session_ended(member, session_id)):
            raise revoked_meanwhile()
        union = await Union.get(id=member.union_id)
        await memberdata.close_all(member_id)  # may refuse: then nothing has changed
        ended = await end_membership(member, union, "ACCOUNT_CLOSED", member_id, None, now)
        await TransferRequest.filter(member_id=member_id).update(reason=None)  # their words
        # Their own reasons for leaving a union too; a cadre's reason for removing them is the
        # union's record and stays.
        await MembershipExit.filter(member_id=member_id, actor_id=member_id).update(reason=None)
        await revoke_all_sessions(member_id, reason="account_closed", actor_id=member_id)
        await Member.filter(id=member_id).update(
            phone_enc="", phone_bidx=CLOSED_PHONE_INDEX.format(member_id),
            password_hash=_UNUSABLE_PASSWORD_HASH, display_name=CLOSED_DISPLAY_NAME,
            role=Role.MEMBER, cadre_org_id=None, name_enc=None, id_number_enc=None,
            id_number_bidx=None, verified_at=None, closed_at=now, updated_at=now)
        await audit.record("identity.account.close", actor_id=member_id, subject_type="member",
                           subject_id=member_id, detail={"union_id": union.id})
    await invalidate_member(member_id, *ended.card_numbers)
