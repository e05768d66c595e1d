"""A member-cache invalidation that fails (Redis unreachable at the write) is queued in the
database and replayed by the periodic job, so the old scope, card or tier is not served for
the cache's hour. The failure is real: a Redis client pointed at a closed port."""

from __future__ import annotations

import pytest
import redis.asyncio as redis

from unionhub import cache
from unionhub.identity.invalidations import REPLAY_SECONDS, replay_pending
from unionhub.identity.models import PendingCacheInvalidation
from unionhub.jobs import periodic_jobs

FREEZE = """mutation F($input: FreezeCardInput!) { freezeCard(input: $input) {
  card { status } errors { code } } }"""
TRANSFER = """mutation T($input: RequestTransferInput!) { requestTransfer(input: $input) {
  transfer { id } errors { code } } }"""
REVIEW = """mutation R($input: ReviewTransferInput!) { reviewTransfer(input: $input) {
  transfer { status } errors { code } } }"""
BY_CARD = "query C($c: String!) { member(cardNo: $c) { id tier card { status } } }"
BY_ID = "query M($id: ID!) { member(id: $id) { id union { id } } }"


@pytest.fixture
def redis_down(monkeypatch):
    """Call it to point the app at a port nothing listens on; returns a function that brings
    the real client back."""
    real = cache.get_redis()
    down = redis.Redis.from_url("redis://127.0.0.1:1/0", decode_responses=True,
                                socket_connect_timeout=0.5, socket_timeout=0.5)

    def fail() -> None:
        monkeypatch.setattr(cache, "_client", down)

    def restore() -> None:
        monkeypatch.setattr(cache, "_client", real)

    yield fail, restore
    restore()


async def _by_card(gql, cadre, number):
    r = await gql(BY_CARD, {"c": number}, token=cadre.token)
    assert r.errors == []
    return r.data["member"]


async def test_a_freeze_whose_invalidation_failed_is_replayed(gql, factory, redis_down):
    fail, restore = redis_down
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.counties["A"])
    number = (await gql("{ me { card { number } } }", token=member.token)).data["me"]["card"][
        "number"]
    assert (await _by_card(gql, cadre, number))["tier"] == "VERIFIED"  # cached

    fail()
    r = await gql(FREEZE, {"input": {"memberId": member.id, "reason": "挂失核查"}},
                  token=cadre.token)
    assert r.data["freezeCard"] == {"card": {"status": "FROZEN"}, "errors": []}
    # While Redis is unreachable the lookup reads the database: already frozen.
    assert (await _by_card(gql, cadre, number))["card"] == {"status": "FROZEN"}
    [queued] = await PendingCacheInvalidation.all()
    assert (queued.member_id, queued.card_numbers) == (member.member.id, [number])

    restore()
    # Redis is back holding the record cached before the freeze: the failure mode itself.
    assert (await _by_card(gql, cadre, number))["tier"] == "VERIFIED"
    assert await replay_pending() == 1
    assert await PendingCacheInvalidation.all().count() == 0
    after = await _by_card(gql, cadre, number)
    assert after == {"id": member.id, "tier": "MEMBER", "card": {"status": "FROZEN"}}


async def test_a_transfer_whose_invalidation_failed_leaves_the_old_scope(gql, factory,
                                                                         redis_down):
    fail, restore = redis_down
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    old_cadre = await factory.cadre(tree.counties["A"])
    new_cadre = await factory.cadre(tree.counties["B"])
    r = await gql(TRANSFER, {"input": {"toUnionId": str(tree.grassroots["B"][0].id)}},
                  token=member.token)
    transfer_id = r.data["requestTransfer"]["transfer"]["id"]
    assert (await gql(BY_ID, {"id": member.id}, token=old_cadre.token)).data["member"]  # cached

    fail()
    r = await gql(REVIEW, {"input": {"transferId": transfer_id, "approve": True}},
                  token=new_cadre.token)
    assert r.data["reviewTransfer"]["errors"] == []
    restore()
    assert await replay_pending() == 1
    assert (await gql(BY_ID, {"id": member.id}, token=old_cadre.token)).data["member"] is None
    moved = (await gql(BY_ID, {"id": member.id}, token=new_cadre.token)).data["member"]
    assert moved == {"id": member.id, "union": {"id": str(tree.grassroots["B"][0].id)}}


async def test_replay_keeps_the_queue_while_redis_is_still_down(gql, factory, redis_down):
    fail, restore = redis_down
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.counties["A"])
    fail()
    for reason in ("冻结", "解冻"):
        mutation = FREEZE if reason == "冻结" else FREEZE.replace("freezeCard", "unfreezeCard") \
            .replace("FreezeCardInput", "UnfreezeCardInput")
        r = await gql(mutation, {"input": {"memberId": member.id, "reason": reason}},
                      token=cadre.token)
        assert next(iter(r.data.values()))["errors"] == []
    assert await replay_pending() == 0
    rows = await PendingCacheInvalidation.all().order_by("id")
    assert [row.attempts for row in rows] == [1, 0]  # stopped at the first refusal
    restore()
    assert await replay_pending() == 2
    assert await PendingCacheInvalidation.all().count() == 0


def test_the_replay_runs_as_a_periodic_job_every_few_seconds():
    [job] = [j for j in periodic_jobs() if j.name == "identity.replay_cache_invalidations"]
    assert job.run is replay_pending and job.every_seconds == REPLAY_SECONDS <= 5
