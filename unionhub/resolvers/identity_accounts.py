"""Root resolvers of identity's phone-proven account operations and identity conflicts."""

from __future__ import annotations

from typing import Annotated

import strawberry

from unionhub.identity import phone_accounts, sms_codes, verification
from unionhub.identity.access import require_authenticated, require_scope
from unionhub.identity.captcha import CaptchaProof
from unionhub.identity.models import SmsPurpose
from unionhub.resolvers.identity import _client_ip, _id, _session
from unionhub.schema.entities import member_entity
from unionhub.schema.errors import payload
from unionhub.schema.identity_accounts_types import CaptchaInput, SmsCodePayload
from unionhub.schema.identity_types import AuthPayload, MemberPayload
from unionhub.schema.relay import page_size


async def request_sms_code(info: strawberry.Info, phone: str, purpose: SmsPurpose,
                           captcha: CaptchaInput | None = None):
    proof = None if captcha is None else CaptchaProof(captcha.ticket, captcha.randstr)
    work = sms_codes.request_code(phone, purpose, _client_ip(info), proof)
    return await payload(SmsCodePayload, work,
                         lambda sent: {"retry_after_seconds": sent.retry_after_seconds})


async def login_by_sms(info: strawberry.Info, phone: str, sms_code: str) -> AuthPayload:
    return await payload(AuthPayload,
                         phone_accounts.login_by_sms(phone, sms_code, _client_ip(info)),
                         _session(info))


async def reset_password(info: strawberry.Info, phone: str, sms_code: str,
                         new_password: str) -> AuthPayload:
    work = phone_accounts.reset_password(phone, sms_code, new_password, _client_ip(info))
    return await payload(AuthPayload, work, _session(info))


async def change_phone(info: strawberry.Info, new_phone: str, sms_code: str,
                       password: str | None, current_phone_code: str | None) -> MemberPayload:
    principal = info.context.principal
    member_id = require_authenticated(principal)
    work = phone_accounts.change_phone(member_id, new_phone, sms_code, _client_ip(info),
                                       password=password, current_phone_code=current_phone_code,
                                       session_id=principal.session_id)
    return await payload(MemberPayload, work,
                         lambda m: {"member": member_entity(info, m.id)})


async def identity_conflicts(
        info: strawberry.Info,
        union_id: Annotated[strawberry.ID, strawberry.argument(
            description="A union in the cadre's scope (its subtree is searched).")],
        first: Annotated[int | None, strawberry.argument(
            description="How many, newest first: default 50, at most 200.")] = 50):
    from unionhub.schema.identity_accounts_types import IdentityConflict

    union = await info.context.unions.load(_id(union_id, "unionId"))
    if union is None:
        from unionhub.errors import NotFound

        raise NotFound("union not found", field="unionId")
    require_scope(info.context.principal, union.path)
    rows = await verification.conflicts_in(union, page_size(first))
    return [IdentityConflict(id=strawberry.ID(str(c.id)), at=c.created_at,
                             member=member_entity(info, c.member_id)) for c in rows]
