"""HTTP routes of the mall outside GraphQL: Stripe's webhook."""

from __future__ import annotations

import stripe
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from unionhub.mall.payments import handle_stripe_event, verify_stripe_event


async def stripe_webhook(request: Request) -> JSONResponse:
    body = await request.body()
    try:
        event = verify_stripe_event(body, request.headers.get("stripe-signature"))
    except stripe.SignatureVerificationError:
        return JSONResponse({"error": "invalid signature"}, status_code=400)
    except (ValueError, UnicodeDecodeError):
        return JSONResponse({"error": "invalid payload"}, status_code=400)
    outcome = await handle_stripe_event(event)
    # A duplicate is answered 200 too: Stripe stops redelivering it.
    return JSONResponse({"received": True, "outcome": outcome})


ROUTES = [Route("/webhooks/stripe", stripe_webhook, methods=["POST"])]
