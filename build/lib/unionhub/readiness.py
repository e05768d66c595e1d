"""Readiness of the platform's dependencies: what GET /ready answers and the operators'
`readiness` query reads, from one place."""

from __future__ import annotations

from unionhub import cache, db

OK = "ok"


async def readiness_checks() -> dict[str, str]:
    """Each dependency: "ok" or "unavailable (ExceptionType)" (never the message: it may
    hold a host or a user name)."""
    checks: dict[str, str] = {}
    for name, probe in (("database", db.ping), ("redis", cache.ping)):
        try:
            await probe()
            checks[name] = OK
        except Exception as exc:  # readiness reports any failure; it never raises
            checks[name] = f"unavailable ({type(exc).__name__})"
    return checks
