"""Idempotency keys of `placeOrder`, bound to the request they were first sent with.

A key is chosen by the client, once per checkout attempt (a UUID serves), and is the member's
own: the same member sending the same key again gets the order the key made, so a retry after
a lost answer never makes a second order. The key is bound to what it asked for: a replay
that asks for anything else (other items or quantities, voucher, address, union) is refused
with IDEMPOTENCY_KEY_REUSED and changes nothing. The request is remembered as a keyed hash
(the blind-index key), because the address in it is personal data.
"""

from __future__ import annotations

from unionhub import idempotency
from unionhub.errors import Conflict
from unionhub.identity.crypto import blind_indexes

check_key = idempotency.check_key  # shared with submitServiceRequest's keys

# The schema's description of the key (printed into the SDL).
KEY_DESCRIPTION = (
    "8-64 characters of A-Z a-z 0-9 _ - : . chosen by the client once per checkout attempt "
    "(a UUID serves). Sending the same key again with the same request returns the order it "
    "made (safe to retry after a lost answer); the same key with any other cart, voucher, "
    "address or forUnionId is refused with IDEMPOTENCY_KEY_REUSED and changes nothing. Keys "
    "are per member.")


_PURPOSE = "mall_order_request"


def _canonical(items: list[tuple[int, int]], address: dict[str, str], voucher_id: int | None,
               for_union_id: int | None) -> dict[str, object]:
    """The request as sent: items merged per SKU and sorted (so the order of lines does not
    matter), the address fields trimmed, letter case kept."""
    merged: dict[int, int] = {}
    for sku_id, quantity in items:
        merged[sku_id] = merged.get(sku_id, 0) + quantity
    return {"items": sorted(merged.items()),
            "address": {k: str(v).strip() for k, v in sorted(address.items())},
            "voucher": voucher_id, "union": for_union_id}


def fingerprint(items: list[tuple[int, int]], address: dict[str, str], voucher_id: int | None,
                for_union_id: int | None) -> str:
    """A keyed hash of the request under the current key: what a new order stores."""
    return idempotency.fingerprint(_canonical(items, address, voucher_id, for_union_id), _PURPOSE)


def same_request(stored: str | None, items: list[tuple[int, int]], address: dict[str, str],
                 voucher_id: int | None, for_union_id: int | None) -> bool:
    """Does a replay ask for what the key's order asked for? Under every live key (a key
    rotation between a call and its retry refused the retry). None: placed before mall 0005.
    Orders placed before the exact hash stored the blind index of the request's text, which
    folds case: still matched that way, so their retries across this change answer them."""
    if stored is None:
        return True
    canonical = _canonical(items, address, voucher_id, for_union_id)
    if idempotency.same_request(stored, canonical, _PURPOSE):
        return True
    return stored in blind_indexes(idempotency.canonical_text(canonical), _PURPOSE)


def refuse_reuse() -> Conflict:
    return Conflict("this idempotency key was used for a different order request",
                    field="idempotencyKey", code="IDEMPOTENCY_KEY_REUSED")
