"""The services domain's part of a member's data (`unionhub.memberdata`): the member's service
requests and their steps; on closure, what the member wrote is erased (the rows stay, so the
unions' scorecards and deadlines keep counting them)."""

from __future__ import annotations

from typing import Any

from unionhub.memberdata import MemberDataPart, readable, rows
from unionhub.services import personal
from unionhub.services.models import ServiceRequest, ServiceRequestEvent

_COLUMNS = ("id", "item_id", "item__name", "status", "handling_union_id", "submitted_at",
            "deadline", "accepted_at", "completed_at", "rejected_at", "rating", "rated_at")
# Sealed texts opened into the export, each under its own key.
_TEXTS = (("rating_comment", personal.RATING_COMMENT), ("resolution", personal.RESOLUTION),
          ("reject_reason", personal.REJECT_REASON))


async def export(member_id: int) -> dict[str, Any]:
    requests = rows(await ServiceRequest.filter(member_id=member_id).order_by("id").values(
        *_COLUMNS, "details_enc", "field_values_enc", *(f"{k}_enc" for k, _ in _TEXTS)))
    # The member's own words, and what the union answered them (the resolution, the reason for
    # a rejection: about them, told to them), opened for them (services.personal); the export
    # is audited whole.
    for request in requests:
        rid, where = request["id"], f"services.service_requests[{request['id']}]"
        details, values = request.pop("details_enc"), request.pop("field_values_enc")
        request["details"] = readable(personal.open_details, details, rid,
                                      where=f"{where}.details")
        request["field_values"] = readable(personal.open_field_values, values, rid,
                                           where=f"{where}.field_values")
        for key, purpose in _TEXTS:
            request[key] = readable(personal.open_text, request.pop(f"{key}_enc"), rid, purpose,
                                    where=f"{where}.{key}")
    events = rows(await ServiceRequestEvent.filter(
        request_id__in=[r["id"] for r in requests]).order_by("id").values(
        "request_id", "action", "at", "note"))
    for request in requests:
        request["events"] = [e for e in events if e["request_id"] == request["id"]]
    return {"service_requests": requests}


async def close(member_id: int) -> None:
    # The fingerprint is a hash of the details: it goes with them.
    await ServiceRequest.filter(member_id=member_id).update(
        details_enc="", field_values_enc="", rating_comment_enc=None, request_fingerprint=None)
    # The member's own steps may carry their words too (RATED's note held the rating comment
    # before services migration 0005). The cadres' resolutions and reasons (sealed since
    # migration 0006) are the union's record of what it did and stay.
    ids = await ServiceRequest.filter(member_id=member_id).values_list("id", flat=True)
    await ServiceRequestEvent.filter(request_id__in=list(ids), actor_id=member_id).update(
        note=None)


PART = MemberDataPart("services", export, close=close)
