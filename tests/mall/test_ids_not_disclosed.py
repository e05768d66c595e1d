"""Mall records outside the caller's reach answer exactly as records that do not exist: a
cadre learns nothing about which campaign or order ids exist from grantVouchers, shipOrder or
cancelOrder (voucherCampaigns and order(id:) already show neither), nor a member about which
campaign ids exist in other unions from claimVoucher."""

from __future__ import annotations

from tests.identity.membership_flows import LEAVE
from tests.mall.conftest import claim, create_campaign, paid_bulk_order
from tests.mall.documents import CANCEL, GRANT, SHIP
from unionhub.identity.models import AuditLog
from unionhub.mall.models import Order, Voucher, VoucherCampaign

MISSING = "987654321"
CLAIM = """mutation C($i: ClaimVoucherInput!) { claimVoucher(input: $i) {
  voucher { id } errors { code field message } } }"""


async def test_a_grant_campaign_outside_the_scope_answers_as_a_missing_one(gql, factory):
    tree = await factory.tree()
    owner = await factory.cadre(tree.counties["A"])
    campaign = await create_campaign(gql, owner, str(tree.counties["A"].id), kind="GRANT")
    outsiders = [await factory.cadre(tree.counties["B"]),  # a neighbouring county
                 await factory.cadre(tree.grassroots["A"][0])]  # below the campaign's org
    for cadre in outsiders:
        existing = await gql(GRANT, {"input": {"campaignId": campaign["id"]}}, token=cadre.token)
        missing = await gql(GRANT, {"input": {"campaignId": MISSING}}, token=cadre.token)
        assert existing.told() == missing.told()
        assert existing.told()[1][0][0]["code"] == "NOT_FOUND"
    row = await VoucherCampaign.get(id=int(campaign["id"]))
    assert (row.issued_count, row.grant_requested) == (0, False)
    assert await Voucher.filter(campaign_id=row.id).count() == 0
    assert await AuditLog.filter(action="mall.campaign.grant").count() == 0
    member = await factory.account(tree.grassroots["A"][0])  # below CADRE: the tier says no
    below = await gql(GRANT, {"input": {"campaignId": campaign["id"]}}, token=member.token)
    assert below.error_codes() == ["FORBIDDEN"]


async def test_ship_and_cancel_answer_an_unreachable_order_as_a_missing_one(gql, factory, mall):
    tree = await factory.tree()
    _, order = await paid_bulk_order(gql, factory, [(mall.sku_id, 1)])
    # shipOrder: a cadre outside the mall's operating org is refused before any lookup.
    not_staff = await factory.cadre(tree.counties["A"])  # whose scope even holds the order
    ship = {"orderId": order["id"], "trackingNo": "SF1234567"}
    existing = await gql(SHIP, {"input": ship}, token=not_staff.token)
    missing = await gql(SHIP, {"input": {**ship, "orderId": MISSING}}, token=not_staff.token)
    assert existing.told() == missing.told()
    assert existing.error_codes() == ["FORBIDDEN"]
    # cancelOrder: another union's bulk order reads as a missing order, not as a bulk one.
    stranger = await factory.cadre(tree.counties["B"])
    existing = await gql(CANCEL, {"input": {"orderId": order["id"]}}, token=stranger.token)
    missing = await gql(CANCEL, {"input": {"orderId": MISSING}}, token=stranger.token)
    assert existing.told() == missing.told()
    assert existing.told()[1][0][0]["code"] == "NOT_FOUND"
    row = await Order.get(id=int(order["id"]))
    assert (row.status, row.tracking_no) == ("PAID", None)


async def test_a_campaign_outside_the_members_scope_answers_as_a_missing_one(gql, factory):
    """Another county's campaign, CLAIM or GRANT, to a member of a union outside it and to a
    verified worker in the holding pool: what a missing id gets, NOT_FOUND."""
    tree = await factory.tree()
    owner = await factory.cadre(tree.counties["A"])
    county = str(tree.counties["A"].id)
    campaigns = [await create_campaign(gql, owner, county, name="雁塔区消费券"),
                 await create_campaign(gql, owner, county, name="雁塔区慰问券", kind="GRANT")]
    outsiders = [await factory.account(tree.grassroots["B"][0]),
                 await factory.account(tree.pool, verified=True)]
    for member in outsiders:
        missing = await gql(CLAIM, {"i": {"campaignId": MISSING}}, token=member.token)
        assert missing.told()[1][0][0]["code"] == "NOT_FOUND"
        for campaign in campaigns:
            existing = await gql(CLAIM, {"i": {"campaignId": campaign["id"]}},
                                 token=member.token)
            assert existing.told() == missing.told()
    assert await Voucher.all().count() == 0


async def test_a_member_holding_a_campaigns_voucher_is_told_it_is_out_of_scope(gql, factory):
    """A member who claimed in their union and left it still sees the campaign (myVouchers):
    their next claim says NOT_IN_SCOPE, as the holding-pool rule does."""
    tree = await factory.tree()
    owner = await factory.cadre(tree.counties["A"])
    campaign = await create_campaign(gql, owner, str(tree.counties["A"].id))
    member = await factory.account(tree.grassroots["A"][0])
    assert (await claim(gql, member, campaign["id"]))["errors"] == []
    assert (await gql(LEAVE, {"input": {}}, token=member.token)).errors == []
    again = await gql(CLAIM, {"i": {"campaignId": campaign["id"]}}, token=member.token)
    assert [e["code"] for e in again.data["claimVoucher"]["errors"]] == ["NOT_IN_SCOPE"]
    assert await Voucher.filter(member_id=member.member.id).count() == 1
