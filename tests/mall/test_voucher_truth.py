"""Vouchers and campaigns tell the truth (issue 18, point 5): a voucher never reads
AVAILABLE once expired or withdrawn (decided at read time, before the periodic job runs),
campaign terms are validated at creation, and a GRANT whose budget cannot cover its scope is
refused before it starts (GraphQL and CLI), with nothing issued."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.mall.conftest import CREATE_CAMPAIGN, campaign_input, claim, create_campaign, iso, place
from tests.processes import run
from unionhub.mall.models import Voucher, VoucherCampaign

MY_VOUCHERS = """query V($status: VoucherStatus) { myVouchers(status: $status) { id status } }"""
MEMBER_VOUCHERS = """query M($id: ID!) { member(id: $id) { vouchers { id status } } }"""
GRANT = """mutation G($input: GrantVouchersInput!) { grantVouchers(input: $input) {
  granted done errors { code field message } } }"""


async def _mine(gql, member, status=None) -> dict[str, str]:
    r = await gql(MY_VOUCHERS, {"status": status}, token=member.token)
    assert r.errors == [], r.errors
    return {v["id"]: v["status"] for v in r.data["myVouchers"]}


async def test_an_expired_voucher_reads_expired_before_the_job_runs(gql, factory, mall):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    campaign = await create_campaign(gql, cadre, str(tree.counties["A"].id), perMemberLimit=2)
    member = await factory.account(tree.grassroots["A"][0])
    old = (await claim(gql, member, campaign["id"]))["voucher"]["id"]
    kept = (await claim(gql, member, campaign["id"]))["voucher"]["id"]
    await Voucher.filter(id=int(old)).update(valid_until=datetime.now(UTC) - timedelta(seconds=1))
    assert (await Voucher.get(id=int(old))).status == "AVAILABLE"  # stored: the job has not run
    assert await _mine(gql, member) == {old: "EXPIRED", kept: "AVAILABLE"}
    assert await _mine(gql, member, "AVAILABLE") == {kept: "AVAILABLE"}
    assert await _mine(gql, member, "EXPIRED") == {old: "EXPIRED"}
    seen = await gql(MEMBER_VOUCHERS, {"id": member.id}, token=cadre.token)
    assert {v["id"]: v["status"] for v in seen.data["member"]["vouchers"]} == {
        old: "EXPIRED", kept: "AVAILABLE"}
    used = await place(gql, member, [(mall.sku_id, 3)], voucher_id=old)
    assert used["errors"][0]["code"] == "VOUCHER_EXPIRED"


async def test_a_voucher_reads_void_once_its_holder_leaves_the_scope(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    campaign = await create_campaign(gql, cadre, str(tree.counties["A"].id))
    member = await factory.account(tree.grassroots["A"][0])
    voucher = (await claim(gql, member, campaign["id"]))["voucher"]["id"]
    asked = await gql("""mutation T($i: RequestTransferInput!) { requestTransfer(input: $i) {
      transfer { id } errors { code } } }""", {"i": {"toUnionId": str(tree.grassroots["B"][0].id)}},
                      token=member.token)
    reviewed = await gql("""mutation R($i: ReviewTransferInput!) { reviewTransfer(input: $i) {
      transfer { status } } }""", {"i": {
        "transferId": asked.data["requestTransfer"]["transfer"]["id"], "approve": True}},
        token=(await factory.cadre(tree.counties["B"])).token)
    assert reviewed.data["reviewTransfer"]["transfer"]["status"] == "APPROVED"
    # Not used since: the stored row still says AVAILABLE, every read says VOID.
    assert (await Voucher.get(id=int(voucher))).status == "AVAILABLE"
    assert await _mine(gql, member) == {voucher: "VOID"}
    assert await _mine(gql, member, "AVAILABLE") == {}
    assert await _mine(gql, member, "VOID") == {voucher: "VOID"}


async def test_campaign_terms_are_validated_at_creation(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    union = str(tree.counties["A"].id)
    now = datetime.now(UTC)
    cases = [
        (dict(budgetFen=200_500), "BUDGET_NOT_MULTIPLE_OF_FACE_VALUE"),
        (dict(budgetFen=1_000), "BUDGET_TOO_SMALL"),
        (dict(thresholdFen=1_999), "THRESHOLD_BELOW_FACE_VALUE"),
        (dict(validDays=None, validUntil=iso(now + timedelta(days=3))),
         "VALIDITY_ENDS_BEFORE_CLAIM_WINDOW"),  # the claim window runs 7 days
        (dict(claimStartsAt=iso(now - timedelta(days=3)), claimEndsAt=iso(now - timedelta(days=1))),
         "CLAIM_WINDOW_OVER"),
        (dict(claimEndsAt=iso(now - timedelta(hours=2))), "WINDOW_INVERTED"),
        (dict(kind="GRANT", perMemberLimit=2), "GRANT_LIMIT_IS_ONE"),
        (dict(faceValueFen=1, budgetFen=20_000_000, thresholdFen=0), "BUDGET_TOO_LARGE"),
    ]
    for over, code in cases:
        r = await gql(CREATE_CAMPAIGN, {"input": campaign_input(union, **over)}, token=cadre.token)
        assert r.errors == [], r.errors
        assert r.data["createVoucherCampaign"]["errors"][0]["code"] == code, over
    assert await VoucherCampaign.all().count() == 0
    # At the limits: a threshold equal to the face value, validity ending with the claim window.
    fine = await create_campaign(gql, cadre, union, thresholdFen=2_000, validDays=None,
                                 claimEndsAt=iso(now + timedelta(days=2)),
                                 validUntil=iso(now + timedelta(days=2)))
    assert fine["thresholdFen"] == 2_000


async def test_a_grant_its_budget_cannot_cover_is_refused_before_it_starts(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    for i in range(4):
        await factory.account(tree.grassroots["A"][i % 2])
    # 5 verified members in scope (the cadre too), a budget for 3.
    short = await create_campaign(gql, cadre, str(tree.counties["A"].id), kind="GRANT",
                                  budgetFen=6_000)
    refused = await gql(GRANT, {"input": {"campaignId": short["id"]}}, token=cadre.token)
    body = refused.data["grantVouchers"]
    assert body["errors"][0]["code"] == "GRANT_BUDGET_SHORT"
    assert "covers 3 of the 5" in body["errors"][0]["message"]
    assert body["granted"] == 0
    stored = await VoucherCampaign.get(id=int(short["id"]))
    assert (stored.issued_count, stored.grant_requested) == (0, False)
    assert await Voucher.all().count() == 0

    cli = await run("grant-vouchers", short["id"])
    assert cli.returncode != 0 and "GRANT_BUDGET_SHORT" in cli.stderr
    assert "2 would get nothing" in cli.stderr
    assert await Voucher.all().count() == 0

    enough = await create_campaign(gql, cadre, str(tree.counties["A"].id), kind="GRANT",
                                   budgetFen=10_000)
    cli_ok = await run("grant-vouchers", enough["id"])
    assert cli_ok.returncode == 0, cli_ok.stderr
    assert await Voucher.filter(campaign_id=int(enough["id"])).count() == 5
