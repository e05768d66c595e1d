"""The services subgraph: service items, requests with time limits, the union map, scorecards."""

from __future__ import annotations

import strawberry

from unionhub.identity.access import Tier
from unionhub.resolvers import services as r
from unionhub.resolvers import services_pages as rp
from unionhub.schema.builder import SchemaPart
from unionhub.schema.cockpit import CockpitQuery
from unionhub.schema.docs import describe_values
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import MAX_PAGE, Connection, replaced_by
from unionhub.schema.service_point_types import PointKindEnum, ServicePoint, ServicePointPayload
from unionhub.schema.services_types import (
    Scorecard,
    ServiceCategoryEnum,
    ServiceItem,
    ServiceItemPayload,
    ServiceRequest,
    ServiceRequestPayload,
    ServicesMemberFields,
    ServicesUnionFields,
    TimeLimitUnitEnum,
)
from unionhub.services.idempotency import KEY_DESCRIPTION
from unionhub.services.models import RequestAction, RequestStatus, ServiceCategory


@strawberry.input(description="One value of the item's form.")
class FieldValueInput:
    name: str = strawberry.field(description="One of the item's requiredFields (UNKNOWN_FIELD), "
                                             "once (DUPLICATE_FIELD).")
    value: str = strawberry.field(description="Not empty, at most 500 characters.")


@strawberry.input(description="A new service request.")
class SubmitServiceRequestInput:
    item_id: strawberry.ID = strawberry.field(description="An active item available to the "
                                                          "member's union (ITEM_NOT_AVAILABLE).")
    details: str = strawberry.field(description="What the member needs: 1–2000 characters.")
    fields: list[FieldValueInput] = strawberry.field(
        default_factory=list, description="Values for the item's requiredFields.")
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_DESCRIPTION)


@strawberry.input(description="The request to accept.")
class AcceptServiceRequestInput:
    request_id: strawberry.ID = strawberry.field(
        description="A SUBMITTED request in scope, not the caller's own (SELF_HANDLING).")


@strawberry.input(description="The request to start.")
class StartServiceRequestInput:
    request_id: strawberry.ID = strawberry.field(
        description="An ACCEPTED request in scope, not the caller's own (SELF_HANDLING).")


@strawberry.input(description="The request to complete.")
class CompleteServiceRequestInput:
    request_id: strawberry.ID = strawberry.field(
        description="An open request in scope, not the caller's own (SELF_HANDLING).")
    resolution: str = strawberry.field(description="What was done: 1–2000 characters.")


@strawberry.input(description="The request to reject.")
class RejectServiceRequestInput:
    request_id: strawberry.ID = strawberry.field(
        description="An open request in scope, not the caller's own (SELF_HANDLING).")
    reason: str = strawberry.field(description="Why, for the member: 1–2000 characters.")


@strawberry.input(description="The requester's rating.")
class RateServiceRequestInput:
    request_id: strawberry.ID = strawberry.field(description="The caller's COMPLETED request "
                                                             "(INVALID_TRANSITION otherwise).")
    rating: int = strawberry.field(description="1 to 5 (RATING_RANGE).")
    comment: str | None = strawberry.field(default=None, description="At most 500 characters.")


@strawberry.input(description="A new service item.")
class CreateServiceItemInput:
    union_id: strawberry.ID = strawberry.field(description="The offering union, in scope.")
    name: str = strawberry.field(description="2–100 characters.")
    category: ServiceCategoryEnum = strawberry.field(description="Its category.")
    time_limit: int = strawberry.field(description="1–480 working hours or 1–60 working days.")
    time_limit_unit: TimeLimitUnitEnum = strawberry.field(description="The unit of timeLimit.")
    required_fields: list[str] = strawberry.field(
        default_factory=list, description="At most 20 distinct camelCase names (up to 40 "
                                          "characters) a request must fill.")
    description: str = strawberry.field(default="", description="Plain text, at most 2000 "
                                                               "characters.")


