"""Allocating union funds (工会经费下拨): a union's yearly allocation comes from its parent.

- The root union has no parent: its allocation is money from outside the tree, proposed by
  one ADMIN and approved by another (mall.root_funds); `allocate` refuses it, so no one call
  by one person puts money into the tree.
- Any other union's is moved by a cadre of its parent union out of the parent's own budget
  for that year: one transaction adds to the parent's `to_children_fen` by a conditional
  UPDATE (what the parent spent and passed on, plus this amount, within its allocation; a
  CHECK stands behind it) and to the child's `allocated_fen`. Concurrent allocations and
  approvals of the parent's own bulk orders never take more than it holds, and no cadre can
  make money appear below the root.
- Both ledgers get an entry naming the other union (TO_CHILD on the parent's, ALLOCATION on
  the child's), and one audit row records the actor, the amount and both unions.
- Lock order: the parent's budget row, then the child's, so every allocation locks ancestors
  before descendants; an approval locks only its own union's row. No cycle, no deadlock.

Budgets from before migration mall 0009 have `to_children_fen` 0: what a parent allocated
then did not come out of its own budget (OPERATORS.md says how to reconcile them).
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from unionhub.errors import AccessDenied, Conflict, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.access import Principal, require_authenticated
from unionhub.identity.orgs import get_union
from unionhub.mall import sql
from unionhub.mall.models import FundsEntryKind, UnionFundsBudget
from unionhub.mall.union_funds import entry

# One allocation is an Int input (amountFen): at most ¥21,474,836.47. A year's total is read
# as Fen (schema/money.py), a JSON integer up to 2^53 − 1, and the column is a bigint.
MAX_ALLOCATION_FEN = 2**31 - 1
MAX_YEAR_ALLOCATION_FEN = 2**53 - 1
MIN_YEAR, MAX_YEAR = 2000, 2100


async def _budget_row(union_id: int, year: int) -> None:
    """Make sure the (union, year) row exists, in the allocation's transaction (a refused
    allocation leaves none). Two first allocations at once: the second's INSERT waits for the
    first's on the unique key, then does nothing, and its UPDATE reads the committed row."""
    await sql.rows("INSERT INTO mall_union_funds_budgets (union_id, year, allocated_fen,"
                   " spent_fen, to_children_fen) VALUES (?, ?, 0, 0, 0)"
                   " ON CONFLICT (union_id, year) DO NOTHING", [union_id, year])


def check_input(year: int, amount_fen: int) -> None:
    if not 0 < amount_fen <= MAX_ALLOCATION_FEN:
        raise ValidationFailed("the amount must be positive (and at most ¥21,474,836.47)",
                               field="amountFen", code="AMOUNT_OUT_OF_RANGE")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(f"year must be {MIN_YEAR}–{MAX_YEAR}", field="year",
                               code="YEAR_OUT_OF_RANGE")


async def _take_from_parent(parent_id: int, year: int, amount_fen: int) -> None:
    taken = await sql.rows(
        "UPDATE mall_union_funds_budgets SET to_children_fen = to_children_fen + ?"
        " WHERE union_id = ? AND year = ? AND spent_fen + to_children_fen + ? <= allocated_fen"
        " RETURNING id", [amount_fen, parent_id, year, amount_fen])
    if not taken:
        raise Conflict("your union's own funds for this year do not cover this allocation",
                       field="amountFen", code="PARENT_UNION_FUNDS_EXCEEDED")


async def credit(union_id: int, year: int, amount_fen: int, actor_id: int | None,
                 from_union_id: int | None = None) -> None:
    """Add `amount_fen` to the union's allocation for `year` and its ledger (ALLOCATION), in
    the caller's transaction, after whatever made the money available (the parent's
    `to_children_fen`, or an approved root proposal)."""
    await _budget_row(union_id, year)
    added = await sql.rows(
        "UPDATE mall_union_funds_budgets SET allocated_fen = allocated_fen + ?"
        " WHERE union_id = ? AND year = ? AND allocated_fen + ? <= ? RETURNING id",
        [amount_fen, union_id, year, amount_fen, MAX_YEAR_ALLOCATION_FEN])
    if not added:
        raise ValidationFailed("a year's allocation is at most 2^53 − 1 fen",
                               field="amountFen", code="AMOUNT_OUT_OF_RANGE")
    await entry(union_id, year, FundsEntryKind.ALLOCATION, amount_fen, actor_id,
                counterpart_union_id=from_union_id)


async def allocate(principal: Principal, union_id: int, year: int,
                   amount_fen: int) -> UnionFundsBudget:
    """Add `amount_fen` to a union's funds for `year`, out of its parent's funds for that
    year, by a cadre of the parent. The root's is refused: it goes through mall.root_funds."""
    actor_id = require_authenticated(principal)
    check_input(year, amount_fen)
    union = await get_union(union_id)
    parent_id = union.parent_id
    if parent_id is None and principal.is_admin:
        raise Conflict("the root union's funds are proposed by one admin and approved by "
                       "another (proposeRootUnionFunds)", field="unionId",
                       code="ROOT_UNION_FUNDS_NEED_APPROVAL")
    if parent_id is None or not (principal.is_cadre and principal.scope_org_id == parent_id):
        raise AccessDenied("a union's funds are allocated by a cadre of its parent union",
                           code="NOT_PARENT_UNION_CADRE")
    async with in_transaction():
        await _take_from_parent(parent_id, year, amount_fen)
        await entry(parent_id, year, FundsEntryKind.TO_CHILD, amount_fen, actor_id,
                    counterpart_union_id=union.id)
        await credit(union.id, year, amount_fen, actor_id, from_union_id=parent_id)
        await audit.record(audit.UNION_FUNDS_ALLOCATE, actor_id=actor_id, subject_type="union",
                           subject_id=union.id, union_id=union.id,
                           detail={"year": year, "amount_fen": amount_fen,
                                   "from_union_id": parent_id})
    return await UnionFundsBudget.get(union_id=union.id, year=year)
