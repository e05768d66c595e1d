"""GraphQL types of sign-out and session revocation (identity subgraph)."""

from __future__ import annotations

import strawberry

from unionhub.schema.errors import UserError


@strawberry.input
class RevokeSessionsInput:
    member_id: strawberry.ID


@strawberry.type
class SignOutPayload:
    sessions_ended: int = strawberry.field(
        default=0, description="Sessions this call ended (their access tokens are refused within 5 s).")
    errors: list[UserError]
