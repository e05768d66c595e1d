"""The hot member lookup: read through Redis, invalidated by every write to the member, card or
membership, still answering from the database when Redis is down; and no N+1 anywhere a page
of members or a batch of federation references is resolved."""

from __future__ import annotations

import pytest
import redis.asyncio

from tests.factories import Factory
from tests.querycount import count_queries
from unionhub import cache
from unionhub.identity.models import AuditLog, MemberCard
from unionhub.identity.privacy import CURRENT as _NOTICE
from unionhub.identity.seed import _account, seed_members

FIELDS = "id displayName tier phone name union { id } card { number status }"
ME = f"query Me {{ me {{ {FIELDS} }} }}"
BY_ID = f"query ById($id: ID!) {{ member(id: $id) {{ {FIELDS} }} }}"
BY_CARD = f"query ByCard($c: String!) {{ member(cardNo: $c) {{ {FIELDS} }} }}"
LOST = ("mutation Lost($i: ReportCardLostInput!) { reportCardLost(input: $i) {"
        " card { number } errors { code } } }")

CONSENT = _NOTICE.version  # verifyIdentity records consent to the current notice


async def _card_number(member_id: int | str) -> str:
    return (await MemberCard.get(member_id=int(member_id), status="ACTIVE")).number


async def _lookups(factory: Factory):
    """A verified member in county A and a cadre of county A; returns the three lookups as
    (query, variables, token) for the member's own `me`, and the cadre's by id and by card."""
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.counties["A"])
    card = await _card_number(member.id)
    return member, {
        "me": (ME, {}, member.token),
        "id": (BY_ID, {"id": member.id}, cadre.token),
        "cardNo": (BY_CARD, {"c": card}, cadre.token),
    }


@pytest.mark.parametrize("lookup", ["me", "id", "cardNo"])
async def test_a_second_lookup_makes_no_sql_query(gql, factory: Factory, lookup: str):
    member, lookups = await _lookups(factory)
    query, variables, token = lookups[lookup]
    with count_queries() as cold:
        first = await gql(query, variables, token=token)
    assert first.errors == [] and first.data
    node = next(iter(first.data.values()))
    assert node["id"] == member.id and node["phone"] == member.phone
    assert cold.count >= 1, "the first lookup reads the database"
    with count_queries() as warm:
        second = await gql(query, variables, token=token)
    assert second.body["data"] == first.body["data"]
    # Only the audit of a cadre's unmasked name and phone reads touches the database (the
    # member's own reads are not audited); the member comes from the cache.
    assert [s for s in warm.statements if "audit_" not in s] == [], str(warm)
    # (On PostgreSQL those rows go over the group commit's own connection, uncounted here.)
    audited = await AuditLog.filter(trace_id=second.body["extensions"]["traceId"]).count()
    assert audited == (0 if lookup == "me" else 2)  # the cadre's name and phone reads


async def test_verify_identity_refreshes_the_cached_member(gql, factory: Factory):
    newcomer = await factory.account(verified=False)
    before = await gql("{ me { tier name idNumber } }", token=newcomer.token)
    assert before.data["me"] == {"tier": "MEMBER", "name": None, "idNumber": None}
    with count_queries() as warm:
        await gql("{ me { tier name } }", token=newcomer.token)
    assert warm.outside_audit == 0, "the record is cached before the write"

    r = await gql("mutation($i: VerifyIdentityInput!) { verifyIdentity(input: $i) { errors { code } } }",
                  {"i": {"name": "张三丰", "idNumber": "11010519491231002X",
                         "consentVersion": CONSENT}}, token=newcomer.token)
    assert r.data["verifyIdentity"]["errors"] == []
    after = await gql("{ me { name idNumber } }", token=newcomer.token)
    assert after.data["me"] == {"name": "张三丰", "idNumber": "11010519491231002X"}


