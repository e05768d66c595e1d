"""Real-name rules: resident ID numbers (GB 11643-1999), legal names and phone numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from unionhub.errors import ValidationFailed

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# Province-level prefixes of GB/T 2260 (11–65), plus 71/81/82/83 for the residence permits of
# Taiwan, Hong Kong and Macao residents. County codes are not checked: retired codes stay valid.
_PROVINCES = frozenset(
    [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
     50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]
)
MIN_WORKING_AGE = 16
# ASCII digits only: `\d` takes every script's digits, and "13８00000001" (a full-width 8)
# would be a second phone beside "13800000001", with its own SMS budget and account.
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
# A Chinese IME in full-width mode types ０-９, Ｘ and the ideographic space: read as ASCII
# (their NFKC forms). Other scripts' digits stay, and the patterns above refuse them.
_FULL_WIDTH = str.maketrans({**{chr(0xFF10 + d): str(d) for d in range(10)},
                             "\uff38": "X", "\uff58": "x", "\u3000": " "})
# Han characters, or Latin letters with spaces, joined by the middle dot used in transliterations.
_NAME_RE = re.compile(r"^(?:[\u3400-\u9fff]+(?:[·•][\u3400-\u9fff]+)*|[A-Za-z]+(?:[ ·'-][A-Za-z]+)*)$")


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    is_male: bool


def fold_full_width(raw: str) -> str:
    """`raw` with full-width digits, X and spaces as ASCII, stripped: the form every phone and
    ID number is validated, keyed and stored in."""
    return raw.translate(_FULL_WIDTH).strip()


def id_check_char(first17: str) -> str:
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def parse_id_number(raw: str, today: date) -> ResidentId:
    number = fold_full_width(raw).upper()
    if not _ID_RE.match(number):
        raise ValidationFailed(
            "ID number must be 17 digits followed by a digit or X", field="idNumber",
            code="ID_NUMBER_FORMAT",
        )
    if int(number[:2]) not in _PROVINCES:
        raise ValidationFailed(
            "ID number has an unknown region code", field="idNumber", code="ID_NUMBER_REGION"
        )
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationFailed(
            "ID number has an impossible birth date", field="idNumber", code="ID_NUMBER_BIRTH_DATE"
        ) from None
    if birth > today or birth.year < 1900:
        raise ValidationFailed(
            "ID number has an impossible birth date", field="idNumber", code="ID_NUMBER_BIRTH_DATE"
        )
    if id_check_char(number[:17]) != number[17]:
        raise ValidationFailed(
            "ID number check character is wrong", field="idNumber", code="ID_NUMBER_CHECKSUM"
        )
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    if age < MIN_WORKING_AGE:
        raise ValidationFailed(
            f"members must be at least {MIN_WORKING_AGE} (the legal working age)",
            field="idNumber", code="ID_NUMBER_UNDERAGE",
        )
    return ResidentId(number=number, birth_date=birth, is_male=int(number[16]) % 2 == 1)


def validate_name(raw: str) -> str:
    name = raw.strip()
    if not 2 <= len(name) <= 40 or not _NAME_RE.match(name):
        raise ValidationFailed(
            "legal name must be 2–40 Han characters or Latin letters", field="name",
            code="NAME_FORMAT",
        )
    return name


def is_phone(raw: str) -> bool:
    """Whether `validate_phone` accepts `raw` (without building its refusal)."""
    return _PHONE_RE.match(fold_full_width(raw)) is not None


def validate_phone(raw: str) -> str:
    phone = fold_full_width(raw)
    if not _PHONE_RE.match(phone):  # (`is_phone` without folding again)
        raise ValidationFailed(
            "phone must be an 11-digit mainland mobile number starting 13–19", field="phone",
            code="PHONE_FORMAT",
        )
    return phone
