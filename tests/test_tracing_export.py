"""Tracing's set-up from the standard OpenTelemetry variables: an OTLP exporter only when an
endpoint is given (gRPC or HTTP, the SDK's own paths), the provider's processors, and the
sampler named by OTEL_TRACES_SAMPLER."""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from tests.tracing_helpers import OTEL_VARS
from unionhub.observability import tracing


@pytest.fixture
def otel_env(monkeypatch):
    for name in OTEL_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_no_otlp_exporter_without_an_endpoint(otel_env):
    assert tracing.otlp_exporter_from_env() is None
    otel_env.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    assert tracing.otlp_exporter_from_env() is None
    otel_env.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    otel_env.setenv("OTEL_TRACES_EXPORTER", "none")
    assert tracing.otlp_exporter_from_env() is None


def test_otlp_exporter_follows_the_standard_variables(otel_env):
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as Grpc
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as Http

    # Nothing is exported in these tests: exporters connect only when they send a batch.
    otel_env.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    grpc = tracing.otlp_exporter_from_env()
    assert isinstance(grpc, Grpc)
    grpc.shutdown()

    otel_env.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    http = tracing.otlp_exporter_from_env()
    assert isinstance(http, Http)
    assert http._endpoint == "http://127.0.0.1:9/v1/traces"  # the SDK appends the signal path
    http.shutdown()

    otel_env.delenv("OTEL_EXPORTER_OTLP_ENDPOINT")
    otel_env.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:9/custom")
    http = tracing.otlp_exporter_from_env()
    assert isinstance(http, Http) and http._endpoint == "http://127.0.0.1:9/custom"
    http.shutdown()


def _processors(provider) -> list[Any]:
    return list(provider._active_span_processor._span_processors)


def test_the_provider_exports_over_otlp_only_when_asked(otel_env):
    provider, recorder = tracing.build_provider("unionhub-otlp-test", 10, 5)
    assert _processors(provider) == [recorder]
    provider.shutdown()

    otel_env.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    otel_env.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    provider, recorder = tracing.build_provider("unionhub-otlp-test", 10, 5)
    processors = _processors(provider)
    assert processors[0] is recorder and len(processors) == 2
    assert isinstance(processors[1], BatchSpanProcessor)
    assert provider.resource.attributes["service.name"] == "unionhub-otlp-test"
    provider.shutdown()  # no span was started, so the batch processor has nothing to send


def test_sampling_follows_otel_traces_sampler(otel_env):
    otel_env.setenv("OTEL_TRACES_SAMPLER", "traceidratio")
    otel_env.setenv("OTEL_TRACES_SAMPLER_ARG", "0.1")
    provider, _ = tracing.build_provider("unionhub-sampler-test", 10, 5)
    assert "TraceIdRatioBased{0.1}" in provider.sampler.get_description()
    provider.shutdown()