async def test_join_approval_refreshes_the_cached_member(gql, factory: Factory):
    tree = await factory.tree()
    target = tree.grassroots["A"][0]  # reviewed by a cadre (no auto-approve)
    applicant = await _account("13911110002", tree.pool, verified=True, name="王五",
                               id_number="11010519850102123X")
    token = Factory.token_for(applicant)
    cadre = await factory.cadre(tree.counties["A"])
    by_id = {"id": str(applicant.id)}
    assert (await gql("{ me { tier union { id } card { number } } }", token=token)).data["me"] == {
        "tier": "MEMBER", "union": {"id": str(tree.pool.id)}, "card": None}
    assert (await gql(BY_ID, by_id, token=cadre.token)).data["member"] is None  # outside scope
    r = await gql("mutation($i: ApplyToJoinInput!) { applyToJoin(input: $i) { application { id } } }",
                  {"i": {"joinCode": target.join_code}}, token=token)
    application_id = r.data["applyToJoin"]["application"]["id"]
    await gql("{ me { tier } }", token=token)  # the application invalidated it: warm it again
    with count_queries() as warm:
        await gql("{ me { tier } }", token=token)
    assert warm.outside_audit == 0, "the record is cached before the approval"

    r = await gql("mutation($i: ReviewJoinApplicationInput!) { reviewJoinApplication(input: $i) { errors { code } } }",
                  {"i": {"applicationId": application_id, "approve": True}}, token=cadre.token)
    assert r.data["reviewJoinApplication"]["errors"] == []
    me = (await gql("{ me { tier union { id } card { status } } }", token=token)).data["me"]
    assert me == {"tier": "VERIFIED", "union": {"id": str(target.id)}, "card": {"status": "ACTIVE"}}
    seen = await gql(BY_ID, by_id, token=cadre.token)
    assert seen.data["member"]["union"] == {"id": str(target.id)}


async def test_transfer_approval_refreshes_the_cached_member(gql, factory: Factory):
    tree = await factory.tree()
    source, target = tree.grassroots["A"][0], tree.grassroots["B"][0]
    member = await factory.account(source)
    cadre_a = await factory.cadre(tree.counties["A"])
    cadre_b = await factory.cadre(tree.counties["B"])
    by_id = {"id": member.id}
    assert (await gql(BY_ID, by_id, token=cadre_a.token)).data["member"]["id"] == member.id
    assert (await gql(BY_ID, by_id, token=cadre_b.token)).data["member"] is None
    r = await gql("mutation($i: RequestTransferInput!) { requestTransfer(input: $i) { transfer { id } } }",
                  {"i": {"toUnionId": str(target.id)}}, token=member.token)
    transfer_id = r.data["requestTransfer"]["transfer"]["id"]
    with count_queries() as warm:
        await gql(BY_ID, by_id, token=cadre_a.token)
    assert warm.outside_audit == 0, "the record is cached before the approval"

    r = await gql("mutation($i: ReviewTransferInput!) { reviewTransfer(input: $i) { errors { code } } }",
                  {"i": {"transferId": transfer_id, "approve": True}}, token=cadre_b.token)
    assert r.data["reviewTransfer"]["errors"] == []
    assert (await gql(BY_ID, by_id, token=cadre_a.token)).data["member"] is None
    moved = await gql(BY_ID, by_id, token=cadre_b.token)
    assert moved.data["member"]["union"] == {"id": str(target.id)}
    me = await gql("{ me { union { id } } }", token=member.token)
    assert me.data["me"]["union"] == {"id": str(target.id)}


async def test_report_card_lost_refreshes_both_lookups(gql, factory: Factory):
    member, lookups = await _lookups(factory)
    _, card_vars, cadre_token = lookups["cardNo"]
    old = card_vars["c"]
    assert (await gql(BY_CARD, card_vars, token=cadre_token)).data["member"]["id"] == member.id
    assert (await gql(ME, token=member.token)).data["me"]["card"]["number"] == old
    with count_queries() as warm:
        await gql(BY_CARD, card_vars, token=cadre_token)
    assert warm.outside_audit == 0, "the card lookup is cached before the loss"

    r = await gql(LOST, {"i": {"reissue": True}}, token=member.token)
    new = r.data["reportCardLost"]["card"]["number"]
    assert new != old
    assert (await gql(BY_CARD, card_vars, token=cadre_token)).data["member"] is None
    found = await gql(BY_CARD, {"c": new}, token=cadre_token)
    assert found.data["member"]["card"] == {"number": new, "status": "ACTIVE"}
    assert (await gql(ME, token=member.token)).data["me"]["card"]["number"] == new


@pytest.fixture
async def redis_down(monkeypatch: pytest.MonkeyPatch):
    """The application's Redis client pointed at a closed port, for the test's duration."""
    broken = redis.asyncio.Redis(host="127.0.0.1", port=1, decode_responses=True,
                                 socket_connect_timeout=1, socket_timeout=1)
    monkeypatch.setattr(cache, "_client", broken)
    yield broken
    await broken.aclose()


