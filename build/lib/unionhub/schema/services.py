"""The services subgraph: service items, requests with time limits, the union map, scorecards."""

from __future__ import annotations

import strawberry

from unionhub.identity.access import Tier
from unionhub.resolvers import services as r
from unionhub.schema.builder import SchemaPart
from unionhub.schema.cockpit import CockpitQuery
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import Connection
from unionhub.schema.services_types import (
    PointKindEnum,
    Scorecard,
    ServiceCategoryEnum,
    ServiceItem,
    ServiceItemPayload,
    ServicePoint,
    ServicePointPayload,
    ServiceRequest,
    ServiceRequestPayload,
    ServicesMemberFields,
    ServicesUnionFields,
    TimeLimitUnitEnum,
)


@strawberry.input
class FieldValueInput:
    name: str
    value: str


@strawberry.input
class SubmitServiceRequestInput:
    item_id: strawberry.ID
    details: str
    fields: list[FieldValueInput] = strawberry.field(
        default_factory=list, description="Values for the item's requiredFields.")


@strawberry.input
class AcceptServiceRequestInput:
    request_id: strawberry.ID


@strawberry.input
class StartServiceRequestInput:
    request_id: strawberry.ID


@strawberry.input
class CompleteServiceRequestInput:
    request_id: strawberry.ID
    resolution: str


@strawberry.input
class RejectServiceRequestInput:
    request_id: strawberry.ID
    reason: str


@strawberry.input
class RateServiceRequestInput:
    request_id: strawberry.ID
    rating: int
    comment: str | None = None


@strawberry.input
class CreateServiceItemInput:
    union_id: strawberry.ID
    name: str
    category: ServiceCategoryEnum
    time_limit: int
    time_limit_unit: TimeLimitUnitEnum
    required_fields: list[str] = strawberry.field(default_factory=list)
    description: str = ""


@strawberry.input
class OpeningHoursInput:
    days: str = strawberry.field(description="MON-FRI, SAT, ...")
    opens: str = strawberry.field(description="HH:MM, Shanghai time")
    closes: str


@strawberry.input
class CreateServicePointInput:
    union_id: strawberry.ID
    name: str
    kind: PointKindEnum
    latitude: float
    longitude: float
    address: str = ""
    opening_hours: list[OpeningHoursInput] = strawberry.field(default_factory=list)
    phone: str | None = None


@strawberry.type
class ServicesQuery(CockpitQuery):
    service_items: list[ServiceItem] = gql_field(resolver=r.service_items)
    my_service_requests: Connection[ServiceRequest] = gql_field(
        tier=Tier.VERIFIED, resolver=r.my_service_requests)
    service_requests: Connection[ServiceRequest] = gql_field(
        tier=Tier.CADRE, resolver=r.service_requests,
        description="Requests handled in the union's subtree, newest first.")
    service_request: ServiceRequest | None = gql_field(
        tier=Tier.MEMBER, resolver=r.service_request,
        description="The requester, or a cadre whose scope holds the handling org; else null.")
    nearby_service_points: list[ServicePoint] = gql_field(
        resolver=r.nearby_service_points,
        description="Service points within radiusKm (at most 100), nearest first, at most 50.")
    union_scorecard: Scorecard = gql_field(tier=Tier.CADRE, resolver=r.union_scorecard)
    union_ranking: list[Scorecard] = gql_field(
        tier=Tier.CADRE, resolver=r.union_ranking,
        description="The children of parentId, best on-time rate first.")


@strawberry.type
class ServicesMutation:
    @gql_field(tier=Tier.VERIFIED)
    async def submit_service_request(self, info: strawberry.Info,
                                     input: SubmitServiceRequestInput) -> ServiceRequestPayload:
        values = {f.name: f.value for f in input.fields}
        return await r.submit_service_request(info, input.item_id, input.details, values)

    @gql_field(tier=Tier.CADRE)
    async def accept_service_request(self, info: strawberry.Info,
                                     input: AcceptServiceRequestInput) -> ServiceRequestPayload:
        return await r.accept_service_request(info, input.request_id)

    @gql_field(tier=Tier.CADRE, description="ACCEPTED → IN_PROGRESS.")
    async def start_service_request(self, info: strawberry.Info,
                                    input: StartServiceRequestInput) -> ServiceRequestPayload:
        return await r.start_service_request(info, input.request_id)

    @gql_field(tier=Tier.CADRE)
    async def complete_service_request(self, info: strawberry.Info,
                                       input: CompleteServiceRequestInput,
                                       ) -> ServiceRequestPayload:
        return await r.complete_service_request(info, input.request_id, input.resolution)

    @gql_field(tier=Tier.CADRE)
    async def reject_service_request(self, info: strawberry.Info,
                                     input: RejectServiceRequestInput) -> ServiceRequestPayload:
        return await r.reject_service_request(info, input.request_id, input.reason)

    @gql_field(tier=Tier.MEMBER, description="The requester, once, 1 to 5.")
    async def rate_service_request(self, info: strawberry.Info,
                                   input: RateServiceRequestInput) -> ServiceRequestPayload:
        return await r.rate_service_request(info, input.request_id, input.rating, input.comment)

    @gql_field(tier=Tier.CADRE)
    async def create_service_item(self, info: strawberry.Info,
                                  input: CreateServiceItemInput) -> ServiceItemPayload:
        return await r.create_service_item(
            info, input.union_id, input.name, input.category, input.time_limit,
            input.time_limit_unit, input.required_fields, input.description)

    @gql_field(tier=Tier.CADRE)
    async def create_service_point(self, info: strawberry.Info,
                                   input: CreateServicePointInput) -> ServicePointPayload:
        hours = [{"days": h.days, "opens": h.opens, "closes": h.closes}
                 for h in input.opening_hours]
        return await r.create_service_point(
            info, input.union_id, input.name, input.kind, input.latitude, input.longitude,
            input.address, hours, input.phone)


PART = SchemaPart(
    query=ServicesQuery,
    mutation=ServicesMutation,
    member_fields=ServicesMemberFields,
    union_fields=ServicesUnionFields,
)
