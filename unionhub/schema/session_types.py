"""GraphQL types of sign-out and session revocation (identity subgraph)."""

from __future__ import annotations

import strawberry

from unionhub.schema.docs import PAYLOAD_ERRORS
from unionhub.schema.errors import UserError


@strawberry.input(description="Whose sessions to end.")
class RevokeSessionsInput:
    member_id: strawberry.ID = strawberry.field(description="The member's id.")


@strawberry.type(description="The result of signing out or revoking sessions.")
class SignOutPayload:
    sessions_ended: int = strawberry.field(
        default=0, description="Sessions this call ended (their access tokens are refused within 5 s).")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)
