"""Union funds (工会经费集采): a union's bulk orders paid from its yearly budget, under maker
and checker.

- A union's yearly allocation comes from its parent's funds (mall.funds_allocation): a cadre
  of the parent union moves it; the root union's, which has no parent, is set by an ADMIN.
- A bulk order (UNION_BULK: `placeOrder` with `forUnionId`) is the maker's request. It is
  paid when a second cadre approves it (`approve_payment`): not the cadre who placed it, a
  cadre whose scope holds the order's union, and above `union_funds_escalation_fen` a cadre
  of an ancestor of that union (their scope strictly above it). The line applies to a running
  total: what the union's own cadres approved in the last `union_funds_escalation_window_days`
  (rolling, less what came back), plus this order. So a purchase split into orders under the
  line still reaches a higher union; approvals by a higher union are not in that total.
- The approval spends the union's budget of the current year (Asia/Shanghai) by one
  conditional UPDATE (what it spent and passed on to its children, plus the amount, within its
  allocation; and a CHECK) in the transaction that marks the order paid: concurrent approvals
  and allocations never spend past the allocation.
- Cancelling an approved bulk order before it ships, or refunding it, returns the amount to
  the budget year it was spent from (`return_spend`).
- Every step writes a ledger entry (`mall_union_funds_entries`) and an audit row with the
  actor, the amount and the trace id, in the transaction of the change.

Refusals are specific and change nothing: an order outside the approver's scope answers
ORDER_NOT_FOUND like one that does not exist (no existence oracle); cancelOrder answers
someone else's bulk order outside the caller's scope as it answers a missing order (NOT_FOUND).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from unionhub.clock import today_shanghai, utcnow
from unionhub.db import is_postgres
from unionhub.errors import AccessDenied, Conflict, InvalidTransition, NotFound
from unionhub.identity import audit
from unionhub.identity.access import Principal, path_in_scope, require_authenticated
from unionhub.identity.orgs import get_union
from unionhub.mall import money_counts, orders, sql
from unionhub.mall.models import (
    FundsEntryKind,
    Order,
    OrderKind,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    UnionFundsBudget,
    UnionFundsEntry,
)
from unionhub.observability.context import current_trace_id
from unionhub.settings import get_settings

_PAID_FROM_FUNDS = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED)


def funds_year() -> int:
    return today_shanghai().year


@dataclass(frozen=True)
class Ledger:
    union_id: int
    year: int
    allocated_fen: int
    spent_fen: int
    to_children_fen: int  # allocated on to its child unions
    entries: QuerySet[UnionFundsEntry]  # newest first

    @property
    def available_fen(self) -> int:
        return self.allocated_fen - self.spent_fen - self.to_children_fen


async def entry(union_id: int, year: int, kind: FundsEntryKind, amount_fen: int,
                actor_id: int | None, order_id: int | None = None, approved_above: bool = False,
                counterpart_union_id: int | None = None) -> None:
    await UnionFundsEntry.create(union_id=union_id, year=year, kind=kind, amount_fen=amount_fen,
                                 actor_id=actor_id, order_id=order_id,
                                 trace_id=current_trace_id(), approved_above=approved_above,
                                 counterpart_union_id=counterpart_union_id)


async def _order_for_approver(principal: Principal, order_id: int) -> Order:
    order = await Order.get_or_none(id=order_id)
    if order is None or not path_in_scope(principal, order.union_path):
        raise NotFound("order not found", field="orderId", code="ORDER_NOT_FOUND")
    return order


def _check_approver(principal: Principal, approver_id: int, order: Order) -> None:
    if not principal.is_cadre:
        raise AccessDenied("union funds are approved by a union cadre",
                           code="APPROVER_NOT_CADRE")
    if order.kind != OrderKind.UNION_BULK:
        raise Conflict("personal orders are never paid from union funds", field="orderId",
                       code="UNION_FUNDS_BULK_ONLY")
    if order.member_id == approver_id:
        raise Conflict("the cadre who placed a bulk order cannot approve its payment",
                       field="orderId", code="SELF_APPROVAL")
    if order.status in _PAID_FROM_FUNDS and order.payment_method == PaymentMethod.UNION_FUNDS:
        raise InvalidTransition("this order's payment is approved already", field="orderId",
                                code="ALREADY_APPROVED")
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise InvalidTransition(f"cannot approve payment of an order that is "
                                f"{order.status.value}", field="orderId")
    if order.expires_at <= utcnow():
        raise InvalidTransition("the payment window of this order has closed", field="orderId",
                                code="ORDER_EXPIRED")
    if (order.payable_fen > get_settings().union_funds_escalation_fen
            and principal.scope_path == order.union_path):
        raise Conflict("an amount this large is approved by a cadre of a higher union",
                       field="orderId", code="APPROVAL_NEEDS_ANCESTOR_UNION")


# What the union's own cadres approved since ?, less what came back: the running total. The
# order being approved is left out: a racing approval of it that committed first makes this
# one ALREADY_APPROVED below, not an escalation.
_OWN_LEVEL_SPENT = (
    "SELECT COALESCE(SUM(s.amount_fen), 0) AS spent FROM mall_union_funds_entries s"
    " WHERE s.union_id = ? AND s.year >= ? AND s.kind = 'SPEND' AND NOT s.approved_above"
    " AND s.at >= ? AND s.order_id <> ? AND NOT EXISTS (SELECT 1 FROM mall_union_funds_entries r"
    " WHERE r.order_id = s.order_id AND r.kind = 'RETURN')")


async def _check_own_level_total(order: Order) -> None:
    """A checker of the union itself approves only while the union's own approvals in the
    window, with this order, stay within the line. Call first in the approval's transaction."""
    settings = get_settings()
    # Same-level approvals of one union run this one at a time, each reading the total the
    # ones before committed (READ COMMITTED: a new snapshot per statement). The lock is the
    # union's, not its budget row's: taken before anything else, it cannot invert the order
    # row → sales summary → budget row order of the other paths (no deadlock), and it holds
    # across New Year (one budget row per year). Released at commit or rollback (PgBouncer-safe).
    # SQLite runs one transaction at a time.
    if is_postgres():
        await sql.rows("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
                       [f"mall.union_funds.escalation:{order.union_id}"])
    days = settings.union_funds_escalation_window_days
    since = utcnow() - timedelta(days=days)
    # (A spend in the window has a budget year of at least `since`'s: bounds the index scan.)
    found = await sql.one(_OWN_LEVEL_SPENT, [order.union_id, since.year, since, order.id])
    spent = int(found["spent"]) if found else 0
    if spent + order.payable_fen > settings.union_funds_escalation_fen:
        raise Conflict(f"with the bulk orders this union's own cadres approved in the last "
                       f"{days} days, this order passes the amount they may approve: a cadre "
                       f"of a higher union approves it",
                       field="orderId", code="APPROVAL_NEEDS_ANCESTOR_UNION")


