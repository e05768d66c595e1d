"""Tracing, read back through the SDK's in-memory exporter: one trace per request with the HTTP,
operation, resolver, database and Redis spans; no personal data or secret in any span; the
slowest operations kept for operators. (OTLP export and sampling: test_tracing_export.py.)"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind

from tests.sms import sms_code
from tests.tracing_helpers import (
    BY_CARD,
    ID_NUMBER,
    LOGIN,
    LOGIN_BY_SMS,
    PASSWORD,
    PHONE,
    REFRESH,
    SEARCH,
    SLOW,
    is_db,
    is_redis,
    verified_member,
)
from unionhub.observability import tracing


async def test_a_lookup_is_one_trace_from_http_to_database_and_redis(gql, factory, spans):
    tree = await factory.tree()
    member = await verified_member(gql, tree)
    cadre = await factory.cadre(tree.counties["A"])
    spans.clear()

    result = await gql(BY_CARD, {"cardNo": member["card"]}, token=cadre.token)
    assert result.errors == []
    assert result.data["member"]["id"] == member["id"]
    trace_id = result.body["extensions"]["traceId"]
    finished = spans.get_finished_spans()
    assert {format(s.context.trace_id, "032x") for s in finished} == {trace_id}
    by_id = {s.context.span_id: s for s in finished}

    # Over HTTP the server span is the operation span: named after the operation, carrying
    # both the request's and the operation's attributes.
    (operation,) = [s for s in finished if s.kind == SpanKind.SERVER]
    assert operation.name == "query MemberByCard"
    assert operation.parent is None and operation.attributes["http.status_code"] == 200
    assert operation.attributes["http.method"] == "POST"
    assert operation.attributes["graphql.operation.name"] == "MemberByCard"
    assert operation.attributes["graphql.operation.type"] == "query"
    (resolver,) = [s for s in finished if s.name == "resolve member"]
    db_spans = [s for s in finished if is_db(s)]
    redis_spans = [s for s in finished if is_redis(s)]
    assert db_spans, "a cold lookup reads the database"
    assert redis_spans, "the lookup reads through the Redis cache"
    assert {s.attributes["db.system"] for s in db_spans} <= {"sqlite", "postgresql"}

    def ancestors(span: ReadableSpan) -> Iterator[ReadableSpan]:
        while span.parent is not None:
            span = by_id[span.parent.span_id]
            yield span

    # One tree: every span hangs under the operation (the request's root span).
    assert operation in ancestors(resolver)
    for span in [*db_spans, *redis_spans]:
        assert operation in ancestors(span), span.name
    # The card lookup (cache miss, then the database, then filling the cache) is the resolver's.
    assert any(resolver in ancestors(s) for s in db_spans)
    assert any(resolver in ancestors(s) for s in redis_spans)

    # No per-field spans: 13 fields were selected, but only the two named spans exist
    # besides database and Redis commands.
    others = [s.name for s in finished if not (is_db(s) or is_redis(s))]
    assert sorted(others) == sorted(["query MemberByCard", "resolve member"])


async def test_the_operation_span_is_named_after_the_operation(gql, factory, spans):
    await factory.tree()
    first = await gql("query A { unions { id } } query B { unions { name } }",
                      operation_name="B")
    anonymous = await gql("{ unions { id } }")
    names = {s.name for s in spans.get_finished_spans()
             if (s.attributes or {}).get("unionhub.operation")}
    assert names == {"query B", "query anonymous"}
    assert first.body["extensions"]["traceId"] != anonymous.body["extensions"]["traceId"]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str | bytes):
        yield value if isinstance(value, str) else value.decode(errors="replace")
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)
    elif value is not None:
        yield str(value)


def _everything_recorded(span: ReadableSpan) -> Iterator[str]:
    yield span.name
    for key, value in (span.attributes or {}).items():
        yield key
        yield from _strings(value)
    for event in span.events:
        yield event.name
        for value in (event.attributes or {}).values():
            yield from _strings(value)
    for link in span.links:
        for value in (link.attributes or {}).values():
            yield from _strings(value)
    yield from _strings(span.resource.attributes.values())


async def test_no_span_holds_a_phone_id_number_password_or_token(gql, http, factory, spans):
    tree = await factory.tree()
    member = await verified_member(gql, tree)
    login = await gql(LOGIN, {"input": {"phone": PHONE, "password": PASSWORD}})
    assert login.data["login"]["errors"] == []
    refreshed = await gql(REFRESH, {"input": {"refreshToken": login.data["login"]["refreshToken"]}})
    assert refreshed.data["refreshToken"]["errors"] == []
    wrong = await gql(LOGIN, {"input": {"phone": PHONE, "password": PASSWORD + "x"}})
    assert wrong.data["login"]["errors"]
    sms_login_code = await sms_code(gql, PHONE, "LOGIN")
    by_sms = await gql(LOGIN_BY_SMS, {"input": {"phone": PHONE, "smsCode": sms_login_code}})
    assert by_sms.data["loginBySms"]["errors"] == []
    cadre = await factory.cadre(tree.counties["A"])
    lookup = await gql(BY_CARD, {"cardNo": member["card"]}, token=cadre.token)
    assert lookup.data["member"]["idNumber"] == ID_NUMBER  # unmasked, so it went through spans
    union_id = str(tree.counties["A"].id)
    for term in (PHONE, ID_NUMBER):
        found = await gql(SEARCH, {"u": union_id, "s": term}, token=cadre.token)
        assert [e["node"]["id"] for e in found.data["members"]["edges"]] == [member["id"]]
    # The same search through GET: the query string holds the phone and must not reach spans.
    got = await http.get("/graphql", params={
        "query": SEARCH, "variables": json.dumps({"u": union_id, "s": PHONE})},
        headers={"Authorization": f"Bearer {cadre.token}", "Accept": "application/json",
                 "X-UnionHub-Request": "1"})
    assert got.status_code == 200 and got.json()["data"]["members"]["edges"]

    secrets = {
        "phone": PHONE, "id number": ID_NUMBER, "id number (lower case)": ID_NUMBER.lower(),
        "password": PASSWORD, "wrong password": PASSWORD + "x",
        "registration access token": member["access"],
        "registration refresh token": member["refresh"],
        "login access token": login.data["login"]["accessToken"],
        "login refresh token": login.data["login"]["refreshToken"],
        "sms login access token": by_sms.data["loginBySms"]["accessToken"],
        "refreshed access token": refreshed.data["refreshToken"]["accessToken"],
        "refreshed refresh token": refreshed.data["refreshToken"]["refreshToken"],
        "cadre token": cadre.token,
    }
    # Tokens are JWTs: their signature part alone must not leak either.
    secrets.update({f"{k} signature": v.rsplit(".", 1)[-1] for k, v in list(secrets.items())
                    if "token" in k and "." in v})
    finished = spans.get_finished_spans()
    assert len(finished) > 50
    assert any(is_db(s) for s in finished) and any(is_redis(s) for s in finished)
    leaks = [(span.name, what) for span in finished for text in _everything_recorded(span)
             for what, secret in secrets.items() if secret in text]
    assert leaks == []
    # The SMS codes (registration, SMS sign-in): six digits, looked for as a whole number.
    codes = {"registration sms code": member["sms code"], "login sms code": sms_login_code}
    leaks = [(span.name, what) for span in finished for text in _everything_recorded(span)
             for what, code in codes.items() if re.search(rf"(?<!\d){code}(?!\d)", text)]
    assert leaks == []


# --- slowOperations ------------------------------------------------------------------------

@pytest.fixture
def recorder(monkeypatch):
    rec = tracing.slow_operation_recorder()
    monkeypatch.setattr(rec, "threshold_ms", 0.0)
    return rec


async def test_operators_read_the_slowest_operations(gql, factory, recorder):
    tree = await factory.tree()
    member = await verified_member(gql, tree)
    cadre = await factory.cadre(tree.counties["A"])
    lookup = await gql(BY_CARD, {"cardNo": member["card"]}, token=cadre.token)
    trace_id = lookup.body["extensions"]["traceId"]
    operator = await factory.operator()

    result = await gql(SLOW, token=operator.token)
    assert result.errors == []
    records = result.data["slowOperations"]
    (entry,) = [r for r in records if r["traceId"] == trace_id]
    assert entry["operationName"] == "query MemberByCard"
    assert entry["durationMs"] > 0
    assert entry["at"].endswith("+00:00")
    names = [s["name"] for s in entry["slowestSpans"]]
    assert "resolve member" in names and len(names) <= 5
    assert all(0 <= s["durationMs"] <= entry["durationMs"] for s in entry["slowestSpans"])
    durations = [s["durationMs"] for s in entry["slowestSpans"]]
    assert durations == sorted(durations, reverse=True)
    # Slowest first, across every operation recorded.
    all_durations = [r["durationMs"] for r in records]
    assert all_durations == sorted(all_durations, reverse=True)
    assert {r["operationName"] for r in records} >= {
        "mutation Register", "mutation Verify", "query MemberByCard"}
    later = await gql("query Since($t: DateTime!) { slowOperations(since: $t) { traceId } }",
                      {"t": "2999-01-01T00:00:00+00:00"}, token=operator.token)
    assert later.errors == [] and later.data["slowOperations"] == []


async def test_the_slow_list_is_bounded_and_keeps_the_slowest(gql, factory, recorder,
                                                              monkeypatch):
    monkeypatch.setattr(recorder, "kept", 3)
    await factory.tree()
    for _ in range(6):
        await gql("query Roots { unions { id name children { id } } }")
    operator = await factory.operator()
    records = (await gql(SLOW, token=operator.token)).data["slowOperations"]
    assert len(records) == 3
    assert [r["durationMs"] for r in records] == sorted((r["durationMs"] for r in records),
                                                        reverse=True)
    assert len({r["traceId"] for r in records}) == 3


async def test_only_operators_read_slow_operations(gql, factory, recorder):
    await factory.tree()
    await gql("query Roots { unions { id } }")
    member = await factory.account()
    denied = await gql(SLOW, token=member.token)
    assert denied.error_codes() == ["FORBIDDEN"] and denied.data.get("slowOperations") is None
    cadre = await factory.cadre((await factory.tree()).province)
    assert (await gql(SLOW, token=cadre.token)).error_codes() == ["FORBIDDEN"]
    assert (await gql(SLOW)).error_codes() == ["UNAUTHENTICATED"]


async def test_the_http_span_continues_the_callers_trace_context(http, spans):
    """W3C traceparent in, the same trace id out (in the span and the response); the span
    carries the request's method and path (never the query string) and the status code."""
    caller_trace, caller_span = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    r = await http.post("/graphql?phone=13812345678", json={"query": "{ __typename }"}, headers={
        "traceparent": f"00-{caller_trace}-{caller_span}-01", "user-agent": "tests/1"})
    assert r.status_code == 200 and r.json()["extensions"]["traceId"] == caller_trace
    (server,) = [s for s in spans.get_finished_spans() if s.kind == SpanKind.SERVER]
    assert server.name == "query anonymous"  # the operation's span
    assert format(server.context.trace_id, "032x") == caller_trace
    assert server.parent is not None and format(server.parent.span_id, "016x") == caller_span
    attributes = dict(server.attributes)
    assert attributes["http.method"] == "POST" and attributes["http.status_code"] == 200
    assert attributes["http.target"] == attributes["http.url"] == "/graphql"
    assert attributes["http.user_agent"] == "tests/1"
    assert not any("13812345678" in str(v) for v in attributes.values())


