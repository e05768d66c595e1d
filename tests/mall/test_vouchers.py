"""Voucher campaigns: creation by cadres in scope, claims within budget and per-member limit,
grants to every verified member in scope, set-based and resumable."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tests.mall.conftest import CREATE_CAMPAIGN, campaign_input, claim, create_campaign, iso
from tests.mall.documents import GRANT
from unionhub.mall.models import Voucher, VoucherCampaign

MY_VOUCHERS = """query V($status: VoucherStatus) { myVouchers(status: $status) {
  id status campaign { name faceValueFen } } }"""


async def test_cadre_creates_a_campaign_in_scope_only(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    campaign = await create_campaign(gql, cadre, str(tree.counties["A"].id))
    assert campaign["kind"] == "CLAIM" and campaign["remainingVouchers"] == 100
    outside = await gql(CREATE_CAMPAIGN, {"input": campaign_input(str(tree.counties["B"].id))},
                        token=cadre.token)
    assert outside.error_codes() == ["FORBIDDEN"]
    bad = await gql(CREATE_CAMPAIGN, {"input": campaign_input(
        str(tree.counties["A"].id), thresholdFen=1500)}, token=cadre.token)
    assert bad.data["createVoucherCampaign"]["errors"][0]["code"] == "THRESHOLD_BELOW_FACE_VALUE"
    both = await gql(CREATE_CAMPAIGN, {"input": campaign_input(
        str(tree.counties["A"].id), validUntil=iso(datetime.now(UTC) + timedelta(days=9)))},
        token=cadre.token)
    assert both.data["createVoucherCampaign"]["errors"][0]["code"] == "VALIDITY_REQUIRED"
    assert await VoucherCampaign.all().count() == 1


async def test_claim_rules(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    campaign = await create_campaign(gql, cadre, str(tree.counties["A"].id), perMemberLimit=2)
    member = await factory.account(tree.grassroots["A"][0])
    first = await claim(gql, member, campaign["id"])
    assert first["errors"] == [] and first["voucher"]["status"] == "AVAILABLE"
    assert (await claim(gql, member, campaign["id"]))["errors"] == []
    third = await claim(gql, member, campaign["id"])
    assert third["errors"] == [{"code": "PER_MEMBER_LIMIT", "field": "campaignId"}]

    outsider = await factory.account(tree.grassroots["B"][0])
    assert (await claim(gql, outsider, campaign["id"]))["errors"][0]["code"] == "NOT_FOUND"
    unverified = await factory.account(verified=False)
    denied = await gql("mutation C($i: ClaimVoucherInput!) { claimVoucher(input: $i) { errors { code } } }",
                       {"i": {"campaignId": campaign["id"]}}, token=unverified.token)
    assert denied.errors[0]["extensions"]["reason"] == "NOT_VERIFIED"

    mine = await gql(MY_VOUCHERS, {"status": "AVAILABLE"}, token=member.token)
    assert [v["campaign"]["faceValueFen"] for v in mine.data["myVouchers"]] == [2000, 2000]


async def test_claim_window_and_listing(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    now = datetime.now(UTC)
    later = await create_campaign(gql, cadre, str(tree.province.id), name="未开始的券",
                                  claimStartsAt=iso(now + timedelta(days=1)),
                                  claimEndsAt=iso(now + timedelta(days=2)))
    open_ = await create_campaign(gql, cadre, str(tree.province.id), name="省级消费券")
    member = await factory.account(tree.grassroots["C"][0])
    closed = await claim(gql, member, later["id"])
    assert closed["errors"][0]["code"] == "CLAIM_WINDOW_CLOSED"
    listed = await gql("{ voucherCampaigns { edges { node { id name } } } }", token=member.token)
    assert [e["node"]["id"] for e in listed.data["voucherCampaigns"]["edges"]] == [open_["id"]]


async def test_fifty_concurrent_claims_on_a_budget_for_ten_issue_exactly_ten(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    campaign = await create_campaign(gql, cadre, str(tree.province.id), budgetFen=20000)
    members = [await factory.account(tree.all_grassroots[i % 5]) for i in range(50)]
    results = await asyncio.gather(*(claim(gql, m, campaign["id"]) for m in members))
    won = [r for r in results if r["errors"] == []]
    lost = {r["errors"][0]["code"] for r in results if r["errors"]}
    assert len(won) == 10 and lost == {"BUDGET_EXHAUSTED"}
    assert await Voucher.filter(campaign_id=int(campaign["id"])).count() == 10
    assert (await VoucherCampaign.get(id=int(campaign["id"]))).issued_count == 10


async def test_one_member_claiming_concurrently_gets_the_limit_only(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    campaign = await create_campaign(gql, cadre, str(tree.province.id), perMemberLimit=2)
    member = await factory.account(tree.grassroots["A"][0])
    results = await asyncio.gather(*(claim(gql, member, campaign["id"]) for _ in range(10)))
    assert sum(r["errors"] == [] for r in results) == 2
    assert await Voucher.filter(member_id=member.member.id).count() == 2
    assert (await VoucherCampaign.get(id=int(campaign["id"]))).issued_count == 2


async def test_grant_reaches_every_verified_member_in_scope_once(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    in_scope = [await factory.account(tree.grassroots["A"][i % 2]) for i in range(6)]
    outside = await factory.account(tree.grassroots["B"][0])
    unverified = await factory.account(verified=False)
    campaign = await create_campaign(gql, cadre, str(tree.counties["A"].id), kind="GRANT",
                                     name="节日慰问券")
    first = await gql(GRANT, {"input": {"campaignId": campaign["id"]}}, token=cadre.token)
    body = first.data["grantVouchers"]
    # The cadre of county A is a verified member of a grassroots union under A too.
    assert body["errors"] == [] and body["granted"] == 7 and body["done"] is True
    assert body["campaign"]["issuedCount"] == 7 and body["campaign"]["grantDone"] is True
    holders = set(await Voucher.filter(campaign_id=int(campaign["id"]))
                  .values_list("member_id", flat=True))
    assert {a.member.id for a in in_scope} <= holders
    assert outside.member.id not in holders and unverified.member.id not in holders

    again = await gql(GRANT, {"input": {"campaignId": campaign["id"]}}, token=cadre.token)
    assert again.data["grantVouchers"]["granted"] == 0
    assert await Voucher.filter(campaign_id=int(campaign["id"])).count() == 7
    admin = await factory.admin()
    audited = await gql('query A { auditLog(action: "mall.campaign.grant") '
                        '{ edges { node { actorId subjectId } } } }', token=admin.token)
    entries = [edge["node"] for edge in audited.data["auditLog"]["edges"]]
    assert entries and all(e == {"actorId": cadre.id, "subjectId": campaign["id"]} for e in entries)
    claim_it = await claim(gql, in_scope[0], campaign["id"])
    assert claim_it["errors"][0]["code"] == "NOT_CLAIMABLE"


async def test_grant_resumes_in_batches(factory):
    from unionhub.identity.access import Principal
    from unionhub.identity.models import Role
    from unionhub.mall import campaigns

    tree = await factory.tree()
    for i in range(7):
        await factory.account(tree.grassroots["A"][i % 2])
    cadre = await factory.cadre(tree.counties["A"])
    principal = Principal(member_id=cadre.member.id, role=Role.CADRE,
                          scope_path=tree.counties["A"].path, scope_org_id=tree.counties["A"].id)
    now = datetime.now(UTC)
    spec = campaigns.CampaignSpec(
        org_id=tree.counties["A"].id, name="八人八张", kind=campaigns.CampaignKind.GRANT,
        face_value_fen=1000, threshold_fen=0, budget_fen=8000, per_member_limit=1,
        claim_starts_at=now - timedelta(hours=1), claim_ends_at=now + timedelta(days=1),
        valid_days=10)
    campaign = await campaigns.create_campaign(principal, spec)
    # A tiny batch and no time: one batch per call, resumed by the next call (or the worker).
    p1 = await campaigns.grant_vouchers(principal, campaign.id, time_budget_s=0, batch_size=2)
    assert (p1.granted, p1.done) == (2, False)
    resumed = await campaigns.continue_pending_grants()
    assert resumed == 6  # the seven members and the cadre, 8 in all
    final = await VoucherCampaign.get(id=campaign.id)
    assert final.issued_count == 8 and final.grant_done is True
    assert await Voucher.filter(campaign_id=campaign.id).count() == 8


async def test_expired_and_withdrawn_vouchers_cannot_be_used(gql, factory, mall):
    from tests.mall.conftest import place
    from unionhub.mall.campaigns import expire_vouchers

    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    campaign = await create_campaign(gql, cadre, str(tree.counties["A"].id), perMemberLimit=2)
    member = await factory.account(tree.grassroots["A"][0])
    old = (await claim(gql, member, campaign["id"]))["voucher"]["id"]
    kept = (await claim(gql, member, campaign["id"]))["voucher"]["id"]
    await Voucher.filter(id=int(old)).update(valid_until=datetime.now(UTC) - timedelta(seconds=1))
    assert await expire_vouchers() == 1
    expired = await place(gql, member, [(mall.sku_id, 3)], voucher_id=old)
    assert expired["errors"][0]["code"] == "VOUCHER_NOT_AVAILABLE"
    # The member transfers to county B: county A's voucher is withdrawn at its next use.
    asked = await gql("""mutation T($i: RequestTransferInput!) { requestTransfer(input: $i) {
      transfer { id } errors { code } } }""", {"i": {"toUnionId": str(tree.grassroots["B"][0].id)}},
                      token=member.token)
    receiving = await factory.cadre(tree.counties["B"])
    reviewed = await gql("""mutation R($i: ReviewTransferInput!) { reviewTransfer(input: $i) {
      transfer { status } errors { code } } }""", {"i": {
        "transferId": asked.data["requestTransfer"]["transfer"]["id"], "approve": True}},
        token=receiving.token)
    assert reviewed.data["reviewTransfer"]["transfer"]["status"] == "APPROVED"
    withdrawn = await place(gql, member, [(mall.sku_id, 3)], voucher_id=kept)
    assert withdrawn["errors"][0]["code"] == "VOUCHER_WITHDRAWN"
    assert (await Voucher.get(id=int(kept))).status == "VOID"
    mine = await gql(MY_VOUCHERS, {}, token=member.token)
    assert {v["status"] for v in mine.data["myVouchers"]} == {"EXPIRED", "VOID"}


def test_the_mall_registers_its_periodic_jobs():
    from unionhub.jobs import periodic_jobs

    names = {j.name for j in periodic_jobs()}
    assert {"mall.cancel_expired_orders", "mall.expire_vouchers",
            "mall.continue_pending_grants", "mall.retry_pending_refunds"} <= names
