"""Field authorization, declared once per field with `gql_field(tier=...)`.

The same declaration enforces the tier (a strawberry permission, sync unless the tier needs the
caller's record) and prints `@authenticated` / `@requiresScopes` into the subgraph SDL so a
federation router can enforce it too. Ownership and scope rules (self, cadre over the member's
union) live in `unionhub.identity.access` and are applied by the resolvers that need them.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

import strawberry
from strawberry.permission import BasePermission, PermissionExtension

from unionhub.errors import AccessDenied, NotAuthenticated
from unionhub.identity.access import Tier, holds_role_tier
from unionhub.schema.docs import with_tier


def scope_for(tier: Tier) -> str:
    return f"tier:{tier.value.lower()}"


def _deny(info: strawberry.Info, tier: Tier) -> Exception:
    return _denial(info.context, tier)


def _denial(ctx: Any, tier: Tier) -> Exception:
    if not ctx.principal.is_authenticated:
        return ctx.auth_error or NotAuthenticated("sign in first")
    return AccessDenied(f"this needs the {tier.value} tier")


class _RoleTier(BasePermission):
    """Decided from the verified access token alone: no I/O, so fields stay synchronous."""

    tier: Tier = Tier.MEMBER

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        if holds_role_tier(info.context.principal, self.tier):
            return True
        raise _deny(info, self.tier)


class _VerifiedTier(BasePermission):
    """VERIFIED: real-name verified with an active card, read from the (cached) member record
    so that verification counts at once, without waiting for a new access token."""

    async def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        ctx = info.context
        if not ctx.principal.is_authenticated:
            raise _deny(info, Tier.VERIFIED)
        record = await ctx.caller_record()
        if record is None or not record.is_verified_member:
            raise AccessDenied("verify your identity and join a union first",
                               code="NOT_VERIFIED")
        return True


_ROLE_PERMISSIONS = {
    tier: type(f"Require{tier.value.title()}", (_RoleTier,), {"tier": tier})
    for tier in (Tier.MEMBER, Tier.CADRE, Tier.OPERATOR, Tier.ADMIN)
}


def permission_for(tier: Tier) -> BasePermission | None:
    if tier == Tier.GUEST:
        return None
    if tier == Tier.VERIFIED:
        return _VerifiedTier()
    return _ROLE_PERMISSIONS[tier]()


def _guarded(fn: Any, tier: Tier) -> Any | None:
    """`fn` with the tier checked first, inside the resolver: the same check and errors as the
    field's PermissionExtension, without strawberry's per-call extension chain (argument
    re-parsing, partials), which cost more than the check on the hot lookup. None where the
    resolver does not take `info` (it is passed by keyword) or is a generator: those keep
    the extension."""
    target = fn.__func__ if isinstance(fn, staticmethod | classmethod) else fn
    if not callable(target) or inspect.isasyncgenfunction(inspect.unwrap(target)):
        return None
    if "info" not in inspect.signature(target).parameters:
        return None
    if tier == Tier.VERIFIED:
        check = _VerifiedTier().has_permission

        @functools.wraps(target)
        async def verified(*args: Any, **kwargs: Any) -> Any:
            await check(None, kwargs["info"])
            result = target(*args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        guarded: Any = verified
    elif inspect.iscoroutinefunction(target):
        @functools.wraps(target)
        async def guarded(*args: Any, **kwargs: Any) -> Any:
            _check_role(kwargs["info"], tier)
            return await target(*args, **kwargs)
    else:
        @functools.wraps(target)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            _check_role(kwargs["info"], tier)
            return target(*args, **kwargs)
        _mark_checked_read(guarded, target, tier)
    return staticmethod(guarded) if isinstance(fn, staticmethod) else guarded


def _mark_checked_read(guarded: Any, target: Any, tier: Tier) -> None:
    """A resolver marked `reads_entity(read)` (schema/entities.py): its guard carries `read`
    behind the same tier check and error, for the compiled executor. (functools.wraps copied
    the target's own mark, which names the target: the executor refuses that one.)"""
    mark = getattr(target, "entity_read", None)
    if not (isinstance(mark, tuple) and len(mark) == 2 and mark[1] is target):
        return
    read = mark[0]

    def checked_read(entity: Any, ctx: Any) -> Any:
        if not holds_role_tier(ctx.principal, tier):
            raise _denial(ctx, tier)
        return read(entity, ctx)

    guarded.entity_read = (checked_read, guarded)


def _check_role(info: strawberry.Info, tier: Tier) -> None:
    if not holds_role_tier(info.context.principal, tier):
        raise _deny(info, tier)


def gql_field(*, tier: Tier = Tier.GUEST, resolver: Any = None, **kwargs: Any) -> Any:
    """A schema field with its tier: enforced here, and printed for the router. Used with
    `resolver=` or as a decorator."""
    extensions = list(kwargs.pop("extensions", []))
    if "description" in kwargs:  # who may use it, from the tier enforced here
        kwargs["description"] = with_tier(kwargs["description"], tier)
    federation: dict[str, Any] = {}
    if tier != Tier.GUEST:
        federation["authenticated"] = True
        if tier != Tier.MEMBER:
            federation["requires_scopes"] = [[scope_for(tier)]]

    def build(fn: Any) -> Any:
        field_extensions = list(extensions)
        guarded = None if tier == Tier.GUEST or extensions else _guarded(fn, tier)
        if guarded is not None:
            fn = guarded
        elif tier != Tier.GUEST:
            field_extensions.insert(0, PermissionExtension([permission_for(tier)],
                                                           use_directives=False))
        return strawberry.federation.field(resolver=fn, extensions=field_extensions,
                                           **federation, **kwargs)

    return build(resolver) if resolver is not None else build
