"""The demo data: real poverty-alleviation regions, an open CLAIM and a granted GRANT campaign."""

from __future__ import annotations

from unionhub.mall.models import CampaignKind, Supplier, Voucher, VoucherCampaign
from unionhub.mall.seed import seed_demo


async def test_seed_demo(gql, factory):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    await seed_demo(tree)
    regions = set(await Supplier.all().values_list("region_code", flat=True))
    assert {"611026", "610629", "610924"} <= regions  # 柞水, 洛川, 紫阳
    products = await gql("{ products(search: \"木耳\") { edges { node { name skus { priceFen } } } } }")
    assert products.data["products"]["edges"][0]["node"]["name"].startswith("柞水木耳")
    grant = await VoucherCampaign.get(kind=CampaignKind.GRANT)
    assert grant.grant_done and await Voucher.filter(campaign_id=grant.id,
                                                     member_id=member.member.id).exists()
    listed = await gql("{ voucherCampaigns { edges { node { kind name } } } }", token=member.token)
    kinds = {e["node"]["kind"] for e in listed.data["voucherCampaigns"]["edges"]}
    assert kinds == {"CLAIM", "GRANT"}
