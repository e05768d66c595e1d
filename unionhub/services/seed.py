"""Demo data for services: a menu at province, city and county level, a few hundred requests
in every state (overdue ones included, then escalated by the real job), and service points
in Xi'an and Baoji. Requests and their events are written set-based with ids assigned up
front, like identity's synthetic members."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from unionhub.clock import SHANGHAI, utcnow
from unionhub.db import conn, is_postgres
from unionhub.identity.models import Union
from unionhub.identity.seed import DemoTree
from unionhub.identity.stats import cadre_ids, verified_member_ids
from unionhub.services import personal
from unionhub.services.deadlines import deadline_for
from unionhub.services.escalation import escalate_overdue
from unionhub.services.items import add_item
from unionhub.services.models import (
    PointKind,
    RequestAction,
    RequestStatus,
    ServiceCategory,
    ServiceItem,
    ServiceRequest,
    ServiceRequestEvent,
    TimeLimitUnit,
)
from unionhub.services.orgpath import ancestor_columns
from unionhub.services.points import add_point

C, H, D = ServiceCategory, TimeLimitUnit.WORKING_HOURS, TimeLimitUnit.WORKING_DAYS
# (org key, name, category, limit, unit, required fields)
_ITEMS = [
    ("province", "职工互助保障理赔", C.MUTUAL_AID_INSURANCE, 5, D, ["policyNo"]),
    ("province", "劳模疗休养申请", C.MODEL_WORKERS, 10, D, []),
    ("province", "职工书屋电子书借阅", C.EBOOKS, 4, H, []),
    ("xian", "西安市职工技能培训报名", C.SKILLS_TRAINING, 3, D, ["trade"]),
    ("xian", "西安市就业招聘对接", C.JOB_POSTINGS, 2, D, []),
    ("xian", "青年职工婚恋交友活动", C.MATCHMAKING, 5, D, []),
    ("baoji", "宝鸡市困难职工帮扶", C.HARDSHIP_ASSISTANCE, 5, D, ["householdSize"]),
    ("A", "雁塔区劳动争议法律援助", C.LEGAL_AID, 3, D, ["employer"]),
    ("A", "雁塔区职工心理咨询", C.COUNSELLING, 16, H, []),
    ("B", "碑林区困难职工帮扶", C.HARDSHIP_ASSISTANCE, 3, D, ["householdSize"]),
    ("C", "渭滨区劳动争议法律援助", C.LEGAL_AID, 3, D, ["employer"]),
]
_FIELD_VALUES = {"policyNo": "HZ2026-0{n}", "trade": "电工", "householdSize": "4",
                 "employer": "某制造有限公司"}
_DETAILS = ["拖欠工资，申请援助", "申请理赔，材料已备齐", "咨询报名条件", "家庭困难申请帮扶",
            "希望参加培训", "工作压力大，预约咨询", "申请参加活动"]

# (org key, name, kind, latitude, longitude, address)
_POINTS = [
    ("xian", "西安市职工服务中心", PointKind.SERVICE_CENTER, 34.2655, 108.9530, "新城区西五路"),
    ("A", "雁塔区职工服务中心", PointKind.SERVICE_CENTER, 34.2225, 108.9480, "雁塔区长安中路"),
    ("A", "高新区软件园职工之家", PointKind.WORKERS_HOME, 34.1950, 108.8830, "高新区天谷八路"),
    ("A", "小寨爱心驿站", PointKind.CARE_STATION, 34.2240, 108.9390, "雁塔区小寨东路"),
    ("A", "大雁塔爱心驿站", PointKind.CARE_STATION, 34.2190, 108.9640, "雁塔区雁塔南路"),
    ("A", "电子城爱心驿站", PointKind.CARE_STATION, 34.2120, 108.9150, "雁塔区电子正街"),
    ("B", "碑林区职工之家", PointKind.WORKERS_HOME, 34.2530, 108.9460, "碑林区南大街"),
    ("B", "钟楼爱心驿站", PointKind.CARE_STATION, 34.2605, 108.9425, "碑林区钟楼东南角"),
    ("xian", "曲江职工之家", PointKind.WORKERS_HOME, 34.2040, 108.9870, "曲江新区芙蓉西路"),
    ("xian", "西安北站爱心驿站", PointKind.CARE_STATION, 34.3770, 108.9390, "未央区元朔大道"),
    ("baoji", "宝鸡市职工服务中心", PointKind.SERVICE_CENTER, 34.3620, 107.2370, "金台区宝光路"),
    ("C", "渭滨区职工之家", PointKind.WORKERS_HOME, 34.3570, 107.1500, "渭滨区经二路"),
]
_CENTER_HOURS = [{"days": "MON-FRI", "opens": "09:00", "closes": "17:30"},
                 {"days": "SAT", "opens": "09:00", "closes": "12:00"}]
_STATION_HOURS = [{"days": "MON-SUN", "opens": "08:00", "closes": "20:00"}]

REQUESTS = 360


def _orgs(tree: DemoTree) -> dict[str, Union]:
    return {"province": tree.province, **tree.cities, **tree.counties}


async def seed_demo(tree: DemoTree, requests: int = REQUESTS, seed: int = 2026) -> None:
    orgs = _orgs(tree)
    items = [await add_item(orgs[key], name=name, category=cat, time_limit=limit, unit=unit,
                            required_fields=fields)
             for key, name, cat, limit, unit, fields in _ITEMS]
    for key, name, kind, lat, lon, address in _POINTS:
        await add_point(union_id=orgs[key].id, name=name, kind=kind, latitude=lat,
                        longitude=lon, address=address,
                        opening_hours=_STATION_HOURS if kind == PointKind.CARE_STATION
                        else _CENTER_HOURS)
    await _seed_requests(tree, items, requests, random.Random(seed))
    await escalate_overdue()


async def _handlers(tree: DemoTree) -> dict[int, int | None]:
    """Who acts for each handling org in the demo: its own cadre, else the province's."""
    province = next(iter(await cadre_ids(tree.province.id)), None)
    found: dict[int, int | None] = {}
    for union in _orgs(tree).values():
        found[union.id] = next(iter(await cadre_ids(union.id)), province)
    return found


