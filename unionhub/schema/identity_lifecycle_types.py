"""GraphQL types of identity's issue-17 fields (privacy notice, account closure, cards,
leaving): defined apart from their binding in identity_lifecycle.py, so the resolvers import
them without an import cycle."""

from __future__ import annotations

import strawberry

from unionhub.schema.docs import PAYLOAD_ERRORS
from unionhub.schema.errors import UserError


@strawberry.type(description="The privacy notice (PIPL) members consent to when verifying.")
class PrivacyNotice:
    version: str = strawberry.field(description="Give it as VerifyIdentityInput.consentVersion.")
    text: str = strawberry.field(description="The notice's text, in Chinese.")


@strawberry.input(description="Confirmation of an account closure.")
class CloseAccountInput:
    password: str | None = strawberry.field(
        default=None, description="The account's password: confirms the closure "
                                  "(CONFIRMATION_REQUIRED without it, WRONG_PASSWORD).")
    sms_code: str | None = strawberry.field(
        default=None, description="A CONFIRM_ACCOUNT code sent to the account's phone, instead "
                                  "of the password.")


@strawberry.type(description="The result of closeAccount.")
class CloseAccountPayload:
    closed: bool = strawberry.field(default=False, description="True once the account is "
                                                               "closed; its sessions end.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.input(description="A card to freeze.")
class FreezeCardInput:
    member_id: strawberry.ID = strawberry.field(description="A member in the cadre's scope "
                                                            "(MEMBER_NOT_FOUND otherwise).")
    reason: str = strawberry.field(description="Why: 1–500 characters, audited.")


@strawberry.input(description="A card to unfreeze.")
class UnfreezeCardInput:
    member_id: strawberry.ID = strawberry.field(description="A member in the cadre's scope "
                                                            "(MEMBER_NOT_FOUND otherwise).")
    reason: str = strawberry.field(description="Why: 1–500 characters, audited.")


@strawberry.input(description="Who leaves: the caller, or a member a cadre removes.")
class LeaveUnionInput:
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="A cadre removing a member in scope; omit to leave yourself.")
    reason: str | None = strawberry.field(default=None,
                                          description="Required when a cadre removes a member.")
