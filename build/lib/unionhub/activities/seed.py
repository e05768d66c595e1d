"""Demo data: an active province-wide walking challenge with a month of step records, a quiz
and an event (and a benefit draw), created through the domain's own rules; the step records
are written set-based."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from tortoise.transactions import in_transaction

from unionhub.activities import leaderboards
from unionhub.activities.activities import QuestionSpec, create_activity
from unionhub.activities.models import (
    Activity,
    ActivityKind,
    Enrollment,
    StepRecord,
    UnionTally,
)
from unionhub.cache import safe
from unionhub.clock import SHANGHAI, today_shanghai
from unionhub.identity.access import Principal
from unionhub.identity.models import Role
from unionhub.identity.roster import member_id_by_phone, member_ids
from unionhub.identity.seed import DemoTree

WALKERS = 300
DAYS = 30

_QUIZ = [
    ("《中华人民共和国工会法》规定, 维护职工合法权益是工会的?", ["基本职责", "附带职责", "临时任务"], [0]),
    ("基层工会委员会每届任期为?", ["一年", "三年或者五年", "十年"], [1]),
    ("工会会员按月缴纳会费, 标准是本人工资收入的?", ["0.5%", "2%", "5%"], [0]),
    ("全国总工会成立于哪一年?", ["1925年", "1949年", "1978年"], [0]),
    ("下列哪些属于工会经费的来源? (多选)", ["会员缴纳的会费", "单位按工资总额2%拨缴的经费", "对职工的罚款"], [0, 1]),
    ("职工每日工作时间不超过多少小时?", ["8小时", "10小时", "12小时"], [0]),
    ("“工会会员卡”挂失后补发的卡号是?", ["原卡号", "新卡号"], [1]),
    ("劳动合同期限三个月以上不满一年的, 试用期不得超过?", ["一个月", "三个月", "六个月"], [0]),
    ("女职工生育享受不少于多少天的产假?", ["90天", "98天", "128天"], [1]),
    ("“网上职工之家”提供哪些服务? (多选)", ["法律援助", "困难帮扶", "代缴个人所得税"], [0, 1]),
]


def _midnight(days_from_today: int) -> datetime:
    day = today_shanghai() + timedelta(days=days_from_today)
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


async def seed_demo(tree: DemoTree) -> None:
    province_cadre = await member_id_by_phone("13900000004") or 0
    county_cadre = await member_id_by_phone("13900000003") or 0
    province = Principal(member_id=province_cadre, role=Role.CADRE, scope_path=tree.province.path,
                         scope_org_id=tree.province.id)
    county_a = tree.counties["A"]
    county = Principal(member_id=county_cadre, role=Role.CADRE, scope_path=county_a.path,
                       scope_org_id=county_a.id)

    walk = await create_activity(
        province, name="2026年陕西省职工网上健步走", kind=ActivityKind.WALKING,
        organizer_id=tree.province.id, starts_at=_midnight(-(DAYS - 1)), ends_at=_midnight(31),
        description="每日步数封顶12,000步, 单位得分 = 人均步数×70% + 参与率×30%。",
    )
    await _month_of_steps(walk, tree)
    await create_activity(
        province, name="工会法律知识网上竞赛", kind=ActivityKind.QUIZ,
        organizer_id=tree.cities["xian"].id, starts_at=_midnight(-3), ends_at=_midnight(14),
        time_limit_seconds=600,
        questions=[QuestionSpec(text=t, options=o, answer=a, points=10) for t, o, a in _QUIZ],
    )
    await create_activity(
        county, name="雁塔区职工篮球联赛报名", kind=ActivityKind.EVENT, organizer_id=county_a.id,
        starts_at=_midnight(14) + timedelta(hours=9), ends_at=_midnight(14) + timedelta(hours=18),
        capacity=40, description="线上报名, 线下参赛; 限40人。",
    )
    await create_activity(
        province, name="元旦普惠抽奖", kind=ActivityKind.BENEFIT_DRAW,
        organizer_id=tree.province.id, starts_at=_midnight(0), ends_at=_midnight(20),
        winners_count=20, description="报名即可参与, 抽奖种子已预先公示。",
    )


async def _month_of_steps(walk: Activity, tree: DemoTree) -> None:
    rng = random.Random(2026)
    walkers = await member_ids([g.id for g in tree.all_grassroots], limit=WALKERS)
    first_day, _ = leaderboards.window_dates(walk)
    today = today_shanghai()
    enrollments, records = [], []
    tallies: dict[int, list[int]] = {}
    for member_id, union_id in walkers:
        total = days = 0
        day = first_day
        while day <= today:
            if rng.random() < 0.85:
                steps = max(300, min(int(rng.gauss(8500, 3500)), 30000))
                counted = min(steps, walk.daily_step_cap)
                records.append(StepRecord(activity=walk, member_id=member_id, union_id=union_id,
                                          day=day, steps=steps, counted=counted))
                total, days = total + counted, days + 1
            day += timedelta(days=1)
        enrollments.append(Enrollment(activity=walk, member_id=member_id, union_id=union_id,
                                      total_counted=total, step_days=days))
        if days:
            tally = tallies.setdefault(union_id, [0, 0])
            tally[0] += total
            tally[1] += 1
    async with in_transaction():
        await Enrollment.bulk_create(enrollments, batch_size=1000)
        await StepRecord.bulk_create(records, batch_size=2000)
        await UnionTally.bulk_create([
            UnionTally(activity=walk, union_id=u, counted_sum=s, participants=p)
            for u, (s, p) in tallies.items()
        ])
        await Activity.filter(id=walk.id).update(enrolled_count=len(enrollments))
    await safe(leaderboards.rebuild(walk), None)