async def _seed_requests(tree: DemoTree, items: list[ServiceItem], n: int,
                         rng: random.Random) -> None:
    requesters = [(g, await verified_member_ids(g.id, 40)) for g in tree.all_grassroots]
    requesters = [(g, ids) for g, ids in requesters if ids]
    if not requesters:
        return
    handlers = await _handlers(tree)
    now = utcnow()
    last = await ServiceRequest.all().order_by("-id").first()
    next_id = (last.id if last else 0) + 1
    last_event = await ServiceRequestEvent.all().order_by("-id").first()
    next_event = (last_event.id if last_event else 0) + 1
    rows, events = [], []
    for i in range(n):
        union, member_ids = requesters[i % len(requesters)]
        menu = [it for it in items if union.path.startswith(it.union_path)]
        item = rng.choice(menu)
        # The first requests of each union come from its oldest account: the demo member
        # 13900000002 gets a few in different states.
        member_id = member_ids[0] if i < 3 * len(requesters) else rng.choice(member_ids)
        submitted = _office_time(now - timedelta(days=rng.uniform(0.2, 60)), rng)
        row, steps = _lifecycle(item, submitted, now, rng, i)
        row.update(id=next_id, item_id=item.id, member_id=member_id, member_union_id=union.id,
                   handling_union_id=item.union_id, handling_path=item.union_path,
                   **ancestor_columns(item.union_path), **personal.sealed(
                       next_id, rng.choice(_DETAILS),
                       {f: _FIELD_VALUES[f].format(n=next_id) for f in item.required_fields}),
                   # the cadre's words, sealed as the service seals them (no copy in the step)
                   resolution_enc=personal.sealed_text(next_id, row.pop("resolution", None),
                                                       personal.RESOLUTION),
                   reject_reason_enc=personal.sealed_text(
                       next_id, row.pop("reject_reason", None), personal.REJECT_REASON))
        rows.append(ServiceRequest(**row))
        for action, at, note in steps:
            actor = member_id if action in (RequestAction.SUBMITTED, RequestAction.RATED) \
                else handlers.get(item.union_id)
            events.append(ServiceRequestEvent(id=next_event, request_id=next_id, action=action,
                                              actor_id=actor, at=at, note=note))
            next_event += 1
        next_id += 1
    async with in_transaction():
        await ServiceRequest.bulk_create(rows, batch_size=500)
        await ServiceRequestEvent.bulk_create(events, batch_size=1000)
    if is_postgres():
        await conn().execute_script(
            "SELECT setval(pg_get_serial_sequence('service_requests', 'id'),"
            " (SELECT MAX(id) FROM service_requests));"
            "SELECT setval(pg_get_serial_sequence('service_request_events', 'id'),"
            " (SELECT MAX(id) FROM service_request_events));"
        )


