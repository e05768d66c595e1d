"""The OPERATOR's queue of money that needs a person: refunds a rail ended failed, payments
of the wrong amount, money for orders we do not have, payments and refunds left without a
final answer for days. deploy/OPERATORS.md says what to do with each kind.

An exception opens once per problem (`open_key`, unique while open), from inside the
transaction that noticed it. Resolving is one conditional update OPEN → RESOLVED, so of two
operators resolving at once exactly one does, and the other is told it was resolved already.
"""

from __future__ import annotations

import re
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.errors import Conflict, NotFound, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.access import Principal, require_authenticated
from unionhub.mall import money_audit, orders
from unionhub.mall.models import (
    Order,
    OrderEvent,
    Payment,
    PaymentException,
    PaymentExceptionAction,
    PaymentExceptionKind,
    PaymentExceptionStatus,
    PaymentStatus,
)
from unionhub.mall.providers import provider_named
from unionhub.mall.providers.base import PaymentFact, refunds_in
from unionhub.observability import metrics
from unionhub.plaintext import check_plain
from unionhub.settings import get_settings

MAX_NOTE = 500
MAX_AMOUNT_FEN = 2**31 - 1  # `amount_fen` is a 32-bit column and an Int in the schema
# RETRY means: a new refund at the rail (failed refunds), or ask the rail now (open too long).
RETRYABLE = (PaymentExceptionKind.REFUND_FAILED, PaymentExceptionKind.OPEN_TOO_LONG)


async def open_exception(kind: PaymentExceptionKind, *, provider: str, reason: str,
                         payment: Payment | None = None, provider_ref: str | None = None,
                         order_id: int | None = None, amount_fen: int | None = None,
                         currency: str = "cny") -> bool:
    """Open an exception unless the same one is open already; True when this call opened it.
    Safe inside the caller's transaction (a savepoint holds the insert and its audit row).
    `amount_fen` in another `currency` is no fen: the exception keeps none (its reason says
    what arrived), its audit row the amount and currency."""
    ref = provider_ref or (payment.provider_ref if payment else None)
    key = f"{kind.value}:{payment.id}" if payment else f"{kind.value}:{provider}:{ref}"
    said = payment.amount_fen if payment and amount_fen is None else amount_fen
    amount = said if currency == "cny" else None
    if amount is not None and not -MAX_AMOUNT_FEN - 1 <= amount <= MAX_AMOUNT_FEN:
        # A rail's absurd figure would not fit the column: the exception must still open.
        reason, amount = f"{said} fen: {reason}", None
    try:
        async with in_transaction():
            opened = await PaymentException.create(
                kind=kind, open_key=key[:100], provider=provider, provider_ref=ref,
                payment_id=payment.id if payment else None,
                order_id=payment.order_id if payment else order_id,
                amount_fen=amount, reason=reason[:200])
            await money_audit.exception_opened(opened, said, currency)
    except IntegrityError:
        return False  # open already: one problem, one exception
    # Counted inside the caller's transaction: if it rolls back, the fact is applied again and
    # counts again, so a page may repeat but is never lost.
    metrics.PAYMENT_EXCEPTIONS_OPENED.add(1, {"kind": kind.value, "provider": provider})
    if payment is not None:
        await OrderEvent.create(order_id=payment.order_id, kind="PAYMENT_EXCEPTION_OPENED",
                                detail={"payment_id": payment.id, "exception": kind.value})
    return True


async def publish_open_count() -> int:
    """The open exceptions, for the `unionhub.mall.payment_exceptions.open` gauge (dashboard and
    alert): set by the periodic job and after each resolution."""
    count = await PaymentException.filter(status=PaymentExceptionStatus.OPEN).count()
    metrics.PAYMENT_EXCEPTIONS_OPEN.set(count)
    return count


def listed(status: PaymentExceptionStatus | None) -> QuerySet[PaymentException]:
    qs = PaymentException.all()
    return qs.filter(status=status) if status is not None else qs


