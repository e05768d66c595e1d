"""The authorization matrix: every tier against every personal field of Member and every
cadre-, operator- and admin-only operation, through GraphQL.

One subject member lives in a grassroots union under county A. Each caller reads the subject's
personal fields through every way a Member is reached (member(id:), member(cardNo:), the
federation `_entities` field, and the cadre list `members`), and tries each restricted operation.
Unmasked ID-number reads must leave exactly one audit row carrying the response's trace id;
masked, hidden or refused reads leave none.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import Factory
from unionhub.identity.models import AuditLog, JoinApplication, MemberCard, TransferRequest, Union
from unionhub.identity.seed import DemoTree, _account

SUBJECT_PHONE = "13812345678"
SUBJECT_NAME = "张小三"
SUBJECT_ID_NUMBER = "110105198501011234"
MASKED = {"name": "张*三", "phone": "138****5678", "idNumber": "110***********1234", "card": None}
PERSONAL_FIELDS = ("name", "phone", "idNumber", "card")
READ_ACTIONS = {"name": "member.name.read", "phone": "member.phone.read",
                "idNumber": "member.id_number.read"}
ACTORS = ("guest", "member", "self", "verified_other", "cadre_a", "cadre_b", "cadre_province",
          "operator", "admin")

UNMASKED, MASK, HIDDEN = "unmasked", "masked", "null"
UNAUTHENTICATED, FORBIDDEN, OK = "UNAUTHENTICATED", "FORBIDDEN", "ok"
# A payload error, not a GraphQL one: an id outside the cadre's scope reads like a missing id.
NOT_FOUND = "NOT_FOUND"

# How each caller sees the subject through each path. HIDDEN: the lookup answers null, so the
# caller cannot even tell whether the member exists. Admins reach every member, masked (least
# privilege: only the member and cadres whose scope holds the member see personal data).
PERSONAL_MATRIX = {
    #                 member(id/cardNo:)  _entities         members(unionId:)
    "guest":          (UNAUTHENTICATED,   UNAUTHENTICATED,  UNAUTHENTICATED),
    "member":         (HIDDEN,            MASK,             FORBIDDEN),
    "self":           (UNMASKED,          UNMASKED,         FORBIDDEN),
    "verified_other": (HIDDEN,            MASK,             FORBIDDEN),
    "cadre_a":        (UNMASKED,          UNMASKED,         UNMASKED),
    "cadre_b":        (HIDDEN,            MASK,             FORBIDDEN),
    "cadre_province": (UNMASKED,          UNMASKED,         UNMASKED),
    "operator":       (HIDDEN,            MASK,             FORBIDDEN),
    "admin":          (MASK,              MASK,             MASK),
}

# Restricted operations: CADRE in scope of the object (a union under county A), OPERATOR, ADMIN.
_CADRE_OK = {"guest": UNAUTHENTICATED, "member": FORBIDDEN, "self": FORBIDDEN,
             "verified_other": FORBIDDEN, "cadre_a": OK, "cadre_b": FORBIDDEN,
             "cadre_province": OK, "operator": FORBIDDEN, "admin": OK}
# Reviews by id: a cadre outside the scope learns nothing about which ids exist.
_CADRE_REVIEW = {**_CADRE_OK, "cadre_b": NOT_FOUND}
_OPERATOR_OK = {**{a: FORBIDDEN for a in ACTORS}, "guest": UNAUTHENTICATED, "operator": OK,
                "admin": OK}
_ADMIN_OK = {**{a: FORBIDDEN for a in ACTORS}, "guest": UNAUTHENTICATED, "admin": OK}
OPERATION_MATRIX = {
    "members": _CADRE_OK,
    "joinApplications": _CADRE_OK,
    "transfers": _CADRE_OK,
    "reviewJoinApplication": _CADRE_REVIEW,
    "reviewTransfer": _CADRE_REVIEW,
    "createUnion": _CADRE_OK,
    "slowOperations": _OPERATOR_OK,
    "auditLog": _ADMIN_OK,
}


@dataclass
class World:
    tree: DemoTree
    subject_id: str
    card_number: str
    tokens: dict[str, str | None]
    member_ids: dict[str, int | None]

    @property
    def unmasked(self) -> dict:
        return {"name": SUBJECT_NAME, "phone": SUBJECT_PHONE, "idNumber": SUBJECT_ID_NUMBER,
                "card": {"number": self.card_number}}


@pytest.fixture
async def world(factory: Factory) -> World:
    tree = await factory.tree()
    subject = await _account(SUBJECT_PHONE, tree.grassroots["A"][0], verified=True,
                             name=SUBJECT_NAME, id_number=SUBJECT_ID_NUMBER)
    card = await MemberCard.get(member_id=subject.id)
    accounts = {
        "member": await factory.account(verified=False),
        "verified_other": await factory.account(tree.grassroots["A"][0]),
        "cadre_a": await factory.cadre(tree.counties["A"]),
        "cadre_b": await factory.cadre(tree.counties["B"]),
        "cadre_province": await factory.cadre(tree.province),
        "operator": await factory.operator(),
        "admin": await factory.admin(),
    }
    tokens: dict[str, str | None] = {k: a.token for k, a in accounts.items()}
    tokens |= {"guest": None, "self": factory.token_for(subject)}
    ids: dict[str, int | None] = {k: a.member.id for k, a in accounts.items()}
    ids |= {"guest": None, "self": subject.id}
    return World(tree=tree, subject_id=str(subject.id), card_number=card.number, tokens=tokens,
                 member_ids=ids)


def _selection(field: str) -> str:
    return "card { number }" if field == "card" else field


async def _read_subject(gql, world: World, actor: str, path: str, field: str):
    """Returns (response, the subject's object or None)."""
    sel = _selection(field)
    token = world.tokens[actor]
    if path == "id":
        r = await gql(f"query ById($id: ID!) {{ member(id: $id) {{ id {sel} }} }}",
                      {"id": world.subject_id}, token=token)
        return r, r.data.get("member")
    if path == "cardNo":
        r = await gql(f"query ByCard($c: String!) {{ member(cardNo: $c) {{ id {sel} }} }}",
                      {"c": world.card_number}, token=token)
        return r, r.data.get("member")
    if path == "entities":
        r = await gql(
            f"query E($r: [_Any!]!) {{ _entities(representations: $r) {{ ... on Member {{ id {sel} }} }} }}",
            {"r": [{"__typename": "Member", "id": world.subject_id}]}, token=token)
        return r, (r.data.get("_entities") or [None])[0]
    r = await gql(f"query L($u: ID!) {{ members(unionId: $u, first: 50) {{ edges {{ node {{ id {sel} }} }} }} }}",
                  {"u": str(world.tree.grassroots["A"][0].id)}, token=token)
    nodes = [e["node"] for e in ((r.data.get("members") or {}).get("edges") or [])]
    return r, next((n for n in nodes if n["id"] == world.subject_id), None)


_PATH_COLUMN = {"id": 0, "cardNo": 0, "entities": 1, "members": 2}


@pytest.mark.parametrize("path", list(_PATH_COLUMN))
@pytest.mark.parametrize("field", PERSONAL_FIELDS)
@pytest.mark.parametrize("actor", ACTORS)
async def test_personal_field(gql, world: World, actor: str, field: str, path: str):
    expected = PERSONAL_MATRIX[actor][_PATH_COLUMN[path]]
    r, subject = await _read_subject(gql, world, actor, path, field)

    if expected in (UNAUTHENTICATED, FORBIDDEN):
        assert expected in r.error_codes(), r.body
        assert set(r.error_codes()) == {expected}, r.body
        # Nothing personal leaks beside the error.
        assert subject is None or subject.get(field) is None, r.body
    else:
        assert r.errors == [], r.body
        if expected == HIDDEN:
            assert subject is None, r.body
        else:
            assert subject is not None, r.body
            want = world.unmasked if expected == UNMASKED else MASKED
            assert subject[field] == want[field], r.body

    # The audit rows each read must leave: one per unmasked name, phone or ID-number read by
    # anyone but the member (the member's own ID-number reads too), none for masked, hidden
    # or refused reads.
    rows = await AuditLog.filter(subject_type="member", subject_id=world.subject_id,
                                 action__in=list(READ_ACTIONS.values()))
    audited = expected == UNMASKED and field in READ_ACTIONS and (
        actor != "self" or field == "idNumber")
    if audited:
        assert len(rows) == 1, [(r.action, r.actor_id) for r in rows]
        row = rows[0]
        assert row.action == READ_ACTIONS[field]
        assert row.actor_id == world.member_ids[actor]
        assert row.union_id == world.tree.grassroots["A"][0].id
        assert row.trace_id is not None and row.trace_id == r.body["extensions"]["traceId"]
        assert row.seq is not None and row.hash
    else:
        assert rows == [], "masked, hidden and refused reads (and own name/phone) are not audited"


async def test_county_a_cadre_cannot_see_a_member_of_county_b(gql, factory: Factory):
    """The neighbouring-county rule, asked the other way round from the matrix."""
    tree = await factory.tree()
    neighbour = await factory.account(tree.grassroots["B"][0])
    card = await MemberCard.get(member_id=neighbour.member.id)
    cadre = await factory.cadre(tree.counties["A"])

    by_id = await gql("query($id: ID!) { member(id: $id) { id phone } }",
                      {"id": neighbour.id}, token=cadre.token)
    assert by_id.errors == [] and by_id.data["member"] is None
    by_card = await gql("query($c: String!) { member(cardNo: $c) { id phone } }",
                        {"c": card.number}, token=cadre.token)
    assert by_card.errors == [] and by_card.data["member"] is None
    for union in (tree.grassroots["B"][0], tree.counties["B"], tree.cities["xian"]):
        listed = await gql("query($u: ID!) { members(unionId: $u) { edges { node { id } } } }",
                           {"u": str(union.id)}, token=cadre.token)
        assert listed.error_codes() == ["FORBIDDEN"], union.name
        assert listed.data == {}
    # The province cadre above both counties sees the member unmasked.
    province = await factory.cadre(tree.province)
    seen = await gql("query($id: ID!) { member(id: $id) { phone } }",
                     {"id": neighbour.id}, token=province.token)
    assert seen.data["member"] == {"phone": neighbour.phone}


async def test_me_shows_own_data_unmasked_and_unverified_fields_null(gql, factory: Factory):
    tree = await factory.tree()
    subject = await _account(SUBJECT_PHONE, tree.grassroots["A"][0], verified=True,
                             name=SUBJECT_NAME, id_number=SUBJECT_ID_NUMBER)
    me = "{ me { tier name phone idNumber card { status } } }"
    r = await gql(me, token=Factory.token_for(subject))
    assert r.data["me"] == {"tier": "VERIFIED", "name": SUBJECT_NAME, "phone": SUBJECT_PHONE,
                            "idNumber": SUBJECT_ID_NUMBER, "card": {"status": "ACTIVE"}}
    newcomer = await factory.account(verified=False)
    r = await gql(me, token=newcomer.token)
    assert r.data["me"] == {"tier": "MEMBER", "name": None, "phone": newcomer.phone,
                            "idNumber": None, "card": None}
    guest = await gql(me)
    assert guest.error_codes() == ["UNAUTHENTICATED"] and guest.data == {"me": None}


async def test_listing_audits_each_unmasked_id_number(gql, factory: Factory):
    """A cadre's page of members with ID numbers: one audit row per member shown, each with
    the response's trace id; the same page without idNumber writes none."""
    tree = await factory.tree()
    union = tree.grassroots["C"][0]
    members = [await factory.account(union) for _ in range(4)]
    cadre = await factory.cadre(tree.counties["C"])
    query = "query($u: ID!) { members(unionId: $u) { edges { node { id %s } } } }"

    plain = await gql(query % "phone", {"u": str(union.id)}, token=cadre.token)
    assert len(plain.data["members"]["edges"]) == 4
    assert await AuditLog.filter(action="member.id_number.read").count() == 0

    r = await gql(query % "idNumber", {"u": str(union.id)}, token=cadre.token)
    assert {e["node"]["idNumber"] for e in r.data["members"]["edges"]} == {
        m.id_number for m in members}
    rows = await AuditLog.filter(action="member.id_number.read").order_by("subject_id")
    assert sorted(row.subject_id for row in rows) == sorted(m.id for m in members)
    assert {row.actor_id for row in rows} == {cadre.member.id}
    assert {row.trace_id for row in rows} == {r.body["extensions"]["traceId"]}


# --- restricted operations ------------------------------------------------------------------

APPLY = ("mutation($i: ApplyToJoinInput!) { applyToJoin(input: $i) {"
         " application { id status } errors { code } } }")
REQUEST_TRANSFER = ("mutation($i: RequestTransferInput!) { requestTransfer(input: $i) {"
                    " transfer { id status } errors { code } } }")
REVIEW_JOIN = ("mutation($i: ReviewJoinApplicationInput!) { reviewJoinApplication(input: $i) {"
               " application { status } errors { code } } }")
REVIEW_TRANSFER = ("mutation($i: ReviewTransferInput!) { reviewTransfer(input: $i) {"
                   " transfer { status } errors { code } } }")


@dataclass
class Pending:
    application_id: str
    transfer_id: str


async def _pending_work(gql, world: World, factory: Factory) -> Pending:
    """A join application to, and a transfer into, a grassroots union under county A, both made
    through the API by the members themselves."""
    tree = world.tree
    target = tree.grassroots["A"][0]
    applicant = await _account("13911110001", tree.pool, verified=True, name="王五",
                               id_number="11010519850102123X")
    r = await gql(APPLY,
                  {"i": {"joinCode": target.join_code}}, token=Factory.token_for(applicant))
    assert r.data["applyToJoin"]["application"]["status"] == "PENDING", r.body
    mover = await factory.account(tree.grassroots["B"][0])
    t = await gql(REQUEST_TRANSFER,
                  {"i": {"toUnionId": str(target.id)}}, token=mover.token)
    assert t.data["requestTransfer"]["transfer"]["status"] == "PENDING", t.body
    return Pending(r.data["applyToJoin"]["application"]["id"],
                   t.data["requestTransfer"]["transfer"]["id"])


async def _run_operation(gql, world: World, pending: Pending, op: str, token: str | None):
    a0, county_a = world.tree.grassroots["A"][0], world.tree.counties["A"]
    if op == "members":
        r = await gql("query($u: ID!) { members(unionId: $u) { edges { node { id } } } }",
                      {"u": str(a0.id)}, token=token)
        return r, lambda: len(r.data["members"]["edges"]) >= 1
    if op == "joinApplications":
        r = await gql("query($u: ID!) { joinApplications(unionId: $u) { id status } }",
                      {"u": str(county_a.id)}, token=token)
        return r, lambda: [a["id"] for a in r.data["joinApplications"]] == [pending.application_id]
    if op == "transfers":
        r = await gql("query($u: ID!) { transfers(unionId: $u) { id status } }",
                      {"u": str(county_a.id)}, token=token)
        return r, lambda: [t["id"] for t in r.data["transfers"]] == [pending.transfer_id]
    if op == "reviewJoinApplication":
        r = await gql(REVIEW_JOIN,
                      {"i": {"applicationId": pending.application_id, "approve": True}}, token=token)
        return r, lambda: r.data["reviewJoinApplication"] == {"application": {"status": "APPROVED"},
                                                              "errors": []}
    if op == "reviewTransfer":
        r = await gql(REVIEW_TRANSFER,
                      {"i": {"transferId": pending.transfer_id, "approve": True}}, token=token)
        return r, lambda: r.data["reviewTransfer"] == {"transfer": {"status": "APPROVED"}, "errors": []}
    if op == "createUnion":
        r = await gql("mutation($i: CreateUnionInput!) { createUnion(input: $i) { union { name } errors { code } } }",
                      {"i": {"name": "雁塔区新建企业工会", "level": "GRASSROOTS", "regionCode": "610113",
                             "parentId": str(county_a.id)}}, token=token)
        return r, lambda: r.data["createUnion"] == {"union": {"name": "雁塔区新建企业工会"}, "errors": []}
    if op == "slowOperations":
        r = await gql("{ slowOperations { traceId } }", token=token)
        return r, lambda: isinstance(r.data["slowOperations"], list)
    r = await gql("{ auditLog { edges { node { action } } } }", token=token)
    return r, lambda: isinstance(r.data["auditLog"]["edges"], list)


async def _unchanged(pending: Pending) -> bool:
    application = await JoinApplication.get(id=int(pending.application_id))
    transfer = await TransferRequest.get(id=int(pending.transfer_id))
    created = await Union.filter(name="雁塔区新建企业工会").exists()
    return (application.status == "PENDING" and transfer.status == "PENDING" and not created)


@pytest.mark.parametrize("op", list(OPERATION_MATRIX))
@pytest.mark.parametrize("actor", ACTORS)
async def test_restricted_operation(gql, world: World, factory: Factory, actor: str, op: str):
    expected = OPERATION_MATRIX[op][actor]
    pending = await _pending_work(gql, world, factory)
    r, succeeded = await _run_operation(gql, world, pending, op, world.tokens[actor])
    if expected == OK:
        assert r.errors == [], r.body
        assert succeeded(), r.body
    elif expected == NOT_FOUND:
        assert r.errors == [], r.body
        assert r.data[op] == {"application" if op == "reviewJoinApplication" else "transfer": None,
                              "errors": [{"code": NOT_FOUND}]}, r.body
        assert await _unchanged(pending), "a refused operation wrote nothing"
    else:
        assert r.error_codes() == [expected], r.body
        assert r.data == {} or all(v is None for v in r.data.values()), r.body
        assert await _unchanged(pending), "a refused operation wrote nothing"


_SDL_SCOPE = ((_CADRE_OK, "tier:cadre"), (_CADRE_REVIEW, "tier:cadre"), (_OPERATOR_OK, "tier:operator"),
              (_ADMIN_OK, "tier:admin"))


def test_the_subgraph_sdl_declares_what_the_matrix_enforces():
    """A router enforcing the printed directives must refuse what the subgraph refuses."""
    import re

    from unionhub.schema.builder import build_schema

    sdl = build_schema("identity").as_str()

    def line(type_name: str, field: str) -> str:
        body = re.search(rf"^type {type_name}\b[^{{]*{{(.*?)^}}", sdl, re.MULTILINE | re.DOTALL)
        assert body, type_name
        # Arguments with descriptions print on lines of their own: up to the closing `): `.
        match = re.search(rf"^  {field}(?:\(.*?\))?: [^\n]*$", body.group(1),
                          re.MULTILINE | re.DOTALL)
        assert match, field
        return match.group(0)

    for op, expected in OPERATION_MATRIX.items():
        scope = next(s for rule, s in _SDL_SCOPE if rule is expected)
        declared = line("Mutation" if op.startswith(("review", "create")) else "Query", op)
        assert "@authenticated" in declared, op
        assert f'@requiresScopes(scopes: [["{scope}"]])' in declared, op
    for field in PERSONAL_FIELDS:
        declared = line("Member", field)
        assert "@authenticated" in declared and "@requiresScopes" not in declared, field