@strawberry.input(description="Opening hours on some days, Asia/Shanghai time.")
class OpeningHoursInput:
    days: str = strawberry.field(description="MON-FRI, SAT, ...")
    opens: str = strawberry.field(description="HH:MM, Shanghai time")
    closes: str = strawberry.field(description="HH:MM, after opens.")


@strawberry.input(description="A new service point.")
class CreateServicePointInput:
    union_id: strawberry.ID = strawberry.field(description="The union that runs it, in scope.")
    name: str = strawberry.field(description="Its name.")
    kind: PointKindEnum = strawberry.field(description="Its kind.")
    latitude: float = strawberry.field(description="WGS-84 degrees, within ±85.05112878.")
    longitude: float = strawberry.field(description="WGS-84 degrees, within ±180.")
    address: str = strawberry.field(default="", description="Its street address, at most "
                                                           "200 characters.")
    opening_hours: list[OpeningHoursInput] = strawberry.field(
        default_factory=list, description="When it is open (BAD_OPENING_HOURS).")
    phone: str | None = strawberry.field(default=None, description=(
        "Its public service line: 3–20 digits, spaces, +, - or brackets (PHONE_FORMAT)."))


@strawberry.type
class ServicesQuery(CockpitQuery):
    service_items: list[ServiceItem] = gql_field(
        resolver=r.service_items,
        description="A plain list, small by nature: with unionId (or signed in) the menu of a "
                    "union, its own items and those of the few orgs above it; a guest without "
                    "unionId gets every active item, the first 200 by id.")
    my_service_requests: Connection[ServiceRequest] = gql_field(
        tier=Tier.VERIFIED, resolver=r.my_service_requests,
        description="The caller's requests, newest first.")
    service_requests: Connection[ServiceRequest] = gql_field(
        tier=Tier.CADRE, resolver=r.service_requests,
        description="Requests handled in the union's subtree, newest first.")
    service_request: ServiceRequest | None = gql_field(
        tier=Tier.MEMBER, resolver=r.service_request,
        description="The requester, or a cadre whose scope holds the handling org; else null.")
    nearby_service_points: list[ServicePoint] = gql_field(
        resolver=r.nearby_service_points,
        description="Service points within radiusKm (at most 100), nearest first, at most 50.")
    union_scorecard: Scorecard = gql_field(tier=Tier.CADRE, resolver=r.union_scorecard,
                                           description="A union's scorecard for a month.")
    union_ranking: list[Scorecard] = gql_field(
        tier=Tier.CADRE, resolver=r.union_ranking,
        description="The children of parentId, best on-time rate first.",
        deprecation_reason=replaced_by("unionRankingConnection"))
    union_ranking_connection: Connection[Scorecard] = gql_field(
        tier=Tier.CADRE, resolver=rp.union_ranking_connection,
        description="The children of parentId (holding pools left out), best first: on-time "
                    "rate, then requests completed, then mean rating, unions with nothing "
                    "completed last, ties by union id. The ranking is computed whole for each "
                    "page (a rate ranks only against all the children), then paged both ways "
                    f"(at most {MAX_PAGE} a page). The cursor holds a row's sort values, not "
                    "its position: unions that join above it do not shift the next page, but "
                    "one whose figures change between two page reads may move across it. "
                    "totalCount counts the children ranked. The figures may lag writes by up "
                    "to 30 seconds (each server keeps a ranking that long).")


