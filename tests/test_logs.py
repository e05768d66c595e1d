"""Log lines an operator can search at 3 a.m.: one JSON object a line with time, level,
logger and the trace id the client was shown (observability/logs.py), from `unionhub serve`
as a real process, uvicorn's own lines included."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os

import httpx

from tests.processes import ROOT, free_port, stopped, unionhub, wait_healthy
from unionhub.observability.logs import JsonFormatter
from unionhub.observability.tracing import active_span


def _logger(stream: io.StringIO) -> logging.Logger:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("unionhub.test_logs")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def test_a_line_logged_inside_a_span_carries_its_trace_id():
    stream = io.StringIO()
    logger = _logger(stream)
    with active_span("query Lookup") as span:
        logger.warning("redis unavailable (%s)", "ConnectionError")
        trace_id = format(span.get_span_context().trace_id, "032x")
    logger.info("outside any span")
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["trace_id"] == trace_id and len(inside["span_id"]) == 16
    assert (inside["level"], inside["logger"], inside["message"]) == (
        "WARNING", "unionhub.test_logs", "redis unavailable (ConnectionError)")
    assert inside["time"].endswith("Z")
    assert "trace_id" not in outside and outside["level"] == "INFO"


def test_an_exception_is_one_line_with_its_traceback():
    stream = io.StringIO()
    logger = _logger(stream)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.exception("periodic job %s failed", "mall.reconcile_payments")
    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["level"] == "ERROR"
    assert "RuntimeError: boom" in record["exception"] and "Traceback" in record["exception"]


async def test_serve_writes_json_lines_uvicorns_included():
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *unionhub("serve", "--subgraph", "identity", "--port", str(port)), cwd=ROOT,
        env=dict(os.environ), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            await wait_healthy(client, process)
    finally:
        err = (await stopped(process)).decode()
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "serve logged nothing"
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"not a JSON log line: {line!r}\n{err[-2000:]}") from None
    assert all({"time", "level", "logger", "message"} <= r.keys() for r in records), records
    assert any(r["logger"].startswith("uvicorn") and "startup complete" in r["message"]
               for r in records), records
