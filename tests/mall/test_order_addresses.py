"""An order's delivery address is personal data (mall.addresses): the recipient's name and
phone and the street address are in clear for the buyer and for the cadres whose scope holds
the buyer now, each such read by someone else audited before it is answered; everyone else who
may see the order (admins, the cadres of the buyer's former union) gets them masked."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import GraphQLClient
from tests.mall.conftest import ADDRESS, paid_bulk_order, place
from unionhub import db
from unionhub.app import create_app
from unionhub.fastpath import switch
from unionhub.fastpath.switch import Switches
from unionhub.identity.models import AuditLog
from unionhub.mall import addresses, memberdata
from unionhub.settings import Settings

ACTION = "mall.order.address.read"
ADDRESS_OF = """query O($id: ID!) { order(id: $id) { id
  address { recipient phone regionCode detail } member { phone name } } }"""
SUBTREE = """query L($u: ID!) { mallOrders(unionId: $u, first: 50) { edges { node { id
  address { recipient phone regionCode detail } } } } }"""
MEMBER_ORDERS = """query M($id: ID!) { member(id: $id) {
  ordersConnection(first: 5) { edges { node { id address { recipient phone detail } } } } } }"""
SHIP = """mutation S($i: ShipOrderInput!) { shipOrder(input: $i) {
  order { status address { recipient phone detail } } errors { code } } }"""
TRANSFER = """mutation T($i: RequestTransferInput!) { requestTransfer(input: $i) {
  transfer { id } errors { code } } }"""
REVIEW = """mutation R($i: ReviewTransferInput!) { reviewTransfer(input: $i) {
  transfer { status } errors { code } } }"""

CLEAR = {"recipient": ADDRESS["recipient"], "phone": ADDRESS["phone"],
         "regionCode": ADDRESS["regionCode"], "detail": ADDRESS["detail"]}
MASKED = {"recipient": "张*丰", "phone": "138****5678", "regionCode": ADDRESS["regionCode"],
          "detail": "雁塔区****"}


async def _reads() -> list[tuple[str, str, int | None, dict]]:
    return [(r.subject_type, r.subject_id, r.union_id, r.detail)
            for r in await AuditLog.filter(action=ACTION).order_by("id")]


async def test_the_buyer_reads_their_own_address_unaudited(gql, factory, mall):
    member = await factory.account()
    order_id = (await place(gql, member, [(mall.sku_id, 1)]))["order"]["id"]
    r = await gql(ADDRESS_OF, {"id": order_id}, token=member.token)
    assert r.errors == [], r.errors
    assert r.data["order"]["address"] == CLEAR
    assert await _reads() == []


async def test_an_admin_sees_the_address_masked_as_the_member(gql, factory, mall):
    member = await factory.account()
    order_id = (await place(gql, member, [(mall.sku_id, 1)]))["order"]["id"]
    admin = await factory.admin()
    r = await gql(ADDRESS_OF, {"id": order_id}, token=admin.token)
    assert r.errors == [], r.errors
    assert r.data["order"]["member"] == {"phone": "138****" + member.phone[-4:], "name": "张*丰"}
    assert r.data["order"]["address"] == MASKED
    assert ADDRESS["phone"] not in str(r.body) and ADDRESS["recipient"] not in str(r.body)
    assert await _reads() == []  # nothing disclosed, nothing to audit


async def test_a_cadre_in_scope_reads_addresses_in_clear_each_read_audited(gql, factory, mall):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    first = (await place(gql, member, [(mall.sku_id, 1)]))["order"]["id"]
    second = (await place(gql, member, [(mall.cheap_sku_id, 1)]))["order"]["id"]
    cadre = await factory.cadre(tree.counties["A"])
    r = await gql(SUBTREE, {"u": str(tree.counties["A"].id)}, token=cadre.token)
    assert r.errors == [], r.errors
    nodes = {e["node"]["id"]: e["node"]["address"] for e in r.data["mallOrders"]["edges"]}
    assert nodes == {first: CLEAR, second: CLEAR}
    union_id = tree.grassroots["A"][0].id
    rows = await _reads()
    assert sorted(rows, key=lambda row: (row[3]["order_id"], row[3]["field"])) == [
        ("member", member.id, union_id, {"order_id": int(order), "field": field})
        for order in sorted((first, second), key=int) for field in ("detail", "phone", "recipient")]
    assert {r.actor_id for r in await AuditLog.filter(action=ACTION)} == {cadre.member.id}
    # Member.ordersConnection: the same rule, the same rows (two fields asked, two rows an order).
    r = await gql(MEMBER_ORDERS, {"id": member.id}, token=cadre.token)
    assert r.errors == [], r.errors
    edges = r.data["member"]["ordersConnection"]["edges"]
    assert [e["node"]["address"]["phone"] for e in edges] == [ADDRESS["phone"]] * 2
    assert len(await _reads()) == 6 + 6


async def test_a_cadre_of_the_buyers_former_union_sees_it_masked(gql, factory, mall):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    order_id = (await place(gql, member, [(mall.sku_id, 1)]))["order"]["id"]
    county_a = await factory.cadre(tree.counties["A"])
    before = await gql(ADDRESS_OF, {"id": order_id}, token=county_a.token)
    assert before.data["order"]["address"] == CLEAR
    asked = await gql(TRANSFER, {"i": {"toUnionId": str(tree.grassroots["C"][0].id)}},
                      token=member.token)
    reviewed = await gql(REVIEW, {"i": {"transferId": asked.data["requestTransfer"]["transfer"]["id"],
                                        "approve": True}},
                         token=(await factory.cadre(tree.counties["C"])).token)
    assert reviewed.data["reviewTransfer"]["transfer"]["status"] == "APPROVED"
    audited = len(await _reads())
    # The order stays with the union it was placed in, and so does its cadres' view of it...
    r = await gql(ADDRESS_OF, {"id": order_id}, token=county_a.token)
    assert r.errors == [], r.errors
    assert r.data["order"]["address"] == MASKED  # ...but the member's data is no longer theirs
    assert r.data["order"]["member"]["phone"] == "138****" + member.phone[-4:]
    r = await gql(SUBTREE, {"u": str(tree.counties["A"].id)}, token=county_a.token)
    assert [e["node"]["address"] for e in r.data["mallOrders"]["edges"]] == [MASKED]
    assert len(await _reads()) == audited


async def test_the_mall_operator_ships_with_the_address_in_clear_audited(gql, factory, mall):
    _, order = await paid_bulk_order(gql, factory, [(mall.sku_id, 1)])
    tree = await factory.tree()
    r = await gql("""query L($u: ID!) { mallOrders(unionId: $u, status: PAID, first: 10) {
      edges { node { id address { recipient phone detail } } } } }""",
                  {"u": str(tree.province.id)}, token=mall.operator.token)
    assert r.errors == [], r.errors
    assert [e["node"] for e in r.data["mallOrders"]["edges"]] == [{"id": order["id"], "address": {
        "recipient": ADDRESS["recipient"], "phone": ADDRESS["phone"], "detail": ADDRESS["detail"]}}]
    shipped = await gql(SHIP, {"i": {"orderId": order["id"], "trackingNo": "SF1234567"}},
                        token=mall.operator.token)
    assert shipped.data["shipOrder"]["order"]["status"] == "SHIPPED"
    assert shipped.data["shipOrder"]["order"]["address"]["phone"] == ADDRESS["phone"]
    rows = await AuditLog.filter(action=ACTION).order_by("id")
    assert len(rows) == 6 and {r.actor_id for r in rows} == {mall.operator.member.id}


async def test_an_address_whose_audit_fails_is_not_answered(gql, factory, mall):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    order_id = (await place(gql, member, [(mall.sku_id, 1)]))["order"]["id"]
    cadre = await factory.cadre(tree.counties["A"])
    connection = db.conn()
    await connection.execute_script("ALTER TABLE audit_log RENAME TO audit_log_away")
    try:
        r = await gql("query O($id: ID!) { order(id: $id) { id address { phone } } }",
                      {"id": order_id}, token=cadre.token)
    finally:
        await connection.execute_script("ALTER TABLE audit_log_away RENAME TO audit_log")
    assert r.data["order"] is None and r.errors
    assert ADDRESS["phone"] not in str(r.body)
    assert await _reads() == []


async def test_an_erased_address_reads_empty_and_unaudited(gql, factory, mall):
    """After the mall's part of a closure (the recipient, phone and street erased, the order
    kept): nothing is disclosed, so nothing is masked or audited."""
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    order_id = (await place(gql, member, [(mall.sku_id, 1)]))["order"]["id"]
    assert (await gql("mutation C($i: CancelOrderInput!) { cancelOrder(input: $i) { errors { code } } }",
                      {"i": {"orderId": order_id}}, token=member.token)).errors == []
    await memberdata.close(member.member.id)
    erased = {"recipient": "", "phone": "", "regionCode": ADDRESS["regionCode"], "detail": ""}
    for caller in (await factory.cadre(tree.counties["A"]), await factory.admin()):
        r = await gql(ADDRESS_OF, {"id": order_id}, token=caller.token)
        assert r.data["order"]["address"] == erased
    assert await _reads() == []


def test_the_masks():
    assert addresses.masked("recipient", "张三丰") == "张*丰"
    assert addresses.masked("phone", "13812345678") == "138****5678"
    assert addresses.masked("detail", "雁塔区科技路 10 号") == "雁塔区****"
    assert addresses.masked("detail", "某路 1 号") == "****"  # too short to show any of it


@pytest.fixture(scope="module")
def slow_app() -> Any:
    previous = switch.set_switches(Switches())
    try:
        return create_app(settings=Settings(fast_path=False), manage_connections=False)
    finally:
        switch.set_switches(previous)


async def test_the_fast_path_answers_and_audits_the_same(gql, factory, mall, slow_app):
    """The compiled executor and lean resolvers against graphql-core and strawberry's own
    path: the same answers for each kind of caller, and the same audit rows."""
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    order_id = (await place(gql, member, [(mall.sku_id, 1)]))["order"]["id"]
    callers = [member, await factory.admin(), await factory.cadre(tree.counties["A"]),
               await factory.cadre(tree.counties["B"])]

    async def answers(client: Any) -> tuple[list[Any], list[Any]]:
        before = await AuditLog.filter(action=ACTION).count()
        bodies = []
        for caller in callers:
            for query, variables in ((ADDRESS_OF, {"id": order_id}),
                                     (SUBTREE, {"u": str(tree.counties["A"].id)})):
                bodies.append((await client(query, variables, token=caller.token)).body)
        rows = await AuditLog.filter(action=ACTION).order_by("id").offset(before).values(
            "actor_id", "subject_id", "union_id", "detail")
        return [{k: v for k, v in b.items() if k != "extensions"} for b in bodies], rows

    fast = await answers(gql)
    previous = switch.set_switches(Switches.of(False))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=slow_app),
                                     base_url="http://test") as http:
            slow = await answers(GraphQLClient(http))
    finally:
        switch.set_switches(previous)
    assert slow == fast
    assert len(fast[1]) == 3 * 2  # the county A cadre: two reads of three personal fields
    assert CLEAR in [b["data"]["order"]["address"] for b in fast[0][::2] if b["data"]["order"]]
    assert MASKED in [b["data"]["order"]["address"] for b in fast[0][::2] if b["data"]["order"]]
