"""Identity's paged lists through GraphQL (issue 24, point 4): every page both ways, the
page-size rule, totalCount, and the deprecated plain lists they replace."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import Factory
from tests.paging import assert_bad_size, assert_pages, connection_query
from unionhub.clock import utcnow
from unionhub.identity.models import (
    IdentityConflict,
    JoinApplication,
    ReviewStatus,
    TransferRequest,
    Union,
    UnionLevel,
)
from unionhub.schema.relay import MAX_PAGE


async def _grassroots(parent: Union, n: int) -> list[Union]:
    return [await Union.create(name=f"基层{i}", level=UnionLevel.GRASSROOTS,
                               region_code=parent.region_code, parent=parent,
                               path=f"{parent.path}x{i}/") for i in range(n)]


async def test_children_and_unions_page_both_ways(gql, factory: Factory):
    tree = await factory.tree()
    county = tree.counties["A"]
    await _grassroots(county, 5)
    expected = [str(u.id) for u in await Union.filter(parent_id=county.id).order_by("id")]
    children = connection_query("childrenConnection", variables="$u: ID!",
                                outer="union(id: $u)")
    await assert_pages(gql, children, "union.childrenConnection", {"u": str(county.id)}, None,
                       expected)
    unions = connection_query("unionsConnection", "parentId: $u", "$u: ID")
    await assert_pages(gql, unions, "unionsConnection", {"u": str(county.id)}, None, expected)
    roots = await gql("{ unionsConnection { totalCount edges { node { id } } } }")
    assert [e["node"]["id"] for e in roots.data["unionsConnection"]["edges"]] == [
        str(u.id) for u in await Union.filter(parent_id=None).order_by("id")]



async def test_the_plain_unions_list_keeps_its_contract(gql, factory: Factory):
    """docs/contract.md: `unions(parentId)` (deprecated, kept until removed) answers guests
    the roots when parentId is null and the children of parentId otherwise."""
    tree = await factory.tree()
    county = tree.counties["A"]
    await _grassroots(county, 3)
    roots = await gql("{ unions { id } }")
    assert sorted(int(u["id"]) for u in roots.data["unions"]) == sorted(
        await Union.filter(parent_id=None).values_list("id", flat=True))
    children = await gql("query C($u: ID) { unions(parentId: $u) { id parent { id } } }",
                         {"u": str(county.id)})
    assert sorted(int(u["id"]) for u in children.data["unions"]) == sorted(
        await Union.filter(parent_id=county.id).values_list("id", flat=True))
    assert {u["parent"]["id"] for u in children.data["unions"]} == {str(county.id)}

async def test_review_queues_page_oldest_first_both_ways(gql, factory: Factory):
    tree = await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(county)
    now = utcnow()
    apps, transfers = [], []
    for i in range(6):
        member = (await factory.account(verified=False)).member
        # Equal creation times on purpose: the id breaks the tie.
        at = now - timedelta(minutes=10 - i // 2)
        apps.append(await JoinApplication.create(member=member, union=tree.grassroots["A"][0],
                                                 due_at=now, created_at=at))
        transfers.append(await TransferRequest.create(member=member,
                                                      from_union=tree.grassroots["B"][0],
                                                      to_union=tree.grassroots["A"][0]))
    for row in apps:  # auto_now_add overrode created_at on create
        await JoinApplication.filter(id=row.id).update(
            created_at=now - timedelta(minutes=10 - apps.index(row) // 2))
    u = {"u": str(county.id)}
    query = connection_query("joinApplicationsConnection", "unionId: $u", "$u: ID!")
    await assert_pages(gql, query, "joinApplicationsConnection", u, cadre.token,
                       [str(a.id) for a in apps])
    query = connection_query("transfersConnection", "unionId: $u", "$u: ID!")
    await assert_pages(gql, query, "transfersConnection", u, cadre.token,
                       [str(t.id) for t in transfers])
    # Another county's cadre is refused, as on the plain lists.
    other = await factory.cadre(tree.counties["B"])
    r = await gql(query, {**u, "first": 2}, token=other.token)
    assert r.error_codes() == ["FORBIDDEN"]


async def test_my_applications_and_transfers_page_newest_first(gql, factory: Factory):
    tree = await factory.tree()
    me = await factory.account(tree.grassroots["B"][0])
    apps = [await JoinApplication.create(member=me.member, union=tree.grassroots["A"][0],
                                         due_at=utcnow(), status=ReviewStatus.REJECTED)
            for _ in range(5)]
    moves = [await TransferRequest.create(member=me.member, from_union=tree.grassroots["B"][0],
                                          to_union=tree.grassroots["A"][0],
                                          status=ReviewStatus.REJECTED) for _ in range(5)]
    query = connection_query("myJoinApplicationsConnection")
    await assert_pages(gql, query, "myJoinApplicationsConnection", {}, me.token,
                       [str(a.id) for a in reversed(apps)])
    query = connection_query("myTransfersConnection")
    await assert_pages(gql, query, "myTransfersConnection", {}, me.token,
                       [str(t.id) for t in reversed(moves)])


async def test_identity_conflicts_page_newest_first(gql, factory: Factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = (await factory.account(tree.grassroots["A"][0])).member
    rows = [await IdentityConflict.create(member=member, holder_member_id=1) for _ in range(5)]
    query = connection_query("identityConflictsConnection", "unionId: $u", "$u: ID!")
    await assert_pages(gql, query, "identityConflictsConnection",
                       {"u": str(tree.counties["A"].id)}, cadre.token,
                       [str(r.id) for r in reversed(rows)])


async def test_the_deprecated_lists_follow_the_one_page_size_rule(gql, factory: Factory):
    tree = await factory.tree()
    operator = await factory.operator()
    cadre = await factory.cadre(tree.counties["A"])
    # slowOperations(first: 0) once returned everything.
    await assert_bad_size(gql, "query($first: Int) { slowOperations(first: $first) { traceId } }",
                          {}, operator.token, {"first": 0}, "first")
    await assert_bad_size(gql, "query($first: Int, $u: ID!) { identityConflicts(unionId: $u, "
                          "first: $first) { id } }", {"u": str(tree.counties["A"].id)},
                          cadre.token, {"first": -1}, "first")
    query = connection_query("slowOperationsConnection", node="traceId")
    r = await gql(query, {"first": 0}, token=operator.token)
    assert r.errors[0]["extensions"]["reason"] == "BAD_PAGE_SIZE", r.body
    r = await gql(query, {"first": 5}, token=operator.token)
    assert r.errors == [] and r.data["slowOperationsConnection"]["totalCount"] >= 0
    await assert_bad_size(gql, query, {}, operator.token, {"last": MAX_PAGE + 1}, "last")
    r = await gql(query, {"last": 5}, token=operator.token)
    assert r.errors == [] and r.data["slowOperationsConnection"]["pageInfo"][
        "hasNextPage"] is False


async def test_the_page_size_refusal_speaks_both_languages(http):
    query = "query($l: Int) { unionsConnection(last: $l) { totalCount } }"
    for language, message in (("en", "last must be between 1 and 100"),
                              ("zh-CN", "last 须在 1 到 100 之间")):
        r = await http.post("/graphql", json={"query": query, "variables": {"l": 0}},
                            headers={"Accept-Language": language})
        error = r.json()["errors"][0]
        assert error["extensions"]["reason"] == "BAD_PAGE_SIZE"
        assert error["message"] == message
    r = await http.post("/graphql", json={
        "query": "{ unionsConnection(first: 2, last: 2) { totalCount } }"},
        headers={"Accept-Language": "zh-CN"})
    assert r.json()["errors"][0]["message"] == "first 与 last 只能给一个"


async def test_members_and_the_audit_log_page_without_a_count(gql, factory: Factory):
    tree = await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(county)
    admin = await factory.admin()
    for _ in range(5):
        await factory.account(tree.grassroots["A"][0])
    from unionhub.identity.models import Member

    expected = [str(m.id) for m in await Member.filter(union__path__startswith=county.path)
                .order_by("id")]
    query = connection_query("members", "unionId: $u", "$u: ID!")
    await assert_pages(gql, query, "members", {"u": str(county.id)}, cadre.token, expected,
                       total=False)
    from unionhub.identity import audit
    from unionhub.identity.models import AuditLog

    for i in range(5):
        await audit.record("member.test", actor_id=admin.member.id, subject_type="member",
                           subject_id=admin.member.id, detail={"n": i})
    newest = [str(a.id) for a in await AuditLog.all().order_by("-id")]
    query = connection_query("auditLog")
    await assert_pages(gql, query, "auditLog", {}, admin.token, newest, total=False)


def test_the_cost_of_a_backward_page_counts_last_when_first_is_null():
    from graphql import parse

    from unionhub.schema.builder import build_schema
    from unionhub.schema.limits import Limits, _CostWalker

    schema = build_schema()._schema
    document = parse("query($first: Int, $last: Int) { unionsConnection(first: $first, "
                     "last: $last) { edges { node { id name } } } }")

    def cost(variables: dict) -> int:
        walker = _CostWalker(schema, {}, variables, Limits())
        return walker.cost(document.definitions[0].selection_set, schema.query_type)

    assert cost({"first": None, "last": 100}) == cost({"first": 100, "last": None}) > cost(
        {"first": None, "last": 2})
