"""Services' batch loads for request-scoped DataLoaders: one query per batch of keys."""

from __future__ import annotations

from unionhub.identity.models import Union
from unionhub.identity.orgs import unions_by_ids
from unionhub.services import items as items_module
from unionhub.services import requests as requests_module
from unionhub.services import scorecards as scorecards_module
from unionhub.services.models import ServiceItem, ServiceRequest, ServiceRequestEvent
from unionhub.services.scorecards import Scorecard

MEMBER_REQUESTS_KEPT = 50  # Member.serviceRequests shows the newest ones


async def items(ids: list[int]) -> list[ServiceItem | None]:
    found = await items_module.items_by_ids(list(ids))
    return [found.get(i) for i in ids]


async def items_by_union(ids: list[int]) -> list[list[ServiceItem]]:
    found = await items_module.items_offered_by(list(ids))
    return [found[i] for i in ids]


async def events(ids: list[int]) -> list[list[ServiceRequestEvent]]:
    found = await requests_module.events_of(list(ids))
    return [found[i] for i in ids]


async def requests_by_member(ids: list[int]) -> list[list[ServiceRequest]]:
    found: dict[int, list[ServiceRequest]] = {i: [] for i in ids}
    for row in await ServiceRequest.filter(member_id__in=list(ids)).order_by("-id"):
        if len(found[row.member_id]) < MEMBER_REQUESTS_KEPT:
            found[row.member_id].append(row)
    return [found[i] for i in ids]


async def scorecards(keys: list[tuple[int, str]]) -> list[Scorecard]:
    unions = await unions_by_ids(list({k[0] for k in keys}))
    by_period: dict[str, list[Union]] = {}
    for union_id, period in keys:
        by_period.setdefault(period, []).append(unions[union_id])
    cards = {(u, p): c for p, us in by_period.items()
             for u, c in (await scorecards_module.scorecards(us, p)).items()}
    return [cards[k] for k in keys]