async def _spend(union_id: int, year: int, amount_fen: int) -> bool:
    spent = await sql.rows(
        "UPDATE mall_union_funds_budgets SET spent_fen = spent_fen + ?"
        " WHERE union_id = ? AND year = ? AND spent_fen + to_children_fen + ? <= allocated_fen"
        " RETURNING id",
        [amount_fen, union_id, year, amount_fen])
    return bool(spent)


async def approve_payment(principal: Principal, order_id: int) -> tuple[Order, Payment]:
    """The checker's approval: the order is paid from its union's budget of this year."""
    approver_id = require_authenticated(principal)
    order = await _order_for_approver(principal, order_id)
    _check_approver(principal, approver_id, order)
    year, amount = funds_year(), order.payable_fen
    own_level = principal.scope_path == order.union_path
    async with in_transaction():
        if own_level:
            await _check_own_level_total(order)
        # Events in the order they happen: the approval, then the payment it makes.
        await orders.record_event(order.id, "UNION_FUNDS_APPROVED", approver_id, None, None,
                                  amount_fen=amount, year=year, maker_id=order.member_id)
        if not await orders.mark_paid(order, approver_id, PaymentMethod.UNION_FUNDS.value):
            raise InvalidTransition("this order's payment is approved already, or the order "
                                    "no longer awaits payment", field="orderId",
                                    code="ALREADY_APPROVED")
        if not await _spend(order.union_id, year, amount):
            raise Conflict("the union's funds for this year do not cover this order",
                           field="orderId", code="UNION_FUNDS_BUDGET_EXCEEDED")
        payment = await Payment.create(
            order_id=order.id, method=PaymentMethod.UNION_FUNDS, provider="union_funds",
            amount_fen=amount, status=PaymentStatus.SUCCEEDED, confirmed_by_id=approver_id,
            succeeded_at=utcnow())
        await entry(order.union_id, year, FundsEntryKind.SPEND, amount, approver_id, order.id,
                     approved_above=not own_level)
        await audit.record(audit.UNION_FUNDS_APPROVE, actor_id=approver_id,
                           subject_type="order", subject_id=order.id,
                           detail={"union_id": order.union_id, "year": year,
                                   "amount_fen": amount, "maker_id": order.member_id})
    money_counts.count([money_counts.paid(PaymentMethod.UNION_FUNDS.value, amount)])
    return await orders.get_order(order.id), payment


