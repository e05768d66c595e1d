"""The once-only gate of the rails' facts (mall.payments.apply_fact): a fact whose id was
applied before is a duplicate, acknowledged and not applied again; any other integrity error
raised while applying it is a failure, refused so the rail delivers it again, and logged."""

from __future__ import annotations

import logging

import pytest

from tests.mall.conftest import send
from tests.mall.refund_flows import _paying
from tests.metrics_helpers import assert_alert_watches, total
from unionhub import db
from unionhub.mall.models import OrderEvent, ProviderEvent

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

# A constraint the handlers do not expect (as a future one would be): a second
# PAYMENT_FAILED event of an order is refused by the database.
ONE_DECLINE = ("CREATE UNIQUE INDEX test_one_decline ON mall_order_events (order_id) "
               "WHERE kind = 'PAYMENT_FAILED'")


async def test_an_integrity_error_in_a_handler_fails_the_notice(http, gql, factory, mall,
                                                                stripe_api, caplog):
    """apply_fact answered "duplicate" to any IntegrityError: the rail was told the notice was
    taken, nothing of it was applied, and no one was told."""
    member = await factory.account()
    order_id, ref = await _paying(gql, member, mall, stripe_api)
    first = stripe_api.decline(ref)
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path, first))
    connection = db.conn()
    await connection.execute_script(ONE_DECLINE)
    try:
        second = stripe_api.decline(ref)
        with caplog.at_level(logging.ERROR, logger="unionhub.mall.payments"):
            answer = await send(http, stripe_api.webhook_path, second)
        assert not stripe_api.accepted(answer)  # refused: the rail delivers it again
        assert "integrity" in caplog.text.lower()
        assert ref not in caplog.text  # (ids of ours only)
        assert await ProviderEvent.filter(provider="stripe").count() == 1  # not recorded
    finally:
        await connection.execute_script("DROP INDEX test_one_decline")
    # Redelivered once the cause is gone, it is applied.
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path, second))
    assert await OrderEvent.filter(order_id=int(order_id), kind="PAYMENT_FAILED").count() == 2
    # A fact applied before is still the duplicate it is: acknowledged, not applied again.
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path, second))
    assert await OrderEvent.filter(order_id=int(order_id), kind="PAYMENT_FAILED").count() == 2


async def test_a_failed_notice_is_counted_and_paged(http, gql, factory, mall, stripe_api):
    """A fact the database refused was logged and nothing else: no metric, no alert, so a
    notice failing at every redelivery paged no one. It is counted by provider and outcome,
    and UnionHubPaymentFactsFailing watches the failed ones."""
    name = "unionhub.mall.payment_facts"
    failed = {"provider": "stripe", "outcome": "failed"}
    before = total(name, failed)
    applied_before = total(name, {"provider": "stripe", "outcome": "applied"})
    member = await factory.account()
    _, ref = await _paying(gql, member, mall, stripe_api)
    assert stripe_api.accepted(await send(http, stripe_api.webhook_path, stripe_api.decline(ref)))
    connection = db.conn()
    await connection.execute_script(ONE_DECLINE)
    try:
        answer = await send(http, stripe_api.webhook_path, stripe_api.decline(ref))
        assert not stripe_api.accepted(answer)
    finally:
        await connection.execute_script("DROP INDEX test_one_decline")
    assert total(name, failed) == before + 1
    assert total(name, {"provider": "stripe", "outcome": "applied"}) >= applied_before + 1
    assert_alert_watches("UnionHubPaymentFactsFailing", name, failed)