def _office_time(day: datetime, rng: random.Random) -> datetime:
    local = day.astimezone(SHANGHAI).replace(hour=rng.randint(8, 18), minute=rng.randint(0, 59),
                                             second=0, microsecond=0)
    return min(local.astimezone(day.tzinfo), utcnow() - timedelta(hours=1))


# The states a demo request ends in, cycled so every one of them is always present.
_OPEN = (RequestStatus.SUBMITTED, RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS)


def _lifecycle(item: ServiceItem, submitted: datetime, now: datetime, rng: random.Random,
               i: int) -> tuple[dict[str, Any], list[tuple[RequestAction, datetime, str | None]]]:
    deadline = deadline_for(submitted, item.time_limit, item.time_limit_unit)
    if i < 5:  # one of each state first
        status = [*_OPEN, RequestStatus.COMPLETED, RequestStatus.REJECTED][i]
    elif rng.random() < 0.1:
        status = RequestStatus.REJECTED
    elif rng.random() < (0.65 if deadline < now else 0.3):
        status = RequestStatus.COMPLETED
    else:
        status = rng.choice(_OPEN)
    row: dict[str, Any] = {"status": status, "submitted_at": submitted, "deadline": deadline}
    steps: list[tuple[RequestAction, datetime, str | None]] = [
        (RequestAction.SUBMITTED, submitted, None)]
    span = max(min(deadline, now) - submitted, timedelta(minutes=30))
    if status == RequestStatus.REJECTED:
        row.update(rejected_at=submitted + span * rng.uniform(0.05, 0.5),
                   reject_reason="不属于本会受理范围，已告知其他渠道")
        steps.append((RequestAction.REJECTED, row["rejected_at"], None))
        return row, steps
    if status == RequestStatus.SUBMITTED:
        return row, steps
    row["accepted_at"] = submitted + span * rng.uniform(0.02, 0.2)
    steps.append((RequestAction.ACCEPTED, row["accepted_at"], None))
    if status == RequestStatus.ACCEPTED:
        return row, steps
    row["started_at"] = row["accepted_at"] + span * rng.uniform(0.02, 0.2)
    steps.append((RequestAction.STARTED, row["started_at"], None))
    if status == RequestStatus.IN_PROGRESS:
        return row, steps
    on_time = deadline > now or rng.random() < 0.8
    if on_time:
        done = row["started_at"] + (min(deadline, now) - row["started_at"]) * rng.uniform(0.2, 0.95)
    else:
        done = min(deadline + timedelta(hours=rng.uniform(1, 72)), now - timedelta(minutes=5))
    row.update(completed_at=done, resolution="已办结，结果已告知职工")
    steps.append((RequestAction.COMPLETED, done, None))
    if rng.random() < 0.7:
        rating = rng.choice((4, 5, 5)) if done <= deadline else rng.choice((2, 3, 4))
        row.update(rating=rating, rating_comment_enc=None, rated_at=min(done + timedelta(hours=2), now))
        steps.append((RequestAction.RATED, row["rated_at"], None))
    return row, steps
