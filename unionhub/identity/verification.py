"""Real-name verification of a member: local GB 11643 checks, attempt limits, the authority
(identity/idverify/), and the one-number-one-account rule without an oracle.

Order: the name and number are checked locally first (a malformed number costs no provider
call and no attempt); then an attempt is counted per member and per client address; then the
authority is asked, even when the number is already bound to another account, so neither the
answer nor its timing says whose number it is. A mismatch and a number bound elsewhere get the
same IDENTITY_NOT_VERIFIED with the same message (contact your union to appeal); the latter is
recorded (audit log and `identity_conflicts`) for the cadres of the member's union.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from unionhub.clock import today_shanghai, utcnow
from unionhub.errors import Conflict, NotFound, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.accounts import id_number_index, id_number_indexes
from unionhub.identity.crypto import encrypt
from unionhub.identity.idverify import get_verifier
from unionhub.identity.lookup import invalidate_member
from unionhub.identity.models import IdentityConflict, Member, Union
from unionhub.identity.privacy import require_current_consent
from unionhub.identity.provider_errors import ProviderUnavailable
from unionhub.identity.realname import parse_id_number, validate_name
from unionhub.observability import metrics
from unionhub.ratelimit import Rule, count
from unionhub.settings import get_settings

CONFLICT_ACTION = "identity.verification.conflict"


def not_verified() -> ValidationFailed:
    return ValidationFailed(
        "the name and ID number could not be verified; if they are yours, contact your union "
        "to appeal", field="idNumber", code="IDENTITY_NOT_VERIFIED")


def _rules() -> tuple[Rule, Rule]:
    s = get_settings()
    return (Rule("idverify-member", s.idverify_attempts_per_member, s.idverify_window_seconds),
            Rule("idverify-ip", s.idverify_attempts_per_ip, s.idverify_window_seconds))


async def verify_identity(member_id: int, name: str, id_number: str,
                          client_ip: str | None = None, now: datetime | None = None, *,
                          consent_version: str | None = None) -> Member:
    """Record the member's legal name and resident ID number once the authority confirms them,
    with their consent to the current privacy notice (its version and the time)."""
    consent = require_current_consent(consent_version)
    legal_name = validate_name(name)
    resident = parse_id_number(id_number, today_shanghai(now))
    # A closed account (its access token lives on for minutes) is not verified again.
    member = await Member.get_or_none(id=member_id, closed_at=None)
    if member is None:
        raise NotFound("member not found")
    if member.verified_at is not None:
        raise Conflict("identity is already verified", code="ALREADY_VERIFIED")
    member_rule, ip_rule = _rules()
    await count(member_rule, str(member_id))
    if client_ip:
        await count(ip_rule, client_ip)
    verifier = get_verifier()
    try:
        verified = await verifier.verify(legal_name, resident.number)
    except Exception as exc:
        metrics.IDENTITY_PROVIDER_REQUESTS.add(1, {"provider": verifier.name, "outcome": (
            "unavailable" if isinstance(exc, ProviderUnavailable) else "error")})
        raise
    metrics.IDENTITY_PROVIDER_REQUESTS.add(1, {"provider": verifier.name, "outcome": "ok"})
    if not verified:
        raise not_verified()
    bidx = id_number_index(resident.number)
    holder_id: int | None = None
    for attempt in range(2):
        try:
            async with in_transaction():
                locked = await Member.select_for_update().get_or_none(id=member_id,
                                                                     closed_at=None)
                if locked is None:  # closed while the authority was asked: as if closed before
                    raise NotFound("member not found")
                member = locked
                if member.verified_at is not None:
                    raise Conflict("identity is already verified", code="ALREADY_VERIFIED")
                holder_id = await _holder(resident.number, member_id)
                if holder_id is None:
                    member.name_enc = encrypt(legal_name, "name")
                    member.id_number_enc = encrypt(resident.number, "id_number")
                    member.id_number_bidx = bidx
                    member.verified_at = now or utcnow()
                    member.consent_version = consent
                    member.consented_at = member.verified_at
                    await member.save(update_fields=[
                        "name_enc", "id_number_enc", "id_number_bidx", "verified_at",
                        "consent_version", "consented_at", "updated_at"])
            break
        except IntegrityError:  # a concurrent verification bound the number first
            holder_id = await _holder(resident.number, member_id)
            if holder_id is not None:
                break
            # Its holder let it go meanwhile (an account closed): bind it now, once. Never
            # answer success for a binding that was rolled back.
            if attempt:
                raise not_verified() from None
    if holder_id is not None:
        await _record_conflict(member_id, holder_id)
        raise not_verified()
    await invalidate_member(member_id)
    return member


async def _holder(number: str, member_id: int) -> int | None:
    # Under any live key: during a key rotation a holder's row may still carry the old index.
    # cast: Tortoise types first().values_list(flat=True) as a tuple
    return cast(int | None, await (Member.filter(id_number_bidx__in=id_number_indexes(number))
                                   .exclude(id=member_id).first().values_list("id", flat=True)))


async def _record_conflict(member_id: int, holder_id: int) -> None:
    async with in_transaction():
        await IdentityConflict.create(member_id=member_id, holder_member_id=holder_id)
        await audit.record(CONFLICT_ACTION, actor_id=member_id, subject_type="member",
                           subject_id=member_id, detail={"holder_member_id": holder_id})


def conflicts_of(union: Union) -> QuerySet[IdentityConflict]:
    """Conflicts of members now in the union's subtree, paged newest first by id (the caller
    checks the cadre's scope)."""
    return IdentityConflict.filter(member__union__path__startswith=union.path)


async def conflicts_in(union: Union, limit: int = 50) -> list[IdentityConflict]:
    return await conflicts_of(union).order_by("-id").limit(limit)
