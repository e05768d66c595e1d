"""Sign-out and revocation. A session is one sign-in: its refresh-token family, whose id is
the access token's `sid`. Revoking a session marks its refresh tokens revoked (so it can never
be refreshed again) and publishes its id (`revocation.publish`), so its access tokens are
refused with TOKEN_REVOKED on every process within seconds instead of living out their
15 minutes.

`revoke_member_sessions` is the one function other rules call when a member's standing changes
(a role change, a password reset, a phone change, the account's closure). It can only mark the
sessions that exist, so it also increments the member's `sessions_epoch`, and a new session is
stored only while the epoch is still the one read before the credentials were checked
(`open_session`): a sign-in whose check passed just before a reset committed is refused, never
left holding a session the reset did not end."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.errors import AccessDenied, NotAuthenticated, NotFound
from unionhub.identity import audit
from unionhub.identity.access import Principal, require_authenticated
from unionhub.identity.models import Member, RefreshToken
from unionhub.identity.revocation import publish_after_commit
from unionhub.settings import get_settings

# Why sessions were revoked (the audit row's `detail.reason`), e.g. "logout",
# "logout_everywhere", "admin", "role_change", "password_reset", "phone_change",
# "account_closed", "refresh_token_reuse".


async def _revoke(member_id: int, *, families: list[str] | None, actor_id: int | None,
                  reason: str) -> int:
    live = RefreshToken.filter(member_id=member_id, revoked_at=None)
    if families is not None:
        live = live.filter(family__in=families)
    found = sorted(set(cast(list[str], await live.values_list("family", flat=True))))
    session_ids = sorted(set(found) | set(families or ()))
    if found:
        # The sealed successor pair goes too (the grace window's copy): nothing usable stays.
        await RefreshToken.filter(member_id=member_id, family__in=found,
                                  revoked_at=None).update(revoked_at=utcnow(),
                                                          successor_enc=None)
    # Published even when nothing was live (an access token outlives its spent refresh
    # token), once the caller's transaction commits: a rollback publishes nothing.
    await publish_after_commit(session_ids)
    await audit.record(audit.SESSIONS_REVOKED, actor_id=actor_id, subject_type="member",
                       subject_id=member_id, detail={"reason": reason, "sessions": len(found)})
    return len(found)


async def revoke_member_sessions(member_id: int, *, reason: str,
                                 actor_id: int | None = None) -> int:
    """End every session of the member; returns how many were live. Safe inside the caller's
    transaction: this process refuses the sessions at once, the others once it commits, and
    a rollback leaves them live (`revocation.publish_after_commit`).

    The epoch is incremented first, and the member's row stays locked until that commits (the
    caller's, or at once): a session `open_session` stores concurrently either reads the new
    epoch (after waiting for the commit if it must) and is refused, or committed before the
    increment could take the row and is found by the marking below (a later statement)."""
    await Member.filter(id=member_id).update(sessions_epoch=F("sessions_epoch") + 1)
    return await _revoke(member_id, families=None, actor_id=actor_id, reason=reason)


def revoked_meanwhile() -> NotAuthenticated:
    """Refuses a change confirmed against the member as read before a revocation of their
    sessions committed (a password reset, a sign-out everywhere, a role change): as the
    revoked session's token is refused, and as `open_session` refuses a sign-in."""
    return NotAuthenticated("this session was signed out", code="TOKEN_REVOKED")


async def session_ended(member: Member, session_id: str | None) -> bool:
    """Whether the caller's session (the access token's `sid`) was ended: a token of its
    family marked revoked, none recorded, or the member's epoch moved on since it began. For a
    request whose token was accepted before a revocation reached its process (seconds:
    revocation.py) and which read the account only after the revocation committed, so that
    the epoch it read is already the new one. `member` must be read under its row lock in the
    change's transaction: a revocation either committed before (seen here) or waits for it.
    A token without a session id (none are issued now) is judged by the epoch alone."""
    if session_id is None:
        return False
    rows = await RefreshToken.filter(member_id=member.id, family=session_id).values_list(
        "sessions_epoch", "revoked_at")
    return not rows or any(revoked is not None or epoch not in (None, member.sessions_epoch)
                           for epoch, revoked in rows)


