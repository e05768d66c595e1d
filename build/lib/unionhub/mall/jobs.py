"""The mall's periodic jobs; each idempotent and safe on several workers at once."""

from __future__ import annotations

from unionhub.jobs import PeriodicJob
from unionhub.mall.campaigns import continue_pending_grants, expire_vouchers
from unionhub.mall.payment_exceptions import publish_open_count
from unionhub.mall.reconciliation import (
    cancel_expired_orders,
    reconcile_payments,
    retry_pending_refunds,
)

PERIODIC_JOBS = [
    PeriodicJob("mall.cancel_expired_orders", cancel_expired_orders, every_seconds=60),
    PeriodicJob("mall.expire_vouchers", expire_vouchers, every_seconds=600),
    PeriodicJob("mall.continue_pending_grants", continue_pending_grants, every_seconds=30),
    PeriodicJob("mall.retry_pending_refunds", retry_pending_refunds, every_seconds=300),
    PeriodicJob("mall.reconcile_payments", reconcile_payments, every_seconds=120),
    # The open payment exceptions' gauge, for processes that resolve none themselves.
    PeriodicJob("mall.count_payment_exceptions", publish_open_count, every_seconds=60),
]