async def test_without_a_traceparent_the_http_span_starts_a_trace(http, spans):
    r = await http.post("/graphql", json={"query": "{ __typename }"})
    (server,) = [s for s in spans.get_finished_spans() if s.kind == SpanKind.SERVER]
    assert server.parent is None and server.name == "query anonymous"
    assert format(server.context.trace_id, "032x") == r.json()["extensions"]["traceId"]


async def test_a_request_refused_before_any_operation_keeps_the_http_name(http, spans):
    r = await http.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400
    (server,) = [s for s in spans.get_finished_spans() if s.kind == SpanKind.SERVER]
    assert server.name == "POST /graphql" and server.attributes["http.status_code"] == 400


async def test_other_routes_get_their_own_http_span(http, spans):
    assert (await http.get("/health")).status_code == 200
    (server,) = [s for s in spans.get_finished_spans() if s.kind == SpanKind.SERVER]
    assert server.name == "GET /health" and "unionhub.operation" not in server.attributes


async def test_a_warm_card_lookup_is_one_redis_round_trip(gql, factory, spans):
    """Cache warm: the card's member id and the member's record come back in one script call
    (EVALSHA), and nothing is read from the database: its only statements write the audit row
    of the cadre's unmasked phone read."""
    tree = await factory.tree()
    member = await verified_member(gql, tree)
    cadre = await factory.cadre(tree.counties["A"])
    query = "query C($c: String!) { member(cardNo: $c) { id phone union { name } } }"
    first = await gql(query, {"c": member["card"]}, token=cadre.token)  # fills the cache
    spans.clear()
    warm = await gql(query, {"c": member["card"]}, token=cadre.token)
    assert warm.data == first.data and warm.data["member"]["phone"] == PHONE
    finished = spans.get_finished_spans()
    from unionhub.cache import is_cluster  # a cluster: the card's slot, then the member's

    assert [s.name for s in finished if is_redis(s)] == (
        ["GET", "GET"] if is_cluster() else ["EVALSHA"])
    statements = [str(s.attributes.get("db.statement", "")) for s in finished if is_db(s)]
    assert statements and all("audit_log" in q or "audit_chain_head" in q for q in statements)


