"""Who may see and do what: tiers, the request principal, and the ownership and scope rules
that every domain reuses (self, or a cadre whose org subtree holds the member)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from unionhub.errors import AccessDenied, NotAuthenticated
from unionhub.identity.models import Role


class Tier(StrEnum):
    GUEST = "GUEST"
    MEMBER = "MEMBER"
    VERIFIED = "VERIFIED"
    CADRE = "CADRE"
    OPERATOR = "OPERATOR"
    ADMIN = "ADMIN"


# Enum members read once: on Python 3.11 `Tier.MEMBER` is a metaclass lookup (~55 ns), and
# these checks run for every guarded field and every member a page shows.
_GUEST, _MEMBER, _VERIFIED, _CADRE_TIER, _OPERATOR_TIER = (
    Tier.GUEST, Tier.MEMBER, Tier.VERIFIED, Tier.CADRE, Tier.OPERATOR)
_CADRE, _OPERATOR, _ADMIN = Role.CADRE, Role.OPERATOR, Role.ADMIN


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, as the verified access token says. `scope_path` is the materialized
    path of a cadre's org: the cadre acts on every union whose path starts with it."""

    member_id: int | None = None
    role: Role | None = None
    scope_path: str | None = None
    scope_org_id: int | None = None
    session_id: str | None = None  # the sign-in this token belongs to (sessions.logout)

    @property
    def is_authenticated(self) -> bool:
        return self.member_id is not None

    @property
    def is_cadre(self) -> bool:
        return self.role == _CADRE and self.scope_path is not None

    @property
    def is_operator(self) -> bool:
        return self.role in (_OPERATOR, _ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == _ADMIN


GUEST = Principal()


def holds_role_tier(principal: Principal, tier: Tier) -> bool:
    """Tier checks decided from the token alone. VERIFIED also needs the member's record
    (real-name verified, active card): see `is_verified_member`."""
    if tier == _GUEST:
        return True
    if not principal.is_authenticated:
        return False
    if tier in (_MEMBER, _VERIFIED):
        return True
    if tier == _CADRE_TIER:
        return principal.is_cadre or principal.is_admin
    if tier == _OPERATOR_TIER:
        return principal.is_operator
    return principal.is_admin


def require_authenticated(principal: Principal) -> int:
    if principal.member_id is None:
        raise NotAuthenticated("sign in first")
    return principal.member_id


def path_in_scope(principal: Principal, union_path: str) -> bool:
    """Does the caller's cadre scope hold a union with this path? Admins hold every union."""
    if principal.is_admin:
        return True
    return principal.is_cadre and union_path.startswith(principal.scope_path or "\0")


def require_scope(principal: Principal, union_path: str) -> None:
    require_authenticated(principal)
    if not path_in_scope(principal, union_path):
        raise AccessDenied("this union is outside your scope")


def sees_personal_data(principal: Principal, member_id: int, union_path: str) -> bool:
    """Unmasked personal data: the member, and cadres whose scope holds the member. Admins and
    operators see it masked (least privilege)."""
    if principal.member_id is not None and principal.member_id == member_id:
        return True
    return principal.is_cadre and union_path.startswith(principal.scope_path or "\0")
