"""GraphQL types of the services subgraph: items, requests, service points, scorecards, and
services' fields of the shared Member and Union entities."""

from __future__ import annotations

from datetime import datetime

import strawberry

from unionhub import workcalendar
from unionhub.clock import SHANGHAI
from unionhub.errors import AccessDenied
from unionhub.identity.access import Tier, path_in_scope
from unionhub.schema.entities import MemberRef, UnionRef, member_entity, union_entity
from unionhub.schema.errors import UserError
from unionhub.schema.permissions import gql_field
from unionhub.services import deadlines, loaders
from unionhub.services import requests as requests_domain
from unionhub.services import scorecards as scorecards_domain
from unionhub.services.models import (
    PointKind,
    RequestAction,
    RequestStatus,
    ServiceCategory,
    TimeLimitUnit,
)
from unionhub.services.models import ServiceItem as ItemRow
from unionhub.services.models import ServicePoint as PointRow
from unionhub.services.models import ServiceRequest as RequestRow
from unionhub.services.scorecards import Scorecard as ScorecardFigures

ServiceCategoryEnum = strawberry.enum(ServiceCategory, name="ServiceCategory")
RequestStatusEnum = strawberry.enum(RequestStatus, name="RequestStatus")
TimeLimitUnitEnum = strawberry.enum(TimeLimitUnit, name="TimeLimitUnit")
PointKindEnum = strawberry.enum(PointKind, name="ServicePointKind")
RequestActionEnum = strawberry.enum(RequestAction, name="ServiceRequestAction")


# --- types ---------------------------------------------------------------------------------

@strawberry.type
class ServiceItem:
    id: strawberry.ID
    name: str
    category: ServiceCategoryEnum
    description: str
    time_limit: int
    time_limit_unit: TimeLimitUnitEnum
    time_limit_hours: int = strawberry.field(
        description="The time limit in working hours (a working day counts 8).")
    required_fields: list[str] = strawberry.field(
        description="Names of the fields a request for this item must carry.")
    offered_by_id: strawberry.Private[int]

    @strawberry.field
    def offered_by(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.offered_by_id)

    @classmethod
    def of(cls, row: ItemRow) -> ServiceItem:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, category=row.category,
                   description=row.description, time_limit=row.time_limit,
                   time_limit_unit=row.time_limit_unit,
                   time_limit_hours=deadlines.limit_in_hours(row.time_limit, row.time_limit_unit),
                   required_fields=list(row.required_fields), offered_by_id=row.union_id)


@strawberry.type
class FieldValue:
    name: str
    value: str


@strawberry.type
class ServiceRequestEvent:
    action: RequestActionEnum
    at: datetime
    note: str | None
    actor_id: strawberry.Private[int | None]

    @strawberry.field(description="Who took the step; null for the system (escalation).")
    def actor(self, info: strawberry.Info) -> MemberRef | None:
        return member_entity(info, self.actor_id) if self.actor_id else None


@strawberry.type
class ServiceRequest:
    """Seen only by the requester and by cadres whose scope holds the handling org."""

    row: strawberry.Private[RequestRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @strawberry.field
    async def item(self, info: strawberry.Info) -> ServiceItem:
        row = await info.context.loader("services.items", loaders.items).load(self.row.item_id)
        return ServiceItem.of(row)

    @strawberry.field
    def status(self) -> RequestStatusEnum:
        return self.row.status

    @strawberry.field
    def details(self) -> str:
        return self.row.details

    @strawberry.field
    def field_values(self) -> list[FieldValue]:
        return [FieldValue(name=k, value=v) for k, v in sorted(self.row.field_values.items())]

    @strawberry.field
    def submitted_at(self) -> datetime:
        return self.row.submitted_at

    @strawberry.field
    def deadline(self) -> datetime:
        return self.row.deadline

    @strawberry.field(description="True while the deadline lies in a year whose State Council "
                                  "holiday notice is not yet known: make-up days may move it.")
    def deadline_provisional(self) -> bool:
        return not workcalendar.is_announced(self.row.deadline.astimezone(SHANGHAI).year)

    @strawberry.field(description="Open and past its deadline.")
    def overdue(self) -> bool:
        return requests_domain.is_overdue(self.row)

    @strawberry.field
    def accepted_at(self) -> datetime | None:
        return self.row.accepted_at

    @strawberry.field
    def started_at(self) -> datetime | None:
        return self.row.started_at

    @strawberry.field
    def completed_at(self) -> datetime | None:
        return self.row.completed_at

    @strawberry.field
    def rejected_at(self) -> datetime | None:
        return self.row.rejected_at

    @strawberry.field
    def resolution(self) -> str | None:
        return self.row.resolution

    @strawberry.field
    def reject_reason(self) -> str | None:
        return self.row.reject_reason

    @strawberry.field
    def rating(self) -> int | None:
        return self.row.rating

    @strawberry.field
    def rating_comment(self) -> str | None:
        return self.row.rating_comment

    @strawberry.field
    def escalated(self) -> bool:
        return self.row.escalated_at is not None

    @strawberry.field
    def escalated_at(self) -> datetime | None:
        return self.row.escalated_at

    @strawberry.field
    def escalated_to(self, info: strawberry.Info) -> UnionRef | None:
        to = self.row.escalated_to_id
        return union_entity(info, to) if to else None

    @strawberry.field(description="The org the request was routed to (the item's offering org).")
    def handled_by(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.row.handling_union_id)

    @strawberry.field
    def member(self, info: strawberry.Info) -> MemberRef:
        return member_entity(info, self.row.member_id)

    @strawberry.field(description="Each step: who and when.")
    async def events(self, info: strawberry.Info) -> list[ServiceRequestEvent]:
        rows = await info.context.loader("services.events", loaders.events).load(self.row.id)
        return [ServiceRequestEvent(action=e.action, at=e.at, note=e.note, actor_id=e.actor_id)
                for e in rows]


@strawberry.type
class OpeningHours:
    days: str
    opens: str
    closes: str


@strawberry.type
class ServicePoint:
    id: strawberry.ID
    name: str
    kind: PointKindEnum
    latitude: float
    longitude: float
    address: str
    phone: str | None
    opening_hours: list[OpeningHours]
    distance_km: float | None
    union_id: strawberry.Private[int]

    @strawberry.field
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)

    @classmethod
    def of(cls, row: PointRow, distance_km: float | None = None) -> ServicePoint:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, kind=row.kind,
                   latitude=row.latitude, longitude=row.longitude, address=row.address,
                   phone=row.phone,
                   opening_hours=[OpeningHours(**slot) for slot in row.opening_hours],
                   distance_km=None if distance_km is None else round(distance_km, 4),
                   union_id=row.union_id)


