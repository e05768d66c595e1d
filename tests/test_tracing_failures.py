"""A request that fails on the server is a failed trace: its operation span says ERROR, so the
tail export keeps it (observability/tail_export.py) and the slow list marks it failed, and the
trace id the client was shown finds it."""

from __future__ import annotations

from unionhub.identity.lookup import invalidate_member
from unionhub.identity.models import Member
from unionhub.observability.tail_export import TailExportProcessor

# A resolver without a span of its own (not one of the hot ones that `traced` wraps).
LIST = "query List($u: ID!) { members(unionId: $u) { edges { node { id phone } } } }"


async def _a_masked_error(gql, factory):
    """A real server-side failure: a stored phone under a key the process does not hold."""
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    member = await factory.account()
    await Member.filter(id=member.member.id).update(
        phone_enc="x9:QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB")
    await invalidate_member(member.member.id)
    result = await gql(LIST, {"u": str(tree.province.id)}, token=cadre.token)
    assert result.error_codes() == ["INTERNAL_SERVER_ERROR"]
    return result.body["extensions"]["traceId"]


async def test_an_internal_error_marks_the_operation_span_failed(gql, factory, spans):
    trace_id = await _a_masked_error(gql, factory)
    trace = [s for s in spans.get_finished_spans()
             if format(s.context.trace_id, "032x") == trace_id]
    [operation] = [s for s in trace if (s.attributes or {}).get("unionhub.operation")]
    assert operation.name == "query List"
    assert not operation.status.is_ok, operation.status
    # The status says what kind of failure, never its message (it may hold anything).
    assert operation.status.description in (None, "INTERNAL_SERVER_ERROR")


class _Kept:
    def __init__(self) -> None:
        self.spans: list = []

    def on_end(self, span) -> None:
        self.spans.append(span)


async def test_the_tail_export_keeps_a_failed_request_sampled_at_zero(gql, factory, spans):
    trace_id = await _a_masked_error(gql, factory)
    trace = sorted((s for s in spans.get_finished_spans()
                    if format(s.context.trace_id, "032x") == trace_id),
                   key=lambda s: s.end_time)
    kept = _Kept()
    tail = TailExportProcessor(kept, slow_ms=60_000, ratio=0.0)  # type: ignore[arg-type]
    for span in trace:  # in the order they ended, as the provider hands them on
        tail.on_end(span)
    assert kept.spans, "a request answered INTERNAL_SERVER_ERROR was dropped from export"


BOTH_KEYS = 'query Both { member(id: "1", cardNo: "6217990000000000001") { id } }'


async def test_a_refusal_is_not_a_failure(gql, factory, spans):
    """A member's mistake (a refusal with its code) leaves the resolver span unset, with the
    refusal's code as an attribute and no exception event (a message may quote input): only
    server failures fill the tail export's and the slow list's failed views."""
    member = await factory.account()
    spans.clear()
    result = await gql(BOTH_KEYS, token=member.token)
    assert result.error_codes() == ["BAD_USER_INPUT"]
    unauthenticated = await gql('query One { member(id: "1") { id } }')
    assert unauthenticated.error_codes() == ["UNAUTHENTICATED"]
    finished = spans.get_finished_spans()
    refusals = [s.attributes.get("unionhub.refusal") for s in finished
                if s.name == "resolve member"]
    for span in finished:
        assert span.status.is_unset, (span.name, span.status)
        assert not span.events, (span.name, span.events)
    assert refusals == ["ONE_KEY_REQUIRED"]
    kept = _Kept()
    tail = TailExportProcessor(kept, slow_ms=60_000, ratio=0.0)  # type: ignore[arg-type]
    for span in sorted(finished, key=lambda s: s.end_time):
        tail.on_end(span)
    assert kept.spans == []


def test_an_unexpected_error_is_recorded_by_its_type_only(spans):
    """A server failure marks its span ERROR, but neither the status nor the exception event
    holds the exception's message: it may hold anything (a driver's message quotes values)."""
    from unionhub.observability.tracing import active_span

    spans.clear()
    try:
        with active_span("resolve member"):
            raise RuntimeError('duplicate key (phone)=(13812345678)')
    except RuntimeError:
        pass
    (span,) = spans.get_finished_spans()
    assert span.status.is_ok is False and span.status.description == "RuntimeError"
    for event in span.events:
        assert not any("13812345678" in str(v) for v in event.attributes.values()), event
