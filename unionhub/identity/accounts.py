"""Accounts: register, sign in, rotate refresh tokens, verify real-name identity."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from unionhub.clock import today_shanghai, utcnow
from unionhub.errors import Conflict, InvalidCredentials, NotFound, RateLimited, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.crypto import blind_index, encrypt
from unionhub.identity.lookup import invalidate_member
from unionhub.identity.models import Member, RefreshToken, Union
from unionhub.identity.orgs import ensure_holding_pool
from unionhub.identity.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    verify_password,
)
from unionhub.identity.realname import parse_id_number, validate_name, validate_phone
from unionhub.identity.tokens import issue_access_token
from unionhub.observability import metrics
from unionhub.ratelimit import Rule, count, ensure_allowed, reset
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


def _check_password(password: str) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"password must be {MIN_PASSWORD_LENGTH}–{MAX_PASSWORD_LENGTH} characters",
            field="password", code="PASSWORD_LENGTH",
        )


def _rules() -> tuple[Rule, Rule, Rule]:
    s = get_settings()
    window = s.rate_limit_window_seconds
    return (Rule("login-phone-failures", s.login_failures_per_phone, window),
            Rule("login-ip", s.login_attempts_per_ip, window),
            Rule("register-ip", s.register_attempts_per_ip, window))


async def register(phone: str, password: str, client_ip: str | None = None) -> Session:
    if client_ip:  # counted before any hashing: argon2 is the expensive part
        await count(_rules()[2], client_ip)
    phone = validate_phone(phone)
    _check_password(password)
    bidx = phone_index(phone)
    if await Member.exists(phone_bidx=bidx):
        raise Conflict("this phone number is already registered", field="phone",
                       code="PHONE_TAKEN")
    pool = await ensure_holding_pool()
    password_hash = await hash_password(password)
    try:
        member = await Member.create(
            phone_enc=encrypt(phone, "phone"), phone_bidx=bidx, password_hash=password_hash,
            display_name=f"会员{phone[-4:]}", union=pool,
        )
    except IntegrityError:  # a concurrent registration of the same phone won the race
        raise Conflict("this phone number is already registered", field="phone",
                       code="PHONE_TAKEN") from None
    member.union = pool
    return await _start_session(member, family=None)


async def login(phone: str, password: str, client_ip: str | None = None) -> Session:
    """Same error, and the same argon2 work, whether the phone is unknown or the password wrong.

    Every attempt counts against the caller's address; failures count against the phone, which
    is locked for the window after too many (unknown phones alike, so a lockout reveals
    nothing). Counted per attempt, so aliases in one request do not multiply the budget."""
    phone_rule, ip_rule, _ = _rules()
    phone_key = phone.strip()
    try:
        if client_ip:
            await count(ip_rule, client_ip)
        await ensure_allowed(phone_rule, phone_key)
    except RateLimited:
        metrics.SIGN_IN_FAILURES.add(1, {"reason": RateLimited.code})
        raise
    member = None
    try:
        member = await Member.get_or_none(phone_bidx=phone_index(validate_phone(phone)))
    except ValidationFailed:
        pass
    # No account has a password longer than the limit: refuse it without hashing megabytes.
    ok = len(password) <= MAX_PASSWORD_LENGTH and await verify_password(
        member.password_hash if member else None, password)
    if not ok or member is None:
        await count(phone_rule, phone_key)
        metrics.SIGN_IN_FAILURES.add(1, {"reason": InvalidCredentials.code})
        raise InvalidCredentials("phone or password is wrong")
    await reset(phone_rule, phone_key)
    await member.fetch_related("cadre_org")
    return await _start_session(member, family=None)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _start_session(member: Member, family: str | None) -> Session:
    settings = get_settings()
    token = secrets.token_urlsafe(32)
    await RefreshToken.create(
        member=member, family=family or secrets.token_hex(16), token_hash=_hash_token(token),
        expires_at=utcnow() + timedelta(seconds=settings.refresh_token_ttl_seconds),
    )
    cadre_org: Union | None = None
    if member.cadre_org_id is not None:
        cadre_org = await Union.get(id=member.cadre_org_id)
    access = issue_access_token(
        member.id, member.role, cadre_org.id if cadre_org else None,
        cadre_org.path if cadre_org else None,
    )
    return Session(member=member, access_token=access, refresh_token=token)


async def refresh(refresh_token: str) -> Session:
    """Rotate: the presented token is spent and a new one of the same family issued. A token
    presented twice means it was stolen (or replayed): the whole family is revoked.

    The presented row is locked for the whole rotation, so a concurrent use of the same token
    waits until the new token exists and then revokes it with the rest of the family: of two
    concurrent refreshes one wins, and the reuse still ends the family, in any order."""
    now = utcnow()
    error: InvalidCredentials | None = None
    async with in_transaction():
        row = await RefreshToken.select_for_update().get_or_none(
            token_hash=_hash_token(refresh_token))
        if row is None:
            error = InvalidCredentials("refresh token is invalid", code="TOKEN_INVALID")
        elif row.revoked_at is not None:
            error = InvalidCredentials("refresh token was revoked", code="TOKEN_REVOKED")
        elif row.used_at is not None:
            await RefreshToken.filter(family=row.family, revoked_at=None).update(revoked_at=now)
            error = InvalidCredentials("refresh token was already used; sign in again",
                                       code="TOKEN_REUSED")
        elif row.expires_at <= now:
            error = InvalidCredentials("refresh token expired", code="TOKEN_EXPIRED")
        else:
            # Conditional as well as locked: SQLite has no row locks (it serialises writers).
            spent = await RefreshToken.filter(id=row.id, used_at=None, revoked_at=None).update(
                used_at=now)
            if spent == 1:
                member = await Member.get(id=row.member_id)
                return await _start_session(member, family=row.family)
            await RefreshToken.filter(family=row.family, revoked_at=None).update(revoked_at=now)
            error = InvalidCredentials("refresh token was already used; sign in again",
                                       code="TOKEN_REUSED")
    # Raised after the commit: the family's revocation must stick.
    if error.code == "TOKEN_REUSED":
        await audit.record("auth.refresh_token.reused", actor_id=row.member_id,
                           subject_type="member", subject_id=row.member_id)
    raise error


async def revoke_all_sessions(member_id: int) -> None:
    await RefreshToken.filter(member_id=member_id, revoked_at=None).update(revoked_at=utcnow())


async def verify_identity(member_id: int, name: str, id_number: str,
                          now: datetime | None = None) -> Member:
    """Record the member's legal name and resident ID number after checking both."""
    legal_name = validate_name(name)
    resident = parse_id_number(id_number, today_shanghai(now))
    bidx = id_number_index(resident.number)
    async with in_transaction():
        member = await Member.select_for_update().get_or_none(id=member_id)
        if member is None:
            raise NotFound("member not found")
        if member.verified_at is not None:
            raise Conflict("identity is already verified", code="ALREADY_VERIFIED")
        if await Member.filter(id_number_bidx=bidx).exclude(id=member_id).exists():
            raise Conflict("this ID number belongs to another account", field="idNumber",
                           code="ID_NUMBER_TAKEN")
        member.name_enc = encrypt(legal_name, "name")
        member.id_number_enc = encrypt(resident.number, "id_number")
        member.id_number_bidx = bidx
        member.verified_at = now or utcnow()
        try:
            await member.save(update_fields=["name_enc", "id_number_enc", "id_number_bidx",
                                             "verified_at", "updated_at"])
        except IntegrityError:
            raise Conflict("this ID number belongs to another account", field="idNumber",
                           code="ID_NUMBER_TAKEN") from None
    await invalidate_member(member_id)
    return member
