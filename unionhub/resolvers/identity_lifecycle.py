"""Root resolvers of identity's issue-17 fields: read arguments, call the domain, shape."""

from __future__ import annotations

from typing import Any

import strawberry

from unionhub.errors import NotFound
from unionhub.identity import cards, leaving, rights
from unionhub.identity.access import require_authenticated
from unionhub.identity.privacy import CURRENT
from unionhub.resolvers.identity import _client_ip
from unionhub.schema.entities import member_entity, parse_key
from unionhub.schema.errors import payload
from unionhub.schema.identity_lifecycle_types import CloseAccountPayload, PrivacyNotice
from unionhub.schema.identity_types import MemberCard, MemberCardPayload, MemberPayload


def privacy_notice(info: strawberry.Info) -> Any:
    return PrivacyNotice(version=CURRENT.version, text=CURRENT.text)


async def my_personal_data(info: strawberry.Info) -> Any:
    return await rights.export_personal_data(require_authenticated(info.context.principal))


def _member_key(value: strawberry.ID) -> int:
    key = parse_key(value)
    if key is None:
        raise NotFound("member not found", field="memberId", code="MEMBER_NOT_FOUND")
    return key


def _card(card: Any) -> dict[str, Any]:
    return {"card": MemberCard(number=card.number, status=card.status, issued_at=card.issued_at)}


async def close_account(info: strawberry.Info, password: str | None, sms_code: str | None):
    principal = info.context.principal
    member_id = require_authenticated(principal)
    return await payload(CloseAccountPayload,
                         rights.close_account(member_id, password, sms_code,
                                              client_ip=_client_ip(info),
                                              session_id=principal.session_id),
                         lambda _: {"closed": True})


async def reissue_card(info: strawberry.Info):
    member_id = require_authenticated(info.context.principal)
    return await payload(MemberCardPayload, cards.reissue_card(member_id), _card)


async def freeze_card(info: strawberry.Info, member_id: strawberry.ID, reason: str):
    async def work():
        return await cards.freeze_card(info.context.principal, _member_key(member_id), reason)

    return await payload(MemberCardPayload, work(), _card)


async def unfreeze_card(info: strawberry.Info, member_id: strawberry.ID, reason: str):
    async def work():
        return await cards.unfreeze_card(info.context.principal, _member_key(member_id), reason)

    return await payload(MemberCardPayload, work(), _card)


async def leave_union(info: strawberry.Info, member_id: strawberry.ID | None,
                      reason: str | None):
    principal = info.context.principal

    async def work() -> int:
        target = None if member_id is None else _member_key(member_id)
        await leaving.leave_union(principal, target, reason)
        return target or require_authenticated(principal)

    return await payload(MemberPayload, work(),
                         lambda target: {"member": member_entity(info, target)})
