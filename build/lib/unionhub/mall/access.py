"""Who runs the mall: admins and the cadres of a top-level org (the province union that
operates it). Scope rules for orders reuse identity's `path_in_scope`."""

from __future__ import annotations

from unionhub.errors import AccessDenied
from unionhub.identity.access import Principal, require_authenticated


def is_mall_manager(principal: Principal) -> bool:
    if principal.is_admin:
        return True
    # A top-level org's path holds a single id: "/1/".
    return principal.is_cadre and (principal.scope_path or "").count("/") == 2


def require_mall_manager(principal: Principal) -> int:
    member_id = require_authenticated(principal)
    if not is_mall_manager(principal):
        raise AccessDenied("only the mall's operating org manages the catalogue and shipping")
    return member_id
