"""GraphQL types of identity's issue-17 fields (privacy notice, account closure, cards,
leaving): defined apart from their binding in identity_lifecycle.py, so the resolvers import
them without an import cycle."""

from __future__ import annotations

import strawberry

from unionhub.schema.errors import UserError


@strawberry.type
class PrivacyNotice:
    version: str = strawberry.field(description="Give it as VerifyIdentityInput.consentVersion.")
    text: str


@strawberry.input
class CloseAccountInput:
    password: str | None = None
    sms_code: str | None = strawberry.field(
        default=None, description="Not available yet (SMS_CONFIRMATION_UNAVAILABLE).")


@strawberry.type
class CloseAccountPayload:
    closed: bool = False
    errors: list[UserError]


@strawberry.input
class FreezeCardInput:
    member_id: strawberry.ID
    reason: str


@strawberry.input
class UnfreezeCardInput:
    member_id: strawberry.ID
    reason: str


@strawberry.input
class LeaveUnionInput:
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="A cadre removing a member in scope; omit to leave yourself.")
    reason: str | None = strawberry.field(default=None,
                                          description="Required when a cadre removes a member.")