async def return_spend(order: Order, actor_id: int | None, reason: str) -> int:
    """Give an approved order's amount back to the budget year it was spent from. Call
    inside the transaction of the transition that undid the order (it happens once with it).
    Returns the amount returned (0: nothing was spent for this order)."""
    spend = await UnionFundsEntry.filter(order_id=order.id, kind=FundsEntryKind.SPEND).first()
    if spend is None or await UnionFundsEntry.exists(order_id=order.id,
                                                     kind=FundsEntryKind.RETURN):
        return 0
    await sql.rows("UPDATE mall_union_funds_budgets SET spent_fen = spent_fen - ?"
                   " WHERE union_id = ? AND year = ?",
                   [spend.amount_fen, spend.union_id, spend.year])
    await entry(spend.union_id, spend.year, FundsEntryKind.RETURN, spend.amount_fen, actor_id,
                 order.id)
    await audit.record(audit.UNION_FUNDS_RETURN, actor_id=actor_id, subject_type="order",
                       subject_id=order.id,
                       detail={"union_id": spend.union_id, "year": spend.year,
                               "amount_fen": spend.amount_fen, "reason": reason})
    return int(spend.amount_fen)  # (Tortoise types BigIntField values as Any)


async def cancel_bulk_order(principal: Principal, order: Order) -> bool:
    """A bulk order is cancelled by its maker or a cadre whose scope holds its union: while
    it awaits approval (stock comes back), or approved and not yet shipped (stock and the
    union funds come back). False: the order is in neither state."""
    actor_id = require_authenticated(principal)
    if order.member_id != actor_id and not path_in_scope(principal, order.union_path):
        # As cancelOrder answers a missing order (orders.get_order): same code, message and
        # field, so the refusal does not tell that the id is a bulk order.
        raise NotFound("order not found", field="orderId")
    if order.status == OrderStatus.PENDING_PAYMENT:
        cancelled = await orders.cancel(order, actor_id, "BY_CADRE")
        if cancelled:  # nothing was spent; the step is still on the audit log
            await audit.record("mall.order.bulk_cancel", actor_id=actor_id, subject_type="order",
                               subject_id=order.id, detail={"union_id": order.union_id,
                                                            "amount_fen": order.payable_fen})
        return cancelled
    async with in_transaction():
        if not await orders.transition(order, (OrderStatus.PAID,), OrderStatus.CANCELLED,
                                       "CANCELLED_BY_CADRE", actor_id, cancelled_at=utcnow()):
            return False
        await orders.release_stock(order)
        await Payment.filter(order_id=order.id, method=PaymentMethod.UNION_FUNDS,
                             status=PaymentStatus.SUCCEEDED).update(status=PaymentStatus.REFUNDED)
        returned = await return_spend(order, actor_id, "CANCELLED")
        await orders.record_event(order.id, "UNION_FUNDS_RETURNED", actor_id, None, None,
                                  amount_fen=returned)
    return True


def check_payment_method(principal: Principal, order: Order, method: PaymentMethod) -> None:
    """`payOrder` never pays from union funds (the checker's approval does), and a bulk order
    is paid from nothing else."""
    if not orders.can_view(principal, order):
        raise NotFound("order not found", field="orderId")
    if method == PaymentMethod.UNION_FUNDS and order.kind != OrderKind.UNION_BULK:
        raise Conflict("personal orders are never paid from union funds", field="method",
                       code="UNION_FUNDS_BULK_ONLY")
    if method == PaymentMethod.UNION_FUNDS:
        raise Conflict("a bulk order is paid when a second cadre approves it "
                       "(approveUnionFundsPayment)", field="method",
                       code="UNION_FUNDS_APPROVAL_REQUIRED")
    if order.kind == OrderKind.UNION_BULK:
        raise Conflict("a union's bulk order is paid from union funds only", field="method",
                       code="BULK_ORDER_UNION_FUNDS_ONLY")


async def ledger(principal: Principal, union_id: int, year: int) -> Ledger:
    """A union's funds for a year: cadres whose scope holds the union (its own and those
    above it)."""
    require_authenticated(principal)
    union = await get_union(union_id)
    if not path_in_scope(principal, union.path):
        raise AccessDenied("this union is outside your scope")
    budget = await UnionFundsBudget.get_or_none(union_id=union.id, year=year)
    return Ledger(union_id=union.id, year=year,
                  allocated_fen=budget.allocated_fen if budget else 0,
                  spent_fen=budget.spent_fen if budget else 0,
                  to_children_fen=budget.to_children_fen if budget else 0,
                  entries=UnionFundsEntry.filter(union_id=union.id, year=year))


async def ledgers(union_ids: list[int], year: int) -> dict[int, Ledger]:
    """The totals `ledger` answers for many unions at once (the cockpit's drill-down): one
    query; the caller checks scope. A union without a budget has zeros."""
    found = {b.union_id: b for b in await UnionFundsBudget.filter(
        union_id__in=union_ids, year=year)}
    return {uid: Ledger(union_id=uid, year=year,
                        allocated_fen=found[uid].allocated_fen if uid in found else 0,
                        spent_fen=found[uid].spent_fen if uid in found else 0,
                        to_children_fen=found[uid].to_children_fen if uid in found else 0,
                        entries=UnionFundsEntry.filter(union_id=uid, year=year))
            for uid in union_ids}
