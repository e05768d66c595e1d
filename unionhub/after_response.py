"""Work a request (or a periodic job run) leaves for after its response: `defer(fn, item)`
inside it collects items per function; when the request ends (its response sent, its
transactions over) each function runs once with its items. Outside a request or job,
`defer` returns False and the caller does the work its own way.

Used by the audit chain (identity/audit_linker.py): rows written in the request's
transactions are linked once, after the response, instead of by a background task that
would run into the next request.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar, Token
from typing import Any

log = logging.getLogger(__name__)

Work = Callable[[list[Any]], Awaitable[None]]
_deferred: ContextVar[dict[Work, list[Any]] | None] = ContextVar("after_response", default=None)


def start() -> Token[dict[Work, list[Any]] | None]:
    return _deferred.set({})


def defer(fn: Work, item: Any) -> bool:
    """`fn(items)` after the current request; False when there is none."""
    work = _deferred.get()
    if work is None:
        return False
    work.setdefault(fn, []).append(item)
    return True


async def finish(token: Token[dict[Work, list[Any]] | None]) -> None:
    """Run what the request deferred. A failure is logged, not raised: the response is gone,
    and each user of this has its own catch-up (the audit linker's sweep)."""
    work = _deferred.get() or {}
    _deferred.reset(token)
    for fn, items in work.items():
        try:
            await fn(items)
        except Exception:
            log.exception("work deferred to after the response failed")
