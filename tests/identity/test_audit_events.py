"""Audited events beyond single reads: cadres' searches (by kind, never the term), a page of
members, join and transfer reviews, role changes; and ADMIN's auditLog connection with its
filters (action, actor, subject, union, time range) and keyset pages."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import Factory
from tests.identity.review_flows import APPLY, REVIEW_JOIN, _review_transfer, _transfer
from unionhub.clock import utcnow
from unionhub.identity import audit
from unionhub.identity.models import AuditLog

SEARCH = """query($u: ID!, $s: String) { members(unionId: $u, search: $s, first: 50) {
  edges { node { id phone } } } }"""
LOG = """query($first: Int, $after: String, $action: String, $actor: ID, $subject: String,
  $union: ID, $since: DateTime, $until: DateTime) {
  auditLog(first: $first, after: $after, action: $action, actorId: $actor, subjectId: $subject,
           unionId: $union, since: $since, until: $until) {
    edges { cursor node { id action actorId subjectType subjectId unionId detail seq hash } }
    pageInfo { hasNextPage endCursor } } }"""


async def test_searches_are_audited_by_kind_and_never_hold_the_term(gql, factory: Factory):
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    members = [await factory.account(union) for _ in range(3)]
    cadre = await factory.cadre(tree.counties["A"])
    terms = {"phone": members[0].phone, "id_number": members[1].id_number,
             "name": "会员", "card": "6" * 19}
    for kind, term in terms.items():
        r = await gql(SEARCH, {"u": str(union.id), "s": term}, token=cadre.token)
        assert r.errors == [], r.body
        row = await AuditLog.get(action=audit.MEMBER_SEARCH, trace_id=r.body["extensions"]
                                 ["traceId"])
        assert (row.actor_id, row.subject_type, row.subject_id, row.union_id, row.detail) == (
            cadre.member.id, "union", str(union.id), union.id, {"by": kind})
        assert term not in str(row.detail) and term not in row.subject_id
    # A term of spaces is a search too: audited as one by name (it matches everyone).
    blank = await gql(SEARCH, {"u": str(union.id), "s": "   "}, token=cadre.token)
    assert blank.errors == [] and len(blank.data["members"]["edges"]) == 4  # with the cadre
    row = await AuditLog.get(action=audit.MEMBER_SEARCH,
                             trace_id=blank.body["extensions"]["traceId"])
    assert row.detail == {"by": "name"}
    found = await gql(SEARCH, {"u": str(union.id), "s": members[0].phone}, token=cadre.token)
    assert [e["node"]["id"] for e in found.data["members"]["edges"]] == [members[0].id]
    # The page's unmasked phones are audited too, one row per member shown (but the cadre's
    # own, who is a member of that union).
    page = await gql(SEARCH, {"u": str(union.id)}, token=cadre.token)
    shown = {e["node"]["id"] for e in page.data["members"]["edges"]} - {cadre.id}
    assert len(shown) == 3
    rows = await AuditLog.filter(action=audit.PHONE_READ,
                                 trace_id=page.body["extensions"]["traceId"])
    assert {r.subject_id for r in rows} == shown and len(rows) == len(shown)


async def test_reviews_and_role_changes_are_audited(gql, factory: Factory):
    tree = await factory.tree()
    a0, b0 = tree.grassroots["A"][0], tree.grassroots["B"][0]
    cadre = await factory.cadre(tree.province)
    worker = await factory.account(tree.pool, verified=True)
    applied = await gql(APPLY, {"i": {"joinCode": a0.join_code}}, token=worker.token)
    application_id = applied.data["applyToJoin"]["application"]["id"]
    r = await gql(REVIEW_JOIN, {"i": {"applicationId": application_id, "approve": True}},
                  token=cadre.token)
    assert r.data["reviewJoinApplication"]["errors"] == []
    row = await AuditLog.get(action=audit.JOIN_REVIEW)
    assert (row.actor_id, row.subject_id, row.union_id, row.detail) == (
        cadre.member.id, application_id, a0.id,
        {"member": worker.member.id, "decision": "APPROVED"})

    transfer_id = await _transfer(gql, worker, b0)
    await _review_transfer(gql, cadre, transfer_id, False, "名额已满")
    row = await AuditLog.get(action=audit.TRANSFER_REVIEW)
    assert (row.actor_id, row.subject_id, row.union_id, row.detail) == (
        cadre.member.id, transfer_id, b0.id,
        {"member": worker.member.id, "from_union": a0.id, "decision": "REJECTED"})
    # A refused review (already reviewed) writes nothing.
    again = await gql(REVIEW_JOIN, {"i": {"applicationId": application_id, "approve": False,
                                          "reason": "x"}}, token=cadre.token)
    assert again.data["reviewJoinApplication"]["errors"]
    assert await AuditLog.filter(action=audit.JOIN_REVIEW).count() == 1


async def _nodes(gql, token, **variables) -> list[dict]:
    r = await gql(LOG, variables, token=token)
    assert r.errors == [], r.body
    return [e["node"] for e in r.data["auditLog"]["edges"]]


async def test_audit_log_is_a_filtered_connection_newest_first(gql, factory: Factory):
    admin = await factory.admin()
    await audit.record("test.a", actor_id=1, subject_type="member", subject_id=10, union_id=5,
                       detail={"k": 1})
    await audit.record("test.b", actor_id=2, subject_type="member", subject_id=11, union_id=6)
    await audit.record_reads("test.a", actor_id=2, subject_type="member", subject_ids=[12],
                             union_id=5)
    everything = await _nodes(gql, admin.token)
    assert [n["action"] for n in everything] == ["test.a", "test.b", "test.a"]  # newest first
    assert [n["seq"] for n in everything] == ["3", "2", "1"]
    assert everything[2]["detail"] == '{"k":1}' and everything[2]["hash"]
    assert [n["subjectId"] for n in await _nodes(gql, admin.token, action="test.a")] == ["12", "10"]
    assert [n["subjectId"] for n in await _nodes(gql, admin.token, actor="2")] == ["12", "11"]
    assert [n["subjectId"] for n in await _nodes(gql, admin.token, union="5")] == ["12", "10"]
    assert [n["subjectId"] for n in await _nodes(gql, admin.token, subject="11")] == ["11"]
    assert await _nodes(gql, admin.token, actor="2", union="6", action="test.a") == []
    assert await _nodes(gql, admin.token, actor="not-an-id") == []
    now = utcnow()
    assert len(await _nodes(gql, admin.token, since=(now - timedelta(minutes=5)).isoformat())) == 3
    assert await _nodes(gql, admin.token, until=(now - timedelta(minutes=5)).isoformat()) == []
    # Keyset pages.
    first = await gql(LOG, {"first": 2}, token=admin.token)
    page = first.data["auditLog"]
    assert page["pageInfo"]["hasNextPage"] and len(page["edges"]) == 2
    rest = await _nodes(gql, admin.token, first=2, after=page["pageInfo"]["endCursor"])
    assert [n["subjectId"] for n in rest] == ["10"]
    bad = await gql(LOG, {"first": 1000}, token=admin.token)
    assert bad.error_codes() == ["BAD_USER_INPUT"] or "BAD_PAGE_SIZE" in str(bad.body)


LOGIN = """mutation L($input: LoginInput!) { login(input: $input) { accessToken errors { code } } }"""
LOGIN_BY_SMS = """mutation L($input: LoginBySmsInput!) { loginBySms(input: $input) {
  accessToken errors { code } } }"""


async def test_sign_in_by_sms_is_audited_like_sign_in_by_password(gql, factory: Factory):
    from tests.sms import sms_code

    m = await factory.account()
    r = await gql(LOGIN, {"input": {"phone": m.phone, "password": "demo-pass-2026"}})
    assert r.data["login"]["errors"] == []
    code = await sms_code(gql, m.phone, "LOGIN")
    wrong = "000000" if code != "000000" else "111111"
    r = await gql(LOGIN_BY_SMS, {"input": {"phone": m.phone, "smsCode": wrong}})
    assert [e["code"] for e in r.data["loginBySms"]["errors"]] == ["SMS_CODE_INVALID"]
    r = await gql(LOGIN_BY_SMS, {"input": {"phone": m.phone, "smsCode": code}})
    assert r.data["loginBySms"]["errors"] == []
    rows = await AuditLog.filter(subject_id=m.id).order_by("id")
    assert [(r.action, r.actor_id, r.detail.get("method")) for r in rows] == [
        ("auth.login.succeeded", m.member.id, "password"),
        ("auth.login.failed", None, "sms"),
        ("auth.login.succeeded", m.member.id, "sms")]
    assert rows[1].detail["failures_in_window"] == 1
    # Never the phone or the code.
    assert all(m.phone not in str(r.detail) and code not in str(r.detail) for r in rows)


async def test_a_full_width_phone_or_id_number_finds_the_member(gql, factory: Factory):
    # The same number typed in full width (a Chinese IME) is searched as the ASCII one.
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    member = await factory.account(union)
    cadre = await factory.cadre(tree.counties["A"])
    wide = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
    assert member.id_number is not None
    for kind, term in (("phone", member.phone), ("id_number", member.id_number)):
        r = await gql(SEARCH, {"u": str(union.id), "s": term.translate(wide)}, token=cadre.token)
        assert [e["node"]["id"] for e in r.data["members"]["edges"]] == [member.id]
        row = await AuditLog.get(action=audit.MEMBER_SEARCH,
                                 trace_id=r.body["extensions"]["traceId"])
        assert row.detail == {"by": kind}


def _written_actions() -> tuple[set[str], set[str]]:
    """The action names the code writes as literals (first argument of `record`,
    `record_reads` or the card helper), and the constants of identity/audit.py it uses by
    name (`audit.X`, or imported by name, outside audit.py)."""
    import ast
    import pathlib

    literals: set[str] = set()
    names: set[str] = set()
    for path in pathlib.Path(audit.__file__).parents[1].rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                first = node.args[0]
                if called in ("record", "record_reads", "_audit_card") and isinstance(
                        first, ast.Constant) and isinstance(first.value, str):
                    literals.add(first.value)
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "audit" and path.name != "audit.py"):
                names.add(node.attr)
            if isinstance(node, ast.ImportFrom) and node.module == "unionhub.identity.audit":
                names.update(alias.name for alias in node.names)
    return literals, names


def test_every_action_name_constant_is_an_action_the_code_writes():
    """identity/audit.py's constants are the names auditLog's action filter is told to use
    (docs/architecture.md); a constant that names no action written finds nothing. Six did:
    the export, the verification conflict, sign-ins, failed sign-ins, revoked sessions and
    card events were written under other names."""
    literals, names = _written_actions()
    constants = {k: v for k, v in vars(audit).items()
                 if k.isupper() and isinstance(v, str) and "." in v and " " not in v}
    stale = sorted(f"{k}={v}" for k, v in constants.items()
                   if v not in literals and k not in names)
    assert stale == []