async def test_the_fingerprint_groups_operations_by_shape_without_their_inlined_values(
        gql, factory, spans):
    # A client that inlines a card number instead of a variable: the operation span's
    # fingerprint must neither reveal it (a hash of the raw text could be tested against
    # guesses) nor tell two such lookups apart.
    import hashlib

    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    fingerprints, texts = [], []
    for number in ("6217990000000001", "6217990000000002"):
        text = 'query Inline { member(cardNo: "' + number + '") { id } }'
        spans.clear()
        await gql(text, token=cadre.token)
        (operation,) = [s for s in spans.get_finished_spans()
                        if s.name == "query Inline"]
        fingerprints.append(operation.attributes["graphql.document.fingerprint"])
        texts.append(text)
        assert number not in str(dict(operation.attributes))
    assert fingerprints[0] == fingerprints[1]
    assert fingerprints[0] not in {hashlib.sha256(t.encode()).hexdigest()[:16] for t in texts}
    spans.clear()
    await gql('query Inline { member(cardNo: "6217990000000001") { id displayName } }',
              token=cadre.token)
    (other,) = [s for s in spans.get_finished_spans() if s.name == "query Inline"]
    assert other.attributes["graphql.document.fingerprint"] != fingerprints[0]  # another shape


@pytest.mark.parametrize(("client", "network"), [
    ("203.0.113.77", "203.0.113.0/24"),
    ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::/48"),
])
async def test_the_http_span_keeps_the_clients_network_not_its_address(app, spans, client,
                                                                        network):
    """An IP address is personal data (PIPL): the server span keeps the client's /24 (IPv4) or
    /48 (IPv6) network, never the address or its port."""
    transport = httpx.ASGITransport(app=app, client=(client, 51234))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        r = await http.post("/graphql", json={"query": "{ __typename }"})
    assert r.status_code == 200
    for span in spans.get_finished_spans():
        values = [str(v) for v in (span.attributes or {}).values()]
        assert not any(client in v or "51234" in v for v in values), (span.name, values)
    (server,) = [s for s in spans.get_finished_spans() if s.kind == SpanKind.SERVER]
    assert server.attributes["client.network"] == network
