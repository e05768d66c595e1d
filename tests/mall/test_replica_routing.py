"""Which reads a replica serves, through GraphQL (issue 22, point 2; docs/architecture.md,
Read replicas): a cadre's report reads the replica, a member's own orders and everything a
mutation reads come from the primary. Needs `.ci/pg-replica`; the replica's replay is paused
so that it visibly lags the primary, and each answer shows where it was read."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from tests.mall.conftest import CREATE_PRODUCT, place
from tests.replica import caught_up, fresh, replay_paused, require_replica
from unionhub.clock import today_shanghai
from unionhub.mall import orders
from unionhub.mall.models import Order

REPORT = """query R($u: ID!, $d: Date!) { mallReport(unionId: $u, from: $d, to: $d) {
  orderCount salesFen } }"""
MY_ORDERS = "query { myOrders { edges { node { id status } } } }"
PRODUCT = "query P($id: ID!) { product(id: $id) { id name } }"


async def test_a_report_reads_the_replica_and_my_orders_the_primary(gql, factory, mall):
    replicas = require_replica()
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    today = today_shanghai().isoformat()
    report = {"u": str(tree.counties["A"].id), "d": today}
    max_lag, replicas.max_lag = replicas.max_lag, 60
    try:
        async with replay_paused():
            await fresh(replicas)
            placed = (await place(gql, member, [(mall.sku_id, 2)]))["order"]
            async with in_transaction():
                assert await orders.mark_paid(await Order.get(id=int(placed["id"])), None, "CARD")
            mine = await gql(MY_ORDERS, token=member.token)
            assert [e["node"] for e in mine.data["myOrders"]["edges"]] == [
                {"id": placed["id"], "status": "PAID"}]  # the member's own: the primary
            stale = await gql(REPORT, report, token=cadre.token)
            assert stale.errors == [], stale.errors
            assert stale.data["mallReport"] == {"orderCount": 0, "salesFen": 0}  # the replica
        await caught_up()
        await fresh(replicas)
        current = await gql(REPORT, report, token=cadre.token)
        assert current.data["mallReport"] == {"orderCount": 1, "salesFen": 10000}
    finally:
        replicas.max_lag = max_lag


async def test_a_mutation_reads_its_own_writes_on_the_primary(gql, mall):
    replicas = require_replica()
    max_lag, replicas.max_lag = replicas.max_lag, 60
    try:
        async with replay_paused():
            await fresh(replicas)
            created = await gql(CREATE_PRODUCT, {"input": {
                "supplierId": mall.supplier_id, "categoryId": mall.category_id, "name": "新品",
                "skus": [{"name": "1kg", "priceFen": 2000, "stock": 5}]}}, token=mall.operator.token)
            product = created.data["createProduct"]["product"]
            # The payload's SKUs come through the catalogue's routed loader: in a mutation, the
            # primary's, where the new product is.
            assert [s["name"] for s in product["skus"]] == ["1kg"]
            # A query browsing the catalogue reads the replica, which has not replayed it yet.
            assert (await gql(PRODUCT, {"id": product["id"]})).data["product"] is None
        await caught_up()
        await fresh(replicas)
        shown = await gql(PRODUCT, {"id": product["id"]})
        assert shown.data["product"] == {"id": product["id"], "name": "新品"}
    finally:
        replicas.max_lag = max_lag
