"""Demo data for the mall: suppliers and products from Shaanxi's poverty-alleviation counties,
one open CLAIM campaign (province-wide), one GRANT campaign (county A), and this year's union
funds: the root's proposed by one demo admin and approved by the other (mall.root_funds, audited
as theirs, as any deployment's would be), and part of it passed on to Xi'an by the province's
cadre through the domain (so the console's funds section has figures from the first start)."""

from __future__ import annotations

from datetime import timedelta

from unionhub.clock import utcnow
from unionhub.identity.access import Principal
from unionhub.identity.accounts import phone_index
from unionhub.identity.models import Member, Role
from unionhub.identity.seed import DemoTree
from unionhub.mall import funds_allocation, root_funds
from unionhub.mall.campaigns import continue_grant
from unionhub.mall.catalogue import SkuSpec, create_category, create_product, create_supplier
from unionhub.mall.models import CampaignKind, VoucherCampaign
from unionhub.mall.union_funds import funds_year

CATEGORIES = ["粮油", "果蔬", "肉禽蛋", "茶叶", "特产"]

# (supplier, region code, region name, certificate, [(product, category, [(sku, fen, stock)])])
SUPPLIERS = [
    ("柞水县金米村木耳专业合作社", "611026", "陕西省商洛市柞水县", "SX-FP-2020-0417",
     [("柞水木耳 秦岭小木耳", "特产", [("250g 袋装", 3980, 500), ("500g 礼盒", 8800, 200)])]),
    ("洛川县苹果产业合作联社", "610629", "陕西省延安市洛川县", "SX-FP-2020-1123",
     [("洛川苹果 红富士", "果蔬", [("5kg 80-85mm", 6990, 800), ("10kg 礼盒", 12800, 300)])]),
    ("紫阳县富硒茶业有限公司", "610924", "陕西省安康市紫阳县", "SX-FP-2021-0086",
     [("紫阳富硒茶 毛尖", "茶叶", [("125g 罐装", 12800, 300), ("250g 礼盒", 23800, 120)])]),
    ("富平县柿饼加工合作社", "610528", "陕西省渭南市富平县", "SX-FP-2020-0731",
     [("富平柿饼 吊柿饼", "特产", [("1kg 袋装", 5980, 400)])]),
    ("汉中市城固县粮油有限公司", "610722", "陕西省汉中市城固县", None,
     [("汉中菜籽油 压榨一级", "粮油", [("5L 桶装", 9900, 250)])]),
]


async def seed_demo(tree: DemoTree) -> None:
    categories = {name: await create_category(name, i) for i, name in enumerate(CATEGORIES)}
    for name, region, region_name, certificate, products in SUPPLIERS:
        supplier = await create_supplier(name=name, region_code=region, region_name=region_name,
                                         certified=certificate is not None,
                                         certificate_no=certificate)
        for product, category, skus in products:
            await create_product(supplier_id=supplier.id, category_id=categories[category].id,
                                 name=product, description=f"{region_name}消费扶贫产品",
                                 skus=[SkuSpec(*s) for s in skus])
    now = utcnow()
    await VoucherCampaign.create(
        org_id=tree.province.id, org_path=tree.province.path, name="陕西职工消费扶贫券 满100减20",
        kind=CampaignKind.CLAIM, face_value_fen=2000, threshold_fen=10000,
        budget_fen=10_000_000, max_vouchers=5000, per_member_limit=2,
        claim_starts_at=now - timedelta(days=1), claim_ends_at=now + timedelta(days=60),
        valid_days=30, certified_only=True, created_by_id=0)
    county = tree.counties["A"]
    grant = await VoucherCampaign.create(
        org_id=county.id, org_path=county.path, name="雁塔区工会节日慰问券 满200减50",
        kind=CampaignKind.GRANT, face_value_fen=5000, threshold_fen=20000,
        budget_fen=5_000_000, max_vouchers=1000, per_member_limit=1,
        claim_starts_at=now - timedelta(days=1), claim_ends_at=now + timedelta(days=30),
        valid_until=now + timedelta(days=45), certified_only=True, created_by_id=0)
    await VoucherCampaign.filter(id=grant.id).update(grant_requested=True)
    await continue_grant(grant.id)
    await _seed_funds(tree)


async def _principal(phone: str, role: Role) -> Principal:
    return Principal(member_id=(await Member.get(phone_bidx=phone_index(phone))).id, role=role)


async def _seed_funds(tree: DemoTree) -> None:
    year, province = funds_year(), tree.province
    # The root's, as a deployment makes it: proposed by one admin, approved by the other.
    proposal = await root_funds.propose(await _principal("13900000007", Role.ADMIN),
                                        province.id, year, 100_000_000,  # ¥1,000,000
                                        "演示数据：本年度省总工会经费")
    await root_funds.approve(await _principal("13900000008", Role.ADMIN), proposal.id)
    cadre = await Member.get(phone_bidx=phone_index("13900000004"))  # the province's
    await funds_allocation.allocate(
        Principal(member_id=cadre.id, role=Role.CADRE, scope_path=province.path,
                  scope_org_id=province.id), tree.cities["xian"].id, year, 30_000_000)
