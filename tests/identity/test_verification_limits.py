"""The paid real-name call's limits across accounts and calls (identity/verification.py,
verification_flight.py), against Tencent Cloud faceid's stand-in through its SDK, on
PostgreSQL + Redis (it runs on SQLite + fakeredis too):

- one ID number, many accounts: the number's own limit (its blind index) cuts the attempts
  off across accounts, answered as the member's limit is, alike for a number on record and
  one that is not, so the authority is no oracle for a stranger's name;
- one member, concurrent calls: one call to the authority under way at a time; the others
  answer from its outcome (ALREADY_VERIFIED, or the same refusal for the same pair);
- Redis unreachable: the call is refused (retryable) and the authority never asked, where the
  limits let every call through before."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from tests.identity.providers import configured
from tests.identity.standins import tencent
from tests.identity.standins.tencent import TencentCloud
from tests.identity.verification_flows import ENV, PAIR, VERIFY, codes, valid_looking
from unionhub.identity.models import IdentityConflict, Member
from unionhub.identity.privacy import CURRENT

NAMES = ["李四", "王五", "赵六", "孙七", "周八", "吴九", "郑十", "冯一"]


class HeldAuthority:
    """The stand-in, answering only once `gate` opens: how many calls arrived, and the most
    under way at once."""

    def __init__(self, stand_in: TencentCloud) -> None:
        self.stand_in, self.gate, self.arrived = stand_in, asyncio.Event(), asyncio.Event()
        self.calls = self.under_way = self.most_under_way = 0

    async def faceid(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        self.under_way += 1
        self.most_under_way = max(self.most_under_way, self.under_way)
        self.arrived.set()
        try:
            await self.gate.wait()
            return self.stand_in.faceid(request)
        finally:
            self.under_way -= 1


@pytest.fixture
async def authority(monkeypatch) -> AsyncIterator[HeldAuthority]:
    held = HeldAuthority(TencentCloud(records={PAIR[1]: PAIR[0]}))
    held.gate.set()  # answering at once unless a test closes it
    async with configured(monkeypatch, {**ENV, "UNIONHUB_IDVERIFY_ATTEMPTS_PER_IP": "1000"}):
        with respx.mock(assert_all_called=False) as router:
            router.post(f"https://{tencent.FACEID_HOST}/").mock(side_effect=held.faceid)
            yield held


async def _verify(gql, token: str, name: str, number: str) -> dict:
    r = await gql(VERIFY, {"input": {"name": name, "idNumber": number,
                                     "consentVersion": CURRENT.version}}, token=token)
    assert r.errors == [], r.errors
    return r.data["verifyIdentity"]


def _without_wait(payload: dict) -> list[dict]:
    return [{k: v for k, v in e.items() if k != "retryAfterSeconds"} for e in payload["errors"]]


@pytest.mark.parametrize("number", [PAIR[1], valid_looking(7)], ids=["on-record", "unknown"])
async def test_one_number_is_cut_off_across_accounts_alike(gql, factory, authority, number):
    members = [await factory.account(verified=False) for _ in NAMES]
    results = await asyncio.gather(*(_verify(gql, m.token, name, number)
                                     for m, name in zip(members, NAMES, strict=True)))
    assert sorted(codes(r) for r in results) == (
        [["IDENTITY_NOT_VERIFIED"]] * 5 + [["RATE_LIMITED"]] * 3)
    assert authority.calls == 5
    # The number's refusal is the member's own, word for word: it says nothing of the number.
    refused = next(r for r in results if codes(r) == ["RATE_LIMITED"])
    assert refused["errors"][0]["retryAfterSeconds"] > 0
    spent = members[0]  # one attempt counted in the burst, whichever its answer
    for i in range(4):
        await _verify(gql, spent.token, "张三丰", valid_looking(20 + i))
    own_limit = await _verify(gql, spent.token, "张三丰", valid_looking(30))
    assert _without_wait(own_limit) == _without_wait(refused)
    # Even the number's holder waits for the window: a cost of the limit (OPERATORS.md).
    owner = await factory.account(verified=False)
    assert codes(await _verify(gql, owner.token, PAIR[0], number)) == ["RATE_LIMITED"]
    assert authority.calls == 9 and await Member.exclude(verified_at=None).count() == 0


async def test_a_burst_with_the_true_pair_asks_the_authority_once(gql, factory, authority):
    member = await factory.account(verified=False)
    authority.gate.clear()
    burst = asyncio.gather(*(_verify(gql, member.token, *PAIR) for _ in range(5)))
    await asyncio.wait_for(authority.arrived.wait(), 10)
    await asyncio.sleep(0.5)  # the others meanwhile reach the member's flight
    assert authority.calls == 1
    authority.gate.set()
    results = await burst
    assert sorted(codes(r) for r in results) == [[]] + [["ALREADY_VERIFIED"]] * 4
    assert authority.calls == 1
    assert (await Member.get(id=member.member.id)).verified_at is not None


async def test_a_burst_with_a_wrong_pair_shares_one_refusal(gql, factory, authority):
    member = await factory.account(verified=False)
    authority.gate.clear()
    burst = asyncio.gather(*(_verify(gql, member.token, "李四", PAIR[1]) for _ in range(3)))
    await asyncio.wait_for(authority.arrived.wait(), 10)
    await asyncio.sleep(0.5)
    authority.gate.set()
    results = await burst
    assert results[0] == results[1] == results[2]
    assert codes(results[0]) == ["IDENTITY_NOT_VERIFIED"] and authority.calls == 1
    # A different pair is asked, one call at a time; the true one verifies.
    other = await asyncio.gather(_verify(gql, member.token, "王五", PAIR[1]),
                                 _verify(gql, member.token, *PAIR))
    assert sorted(codes(r) for r in other) in ([[], ["IDENTITY_NOT_VERIFIED"]],
                                               [[], ["ALREADY_VERIFIED"]])
    assert authority.most_under_way == 1
    assert await IdentityConflict.all().count() == 0


async def test_the_paid_call_is_refused_while_redis_cannot_count_it(gql, factory, authority,
                                                                    monkeypatch):
    import redis.asyncio as redis

    from tests.metrics_helpers import assert_alert_watches, total
    from unionhub import cache

    member = await factory.account(verified=False)
    before = total("unionhub.ratelimit.fallback", {"outcome": "refused"})
    down = redis.Redis.from_url("redis://127.0.0.1:1/0", decode_responses=True,
                                socket_connect_timeout=0.5, socket_timeout=0.5)
    with monkeypatch.context() as patch:
        patch.setattr(cache, "_client", down)
        try:
            results = [await _verify(gql, member.token, name, valid_looking(i))
                       for i, name in enumerate(NAMES)]
        finally:
            await down.aclose()
    for out in results:
        (error,) = out["errors"]
        assert error["code"] == "IDENTITY_PROVIDER_UNAVAILABLE" and error["retryAfterSeconds"] > 0
    assert authority.calls == 0  # every one of them went to the authority before
    assert total("unionhub.ratelimit.fallback", {"outcome": "refused"}) - before == len(NAMES)
    assert_alert_watches("UnionHubVerificationRefusedUncounted", "unionhub.ratelimit.fallback",
                         {"limit": "idverify-member"})
    # Redis back: the member verifies, no attempt spent meanwhile.
    assert (await _verify(gql, member.token, *PAIR))["errors"] == []
