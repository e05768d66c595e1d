"""Accounts: register, sign in, rotate refresh tokens, verify real-name identity."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.errors import Conflict, InvalidCredentials, RateLimited, ValidationFailed
from unionhub.identity import audit, lockout, sms_codes
from unionhub.identity.crypto import blind_index, blind_indexes, decrypt, encrypt
from unionhub.identity.display_names import default_display_name
from unionhub.identity.models import Member, RefreshToken, SmsPurpose, Union
from unionhub.identity.orgs import ensure_holding_pool
from unionhub.identity.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from unionhub.identity.realname import fold_full_width, validate_phone
from unionhub.identity.revocation import publish
from unionhub.identity.sessions import (
    open_session,
    revoke_member_sessions,
    session_ends_at,
    session_revoked,
    session_started,
)
from unionhub.identity.tokens import issue_access_token
from unionhub.observability import metrics
from unionhub.ratelimit import Rule, count
from unionhub.settings import get_settings


@dataclass(frozen=True)
class Session:
    member: Member
    access_token: str
    refresh_token: str


def phone_index(phone: str) -> str:
    return blind_index(phone, "phone")


def id_number_index(id_number: str) -> str:
    return blind_index(id_number, "id_number")


# Lookups match the index under every live key: during a key rotation a row may still carry
# the retired key's index (unionhub.crypto.keyring).
def phone_indexes(phone: str) -> list[str]:
    return blind_indexes(phone, "phone")


def id_number_indexes(id_number: str) -> list[str]:
    return blind_indexes(id_number, "id_number")


def _check_password(password: str) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"password must be {MIN_PASSWORD_LENGTH}–{MAX_PASSWORD_LENGTH} characters",
            field="password", code="PASSWORD_LENGTH",
        )


def _rules() -> tuple[Rule, Rule]:
    s = get_settings()
    window = s.rate_limit_window_seconds
    return (Rule("login-ip", s.login_attempts_per_ip, window),
            Rule("register-ip", s.register_attempts_per_ip, window))


async def register(phone: str, password: str, client_ip: str | None = None,
                   sms_code: str = "") -> Session:
    """Needs a REGISTER code sent to the phone. Whether the phone is taken is said only after
    the code proves the caller holds it, so registration is no oracle of who has an account."""
    if client_ip:  # counted before any hashing: argon2 is the expensive part
        await count(_rules()[1], client_ip)
    phone = validate_phone(phone)
    _check_password(password)
    code = await sms_codes.check_code(phone, SmsPurpose.REGISTER, sms_code, client_ip)
    bidx = phone_index(phone)
    if await Member.exists(phone_bidx__in=phone_indexes(phone)):
        raise Conflict("this phone number is already registered", field="phone",
                       code="PHONE_TAKEN")
    pool = await ensure_holding_pool()
    password_hash = await hash_password(password)
    try:
        async with in_transaction():  # the code is used up only if the account is made
            await sms_codes.consume(code)
            member = await Member.create(
                phone_enc="", phone_bidx=bidx, password_hash=password_hash,
                display_name=default_display_name(), union=pool,
            )
            # Sealed once the row has its id: the ciphertext is bound to it (identity.crypto).
            member.phone_enc = encrypt(phone, "phone", owner=member.id)
            await Member.filter(id=member.id).update(phone_enc=member.phone_enc)
    except IntegrityError:  # a concurrent registration of the same phone won the race
        raise Conflict("this phone number is already registered", field="phone",
                       code="PHONE_TAKEN") from None
    member.union = pool
    return await start_session(member)


async def login(phone: str, password: str, client_ip: str | None = None) -> Session:
    """Same error, and the same argon2 work, whether the phone is unknown or the password wrong.

    Every attempt counts against the caller's address; failures count against the (phone,
    address) pair and the phone (`lockout`: a pair waits with backoff, a phone under a wide
    attack pauses its password path; unknown phones alike, so a lockout reveals nothing).
    Counted per attempt, so aliases in one request do not multiply the budget."""
    ip_rule, _ = _rules()
    if client_ip:
        await count(ip_rule, client_ip)
    phone_key = fold_full_width(phone)  # a full-width variant is the same phone, same counters
    try:
        attempt = await lockout.reserve(phone_key, client_ip)  # counted before the check
    except RateLimited:
        metrics.SIGN_IN_FAILURES.add(1, {"reason": RateLimited.code})
        raise
    member = None
    try:
        member = await Member.get_or_none(phone_bidx__in=phone_indexes(validate_phone(phone)))
    except ValidationFailed:
        pass
    ok = await verify_password(member.password_hash if member else None, password)
    if not ok or member is None:
        await attempt.failed(member.id if member else None)
        metrics.SIGN_IN_FAILURES.add(1, {"reason": InvalidCredentials.code})
        raise InvalidCredentials("phone or password is wrong")
    await attempt.succeeded()
    await member.fetch_related("cadre_org")
    session = await _start_session(member)
    await _rehash_if_weaker(member, password)
    await audit.record(audit.SIGN_IN, actor_id=member.id, subject_type="member",
                       subject_id=member.id, detail={"method": "password"})
    return session


async def _rehash_if_weaker(member: Member, password: str) -> None:
    """A hash made under a lower argon2 cost than today's stays that weak until its password
    is known again: here. Only while it is still the hash that was checked (a reset wins)."""
    if needs_rehash(member.password_hash):
        await Member.filter(id=member.id, password_hash=member.password_hash).update(
            password_hash=await hash_password(password))


async def start_session(member: Member, refused: Exception | None = None) -> Session:
    """A new session (a new refresh family) for a member who proved who they are with an SMS
    code (register, loginBySms, resetPassword), `member` read before the proof was final:
    refused as a wrong code, or with `refused`, if the member's sessions were revoked since
    (`open_session`)."""
    if (session := await _open_session(member)) is None:
        raise refused or sms_codes._invalid()
    return session


async def _start_session(member: Member) -> Session:
    """A password sign-in's new session: refused as a wrong password if the member's sessions
    were revoked (a password reset...) after `member`, whose hash was checked, was read. (A
    refresh continues its family with `_rotate`.)"""
    if (session := await _open_session(member)) is None:
        raise InvalidCredentials("phone or password is wrong")
    return session


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _expires_at(session_started_at: datetime) -> datetime:
    """A refresh token's lifetime, but never past its session's absolute end."""
    return min(utcnow() + timedelta(seconds=get_settings().refresh_token_ttl_seconds),
               session_ends_at(session_started_at))


async def _open_session(member: Member) -> Session | None:
    token, family = secrets.token_urlsafe(32), secrets.token_hex(16)
    if not await open_session(member, family=family, token_hash=_hash_token(token),
                              expires_at=_expires_at(utcnow())):
        return None
    return await _session(member, family, token)


async def _rotate(member: Member, spent: RefreshToken, started: datetime) -> Session:
    token = secrets.token_urlsafe(32)
    await RefreshToken.create(member=member, family=spent.family, token_hash=_hash_token(token),
                              expires_at=_expires_at(started), session_started_at=started,
                              sessions_epoch=spent.sessions_epoch)
    return await _session(member, spent.family, token)


async def _session(member: Member, family: str, token: str) -> Session:
    cadre_org: Union | None = None
    if member.cadre_org_id is not None:
        cadre_org = await Union.get(id=member.cadre_org_id)
    access = issue_access_token(
        member.id, member.role, cadre_org.id if cadre_org else None,
        cadre_org.path if cadre_org else None, session_id=family,
    )
    return Session(member=member, access_token=access, refresh_token=token)


_SUCCESSOR = "refresh_successor"  # the encryption purpose of a spent token's successor pair


def _seal(session: Session, row_id: int) -> str:
    return encrypt(orjson.dumps([session.access_token, session.refresh_token]).decode(),
                   _SUCCESSOR, owner=row_id)  # bound to the spent token's row


async def _grace_pair(row: RefreshToken, now: datetime) -> Session | None:
    """The pair a spent token was exchanged for, if it was spent within the grace window and
    that pair is still the family's newest (its refresh token not spent in turn): a replay of
    an older token is theft, not a second tab."""
    grace = timedelta(seconds=get_settings().refresh_reuse_grace_seconds)
    if row.successor_enc is None or row.used_at is None or now - row.used_at > grace:
        return None
    access, token = orjson.loads(decrypt(row.successor_enc, _SUCCESSOR, owner=row.id))
    if not await RefreshToken.filter(token_hash=_hash_token(token), used_at=None,
                                     revoked_at=None).exists():
        return None
    return Session(member=await Member.get(id=row.member_id), access_token=access,
                   refresh_token=token)


async def refresh(refresh_token: str) -> Session:
    """Rotate: the presented token is spent and a new one of the same family issued. The same
    token presented again within the grace window (two tabs, a retried request) gets the same
    new pair; presented after it, it was stolen (or replayed): the whole family is revoked.

    The presented row is locked for the whole rotation, so a concurrent use of the same token
    waits until the new pair is stored beside it and then gets that pair."""
    now = utcnow()
    error: InvalidCredentials | None = None
    async with in_transaction():
        row = await RefreshToken.select_for_update().get_or_none(
            token_hash=_hash_token(refresh_token))
        if row is None:
            error = InvalidCredentials("refresh token is invalid", code="TOKEN_INVALID")
        elif row.revoked_at is not None or await session_revoked(row):
            error = InvalidCredentials("refresh token was revoked", code="TOKEN_REVOKED")
        elif row.used_at is not None:
            if (pair := await _grace_pair(row, now)) is not None:
                return pair
            error = await _reused(row, now)
        elif (row.expires_at <= now  # this token's 30 days, or its session's absolute end
              or session_ends_at(started := await session_started(row)) <= now):
            error = InvalidCredentials("refresh token expired", code="TOKEN_EXPIRED")
        else:
            # Conditional as well as locked: SQLite has no row locks (it serialises writers).
            spent = await RefreshToken.filter(id=row.id, used_at=None, revoked_at=None).update(
                used_at=now)
            if spent == 1:
                member = await Member.get(id=row.member_id)
                session = await _rotate(member, row, started)
                await RefreshToken.filter(id=row.id).update(successor_enc=_seal(session, row.id))
                # Older rows' pairs are spent now: no live token stays stored but the newest.
                await RefreshToken.filter(family=row.family, successor_enc__isnull=False
                                          ).exclude(id=row.id).update(successor_enc=None)
                return session
            row = await RefreshToken.get(id=row.id)
            if row.revoked_at is None and (pair := await _grace_pair(row, now)) is not None:
                return pair
            error = await _reused(row, now)
    # Raised after the commit: the family's revocation must stick.
    if error.code == "TOKEN_REUSED" and row is not None:
        await publish([row.family])
        await audit.record("auth.refresh_token.reused", actor_id=row.member_id,
                           subject_type="member", subject_id=row.member_id)
    raise error


async def _reused(row: RefreshToken, now: datetime) -> InvalidCredentials:
    await RefreshToken.filter(family=row.family, revoked_at=None).update(revoked_at=now,
                                                                          successor_enc=None)
    return InvalidCredentials("refresh token was already used; sign in again",
                              code="TOKEN_REUSED")


async def revoke_all_sessions(member_id: int, reason: str = "admin",
                              actor_id: int | None = None) -> int:
    """Kept for callers of the old name: see `sessions.revoke_member_sessions`."""
    return await revoke_member_sessions(member_id, reason=reason, actor_id=actor_id)
