"""The per-request GraphQL context: who is calling, and request-scoped DataLoaders."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader

from unionhub.errors import NotAuthenticated
from unionhub.identity import audit, loaders
from unionhub.identity.access import GUEST, Principal
from unionhub.identity.lookup import MemberRecord
from unionhub.identity.models import Union
from unionhub.identity.tokens import principal_from_header
from unionhub.settings import get_settings

ID_NUMBER_READ = audit.ID_NUMBER_READ


class RequestLoader(DataLoader[Any, Any]):
    """strawberry's DataLoader, except that one caller's cancellation never reaches another.

    `load` hands every caller of a key the same cached future, and cancelling a task that
    awaits a future cancels the future itself: when a failed non-null field has its siblings
    cancelled (compiled_run.gather_with_cancel, as graphql-core does), every other field of the
    request waiting on the same key got CancelledError too, and the whole request failed with
    it (seen in the leak walk). A pending future is handed out shielded: a cancelled caller
    stops waiting, the load goes on for the others, and the cache keeps it. A settled one is
    handed out as it is (awaiting it cannot be interrupted)."""

    def load(self, key: Any) -> Awaitable[Any]:
        future = super().load(key)
        if future.done():
            return future
        return asyncio.shield(future)


@dataclass
class Context:
    principal: Principal = GUEST
    # Why the Authorization header was not accepted, if it was not: fields that need a
    # signed-in caller answer with this instead of a bare UNAUTHENTICATED.
    auth_error: NotAuthenticated | None = None
    request: Any = None
    response: Any = None
    loaders: dict[str, RequestLoader] = field(default_factory=dict)
    # The request's Union entities by id (`entities.union_ref`): one per union, however many
    # members of a page belong to it.
    union_refs: dict[int, Any] = field(default_factory=dict)
    is_router: bool = False  # the federation router (may use _entities and _service)
    default_language: str | None = None  # the view's; None: the setting (`unionhub.i18n`)

    @property
    def language(self) -> str:
        """The language messages are answered in (Accept-Language, `unionhub.i18n`)."""
        from unionhub.i18n import configured_default, negotiate

        header = self.request.headers.get("accept-language") if self.request else None
        return negotiate(header, self.default_language or configured_default())

    def loader(self, name: str, load_fn) -> DataLoader:
        """A request-scoped DataLoader."""
        if name not in self.loaders:
            self.loaders[name] = RequestLoader(load_fn=load_fn)
        return self.loaders[name]

    @property
    def members(self) -> DataLoader[int, MemberRecord | None]:
        return self.loader("members", loaders.members)

    @property
    def unions(self) -> DataLoader[int, Union | None]:
        return self.loader("unions", loaders.unions)

    async def audit_personal_read(self, action: str, rec: MemberRecord) -> None:
        """Audits an unmasked read of a member's name, phone or ID number (`action`); await it
        before answering. Concurrent reads (a page of members, other requests) share one
        group-committed INSERT (`audit`), each row carrying the caller, the member's union
        and the request's trace id."""
        await audit.record_reads(action, actor_id=self.principal.member_id,
                                 subject_type="member", subject_ids=[rec.id],
                                 union_id=rec.union_id)

    async def audit_id_number_read(self, member_id: int, union_id: int | None = None) -> None:
        await audit.record_reads(ID_NUMBER_READ, actor_id=self.principal.member_id,
                                 subject_type="member", subject_ids=[member_id],
                                 union_id=union_id)

    async def caller_record(self) -> MemberRecord | None:
        if self.principal.member_id is None:
            return None
        return await self.members.load(self.principal.member_id)


def context_for_authorization(authorization: str | None, request: Any = None,
                              response: Any = None, router_credential: str | None = None,
                              ) -> Context:
    is_router = bool(router_credential) and hmac.compare_digest(
        router_credential.encode(), get_settings().router_secret.encode())
    try:
        principal = principal_from_header(authorization)
        return Context(principal=principal, request=request, response=response,
                       is_router=is_router)
    except NotAuthenticated as exc:
        return Context(principal=GUEST, auth_error=exc, request=request, response=response,
                       is_router=is_router)
