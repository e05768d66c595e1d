"""Role changes by admins, audited; the audit log is readable by ADMIN only."""

from __future__ import annotations

ASSIGN = """mutation A($input: AssignRoleInput!) { assignRole(input: $input) {
  member { id tier } errors { code field } } }"""
AUDIT = """query L($action: String) { auditLog(action: $action) { edges { node {
  actorId action subjectType subjectId traceId } } } }"""


def _nodes(result) -> list[dict]:
    return [edge["node"] for edge in result.data["auditLog"]["edges"]]


async def test_admin_makes_a_cadre_and_the_change_is_audited(gql, factory):
    tree = await factory.tree()
    admin = await factory.admin()
    member = await factory.account()
    made = await gql(ASSIGN, {"input": {"memberId": member.id, "role": "CADRE",
                                        "cadreOrgId": str(tree.counties["A"].id)}}, token=admin.token)
    assert made.data["assignRole"]["errors"] == []
    assert made.data["assignRole"]["member"]["tier"] == "CADRE"
    entries = _nodes(await gql(AUDIT, {"action": "identity.role.change"}, token=admin.token))
    assert entries == [{"actorId": admin.id, "action": "identity.role.change", "subjectType": "member",
                        "subjectId": member.id, "traceId": made.body["extensions"]["traceId"]}]


async def test_role_changes_are_refused_with_clear_errors_and_write_nothing(gql, factory):
    tree = await factory.tree()
    admin = await factory.admin()
    member = await factory.account()
    cases = [
        ({"memberId": member.id, "role": "CADRE"}, "CADRE_ORG_REQUIRED"),
        ({"memberId": member.id, "role": "OPERATOR", "cadreOrgId": str(tree.province.id)},
         "CADRE_ORG_NOT_ALLOWED"),
        ({"memberId": admin.id, "role": "MEMBER"}, "SELF_ROLE_CHANGE"),
        ({"memberId": "99999999", "role": "OPERATOR"}, "NOT_FOUND"),
    ]
    for input_, code in cases:
        result = await gql(ASSIGN, {"input": input_}, token=admin.token)
        assert [e["code"] for e in result.data["assignRole"]["errors"]] == [code]
    assert _nodes(await gql(AUDIT, {"action": "identity.role.change"}, token=admin.token)) == []


async def test_only_admins_change_roles_or_read_the_audit_log(gql, factory):
    tree = await factory.tree()
    member = await factory.account()
    for caller in (await factory.cadre(tree.province), await factory.operator(), member):
        denied = await gql(ASSIGN, {"input": {"memberId": member.id, "role": "ADMIN"}},
                           token=caller.token)
        assert denied.error_codes() == ["FORBIDDEN"]
        assert (await gql(AUDIT, token=caller.token)).error_codes() == ["FORBIDDEN"]
    assert (await gql(AUDIT)).error_codes() == ["UNAUTHENTICATED"]


async def test_a_role_change_ends_the_members_sessions(gql, factory):
    from tests.identity.account_flows import LOGIN, REFRESH  # the suite's own operations

    admin = await factory.admin()
    member = await factory.account()
    login = await gql(LOGIN, {"input": {"phone": member.phone, "password": "demo-pass-2026"}})
    refresh_token = login.data["login"]["refreshToken"]
    await gql(ASSIGN, {"input": {"memberId": member.id, "role": "OPERATOR"}}, token=admin.token)
    again = await gql(REFRESH, {"input": {"refreshToken": refresh_token}})
    assert again.data["refreshToken"]["errors"][0]["code"] == "TOKEN_REVOKED"


async def test_a_closed_account_gets_no_role(gql, factory):
    """A closed account is erased (no phone, no password, role MEMBER): a role given to it
    would make a cadre or admin of no one, listed among its org's cadres. Refused as an
    unknown member, and nothing written."""
    from tests.identity.phone_flows import CLOSE
    from unionhub.identity.models import Member, Role
    from unionhub.identity.seed import DEMO_PASSWORD

    tree = await factory.tree()
    admin = await factory.admin()
    member = await factory.account(tree.all_grassroots[0])
    closed = await gql(CLOSE, {"input": {"password": DEMO_PASSWORD}}, token=member.token)
    assert closed.data["closeAccount"]["errors"] == [], closed.body
    for role, org in (("CADRE", str(tree.province.id)), ("ADMIN", None)):
        result = await gql(ASSIGN, {"input": {"memberId": member.id, "role": role,
                                              "cadreOrgId": org}}, token=admin.token)
        assert result.errors == [], result.body
        assert [(e["code"], e["field"]) for e in result.data["assignRole"]["errors"]] == [
            ("NOT_FOUND", "memberId")]
    row = await Member.get(id=int(member.id))
    assert (row.role, row.cadre_org_id) == (Role.MEMBER, None)
    assert _nodes(await gql(AUDIT, {"action": "identity.role.change"}, token=admin.token)) == []
