"""Rows that outlive their use are deleted: one-time SMS codes, SMS send windows and whole
refresh-token families. Each holds a phone's blind index or a member's sessions, and each
grows with every sign-in or code request (a province makes millions a day): kept for ever they
are personal data held past their purpose (PIPL art. 19) and tables that only grow.

What each needs to stay, and so when it goes:
- an SMS code: nothing once expired (a late right code answers SMS_CODE_EXPIRED for a day,
  then SMS_CODE_INVALID: the same refusal to the member, who asks for another);
- a send window: nothing once its resend interval and its Shanghai day are over;
- a refresh-token family: theft detection (a used token presented again revokes the family)
  and the absolute lifetime (a legacy session's start is its family's first token) need the
  family whole while any of it could still be refreshed. A family goes only whole, and only
  when one of its tokens expired more than max age + refresh TTL ago: every token of it has
  then expired (sessions.session_ends_at caps them all at its start + max age). A family
  revoked in the last day stays a day more: the revocation list's database fallback reads
  recent `revoked_at`.

Batches of `BATCH` rows, by the expiry index, each its own statement: no long lock on a hot
table. Idempotent, and safe on several workers at once (a row deleted twice is deleted once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from unionhub.clock import utcnow
from unionhub.identity.models import RefreshToken, SmsCode, SmsSendWindow
from unionhub.settings import get_settings

BATCH = 1000
MAX_BATCHES = 200  # a run stops there; the next run goes on
EVERY_SECONDS = 3600
# An expired code answers SMS_CODE_EXPIRED to its right code for this long.
CODE_KEPT = timedelta(days=1)
# A window's day (Asia/Shanghai) and resend interval are over well within this.
WINDOW_KEPT = timedelta(days=2)
# Beyond the families' own lifetimes: clock skew, and the revocation fallback's window.
MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class Purged:
    sms_codes: int
    sms_send_windows: int
    refresh_tokens: int


async def purge_expired(now: datetime | None = None) -> Purged:
    now = now or utcnow()
    return Purged(await _purge_codes(now), await _purge_windows(now),
                  await _purge_token_families(now))


async def _purge_codes(now: datetime) -> int:
    return await _purge_rows(SmsCode, "expires_at", now - CODE_KEPT)


async def _purge_windows(now: datetime) -> int:
    return await _purge_rows(SmsSendWindow, "last_sent_at", now - WINDOW_KEPT)


async def _purge_rows(model: type[SmsCode] | type[SmsSendWindow], column: str,
                      cutoff: datetime) -> int:
    """Rows whose `column` is before `cutoff`, a batch at a time, oldest first."""
    deleted = 0
    older = {f"{column}__lt": cutoff}
    for _ in range(MAX_BATCHES):
        ids = await model.filter(**older).order_by(column).limit(BATCH).values_list(
            "id", flat=True)
        if not ids:
            break
        # Conditional again: a row moved on meanwhile (a window a code just used) stays.
        deleted += await model.filter(id__in=list(ids), **older).delete()
    return deleted


async def _purge_token_families(now: datetime) -> int:
    settings = get_settings()
    cutoff = now - timedelta(seconds=settings.session_max_age_seconds
                             + settings.refresh_token_ttl_seconds) - MARGIN
    deleted, after = 0, None
    for _ in range(MAX_BATCHES):
        candidates = RefreshToken.filter(expires_at__lt=cutoff)
        if after is not None:  # past the families kept by the last batch (recently revoked)
            candidates = candidates.filter(expires_at__gte=after)
        found = await candidates.order_by("expires_at").limit(BATCH).values_list(
            "family", "expires_at")
        if not found:
            break
        families = {family for family, _ in found}
        kept = set(await RefreshToken.filter(
            family__in=families, revoked_at__gte=now - MARGIN).values_list("family", flat=True))
        if kept:
            after = max(expires_at for _, expires_at in found)
        if families - kept:
            deleted += await RefreshToken.filter(family__in=families - kept).delete()
        elif len(found) < BATCH:
            break
    return deleted
