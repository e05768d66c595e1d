"""Idempotency keys of `placeOrder`, bound to the request they were first sent with.

A key is chosen by the client, once per checkout attempt (a UUID serves), and is the member's
own: the same member sending the same key again gets the order the key made, so a retry after
a lost answer never makes a second order. The key is bound to what it asked for: a replay
that asks for anything else (other items or quantities, voucher, address, union) is refused
with IDEMPOTENCY_KEY_REUSED and changes nothing. The request is remembered as a keyed hash
(the blind-index key), because the address in it is personal data.
"""

from __future__ import annotations

import json
import re

from unionhub.errors import Conflict, ValidationFailed
from unionhub.identity.crypto import blind_index

KEY_RE = re.compile(r"^[A-Za-z0-9_\-:.]{8,64}$")

# The schema's description of the key (printed into the SDL).
KEY_DESCRIPTION = (
    "8-64 characters of A-Z a-z 0-9 _ - : . chosen by the client once per checkout attempt "
    "(a UUID serves). Sending the same key again with the same request returns the order it "
    "made (safe to retry after a lost answer); the same key with any other cart, voucher, "
    "address or forUnionId is refused with IDEMPOTENCY_KEY_REUSED and changes nothing. Keys "
    "are per member.")


def check_key(raw: str) -> str:
    key = raw.strip()
    if not KEY_RE.match(key):
        raise ValidationFailed("idempotency key must be 8–64 letters, digits or _-:.",
                               field="idempotencyKey", code="IDEMPOTENCY_KEY_FORMAT")
    return key


def fingerprint(items: list[tuple[int, int]], address: dict[str, str], voucher_id: int | None,
                for_union_id: int | None) -> str:
    """A keyed hash of the request as sent: items merged per SKU and sorted (so the order of
    lines does not matter), the address fields trimmed."""
    merged: dict[int, int] = {}
    for sku_id, quantity in items:
        merged[sku_id] = merged.get(sku_id, 0) + quantity
    canonical = json.dumps({
        "items": sorted(merged.items()),
        "address": {k: str(v).strip() for k, v in sorted(address.items())},
        "voucher": voucher_id, "union": for_union_id,
    }, ensure_ascii=False, separators=(",", ":"))
    return blind_index(canonical, "mall_order_request")


def refuse_reuse() -> Conflict:
    return Conflict("this idempotency key was used for a different order request",
                    field="idempotencyKey", code="IDEMPOTENCY_KEY_REUSED")
