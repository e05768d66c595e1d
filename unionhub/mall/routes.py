"""HTTP routes of the mall outside GraphQL: the payment providers' notifications, and the
sandbox rail's pay page (answered 404 unless the sandbox rail is in use, never in production)."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from unionhub.mall import sandbox
from unionhub.mall.payments import apply_fact
from unionhub.mall.providers import provider_named
from unionhub.mall.providers.base import InvalidNotification, ProviderUnavailable

log = logging.getLogger(__name__)


async def provider_notification(request: Request) -> Response:
    provider = provider_named(request.path_params["provider"])
    if provider is None:  # not a rail this deployment uses
        return JSONResponse({"error": "not found"}, status_code=404)
    body = await request.body()
    try:
        fact = await provider.parse_notification(request.headers, body)
    except InvalidNotification as exc:
        log.warning("%s notification refused: %s", provider.name, exc)
        return provider.acknowledge(None)
    except ProviderUnavailable as exc:
        # Verification needs the provider (WeChat Pay's new platform certificate): refused
        # for now, the rail delivers it again.
        log.warning("%s notification not verifiable yet: %s", provider.name, exc)
        return provider.acknowledge(None)
    outcome = await apply_fact(provider.name, fact)
    # "unknown": a payment whose row is not written yet; "failed": the database refused an
    # effect. Refusing makes the rail redeliver.
    return provider.acknowledge(None if outcome in ("unknown", "failed") else outcome)


ROUTES = [Route("/webhooks/{provider}", provider_notification, methods=["POST"]),
          *sandbox.ROUTES]
