"""The claim rush's correctness (issue 18, point 7; speed is bench/claim_rush.py): many
members claim one campaign from many concurrent clients, claims are group-committed
(mall.claims), and exactly the budget is issued, to distinct members, every other claim
refused with BUDGET_EXHAUSTED. On PostgreSQL the clients really run at once."""

from __future__ import annotations

import asyncio

from tests.factories import Factory
from tests.mall.conftest import create_campaign
from unionhub.identity.models import Member
from unionhub.identity.seed import SYNTHETIC_PREFIX, seed_members
from unionhub.mall.models import Voucher, VoucherCampaign

CLAIM = """mutation Claim($input: ClaimVoucherInput!) { claimVoucher(input: $input) {
  voucher { id status } errors { code } } }"""
CLIENTS = 64


async def _rush(gql, tokens: list[str], campaign_ids: list[str]) -> list[tuple[str, str]]:
    """Every token claims each campaign once, from CLIENTS concurrent clients."""
    work = iter([(t, c) for t in tokens for c in campaign_ids])
    outcomes: list[tuple[str, str]] = []

    async def client() -> None:
        for token, campaign_id in work:
            r = await gql(CLAIM, {"input": {"campaignId": campaign_id}}, token=token)
            assert r.errors == [], r.errors
            body = r.data["claimVoucher"]
            outcomes.append((campaign_id, body["errors"][0]["code"] if body["errors"]
                             else body["voucher"]["status"]))

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return outcomes


async def test_a_rush_issues_exactly_the_budget(gql, factory):
    tree = await factory.tree()
    await seed_members(400, tree.all_grassroots)
    members = await Member.filter(display_name__startswith=SYNTHETIC_PREFIX).order_by("id")
    tokens = [Factory.token_for(m) for m in members]
    cadre = await factory.cadre(tree.province)
    # Two campaigns at once: 100 and 30 vouchers (batches are per campaign).
    big = await create_campaign(gql, cadre, str(tree.province.id), budgetFen=200_000)
    small = await create_campaign(gql, cadre, str(tree.province.id), budgetFen=60_000)
    outcomes = await _rush(gql, tokens, [big["id"], small["id"]])
    for campaign, budget in ((big, 100), (small, 30)):
        mine = [o for c, o in outcomes if c == campaign["id"]]
        assert mine.count("AVAILABLE") == budget
        assert mine.count("BUDGET_EXHAUSTED") == 400 - budget
        stored = await VoucherCampaign.get(id=int(campaign["id"]))
        assert stored.issued_count == budget
        holders = await Voucher.filter(campaign_id=int(campaign["id"])) \
            .values_list("member_id", flat=True)
        assert len(holders) == budget == len(set(holders))


async def test_one_member_in_one_batch_twice_gets_one(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    campaign = await create_campaign(gql, cadre, str(tree.province.id))
    member = await factory.account(tree.grassroots["A"][0])
    outcomes = await _rush(gql, [member.token] * 20, [campaign["id"]])
    assert sorted({o for _, o in outcomes}) == ["AVAILABLE", "PER_MEMBER_LIMIT"]
    assert [o for _, o in outcomes].count("AVAILABLE") == 1
    assert await Voucher.filter(member_id=member.member.id).count() == 1
    assert (await VoucherCampaign.get(id=int(campaign["id"]))).issued_count == 1
