"""The sandbox identity verifier. Its rule: a name and ID number verify when the pair is in
DEMO_IDENTITIES below (compared after the same normalisation as the real check: trimmed, the
check character upper-case); everything else fails as a mismatch. Development and tests only:
production settings refuse it.

The demo accounts' pairs are here (the seed gives 13900000002/3/4/6 these), a pair for the
unverified 13900000001, GB 11643's own example number, and spares for demos and tests. A pair
already bound to an account answers as a mismatch on any other account (the conflict flow).
"""

from __future__ import annotations

DEMO_IDENTITIES: tuple[tuple[str, str], ...] = (
    ("陈小红", "610111196601060005"),  # for 13900000001, signed up but not verified
    ("张三丰", "610111196601020003"),  # 13900000002
    ("李建国", "610111196601030009"),  # 13900000003
    ("王秀英", "610111196601040004"),  # 13900000004
    ("赵敏", "61011119660105000X"),  # 13900000006
    ("张三丰", "11010519491231002X"),  # GB 11643-1999's example number
    ("钱一", "610111196601070000"),
    ("钱二", "610111196601080006"),
    ("钱三", "610111196601090001"),
    ("钱四", "610111196601100003"),
    ("钱五", "610111196601110009"),
    ("钱六", "610111196601120004"),
    ("钱七", "610126198001010016"),  # issued in 高陵县 (610126), a code retired in 2014
)
_PAIRS = frozenset((name, number.upper()) for name, number in DEMO_IDENTITIES)


class SandboxIdVerifier:
    name = "sandbox"

    async def verify(self, legal_name: str, id_number: str) -> bool:
        return (legal_name.strip(), id_number.strip().upper()) in _PAIRS

    async def close(self) -> None:
        return None
