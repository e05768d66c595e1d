"""How personal data is shown to callers outside the member's own circle."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "*" * len(phone)


def mask_id_number(id_number: str) -> str:
    return f"{id_number[:3]}{'*' * (len(id_number) - 7)}{id_number[-4:]}"


def mask_name(name: str) -> str:
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"


def mask_address(detail: str) -> str:
    """A street address: its first three characters (usually the district, which the region
    code already tells) when at least six more follow, then a fixed run of stars (the
    length is not told)."""
    return f"{detail[:3]}****" if len(detail) >= 9 else "****"