async def resolve(principal: Principal, exception_id: int, action: PaymentExceptionAction,
                  note: str | None) -> PaymentException:
    """Resolve one exception (OPERATOR; the tier is checked by the schema). RETRY asks the
    rail again through `retry`; HANDLED_OFFLINE records that a person settled it."""
    actor_id = require_authenticated(principal)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationFailed(f"the note is at most {MAX_NOTE} characters", field="note",
                               code="NOTE_TOO_LONG")
    check_plain(note, "note", lines=True)  # (not walked: see tests/bad_text_cases.UNCOVERED)
    if action == PaymentExceptionAction.HANDLED_OFFLINE and not note:
        raise ValidationFailed("say how it was handled", field="note", code="NOTE_REQUIRED")
    found = await PaymentException.get_or_none(id=exception_id)
    if found is None:
        raise NotFound("no such payment exception", field="id")
    if found.status == PaymentExceptionStatus.RESOLVED:
        raise _already_resolved()
    if action == PaymentExceptionAction.RETRY and found.kind not in RETRYABLE:
        raise Conflict(f"{found.kind.value} cannot be retried; handle it offline", field="action",
                       code="RETRY_NOT_APPLICABLE")
    payment = await Payment.get_or_none(id=found.payment_id) if found.payment_id else None
    if (action == PaymentExceptionAction.RETRY and found.kind == PaymentExceptionKind.REFUND_FAILED
            and (payment is None or payment.status != PaymentStatus.REFUND_FAILED)):
        raise Conflict("this refund is no longer failed", field="action", code="RETRY_NOT_APPLICABLE")
    if action == PaymentExceptionAction.RETRY and payment is not None:
        _check_rail_refunds(payment)
    async with in_transaction():
        if found.order_id is not None:  # the order first, as a rail's fact takes it (settle)
            await orders.lock_before_payment(found.order_id)
        moved = await PaymentException.filter(
            id=found.id, status=PaymentExceptionStatus.OPEN).update(
            status=PaymentExceptionStatus.RESOLVED, open_key=None, resolved_at=utcnow(),
            resolved_by_id=actor_id, resolution=action, note=note or None)
        if not moved:
            raise _already_resolved()
        if action == PaymentExceptionAction.RETRY and payment is not None:
            await _prepare_retry(found, payment)
        await audit.record(audit.PAYMENT_EXCEPTION_RESOLVE, actor_id=actor_id,
                           subject_type="payment_exception", subject_id=found.id,
                           detail={"action": action.value, "kind": found.kind.value,
                                   "payment": found.payment_id, "order": found.order_id,
                                   "amount_fen": found.amount_fen})
    if action == PaymentExceptionAction.RETRY and payment is not None:
        await _retry(found, payment)
    await publish_open_count()
    return await PaymentException.get(id=found.id)


# A refund that lands settles what was open about it: its failure, or its waiting too long.
SETTLED_BY_REFUND = (PaymentExceptionKind.REFUND_FAILED, PaymentExceptionKind.OPEN_TOO_LONG)


async def settle(payment: Payment, why: str) -> None:
    """The rail has settled the payment (its refund landed): resolve its open exceptions about
    that, by the system (no resolver, no resolution; the note and the audit row say why), in
    the fact's transaction, which holds the order's row first. One conditional update each,
    as an operator's: of the two racing, one resolves it, the other is told it was."""
    for found in await PaymentException.filter(payment_id=payment.id, kind__in=SETTLED_BY_REFUND,
                                               status=PaymentExceptionStatus.OPEN):
        if not await PaymentException.filter(id=found.id, status=PaymentExceptionStatus.OPEN
                                             ).update(status=PaymentExceptionStatus.RESOLVED,
                                                      open_key=None, resolved_at=utcnow(),
                                                      note=f"resolved by the system: {why}"):
            continue
        await audit.record(audit.PAYMENT_EXCEPTION_RESOLVE, actor_id=None,
                           subject_type="payment_exception", subject_id=found.id,
                           detail={"action": None, "by": payment.provider, "reason": why,
                                   "kind": found.kind.value, "payment": found.payment_id,
                                   "order": found.order_id, "amount_fen": found.amount_fen})
        await OrderEvent.create(order_id=payment.order_id, kind="PAYMENT_EXCEPTION_SETTLED",
                                detail={"payment_id": payment.id, "exception": found.kind.value})


