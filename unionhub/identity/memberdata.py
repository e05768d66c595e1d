"""Identity's part of a member's data (`unionhub.memberdata`): profile, real-name identity
(unmasked: the owner asks), cards, memberships (applications, transfers, exits) and the audit
rows about the member or by them (but a verification conflict's: `_WITHHELD_ACTIONS`).
Identity's own erasure is the closure itself (`identity.rights.close_account`), so this part
has no `close`."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from unionhub.identity.crypto import open_personal
from unionhub.identity.models import (
    AuditLog,
    JoinApplication,
    Member,
    MemberCard,
    MembershipExit,
    TransferRequest,
    Union,
)
from unionhub.identity.verification import CONFLICT_ACTION
from unionhub.memberdata import MemberDataPart, iso, readable, rows

# Audit rows about the member that are not theirs to read. A conflict row is written only when
# the authority confirmed a name and number that another account holds: in the export it told
# whoever typed a stranger's pair that the stranger has an account here, and its id, which the
# refusal itself (worded as a mismatch) keeps from them. The union's cadres see it instead.
_WITHHELD_ACTIONS = (CONFLICT_ACTION,)


def _plain(value: str | None, purpose: str, member_id: int, field: str) -> str | None:
    if not value:
        return None
    return readable(open_personal, value, purpose, member_id, where=f"identity.{field}")


async def export(member_id: int) -> dict[str, Any]:
    member = await Member.get(id=member_id)
    union = await Union.get(id=member.union_id)
    return {
        "profile": {
            "id": member.id, "display_name": member.display_name, "role": member.role.value,
            "union": {"id": union.id, "name": union.name}, "joined_at": iso(member.joined_at),
            "cadre_org_id": member.cadre_org_id, "created_at": iso(member.created_at),
        },
        "identity": {
            "phone": _plain(member.phone_enc, "phone", member.id, "phone"),
            "legal_name": _plain(member.name_enc, "name", member.id, "legal_name"),
            "id_number": _plain(member.id_number_enc, "id_number", member.id, "id_number"),
            "verified_at": iso(member.verified_at),
            "consent_version": member.consent_version, "consented_at": iso(member.consented_at),
        },
        "cards": rows(await MemberCard.filter(member_id=member_id).order_by("id").values(
            "number", "status", "issued_at", "status_changed_at", "status_reason")),
        "memberships": {
            "join_applications": rows(await JoinApplication.filter(member_id=member_id)
                                      .order_by("id").values("union_id", "union__name", "status",
                                                             "reason", "created_at",
                                                             "reviewed_at")),
            "transfers": rows(await TransferRequest.filter(member_id=member_id).order_by("id")
                              .values("from_union_id", "to_union_id", "status", "reason",
                                      "review_reason", "created_at", "reviewed_at")),
            "exits": rows(await MembershipExit.filter(member_id=member_id).order_by("id").values(
                "union_id", "union__name", "joined_at", "left_at", "kind", "reason")),
        },
        "audit_entries": rows(await AuditLog.filter(
            Q(subject_type="member", subject_id=str(member_id)) | Q(actor_id=member_id)
        ).exclude(action__in=_WITHHELD_ACTIONS).order_by("id").values(
            "at", "action", "actor_id", "subject_type", "subject_id", "detail")),
    }


PART = MemberDataPart("identity", export)