@pytest.mark.parametrize("lookup", ["me", "id", "cardNo"])
async def test_lookups_answer_from_the_database_when_redis_is_down(gql, factory: Factory,
                                                                   redis_down, lookup: str):
    member, lookups = await _lookups(factory)
    with pytest.raises(redis.exceptions.ConnectionError):
        await cache.get_redis().ping()  # really unreachable
    query, variables, token = lookups[lookup]
    for _ in range(2):  # nothing gets cached, and nothing fails
        r = await gql(query, variables, token=token)
        assert r.errors == [], r.body
        node = next(iter(r.data.values()))
        assert node["id"] == member.id and node["phone"] == member.phone


async def test_writes_succeed_and_reads_stay_fresh_when_redis_is_down(gql, factory: Factory,
                                                                     redis_down):
    member, _ = await _lookups(factory)
    r = await gql(LOST, {"i": {"reissue": True}}, token=member.token)
    assert r.data["reportCardLost"]["errors"] == []
    new = r.data["reportCardLost"]["card"]["number"]
    assert (await gql(ME, token=member.token)).data["me"]["card"]["number"] == new


# --- N+1 -------------------------------------------------------------------------------------

PAGE = """query Page($u: ID!, $n: Int!) { members(unionId: $u, first: $n) {
  edges { node { displayName union { name parent { name } } card { number } } } } }"""
# The union (DataLoader), the page's ids, every record of the page Redis lacks in one
# statement, and the members' unions in one batch (cold here: each process keeps union rows
# 30 s, so a warm page makes none); the grassroots unions' parent is the county already loaded.
PAGE_QUERIES = 4


@pytest.mark.parametrize("size", [10, 50])
async def test_a_page_of_members_takes_a_fixed_number_of_queries(gql, factory: Factory,
                                                                  size: int):
    tree = await factory.tree()
    await seed_members(60, tree.grassroots["A"], phone_prefix="171")
    cadre = await factory.cadre(tree.counties["A"])
    with count_queries() as q:
        r = await gql(PAGE, {"u": str(tree.counties["A"].id), "n": size}, token=cadre.token)
    assert r.errors == [], r.body
    edges = r.data["members"]["edges"]
    assert len(edges) == size
    assert {e["node"]["union"]["parent"]["name"] for e in edges} == {tree.counties["A"].name}
    assert all(len(e["node"]["card"]["number"]) == 19 for e in edges)
    assert q.outside_audit == PAGE_QUERIES, str(q)


async def test_page_queries_do_not_grow_with_depth_of_the_tree(gql, factory: Factory):
    """Listing from the province: members' unions span two counties and two cities, and the
    parents are still fetched in one batch."""
    tree = await factory.tree()
    await seed_members(30, tree.all_grassroots, phone_prefix="172")
    cadre = await factory.cadre(tree.province)
    with count_queries() as q:
        r = await gql(PAGE, {"u": str(tree.province.id), "n": 30}, token=cadre.token)
    edges = r.data["members"]["edges"]
    assert len(edges) == 30
    assert {e["node"]["union"]["parent"]["name"] for e in edges} == {
        c.name for c in tree.counties.values()}
    assert q.outside_audit == PAGE_QUERIES + 1, str(q)  # + one batch for the counties


ENTITIES = """query E($r: [_Any!]!) { _entities(representations: $r) {
  ... on Member { id displayName } ... on Union { id name } } }"""


@pytest.mark.parametrize("typename", ["Member", "Union"])
async def test_entities_resolve_references_in_one_batch(gql, factory: Factory, typename: str):
    tree = await factory.tree()
    await seed_members(40, tree.all_grassroots, phone_prefix="173")
    if typename == "Member":
        from unionhub.identity.models import Member

        ids = [m.id for m in await Member.all().order_by("id").limit(40)]
    else:
        ids = [u.id for u in [tree.province, *tree.cities.values(), *tree.counties.values(),
                              *tree.all_grassroots]]
    counts = []
    for n in (2, len(ids)):
        await cache.get_redis().flushdb()  # cold every time: the database is really asked
        reps = [{"__typename": typename, "id": str(i)} for i in ids[:n]]
        with count_queries() as q:
            r = await gql(ENTITIES, {"r": reps})
        assert r.errors == [], r.body
        assert [e["id"] for e in r.data["_entities"]] == [str(i) for i in ids[:n]]
        counts.append(q.count)
    # One statement per batch: members with their union path and cards in one LEFT JOIN.
    assert counts == [1, 1], counts


