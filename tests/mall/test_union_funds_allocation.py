"""A union's yearly allocation comes out of its parent's funds (工会经费下拨): no cadre below
the root can make money appear, the parent's ledger shows what it passed on, and concurrent
allocations and approvals never take more than the parent holds."""

from __future__ import annotations

import asyncio

import pytest
from tortoise.exceptions import IntegrityError

from tests.mall.conftest import (
    ALLOCATE,
    allocate,
    approve,
    fund_ancestors,
    new_key,
    place,
    this_funds_year,
)
from unionhub.identity.models import AuditLog
from unionhub.mall import sql
from unionhub.mall.models import UnionFundsBudget, UnionFundsEntry

LEDGER = """query L($u: ID!, $y: Int!) { unionFundsLedger(unionId: $u, year: $y) {
  allocatedFen spentFen toChildrenFen availableFen
  entries { edges { node { kind amountFen counterpartUnion { id } actor { id } } } } } }"""


async def _try_allocate(gql, who, union_id: int, amount_fen: int):
    return await gql(ALLOCATE, {"input": {"unionId": str(union_id), "year": this_funds_year(),
                                          "amountFen": amount_fen}}, token=who.token)


async def _no_budget(union_id: int) -> bool:
    return not await UnionFundsBudget.exists(union_id=union_id)


async def _budget(union_id: int) -> tuple[int, int, int]:
    row = await UnionFundsBudget.get_or_none(union_id=union_id, year=this_funds_year())
    return (row.allocated_fen, row.spent_fen, row.to_children_fen) if row else (0, 0, 0)


