"""Sign-out and revocation. A session is one sign-in: its refresh-token family, whose id is
the access token's `sid`. Revoking a session marks its refresh tokens revoked (so it can never
be refreshed again) and publishes its id (`revocation.publish`), so its access tokens are
refused with TOKEN_REVOKED on every process within seconds instead of living out their
15 minutes.

`revoke_member_sessions` is the one function other rules call when a member's standing changes
(a role change, a password reset, a phone change, the account's closure)."""

from __future__ import annotations

from typing import cast

from unionhub.clock import utcnow
from unionhub.errors import AccessDenied, NotFound
from unionhub.identity import audit
from unionhub.identity.access import Principal, require_authenticated
from unionhub.identity.models import Member, RefreshToken
from unionhub.identity.revocation import publish

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
        await RefreshToken.filter(member_id=member_id, family__in=found,
                                  revoked_at=None).update(revoked_at=utcnow())
    # Published even when nothing was live: an access token outlives its spent refresh token.
    await publish(session_ids)
    await audit.record("auth.sessions.revoked", actor_id=actor_id, subject_type="member",
                       subject_id=member_id, detail={"reason": reason, "sessions": len(found)})
    return len(found)


async def revoke_member_sessions(member_id: int, *, reason: str,
                                 actor_id: int | None = None) -> int:
    """End every session of the member; returns how many were live. Safe inside the caller's
    transaction (the revocation is published before the commit: a rollback then leaves the
    member signed out, never signed in)."""
    return await _revoke(member_id, families=None, actor_id=actor_id, reason=reason)


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
