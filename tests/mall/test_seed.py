"""The demo data: real poverty-alleviation regions, an open CLAIM and a granted GRANT campaign,
and this year's union funds passed down from the root through the domain's own rules."""

from __future__ import annotations

from unionhub.identity import seed as identity_seed
from unionhub.identity.accounts import phone_index
from unionhub.identity.models import AuditLog, Member
from unionhub.mall.funds_models import RootFundsProposal
from unionhub.mall.models import (
    CampaignKind,
    Supplier,
    UnionFundsBudget,
    UnionFundsEntry,
    Voucher,
    VoucherCampaign,
)
from unionhub.mall.seed import seed_demo
from unionhub.mall.union_funds import funds_year


async def test_seed_demo(gql, factory):
    tree = await identity_seed.seed_demo(members=0)
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
    budgets = {b.union_id: (b.allocated_fen, b.spent_fen, b.to_children_fen)
               for b in await UnionFundsBudget.filter(year=funds_year())}
    assert budgets == {tree.province.id: (100_000_000, 0, 30_000_000),
                       tree.cities["xian"].id: (30_000_000, 0, 0)}
    assert await UnionFundsEntry.filter(kind="TO_CHILD").count() == 1
    # The root's went through maker and checker: proposed by one demo admin, approved by the
    # other, each step audited as theirs, the ledger's ALLOCATION naming the checker.
    maker = await Member.get(phone_bidx=phone_index("13900000007"))
    checker = await Member.get(phone_bidx=phone_index("13900000008"))
    [proposal] = await RootFundsProposal.all()
    assert (proposal.status, proposal.amount_fen, proposal.proposed_by_id,
            proposal.decided_by_id) == ("APPROVED", 100_000_000, maker.id, checker.id)
    steps = await AuditLog.filter(action__startswith="mall.root_funds.").order_by("id")
    assert [(a.action, a.actor_id, a.subject_id) for a in steps] == [
        ("mall.root_funds.propose", maker.id, str(proposal.id)),
        ("mall.root_funds.approve", checker.id, str(proposal.id))]
    root_entry = await UnionFundsEntry.get(union_id=tree.province.id, kind="ALLOCATION")
    assert (root_entry.amount_fen, root_entry.actor_id) == (100_000_000, checker.id)
