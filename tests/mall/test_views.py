"""The member's view (myVouchers, myOrders, order, Member.vouchers/orders) and its scope
rules; list queries make a fixed number of SQL queries however long the list."""

from __future__ import annotations

from tests.mall.conftest import ORDER, claim, create_campaign, place

MY_ORDERS = """query M($first: Int, $after: String) { myOrders(first: $first, after: $after) {
  edges { node { id status payableFen voucher { id campaign { name } } items { name quantity }
                 events { kind } member { id } } }
  pageInfo { hasNextPage endCursor } } }"""
MEMBER_MALL = """query M($id: ID!) { member(id: $id) { id vouchers { id status } orders { id status } } }"""


def _db_queries(spans) -> int:
    return sum(1 for s in spans.get_finished_spans() if s.attributes.get("db.system"))


async def test_my_orders_pages_newest_first(gql, factory, mall):
    member = await factory.account()
    ids = [(await place(gql, member, [(mall.sku_id, 1)]))["order"]["id"] for _ in range(3)]
    first = await gql(MY_ORDERS, {"first": 2}, token=member.token)
    page = first.data["myOrders"]
    assert [e["node"]["id"] for e in page["edges"]] == ids[::-1][:2]
    rest = await gql(MY_ORDERS, {"first": 2, "after": page["pageInfo"]["endCursor"]},
                     token=member.token)
    assert [e["node"]["id"] for e in rest.data["myOrders"]["edges"]] == [ids[0]]
    other = await factory.account()
    assert (await gql(MY_ORDERS, {}, token=other.token)).data["myOrders"]["edges"] == []


async def test_my_orders_makes_the_same_number_of_queries_for_2_or_8_orders(gql, factory, mall,
                                                                            spans):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    campaign = await create_campaign(gql, cadre, str(tree.province.id), perMemberLimit=10)

    async def count_for(n: int) -> int:
        member = await factory.account()
        for _ in range(n):
            voucher = (await claim(gql, member, campaign["id"]))["voucher"]["id"]
            await place(gql, member, [(mall.sku_id, 2), (mall.cheap_sku_id, 1)], voucher_id=voucher)
        spans.clear()
        result = await gql(MY_ORDERS, {"first": 20}, token=member.token)
        assert len(result.data["myOrders"]["edges"]) == n
        return _db_queries(spans)

    small, large = await count_for(2), await count_for(8)
    assert small == large and small > 0


async def test_order_is_seen_by_its_buyer_and_cadres_in_scope_only(gql, factory, mall):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]
    county_a = await factory.cadre(tree.counties["A"])
    county_b = await factory.cadre(tree.counties["B"])
    stranger = await factory.account(tree.grassroots["A"][0])
    assert (await gql(ORDER, {"id": order["id"]}, token=member.token)).data["order"]["id"]
    assert (await gql(ORDER, {"id": order["id"]}, token=county_a.token)).data["order"]["id"]
    assert (await gql(ORDER, {"id": order["id"]}, token=county_b.token)).data["order"] is None
    assert (await gql(ORDER, {"id": order["id"]}, token=stranger.token)).data["order"] is None
    assert (await gql(ORDER, {"id": order["id"]})).error_codes() == ["UNAUTHENTICATED"]
    address = await gql("query O($id: ID!) { order(id: $id) { address { recipient phone } } }",
                        {"id": order["id"]}, token=member.token)
    assert address.data["order"]["address"] == {"recipient": "张三丰", "phone": "13812345678"}


async def test_member_vouchers_and_orders_federated_fields(gql, factory, mall):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.province)
    campaign = await create_campaign(gql, cadre, str(tree.province.id))
    voucher = (await claim(gql, member, campaign["id"]))["voucher"]["id"]
    order = (await place(gql, member, [(mall.sku_id, 1)]))["order"]["id"]
    own = await gql(MEMBER_MALL, {"id": member.id}, token=member.token)
    assert own.data["member"]["vouchers"] == [{"id": voucher, "status": "AVAILABLE"}]
    assert own.data["member"]["orders"] == [{"id": order, "status": "PENDING_PAYMENT"}]
    in_scope = await factory.cadre(tree.counties["A"])
    seen = await gql(MEMBER_MALL, {"id": member.id}, token=in_scope.token)
    assert seen.data["member"]["orders"] == [{"id": order, "status": "PENDING_PAYMENT"}]
    # Through the federation entry point, as a gateway would ask the mall subgraph.
    entities = await gql("""query E($r: [_Any!]!) { _entities(representations: $r) {
      ... on Member { id orders { id } vouchers { id } } } }""",
                         {"r": [{"__typename": "Member", "id": member.id}]},
                         token=in_scope.token)
    assert entities.data["_entities"] == [{"id": member.id, "orders": [{"id": order}],
                                           "vouchers": [{"id": voucher}]}]
    outsider = await factory.cadre(tree.counties["B"])
    hidden = await gql("""query E($r: [_Any!]!) { _entities(representations: $r) {
      ... on Member { orders { id } vouchers { id } } } }""",
                       {"r": [{"__typename": "Member", "id": member.id}]}, token=outsider.token)
    assert hidden.data["_entities"] == [{"orders": None, "vouchers": None}]


async def test_cadres_list_orders_of_their_scope(gql, factory, mall):
    tree = await factory.tree()
    a = await factory.account(tree.grassroots["A"][0])
    b = await factory.account(tree.grassroots["B"][0])
    in_a = (await place(gql, a, [(mall.sku_id, 1)]))["order"]["id"]
    in_b = (await place(gql, b, [(mall.sku_id, 1)]))["order"]["id"]
    q = """query L($u: ID!, $s: OrderStatus) { mallOrders(unionId: $u, status: $s) {
      edges { node { id status } } } }"""
    county = await factory.cadre(tree.counties["A"])
    mine = await gql(q, {"u": str(tree.counties["A"].id)}, token=county.token)
    assert [e["node"]["id"] for e in mine.data["mallOrders"]["edges"]] == [in_a]
    whole = await gql(q, {"u": str(tree.province.id), "s": "PENDING_PAYMENT"},
                      token=mall.operator.token)
    assert [e["node"]["id"] for e in whole.data["mallOrders"]["edges"]] == [in_b, in_a]
    paid = await gql(q, {"u": str(tree.province.id), "s": "PAID"}, token=mall.operator.token)
    assert paid.data["mallOrders"]["edges"] == []
    outside = await gql(q, {"u": str(tree.counties["B"].id)}, token=county.token)
    assert outside.error_codes() == ["FORBIDDEN"]
