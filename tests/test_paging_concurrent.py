"""Keyset paging while rows are inserted (issue 24, point 4): walking a list page by page
while other connections insert into it never repeats a row and never skips one that was
there when the walk began. Run on PostgreSQL for real concurrency (separate connections and
transactions); an offset pager fails the newest-first case at once."""

from __future__ import annotations

import asyncio

from tests.factories import Factory
from tests.paging import walk
from unionhub.clock import utcnow
from unionhub.identity.models import JoinApplication, ReviewStatus, TransferRequest


async def _while_inserting(insert, walk_coro, every: float = 0.0):
    """Runs `walk_coro` while a task keeps inserting rows; returns the walk's ids and the
    number of rows inserted meanwhile."""
    stop = asyncio.Event()
    inserted = 0

    async def writer() -> None:
        nonlocal inserted
        while not stop.is_set():
            await insert()
            inserted += 1
            await asyncio.sleep(every)

    task = asyncio.create_task(writer())
    try:
        ids = await walk_coro
    finally:
        stop.set()
        await task
    return ids, inserted


async def test_newest_first_pages_neither_repeat_nor_skip_while_rows_arrive(gql, factory: Factory):
    tree = await factory.tree()
    me = await factory.account(tree.grassroots["B"][0])

    async def insert() -> None:
        await TransferRequest.create(member=me.member, from_union=tree.grassroots["B"][0],
                                     to_union=tree.grassroots["A"][0],
                                     status=ReviewStatus.REJECTED)

    for _ in range(30):
        await insert()
    before = [str(t.id) for t in await TransferRequest.filter(member_id=me.member.id)
              .order_by("-id")]
    query = ("query($first: Int, $after: String) { myTransfersConnection(first: $first, "
             "after: $after) { edges { cursor node { id } } pageInfo { hasNextPage "
             "hasPreviousPage startCursor endCursor } } }")

    async def between() -> None:  # rows land at the head between every two pages too
        for _ in range(2):
            await insert()

    ids, inserted = await _while_inserting(insert, walk(
        gql, query, "myTransfersConnection", {}, me.token, size=4, between=between))
    assert inserted > 0
    assert len(ids) == len(set(ids)), "a row was repeated"
    # Rows that arrived before the first page was read head the list; after that, none.
    head = ids[:len(ids) - len(before)]
    assert ids[len(head):] == before, "rows present at the start were skipped or reordered"
    assert all(int(i) > int(before[0]) for i in head)


async def test_oldest_first_review_queue_pages_while_applications_arrive(gql, factory: Factory):
    tree = await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(county)
    members = [(await factory.account(verified=False)).member for _ in range(60)]
    pool = iter(members)

    async def insert() -> None:
        member = next(pool, None)
        if member is not None:
            await JoinApplication.create(member=member, union=tree.grassroots["A"][0],
                                         due_at=utcnow())

    for _ in range(20):
        await insert()
    before = [str(a.id) for a in await JoinApplication.filter(
        union__path__startswith=county.path).order_by("created_at", "id")]
    query = ("query($u: ID!, $first: Int, $after: String) { joinApplicationsConnection("
             "unionId: $u, first: $first, after: $after) { edges { cursor node { id } } "
             "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }")
    ids, inserted = await _while_inserting(insert, walk(
        gql, query, "joinApplicationsConnection", {"u": str(county.id)}, cadre.token, size=3,
        between=insert))
    assert inserted > 0
    assert len(ids) == len(set(ids)), "a row was repeated"
    assert ids[:len(before)] == before, "rows present at the start were skipped"
    # Rows that arrived during the walk come after them, in order, none twice.
    after = [str(a.id) for a in await JoinApplication.filter(
        union__path__startswith=county.path).order_by("created_at", "id")]
    assert ids == after[:len(ids)]


async def test_a_backward_walk_of_orders_while_orders_arrive(gql, factory: Factory):
    """myOrders (newest first) read with last/before from its oldest end while a writer
    places orders: they land at the head, which the walk reaches last, so every order that
    was there is read once, in order, and the new ones that arrived before the walk got
    there are read too, none twice."""
    from datetime import timedelta

    from unionhub.mall.models import Order, OrderStatus

    tree = await factory.tree()
    me = await factory.account(tree.grassroots["A"][0])
    union = tree.grassroots["A"][0]
    keys = iter(range(60))  # a bounded writer, or a walk toward the head never ends

    async def insert() -> None:
        key = next(keys, None)
        if key is None:
            await asyncio.sleep(0.01)
            return
        await Order.create(member_id=me.member.id, union_id=union.id, union_path=union.path,
                           status=OrderStatus.PENDING_PAYMENT, subtotal_fen=100,
                           payable_fen=100, idempotency_key=f"c{key}", address_enc="x",
                           address_region="610113", expires_at=utcnow() + timedelta(hours=1))

    for _ in range(20):
        await insert()
    before = [str(o.id) for o in await Order.filter(member_id=me.member.id).order_by("-id")]
    query = ("query($last: Int, $before: String) { myOrders(last: $last, before: $before) { "
             "edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor "
             "endCursor } } }")
    ids, inserted = await _while_inserting(insert, walk(
        gql, query, "myOrders", {}, me.token, size=3, backward=True, between=insert))
    assert inserted > 0
    assert len(ids) == len(set(ids)), "a row was repeated"
    assert ids[len(ids) - len(before):] == before, "rows present at the start were skipped"
    assert all(int(i) > int(before[0]) for i in ids[:len(ids) - len(before)])
