"""Overdue requests escalate to the parent org once, however many workers run the job."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.services.helpers import make_item, principal
from unionhub.clock import utcnow
from unionhub.jobs import periodic_jobs
from unionhub.services import requests
from unionhub.services.escalation import escalate_overdue
from unionhub.services.models import ServiceRequest, ServiceRequestEvent

LIST = """query L($u: ID!) { serviceRequests(unionId: $u, escalated: true) {
  edges { node { id overdue escalated escalatedAt escalatedTo { id name }
                 events { action actor { id } } } } } }"""


async def test_two_workers_at_once_escalate_each_request_once(gql, factory):
    tree = await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(county)
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(cadre, county)
    p = principal(member)
    old = utcnow() - timedelta(days=20)
    overdue = [await requests.submit(p, item.id, f"旧{i}", now=old) for i in range(6)]
    await requests.accept(principal(cadre), overdue[0].id)  # accepted but still open: overdue
    finished = await requests.submit(p, item.id, "已办结", now=old)
    await requests.accept(principal(cadre), finished.id)
    await requests.complete(principal(cadre), finished.id, "办结")
    on_time = await requests.submit(p, item.id, "新")

    counts = await asyncio.gather(escalate_overdue(), escalate_overdue(), escalate_overdue())
    assert sum(counts) == len(overdue)
    for req in overdue:
        assert await ServiceRequestEvent.filter(request_id=req.id,
                                                action="ESCALATED").count() == 1
    assert await ServiceRequestEvent.filter(action="ESCALATED").count() == len(overdue)
    assert not await ServiceRequest.filter(id__in=[finished.id, on_time.id],
                                           escalated_at__isnull=False).exists()
    assert await escalate_overdue() == 0  # idempotent

    # The city's cadres see them, escalated to the city.
    city = tree.cities["xian"]
    city_cadre = await factory.cadre(city)
    r = await gql(LIST, {"u": str(city.id)}, token=city_cadre.token)
    nodes = [e["node"] for e in r.data["serviceRequests"]["edges"]]
    assert sorted(int(n["id"]) for n in nodes) == sorted(q.id for q in overdue)
    assert all(n["escalated"] and n["overdue"] and n["escalatedTo"]["id"] == str(city.id)
               for n in nodes)
    assert nodes[0]["events"][-1] == {"action": "ESCALATED", "actor": None}


async def test_the_job_is_registered():
    assert "services.escalate_overdue" in {job.name for job in periodic_jobs()}


async def test_a_request_finished_after_the_scan_is_not_escalated(factory):
    # Deterministic race: the job has picked its candidates, then a cadre completes one
    # before the job claims it. The claim re-checks status and deadline in its UPDATE.
    from unionhub.services.escalation import _escalate_one
    from unionhub.services.orgpath import parent_id

    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    item = await make_item(cadre, tree.counties["A"])
    req = await requests.submit(principal(member), item.id, "旧", now=utcnow() - timedelta(days=20))
    candidates = await ServiceRequest.filter(id=req.id, deadline__lt=utcnow()).values("id")
    assert candidates == [{"id": req.id}]
    await requests.accept(principal(cadre), req.id)
    await requests.complete(principal(cadre), req.id, "办结")
    assert await _escalate_one(req.id, parent_id(req.handling_path), utcnow()) is False
    assert (await ServiceRequest.get(id=req.id)).escalated_at is None
