"""What the tracing tests share: a member who signed up, verified and joined through the API
(with the secrets used, so a test can look for them in spans), the lookups they make, and
spans picked by trace and by kind."""

from __future__ import annotations

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind

from tests.sms import sms_code
from unionhub.identity.privacy import CURRENT as _NOTICE

# The standard variables that choose an OTLP exporter and a sampler (cleared by tests that set
# their own).
OTEL_VARS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
             "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
             "OTEL_TRACES_EXPORTER", "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG")

PHONE = "13812345678"
PASSWORD = "long-enough-1"
ID_NUMBER = "11010519491231002X"

REGISTER = """mutation Register($input: RegisterInput!) {
  register(input: $input) { accessToken refreshToken errors { code } } }"""
LOGIN = """mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken errors { code } } }"""
LOGIN_BY_SMS = """mutation LoginBySms($input: LoginBySmsInput!) {
  loginBySms(input: $input) { accessToken errors { code } } }"""
REFRESH = """mutation Refresh($input: RefreshTokenInput!) {
  refreshToken(input: $input) { accessToken refreshToken errors { code } } }"""
VERIFY = """mutation Verify($input: VerifyIdentityInput!) {
  verifyIdentity(input: $input) { member { id } errors { code } } }"""
JOIN = """mutation Join($input: ApplyToJoinInput!) {
  applyToJoin(input: $input) { application { status } errors { code } } }"""
ME = "query Me { me { id card { number } } }"
BY_CARD = """query MemberByCard($cardNo: String!) {
  member(cardNo: $cardNo) { id displayName tier phone name idNumber joinedAt
    card { number status } union { id name level regionCode } } }"""
SEARCH = "query Search($u: ID!, $s: String) { members(unionId: $u, search: $s) { edges { node { id } } } }"
SLOW = """query Slow { slowOperations { traceId operationName durationMs at
  slowestSpans { name durationMs } } }"""

CONSENT = _NOTICE.version  # verifyIdentity records consent to the current notice


async def verified_member(gql, tree) -> dict[str, str]:
    """A member who registered, verified and joined through the API; returns the secrets used."""
    code = await sms_code(gql, PHONE)
    reg = await gql(REGISTER, {"input": {"phone": PHONE, "password": PASSWORD, "smsCode": code}})
    assert reg.data["register"]["errors"] == []
    access = reg.data["register"]["accessToken"]
    ver = await gql(VERIFY, {"input": {"name": "张三丰", "idNumber": ID_NUMBER,
                                       "consentVersion": CONSENT}}, token=access)
    assert ver.data["verifyIdentity"]["errors"] == []
    join = await gql(JOIN, {"input": {"joinCode": tree.grassroots["A"][1].join_code}},
                     token=access)
    assert join.data["applyToJoin"]["application"]["status"] == "APPROVED"
    me = await gql(ME, token=access)
    return {"access": access, "refresh": reg.data["register"]["refreshToken"], "sms code": code,
            "card": me.data["me"]["card"]["number"], "id": me.data["me"]["id"]}


def by_trace(spans: list[ReadableSpan], trace_id: str) -> list[ReadableSpan]:
    return [s for s in spans if format(s.context.trace_id, "032x") == trace_id]


def is_db(span: ReadableSpan) -> bool:
    return span.kind == SpanKind.CLIENT and (span.attributes or {}).get("db.system") not in (
        None, "redis")


def is_redis(span: ReadableSpan) -> bool:
    return span.kind == SpanKind.CLIENT and (span.attributes or {}).get("db.system") == "redis"
