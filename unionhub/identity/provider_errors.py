"""Errors of the identity domain's outside services (SMS gateways, identity verification)."""

from __future__ import annotations

from unionhub.errors import DomainError


class ProviderUnavailable(DomainError):
    """The outside service did not answer, or answered that it cannot serve now. The app may
    retry: `retry_after_seconds` says when (UserError.retryAfterSeconds)."""

    graphql_code = "SERVICE_UNAVAILABLE"

    def __init__(self, message: str, *, code: str, retry_after_seconds: int = 30):
        super().__init__(message, code=code)
        self.retry_after_seconds = retry_after_seconds


class OutcomeUnknown(ProviderUnavailable):
    """The request may have reached the service and been acted on (no answer in time, or the
    connection lost after sending): unlike a refusal, the caller cannot assume nothing
    happened."""


def never_sent(error: BaseException) -> bool:
    """Whether a transport error (or one raised from it) happened before the request could
    reach the service: a connection refused or timed out, an unknown host. Anything later (a
    read timeout, a connection lost mid-answer) leaves the outcome unknown."""
    import socket

    import aiohttp
    import httpx

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
                      | aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError
                      | ConnectionRefusedError | socket.gaierror):
            return True
        # (Alibaba Cloud's SDK keeps aiohttp's error as its wrapper's `inner_exception`)
        current = (getattr(current, "inner_exception", None) or current.__cause__
                   or current.__context__)
    return False


class ProviderConfigurationError(RuntimeError):
    """A configured provider lacks its settings: raised at start-up, naming the variables to
    set (never their values)."""


def require(settings: object, names: list[str], provider: str) -> None:
    missing = [n for n in names if not getattr(settings, n, None)]
    if missing:
        variables = ", ".join(f"UNIONHUB_{n.upper()}" for n in missing)
        raise ProviderConfigurationError(f"the {provider} provider needs {variables}")
