"""Join deadlines through the GraphQL endpoint: pending applications past dueAt are flagged
overdue and escalated once to the parent union (also with two workers at once), scorecards
count them by the date they went overdue, and setUnionAutoApprove is scoped and audited."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.identity.membership_flows import applicant, apply, review
from unionhub.clock import SHANGHAI, utcnow
from unionhub.identity import audit
from unionhub.identity.join_deadlines import escalate_overdue_applications
from unionhub.identity.membership import apply_to_join
from unionhub.identity.models import AuditLog, JoinApplication, ReviewStatus, Union

QUEUE = """query Q($u: ID!, $o: Boolean) { joinApplications(unionId: $u, overdue: $o) {
  id status overdue escalatedAt escalatedTo { id } union { id } } }"""
AUTO = """mutation A($input: SetUnionAutoApproveInput!) { setUnionAutoApprove(input: $input) {
  union { id autoApprove } errors { code field } } }"""
CARD = """query S($u: ID!, $p: String!) { unionScorecard(unionId: $u, period: $p) {
  overdueApplications } }"""


async def _pending(gql, factory, n: int):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]  # reviews by hand (auto-approval off)
    ids = []
    for _ in range(n):
        out = await apply(gql, await applicant(factory), union.join_code)
        assert out["errors"] == [] and out["application"]["status"] == "PENDING"
        ids.append(int(out["application"]["id"]))
    return tree, union, ids


async def test_an_application_past_due_is_escalated_once_to_the_parent(gql, factory):
    tree, union, (app_id,) = await _pending(gql, factory, 1)
    county_cadre = await factory.cadre(tree.counties["A"])
    due = (await JoinApplication.get(id=app_id)).due_at
    # Not yet due: nothing happens.
    assert await escalate_overdue_applications(now=due - timedelta(minutes=1)) == 0
    assert (await gql(QUEUE, {"u": str(tree.counties["A"].id), "o": True},
                      token=county_cadre.token)).data["joinApplications"] == []
    assert await escalate_overdue_applications(now=due + timedelta(hours=1)) == 1
    assert await escalate_overdue_applications(now=due + timedelta(hours=2)) == 0  # idempotent
    r = await gql(QUEUE, {"u": str(tree.counties["A"].id), "o": True}, token=county_cadre.token)
    assert r.errors == []
    [row] = r.data["joinApplications"]
    assert row["id"] == str(app_id) and row["overdue"] is True and row["status"] == "PENDING"
    assert row["escalatedTo"] == {"id": str(tree.counties["A"].id)}
    assert row["union"] == {"id": str(union.id)} and row["escalatedAt"] is not None
    assert await AuditLog.filter(action=audit.JOIN_ESCALATE, subject_id=str(app_id)).count() == 1
    # The parent's cadre answers it; it stays flagged as having gone overdue.
    done = await review(gql, county_cadre, str(app_id), True)
    assert done.data["reviewJoinApplication"]["errors"] == []
    r = await gql(QUEUE, {"u": str(tree.counties["A"].id), "o": True}, token=county_cadre.token)
    assert r.data["joinApplications"] == []  # the default status filter is PENDING


async def test_an_application_reviewed_in_time_is_never_escalated(gql, factory):
    _, union, (app_id,) = await _pending(gql, factory, 1)
    cadre = await factory.cadre(union)
    assert (await review(gql, cadre, str(app_id), False, "不符合条件")).data[
        "reviewJoinApplication"]["errors"] == []
    due = (await JoinApplication.get(id=app_id)).due_at
    assert await escalate_overdue_applications(now=due + timedelta(days=1)) == 0
    row = await JoinApplication.get(id=app_id)
    assert row.escalated_at is None and row.status == ReviewStatus.REJECTED


async def test_two_workers_escalate_each_application_exactly_once(gql, factory):
    _, _, ids = await _pending(gql, factory, 12)
    later = max(a.due_at for a in await JoinApplication.filter(id__in=ids)) + timedelta(hours=1)
    results = await asyncio.gather(escalate_overdue_applications(now=later, batch=5),
                                   escalate_overdue_applications(now=later, batch=5),
                                   escalate_overdue_applications(now=later, batch=5))
    assert sum(results) == 12
    assert await JoinApplication.filter(id__in=ids, escalated_at__isnull=False).count() == 12
    for app_id in ids:
        assert await AuditLog.filter(action=audit.JOIN_ESCALATE,
                                     subject_id=str(app_id)).count() == 1


async def test_scorecards_count_applications_by_the_month_they_went_overdue(gql, factory):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    cadre = await factory.cadre(tree.counties["A"])
    past = utcnow() - timedelta(days=40)
    late = await apply_to_join((await applicant(factory)).member.id, union.join_code, now=past)
    answered = await apply_to_join((await applicant(factory)).member.id, union.join_code,
                                   now=past)
    await review(gql, cadre, str(answered.id), True)  # answered now: after its due date too
    in_time = await apply_to_join((await applicant(factory)).member.id,
                                  tree.grassroots["B"][0].join_code, now=past)
    await JoinApplication.filter(id=in_time.id).update(status=ReviewStatus.APPROVED,
                                                       reviewed_at=past + timedelta(days=1))
    period = late.due_at.astimezone(SHANGHAI).strftime("%Y-%m")
    assert late.due_at < utcnow()

    async def overdue(u: Union) -> int:
        r = await gql(CARD, {"u": str(u.id), "p": period}, token=cadre.token
                      if u.path.startswith(tree.counties["A"].path) else province.token)
        assert r.errors == [], r.errors
        return r.data["unionScorecard"]["overdueApplications"]

    province = await factory.cadre(tree.province)
    assert await overdue(tree.counties["A"]) == 2
    assert await overdue(tree.counties["B"]) == 0
    assert await overdue(tree.province) == 2


async def test_a_cadre_in_scope_switches_auto_approval_audited(gql, factory):
    tree, union, _ = await _pending(gql, factory, 0)
    cadre = await factory.cadre(tree.counties["A"])
    r = await gql(AUTO, {"input": {"unionId": str(union.id), "enabled": True}}, token=cadre.token)
    assert r.data["setUnionAutoApprove"] == {"union": {"id": str(union.id), "autoApprove": True},
                                             "errors": []}
    assert (await Union.get(id=union.id)).auto_approve is True
    [row] = await AuditLog.filter(action=audit.UNION_AUTO_APPROVE, subject_id=str(union.id))
    assert row.actor_id == cadre.member.id and row.detail == {"enabled": True}
    # Applications are now approved at once.
    out = await apply(gql, await applicant(factory), union.join_code)
    assert out["application"]["status"] == "APPROVED"
    # Asking for the current setting changes and writes nothing.
    again = await gql(AUTO, {"input": {"unionId": str(union.id), "enabled": True}},
                      token=cadre.token)
    assert again.data["setUnionAutoApprove"]["errors"] == []
    assert await AuditLog.filter(action=audit.UNION_AUTO_APPROVE).count() == 1


async def test_auto_approval_refusals_change_nothing(gql, factory):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    outsider = await factory.cadre(tree.counties["B"])
    r = await gql(AUTO, {"input": {"unionId": str(union.id), "enabled": True}},
                  token=outsider.token)
    assert r.error_codes() == ["FORBIDDEN"]
    member = await factory.account(union)
    r = await gql(AUTO, {"input": {"unionId": str(union.id), "enabled": True}},
                  token=member.token)
    assert r.error_codes() == ["FORBIDDEN"]
    province = await factory.cadre(tree.province)
    for target in (tree.counties["A"], tree.pool):
        r = await gql(AUTO, {"input": {"unionId": str(target.id), "enabled": True}},
                      token=province.token)
        assert r.data["setUnionAutoApprove"]["errors"] == [
            {"code": "NOT_GRASSROOTS", "field": "unionId"}]
    r = await gql(AUTO, {"input": {"unionId": "999999", "enabled": True}}, token=province.token)
    assert r.data["setUnionAutoApprove"]["errors"][0]["code"] == "NOT_FOUND"
    assert (await Union.get(id=union.id)).auto_approve is False
    assert not await Union.filter(id__in=[tree.counties["A"].id, tree.pool.id],
                                  auto_approve=True).exists()
    assert await AuditLog.filter(action=audit.UNION_AUTO_APPROVE).count() == 0


async def test_a_union_created_with_auto_approval_is_audited_as_the_switch_is(gql, factory):
    """createUnion(autoApprove: true) turns auto-approval on as setUnionAutoApprove does: the
    same row (action, actor, subject, detail), so an auditor filtering on the action finds
    every union where a person turned it on. A union created without it writes no such row."""
    from tests.identity.membership_flows import CREATE_UNION

    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    made = []
    for name, auto in (("雁塔区外卖骑手联合工会", True), ("雁塔区网约车司机联合工会", False)):
        r = await gql(CREATE_UNION, {"input": {
            "name": name, "level": "GRASSROOTS", "regionCode": tree.counties["A"].region_code,
            "parentId": str(tree.counties["A"].id), "autoApprove": auto}}, token=cadre.token)
        assert r.errors == [] and r.data["createUnion"]["errors"] == []
        made.append(r.data["createUnion"]["union"]["id"])
    assert (await Union.get(id=int(made[0]))).auto_approve is True
    [row] = await AuditLog.filter(action=audit.UNION_AUTO_APPROVE)
    assert (row.actor_id, row.subject_type, row.subject_id, row.union_id, row.detail) == (
        cadre.member.id, "union", made[0], int(made[0]), {"enabled": True})
    # Applications to it are approved at once, as after the switch.
    out = await apply(gql, await applicant(factory), (await Union.get(id=int(made[0]))).join_code)
    assert out["application"]["status"] == "APPROVED"


async def test_only_a_grassroots_union_is_created_with_auto_approval(gql, factory):
    """As setUnionAutoApprove refuses it (NOT_GRASSROOTS): a county union takes no join
    applications, so createUnion(autoApprove: true) for one is refused and makes nothing."""
    from tests.identity.membership_flows import CREATE_UNION

    tree = await factory.tree()
    cadre = await factory.cadre(tree.cities["xian"])
    before = await Union.all().count()
    r = await gql(CREATE_UNION, {"input": {
        "name": "示例新区总工会", "level": "COUNTY", "regionCode": tree.counties["A"].region_code,
        "parentId": str(tree.cities["xian"].id), "autoApprove": True}}, token=cadre.token)
    assert r.errors == []
    assert [(e["code"], e["field"]) for e in r.data["createUnion"]["errors"]] == [
        ("NOT_GRASSROOTS", "autoApprove")]
    assert r.data["createUnion"]["union"] is None
    assert await Union.all().count() == before
    assert await AuditLog.filter(action=audit.UNION_AUTO_APPROVE).count() == 0
