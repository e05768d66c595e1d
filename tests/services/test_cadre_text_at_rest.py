"""What the cadres write about a service request, the resolution and the reason for a
rejection, is personal data as the member's own words are (it names the member, their
employer, their household, what was paid): sealed at rest and bound to the request, never
copied into the steps' notes, in clear for the requester (unaudited: the union's answer to
them, and in their data export), for anyone else, the cadre who wrote it included, in clear
only when the request is read alone after an audit row, "****" in lists; rotated with the
other keys."""

from __future__ import annotations

import json

from tests.crypto.key_switch import _switch_to_a_new_key, restore_settings  # noqa: F401
from tests.services.helpers import COMPLETE, REJECT, make_item, principal
from unionhub.db import conn
from unionhub.identity.models import AuditLog
from unionhub.services import memberdata, requests

ACTION = "services.request.details.read"
RESOLUTION = "已协调某某建筑公司向王小明补发工资12000元，王小明电话13800001111"
REASON = "王小明家庭年收入超过帮扶标准（身份证610111196601060005）"
ONE = """query R($id: ID!) { serviceRequest(id: $id) { resolution rejectReason
  events { action note } } }"""
QUEUE = """query Q($u: ID!) { serviceRequests(unionId: $u, first: 10) { edges { node {
  id resolution rejectReason events { note } } } } }"""
MINE = """{ myServiceRequests(first: 10) { edges { node { id resolution rejectReason } } } }"""


async def _people(factory):
    """A county cadre, a member below it, and an item the county offers."""
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    return tree, cadre, member, await make_item(cadre, tree.counties["A"])


async def _handled(factory):
    """A completed request and a rejected one of the same member, handled by a county cadre."""
    tree, cadre, member, item = await _people(factory)
    done = await requests.submit(principal(member), item.id, "拖欠工资三个月")
    await requests.accept(principal(cadre), done.id)
    await requests.complete(principal(cadre), done.id, RESOLUTION)
    refused = await requests.submit(principal(member), item.id, "申请困难帮扶")
    await requests.reject(principal(cadre), refused.id, REASON)
    return tree, cadre, member, done, refused


async def _reads() -> list[tuple[int | None, dict]]:
    return [(r.actor_id, r.detail)
            for r in await AuditLog.filter(action=ACTION).order_by("id")]


async def _raw(*request_ids: int) -> str:
    ids = ", ".join(str(int(i)) for i in request_ids)
    return json.dumps([
        await conn().execute_query_dict(f"SELECT * FROM service_requests WHERE id IN ({ids})"),
        await conn().execute_query_dict(
            f"SELECT * FROM service_request_events WHERE request_id IN ({ids})")],
        default=str, ensure_ascii=False)


async def test_the_tables_hold_no_plaintext_resolution_or_reason(gql, factory):
    _tree, _cadre, _member, done, refused = await _handled(factory)
    raw = await _raw(done.id, refused.id)
    for secret in (RESOLUTION, REASON, "王小明", "13800001111", "610111196601060005"):
        assert secret not in raw


async def test_the_requester_reads_them_in_clear_unaudited(gql, factory):
    _tree, _cadre, member, done, refused = await _handled(factory)
    one = await gql(ONE, {"id": str(done.id)}, token=member.token)
    assert one.errors == [], one.errors
    assert one.data["serviceRequest"]["resolution"] == RESOLUTION
    assert [e["note"] for e in one.data["serviceRequest"]["events"]] == [None] * 3  # no copy
    other = await gql(ONE, {"id": str(refused.id)}, token=member.token)
    assert other.data["serviceRequest"]["rejectReason"] == REASON
    mine = await gql(MINE, token=member.token)
    nodes = {e["node"]["id"]: e["node"] for e in mine.data["myServiceRequests"]["edges"]}
    assert nodes[str(done.id)]["resolution"] == RESOLUTION  # their own list: in clear
    assert nodes[str(refused.id)]["rejectReason"] == REASON
    assert await _reads() == []


