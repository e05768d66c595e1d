"""The processes' log lines: one JSON object a line on stderr, with the trace id.

Without this, `unionhub serve` had uvicorn's logging only (its own `uvicorn.*` loggers), and
`unionhub worker` none: our `unionhub.*` warnings and errors reached stderr through Python's
last-resort handler as bare messages (no time, level, logger or trace id) and info lines
were dropped. Each line here holds `time` (UTC), `level`, `logger`, `message`, the current
span's `trace_id` and `span_id` when there is one (the id a client was shown in
`extensions.traceId`, to go from a member's complaint to the log and back), and `exception`
(the traceback) when one is logged. Messages are the callers' own: they never hold personal
data (docs/architecture.md, "Observability"). The traceback names each exception by its type
only, as spans do (observability/span_failure.py): an exception's message may quote what it
was given (asyncpg's `Key (phone_bidx)=(...) already exists` or `invalid input for query
argument $1: '...'`, pydantic's `input_value=...`, a KeyError's key), and the frames (file,
line, function, source line) say where it happened.

The database libraries log every statement with its parameters at DEBUG (tortoise's
`tortoise.db_client`: `query: [values]`, and its pool's parameters; aiosqlite: each call with
its arguments). Encrypted columns are ciphertext there, but blind indexes, names searched for,
amounts, token hashes and codes' hashes are not: `guard_statement_loggers` keeps those loggers
at INFO and drops any record of theirs below it, whatever the root level, unless a developer
sets UNIONHUB_LOG_SQL_PARAMETERS=true (refused in production).
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from typing import Any

from opentelemetry import trace

from unionhub.observability.span_failure import exception_type

_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
# Loggers that print statements' parameters at DEBUG (asyncpg logs none today: capped anyway).
STATEMENT_LOGGERS = ("tortoise.db_client", "aiosqlite", "asyncpg")


class _NoStatementParameters(logging.Filter):
    """Drops a statement logger's records below INFO (its statements with their values)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO


_GUARD = _NoStatementParameters("")


def guard_statement_loggers(allow_parameters: bool = False) -> None:
    """Keeps the statement loggers from emitting statements and their parameters (capped at
    INFO, their DEBUG records dropped even if a level is lowered later); `allow_parameters`
    (UNIONHUB_LOG_SQL_PARAMETERS, a developer's switch) lets them through again."""
    for name in STATEMENT_LOGGERS:
        logger = logging.getLogger(name)
        if allow_parameters:
            logger.removeFilter(_GUARD)
            if logger.level == logging.INFO:
                logger.setLevel(logging.NOTSET)
        else:
            logger.addFilter(_GUARD)  # (once: addFilter keeps a filter once)
            if logger.level < logging.INFO:
                logger.setLevel(logging.INFO)


_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def traceback_without_messages(exc: BaseException) -> str:
    """The traceback Python prints, its causes and contexts too, with each exception's line
    reduced to its type (`... (message withheld)`)."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT
        else:
            current = None
    parts: list[str] = []
    for error, link in reversed(chain):
        if error.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(error.__traceback__))
        parts.append(f"{exception_type(error)} (message withheld)\n")
        if link:
            parts.append(link)
    return "".join(parts).rstrip("\n")


class JsonFormatter(logging.Formatter):
    def formatException(self, ei: Any) -> str:
        """The traceback without the exceptions' messages (`traceback_without_messages`)."""
        exc: BaseException | None = ei[1] if isinstance(ei, tuple) else ei
        return traceback_without_messages(exc) if exc is not None else "NoneType"

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
        }
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            line["trace_id"] = format(context.trace_id, "032x")
            line["span_id"] = format(context.span_id, "016x")
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def log_config(level: str = "INFO", sql_parameters: bool = False) -> dict[str, Any]:
    """A `logging.config.dictConfig` for a process (uvicorn takes it as `log_config`, and
    sets it up in each of its worker processes): every logger, uvicorn's and arq's too, to
    one JSON handler on stderr. arq logs each job's start and end at INFO (several lines a
    second with the 5- and 10-second jobs): from WARNING only, which keeps its failures. The
    statement loggers stay at INFO unless `sql_parameters` (and `db.init_db` guards them:
    `guard_statement_loggers`)."""
    level = level.upper() if level.upper() in _LEVELS else "INFO"
    statement_level = level if sql_parameters or level != "DEBUG" else "INFO"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stderr"}},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            # uvicorn's own set-up gives these handlers and stops propagation: undone here.
            "uvicorn": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.error": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
            "arq": {"level": "WARNING", "handlers": [], "propagate": True},
            **{name: {"level": statement_level, "handlers": [], "propagate": True}
               for name in STATEMENT_LOGGERS},
        },
    }