async def flag_refund_after_offline(payment: Payment, refunded_fen: int) -> None:
    """The rail's refund landed (the payment just became REFUNDED): if a person had settled
    its failure, or its waiting too long, HANDLED_OFFLINE (paid the member back by bank
    transfer), the member may now hold the money twice: REFUNDED_TWICE, for a person. In the
    fact's transaction."""
    about_refund = Q(kind=PaymentExceptionKind.REFUND_FAILED)
    if payment.refund_requested_at is not None:  # (an open payment's wait is no refund's)
        about_refund |= Q(kind=PaymentExceptionKind.OPEN_TOO_LONG,
                          created_at__gte=payment.refund_requested_at)
    if await PaymentException.filter(
            about_refund, payment_id=payment.id, status=PaymentExceptionStatus.RESOLVED,
            resolution=PaymentExceptionAction.HANDLED_OFFLINE).exists():
        await open_exception(
            PaymentExceptionKind.REFUNDED_TWICE, payment=payment, provider=payment.provider,
            amount_fen=refunded_fen,
            reason="the rail refunded after its refund was resolved HANDLED_OFFLINE: the "
                   "member may have been paid back twice")


def _check_rail_refunds(payment: Payment) -> None:
    """A rail whose refunds cannot give back the currency its money came in refuses every
    attempt alike (mall.payments.request_refund): RETRY would only fail again."""
    provider = provider_named(payment.provider)
    currency = payment.paid_currency
    if currency is not None and provider is not None and not refunds_in(provider, currency):
        raise Conflict(f"{payment.provider} cannot refund money paid in {currency}; refund it "
                       "offline", field="action", code="RETRY_NOT_APPLICABLE")


def _already_resolved() -> Conflict:
    return Conflict("this payment exception was resolved already", field="id",
                    code="EXCEPTION_ALREADY_RESOLVED")


async def _prepare_retry(found: PaymentException, payment: Payment) -> None:
    if found.kind == PaymentExceptionKind.REFUND_FAILED:
        # A new refund at the rail (its own refund number): the failed one stays failed there.
        await Payment.filter(id=payment.id, status=PaymentStatus.REFUND_FAILED).update(
            status=PaymentStatus.REFUND_PENDING, refund_ref=None,
            refund_attempt=payment.refund_attempt + 1, refund_requested_at=utcnow(),
            next_check_at=utcnow(), check_count=0)
        await OrderEvent.create(order_id=payment.order_id, kind="REFUND_RETRIED",
                                detail={"payment_id": payment.id,
                                        "attempt": payment.refund_attempt + 1})
    else:
        await Payment.filter(id=payment.id).update(next_check_at=utcnow(), check_count=0)


async def _retry(found: PaymentException, payment: Payment) -> None:
    """After the commit: ask the rail (an unreachable rail is asked again by the jobs)."""
    from unionhub.mall import payments, reconciliation  # they import this module

    if found.kind == PaymentExceptionKind.REFUND_FAILED:
        await payments.request_refund(payment.id)
    else:
        await reconciliation.reconcile_payment(await Payment.get(id=payment.id))


_TRADE_NUMBER = re.compile(r"^(\d{1,18})[AWC]$")  # our trade number, its prefix removed
# How long after an order's payment window a payment row of it may still be written: payOrder
# starts no trade after the window (and the rails close it then), and a start under way when
# it closed writes its row within its provider call's timeout.
ROW_GRACE = timedelta(minutes=10)


async def money_for_unknown_order(provider: str, fact: PaymentFact) -> None:
    """Money arrived for a payment we have no row of. For an order that exists, within its
    payment window and ROW_GRACE, its row is being written (the rail redelivers); after that
    it never will be (payOrder's write failed once the rail had opened the trade), and for an
    order we do not have at all, a person must give the money back."""
    prefix = get_settings().payment_reference_prefix
    ref = fact.provider_ref or ""
    match = _TRADE_NUMBER.match(ref[len(prefix):]) if ref.startswith(prefix) else None
    order_id = int(match.group(1)) if match else None
    if order_id is None and fact.detail.get("order_id", "").isdigit():
        order_id = int(fact.detail["order_id"])
    order = await Order.get_or_none(id=order_id) \
        if order_id is not None and order_id < 2**63 else None
    if order is not None and utcnow() < order.expires_at + ROW_GRACE:
        return
    reason = (f"{fact.event_type}: paid for order {order.id}, which has no payment of this "
              f"trade" if order is not None else f"{fact.event_type}: paid for no order of ours")
    await open_exception(PaymentExceptionKind.UNKNOWN_ORDER, provider=provider,
                         provider_ref=ref[:64] or None, amount_fen=fact.amount_fen,
                         currency=(fact.currency or "cny")[:8],
                         order_id=order.id if order is not None else None,
                         reason=reason[:200])
