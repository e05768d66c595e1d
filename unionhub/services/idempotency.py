"""Idempotency keys of `submitServiceRequest`, as `placeOrder` has them (mall/idempotency.py).

A key is optional (clients sending none keep working, each call a new request), chosen by the
client once per submission (a UUID serves), and the member's own: the same member sending the
same key again gets the request the key made, so a retry after a lost answer never files a
second one. The key is bound to what it asked for: a replay with another item, other details
or other form values is IDEMPOTENCY_KEY_REUSED and changes nothing. The request is remembered
as a keyed hash (the blind-index key), because details and form values may name people.
"""

from __future__ import annotations

from unionhub import idempotency
from unionhub.errors import Conflict

# The same format as placeOrder's keys (unionhub.idempotency), so a client makes both alike.
check_key = idempotency.check_key

KEY_DESCRIPTION = (
    "Optional. 8-64 characters of A-Z a-z 0-9 _ - : . chosen by the client once per "
    "submission (a UUID serves). Sending the same key again with the same itemId, details and "
    "fields returns the request it made (safe to retry after a lost answer); the same key with "
    "anything else is refused with IDEMPOTENCY_KEY_REUSED and changes nothing. Keys are per "
    "member. Without a key every call files a new request.")


_PURPOSE = "service_request_submission"


def _canonical(item_id: int, details: str, fields: list[tuple[str, str]]) -> object:
    """The submission as its rules read it: details and values trimmed, the form's fields in
    name order (the order they were sent in does not matter); its letter case kept."""
    return {"item": item_id, "details": details.strip(),
            "fields": sorted((name, (value or "").strip()) for name, value in fields)}


def fingerprint(item_id: int, details: str, fields: list[tuple[str, str]]) -> str:
    """A keyed hash of the submission, under the current key: what a new request stores."""
    return idempotency.fingerprint(_canonical(item_id, details, fields), _PURPOSE)


def same_submission(stored: str | None, item_id: int, details: str,
                    fields: list[tuple[str, str]]) -> bool:
    """Does a replay ask for what the key's request asked for? (Under every live key.)"""
    return idempotency.same_request(stored, _canonical(item_id, details, fields), _PURPOSE)


def refuse_reuse() -> Conflict:
    return Conflict("this idempotency key was used for a different service request",
                    field="idempotencyKey", code="IDEMPOTENCY_KEY_REUSED")
