"""Enrolment under concurrency: never more than the capacity, each member once."""

from __future__ import annotations

import asyncio

from tests.activities.helpers import ENROLL, create, enroll
from tests.factories import Factory
from unionhub.activities.models import Activity, Enrollment
from unionhub.identity.models import Member
from unionhub.identity.seed import SYNTHETIC_PREFIX, seed_members


async def _members(n: int, union) -> list[str]:
    await seed_members(n, [union], phone_prefix="171")
    rows = await Member.filter(display_name__startswith=SYNTHETIC_PREFIX).order_by("id")
    return [Factory.token_for(m) for m in rows]


async def test_hundred_concurrent_enrolments_on_capacity_thirty(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    activity = await create(gql, cadre, tree.counties["A"], "EVENT", capacity=30)
    tokens = await _members(100, tree.grassroots["A"][1])

    results = await asyncio.gather(*(gql(ENROLL, {"id": activity["id"]}, token=t)
                                     for t in tokens))
    payloads = [r.data["enroll"] for r in results]
    assert all(r.errors == [] for r in results)
    ok = [p for p in payloads if not p["errors"]]
    full = [p for p in payloads if p["errors"]]
    assert len(ok) == 30
    assert {p["errors"][0]["code"] for p in full} == {"ACTIVITY_FULL"}
    row = await Activity.get(id=int(activity["id"]))
    assert row.enrolled_count == 30
    assert await Enrollment.filter(activity_id=row.id).count() == 30


async def test_same_member_concurrently_enrols_once(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    activity = await create(gql, cadre, tree.counties["A"], "EVENT", capacity=5)
    member = await factory.account(tree.grassroots["A"][0])
    payloads = await asyncio.gather(*(enroll(gql, member, activity["id"]) for _ in range(10)))
    assert sum(1 for p in payloads if not p["errors"]) == 1
    assert {p["errors"][0]["code"] for p in payloads if p["errors"]} == {"ALREADY_ENROLLED"}
    row = await Activity.get(id=int(activity["id"]))
    assert row.enrolled_count == 1  # a refused duplicate gives its seat back


async def test_unlimited_capacity_and_member_activities_field(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    first = await create(gql, cadre, tree.counties["A"], "EVENT", name="讲座")
    second = await create(gql, cadre, tree.counties["A"], "READING", name="读书")
    member = await factory.account(tree.grassroots["A"][0])
    for a in (first, second):
        assert (await enroll(gql, member, a["id"]))["errors"] == []
    query = """query Mine($u: ID!) { me { activities { status activity { name enrolledCount } } }
                                     union(id: $u) { activities { name } } }"""
    result = await gql(query, {"u": str(tree.counties["A"].id)}, token=member.token)
    assert result.errors == []
    assert [e["activity"]["name"] for e in result.data["me"]["activities"]] == ["读书", "讲座"]
    assert {a["name"] for a in result.data["union"]["activities"]} == {"讲座", "读书"}
    # Another member outside the cadre's scope sees no one's enrolments but their own.
    other = await factory.account(tree.grassroots["B"][0])
    peek = await gql("query P($id: ID!) { member(id: $id) { activities { status } } }",
                     {"id": member.id}, token=other.token)
    assert peek.data["member"] is None
    looked = await gql("query P($id: ID!) { member(id: $id) { activities { status } } }",
                       {"id": member.id}, token=cadre.token)
    assert len(looked.data["member"]["activities"]) == 2


async def test_the_database_refuses_more_enrolments_than_the_capacity(gql, factory):
    import pytest
    from tortoise.exceptions import IntegrityError

    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    activity = await create(gql, cadre, tree.counties["A"], "EVENT", capacity=2)
    with pytest.raises(IntegrityError):
        await Activity.filter(id=int(activity["id"])).update(enrolled_count=3)
