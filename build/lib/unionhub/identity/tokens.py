"""Access tokens (short-lived signed JWTs) and their decoding into a Principal."""

from __future__ import annotations

import time
from typing import Any

import jwt

from unionhub.errors import NotAuthenticated
from unionhub.identity.access import GUEST, Principal
from unionhub.identity.models import Role
from unionhub.identity.revocation import REVOKED
from unionhub.settings import get_settings

_ALGORITHM = "HS256"
_AUDIENCE = "unionhub"


def issue_access_token(member_id: int, role: Role, scope_org_id: int | None,
                       scope_path: str | None, session_id: str | None = None) -> str:
    settings = get_settings()
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": str(member_id), "role": role.value, "iat": now,
        "exp": now + settings.access_token_ttl_seconds, "aud": _AUDIENCE, "typ": "access",
    }
    if session_id:
        claims["sid"] = session_id
    if scope_path:
        claims["org"] = scope_org_id
        claims["scope"] = scope_path
    return jwt.encode(claims, settings.jwt_secret, algorithm=_ALGORITHM)


# Verified tokens, so a client's repeated requests skip the signature check (hot path). An
# entry lives until the token's own expiry or a minute, whichever is sooner. Refused tokens are
# never cached; a revoked session is checked on every use, cached or not (a set lookup in this
# process's copy of the revocations, `revocation.REVOKED`).
_VERIFIED_CACHE_MAX = 10_000
_VERIFIED_CACHE_SECONDS = 60
_verified: dict[str, tuple[float, Principal]] = {}


def principal_from_token(token: str) -> Principal:
    now = time.time()
    hit = _verified.get(token)
    if hit is not None and hit[0] > now:
        principal = hit[1]
    else:
        principal, expires_at = _verify(token)
        if len(_verified) >= _VERIFIED_CACHE_MAX:
            _verified.clear()
        _verified[token] = (min(expires_at, now + _VERIFIED_CACHE_SECONDS), principal)
    if principal.session_id is not None and principal.session_id in REVOKED.revoked:
        raise NotAuthenticated("this session was signed out", code="TOKEN_REVOKED")
    return principal


def _verify(token: str) -> tuple[Principal, float]:
    try:
        claims = jwt.decode(
            token, get_settings().jwt_secret, algorithms=[_ALGORITHM], audience=_AUDIENCE,
            options={"require": ["exp", "sub", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("access token expired", code="TOKEN_EXPIRED") from None
    except jwt.PyJWTError:
        raise NotAuthenticated("access token is invalid", code="TOKEN_INVALID") from None
    if claims.get("typ") != "access":
        raise NotAuthenticated("access token is invalid", code="TOKEN_INVALID")
    # A correctly signed token with claims we never issue (an old format, a key leaked to a
    # tool) is still refused as invalid, not turned into a server error.
    try:
        scope_org_id, scope_path = claims.get("org"), claims.get("scope")
        session_id = claims.get("sid")
        if scope_path is not None and not isinstance(scope_path, str):
            raise TypeError("scope must be a path")
        if session_id is not None and not isinstance(session_id, str):
            raise TypeError("sid must be a string")
        return Principal(
            member_id=int(claims["sub"]), role=Role(claims["role"]),
            scope_path=scope_path,
            scope_org_id=int(scope_org_id) if scope_org_id is not None else None,
            session_id=session_id,
        ), float(claims["exp"])
    except (KeyError, TypeError, ValueError):
        raise NotAuthenticated("access token is invalid", code="TOKEN_INVALID") from None


def principal_from_header(authorization: str | None) -> Principal:
    if not authorization:
        return GUEST
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated("Authorization must be 'Bearer <accessToken>'", code="TOKEN_INVALID")
    return principal_from_token(token.strip())