@strawberry.type
class Scorecard:
    period: str
    registered_members: int = strawberry.field(
        description="Accounts in the union's subtree registered before the month's end (or now) "
                    "and not closed by then, counted by registration date.")
    verified_members: int = strawberry.field(
        description="Members of the subtree real-name verified before the month's end (or now), "
                    "by verification date, holding an active card (认证会员数).")
    requests_received: int
    requests_completed: int
    completed_on_time: int
    on_time_rate: float | None = strawberry.field(
        description="Completed on time ÷ completed; null before anything is completed.")
    mean_rating: float | None
    articles_published: int = strawberry.field(
        description="Articles the union's subtree published in the month and has not withdrawn "
                    "(发稿量).")
    article_reads: int = strawberry.field(
        description="Reads in the month of the subtree's articles, once per reader per article "
                    "per day (阅读量).")
    overdue_applications: int = strawberry.field(
        description="Join applications of the subtree whose 15-working-day due date fell in "
                    "the month (up to now) unanswered, whether answered since or not.")
    union_id: strawberry.Private[int]

    @strawberry.field
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)

    @classmethod
    def of(cls, c: ScorecardFigures) -> Scorecard:
        return cls(period=c.period, registered_members=c.registered_members,
                   verified_members=c.verified_members,
                   requests_received=c.requests_received,
                   requests_completed=c.requests_completed,
                   completed_on_time=c.completed_on_time,
                   on_time_rate=None if c.on_time_rate is None else round(c.on_time_rate, 4),
                   mean_rating=c.mean_rating, articles_published=c.articles_published,
                   article_reads=c.article_reads,
                   overdue_applications=c.overdue_applications, union_id=c.union_id)


@strawberry.type
class ServiceRequestPayload:
    request: ServiceRequest | None = None
    errors: list[UserError]


@strawberry.type
class ServiceItemPayload:
    item: ServiceItem | None = None
    errors: list[UserError]


@strawberry.type
class ServicePointPayload:
    point: ServicePoint | None = None
    errors: list[UserError]


# --- services' fields of the shared entities -----------------------------------------------

@strawberry.type
class ServicesMemberFields:
    @gql_field(tier=Tier.MEMBER,
               description="The member's newest requests: the member, and cadres whose scope "
                           "holds the member's union; null for anyone else.")
    async def service_requests(self, info: strawberry.Info,
                               first: int = 20) -> list[ServiceRequest] | None:
        principal = info.context.principal
        member_id = int(self.id)
        if principal.member_id != member_id:
            rec = self.rec or await info.context.members.load(member_id)
            if rec is None or not path_in_scope(principal, rec.union_path):
                return None
        rows = await info.context.loader(
            "services.requests_by_member", loaders.requests_by_member).load(member_id)
        return [ServiceRequest(row=r) for r in rows[:max(0, min(first, loaders.MEMBER_REQUESTS_KEPT))]]


@strawberry.type
class ServicesUnionFields:
    @gql_field(description="Items this union offers its subtree.")
    async def service_items(self, info: strawberry.Info) -> list[ServiceItem]:
        rows = await info.context.loader(
            "services.items_by_union", loaders.items_by_union).load(int(self.id))
        return [ServiceItem.of(r) for r in rows]

    @gql_field(tier=Tier.CADRE, description="For cadres whose scope holds the union.")
    async def scorecard(self, info: strawberry.Info, period: str) -> Scorecard | None:
        union = self.rec or await info.context.unions.load(int(self.id))
        if union is None or not path_in_scope(info.context.principal, union.path):
            raise AccessDenied("this union is outside your scope")
        scorecards_domain.period_bounds(period)  # a bad period fails before the batch
        card = await info.context.loader("services.scorecards", loaders.scorecards).load(
            (union.id, period))
        return Scorecard.of(card)