class _RevokedMeanwhile(Exception):
    """Rolls a new session's token back (`open_session`)."""


async def open_session(member: Member, *, family: str, token_hash: str,
                       expires_at: datetime) -> bool:
    """Store the first refresh token of a new session unless the member's sessions were revoked
    since `member` was read: the read its sign-in's proof was checked against (the row whose
    password hash was verified, the member an SMS code's phone led to). False: nothing stored,
    and the caller refuses the sign-in as it refuses a wrong credential.

    The token is inserted first, then the epoch read under the member's row lock (FOR NO KEY
    UPDATE, which the revocation's increment conflicts with; SQLite has one writer at a time),
    so the row is held only for the last statement. Either the increment came first (committed:
    seen; in flight: waited for, then seen) and the token is rolled back, or it waits for this
    commit and its marking then finds the token. The access token is made only after this, so
    a refused sign-in never holds one."""
    try:
        async with in_transaction():
            await RefreshToken.create(member_id=member.id, family=family, token_hash=token_hash,
                                      expires_at=expires_at, session_started_at=utcnow(),
                                      sessions_epoch=member.sessions_epoch)
            # (`only`, not `values_list`: Tortoise drops the FOR ... of a values query)
            now = await Member.select_for_update(no_key=True).filter(id=member.id).only(
                "id", "sessions_epoch").first()
            if now is None or now.sessions_epoch != member.sessions_epoch:
                raise _RevokedMeanwhile
    except _RevokedMeanwhile:
        return False
    return True


async def session_started(token: RefreshToken) -> datetime:
    """When the token's session signed in: stored with each token, or for a token stored
    before that was kept, its family's first token."""
    if token.session_started_at is not None:
        return token.session_started_at
    first = await RefreshToken.filter(family=token.family).order_by("id").first()
    return (first or token).created_at


def session_ends_at(started: datetime) -> datetime:
    """The absolute end of a session begun at `started`: no refresh after it, however often
    the session was refreshed (a stolen refresh token kept in use dies too)."""
    return started + timedelta(seconds=get_settings().session_max_age_seconds)


async def session_revoked(token: RefreshToken) -> bool:
    """Whether the session of a refresh token being rotated was ended: a token of its family
    marked revoked (a token minted by a rotation racing the revocation may have escaped the
    mark, not this check), or the member's epoch moved on since the session began (a session
    no revocation could mark: refused even so)."""
    if await RefreshToken.filter(family=token.family, revoked_at__isnull=False).exists():
        return True
    return token.sessions_epoch is not None and not await Member.exists(
        id=token.member_id, sessions_epoch=token.sessions_epoch)


async def revoke_session(member_id: int, session_id: str, *, reason: str,
                         actor_id: int | None = None) -> int:
    return await _revoke(member_id, families=[session_id], actor_id=actor_id, reason=reason)


async def logout(principal: Principal) -> None:
    """End the caller's current session. A token without a session id (issued before sessions
    had ids, 15 minutes at most) ends every session of the member: the safe reading."""
    member_id = require_authenticated(principal)
    if principal.session_id is None:
        await revoke_member_sessions(member_id, reason="logout", actor_id=member_id)
    else:
        await revoke_session(member_id, principal.session_id, reason="logout",
                             actor_id=member_id)


async def logout_everywhere(principal: Principal) -> int:
    member_id = require_authenticated(principal)
    return await revoke_member_sessions(member_id, reason="logout_everywhere",
                                        actor_id=member_id)


async def admin_revoke_sessions(principal: Principal, member_id: int) -> int:
    if not principal.is_admin:
        raise AccessDenied("only an admin revokes another member's sessions")
    if not await Member.exists(id=member_id):
        raise NotFound("member not found", field="memberId")
    return await revoke_member_sessions(member_id, reason="admin", actor_id=principal.member_id)
