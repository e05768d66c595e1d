"""The demo data: a menu at three levels, requests in every state, points in Xi'an."""

from __future__ import annotations

from collections import Counter

from unionhub.clock import today_shanghai, utcnow
from unionhub.identity import seed as identity_seed
from unionhub.identity.member_figures import refresh
from unionhub.identity.tokens import issue_access_token
from unionhub.services import seed
from unionhub.services.models import (
    RequestStatus,
    ServiceItem,
    ServicePoint,
    ServiceRequest,
    ServiceRequestEvent,
)
from unionhub.services.requests import overdue_q

NEARBY = """{ nearbyServicePoints(latitude: 34.2610, longitude: 108.9423, radiusKm: 6) {
  name distanceKm } }"""


async def test_demo_data(gql):
    tree = await identity_seed.seed_demo(members=60)
    await seed.seed_demo(tree)
    await refresh()  # the member figures

    levels = {await ServiceItem.filter(union_id=u.id).count() > 0
              for u in (tree.province, tree.cities["xian"], tree.counties["A"])}
    assert levels == {True}
    assert len({i.category for i in await ServiceItem.all()}) >= 8

    assert await ServiceRequest.all().count() == seed.REQUESTS
    statuses = Counter(await ServiceRequest.all().values_list("status", flat=True))
    assert set(statuses) == set(RequestStatus) and min(statuses.values()) >= 5
    overdue = await ServiceRequest.filter(overdue_q(utcnow())).count()
    assert overdue >= 5
    # The real escalation job ran over them.
    assert await ServiceRequest.filter(overdue_q(utcnow()), escalated_at__isnull=True).count() == 0
    assert await ServiceRequestEvent.filter(action="ESCALATED").count() == overdue
    assert await ServiceRequest.filter(rating__isnull=False).count() > 0
    assert await ServiceRequest.filter(completed_at__isnull=False).count() == \
        statuses[RequestStatus.COMPLETED]

    assert await ServicePoint.all().count() >= 10
    near = (await gql(NEARBY)).data["nearbyServicePoints"]
    assert near[0]["name"] == "钟楼爱心驿站" and len(near) >= 5

    # The demo province cadre's ranking of its cities answers from the demo data.
    province_cadre = await identity_seed.Member.get(
        phone_bidx=identity_seed.phone_index("13900000004"))
    token = issue_access_token(province_cadre.id, province_cadre.role, tree.province.id,
                               tree.province.path)
    ranking = await gql("""query R($u: ID!, $p: String!) { unionRanking(parentId: $u, period: $p) {
      union { name } requestsReceived verifiedMembers } }""",
                        {"u": str(tree.province.id), "p": today_shanghai().strftime("%Y-%m")},
                        token=token)
    assert ranking.errors == []
    assert {r["union"]["name"] for r in ranking.data["unionRanking"]} >= {"西安市总工会", "宝鸡市总工会"}
    assert sum(r["verifiedMembers"] for r in ranking.data["unionRanking"]) >= 60
