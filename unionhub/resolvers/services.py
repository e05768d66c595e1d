"""Services' root resolvers: read arguments, call the domain, shape the payload."""

from __future__ import annotations

from typing import Annotated

import strawberry

from unionhub.errors import NotFound
from unionhub.fastpath.one_trip import together
from unionhub.identity import orgs
from unionhub.identity.access import require_authenticated
from unionhub.observability.tracing import traced
from unionhub.schema.errors import payload
from unionhub.schema.relay import After, Before, Connection, First, Last, connection, keyset_page
from unionhub.schema.service_point_types import ServicePoint, ServicePointPayload
from unionhub.schema.services_types import (
    Scorecard,
    ServiceItem,
    ServiceItemPayload,
    ServiceRequest,
    ServiceRequestPayload,
)
from unionhub.services import items, points, requests, scorecards
from unionhub.services.models import PointKind, RequestStatus, ServiceCategory, TimeLimitUnit


def _id(value: str | None, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound("no such id", field=field) from None


def _request(row) -> dict:
    return {"request": ServiceRequest(row=row)}


# --- queries -------------------------------------------------------------------------------

async def service_items(info: strawberry.Info,
                        union_id: Annotated[strawberry.ID | None, strawberry.argument(description=(
                            "The union whose members' menu to show."))] = None,
                        category: Annotated[ServiceCategory | None, strawberry.argument(description=(
                            "Only this category."))] = None,
                        ) -> list[ServiceItem]:
    """With unionId: what a member of that union may request (its own items and those of the
    orgs above it). Without: the caller's union's menu when signed in, else every item."""
    if union_id is not None:
        union = await orgs.get_union(_id(union_id, "unionId"))
        rows = await items.items_available_to(union, category)
    elif info.context.principal.member_id is not None:
        rec = await info.context.caller_record()
        union = await info.context.unions.load(rec.union_id) if rec else None
        rows = (await items.items_available_to(union, category) if union
                else await items.all_items(category))
    else:
        rows = await items.all_items(category)
    return [ServiceItem.of(r) for r in rows]


@traced("resolve myServiceRequests")
async def my_service_requests(info: strawberry.Info, first: First = None, after: After = None,
                              last: Last = None, before: Before = None,
                              ) -> Connection[ServiceRequest]:
    member_id = require_authenticated(info.context.principal)
    with together(info):  # one statement with the request's other lists
        rows, page = await keyset_page(requests.requests_of_member(member_id), first, after,
                                       newest_first=True, last=last, before=before)
    return connection([ServiceRequest(row=r, listed=True) for r in rows], [r.id for r in rows],
                      page)


@traced("resolve serviceRequests")
async def service_requests(info: strawberry.Info,
                           union_id: Annotated[strawberry.ID, strawberry.argument(description=(
                               "A union in the cadre's scope: requests its subtree handles."))],
                           status: Annotated[RequestStatus | None, strawberry.argument(description=(
                               "Only this status."))] = None,
                           overdue: Annotated[bool | None, strawberry.argument(description=(
                               "True: only open ones past their deadline; false: only the others."))] = None,
                           escalated: Annotated[bool | None, strawberry.argument(description=(
                               "True: only escalated ones; false: only the others."))] = None,
                           first: First = None, after: After = None, last: Last = None,
                           before: Before = None) -> Connection[ServiceRequest]:
    qs = await requests.requests_in_scope(info.context.principal, _id(union_id, "unionId"),
                                          status=status, overdue=overdue, escalated=escalated)
    rows, page = await keyset_page(qs, first, after, newest_first=True, last=last,
                                   before=before)
    return connection([ServiceRequest(row=r, listed=True) for r in rows], [r.id for r in rows],
                      page)


async def service_request(info: strawberry.Info,
                          id: Annotated[strawberry.ID, strawberry.argument(description=(
                              "The request's id."))]) -> ServiceRequest | None:
    require_authenticated(info.context.principal)
    try:
        key = int(id)
    except ValueError:
        return None
    row = await requests.get_visible(info.context.principal, key)
    return ServiceRequest(row=row) if row else None


async def nearby_service_points(info: strawberry.Info,
                                latitude: Annotated[float, strawberry.argument(description=(
                                    "WGS-84 degrees."))],
                                longitude: Annotated[float, strawberry.argument(description=(
                                    "WGS-84 degrees."))],
                                radius_km: Annotated[float, strawberry.argument(description=(
                                    "Above 0, at most 100 (BAD_RADIUS)."))],
                                ) -> list[ServicePoint]:
    hits = await points.nearby(latitude, longitude, radius_km)
    return [ServicePoint.of(p, d) for p, d in hits]


async def union_scorecard(info: strawberry.Info,
                          union_id: Annotated[strawberry.ID, strawberry.argument(description=(
                              "A union in the cadre's scope."))],
                          period: Annotated[str, strawberry.argument(description=(
                              "A month, YYYY-MM (BAD_PERIOD)."))]) -> Scorecard:
    card = await scorecards.union_scorecard(info.context.principal, _id(union_id, "unionId"),
                                            period)
    return Scorecard.of(card)


async def union_ranking(info: strawberry.Info,
                        parent_id: Annotated[strawberry.ID, strawberry.argument(description=(
                            "A union in the cadre's scope: its children are ranked."))],
                        period: Annotated[str, strawberry.argument(description=(
                            "A month, YYYY-MM (BAD_PERIOD)."))]) -> list[Scorecard]:
    cards = await scorecards.union_ranking(info.context.principal, _id(parent_id, "parentId"),
                                           period)
    return [Scorecard.of(c) for c in cards]


# --- mutations -----------------------------------------------------------------------------

async def submit_service_request(info: strawberry.Info, item_id: strawberry.ID, details: str,
                                 field_values: list[tuple[str, str]],
                                 idempotency_key: str | None = None) -> ServiceRequestPayload:
    async def work():
        return await requests.submit(info.context.principal, _id(item_id, "itemId"), details,
                                     field_values, idempotency_key=idempotency_key)

    return await payload(ServiceRequestPayload, work(), _request)


async def accept_service_request(info: strawberry.Info,
                                 request_id: strawberry.ID) -> ServiceRequestPayload:
    async def work():
        return await requests.accept(info.context.principal, _id(request_id, "requestId"))

    return await payload(ServiceRequestPayload, work(), _request)


async def start_service_request(info: strawberry.Info,
                                request_id: strawberry.ID) -> ServiceRequestPayload:
    async def work():
        return await requests.start(info.context.principal, _id(request_id, "requestId"))

    return await payload(ServiceRequestPayload, work(), _request)


async def complete_service_request(info: strawberry.Info, request_id: strawberry.ID,
                                   resolution: str) -> ServiceRequestPayload:
    async def work():
        return await requests.complete(info.context.principal, _id(request_id, "requestId"),
                                       resolution)

    return await payload(ServiceRequestPayload, work(), _request)


async def reject_service_request(info: strawberry.Info, request_id: strawberry.ID,
                                 reason: str) -> ServiceRequestPayload:
    async def work():
        return await requests.reject(info.context.principal, _id(request_id, "requestId"),
                                     reason)

    return await payload(ServiceRequestPayload, work(), _request)


async def rate_service_request(info: strawberry.Info, request_id: strawberry.ID, rating: int,
                               comment: str | None) -> ServiceRequestPayload:
    async def work():
        return await requests.rate(info.context.principal, _id(request_id, "requestId"),
                                   rating, comment)

    return await payload(ServiceRequestPayload, work(), _request)


async def create_service_item(info: strawberry.Info, union_id: strawberry.ID, name: str,
                              category: ServiceCategory, time_limit: int, unit: TimeLimitUnit,
                              required_fields: list[str],
                              description: str) -> ServiceItemPayload:
    async def work():
        return await items.create_item(
            info.context.principal, union_id=_id(union_id, "unionId"), name=name,
            category=category, time_limit=time_limit, unit=unit,
            required_fields=required_fields, description=description)

    return await payload(ServiceItemPayload, work(), lambda r: {"item": ServiceItem.of(r)})


async def create_service_point(info: strawberry.Info, union_id: strawberry.ID, name: str,
                               kind: PointKind, latitude: float, longitude: float, address: str,
                               opening_hours: list[dict[str, str]],
                               phone: str | None) -> ServicePointPayload:
    async def work():
        return await points.create_point(
            info.context.principal, union_id=_id(union_id, "unionId"), name=name, kind=kind,
            latitude=latitude, longitude=longitude, address=address,
            opening_hours=opening_hours, phone=phone)

    return await payload(ServicePointPayload, work(), lambda p: {"point": ServicePoint.of(p)})
