"""Outside providers' calls and the open payment exceptions are metrics too (issue 19): SMS and
identity-verification calls by provider and outcome, and the gauge the dashboard and the
payment-exceptions alert read."""

from __future__ import annotations

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
