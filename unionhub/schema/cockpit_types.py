"""GraphQL types of the cadres' data cockpit (`cockpit`): one union's figures for a period,
section by section, with the same figures for each child (drill-down) and each month (trend).
Sections resolve through request-scoped DataLoaders (unionhub.cockpit.cockpit), so the
children's and the months' figures are batched: one query per section and period."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from enum import Enum
from typing import Annotated

import strawberry

from unionhub.activities.stats import KindFigures
from unionhub.cockpit import cockpit as c
from unionhub.cockpit.period import Period, trailing_months
from unionhub.identity.models import Union
from unionhub.mall.report import POVERTY_SHARE_LINE
from unionhub.schema.activities_types import ActivityKind  # strawberry.enum-declared there
from unionhub.schema.docs import describe_values
from unionhub.schema.entities import UnionRef, union_entity
from unionhub.schema.money import Fen
from unionhub.services.scorecards import RATE_DECIMALS

# Cost weights the operation limiter adds for a section (unionhub.schema.limits): a section
# is an aggregate query, an object field otherwise costs 1.
SECTION_COST = 5
TREND_MAX = 24


@strawberry.type(description="Membership of the union's subtree: members as of the period's "
                             "end, queues as they stand now.")
class CockpitMembership:
    registered_members: int = strawberry.field(
        description="Accounts registered before the period's end (or now) and not closed by "
                    "then: unionScorecard's registeredMembers.")
    verified_members: int = strawberry.field(
        description="Real-name verified members with an active card (认证会员数), as of the "
                    "period's end: unionScorecard's verifiedMembers.")
    active_cards: int = strawberry.field(description="Member cards active now.")
    applications_pending: int = strawberry.field(
        description="Join applications pending now: joinApplications(status: PENDING).")
    applications_overdue: int = strawberry.field(
        description="Pending join applications escalated past their due date, now: "
                    "joinApplications(status: PENDING, overdue: true).")
    applications_overdue_in_period: int = strawberry.field(
        description="Applications whose due date fell in the period unanswered: "
                    "unionScorecard's overdueApplications.")
    transfers_pending: int = strawberry.field(
        description="Transfers into the subtree pending now: transfers(direction: IN).")
    figures_as_of: datetime | None = strawberry.field(
        description="When registeredMembers, verifiedMembers and activeCards were counted: "
                    "they are kept in a summary rebuilt every 5 minutes, so they are the counts "
                    "as of this time; null before the first count.")


@strawberry.type(description="Service requests handled in the subtree.")
class CockpitServices:
    requests_received: int = strawberry.field(description="Submitted in the period.")
    requests_completed: int = strawberry.field(
        description="Of those, completed (handled) since.")
    completed_on_time: int = strawberry.field(
        description="Of those completed, completed by their deadline: unionScorecard's "
                    "completedOnTime for a month.")
    on_time_rate: float | None = strawberry.field(
        description="Completed on time ÷ completed; null before anything is completed.")
    mean_rating: float | None = strawberry.field(
        description="Mean rating (1–5) of the requests submitted in the period that were "
                    "rated, to 4 decimals; null without any: unionScorecard's meanRating.")
    overdue_now: int = strawberry.field(
        description="Open past their deadline now, whenever submitted: "
                    "serviceRequests(overdue: true).")
    escalated: int = strawberry.field(
        description="Ever escalated to the parent, whenever submitted: "
                    "serviceRequests(escalated: true).")
    articles_published: int = strawberry.field(
        description="Articles published in the period and not withdrawn (发稿量).")
    article_reads: int = strawberry.field(
        description="Members' reads in the period of the subtree's articles (阅读量).")


@strawberry.type(description="Participation in one kind of activity.")
class CockpitActivityKind:
    kind: ActivityKind = strawberry.field(description="The kind of activity.")
    activities: int = strawberry.field(
        description="Activities organised in the subtree whose window meets the period.")
    enrolments: int = strawberry.field(
        description="Enrolments made in the period by members of the subtree.")
    participants: int = strawberry.field(description="Distinct members among those enrolments.")

    @classmethod
    def of(cls, k: KindFigures) -> CockpitActivityKind:
        return cls(kind=k.kind, activities=k.activities, enrolments=k.enrolments,
                   participants=k.participants)


@strawberry.type(description="An activity whose leaderboard the cockpit shows: read it with "
                             "leaderboard(activityId:, by:).")
class CockpitActivity:
    activity_id: strawberry.ID = strawberry.field(
        description="The activity's id (activity(id:), leaderboard(activityId:)).")
    name: str = strawberry.field(description="The activity's name.")
    kind: ActivityKind = strawberry.field(description="The activity's kind.")
    enrolled_count: int = strawberry.field(
        description="Members enrolled in it now, whenever they enrolled: the activity's "
                    "enrolledCount, the order of topActivities.")


@strawberry.type(description="Activities in the subtree.")
class CockpitActivities:
    by_kind: list[CockpitActivityKind] = strawberry.field(
        description="The figures of each kind of activity, one entry per kind.")
    enrolments: int = strawberry.field(description="All kinds together.")


@strawberry.type(description="Mall sales to the subtree's members (paid, shipped or completed "
                             "orders paid in the period): mallReport's totals.")
class CockpitMall:
    sales_fen: Fen = strawberry.field(
        description="Sales (order subtotals) in fen (分, 1/100 yuan): mallReport's salesFen "
                    "for the union and the period's days.")
    order_count: int = strawberry.field(description="Orders sold: mallReport's orderCount.")
    certified_sales_fen: Fen = strawberry.field(
        description="Sales of certified poverty-alleviation goods.")
    poverty_share: float | None = strawberry.field(
        description="Certified ÷ all goods sold, as salesByUnion's povertyShare.")
    meets_poverty_line: bool = strawberry.field(
        description="povertyShare is at least povertyShareLine (false when null).")
    poverty_share_line: float = strawberry.field(description="Shaanxi's line: 0.3.")
    voucher_used_fen: Fen = strawberry.field(
        description="Discount given by vouchers on those orders, in fen (分, 1/100 yuan): "
                    "mallReport's voucherUsedFen.")
    voucher_order_sales_fen: Fen = strawberry.field(
        description="Sales of those orders that used a voucher, in fen (分, 1/100 yuan): "
                    "mallReport's voucherOrderSalesFen.")
    leverage: float | None = strawberry.field(
        description="Sales of orders that used a voucher per yuan of voucher discount.")


@strawberry.type(description="The union's own union funds for the year the period ends in: "
                             "unionFundsLedger's totals.")
class CockpitFunds:
    year: int = strawberry.field(
        description="The budget year: the year of the period's last month.")
    allocated_fen: Fen = strawberry.field(
        description="Allocated to the union itself (not its children) for the year, in fen "
                    "(分, 1/100 yuan); 0 without a budget.")
    spent_fen: Fen = strawberry.field(
        description="Approved bulk orders less returns so far, in fen (分, 1/100 yuan), "
                    "whatever the period's months.")
    to_children_fen: Fen = strawberry.field(
        description="Allocated on to child unions for the year, in fen.")
    available_fen: Fen = strawberry.field(
        description="allocatedFen − spentFen − toChildrenFen, in fen.")


@strawberry.enum(description="What unionRanking-style rankings of the children can sort on.")
class CockpitMetric(Enum):
    ARTICLES_PUBLISHED = "articles_published"
    ARTICLE_READS = "article_reads"
    VERIFIED_MEMBERS = "verified_members"
    REQUESTS_RECEIVED = "requests_received"
    REQUESTS_COMPLETED = "requests_completed"
    ON_TIME_RATE = "on_time_rate"
    MEAN_RATING = "mean_rating"
    SALES = "sales_fen"
    POVERTY_SHARE = "poverty_share"
    ENROLMENTS = "enrolments"


describe_values(
    CockpitMetric,
    ARTICLES_PUBLISHED="Articles published in the period and not withdrawn (services."
                       "articlesPublished).",
    ARTICLE_READS="Reads in the period of the child's articles (services.articleReads).",
    VERIFIED_MEMBERS="Verified members as of the period's end (membership.verifiedMembers).",
    REQUESTS_RECEIVED="Service requests submitted in the period (services.requestsReceived).",
    REQUESTS_COMPLETED="Of those, completed since (services.requestsCompleted).",
    ON_TIME_RATE="Completed on time ÷ completed (services.onTimeRate); null ranks last.",
    MEAN_RATING="Mean rating 1–5 (services.meanRating); null ranks last.",
    SALES="Mall sales (mall.salesFen); the value is in fen (分, 1/100 yuan).",
    POVERTY_SHARE="Certified goods' share of sales (mall.povertyShare); null ranks last.",
    ENROLMENTS="Enrolments in the period, all kinds (activities.enrolments).")


@strawberry.type(description="A child union's place on one metric.")
class CockpitRankEntry:
    rank: int = strawberry.field(description="1 is best; equal values share a rank.")
    value: float | None = strawberry.field(description="Null (ranked last) when undefined.")
    union_id: strawberry.Private[int]

    @strawberry.field(description="The child union.")
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)


def _load(info: strawberry.Info, name: str, fn, key: c.Key):
    return info.context.loader(f"cockpit.{name}", fn).load(key)


@strawberry.type(description="A union's data cockpit (数据驾驶舱) for a period: every figure "
                             "of its subtree, the same for each child and each month.")
class Cockpit:
    period: str = strawberry.field(
        description="The period, normalised: 2026-11, or 2026-01..2026-06.")
    from_: date = strawberry.field(name="from", description="Its first day (Shanghai).")
    to: date = strawberry.field(description="Its last day, included (mallReport's `to`).")
    row: strawberry.Private[Union]
    span: strawberry.Private[Period]

    @classmethod
    def of(cls, union: Union, period: Period) -> Cockpit:
        return cls(period=period.label, from_=period.first_day, to=period.last_day,
                   row=union, span=period)

    @strawberry.field(description="The union whose subtree the figures count.")
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.row.id)

    @strawberry.field(description="The union's GB/T 2260 region code (for a map).")
    def region_code(self) -> str:
        return self.row.region_code

    @strawberry.field(metadata={"cost": SECTION_COST},
                      description="Members and membership queues of the union's subtree.")
    async def membership(self, info: strawberry.Info) -> CockpitMembership:
        m, q, counted_at = await asyncio.gather(
            _load(info, "membership", c.membership, (self.row, self.span)),
            info.context.loader("cockpit.member_queues", c.member_queues).load(self.row),
            info.context.loader("cockpit.figures_counted_at", c.figures_counted_at).load(0))
        return CockpitMembership(
            registered_members=m.members.registered, verified_members=m.members.verified,
            active_cards=q.active_cards, applications_pending=q.applications_pending,
            applications_overdue=q.applications_overdue,
            applications_overdue_in_period=m.overdue_in_period,
            transfers_pending=q.transfers_pending, figures_as_of=counted_at)

    @strawberry.field(metadata={"cost": SECTION_COST},
                      description="Service requests and articles of the union's subtree: "
                                  "unionScorecard's figures over the period.")
    async def services(self, info: strawberry.Info) -> CockpitServices:
        card, (overdue_now, escalated) = await asyncio.gather(
            _load(info, "services", c.services, (self.row, self.span)),
            info.context.loader("cockpit.service_queues", c.service_queues).load(self.row))
        rate = card.on_time_rate
        return CockpitServices(
            requests_received=card.requests_received,
            requests_completed=card.requests_completed,
            completed_on_time=card.completed_on_time,
            on_time_rate=None if rate is None else round(rate, RATE_DECIMALS),
            mean_rating=card.mean_rating, overdue_now=overdue_now, escalated=escalated,
            articles_published=card.articles_published, article_reads=card.article_reads)

    @strawberry.field(metadata={"cost": SECTION_COST},
                      description="Activities and enrolments of the union's subtree in the "
                                  "period, by kind.")
    async def activities(self, info: strawberry.Info) -> CockpitActivities:
        kinds = await _load(info, "activities", c.activities, (self.row, self.span))
        return CockpitActivities(by_kind=[CockpitActivityKind.of(k) for k in kinds],
                                 enrolments=sum(k.enrolments for k in kinds))

    @strawberry.field(metadata={"cost": SECTION_COST},
                      description="The subtree's activities whose window meets the period, "
                                  "most enrolled first (at most 10): their leaderboards.")
    async def top_activities(self, first: Annotated[int, strawberry.argument(description=(
                                 "How many: 1 to 10 (fewer or more are taken as 1 or 10)."))
                             ] = 3) -> list[CockpitActivity]:
        rows = await c.top_activities(self.row, self.span, first)
        return [CockpitActivity(activity_id=strawberry.ID(str(a.id)), name=a.name, kind=a.kind,
                                enrolled_count=a.enrolled_count) for a in rows]

    @strawberry.field(metadata={"cost": SECTION_COST},
                      description="Mall sales to the subtree's members over the period's days "
                                  "(Shanghai): mallReport's totals.")
    async def mall(self, info: strawberry.Info) -> CockpitMall:
        s = await _load(info, "mall", c.mall, (self.row, self.span))
        return CockpitMall(
            sales_fen=s.sales_fen, order_count=s.order_count,
            certified_sales_fen=s.certified_sales_fen, poverty_share=s.poverty_share,
            meets_poverty_line=s.meets_poverty_line, poverty_share_line=POVERTY_SHARE_LINE,
            voucher_used_fen=s.voucher_used_fen,
            voucher_order_sales_fen=s.voucher_order_sales_fen, leverage=s.leverage)

    @strawberry.field(metadata={"cost": SECTION_COST},
                      description="The union's own union funds (工会经费) for the year the "
                                  "period ends in: unionFundsLedger's totals.")
    async def funds(self, info: strawberry.Info) -> CockpitFunds:
        f = await _load(info, "funds", c.funds, (self.row, self.span))
        return CockpitFunds(year=f.year, allocated_fen=f.allocated_fen, spent_fen=f.spent_fen,
                            to_children_fen=f.to_children_fen, available_fen=f.available_fen)

    @strawberry.field(metadata={"cost": SECTION_COST},
                      description="The child unions with the same figures (drill-down), "
                                  "holding pools included, by id.")
    async def children(self, info: strawberry.Info) -> list[Cockpit]:
        rows = await info.context.loader("cockpit.children", c.children_of).load(self.row)
        return [Cockpit.of(row, self.span) for row in rows]

    @strawberry.field(metadata={"cost": 4 * SECTION_COST},
                      description="The child unions (holding pools left out, as unionRanking "
                                  "does) ranked on one metric, best first.")
    async def ranking(self, info: strawberry.Info,
                      by: Annotated[CockpitMetric, strawberry.argument(
                          description="The metric, over the period; larger ranks first.")],
                      ) -> list[CockpitRankEntry]:
        ranked = await c.ranking(self.row, self.span, by.value)
        return [CockpitRankEntry(rank=r, value=v, union_id=u) for r, v, u in ranked]

    @strawberry.field(metadata={"cost": SECTION_COST},
                      description="The `last` months ending with the period's last month, "
                                  "oldest first (at most 24), with the same figures.")
    def trend(self, last: Annotated[int, strawberry.argument(description=(
                  "How many months: 1 to 24 (fewer or more are taken as 1 or 24)."))] = 12,
              ) -> list[Cockpit]:
        count = max(1, min(last, TREND_MAX))
        return [Cockpit.of(self.row, month) for month in trailing_months(self.span, count)]
