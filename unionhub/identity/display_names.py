"""Default display names: `会员` and a random code, never derived from a phone number, an ID
number or a legal name. A display name is shown to everyone (leaderboards, activity lists),
where the phone is masked: a name like `会员13900000002` undid the masking everywhere."""

from __future__ import annotations

import random
import re
import secrets

# No 0/O, 1/I/L: a code read aloud or copied by hand stays unambiguous; letters keep it from
# looking like a number anyone could take for a phone fragment.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 6
PREFIX = "会员"


def default_display_name(rng: random.Random | None = None) -> str:
    """A fresh default name; `rng` for reproducible seeds, the system's CSPRNG otherwise."""
    pick = rng.choice if rng is not None else secrets.choice
    while True:
        code = "".join(pick(_ALPHABET) for _ in range(_CODE_LENGTH))
        # Four digits in a row read as a phone's last four (the old default); about 1 code in
        # 60 has them, drawn again.
        if not _FOUR_DIGITS.search(code):
            return PREFIX + code


_FOUR_DIGITS = re.compile(r"\d{4}")


_DIGIT_RUN = re.compile(r"\d{7,}")


def reveals_personal_data(display_name: str, phone: str | None, id_number: str | None,
                          legal_name: str | None) -> bool:
    """Would this name tell a stranger more than the masked forms do? The full phone, the ID
    number or the legal name in it, the old default (`会员` + the phone's last four digits:
    beside the masked phone it confirms whose account it is), or any run of seven digits."""
    if phone and (phone in display_name or display_name == f"{PREFIX}{phone[-4:]}"):
        return True
    if id_number and id_number.upper() in display_name.upper():
        return True
    if legal_name and len(legal_name) >= 2 and legal_name in display_name:
        return True
    return _DIGIT_RUN.search(display_name) is not None