async def test_a_cadre_reads_them_alone_audited_and_masked_in_lists(gql, factory):
    tree, cadre, _member, done, refused = await _handled(factory)
    queue = await gql(QUEUE, {"u": str(tree.counties["A"].id)}, token=cadre.token)
    assert queue.errors == [], queue.errors
    nodes = {e["node"]["id"]: e["node"] for e in queue.data["serviceRequests"]["edges"]}
    assert (nodes[str(done.id)]["resolution"], nodes[str(done.id)]["rejectReason"]) == (
        "****", None)
    assert nodes[str(refused.id)]["rejectReason"] == "****"
    for secret in (RESOLUTION, REASON):
        assert secret not in str(queue.body)
    assert await _reads() == []
    # Alone: the cadre who wrote it reads it after an audit row, as an admin does.
    one = await gql(ONE, {"id": str(done.id)}, token=cadre.token)
    assert one.data["serviceRequest"]["resolution"] == RESOLUTION
    admin = await factory.admin()
    other = await gql(ONE, {"id": str(refused.id)}, token=admin.token)
    assert other.data["serviceRequest"]["rejectReason"] == REASON
    assert await _reads() == [
        (cadre.member.id, {"request_id": done.id, "field": "resolution"}),
        (admin.member.id, {"request_id": refused.id, "field": "reject_reason"})]
    dump = json.dumps(await conn().execute_query_dict("SELECT * FROM audit_log"),
                      default=str, ensure_ascii=False)
    assert "王小明" not in dump


async def test_the_handling_steps_answer_audited(gql, factory):
    _tree, cadre, member, item = await _people(factory)
    req = await requests.submit(principal(member), item.id, "拖欠工资")
    await requests.accept(principal(cadre), req.id)
    completed = await gql(COMPLETE, {"id": str(req.id), "r": RESOLUTION}, token=cadre.token)
    out = completed.data["completeServiceRequest"]["request"]
    assert out["resolution"] == RESOLUTION and out["events"][-1]["note"] is None
    other = await requests.submit(principal(member), item.id, "申请帮扶")
    rejected = await gql(REJECT, {"id": str(other.id), "r": REASON}, token=cadre.token)
    assert rejected.data["rejectServiceRequest"]["request"]["rejectReason"] == REASON
    fields = [detail["field"] for _actor, detail in await _reads()]
    assert "resolution" in fields and "reject_reason" in fields


async def test_a_moved_resolution_is_refused_unaudited(gql, factory):
    _tree, cadre, _member, done, refused = await _handled(factory)
    await conn().execute_query(
        "UPDATE service_requests SET resolution_enc = (SELECT resolution_enc FROM "
        f"service_requests WHERE id = {done.id:d}) WHERE id = {refused.id:d}")
    seen = await gql("query R($id: ID!) { serviceRequest(id: $id) { resolution } }",
                     {"id": str(refused.id)}, token=cadre.token)
    assert [e["extensions"]["code"] for e in seen.errors] == ["PERSONAL_DATA_UNREADABLE"]
    assert RESOLUTION not in str(seen.body)
    assert await _reads() == []


async def test_the_export_shows_the_member_the_unions_answers(gql, factory):
    _tree, _cadre, member, done, refused = await _handled(factory)
    exported = {r["id"]: r for r in (await memberdata.export(member.member.id))[
        "service_requests"]}
    assert (exported[done.id]["resolution"], exported[done.id]["reject_reason"]) == (
        RESOLUTION, None)
    assert (exported[refused.id]["resolution"], exported[refused.id]["reject_reason"]) == (
        None, REASON)
    assert not any(k.endswith("_enc") for k in exported[done.id])


async def test_key_rotation_moves_them(gql, factory, monkeypatch,
                                       restore_settings):  # noqa: F811
    from unionhub.crypto import rotation

    _tree, cadre, member, done, refused = await _handled(factory)
    _switch_to_a_new_key(monkeypatch)
    assert (await rotation.remaining())["service_requests"] == 2
    await rotation.rotate()
    assert (await rotation.remaining())["service_requests"] == 0
    rows = await conn().execute_query_dict(
        "SELECT resolution_enc, reject_reason_enc FROM service_requests WHERE id IN "
        f"({done.id:d}, {refused.id:d}) ORDER BY id")
    assert rows[0]["resolution_enc"].startswith("r2:r:")
    assert rows[1]["reject_reason_enc"].startswith("r2:r:")
    for caller in (member, cadre):
        one = await gql(ONE, {"id": str(done.id)}, token=caller.token)
        assert one.data["serviceRequest"]["resolution"] == RESOLUTION
