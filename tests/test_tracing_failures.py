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