async def test_an_allocation_comes_out_of_the_parents_funds(gql, factory, mall):
    tree = await factory.tree()
    county, child = tree.counties["A"], tree.grassroots["A"][0]
    county_cadre = await factory.cadre(county)
    await allocate(gql, await factory.cadre(tree.cities["xian"]), county.id, 100_000)

    given = await allocate(gql, county_cadre, child.id, 60_000, fund_parent=False)
    assert given["errors"] == [] and given["budget"]["allocatedFen"] == 60_000
    assert await _budget(county.id) == (100_000, 0, 60_000)
    assert await _budget(child.id) == (60_000, 0, 0)

    seen = await gql(LEDGER, {"u": str(county.id), "y": this_funds_year()},
                     token=county_cadre.token)
    assert seen.errors == [], seen.errors
    ledger = seen.data["unionFundsLedger"]
    assert (ledger["allocatedFen"], ledger["spentFen"], ledger["toChildrenFen"],
            ledger["availableFen"]) == (100_000, 0, 60_000, 40_000)
    newest = ledger["entries"]["edges"][0]["node"]
    assert newest == {"kind": "TO_CHILD", "amountFen": 60_000,
                      "counterpartUnion": {"id": str(child.id)},
                      "actor": {"id": str(county_cadre.member.id)}}
    below = await gql(LEDGER, {"u": str(child.id), "y": this_funds_year()},
                      token=county_cadre.token)
    entry = below.data["unionFundsLedger"]["entries"]["edges"][0]["node"]
    assert (entry["kind"], entry["counterpartUnion"]) == ("ALLOCATION", {"id": str(county.id)})
    row = await AuditLog.filter(action="mall.union_funds.allocate",
                                subject_id=str(child.id)).get()
    assert (row.actor_id, row.union_id, row.detail) == (county_cadre.member.id, child.id, {
        "year": this_funds_year(), "amount_fen": 60_000, "from_union_id": county.id})

    # What is left is 40,000: a second 60,000 is refused and moves nothing.
    again = await _try_allocate(gql, county_cadre, tree.grassroots["A"][1].id, 60_000)
    errors = again.data["allocateUnionFunds"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [
        ("PARENT_UNION_FUNDS_EXCEEDED", "amountFen")]
    assert await _budget(county.id) == (100_000, 0, 60_000)
    assert await _no_budget(tree.grassroots["A"][1].id)  # (review: an empty row was left)
    assert await UnionFundsEntry.filter(union_id=tree.grassroots["A"][1].id).count() == 0


async def test_a_parent_without_funds_allocates_nothing(gql, factory, mall):
    """Before, a parent's cadre could allocate any amount, from nothing."""
    tree = await factory.tree()
    child = tree.grassroots["A"][0]
    cadre = await factory.cadre(tree.counties["A"])
    refused = await _try_allocate(gql, cadre, child.id, 1)
    assert [e["code"] for e in refused.data["allocateUnionFunds"]["errors"]] == [
        "PARENT_UNION_FUNDS_EXCEEDED"]
    assert await UnionFundsEntry.all().count() == 0
    assert await AuditLog.filter(action="mall.union_funds.allocate").count() == 0
    for year in (2000, this_funds_year(), 2100):  # no row for any year asked about
        out = await gql(ALLOCATE, {"input": {"unionId": str(child.id), "year": year,
                                             "amountFen": 1}}, token=cadre.token)
        assert out.data["allocateUnionFunds"]["errors"][0]["code"] == (
            "PARENT_UNION_FUNDS_EXCEEDED")
    assert await _no_budget(child.id)


async def test_no_one_admin_funds_the_root_in_one_step(gql, factory, mall):
    """Before, allocateUnionFunds let one ADMIN put any amount into the root union: the
    source of all union money, with no checker. It goes through a second admin now
    (tests/mall/test_root_funds.py)."""
    tree = await factory.tree()
    refused = await _try_allocate(gql, await factory.admin(), tree.province.id, 500_000)
    assert [e["code"] for e in refused.data["allocateUnionFunds"]["errors"]] == [
        "ROOT_UNION_FUNDS_NEED_APPROVAL"]
    assert await _no_budget(tree.province.id)
    assert await UnionFundsEntry.all().count() == 0
    assert await AuditLog.filter(action__startswith="mall.").count() == 0


async def test_the_database_refuses_a_budget_passing_on_more_than_it_holds(factory, mall):
    tree = await factory.tree()
    county = tree.counties["A"]
    await fund_ancestors(tree.grassroots["A"][0].id, 1_000, this_funds_year(), 1)
    with pytest.raises(IntegrityError):
        await sql.rows("UPDATE mall_union_funds_budgets SET to_children_fen = 1001"
                       " WHERE union_id = ?", [county.id])
    with pytest.raises(IntegrityError):
        await sql.rows("UPDATE mall_union_funds_budgets SET spent_fen = 600,"
                       " to_children_fen = 401 WHERE union_id = ?", [county.id])
    assert await _budget(county.id) == (1_000, 0, 0)


async def test_concurrent_allocations_and_approvals_never_take_more_than_the_parent_holds(
        gql, factory, mall):
    """The county holds 100,000: 12 allocations of 10,000 to its children race 6 approvals of
    its own 10,000 bulk orders (by a city cadre). Exactly 10 of the 18 pass, and the budget
    rows agree with both ledgers."""
    tree = await factory.tree()
    county = tree.counties["A"]
    children = tree.grassroots["A"]
    makers = [await factory.cadre(county) for _ in range(4)]
    checker = await factory.cadre(tree.cities["xian"])
    await allocate(gql, checker, county.id, 100_000)
    orders = [(await place(gql, makers[0], [(mall.sku_id, 2)], key=new_key(),
                           for_union_id=str(county.id)))["order"]["id"] for _ in range(6)]

    async def give(i: int):
        r = await _try_allocate(gql, makers[i % 4], children[i % len(children)].id, 10_000)
        assert r.errors == [], r.errors
        return r.data["allocateUnionFunds"]["errors"]

    async def spend(order_id: str):
        return (await approve(gql, checker, order_id))["errors"]

    results = await asyncio.gather(*(give(i) for i in range(12)), *(spend(o) for o in orders))
    assert sum(1 for errors in results if errors == []) == 10
    assert {e[0]["code"] for e in results if e} <= {"PARENT_UNION_FUNDS_EXCEEDED",
                                                     "UNION_FUNDS_BUDGET_EXCEEDED"}
    allocated, spent, passed_on = await _budget(county.id)
    assert (allocated, spent + passed_on) == (100_000, 100_000)
    entries = await UnionFundsEntry.filter(union_id=county.id)
    assert sum(e.amount_fen for e in entries if e.kind == "TO_CHILD") == passed_on
    assert sum(e.amount_fen for e in entries if e.kind == "SPEND") == spent
    received = await UnionFundsEntry.filter(union_id__in=[c.id for c in children],
                                            kind="ALLOCATION")
    assert sum(e.amount_fen for e in received) == passed_on
    assert sum([(await _budget(c.id))[0] for c in children]) == passed_on