@strawberry.type
class ServicesMutation:
    @gql_field(tier=Tier.VERIFIED, description="Submits a request, routed to the item's "
                                               "union; its deadline follows the time limit. "
                                               "Idempotent by idempotencyKey when given.")
    async def submit_service_request(self, info: strawberry.Info,
                                     input: SubmitServiceRequestInput) -> ServiceRequestPayload:
        values = [(f.name, f.value) for f in input.fields]
        return await r.submit_service_request(info, input.item_id, input.details, values,
                                              input.idempotency_key)

    @gql_field(tier=Tier.CADRE, description="SUBMITTED → ACCEPTED.")
    async def accept_service_request(self, info: strawberry.Info,
                                     input: AcceptServiceRequestInput) -> ServiceRequestPayload:
        return await r.accept_service_request(info, input.request_id)

    @gql_field(tier=Tier.CADRE, description="ACCEPTED → IN_PROGRESS.")
    async def start_service_request(self, info: strawberry.Info,
                                    input: StartServiceRequestInput) -> ServiceRequestPayload:
        return await r.start_service_request(info, input.request_id)

    @gql_field(tier=Tier.CADRE, description="An open request → COMPLETED, with what was done.")
    async def complete_service_request(self, info: strawberry.Info,
                                       input: CompleteServiceRequestInput,
                                       ) -> ServiceRequestPayload:
        return await r.complete_service_request(info, input.request_id, input.resolution)

    @gql_field(tier=Tier.CADRE, description="An open request → REJECTED, with a reason.")
    async def reject_service_request(self, info: strawberry.Info,
                                     input: RejectServiceRequestInput) -> ServiceRequestPayload:
        return await r.reject_service_request(info, input.request_id, input.reason)

    @gql_field(tier=Tier.MEMBER, description="The requester, once, 1 to 5.")
    async def rate_service_request(self, info: strawberry.Info,
                                   input: RateServiceRequestInput) -> ServiceRequestPayload:
        return await r.rate_service_request(info, input.request_id, input.rating, input.comment)

    @gql_field(tier=Tier.CADRE, description="Adds an item a union offers its subtree.")
    async def create_service_item(self, info: strawberry.Info,
                                  input: CreateServiceItemInput) -> ServiceItemPayload:
        return await r.create_service_item(
            info, input.union_id, input.name, input.category, input.time_limit,
            input.time_limit_unit, input.required_fields, input.description)

    @gql_field(tier=Tier.CADRE, description="Adds a service point to the union map.")
    async def create_service_point(self, info: strawberry.Info,
                                   input: CreateServicePointInput) -> ServicePointPayload:
        hours = [{"days": h.days, "opens": h.opens, "closes": h.closes}
                 for h in input.opening_hours]
        return await r.create_service_point(
            info, input.union_id, input.name, input.kind, input.latitude, input.longitude,
            input.address, hours, input.phone)


describe_values(ServiceCategory, LEGAL_AID="法律援助: legal aid.", COUNSELLING="心理咨询: "
                "counselling.", MUTUAL_AID_INSURANCE="互助保障: mutual-aid insurance.",
                HARDSHIP_ASSISTANCE="困难帮扶: hardship assistance.",
                SKILLS_TRAINING="技能培训: skills training.", JOB_POSTINGS="就业招聘: jobs.",
                MODEL_WORKERS="劳模事务: model workers' affairs.",
                MATCHMAKING="婚恋交友: matchmaking.", EBOOKS="电子书: e-books.")
describe_values(TimeLimitUnitEnum, WORKING_HOURS="Working hours (8 a working day).",
                WORKING_DAYS="Working days, Asia/Shanghai calendar (holidays skipped).")
describe_values(RequestStatus, SUBMITTED="Waiting to be accepted.",
                ACCEPTED="Accepted; work not started.", IN_PROGRESS="Being worked on.",
                COMPLETED="Done (final).", REJECTED="Rejected with a reason (final).")
describe_values(RequestAction, SUBMITTED="Submitted by the member.", ACCEPTED="Accepted.",
                STARTED="Work started.", COMPLETED="Completed.", REJECTED="Rejected.",
                RATED="Rated by the member.",
                ESCALATED="Past its deadline: escalated to the parent union.")
describe_values(PointKindEnum, SERVICE_CENTER="职工服务中心: a workers' service centre.",
                WORKERS_HOME="职工之家: a workers' home.", CARE_STATION="爱心驿站: a care station.")

PART = SchemaPart(
    query=ServicesQuery,
    mutation=ServicesMutation,
    member_fields=ServicesMemberFields,
    union_fields=ServicesUnionFields,
)
