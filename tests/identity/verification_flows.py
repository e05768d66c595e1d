"""Real-name verification through GraphQL, for the verification, limit, race and region-code
tests: the document, demo pairs, the call, well-formed numbers nobody verifies, and the
settings of the Tencent Cloud stand-in."""

from __future__ import annotations

from tests.identity.standins import tencent
from unionhub.identity.privacy import CURRENT
from unionhub.identity.seed import synthetic_id_number

VERIFY = """mutation Verify($input: VerifyIdentityInput!) {
  verifyIdentity(input: $input) { member { id name idNumber } errors { code field message retryAfterSeconds } } }"""
SPARE = ("钱一", "610111196601070000")  # a pair of the sandbox's demo table


async def verify(gql, token: str, name: str, number: str) -> dict:
    r = await gql(VERIFY, {"input": {"name": name, "idNumber": number,
                                     "consentVersion": CURRENT.version}}, token=token)
    assert r.errors == []
    return r.data["verifyIdentity"]


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]


def valid_looking(i: int) -> str:
    """Well-formed numbers (region, birth date, check character) that nobody verifies."""
    return synthetic_id_number(1000 + i, "610113")


ENV = {
    "UNIONHUB_IDVERIFY_PROVIDER": "tencent",
    "UNIONHUB_TENCENTCLOUD_SECRET_ID": tencent.SECRET_ID,
    "UNIONHUB_TENCENTCLOUD_SECRET_KEY": tencent.SECRET_KEY,
}
PAIR = ("欧阳娜娜", "11010519491231002X")  # on the stand-in authority's records
