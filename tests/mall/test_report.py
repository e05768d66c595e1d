"""mallReport: sales by supplier region and by union, voucher budget, leverage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tortoise.transactions import in_transaction

from tests.mall.conftest import claim, create_campaign, place
from tests.mall.documents import REPORT
from unionhub.clock import today_shanghai
from unionhub.mall import orders
from unionhub.mall.models import Order


async def test_report_for_a_cadres_scope_and_period(gql, factory, mall):
    tree = await factory.tree()
    county_a = await factory.cadre(tree.counties["A"])
    province = await factory.cadre(tree.province)
    campaign = await create_campaign(gql, county_a, str(tree.counties["A"].id), budgetFen=100000)
    a_member = await factory.account(tree.grassroots["A"][0])
    b_member = await factory.account(tree.grassroots["B"][0])
    voucher = (await claim(gql, a_member, campaign["id"]))["voucher"]["id"]

    async def paid(buyer, items, voucher_id=None):
        # Paid as a rail's notification would mark it (the rails have their own tests).
        order = (await place(gql, buyer, items, voucher_id=voucher_id))["order"]
        async with in_transaction():
            assert await orders.mark_paid(await Order.get(id=int(order["id"])), None, "CARD")

    await paid(a_member, [(mall.sku_id, 3)], voucher)            # 15000 certified, -2000
    await paid(a_member, [(mall.plain_sku_id, 1)])               # 3000 uncertified
    await place(gql, a_member, [(mall.sku_id, 1)])               # unpaid: not a sale
    await paid(b_member, [(mall.cheap_sku_id, 1)])               # county B: outside A

    today = today_shanghai().isoformat()
    report = await gql(REPORT, {"u": str(tree.counties["A"].id), "from": today, "to": today},
                       token=county_a.token)
    assert report.errors == [], report.errors
    r = report.data["mallReport"]
    assert (r["salesFen"], r["orderCount"]) == (18000, 2)
    assert r["salesByRegion"] == [
        {"regionCode": "611026", "regionName": "陕西省商洛市柞水县", "salesFen": 15000, "orderCount": 1},
        {"regionCode": "610113", "regionName": "陕西省西安市雁塔区", "salesFen": 3000, "orderCount": 1},
    ]
    union = r["salesByUnion"][0]
    assert union["union"]["id"] == str(tree.grassroots["A"][0].id)
    assert (union["salesFen"], union["certifiedSalesFen"]) == (18000, 15000)
    assert abs(union["povertyShare"] - 15000 / 18000) < 1e-9 and union["meetsPovertyLine"]
    assert (r["voucherBudgetFen"], r["voucherIssuedFen"], r["voucherUsedFen"]) == (100000, 2000, 2000)
    assert r["voucherOrderSalesFen"] == 15000 and r["leverage"] == 7.5

    whole = await gql(REPORT, {"u": str(tree.province.id), "from": today, "to": today},
                      token=province.token)
    assert whole.data["mallReport"]["salesFen"] == 19200
    yesterday = (today_shanghai() - timedelta(days=1)).isoformat()
    empty = await gql(REPORT, {"u": str(tree.counties["A"].id), "from": yesterday,
                               "to": yesterday}, token=county_a.token)
    assert empty.data["mallReport"]["salesFen"] == 0 and empty.data["mallReport"]["leverage"] is None
    outside = await gql(REPORT, {"u": str(tree.counties["B"].id), "from": today, "to": today},
                        token=county_a.token)
    assert outside.error_codes() == ["FORBIDDEN"]
    inverted = await gql(REPORT, {"u": str(tree.counties["A"].id), "from": today,
                                  "to": yesterday}, token=county_a.token)
    assert inverted.errors[0]["extensions"]["reason"] == "PERIOD_INVERTED"


@pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")
async def test_partial_refunds_at_the_rail_come_off_the_sales(http, gql, factory, mall,
                                                             stripe_api):
    """A refund made in part in the rail's portal left the order PAID and its whole subtotal
    in salesFen, though the money went back; the figures then jumped by the whole subtotal
    when the rest was refunded. Now sales are less what went back, as it goes back, and a
    refund of the rest (ours, or the rail's) takes off only what was left."""
    from tests.mall.conftest import send
    from tests.mall.refund_flows import REFUND, _paid_order
    from unionhub.mall import sales_summary

    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    today = today_shanghai().isoformat()

    async def sales() -> tuple[int, int, list[int]]:
        r = await gql(REPORT, {"u": str(tree.counties["A"].id), "from": today, "to": today},
                      token=cadre.token)
        assert r.errors == [], r.errors
        assert (await sales_summary.check()).ok  # the summary is what the orders say
        report = r.data["mallReport"]
        return (report["salesFen"], report["orderCount"],
                [u["salesFen"] for u in report["salesByUnion"]])

    ours_id, ours = await _paid_order(http, gql, member, mall, stripe_api)
    theirs_id, theirs = await _paid_order(http, gql, member, mall, stripe_api)
    assert await sales() == (10000, 2, [10000])
    for ref in (ours, theirs):
        assert stripe_api.accepted(await send(http, stripe_api.webhook_path,
                                              stripe_api.dashboard_refund(ref, 2000)))
    assert await sales() == (6000, 2, [6000])
    # The rest: refunded by us, then by the rail's portal.
    refunded = await gql(REFUND, {"input": {"orderId": ours_id}}, token=member.token)
    assert refunded.data["refundOrder"]["errors"] == []
    assert await sales() == (3000, 1, [3000])
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path,
                                          stripe_api.dashboard_refund(theirs, 3000)))
    assert (await Order.get(id=int(theirs_id))).status == "REFUNDED"
    assert (await sales())[:2] == (0, 0)
