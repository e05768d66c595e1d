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


class ProviderConfigurationError(RuntimeError):
    """A configured provider lacks its settings: raised at start-up, naming the variables to
    set (never their values)."""


def require(settings: object, names: list[str], provider: str) -> None:
    missing = [n for n in names if not getattr(settings, n, None)]
    if missing:
        variables = ", ".join(f"UNIONHUB_{n.upper()}" for n in missing)
        raise ProviderConfigurationError(f"the {provider} provider needs {variables}")