async def test_entities_of_unknown_or_malformed_ids_are_null(gql, factory: Factory):
    await factory.tree()
    reps = [{"__typename": t, "id": i} for t in ("Member", "Union")
            for i in ("999999", "x", "99999999999999999999999")]
    r = await gql(ENTITIES, {"r": reps})
    assert r.errors == [], r.body
    assert r.data["_entities"] == [None] * len(reps)


async def test_union_children_are_batched_per_level(gql, factory: Factory):
    tree = await factory.tree()
    query = "query($id: ID!) { union(id: $id) { name children { name children { name } } } }"
    with count_queries() as q:
        r = await gql(query, {"id": str(tree.province.id)})
    assert r.errors == [], r.body
    province = r.data["union"]
    assert province["name"] == tree.province.name
    assert len(province["children"]) == 3  # two cities and the holding pool
    assert {c["name"] for city in province["children"] for c in city["children"]} == {
        c.name for c in tree.counties.values()}
    # the province, then one query per level below it (not one per city)
    assert q.outside_audit == 3, str(q)


async def test_a_read_racing_a_write_does_not_cache_the_old_member(gql, factory: Factory,
                                                                   monkeypatch: pytest.MonkeyPatch):
    """Deterministic race: the lookup has read the member's row from the database when a write
    (a lost card, reissued) commits and invalidates. The lookup may answer with what it read,
    but must not cache it: the next lookup sees the new card."""
    from unionhub.identity import lookup, membership

    member, _ = await _lookups(factory)
    original = lookup.load_records_from_db
    raced: list[int] = []

    async def read_then_competing_write(ids: list[int]):
        rows = await original(ids)
        if not raced:
            raced.append(1)
            await membership.report_card_lost(int(member.id), reissue=True)
        return rows

    monkeypatch.setattr(lookup, "load_records_from_db", read_then_competing_write)
    old = (await gql(ME, token=member.token)).data["me"]["card"]["number"]
    monkeypatch.undo()
    assert raced, "the competing write ran"
    new = await _card_number(member.id)
    assert new != old
    assert (await gql(ME, token=member.token)).data["me"]["card"]["number"] == new


async def test_the_cached_record_is_its_fields_in_order_and_an_invalidation_drops_it(
        gql, factory: Factory):
    """v3 caches a record as a JSON array of its fields (decoded positionally); an
    invalidation drops it."""
    import orjson

    from unionhub.identity import lookup

    member, _ = await _lookups(factory)
    assert (await gql(ME, token=member.token)).errors == []
    redis = cache.get_redis()
    raw = await redis.get(lookup.record_key(int(member.id)))
    record = await lookup.get_record(int(member.id))
    assert record is not None
    assert orjson.loads(raw) == [getattr(record, name) for name in lookup._RECORD_FIELDS]
    assert lookup.MemberRecord.from_json(raw) == record
    assert lookup.MemberRecord.from_json(record.to_json()) == record

    await lookup.invalidate_member(int(member.id))
    assert await redis.exists(lookup.record_key(int(member.id))) == 0


async def test_no_redis_key_names_a_card_number(gql, factory: Factory):
    """A lookup by card caches the card → member mapping under the card's keyed digest: the
    keyspace (SCAN, MONITOR, a dump) maps no card number to a member. Reporting the card lost
    drops that key."""
    from unionhub.identity import lookup

    member, lookups = await _lookups(factory)
    query, variables, token = lookups["cardNo"]
    assert (await gql(query, variables, token=token)).data["member"]["id"] == member.id
    card = variables["c"]
    redis = cache.get_redis()
    keys = [key async for key in redis.scan_iter(match="member:*")]
    assert lookup.card_key(card) in keys
    assert not [key for key in keys if card in key], keys
    assert card not in lookup.card_key(card)

    lost = await gql(LOST, {"i": {"reissue": True}}, token=member.token)
    assert lost.errors == [] and lost.data["reportCardLost"]["errors"] == []
    assert await redis.exists(lookup.card_key(card)) == 0
