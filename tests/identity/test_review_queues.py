"""What cadres and members can list: a union's transfers (in or out of its subtree), and a
member's own applications and transfers with the reviewer's reasons."""

from __future__ import annotations

from tests.factories import Factory
from tests.identity.review_flows import APPLY, REVIEW_JOIN, _review_transfer, _transfer
from tests.querycount import count_queries
from unionhub import cache
from unionhub.identity import orgs

TRANSFERS = """query($u: ID!, $s: ReviewStatus, $d: TransferDirection) {
  transfers(unionId: $u, status: $s, direction: $d) {
    id status reason reviewReason member { id displayName }
    fromUnion { id name } toUnion { id name } } }"""
MINE = """{ myJoinApplications { id status reason union { id } }
  myTransfers { id status reason reviewReason toUnion { id } } }"""


async def test_a_cadre_lists_pending_transfers_into_and_out_of_the_scope(gql, factory: Factory):
    tree = await factory.tree()
    a0, b0, c0 = tree.grassroots["A"][0], tree.grassroots["B"][0], tree.grassroots["C"][0]
    county_a = await factory.cadre(tree.counties["A"])
    incoming = [await _transfer(gql, await factory.account(b0), a0, "搬家") for _ in range(2)]
    outgoing = await _transfer(gql, await factory.account(a0), c0)
    elsewhere = await _transfer(gql, await factory.account(b0), c0)  # neither side in A
    decided = await _transfer(gql, await factory.account(c0), a0)
    await _review_transfer(gql, county_a, decided, False, "不在本单位工作")

    def listed(r):
        assert r.errors == [], r.body
        return [t["id"] for t in r.data["transfers"]]

    u = str(tree.counties["A"].id)
    assert listed(await gql(TRANSFERS, {"u": u}, token=county_a.token)) == incoming  # oldest first
    assert listed(await gql(TRANSFERS, {"u": u, "d": "OUT"}, token=county_a.token)) == [outgoing]
    rejected = await gql(TRANSFERS, {"u": u, "s": "REJECTED"}, token=county_a.token)
    assert rejected.data["transfers"][0]["reviewReason"] == "不在本单位工作"
    assert listed(rejected) == [decided]
    every = listed(await gql(TRANSFERS, {"u": u, "s": None}, token=county_a.token))
    assert sorted(every) == sorted([*incoming, decided]) and elsewhere not in every
    first = (await gql(TRANSFERS, {"u": u}, token=county_a.token)).data["transfers"][0]
    assert first["fromUnion"]["id"] == str(b0.id) and first["toUnion"]["id"] == str(a0.id)
    assert first["reason"] == "搬家" and first["reviewReason"] is None

    # Scope-checked like joinApplications: a cadre of county B is refused county A's queue.
    county_b = await factory.cadre(tree.counties["B"])
    refused = await gql(TRANSFERS, {"u": u}, token=county_b.token)
    assert refused.error_codes() == ["FORBIDDEN"] and not refused.data
    member = await factory.account(a0)
    assert (await gql(TRANSFERS, {"u": u}, token=member.token)).error_codes() == ["FORBIDDEN"]


async def test_listing_transfers_makes_no_query_per_transfer(gql, factory: Factory):
    tree = await factory.tree()
    target = tree.grassroots["A"][0]
    cadre = await factory.cadre(tree.counties["A"])
    sources = [g for g in tree.all_grassroots if not g.path.startswith(tree.counties["A"].path)
               and not g.is_holding_pool]
    counts, made = [], 0
    for batch in (1, 5):
        made += batch
        for i in range(batch):
            await _transfer(gql, await factory.account(sources[i % len(sources)]), target)
        await cache.get_redis().flushdb()  # cold: members and unions really come from the database
        orgs.clear_union_cache()
        with count_queries() as q:
            r = await gql(TRANSFERS, {"u": str(tree.counties["A"].id)}, token=cadre.token)
        assert r.errors == [], r.body
        assert len(r.data["transfers"]) == made
        assert all(t["member"]["displayName"] and t["fromUnion"]["name"]
                   for t in r.data["transfers"])
        counts.append(q.count)
    assert counts[1] == counts[0], counts


async def test_a_member_sees_own_applications_and_transfers_newest_first(gql, factory: Factory):
    tree = await factory.tree()
    a0 = a1 = tree.grassroots["A"][0]  # resubmitted to the same union
    cadre = await factory.cadre(tree.province)
    worker = await factory.account(tree.pool, verified=True)
    other = await factory.account(tree.pool, verified=True)
    empty = await gql(MINE, token=worker.token)
    assert empty.data == {"myJoinApplications": [], "myTransfers": []}

    first = await gql(APPLY, {"i": {"joinCode": a0.join_code}}, token=worker.token)
    first_id = first.data["applyToJoin"]["application"]["id"]
    r = await gql(REVIEW_JOIN, {"i": {"applicationId": first_id, "approve": False,
                                      "reason": "请上传劳动合同"}}, token=cadre.token)
    assert r.data["reviewJoinApplication"]["errors"] == []
    # The rejected applicant reads the reason before resubmitting.
    mine = (await gql(MINE, token=worker.token)).data["myJoinApplications"]
    assert mine == [{"id": first_id, "status": "REJECTED", "reason": "请上传劳动合同",
                     "union": {"id": str(a0.id)}}]

    second = await gql(APPLY, {"i": {"joinCode": a1.join_code}}, token=worker.token)
    second_id = second.data["applyToJoin"]["application"]["id"]
    await gql(APPLY, {"i": {"joinCode": a0.join_code}}, token=other.token)  # not the worker's
    mine = (await gql(MINE, token=worker.token)).data["myJoinApplications"]
    assert [(a["id"], a["status"]) for a in mine] == [(second_id, "PENDING"),
                                                      (first_id, "REJECTED")]
    r = await gql(REVIEW_JOIN, {"i": {"applicationId": second_id, "approve": True}},
                  token=cadre.token)
    assert r.data["reviewJoinApplication"]["errors"] == []

    b0, c0 = tree.grassroots["B"][0], tree.grassroots["C"][0]
    refused = await _transfer(gql, worker, b0, "离家近")
    await _review_transfer(gql, cadre, refused, False, "名额已满")
    waiting = await _transfer(gql, worker, c0)
    transfers = (await gql(MINE, token=worker.token)).data["myTransfers"]
    assert transfers == [
        {"id": waiting, "status": "PENDING", "reason": None, "reviewReason": None,
         "toUnion": {"id": str(c0.id)}},
        {"id": refused, "status": "REJECTED", "reason": "离家近", "reviewReason": "名额已满",
         "toUnion": {"id": str(b0.id)}},
    ]
    assert (await gql(MINE, token=other.token)).data["myTransfers"] == []
    assert (await gql(MINE)).error_codes() == ["UNAUTHENTICATED"]
