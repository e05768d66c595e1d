"""The mall's paged lists through GraphQL (issue 24, point 4): vouchers (the shown status
decided in SQL, so a page holds exactly its rows), a member's orders, the suppliers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.mall.conftest import claim, create_campaign, place
from tests.paging import assert_bad_size, assert_pages, connection_query, walk
from unionhub.mall.models import Product, Supplier, Voucher, VoucherCampaign

VOUCHERS = connection_query("myVouchersConnection", "status: $s", "$s: VoucherStatus",
                            node="id status")


async def test_my_vouchers_page_with_the_status_shown_now(gql, factory, mall):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    here = await create_campaign(gql, cadre, str(tree.counties["A"].id), perMemberLimit=8)
    ids = [(await claim(gql, member, here["id"]))["voucher"]["id"] for _ in range(8)]
    expired = ids[1:4]
    await Voucher.filter(id__in=[int(i) for i in expired]).update(
        valid_until=datetime.now(UTC) - timedelta(seconds=1))
    # Vouchers of a campaign whose scope no longer holds the member read VOID.
    elsewhere = await create_campaign(gql, cadre, str(tree.counties["A"].id), perMemberLimit=3)
    void = [(await claim(gql, member, elsewhere["id"]))["voucher"]["id"] for _ in range(3)]
    await VoucherCampaign.filter(id=int(elsewhere["id"])).update(
        org_path=tree.counties["B"].path)
    every = [*reversed(ids), *reversed(void)]
    every.sort(key=int, reverse=True)
    await assert_pages(gql, VOUCHERS, "myVouchersConnection", {"s": None}, member.token, every)
    available = [i for i in every if i not in expired and i not in void]
    await assert_pages(gql, VOUCHERS, "myVouchersConnection", {"s": "AVAILABLE"},
                       member.token, available)
    r = await gql(VOUCHERS, {"s": "VOID", "first": 2}, token=member.token)
    conn = r.data["myVouchersConnection"]
    assert [e["node"]["status"] for e in conn["edges"]] == ["VOID", "VOID"]  # a full page
    assert conn["totalCount"] == 3 and conn["pageInfo"]["hasNextPage"] is True
    r = await gql(VOUCHERS, {"s": "EXPIRED", "first": 100}, token=member.token)
    assert sorted(e["node"]["id"] for e in r.data["myVouchersConnection"]["edges"]) == sorted(
        expired)
    # A cadre in scope pages the member's vouchers the same way.
    query = connection_query("vouchersConnection", variables="$m: ID!", outer="member(id: $m)")
    await assert_pages(gql, query, "member.vouchersConnection", {"m": member.id},
                       cadre.token, every)


async def test_a_members_orders_and_the_suppliers_page(gql, factory, mall):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    for _ in range(5):
        await place(gql, member, [(mall.sku_id, 1)])
    query = connection_query("ordersConnection", variables="$m: ID!", outer="member(id: $m)")
    from unionhub.mall.models import Order

    newest = [str(o.id) for o in await Order.filter(member_id=member.member.id).order_by("-id")]
    assert len(newest) == 5
    await assert_pages(gql, query, "member.ordersConnection", {"m": member.id}, member.token,
                       newest)
    stranger = await factory.account(tree.grassroots["B"][0])
    r = await gql(query, {"m": member.id, "first": 2}, token=stranger.token)
    assert r.errors == [] and r.data["member"] is None  # not visible: nothing to page
    for i in range(3):
        await Supplier.create(name=f"合作社{i}", region_code="611026", region_name="柞水县",
                              certified=False)
    suppliers = [str(s.id) for s in await Supplier.all().order_by("id")]
    await assert_pages(gql, connection_query("suppliersConnection"), "suppliersConnection", {},
                       None, suppliers)


async def test_the_mall_connections_that_paged_before_count_and_refuse_bad_sizes(gql, factory,
                                                                                  mall):
    from unionhub.mall.models import Order

    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    for _ in range(5):
        await place(gql, member, [(mall.sku_id, 1)])
    newest = [str(o.id) for o in await Order.filter(member_id=member.member.id).order_by("-id")]
    await assert_pages(gql, connection_query("myOrders"), "myOrders", {}, member.token, newest)
    query = connection_query("mallOrders", "unionId: $u", "$u: ID!")
    await assert_pages(gql, query, "mallOrders", {"u": str(tree.counties["A"].id)},
                       cadre.token, newest, total=False)
    for i in range(5):
        await create_campaign(gql, cadre, str(tree.counties["A"].id), name=f"券{i}")
    campaigns = [str(c.id) for c in await VoucherCampaign.all().order_by("-id")]
    await assert_pages(gql, connection_query("voucherCampaigns"), "voucherCampaigns", {},
                       member.token, campaigns)
    products = [str(p.id) for p in await Product.all().order_by("id")]
    for i in range(5 - len(products)):
        await Product.create(supplier_id=int(mall.supplier_id), category_id=int(mall.category_id),
                             name=f"木耳{i}")
    products = [str(p.id) for p in await Product.all().order_by("id")]
    await assert_pages(gql, connection_query("products"), "products", {}, None, products)


async def test_the_payment_exception_queue_and_a_ledgers_entries_page_both_ways(gql, factory):
    from unionhub.mall.enums import FundsEntryKind, PaymentExceptionKind
    from unionhub.mall.models import PaymentException, UnionFundsEntry
    from unionhub.mall.union_funds import funds_year

    operator = await factory.operator()
    for i in range(5):
        await PaymentException.create(kind=PaymentExceptionKind.REFUND_FAILED, provider="stripe",
                                      reason=f"r{i}")
    oldest = [str(x.id) for x in await PaymentException.all().order_by("id")]
    await assert_pages(gql, connection_query("paymentExceptions"), "paymentExceptions", {},
                       operator.token, oldest)
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    cadre = await factory.cadre(tree.counties["A"])
    for i in range(5):
        await UnionFundsEntry.create(union_id=union.id, year=funds_year(),
                                     kind=FundsEntryKind.ALLOCATION, amount_fen=100 + i)
    newest = [str(x.id) for x in await UnionFundsEntry.filter(union_id=union.id)
              .order_by("-id")]
    # The ledger's entries take their paging arguments on unionFundsLedger itself.
    ledger = ("query($u: ID!, $y: Int!, $first: Int, $after: String, $last: Int, "
              "$before: String) { unionFundsLedger(unionId: $u, year: $y, first: $first, "
              "after: $after, last: $last, before: $before) { entries { totalCount edges { "
              "cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor "
              "endCursor } } } }")
    v = {"u": str(union.id), "y": funds_year()}
    # (Not assert_pages: its 100-row page costs 8,100 here, over the cost limit, because the
    # cost walker multiplies unionFundsLedger's own selection by its `first`.)
    for backward in (False, True):
        assert await walk(gql, ledger, "unionFundsLedger.entries", v, cadre.token, size=2,
                          backward=backward) == newest
    for bad in ({"first": 0}, {"first": -1}, {"last": 0}, {"first": 2, "last": 2}):
        await assert_bad_size(gql, ledger, v, cadre.token, bad, "last" if "last" in bad
                              else "first")
