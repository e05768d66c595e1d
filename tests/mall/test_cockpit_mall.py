"""The cockpit's mall and union-funds figures equal mallReport's and unionFundsLedger's for the
same union and days, for the union and for each child of a drill-down."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from tests.mall.conftest import allocate, claim, create_campaign, place, this_funds_year
from tests.mall.documents import REPORT
from unionhub.clock import today_shanghai
from unionhub.mall import orders
from unionhub.mall.models import Order

COCKPIT = """query C($u: ID!, $p: String!) { cockpit(unionId: $u, period: $p) {
  from to
  mall { salesFen orderCount certifiedSalesFen povertyShare meetsPovertyLine povertyShareLine
    voucherUsedFen voucherOrderSalesFen leverage }
  funds { year allocatedFen spentFen availableFen }
  children { union { id } mall { salesFen orderCount certifiedSalesFen voucherUsedFen }
    funds { allocatedFen } } } }"""
LEDGER = """query L($u: ID!, $y: Int!) { unionFundsLedger(unionId: $u, year: $y) {
  year allocatedFen spentFen availableFen } }"""


def _expected(report: dict) -> dict:
    certified = sum(u["certifiedSalesFen"] for u in report["salesByUnion"])
    lines = sum(u["salesFen"] for u in report["salesByUnion"])
    share = certified / lines if lines else None
    return {"salesFen": report["salesFen"], "orderCount": report["orderCount"],
            "certifiedSalesFen": certified, "povertyShare": share,
            "meetsPovertyLine": (share or 0) >= report["povertyShareLine"],
            "povertyShareLine": report["povertyShareLine"],
            "voucherUsedFen": report["voucherUsedFen"],
            "voucherOrderSalesFen": report["voucherOrderSalesFen"],
            "leverage": report["leverage"]}


async def test_mall_and_funds_equal_the_reports(gql, factory, mall):
    tree = await factory.tree()
    county_a = await factory.cadre(tree.counties["A"])
    province = await factory.cadre(tree.province)
    campaign = await create_campaign(gql, county_a, str(tree.counties["A"].id), budgetFen=100000)
    a_member = await factory.account(tree.grassroots["A"][0])
    b_member = await factory.account(tree.grassroots["B"][0])
    voucher = (await claim(gql, a_member, campaign["id"]))["voucher"]["id"]

    async def paid(buyer, items, voucher_id=None):
        order = (await place(gql, buyer, items, voucher_id=voucher_id))["order"]
        async with in_transaction():
            assert await orders.mark_paid(await Order.get(id=int(order["id"])), None, "CARD")

    await paid(a_member, [(mall.sku_id, 3)], voucher)
    await paid(a_member, [(mall.plain_sku_id, 1)])
    await place(gql, a_member, [(mall.sku_id, 1)])  # unpaid: not a sale
    await paid(b_member, [(mall.cheap_sku_id, 1)])
    await allocate(gql, county_a, tree.grassroots["A"][0].id, 50_000)

    period = today_shanghai().strftime("%Y-%m")
    for union, cadre in ((tree.province, province), (tree.counties["A"], county_a)):
        r = await gql(COCKPIT, {"u": str(union.id), "p": period}, token=cadre.token)
        assert r.errors == [], r.errors
        got = r.data["cockpit"]
        days = {"from": got["from"], "to": got["to"]}
        report = (await gql(REPORT, {"u": str(union.id), **days},
                            token=cadre.token)).data["mallReport"]
        assert got["mall"] == _expected(report)
        for child in got["children"]:
            child_report = (await gql(REPORT, {"u": child["union"]["id"], **days},
                                      token=cadre.token)).data["mallReport"]
            expected = _expected(child_report)
            assert child["mall"] == {k: expected[k] for k in child["mall"]}
            ledger = (await gql(LEDGER, {"u": child["union"]["id"], "y": this_funds_year()},
                                token=cadre.token)).data["unionFundsLedger"]
            assert child["funds"]["allocatedFen"] == ledger["allocatedFen"]
    # Not a comparison of zeros: county A's sales and the grassroots union's allocation.
    r = await gql(COCKPIT, {"u": str(tree.counties["A"].id), "p": period}, token=county_a.token)
    assert r.data["cockpit"]["mall"]["salesFen"] == 18000
    assert r.data["cockpit"]["mall"]["leverage"] == 7.5
    funded = [c for c in r.data["cockpit"]["children"]
              if c["union"]["id"] == str(tree.grassroots["A"][0].id)]
    assert funded[0]["funds"]["allocatedFen"] == 50_000
    whole = await gql(COCKPIT, {"u": str(tree.province.id), "p": period}, token=province.token)
    assert whole.data["cockpit"]["mall"]["salesFen"] == 19200
