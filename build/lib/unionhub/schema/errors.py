"""User errors in mutation payloads, and the rule for which errors reach the logs."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from graphql import GraphQLError

from unionhub import outages
from unionhub.errors import AccessDenied, DomainError, NotAuthenticated
from unionhub.i18n import translate

log = logging.getLogger("unionhub.graphql")
T = TypeVar("T")
P = TypeVar("P")


@strawberry.federation.type(shareable=True)  # every subgraph's payloads carry it
class UserError:
    code: str
    field: str | None
    # As raised (English): the `message` field answers it in the request's language. Both
    # private values are answered by resolvers, declared in the schema's field order.
    message: strawberry.Private[str]
    retry_after_seconds: strawberry.Private[int | None] = None

    @strawberry.field(name="message")
    def translated_message(self, info: strawberry.Info) -> str:
        return translate(self.message, info.context.language)

    @strawberry.field(name="retryAfterSeconds",
                      description="With RATE_LIMITED: seconds until another attempt is allowed.")
    def retry_after(self) -> int | None:
        return self.retry_after_seconds

    @classmethod
    def of(cls, error: DomainError) -> UserError:
        return cls(code=error.code, field=error.field, message=error.message,
                   retry_after_seconds=getattr(error, "retry_after_seconds", None))


async def payload(make: Callable[..., P], work: Awaitable[T],
                  shape: Callable[[T], dict]) -> P:
    """Run a domain call for a mutation: its result shaped into the payload, or its domain
    error as a `UserError`. Access denials stay GraphQL errors (FORBIDDEN/UNAUTHENTICATED)."""
    try:
        result = await work
    except (AccessDenied, NotAuthenticated):
        raise
    except DomainError as error:
        return make(errors=[UserError.of(error)])
    return make(errors=[], **shape(result))


def is_expected(error: GraphQLError) -> bool:
    """Validation errors, denials and domain errors are the client's business, not the log's."""
    original = error.original_error
    return original is None or isinstance(original, DomainError | GraphQLError)


def log_unexpected(errors: list[GraphQLError]) -> None:
    for error in errors:
        if not is_expected(error):
            dependency = outages.dependency_of(error.original_error)
            if dependency is not None:  # an outage: one warning per outage, no traceback
                outages.report(dependency, error.original_error)
                continue
            # The exception and its traceback, but never the variables (personal data).
            log.error("unexpected error at %s", error.path, exc_info=error.original_error)
