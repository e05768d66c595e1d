"""Real-name verification of a member: local GB 11643 checks, attempt limits, the authority
(identity/idverify/), and the one-number-one-account rule without an oracle.

Order: the name and number are checked locally first (a malformed number costs no provider
call and no attempt); then an attempt is counted per member, per client address and per ID
number across accounts (its blind index: else many accounts, five names each, make the paid
authority an oracle for a stranger's name), never per process while Redis is down (refused as
IDENTITY_PROVIDER_UNAVAILABLE); then the member's single flight is taken
(verification_flight.py: one call under way per member, later ones answer from its outcome);
then the authority is asked, even when the number is already bound to another account, so neither the
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
from unionhub.identity.idverify import get_verifier, unavailable
from unionhub.identity.lookup import invalidate_member
from unionhub.identity.models import IdentityConflict, Member, Union
from unionhub.identity.privacy import require_current_consent
from unionhub.identity.provider_errors import ProviderUnavailable
from unionhub.identity.realname import parse_id_number, validate_name
from unionhub.identity.verification_flight import pair_hash, single_flight
from unionhub.observability import metrics
from unionhub.observability.provider_calls import provider_call
from unionhub.ratelimit import LimitsUncounted, Rule, count
from unionhub.settings import get_settings

CONFLICT_ACTION = audit.IDENTITY_CONFLICT
NOT_VERIFIED = "IDENTITY_NOT_VERIFIED"


def not_verified() -> ValidationFailed:
    return ValidationFailed(
        "the name and ID number could not be verified; if they are yours, contact your union "
        "to appeal", field="idNumber", code=NOT_VERIFIED)


def _rules() -> tuple[Rule, Rule, Rule]:
    s = get_settings()
    return (Rule("idverify-member", s.idverify_attempts_per_member, s.idverify_window_seconds),
            Rule("idverify-ip", s.idverify_attempts_per_ip, s.idverify_window_seconds),
            Rule("idverify-number", s.idverify_attempts_per_id_number,
                 s.idverify_window_seconds))


async def _count_attempt(member_id: int, client_ip: str | None, number: str) -> None:
    """Count the paid call per member, per address and per ID number across accounts, or
    refuse it: RATE_LIMITED alike for each limit, so the number's limit tells nothing about
    the number. Never on per-process counters while Redis is down (they would multiply the
    paid oracle by the processes): the call is refused as the authority's outage is."""
    member_rule, ip_rule, number_rule = _rules()
    try:
        await count(member_rule, str(member_id), per_process=False)
        if client_ip:
            await count(ip_rule, client_ip, per_process=False)
        # Keyed by the number's blind index, never the number; counted last, so a member or
        # address already over its own limit spends none of a stranger's number's attempts.
        # (by its index under each live key: `ratelimit.count`, a key rotation resets nothing)
        await count(number_rule, number, per_process=False, indexed_as="id_number")
    except LimitsUncounted:
        raise unavailable() from None


async def verify_identity(member_id: int, name: str, id_number: str,
                          client_ip: str | None = None, now: datetime | None = None, *,
                          consent_version: str | None = None) -> Member:
    """Record the member's legal name and resident ID number once the authority confirms them,
    with their consent to the current privacy notice (its version and the time)."""
    consent = require_current_consent(consent_version)
    legal_name = validate_name(name)
    resident = parse_id_number(id_number, today_shanghai(now))
    await _open_unverified(member_id)
    await _count_attempt(member_id, client_ip, resident.number)
    # One call to the authority under way per member; a verification that waited for another
    # answers from its outcome (verification_flight.py).
    async with single_flight(member_id, pair_hash(legal_name, resident.number)) as flight:
        await _open_unverified(member_id)
        if flight.refused_before:
            raise not_verified()
        try:
            return await _ask_and_bind(member_id, legal_name, resident.number, consent, now)
        except ValidationFailed as refused:
            if refused.code == NOT_VERIFIED:
                await flight.remember_refusal()
            raise


async def _open_unverified(member_id: int) -> None:
    # A closed account (its access token lives on for minutes) is not verified again.
    member = await Member.get_or_none(id=member_id, closed_at=None)
    if member is None:
        raise NotFound("member not found")
    if member.verified_at is not None:
        raise Conflict("identity is already verified", code="ALREADY_VERIFIED")


def _verify_outcome(exc: BaseException) -> str:
    return "unavailable" if isinstance(exc, ProviderUnavailable) else "error"


async def _ask_and_bind(member_id: int, legal_name: str, number: str, consent: str,
                        now: datetime | None) -> Member:
    verifier = get_verifier()
    try:
        with provider_call("identity", verifier.name, "verify", _verify_outcome):
            verified = await verifier.verify(legal_name, number)
    except Exception as exc:
        metrics.IDENTITY_PROVIDER_REQUESTS.add(1, {"provider": verifier.name, "outcome": (
            "unavailable" if isinstance(exc, ProviderUnavailable) else "error")})
        raise
    metrics.IDENTITY_PROVIDER_REQUESTS.add(1, {"provider": verifier.name, "outcome": "ok"})
    if not verified:
        raise not_verified()
    bidx = id_number_index(number)
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
                holder_id = await _holder(number, member_id)
                if holder_id is None:
                    member.name_enc = encrypt(legal_name, "name", owner=member_id)
                    member.id_number_enc = encrypt(number, "id_number", owner=member_id)
                    member.id_number_bidx = bidx
                    member.verified_at = now or utcnow()
                    member.consent_version = consent
                    member.consented_at = member.verified_at
                    await member.save(update_fields=[
                        "name_enc", "id_number_enc", "id_number_bidx", "verified_at",
                        "consent_version", "consented_at", "updated_at"])
            break
        except IntegrityError:  # a concurrent verification bound the number first
            holder_id = await _holder(number, member_id)
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
