"""Check characters of the codes the identity domain issues or accepts: member card numbers
(Luhn, as on the co-branded bank cards) and unified social credit codes (GB 32100)."""

from __future__ import annotations

import secrets

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
CARD_PREFIX = "621799"  # the co-brand's issuer prefix
CARD_LENGTH = 19
JOIN_CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a poster
JOIN_CODE_LENGTH = 8


def luhn_check_digit(payload: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and luhn_check_digit(number[:-1]) == number[-1]


def new_card_number() -> str:
    body = CARD_PREFIX + "".join(secrets.choice("0123456789") for _ in range(CARD_LENGTH - 7))
    return body + luhn_check_digit(body)


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def credit_code_well_formed(code: str) -> bool:
    """18 characters of the GB 32100 set: anything else is not a credit code at all."""
    return len(code) == 18 and all(c in CREDIT_CODE_CHARS for c in code)


def credit_code_warnings(code: str) -> list[str]:
    """Problems with a well-formed credit code that do not make it unusable. Some early codes
    fail the check but are legal, so the caller warns and keeps the code rather than
    refusing it. (A malformed code is refused: see `credit_code_well_formed`.)"""
    code = code.strip().upper()
    if not credit_code_well_formed(code):
        return ["credit code must be 18 characters of the GB 32100 set"]
    warnings = []
    if credit_code_check_char(code[:17]) != code[17]:
        warnings.append("credit code check character does not match (kept: early codes may)")
    if not code.startswith("81"):
        warnings.append("unions' credit codes begin with 81")
    return warnings


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_CHARS) for _ in range(JOIN_CODE_LENGTH))
