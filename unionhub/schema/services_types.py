"""GraphQL types of the services subgraph: items, requests, service points, scorecards, and
services' fields of the shared Member and Union entities."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

import strawberry

from unionhub.errors import AccessDenied
from unionhub.identity.access import Tier, path_in_scope
from unionhub.schema.docs import PAYLOAD_ERRORS
from unionhub.schema.entities import MemberRef, UnionRef, member_entity, union_entity
from unionhub.schema.errors import UserError
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import (
    MAX_PAGE,
    After,
    Before,
    Connection,
    First,
    Last,
    connection,
    keyset_page,
    replaced_by,
)
from unionhub.services import deadlines, loaders, personal
from unionhub.services import items as items_module
from unionhub.services import requests as requests_domain
from unionhub.services import scorecards as scorecards_domain
from unionhub.services.models import (
    RequestAction,
    RequestStatus,
    ServiceCategory,
    TimeLimitUnit,
)
from unionhub.services.models import ServiceItem as ItemRow
from unionhub.services.models import ServiceRequest as RequestRow
from unionhub.services.scorecards import Scorecard as ScorecardFigures

_T = TypeVar("_T")

ServiceCategoryEnum = strawberry.enum(ServiceCategory, name="ServiceCategory",
                                      description="The kind of help a service item gives.")
RequestStatusEnum = strawberry.enum(RequestStatus, name="RequestStatus",
                                    description="Where a service request stands.")
TimeLimitUnitEnum = strawberry.enum(TimeLimitUnit, name="TimeLimitUnit",
                                    description="The unit of a service item's time limit.")
RequestActionEnum = strawberry.enum(RequestAction, name="ServiceRequestAction",
                                    description="A step in a service request's history.")


# --- types ---------------------------------------------------------------------------------

@strawberry.type(description="A service a union offers the members of its subtree. Public.")
class ServiceItem:
    id: strawberry.ID = strawberry.field(description="The item's id.")
    name: str = strawberry.field(description="Its name.")
    category: ServiceCategoryEnum = strawberry.field(description="Its category.")
    description: str = strawberry.field(description="What it is (plain text; may be empty).")
    time_limit: int = strawberry.field(description="How long the handling org has, in "
                                                   "timeLimitUnit.")
    time_limit_unit: TimeLimitUnitEnum = strawberry.field(description="Working hours or "
                                                                      "working days.")
    time_limit_hours: int = strawberry.field(
        description="The time limit in working hours (a working day counts 8).")
    required_fields: list[str] = strawberry.field(
        description="Names of the fields a request for this item must carry.")
    offered_by_id: strawberry.Private[int]

    @strawberry.field(description="The union that offers and handles it.")
    def offered_by(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.offered_by_id)

    @classmethod
    def of(cls, row: ItemRow) -> ServiceItem:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, category=row.category,
                   description=row.description, time_limit=row.time_limit,
                   time_limit_unit=row.time_limit_unit,
                   time_limit_hours=deadlines.limit_in_hours(row.time_limit, row.time_limit_unit),
                   required_fields=list(row.required_fields), offered_by_id=row.union_id)


@strawberry.type(description="One named value of a service request's form.")
class FieldValue:
    name: str = strawberry.field(description="The field's name (one of requiredFields).")
    value: str = strawberry.field(description="Its value as given.")


@strawberry.type(description="One step of a service request.")
class ServiceRequestEvent:
    action: RequestActionEnum = strawberry.field(description="The step.")
    at: datetime = strawberry.field(description="When (UTC instant).")
    note: str | None = strawberry.field(description=(
        "What the system noted with it (the union escalated to); null for the people's "
        "steps: a resolution, a reason and a rating's comment are the request's resolution, "
        "rejectReason and ratingComment, personal data, and their steps keep no copy."))
    actor_id: strawberry.Private[int | None]

    @strawberry.field(description="Who took the step; null for the system (escalation).")
    def actor(self, info: strawberry.Info) -> MemberRef | None:
        return member_entity(info, self.actor_id) if self.actor_id else None


@strawberry.type(description="A member's request for a service item. Seen only by the "
                         "requester and by cadres whose scope holds the handling org.")
class ServiceRequest:

    row: strawberry.Private[RequestRow]
    # The fields every list shows are plain attributes, filled from the row (__post_init__):
    # the compiled executor reads them with a getattr, without a resolver call or an `info`
    # (a home screen shows five requests). Constructed as ServiceRequest(row=..., listed=...)
    # only.
    id: strawberry.ID = strawberry.field(description="The request's id.", default="")
    status: RequestStatusEnum = strawberry.field(description="Where it stands.",
                                                 default=None)
    submitted_at: datetime = strawberry.field(description="When it was submitted (UTC instant).",
                                              default=None)
    deadline: datetime = strawberry.field(description=(
        "When it must be completed: the item's time limit in working time on the Asia/Shanghai "
        "calendar (UTC instant)."), default=None)
    # In a list (a queue, a member's requests): details shown masked to anyone but the
    # requester, nothing decrypted (services.personal).
    listed: strawberry.Private[bool] = False

    def __post_init__(self) -> None:
        row = self.row
        self.id = strawberry.ID(str(row.id))
        self.status = row.status
        self.submitted_at = row.submitted_at
        self.deadline = row.deadline

    @strawberry.field(description="The service item requested.")
    def item(self, info: strawberry.Info) -> ServiceItem:
        # A sync resolver returning an awaitable only on a cache miss (as mall_types'
        # Product.supplier): a cached item costs no coroutine and no asyncio task.
        row = items_module.item_rows.cached(self.row.item_id)  # no DataLoader round when cached
        if row is not None:
            return ServiceItem.of(row)
        return self._load_item(info)  # type: ignore[return-value]

    async def _load_item(self, info: strawberry.Info) -> ServiceItem:
        return ServiceItem.of(
            await info.context.loader("services.items", loaders.items).load(self.row.item_id))

    @strawberry.field(description=(
        "The member's description, as written: personal data. In clear for the requester; for "
        f"anyone else in clear when the request is read alone (serviceRequest(id), a handling "
        f"step's answer), each such read audited, and \"{personal.MASK}\" in lists; empty once "
        "the account is closed."))
    def details(self, info: strawberry.Info) -> str:
        shown = personal.shown(info.context.principal, self.row, listed=self.listed)
        if shown is personal.Shown.MASKED:
            return personal.masked_details(self.row)
        value = personal.details_of(self.row)  # refused before any audit row if moved
        if shown is personal.Shown.OWN or not value:
            return value
        return self._audited(info, "details", value)  # type: ignore[return-value]

    @strawberry.field(description=(
        "The item's form values, by name: personal data, shown as details is (in clear, "
        "audited), except that lists give them to the requester only (empty for others)."))
    def field_values(self, info: strawberry.Info) -> list[FieldValue]:
        shown = personal.shown(info.context.principal, self.row, listed=self.listed)
        if shown is personal.Shown.MASKED:
            return []
        values = [FieldValue(name=k, value=v)
                  for k, v in sorted(personal.field_values_of(self.row).items())]
        if shown is personal.Shown.OWN or not values:
            return values
        return self._audited(info, "field_values", values)  # type: ignore[return-value]

    async def _audited(self, info: strawberry.Info, field: str, value: _T) -> _T:
        # The audit row is committed before the value leaves: no row, no value.
        await personal.record_read(info.context.principal, self.row, field)
        return value

    @strawberry.field(description="True while the deadline is an estimate: computed into a "
                                  "year whose State Council holiday notice was not yet known. "
                                  "It is recomputed (it may move) once the notice is.")
    def deadline_provisional(self) -> bool:
        return self.row.deadline_provisional or deadlines.is_provisional(self.row.deadline)

    @strawberry.field(description="Open and past its deadline.")
    def overdue(self) -> bool:
        return requests_domain.is_overdue(self.row)

    @strawberry.field(description="When it was accepted (UTC instant).")
    def accepted_at(self) -> datetime | None:
        return self.row.accepted_at

    @strawberry.field(description="When work started (UTC instant).")
    def started_at(self) -> datetime | None:
        return self.row.started_at

    @strawberry.field(description="When it was completed (UTC instant).")
    def completed_at(self) -> datetime | None:
        return self.row.completed_at

    @strawberry.field(description="When it was rejected (UTC instant).")
    def rejected_at(self) -> datetime | None:
        return self.row.rejected_at

    @strawberry.field(description=(
        "What was done (with COMPLETED), as the cadre wrote it: personal data, shown as "
        "details is (in clear for the requester; for anyone else, the cadre who wrote it "
        "included, in clear alone, audited, and \"****\" in lists)."))
    def resolution(self, info: strawberry.Info) -> str | None:
        return self._text(info, "resolution", self.row.resolution_enc, personal.resolution_of)

    @strawberry.field(description=(
        "Why it was rejected (with REJECTED): personal data, shown as resolution is."))
    def reject_reason(self, info: strawberry.Info) -> str | None:
        return self._text(info, "reject_reason", self.row.reject_reason_enc,
                          personal.reject_reason_of)

    @strawberry.field(description="The requester's rating, 1 to 5; null before.")
    def rating(self) -> int | None:
        return self.row.rating

    @strawberry.field(description=(
        "The requester's comment with the rating: personal data, shown as details is (in "
        "clear, audited, alone; \"****\" in lists); null before, and once the account is "
        "closed."))
    def rating_comment(self, info: strawberry.Info) -> str | None:
        return self._text(info, "rating_comment", self.row.rating_comment_enc,
                          personal.comment_of)

    def _text(self, info: strawberry.Info, field: str, token: str | None,
              opened: Callable[[RequestRow], str | None]) -> str | None:
        """A nullable sealed text by services.personal's rule: "****" in others' lists, in
        clear for the requester, else in clear after its audit row (a moved value refused
        first, with no row)."""
        shown = personal.shown(info.context.principal, self.row, listed=self.listed)
        if shown is personal.Shown.MASKED:
            return personal.masked(token)
        value = opened(self.row)
        if shown is personal.Shown.OWN or not value:
            return value
        return self._audited(info, field, value)  # type: ignore[return-value]

    @strawberry.field(description="It went past its deadline open and was escalated.")
    def escalated(self) -> bool:
        return self.row.escalated_at is not None

    @strawberry.field(description="When it was escalated (UTC instant).")
    def escalated_at(self) -> datetime | None:
        return self.row.escalated_at

    @strawberry.field(description="The parent union whose cadres it was escalated to.")
    def escalated_to(self, info: strawberry.Info) -> UnionRef | None:
        to = self.row.escalated_to_id
        return union_entity(info, to) if to else None

    @strawberry.field(description="The org the request was routed to (the item's offering org).")
    def handled_by(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.row.handling_union_id)

    @strawberry.field(description="The requester (personal fields masked by the usual rule).")
    def member(self, info: strawberry.Info) -> MemberRef:
        return member_entity(info, self.row.member_id)

    @strawberry.field(description="Each step: who and when. A plain list, small by nature (a "
                                  "request's few transitions).")
    async def events(self, info: strawberry.Info) -> list[ServiceRequestEvent]:
        rows = await info.context.loader("services.events", loaders.events).load(self.row.id)
        return [ServiceRequestEvent(action=e.action, at=e.at, note=e.note, actor_id=e.actor_id)
                for e in rows]


@strawberry.type(description="A union subtree's service figures for a month (Asia/Shanghai).")
class Scorecard:
    period: str = strawberry.field(description="The month, YYYY-MM.")
    registered_members: int = strawberry.field(
        description="Accounts in the union's subtree registered before the month's end (or now) "
                    "and not closed by then, counted by registration date.")
    verified_members: int = strawberry.field(
        description="Members of the subtree real-name verified before the month's end (or now), "
                    "by verification date, holding an active card (认证会员数).")
    requests_received: int = strawberry.field(description="Requests submitted in the month.")
    requests_completed: int = strawberry.field(
        description="Of the requests submitted in the month, those completed since (whenever "
                    "the completion came: a figure of a past month can still grow).")
    completed_on_time: int = strawberry.field(description="Of those, completed by their "
                                                          "deadline.")
    on_time_rate: float | None = strawberry.field(
        description="Completed on time ÷ completed; null before anything is completed.")
    mean_rating: float | None = strawberry.field(description="Mean rating (1–5) of requests "
                                                             "rated; null without any.")
    articles_published: int = strawberry.field(
        description="Articles the union's subtree published in the month and has not withdrawn "
                    "(发稿量).")
    article_reads: int = strawberry.field(
        description="Members' reads in the month of the subtree's articles, once per member per "
                    "article per day (阅读量; guests' reads are not counted).")
    overdue_applications: int = strawberry.field(
        description="Join applications of the subtree whose 15-working-day due date fell in "
                    "the month (up to now) unanswered, whether answered since or not.")
    union_id: strawberry.Private[int]

    @strawberry.field(description="The union.")
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)

    @classmethod
    def of(cls, c: ScorecardFigures) -> Scorecard:
        return cls(period=c.period, registered_members=c.registered_members,
                   verified_members=c.verified_members,
                   requests_received=c.requests_received,
                   requests_completed=c.requests_completed,
                   completed_on_time=c.completed_on_time,
                   on_time_rate=None if c.on_time_rate is None
                   else round(c.on_time_rate, scorecards_domain.RATE_DECIMALS),
                   mean_rating=c.mean_rating, articles_published=c.articles_published,
                   article_reads=c.article_reads,
                   overdue_applications=c.overdue_applications, union_id=c.union_id)


@strawberry.type(description="The result of a mutation on a service request.")
class ServiceRequestPayload:
    request: ServiceRequest | None = strawberry.field(
        default=None, description="The request as it stands; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of createServiceItem.")
class ServiceItemPayload:
    item: ServiceItem | None = strawberry.field(default=None,
                                                description="The new item; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


# --- services' fields of the shared entities -----------------------------------------------

@strawberry.type
class ServicesMemberFields:
    @gql_field(tier=Tier.MEMBER,
               description="The member's newest requests: the member's own, and for cadres "
                           "whose scope holds the member's union those whose handling org "
                           "their scope holds (as serviceRequest(id)); null for anyone else.",
               deprecation_reason=replaced_by("serviceRequestsConnection"))
    async def service_requests(self, info: strawberry.Info,
                               first: Annotated[int, strawberry.argument(
                                   description="How many: at most 50 (the newest).")] = 20,
                               ) -> list[ServiceRequest] | None:
        principal = info.context.principal
        member_id = int(self.id)
        if principal.member_id != member_id:
            rec = self.rec or await info.context.members.load(member_id)
            if rec is None or not path_in_scope(principal, rec.union_path):
                return None
        rows = requests_domain.visible_of(principal, await info.context.loader(
            "services.requests_by_member", loaders.requests_by_member).load(member_id))
        return [ServiceRequest(row=r, listed=True)
                for r in rows[:max(0, min(first, loaders.MEMBER_REQUESTS_KEPT))]]

    @gql_field(tier=Tier.MEMBER,
               description=f"All the member's requests, newest first, at most {MAX_PAGE} a "
                           "page: the member's own, and for cadres whose scope holds the "
                           "member's union those whose handling org their scope holds (as "
                           "serviceRequest(id)); null for anyone else.")
    async def service_requests_connection(self, info: strawberry.Info, first: First = None,
                                          after: After = None, last: Last = None,
                                          before: Before = None,
                                          ) -> Connection[ServiceRequest] | None:
        principal = info.context.principal
        member_id = int(self.id)
        if principal.member_id != member_id:
            rec = self.rec or await info.context.members.load(member_id)
            if rec is None or not path_in_scope(principal, rec.union_path):
                return None
        mine = requests_domain.requests_of_member(member_id, principal)
        rows, page = await keyset_page(mine, first, after, newest_first=True, last=last,
                                       before=before)
        return connection([ServiceRequest(row=r, listed=True) for r in rows], [r.id for r in rows],
                          page)


@strawberry.type
class ServicesUnionFields:
    @gql_field(description="Items this union offers its subtree: a plain list, small by "
                           "nature (a union's own service menu).")
    async def service_items(self, info: strawberry.Info) -> list[ServiceItem]:
        rows = await info.context.loader(
            "services.items_by_union", loaders.items_by_union).load(int(self.id))
        return [ServiceItem.of(r) for r in rows]

    @gql_field(tier=Tier.CADRE, description="For cadres whose scope holds the union.")
    async def scorecard(self, info: strawberry.Info, period: Annotated[str, strawberry.argument(
            description="A month, YYYY-MM (BAD_PERIOD).")]) -> Scorecard | None:
        union = self.rec or await info.context.unions.load(int(self.id))
        if union is None or not path_in_scope(info.context.principal, union.path):
            raise AccessDenied("this union is outside your scope")
        scorecards_domain.period_bounds(period)  # a bad period fails before the batch
        card = await info.context.loader("services.scorecards", loaders.scorecards).load(
            (union.id, period))
        return Scorecard.of(card)
