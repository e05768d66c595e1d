"""Hot-path spans at a third of the SDK span's cost, handed to the same span processors.

The SDK's span is built for any thread and any caller: a lock per span, an attribute map that
validates under a lock, bounded lists for events and links made up front, tracer metrics, and a
second object (a ReadableSpan) built at its end. The hot lookup opens three spans a request
(server/operation, resolver, Redis command) from a single task, and measured in place they
cost 25-30 µs each: about 15% of the request (issue 8, point 3).

`start_lean_span` makes the same span with less: the tracer's own sampler and id generator
decide and number it exactly as the SDK would; attributes are kept in a plain dict and checked
once, at the end, against the SDK's rules and limits (through BoundedAttributes where a value
needs more than a type check); events and links are lists made only when used; and at its end
the span itself goes to the tracer's span processors: a lean span is also a ReadableSpan (what
processors and exporters receive from the SDK), frozen by its end (every setter is a no-op
once it has ended), so no second object is built. The SDK copies its span into a new
ReadableSpan because its spans may still be written to from other threads; a lean span
belongs to one task. Unlike the SDK's, `record_exception` keeps an exception's type only (no
message, no stack trace: observability/span_failure.py). Spans from other code (database
instrumentation, libraries) still come from the SDK and nest under these as usual: a lean
span is a `trace.Span`, current in the context like any other. Not thread-safe: a lean span
belongs to the task that opened it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from time import time_ns
from types import MappingProxyType
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.attributes import BoundedAttributes
from opentelemetry.sdk.trace import Event, ReadableSpan, Tracer
from opentelemetry.sdk.trace.sampling import Decision, ParentBased, StaticSampler
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags
from opentelemetry.util import types

from unionhub.observability.span_failure import exception_event

_UNSET = Status(StatusCode.UNSET)

# Marks a GraphQL operation's span for the slow-operation recorder (observability/
# slow_operations.py), which keeps the slowest operations with their slowest child spans.
OPERATION_ATTRIBUTE = "unionhub.operation"


class LeanSpan(trace.Span, ReadableSpan):
    __slots__ = (
        "_attrs",
        "_checked",
        "_children",
        "_context",
        "_end_time",
        "_events",
        "_kind",
        "_links",
        "_name",
        "_operation",
        "_parent",
        "_start_time",
        "_status",
        "_tracer",
    )

    def __init__(self, tracer: Any, name: str, context: SpanContext, parent: SpanContext | None,
                 kind: SpanKind, attributes: dict[str, types.AnyValue]) -> None:
        self._tracer = tracer
        self._name = name
        self._context = context
        self._parent = parent
        self._kind = kind
        self._attrs = attributes  # as given; validated when first read after the end
        self._checked: Mapping[str, types.AnyValue] | None = None
        # Lists while the span records, tuples once it has ended.
        self._events: list[Event] | tuple[Event, ...] | None = None
        self._links: list[Link] | tuple[Link, ...] | None = None
        self._status = _UNSET
        self._start_time = time_ns()
        self._end_time: int | None = None
        # The (name, duration ns, attributes) of the operation's finished descendants, one list
        # shared by the operation span and every lean span under it: a child adds itself at its end,
        # without the recorder looking it up per span (in place, that lookup cost more than
        # the span). None outside an operation.
        self._children: list[Child] | None = None
        self._operation = False  # a GraphQL operation's span (OPERATION_ATTRIBUTE at start)

    # --- trace.Span ------------------------------------------------------------------------

    def get_span_context(self) -> SpanContext:
        return self._context

    def is_recording(self) -> bool:
        return self._end_time is None

    # Attributes are kept as given and validated once, when first read after the end (by an
    # exporter, usually on its own thread), as the SDK's BoundedAttributes would have kept
    # them (the SDK validates at every set). Nothing on the request's path reads them.
    def set_attribute(self, key: str, value: types.AnyValue) -> None:
        if self._end_time is None:
            self._attrs[key] = value

    def set_attributes(self, attributes: Mapping[str, types.AnyValue]) -> None:
        if self._end_time is None:
            self._attrs.update(attributes)

    def update_name(self, name: str) -> None:
        if self._end_time is None:
            self._name = name

    def set_status(self, status: Status | StatusCode, description: str | None = None) -> None:
        # As the SDK: OK is final, UNSET is ignored.
        if self._end_time is not None or self._status.status_code is StatusCode.OK:
            return
        if isinstance(status, StatusCode):
            status = Status(status, description)
        if status.status_code is not StatusCode.UNSET:
            self._status = status

    def add_event(self, name: str, attributes: types.Attributes = None,
                  timestamp: int | None = None) -> None:
        if self._end_time is None:
            if self._events is None:
                self._events = []
            limits = self._tracer._span_limits
            self._events.append(Event(name, BoundedAttributes(
                limits.max_event_attributes, attributes, immutable=True,
                max_value_len=limits.max_attribute_length), timestamp or time_ns()))

    def add_link(self, context: SpanContext, attributes: types.Attributes = None) -> None:
        if self._end_time is None and context.is_valid:
            if self._links is None:
                self._links = []
            limits = self._tracer._span_limits
            self._links.append(Link(context, BoundedAttributes(
                limits.max_link_attributes, attributes, immutable=True,
                max_value_len=limits.max_attribute_length)))

    def record_exception(self, exception: BaseException, attributes: types.Attributes = None,
                         timestamp: int | None = None, escaped: bool = False) -> None:
        # Unlike the SDK's: the type only, no message or stack trace (`span_failure`).
        self.add_event("exception", exception_event(exception, escaped, attributes), timestamp)

    def end(self, end_time: int | None = None) -> None:
        if self._end_time is not None:
            return
        self._end_time = end_time if end_time is not None else time_ns()
        tracer = self._tracer
        # Frozen from here on (the setters above check `_end_time`): what the SDK's
        # ReadableSpan would hold, in place.
        self._events = tuple(self._events) if self._events else ()
        self._links = tuple(self._links) if self._links else ()
        if self._children is not None and not self._operation:
            add_child(self._children, self._name, self._end_time - self._start_time, self._attrs)
        tracer.span_processor.on_end(self)

    # --- what span processors read at `on_start` (the SDK hands them its span there) -----

    @property
    def name(self) -> str:
        return self._name

    @property
    def context(self) -> SpanContext:
        return self._context

    @property
    def parent(self) -> SpanContext | None:
        return self._parent

    @property
    def kind(self) -> SpanKind:
        return self._kind

    @property
    def _attributes(self) -> Mapping[str, types.AnyValue]:
        # What ReadableSpan's own methods (to_json, dropped_attributes) read, too.
        if self._end_time is None:
            return self._attrs
        checked = self._checked
        if checked is None:
            checked = self._checked = _final_attributes(self._attrs, self._tracer._span_limits)
        return checked

    @property
    def attributes(self) -> Mapping[str, types.AnyValue]:
        return MappingProxyType(self._attributes)

    @property
    def start_time(self) -> int:
        return self._start_time

    @property
    def end_time(self) -> int | None:
        return self._end_time

    @property
    def status(self) -> Status:
        return self._status

    @property
    def resource(self) -> Any:
        return self._tracer.resource

    @property
    def instrumentation_scope(self) -> Any:
        return self._tracer._instrumentation_scope

    # --- the rest of ReadableSpan (its methods read these private names) --------------------

    _instrumentation_info = None  # deprecated by the SDK: its spans carry None too

    @property
    def _resource(self) -> Any:
        return self._tracer.resource

    @property
    def _instrumentation_scope(self) -> Any:
        return self._tracer._instrumentation_scope

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(self._events) if self._events else ()

    @property
    def links(self) -> tuple[Link, ...]:
        return tuple(self._links) if self._links else ()

    def __repr__(self) -> str:
        return f'LeanSpan(name="{self._name}", context={self._context})'


_CHILDREN_KEPT = 5  # the slowest children a slow-operation record names
# A finished child: name, duration (ns), its attributes (the span's own frozen mapping, not a copy)
Child = tuple[str, int, Mapping[str, Any] | None]


def _duration(child: Child) -> int:
    return child[1]


def add_child(children: list[Child], name: str, duration_ns: int, attributes: Any = None) -> None:
    """A finished span joins its operation's list, which stays bounded on operations with
    many spans (the slowest are kept)."""
    children.append((name, duration_ns, attributes))
    if len(children) > 4 * _CHILDREN_KEPT:
        children.sort(key=_duration, reverse=True)
        del children[_CHILDREN_KEPT:]


def slowest_children(children: list[Child]) -> list[Child]:
    """What a slow-operation record names: the slowest children, slowest first."""
    return sorted(children, key=_duration, reverse=True)[:_CHILDREN_KEPT]


_PLAIN = frozenset((str, bool, int, float))
_STR_KEYS = frozenset((str,))


def _final_attributes(attributes: dict[str, types.AnyValue], limits: Any,
                      ) -> Mapping[str, types.AnyValue]:
    """The attributes as processors receive them. When every key is a non-empty string and
    every value a plain str/bool/int/float within the limits (our spans' case), the SDK's
    validation would keep them unchanged: the dict itself is kept (read through `attributes`,
    a read-only view; no setter changes it once the span has ended). The type checks run in C
    (sets of the keys' and values' types): it runs for every exported span. Anything else goes
    through the SDK's BoundedAttributes."""
    max_count, max_len = limits.max_span_attributes, limits.max_span_attribute_length
    if ((max_count is None or len(attributes) <= max_count)
            and set(map(type, attributes)) <= _STR_KEYS and "" not in attributes):
        value_types = set(map(type, attributes.values()))
        if value_types <= _PLAIN and (max_len is None or str not in value_types or all(
                len(v) <= max_len for v in attributes.values() if type(v) is str)):
            return attributes
    return BoundedAttributes(max_count, attributes, immutable=True, max_value_len=max_len)


# id(sampler) -> (sampler, decisions for: no parent, remote sampled, remote not sampled, local
# sampled, local not sampled), or None when the sampler's answer depends on more than that.
_STATIC: dict[int, tuple[Any, tuple[Decision, ...] | None]] = {}


def _static_decisions(sampler: Any) -> tuple[Decision, ...] | None:
    """The SDK's default sampler (parentbased_always_on) and always_on/always_off decide from
    the parent's flags alone; their `should_sample` looks the parent up twice more and builds a
    result object, about half of a span's cost. Other samplers (ratios) are asked as usual."""
    cached = _STATIC.get(id(sampler))
    if cached is not None and cached[0] is sampler:
        return cached[1]
    decisions: tuple[Decision, ...] | None = None
    if type(sampler) is StaticSampler:
        decisions = (sampler._decision,) * 5
    elif type(sampler) is ParentBased:
        delegates = (sampler._root, sampler._remote_parent_sampled,
                     sampler._remote_parent_not_sampled, sampler._local_parent_sampled,
                     sampler._local_parent_not_sampled)
        if all(type(d) is StaticSampler for d in delegates):
            decisions = tuple(d._decision for d in delegates)
    if len(_STATIC) > 16:
        _STATIC.clear()
    _STATIC[id(sampler)] = (sampler, decisions)
    return decisions


def start_lean_span(tracer: Any, name: str, context: otel_context.Context | None = None,
                    kind: SpanKind = SpanKind.INTERNAL,
                    attributes: types.Attributes = None,
                    links: Sequence[Link] = ()) -> trace.Span:
    """What `tracer.start_span` does for an SDK tracer (same sampling, ids, flags and trace
    state; processors' `on_start`), returning a `LeanSpan` when the span records. Any other
    tracer (no SDK provider installed) starts its own span."""
    if not isinstance(tracer, Tracer):
        return tracer.start_span(name, context=context, kind=kind, attributes=attributes,
                                 links=links)
    parent_span = trace.get_current_span(context)
    parent = parent_span.get_span_context()
    if not tracer._is_enabled():
        return trace.NonRecordingSpan(parent)
    if parent is None or not parent.is_valid:
        parent = None
        trace_id = tracer.id_generator.generate_trace_id()
        random_trace_id = tracer.id_generator.is_trace_id_random()
    else:
        trace_id = parent.trace_id
        random_trace_id = parent.trace_flags.random_trace_id
    static = _static_decisions(tracer.sampler)
    if static is not None:  # the sampler's own answer, without building a SamplingResult
        if parent is None:
            decision = static[0]
        elif parent.is_remote:
            decision = static[1] if parent.trace_flags.sampled else static[2]
        else:
            decision = static[3] if parent.trace_flags.sampled else static[4]
        trace_state = parent.trace_state if parent is not None else None
        span_attributes = dict(attributes) if attributes and decision.is_recording() else {}
    else:
        sampling = tracer.sampler.should_sample(context, trace_id, name, kind, attributes, links)
        decision, trace_state = sampling.decision, sampling.trace_state
        span_attributes = dict(sampling.attributes or {})
    flags = TraceFlags.SAMPLED if decision.is_sampled() else TraceFlags.DEFAULT
    if random_trace_id:
        flags |= TraceFlags.RANDOM_TRACE_ID
    span_context = SpanContext(trace_id, tracer.id_generator.generate_span_id(), is_remote=False,
                               trace_flags=TraceFlags(flags), trace_state=trace_state)
    if not decision.is_recording():
        return trace.NonRecordingSpan(span_context)
    span = LeanSpan(tracer, name, span_context, parent, kind, span_attributes)
    if span_attributes.get(OPERATION_ATTRIBUTE):
        span._operation, span._children = True, []
    elif type(parent_span) is LeanSpan and parent_span._children is not None:
        span._children = parent_span._children  # (the same trace: it is the parent's)
    for link in links:
        span.add_link(link.context, link.attributes)
    tracer.span_processor.on_start(span, parent_context=context)
    return span
