"""Identity enums: the values the models store and the schema exposes."""

from __future__ import annotations

from enum import StrEnum


class UnionLevel(StrEnum):
    NATIONAL = "NATIONAL"
    PROVINCE = "PROVINCE"
    CITY = "CITY"
    COUNTY = "COUNTY"
    GRASSROOTS = "GRASSROOTS"


LEVEL_DEPTH = {level: depth for depth, level in enumerate(UnionLevel)}


class Role(StrEnum):
    MEMBER = "MEMBER"
    CADRE = "CADRE"
    OPERATOR = "OPERATOR"
    ADMIN = "ADMIN"


class CardStatus(StrEnum):
    ACTIVE = "ACTIVE"
    FROZEN = "FROZEN"
    LOST = "LOST"
    CANCELLED = "CANCELLED"


class ReviewStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class SmsPurpose(StrEnum):
    REGISTER = "REGISTER"
    LOGIN = "LOGIN"
    RESET_PASSWORD = "RESET_PASSWORD"  # noqa: S105  (a purpose, not a password)
    CHANGE_PHONE = "CHANGE_PHONE"
    # Sent to a signed-in account's current phone to confirm closing or moving it.
    CONFIRM_ACCOUNT = "CONFIRM_ACCOUNT"
