"""Log lines an operator can search at 3 a.m.: one JSON object a line with time, level,
logger and the trace id the client was shown (observability/logs.py), from `unionhub serve`
as a real process, uvicorn's own lines included."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import logging.config
import os
from collections.abc import Iterator

import httpx
from tortoise import connections

from tests.processes import ROOT, free_port, stopped, unionhub, wait_healthy
from unionhub import db
from unionhub.identity.models import Member
from unionhub.observability.logs import (
    STATEMENT_LOGGERS,
    JsonFormatter,
    guard_statement_loggers,
    log_config,
)
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
    said = "boom"  # (a message made at run time: a frame's source line shows the code)
    try:
        raise RuntimeError(said)
    except RuntimeError:
        logger.exception("periodic job %s failed", "mall.reconcile_payments")
    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["level"] == "ERROR"
    assert "Traceback" in record["exception"] and "in test_an_exception" in record["exception"]
    assert "RuntimeError (message withheld)" in record["exception"]
    assert '"boom"' not in line and "RuntimeError: boom" not in line


ID_NUMBER = "11010519491231002X"


async def test_a_drivers_failure_is_logged_by_its_types_and_frames_never_its_message():
    """asyncpg quotes the parameter it could not encode, SQLite the JSON path: the logged
    traceback keeps the chain of types and where each was raised, not the value."""
    stream = io.StringIO()
    logger = _logger(stream)
    conn = connections.get("default")
    try:
        if db.is_postgres():
            await conn.execute_query("SELECT $1::int", [ID_NUMBER])
        else:
            await conn.execute_query(f"SELECT json_extract('{{}}', '{ID_NUMBER}')")
    except Exception as exc:
        assert ID_NUMBER in str(exc) + str(exc.__cause__)  # what the driver said
        logger.error("unexpected error at %s", ["member"], exc_info=exc)
    [line] = stream.getvalue().splitlines()
    exception = json.loads(line)["exception"]
    assert ID_NUMBER not in line, exception
    assert "tortoise.exceptions.OperationalError (message withheld)" in exception
    assert ("During handling of the above exception" in exception  # the driver's, then
            or "was the direct cause" in exception)  # tortoise's (asyncpg's: `from exc`)
    assert exception.count("(message withheld)") >= 2  # each exception of the chain
    assert "test_a_drivers_failure_is_logged" in exception  # the frames are kept


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


# --- statements' parameters never reach the log, whatever its level ---------------------------

MARKER = "bidx-marker-7f3a9c"  # a value sent as a statement's parameter (a blind index, say)


@contextlib.contextmanager
def _logging_restored() -> Iterator[None]:
    """The test reconfigures logging as a process would; everything it touches comes back."""
    root = logging.getLogger()
    names = [*log_config()["loggers"], *STATEMENT_LOGGERS]
    saved = [(logging.getLogger(n), logging.getLogger(n).level,
              logging.getLogger(n).handlers[:], logging.getLogger(n).propagate,
              logging.getLogger(n).filters[:]) for n in names]
    root_state = (root.level, root.handlers[:])
    try:
        yield
    finally:
        root.setLevel(root_state[0])
        root.handlers[:] = root_state[1]
        for logger, level, handlers, propagate, filters in saved:
            logger.setLevel(level)
            logger.handlers[:], logger.propagate, logger.filters[:] = handlers, propagate, filters


def _configured(level: str, sql_parameters: bool = False) -> io.StringIO:
    """`serve`'s and `worker`'s configuration at `level`, its stderr handler read back."""
    logging.config.dictConfig(log_config(level, sql_parameters))
    guard_statement_loggers(sql_parameters)  # as db.init_db does
    stream = io.StringIO()
    [handler] = logging.getLogger().handlers
    handler.setStream(stream)  # type: ignore[attr-defined]
    return stream


async def _query_with_the_marker() -> None:
    await Member.filter(phone_bidx=MARKER).exists()
    await Member.filter(phone_bidx__in=[MARKER, "other"]).count()


async def test_a_query_at_debug_logs_no_parameter():
    with _logging_restored():
        stream = _configured("DEBUG")
        logging.getLogger("unionhub.debug_probe").debug("debug lines are on")
        await _query_with_the_marker()
        out = stream.getvalue()
        assert "debug lines are on" in out
        assert MARKER not in out, out[-2000:]
        # The developer's switch: the same statements then log with their values (this is
        # what the guard holds back).
        stream = _configured("DEBUG", sql_parameters=True)
        await _query_with_the_marker()
        assert MARKER in stream.getvalue()
    guard_statement_loggers()


async def test_a_root_logger_lowered_to_debug_elsewhere_logs_no_parameter():
    """However the level is lowered (basicConfig, a test runner's --log-level, a debugger),
    the statement loggers stay quiet below INFO."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    with _logging_restored():
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        for name in STATEMENT_LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG)
        await _query_with_the_marker()
    assert MARKER not in stream.getvalue(), stream.getvalue()[-2000:]
