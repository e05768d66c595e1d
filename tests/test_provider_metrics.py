"""Outside providers' calls and the open payment exceptions are metrics too (issue 19): SMS and
identity-verification calls by provider and outcome, and the gauge the dashboard and the
payment-exceptions alert read."""

from __future__ import annotations

from opentelemetry.trace import SpanKind

from tests.metrics_helpers import points, total
from tests.sms import sms_code
from unionhub.identity.privacy import CURRENT
from unionhub.mall import payment_exceptions
from unionhub.mall.models import PaymentExceptionKind

VERIFY = """mutation V($input: VerifyIdentityInput!) { verifyIdentity(input: $input) {
  errors { code } } }"""


async def test_sms_and_identity_provider_calls_are_counted(gql, factory):
    member = await factory.account(verified=False)
    sms_before = total("unionhub.sms.requests", {"provider": "sandbox", "outcome": "ok"})
    idv_before = total("unionhub.identity_provider.requests",
                       {"provider": "sandbox", "outcome": "ok"})
    await sms_code(gql, "13812340001")
    # A mismatch is still an answered call; a malformed number never reaches the provider.
    r = await gql(VERIFY, {"input": {"name": "钱二", "idNumber": "610111196601070000",
                                     "consentVersion": CURRENT.version}}, token=member.token)
    assert r.data["verifyIdentity"]["errors"] == [{"code": "IDENTITY_NOT_VERIFIED"}]
    r = await gql(VERIFY, {"input": {"name": "钱二", "idNumber": "610111196601070001",
                                     "consentVersion": CURRENT.version}}, token=member.token)
    assert r.data["verifyIdentity"]["errors"][0]["code"] != "IDENTITY_NOT_VERIFIED"
    assert total("unionhub.sms.requests", {"provider": "sandbox", "outcome": "ok"}) == \
        sms_before + 1
    assert total("unionhub.identity_provider.requests",
                 {"provider": "sandbox", "outcome": "ok"}) == idv_before + 1


async def test_open_payment_exceptions_are_a_gauge():
    opened = await payment_exceptions.open_exception(
        PaymentExceptionKind.UNKNOWN_ORDER, provider="stripe", reason="test",
        provider_ref="pi_stray_1")
    assert opened
    assert await payment_exceptions.publish_open_count() == 1
    [point] = points("unionhub.mall.payment_exceptions.open")
    assert point.value == 1


async def test_provider_calls_are_spans_and_durations_with_their_outcome(gql, factory, spans):
    """Which provider call was slow, from a member's complaint: each call is a CLIENT span in
    the request's trace (provider, operation, outcome; no phone, name or ID number) and a
    point of unionhub.provider.request.duration by kind, provider and outcome (the runbook's
    provider-call p99)."""
    duration = "unionhub.provider.request.duration"
    sms = {"kind": "sms", "provider": "sandbox", "outcome": "ok"}
    idv = {"kind": "identity", "provider": "sandbox", "outcome": "ok"}
    sms_before, idv_before = total(duration, sms), total(duration, idv)
    member = await factory.account(verified=False)
    await sms_code(gql, "13812340002")
    r = await gql(VERIFY, {"input": {"name": "钱二", "idNumber": "610111196601070000",
                                     "consentVersion": CURRENT.version}}, token=member.token)
    assert r.data["verifyIdentity"]["errors"] == [{"code": "IDENTITY_NOT_VERIFIED"}]
    assert total(duration, sms) >= sms_before + 1
    assert total(duration, idv) == idv_before + 1
    calls = {s.name: s for s in spans.get_finished_spans()
             if (s.attributes or {}).get("unionhub.provider.kind")}
    assert {"sms send_code", "identity verify"} <= calls.keys(), sorted(calls)
    verify = calls["identity verify"]
    assert verify.kind is SpanKind.CLIENT and verify.parent is not None
    assert dict(verify.attributes) == {
        "unionhub.provider.kind": "identity", "unionhub.provider.name": "sandbox",
        "unionhub.provider.operation": "verify", "unionhub.provider.outcome": "ok"}
    assert format(verify.context.trace_id, "032x") == r.body["extensions"]["traceId"]
