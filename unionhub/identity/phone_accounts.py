"""Sign-in and account changes proven by an SMS code: loginBySms, resetPassword, changePhone.

Each checks the code first (a wrong code reveals nothing about the phone), then says what a
holder of the phone may know (no account on it, a new phone already taken). A password reset
and a phone change revoke every session of the member, in the transaction of the change.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.errors import Conflict, NotFound, ValidationFailed
from unionhub.identity import audit, confirmation, lockout, sms_codes
from unionhub.identity.accounts import (
    Session,
    _check_password,
    phone_index,
    phone_indexes,
    revoke_all_sessions,
    start_session,
)
from unionhub.identity.crypto import encrypt
from unionhub.identity.lookup import invalidate_member
from unionhub.identity.models import Member, SmsPurpose
from unionhub.identity.passwords import hash_password
from unionhub.identity.realname import fold_full_width, validate_phone
from unionhub.identity.sessions import revoked_meanwhile, session_ended


def _no_account() -> NotFound:
    return NotFound("no account uses this phone; sign up first", field="phone",
                    code="PHONE_NOT_REGISTERED")


async def login_by_sms(phone: str, sms_code: str, client_ip: str | None = None) -> Session:
    """Audited as password sign-in is (method "sms"): each success, and refused codes
    aggregated per phone and window (`lockout`); never the phone or the code."""
    try:
        session = await _login_by_sms(phone, sms_code, client_ip)
    except ValidationFailed as exc:
        if exc.code.startswith("SMS_CODE_"):  # a wrong, expired or spent code
            folded = fold_full_width(phone)
            member = await Member.get_or_none(phone_bidx__in=phone_indexes(folded))
            await lockout.record_sms_failure(folded, member.id if member else None)
        raise
    await audit.record(audit.SIGN_IN, actor_id=session.member.id,
                       subject_type="member", subject_id=session.member.id,
                       detail={"method": "sms"})
    return session


async def _login_by_sms(phone: str, sms_code: str, client_ip: str | None = None) -> Session:
    phone = validate_phone(phone)
    code = await sms_codes.check_code(phone, SmsPurpose.LOGIN, sms_code, client_ip)
    member = await Member.get_or_none(phone_bidx__in=phone_indexes(phone))
    if member is None:
        raise _no_account()
    await sms_codes.consume(code)
    return await start_session(member)


async def reset_password(phone: str, sms_code: str, new_password: str,
                         client_ip: str | None = None) -> Session:
    phone = validate_phone(phone)
    _check_password(new_password)
    code = await sms_codes.check_code(phone, SmsPurpose.RESET_PASSWORD, sms_code, client_ip)
    member = await Member.get_or_none(phone_bidx__in=phone_indexes(phone))
    if member is None:
        raise _no_account()
    password_hash = await hash_password(new_password)
    async with in_transaction():
        await sms_codes.consume(code)
        # Only on the account still open on the phone the code proved: one closed or moved to
        # another phone while the password was hashed is no longer this phone's to reset.
        if not await Member.filter(id=member.id, closed_at=None,
                                   phone_bidx__in=phone_indexes(phone)).update(
                password_hash=password_hash, updated_at=utcnow()):
            raise _no_account()
        await revoke_all_sessions(member.id, reason="password_reset", actor_id=member.id)
        await audit.record("identity.password.reset", actor_id=member.id,
                           subject_type="member", subject_id=member.id)
        member = await Member.get(id=member.id)  # with the epoch this reset set: its session
    # A second revocation (an admin's, a role change) committed between this commit and the
    # reset's own session refuses that session. The password did change: say so, not "wrong
    # code" (the code is spent and the caller would think the reset failed).
    return await start_session(member, refused=Conflict(
        "your password was changed, but your sessions were ended again meanwhile: sign in "
        "with the new password", field="phone", code="PASSWORD_RESET_SIGN_IN_AGAIN"))


async def change_phone(member_id: int, new_phone: str, sms_code: str,
                       client_ip: str | None = None, *, password: str | None = None,
                       current_phone_code: str | None = None,
                       session_id: str | None = None) -> Member:
    """Move the account to a phone the caller proved to hold, once the caller has confirmed
    that they hold the account (its password, or a code sent to its current phone): a token
    alone must not move an account to a stranger's phone. All sessions end: the member signs
    in again with the new phone. `session_id`: the caller's session, which must still be live
    when the change lands (`sessions.session_ended`)."""
    try:
        new_phone = validate_phone(new_phone)
    except ValidationFailed as e:  # on the input's own field (errors.md), as placeOrder does
        raise ValidationFailed(e.message, field="newPhone", code=e.code) from None
    confirmation.require_one(password, current_phone_code)
    member = await Member.get_or_none(id=member_id, closed_at=None)
    if member is None:
        raise NotFound("member not found")
    confirmed = await confirmation.confirm(member, password, current_phone_code, client_ip,
                                           code_field="currentPhoneCode")
    code = await sms_codes.check_code(new_phone, SmsPurpose.CHANGE_PHONE, sms_code, client_ip)
    bidx = phone_index(new_phone)
    if member.phone_bidx in phone_indexes(new_phone):
        raise ValidationFailed("this is already the account's phone", field="newPhone",
                               code="PHONE_UNCHANGED")
    taken = Conflict("this phone number is already registered", field="newPhone",
                     code="PHONE_TAKEN")
    if await Member.exists(phone_bidx__in=phone_indexes(new_phone)):  # under any live key
        raise taken
    try:
        async with in_transaction():
            await sms_codes.consume(code)
            if confirmed is not None:
                await sms_codes.consume(confirmed)
            # Under the account's row lock: only while open (an account closed since it was
            # read keeps its phone erased); only while its sessions are those of the read the
            # confirmation was checked against (a password reset committed meanwhile wins, as
            # over a sign-in: `sessions.open_session`); and only while the caller's session
            # lives (two changes with one token: the first ends it, the second is refused).
            locked = await Member.select_for_update().get_or_none(id=member_id, closed_at=None)
            if locked is None:
                raise NotFound("member not found")
            if (locked.sessions_epoch != member.sessions_epoch
                    or await session_ended(locked, session_id)):
                raise revoked_meanwhile()
            await Member.filter(id=member_id).update(
                phone_enc=encrypt(new_phone, "phone", owner=member_id), phone_bidx=bidx,
                updated_at=utcnow())
            await revoke_all_sessions(member_id, reason="phone_change", actor_id=member_id)
            await audit.record("identity.phone.change", actor_id=member_id,
                               subject_type="member", subject_id=member_id)
    except IntegrityError:  # a concurrent sign-up or change took the phone first
        raise taken from None
    await invalidate_member(member_id)
    return await Member.get(id=member_id)
