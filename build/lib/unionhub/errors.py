"""One small hierarchy of domain errors, each with a stable code.

Domains raise these; the GraphQL layer turns them into `UserError`s in a mutation payload
(`code`, `field`, `message`) or, for access denials, into GraphQL errors with
`extensions.code`. Messages never carry personal data, passwords or tokens.
"""

from __future__ import annotations


class DomainError(Exception):
    code: str = "INVALID"
    # The GraphQL error code when this error surfaces as a GraphQL error (not in a payload).
    graphql_code: str = "BAD_USER_INPUT"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    @property
    def extensions(self) -> dict[str, object]:
        """graphql-core copies this into the GraphQL error's `extensions`."""
        ext: dict[str, object] = {"code": self.graphql_code}
        if self.code != self.graphql_code:
            ext["reason"] = self.code
        if self.field:
            ext["field"] = self.field
        return ext


class ValidationFailed(DomainError):
    code = "INVALID_INPUT"


class NotFound(DomainError):
    code = "NOT_FOUND"
    graphql_code = "NOT_FOUND"


class Conflict(DomainError):
    code = "CONFLICT"


class InvalidTransition(DomainError):
    code = "INVALID_TRANSITION"


class AccessDenied(DomainError):
    """The caller is signed in but may not do this (GraphQL code FORBIDDEN)."""

    code = "FORBIDDEN"
    graphql_code = "FORBIDDEN"


class NotAuthenticated(DomainError):
    """The caller must sign in first (GraphQL code UNAUTHENTICATED)."""

    code = "UNAUTHENTICATED"
    graphql_code = "UNAUTHENTICATED"


class InvalidCredentials(DomainError):
    """A sign-in or token mistake made in a mutation's input (answered in its payload)."""

    code = "INVALID_CREDENTIALS"


class RateLimited(DomainError):
    code = "RATE_LIMITED"
    graphql_code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after_seconds: int, field: str | None = None):
        super().__init__(message, field=field)
        self.retry_after_seconds = retry_after_seconds

    @property
    def extensions(self) -> dict[str, object]:
        return {**super().extensions, "retryAfterSeconds": self.retry_after_seconds}


class DependencyUnavailable(Exception):
    """Something the platform depends on (a provider's API, a service) could not be reached or
    refused for now: not the caller's mistake and not a bug. Raise it (or a subclass, naming
    `dependency`) from a provider; an operation that fails with it answers SERVICE_UNAVAILABLE
    with `retryable: true` (unionhub/outages.py)."""

    dependency = "provider"
