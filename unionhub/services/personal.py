"""A service request's details, form values and rating comment: the member's personal data (legal aid,
counselling, hardship assistance: members write names, phones, ID numbers, their troubles); and
what the cadres write about it, the resolution and the reason for a rejection (what was done
for whom: a settlement with a named employer, a household's hardship), personal data too.

At rest they are sealed with the platform's personal-data AEAD (`identity.crypto`: the key
ring, rotation by `unionhub keys rotate` through services/encrypted.py), bound to the
request's id, so a ciphertext moved to another request does not open (PERSONAL_DATA_UNREADABLE).
"" is no value (none given, or erased by a closure).

Who reads them how (`shown`), all five alike: the requester in clear, unaudited (their own
words, and what the union answered them); anyone else, the cadre who wrote a resolution included,
who may see the request (the handling org's cadres and those above, admins) in clear when they
open it, after an audit row `SERVICE_REQUEST_READ` (who, the requester, which request, which
field; never the text) has committed, group-committed with the platform's other reads; and
masked in lists, where nothing is decrypted: a queue of fifty requests discloses none of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import Enum

from unionhub.identity import audit
from unionhub.identity.access import Principal
from unionhub.identity.crypto import encrypt, open_personal
from unionhub.services.models import ServiceRequest

DETAILS = "service_details"  # the purposes (associated data, with the request's id)
FIELD_VALUES = "service_fields"
RATING_COMMENT = "service_rating_comment"
RESOLUTION = "service_resolution"  # the cadres' words about the request
REJECT_REASON = "service_reject_reason"
MASK = "****"


class Shown(Enum):
    OWN = "OWN"  # the requester: in clear, not audited
    AUDITED = "AUDITED"  # someone else opening the request: in clear, audited
    MASKED = "MASKED"  # someone else's list: nothing decrypted


def shown(principal: Principal, row: ServiceRequest, *, listed: bool) -> Shown:
    """For a caller who may see the request (`requests.may_view`)."""
    if principal.member_id is not None and principal.member_id == row.member_id:
        return Shown.OWN
    return Shown.MASKED if listed else Shown.AUDITED


def sealed(request_id: int, details: str, values: Mapping[str, str]) -> dict[str, str]:
    """The columns for a request's text, bound to its id."""
    return {
        "details_enc": encrypt(details, DETAILS, owner=request_id) if details else "",
        "field_values_enc": encrypt(json.dumps(dict(values), ensure_ascii=False),
                                    FIELD_VALUES, owner=request_id) if values else "",
    }


def open_details(token: str, request_id: int) -> str:
    """In clear (PERSONAL_DATA_UNREADABLE, logged, when it does not open under this request)."""
    return open_personal(token, DETAILS, request_id,
                         f"service request {request_id}") if token else ""


def open_field_values(token: str, request_id: int) -> dict[str, str]:
    if not token:
        return {}
    values: dict[str, str] = json.loads(open_personal(token, FIELD_VALUES, request_id,
                                                      f"service request {request_id}"))
    return values


def sealed_text(request_id: int, text: str | None, purpose: str) -> str | None:
    """One nullable text of the request (a comment, a resolution, a reason), bound to its id;
    None for none."""
    return encrypt(text, purpose, owner=request_id) if text else None


def open_text(token: str | None, request_id: int, purpose: str) -> str | None:
    return open_personal(token, purpose, request_id,
                         f"service request {request_id}") if token else None


def sealed_comment(request_id: int, comment: str | None) -> str | None:
    return sealed_text(request_id, comment, RATING_COMMENT)


def open_comment(token: str | None, request_id: int) -> str | None:
    return open_text(token, request_id, RATING_COMMENT)


def details_of(row: ServiceRequest) -> str:
    return open_details(row.details_enc, row.id)


def field_values_of(row: ServiceRequest) -> dict[str, str]:
    return open_field_values(row.field_values_enc, row.id)


def comment_of(row: ServiceRequest) -> str | None:
    return open_comment(row.rating_comment_enc, row.id)


def resolution_of(row: ServiceRequest) -> str | None:
    return open_text(row.resolution_enc, row.id, RESOLUTION)


def reject_reason_of(row: ServiceRequest) -> str | None:
    return open_text(row.reject_reason_enc, row.id, REJECT_REASON)


def masked_details(row: ServiceRequest) -> str:
    """A list's form: that there are details, not what they say ("" once erased)."""
    return MASK if row.details_enc else ""


def masked(token: str | None) -> str | None:
    """A list's form of a nullable text: that there is one ("****"), or null."""
    return MASK if token else None


async def record_read(principal: Principal, row: ServiceRequest, field: str) -> None:
    """The audit row of one field read in clear by someone other than the requester; await it
    before answering (group-committed with other reads: `audit.record_reads`)."""
    await audit.record_reads(audit.SERVICE_REQUEST_READ, actor_id=principal.member_id,
                             subject_type="member", subject_ids=[row.member_id],
                             union_id=row.member_union_id,
                             detail={"request_id": row.id, "field": field})
