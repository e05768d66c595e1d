"""Union funds (工会经费集采, issue 18): bulk orders, maker and checker, yearly budgets spent
atomically, the ledger, returns on cancel and refund, and every step audited."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.mall.conftest import (
    ADDRESS,
    ALLOCATE,
    APPROVE,
    allocate,
    approve,
    claim,
    create_campaign,
    new_key,
    paid_bulk_order,
    place,
    sku_stock,
    this_funds_year,
)
from unionhub.clock import utcnow
from unionhub.identity.models import AuditLog
from unionhub.mall import catalogue
from unionhub.mall.models import (
    Order,
    OrderEvent,
    Payment,
    UnionFundsBudget,
    UnionFundsEntry,
)
from unionhub.settings import get_settings

PAY = """mutation P($input: PayOrderInput!) { payOrder(input: $input) {
  order { id status } errors { code field } } }"""
CANCEL = """mutation C($input: CancelOrderInput!) { cancelOrder(input: $input) {
  order { id status } errors { code field } } }"""
REFUND = """mutation R($input: RefundOrderInput!) { refundOrder(input: $input) {
  order { id status } errors { code field } } }"""
LEDGER = """query L($u: ID!, $y: Int!) { unionFundsLedger(unionId: $u, year: $y) {
  year allocatedFen spentFen availableFen union { id }
  entries { edges { node { kind amountFen orderId traceId actor { id } } } } } }"""


async def _spent(union_id: int) -> tuple[int, int]:
    budget = await UnionFundsBudget.get(union_id=union_id, year=this_funds_year())
    return budget.allocated_fen, budget.spent_fen


async def _ledger_sums(union_id: int) -> dict[str, int]:
    sums: dict[str, int] = {"ALLOCATION": 0, "SPEND": 0, "RETURN": 0}
    for entry in await UnionFundsEntry.filter(union_id=union_id):
        sums[entry.kind.value] += entry.amount_fen
    return sums


async def test_bulk_orders_have_their_kind_window_and_limits(gql, factory, mall):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(union)
    await catalogue.restock(int(mall.sku_id), 900)
    # One line (PostgreSQL's one-statement path for personal orders) and two lines (the ORM's).
    for items in ([(mall.sku_id, 1)], [(mall.sku_id, 1), (mall.cheap_sku_id, 1)]):
        personal = (await place(gql, member, items))["order"]
        assert (await Order.get(id=int(personal["id"]))).kind == "PERSONAL"
        bulk = (await place(gql, cadre, items, for_union_id=str(union.id)))["order"]
        row = await Order.get(id=int(bulk["id"]))
        assert (row.kind, row.union_id) == ("UNION_BULK", union.id)
        window = timedelta(hours=get_settings().union_bulk_payment_window_hours)
        assert abs(row.expires_at - (utcnow() + window)) < timedelta(minutes=1)
    many = await place(gql, cadre, [(mall.sku_id, 500)], for_union_id=str(union.id))
    assert many["errors"] == [] and many["order"]["subtotalFen"] == 500 * 5000
    too_many_personal = await place(gql, member, [(mall.sku_id, 100)])
    assert too_many_personal["errors"][0]["code"] == "QUANTITY_OUT_OF_RANGE"
    over = get_settings().union_bulk_max_quantity + 1
    too_many_bulk = await place(gql, cadre, [(mall.sku_id, over)], for_union_id=str(union.id))
    assert too_many_bulk["errors"][0]["code"] == "QUANTITY_OUT_OF_RANGE"
    campaign = await create_campaign(gql, await factory.cadre(tree.province),
                                     str(tree.province.id))
    voucher = (await claim(gql, cadre, campaign["id"]))["voucher"]["id"]
    with_voucher = await place(gql, cadre, [(mall.sku_id, 3)], voucher_id=voucher,
                               for_union_id=str(union.id))
    assert with_voucher["errors"][0]["code"] == "VOUCHER_NOT_FOR_BULK_ORDER"
    assert await Order.filter(kind="UNION_BULK").count() == 3
    placed = await AuditLog.filter(action="mall.order.bulk_place").order_by("id")
    assert [a.actor_id for a in placed] == [cadre.member.id] * 3
    assert all(a.trace_id and a.detail["amount_fen"] > 0 for a in placed)


async def test_maker_and_checker(gql, factory, mall):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    maker = await factory.cadre(tree.counties["A"])
    await allocate(gql, maker, union.id, 100_000)  # the maker's county is the parent
    order = (await place(gql, maker, [(mall.sku_id, 2)], for_union_id=str(union.id)))["order"]

    own = await approve(gql, maker, order["id"])
    assert own["errors"][0]["code"] == "SELF_APPROVAL"
    outsider = await factory.cadre(tree.counties["B"])
    far = await approve(gql, outsider, order["id"])
    assert far["errors"][0]["code"] == "ORDER_NOT_FOUND"
    missing = await approve(gql, outsider, "987654")
    assert missing["errors"] == far["errors"]  # outside your scope reads as no such order
    member = await factory.account(union)
    not_cadre = await gql(APPROVE, {"input": {"orderId": order["id"]}}, token=member.token)
    assert not_cadre.error_codes() == ["FORBIDDEN"]
    assert await Payment.all().count() == 0
    assert (await Order.get(id=int(order["id"]))).status == "PENDING_PAYMENT"
    assert await _spent(union.id) == (100_000, 0)

    checker = await factory.cadre(tree.counties["A"])
    ok = await approve(gql, checker, order["id"])
    assert ok["errors"] == [] and ok["order"]["status"] == "PAID"
    payment = await Payment.get(order_id=int(order["id"]))
    assert (payment.method, payment.confirmed_by_id, payment.amount_fen) == (
        "UNION_FUNDS", checker.member.id, 10_000)
    again = await approve(gql, await factory.cadre(tree.cities["xian"]), order["id"])
    assert again["errors"][0]["code"] == "ALREADY_APPROVED"
    assert await _spent(union.id) == (100_000, 10_000)

    audit = {a.action: a for a in await AuditLog.filter(action__startswith="mall.")}
    approved = audit["mall.union_funds.approve"]
    assert approved.actor_id == checker.member.id and approved.trace_id
    assert approved.detail["amount_fen"] == 10_000 and approved.detail["maker_id"] == maker.member.id
    assert audit["mall.union_funds.allocate"].detail["amount_fen"] == 100_000
    assert audit["mall.union_funds.allocate"].trace_id


async def test_personal_orders_are_never_paid_from_union_funds(gql, factory, mall):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    member = await factory.account(union)
    cadre = await factory.cadre(tree.counties["A"])
    await allocate(gql, cadre, union.id, 100_000)
    personal = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    for who in (member, cadre):
        paid = await gql(PAY, {"input": {"orderId": personal["id"], "method": "UNION_FUNDS"}},
                         token=who.token)
        assert paid.data["payOrder"]["errors"][0]["code"] == "UNION_FUNDS_BULK_ONLY"
    approved = await approve(gql, cadre, personal["id"])
    assert approved["errors"][0]["code"] == "UNION_FUNDS_BULK_ONLY"
    stranger = await factory.account(tree.grassroots["B"][0])
    hidden = await gql(PAY, {"input": {"orderId": personal["id"], "method": "UNION_FUNDS"}},
                       token=stranger.token)
    assert hidden.data["payOrder"]["errors"][0]["code"] == "NOT_FOUND"

    bulk = (await place(gql, cadre, [(mall.sku_id, 1)], for_union_id=str(union.id)))["order"]
    by_pay = await gql(PAY, {"input": {"orderId": bulk["id"], "method": "UNION_FUNDS"}},
                       token=cadre.token)
    assert by_pay.data["payOrder"]["errors"][0]["code"] == "UNION_FUNDS_APPROVAL_REQUIRED"
    by_card = await gql(PAY, {"input": {"orderId": bulk["id"], "method": "CARD"}},
                        token=cadre.token)
    assert by_card.data["payOrder"]["errors"][0]["code"] == "BULK_ORDER_UNION_FUNDS_ONLY"
    assert await Payment.all().count() == 0
    assert await Order.filter(status="PENDING_PAYMENT").count() == 2
    assert await _spent(union.id) == (100_000, 0)


async def test_over_budget_and_escalation_are_refused_and_change_nothing(gql, factory, mall,
                                                                         monkeypatch):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    maker = await factory.cadre(tree.counties["A"])
    await allocate(gql, maker, union.id, 12_000)
    big = (await place(gql, maker, [(mall.sku_id, 3)], for_union_id=str(union.id)))["order"]
    over = await approve(gql, await factory.cadre(tree.counties["A"]), big["id"])
    assert over["errors"][0]["code"] == "UNION_FUNDS_BUDGET_EXCEEDED"
    assert (await Order.get(id=int(big["id"]))).status == "PENDING_PAYMENT"
    assert await Payment.all().count() == 0
    assert await UnionFundsEntry.filter(kind="SPEND").count() == 0
    assert await OrderEvent.filter(order_id=int(big["id"])).count() == 1  # PLACED only
    assert await _spent(union.id) == (12_000, 0)

    monkeypatch.setattr(get_settings(), "union_funds_escalation_fen", 6_000)
    own_union = await factory.cadre(union)  # a cadre of the union spending, not above it
    large = (await place(gql, maker, [(mall.sku_id, 2)], for_union_id=str(union.id)))["order"]
    refused = await approve(gql, own_union, large["id"])
    assert refused["errors"][0]["code"] == "APPROVAL_NEEDS_ANCESTOR_UNION"
    assert await _spent(union.id) == (12_000, 0)
    small = (await place(gql, maker, [(mall.cheap_sku_id, 1)], for_union_id=str(union.id)))
    assert (await approve(gql, own_union, small["order"]["id"]))["errors"] == []
    above = await approve(gql, await factory.cadre(tree.counties["A"]), large["id"])
    assert above["errors"] == [] and above["order"]["status"] == "PAID"
    assert await _spent(union.id) == (12_000, 11_200)


async def test_allocation_by_a_cadre_of_the_parent_only(gql, factory, mall):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    year = this_funds_year()

    async def try_allocate(who, union_id, amount=50_000, y=year):
        return await gql(ALLOCATE, {"input": {"unionId": str(union_id), "year": y,
                                              "amountFen": amount}}, token=who.token)

    for who in (await factory.cadre(tree.cities["xian"]), await factory.cadre(union),
                await factory.cadre(tree.counties["B"]), await factory.cadre(tree.province)):
        refused = await try_allocate(who, union.id)
        assert refused.error_codes() == ["FORBIDDEN"]
        assert refused.errors[0]["extensions"]["reason"] == "NOT_PARENT_UNION_CADRE"
    root = await try_allocate(await factory.cadre(tree.province), tree.province.id)
    assert root.errors[0]["extensions"]["reason"] == "NOT_PARENT_UNION_CADRE"
    parent = await factory.cadre(tree.counties["A"])
    zero = await try_allocate(parent, union.id, amount=0)
    assert zero.data["allocateUnionFunds"]["errors"][0]["code"] == "AMOUNT_OUT_OF_RANGE"
    bad_year = await try_allocate(parent, union.id, y=1999)
    assert bad_year.data["allocateUnionFunds"]["errors"][0]["code"] == "YEAR_OUT_OF_RANGE"
    assert await UnionFundsEntry.all().count() == 0
    assert await AuditLog.filter(action="mall.union_funds.allocate").count() == 0

    first = await allocate(gql, parent, union.id, 30_000)
    second = await allocate(gql, parent, union.id, 20_000)
    assert first["budget"]["allocatedFen"] == 30_000
    assert second["budget"] == {"year": year, "allocatedFen": 50_000, "spentFen": 0}
    # The root's allocation needs a second admin (mall.root_funds): the one-step call refuses.
    by_admin = await try_allocate(await factory.admin(), tree.province.id)
    assert [(e["code"], e["field"]) for e in by_admin.data["allocateUnionFunds"]["errors"]] == [
        ("ROOT_UNION_FUNDS_NEED_APPROVAL", "unionId")]


async def test_cancel_and_refund_of_an_approved_bulk_order_return_the_amount(gql, factory, mall):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    maker, order = await paid_bulk_order(gql, factory, [(mall.sku_id, 2)])
    assert await sku_stock(gql, mall.product_id) == {mall.sku_id: 98, mall.cheap_sku_id: 100}
    assert await _spent(union.id) == (10_000_000, 10_000)
    stranger = await factory.cadre(tree.counties["B"])
    hidden = await gql(CANCEL, {"input": {"orderId": order["id"]}}, token=stranger.token)
    assert hidden.data["cancelOrder"]["errors"][0]["code"] == "NOT_FOUND"  # as a missing id
    cancelled = await gql(CANCEL, {"input": {"orderId": order["id"]}}, token=maker.token)
    assert cancelled.data["cancelOrder"]["order"]["status"] == "CANCELLED"
    assert await sku_stock(gql, mall.product_id) == {mall.sku_id: 100, mall.cheap_sku_id: 100}
    assert await _spent(union.id) == (10_000_000, 0)
    assert (await Payment.get(order_id=int(order["id"]))).status == "REFUNDED"
    again = await gql(CANCEL, {"input": {"orderId": order["id"]}}, token=maker.token)
    assert again.data["cancelOrder"]["errors"][0]["code"] == "INVALID_TRANSITION"
    assert await _ledger_sums(union.id) == {"ALLOCATION": 10_000_000, "SPEND": 10_000,
                                            "RETURN": 10_000}
    returned = await AuditLog.get(action="mall.union_funds.return")
    assert returned.actor_id == maker.member.id and returned.detail["amount_fen"] == 10_000

    # A refund (the maker's, before shipping) gives the amount back too.
    second = (await place(gql, maker, [(mall.cheap_sku_id, 1)], for_union_id=str(union.id)))
    await approve(gql, await factory.cadre(tree.cities["xian"]), second["order"]["id"])
    assert await _spent(union.id) == (10_000_000, 1_200)
    refunded = await gql(REFUND, {"input": {"orderId": second["order"]["id"]}},
                         token=maker.token)
    assert refunded.data["refundOrder"]["order"]["status"] == "REFUNDED"
    assert await _spent(union.id) == (10_000_000, 0)
    kinds = await OrderEvent.filter(order_id=int(second["order"]["id"])).order_by("id") \
        .values_list("kind", flat=True)
    assert kinds == ["PLACED", "UNION_FUNDS_APPROVED", "PAID", "REFUND_REQUESTED", "REFUNDED"]


async def test_ledger_lists_allocations_and_spending_in_scope(gql, factory, mall):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    _maker, order = await paid_bulk_order(gql, factory, [(mall.sku_id, 1)])
    city = await factory.cadre(tree.cities["xian"])
    seen = await gql(LEDGER, {"u": str(union.id), "y": this_funds_year()}, token=city.token)
    assert seen.errors == [], seen.errors
    ledger = seen.data["unionFundsLedger"]
    assert (ledger["allocatedFen"], ledger["spentFen"], ledger["availableFen"]) == (
        10_000_000, 5_000, 9_995_000)
    nodes = [e["node"] for e in ledger["entries"]["edges"]]
    assert [(n["kind"], n["amountFen"], n["orderId"]) for n in nodes] == [
        ("SPEND", 5_000, order["id"]), ("ALLOCATION", 10_000_000, None)]
    assert all(n["traceId"] and n["actor"]["id"] for n in nodes)
    other = await gql(LEDGER, {"u": str(union.id), "y": this_funds_year()},
                      token=(await factory.cadre(tree.counties["B"])).token)
    assert other.error_codes() == ["FORBIDDEN"]
    empty = await gql(LEDGER, {"u": str(union.id), "y": this_funds_year() - 1},
                      token=city.token)
    assert empty.data["unionFundsLedger"]["allocatedFen"] == 0


async def test_50_concurrent_approvals_against_a_budget_for_10_make_10(gql, factory, mall):
    """On PostgreSQL the approvals really run at once; the conditional spend decides."""
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    maker = await factory.cadre(tree.counties["A"])
    checkers = [await factory.cadre(tree.counties["A"]) for _ in range(5)]
    await allocate(gql, maker, union.id, 10 * 5_000)
    placed = [(await place(gql, maker, [(mall.sku_id, 1)], key=new_key(),
                           for_union_id=str(union.id)))["order"]["id"] for _ in range(50)]
    results = await asyncio.gather(*(approve(gql, checkers[i % 5], order_id)
                                     for i, order_id in enumerate(placed)))
    approved = [r for r in results if r["errors"] == []]
    assert len(approved) == 10
    assert {r["errors"][0]["code"] for r in results if r["errors"]} == {
        "UNION_FUNDS_BUDGET_EXCEEDED"}
    assert await _spent(union.id) == (50_000, 50_000)
    assert await _ledger_sums(union.id) == {"ALLOCATION": 50_000, "SPEND": 50_000, "RETURN": 0}
    assert await Order.filter(status="PAID").count() == 10
    assert await Order.filter(status="PENDING_PAYMENT").count() == 40
    assert await Payment.filter(method="UNION_FUNDS", status="SUCCEEDED").count() == 10
    assert await AuditLog.filter(action="mall.union_funds.approve").count() == 10


async def test_one_order_approved_by_many_at_once_is_spent_once(gql, factory, mall):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    maker = await factory.cadre(tree.counties["A"])
    await allocate(gql, maker, union.id, 1_000_000)
    order = (await place(gql, maker, [(mall.sku_id, 1)], for_union_id=str(union.id)))["order"]
    checkers = [await factory.cadre(tree.counties["A"]) for _ in range(10)]
    results = await asyncio.gather(*(approve(gql, c, order["id"]) for c in checkers))
    assert sum(r["errors"] == [] for r in results) == 1
    assert {r["errors"][0]["code"] for r in results if r["errors"]} == {"ALREADY_APPROVED"}
    assert await _spent(union.id) == (1_000_000, 5_000)
    assert await UnionFundsEntry.filter(kind="SPEND").count() == 1


async def test_a_bulk_order_awaiting_approval_is_cancelled_by_a_cadre_in_scope(gql, factory,
                                                                            mall):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    maker = await factory.cadre(tree.counties["A"])
    order = (await place(gql, maker, [(mall.sku_id, 4)], for_union_id=str(union.id)))["order"]
    member = await factory.account(union)
    hidden = await gql(CANCEL, {"input": {"orderId": order["id"]}}, token=member.token)
    assert hidden.data["cancelOrder"]["errors"][0]["code"] == "NOT_FOUND"  # as a missing id
    other = await factory.cadre(tree.cities["xian"])
    done = await gql(CANCEL, {"input": {"orderId": order["id"]}}, token=other.token)
    assert done.data["cancelOrder"]["order"]["status"] == "CANCELLED"
    assert await sku_stock(gql, mall.product_id) == {mall.sku_id: 100, mall.cheap_sku_id: 100}
    audited = await AuditLog.get(action="mall.order.bulk_cancel")
    assert audited.actor_id == other.member.id and audited.detail["amount_fen"] == 20_000


async def test_checkers_list_the_bulk_orders_awaiting_approval(gql, factory, mall):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    maker = await factory.cadre(tree.counties["A"])
    member = await factory.account(union)
    await place(gql, member, [(mall.sku_id, 1)])  # personal: not listed
    waiting = (await place(gql, maker, [(mall.sku_id, 1)], for_union_id=str(union.id)))["order"]
    _, approved = await paid_bulk_order(gql, factory, [(mall.cheap_sku_id, 1)], maker=maker)
    q = """query L($u: ID!) { mallOrders(unionId: $u, kind: UNION_BULK, status: PENDING_PAYMENT) {
      edges { node { id kind status } } } }"""
    listed = await gql(q, {"u": str(tree.counties["A"].id)},
                       token=(await factory.cadre(tree.counties["A"])).token)
    assert listed.errors == [], listed.errors
    assert [e["node"] for e in listed.data["mallOrders"]["edges"]] == [
        {"id": waiting["id"], "kind": "UNION_BULK", "status": "PENDING_PAYMENT"}]
    assert approved["status"] == "PAID"


async def test_a_bulk_order_outside_scope_cannot_be_placed(gql, factory, mall):
    tree = await factory.tree()
    outsider = await factory.cadre(tree.counties["B"])
    far_buy = await gql("""mutation P($i: PlaceOrderInput!) { placeOrder(input: $i) {
      order { id } } }""", {"i": {"items": [{"skuId": mall.sku_id, "quantity": 1}],
        "address": ADDRESS, "idempotencyKey": new_key(),
        "forUnionId": str(tree.grassroots["A"][0].id)}}, token=outsider.token)
    assert far_buy.error_codes() == ["FORBIDDEN"]
    assert await Order.all().count() == 0


async def test_a_year_of_funds_past_the_32_bit_int_is_answered(gql, factory, mall):
    """GraphQL's Int stops at 2,147,483,647 fen (¥21.47M), which a city's year of union funds
    passes: the ledger's sums are Fen (schema/money.py), a 53-bit JSON integer."""
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    county = await factory.cadre(tree.counties["A"])
    for _ in range(2):
        assert (await allocate(gql, county, union.id, 2_000_000_000))["errors"] == []
    seen = await gql(LEDGER, {"u": str(union.id), "y": this_funds_year()}, token=county.token)
    assert seen.errors == [], seen.errors
    ledger = seen.data["unionFundsLedger"]
    assert (ledger["allocatedFen"], ledger["availableFen"]) == (4_000_000_000, 4_000_000_000)
