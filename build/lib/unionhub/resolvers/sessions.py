"""Sign-out and revocation resolvers: read arguments, call `identity.sessions`."""

from __future__ import annotations

import strawberry

from unionhub.errors import NotFound
from unionhub.identity import sessions
from unionhub.schema.entities import parse_key
from unionhub.schema.errors import payload
from unionhub.schema.session_types import SignOutPayload


def _ended(count: int | None) -> dict:
    return {"sessions_ended": count or 0}


async def logout(info: strawberry.Info) -> SignOutPayload:
    async def work() -> int:
        await sessions.logout(info.context.principal)
        return 1

    return await payload(SignOutPayload, work(), _ended)


async def logout_everywhere(info: strawberry.Info) -> SignOutPayload:
    return await payload(SignOutPayload, sessions.logout_everywhere(info.context.principal),
                         _ended)


async def revoke_sessions(info: strawberry.Info, member_id: strawberry.ID) -> SignOutPayload:
    async def work() -> int:
        target = parse_key(member_id)
        if target is None:
            raise NotFound("member not found", field="memberId")
        return await sessions.admin_revoke_sessions(info.context.principal, target)

    return await payload(SignOutPayload, work(), _ended)
