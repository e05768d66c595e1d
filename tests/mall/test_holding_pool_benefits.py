"""Holding-pool benefits through the GraphQL endpoint (docs/domain.md): a real-name verified
worker waiting in the holding pool claims vouchers of campaigns whose scope includes the pool
and enrols in verified-tier activities open to the pool; cadres whose scope holds the pool
list them. Unverified registrants, and members of a union without an active card, do not."""

from __future__ import annotations

from tests.activities.helpers import create, enroll
from tests.mall.conftest import claim, create_campaign
from unionhub.identity.membership import report_card_lost
from unionhub.mall.models import Voucher

CLAIM = "mutation C($i: ClaimVoucherInput!) { claimVoucher(input: $i) { errors { code } } }"
MEMBERS = """query M($u: ID!) { members(unionId: $u, first: 50) { edges { node { id tier } } } }"""


async def test_a_verified_pool_worker_claims_vouchers_open_to_the_pool(gql, factory, mall):
    tree = await factory.tree()
    worker = await factory.account(tree.pool, verified=True)  # verified, no union, no card
    province = await create_campaign(gql, mall.operator, str(tree.province.id))
    county = await create_campaign(gql, await factory.cadre(tree.counties["A"]),
                                   str(tree.counties["A"].id))
    got = await claim(gql, worker, province["id"])
    assert got["errors"] == [] and got["voucher"]["status"] == "AVAILABLE"
    assert got["voucher"]["campaign"]["id"] == province["id"]
    # A county's campaign does not include the pool: answered as a missing campaign, since
    # no list shows it to the worker (tests/mall/test_ids_not_disclosed.py).
    refused = await claim(gql, worker, county["id"])
    assert [e["code"] for e in refused["errors"]] == ["NOT_FOUND"]
    assert await Voucher.filter(member_id=worker.member.id).count() == 1


async def test_unverified_registrants_and_cardless_members_claim_nothing(gql, factory, mall):
    tree = await factory.tree()
    province = await create_campaign(gql, mall.operator, str(tree.province.id))
    registrant = await factory.account(verified=False)  # in the pool, not verified
    lost = await factory.account(tree.grassroots["A"][0])  # in a union, card lost
    await report_card_lost(lost.member.id, reissue=False)
    for account in (registrant, lost):
        denied = await gql(CLAIM, {"i": {"campaignId": province["id"]}}, token=account.token)
        assert denied.errors[0]["extensions"]["reason"] == "NOT_VERIFIED"
    assert await Voucher.filter(member_id__in=[registrant.member.id, lost.member.id]).count() == 0


async def test_a_verified_pool_worker_enrols_in_activities_open_to_the_pool(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    open_to_pool = await create(gql, cadre, tree.province, kind="EVENT", capacity=10,
                                minTier="VERIFIED")
    county_cadre = await factory.cadre(tree.counties["A"])
    county_only = await create(gql, county_cadre, tree.counties["A"], kind="EVENT",
                               capacity=10, minTier="VERIFIED")
    worker = await factory.account(tree.pool, verified=True)
    out = await enroll(gql, worker, open_to_pool["id"])
    assert out["errors"] == [] and out["enrollment"]["status"]
    assert (await enroll(gql, worker, county_only["id"]))["enrollment"] is None
    registrant = await factory.account(verified=False)
    refused = await enroll(gql, registrant, open_to_pool["id"])
    assert [e["code"] for e in refused["errors"]] == ["TIER_REQUIRED"]


async def test_cadres_whose_scope_holds_the_pool_see_its_workers(gql, factory):
    tree = await factory.tree()
    worker = await factory.account(tree.pool, verified=True)
    province = await factory.cadre(tree.province)
    r = await gql(MEMBERS, {"u": str(tree.pool.id)}, token=province.token)
    assert r.errors == [], r.errors
    assert str(worker.member.id) in {e["node"]["id"] for e in r.data["members"]["edges"]}
    outsider = await factory.cadre(tree.counties["A"])
    denied = await gql(MEMBERS, {"u": str(tree.pool.id)}, token=outsider.token)
    assert denied.error_codes() == ["FORBIDDEN"]
