"""The per-process row caches (unionhub/row_cache.py): the catalogue's suppliers and categories,
the service items. A warm process reads them without a query; a change shows within the TTL
(at once in the process that forgets the row); a row not found is cached as such, so an unknown
id costs no more than a known one, until its row is created; what a caller may see is decided
outside the cache, so no caller sees through it what another may see."""

from __future__ import annotations

import asyncio

import pytest

from tests.querycount import count_queries
from tests.services.helpers import make_item, principal
from unionhub import row_cache
from unionhub.mall import loaders
from unionhub.mall.models import Category, Supplier
from unionhub.services import items, requests
from unionhub.services.models import ServiceItem

PRODUCT = """query P($id: ID!) { product(id: $id) { id name category { name }
  supplier { name regionName certified } skus { id name priceFen stock } } }"""
MINE = """{ myServiceRequests(first: 10) { edges { node { id item { name } } } } }"""
REQUEST = """query R($id: ID!) { serviceRequest(id: $id) { id item { name } } }"""


async def test_a_warm_product_page_reads_supplier_and_category_from_the_process(gql, mall):
    member_token = mall.operator.token
    first = await gql(PRODUCT, {"id": mall.product_id}, token=member_token)
    assert first.errors == [], first.errors
    with count_queries(cold=False) as warm:
        again = await gql(PRODUCT, {"id": mall.product_id}, token=member_token)
    assert again.data == first.data
    assert not [s for s in warm.statements if "mall_suppliers" in s or "mall_categories" in s]
    assert [s for s in warm.statements if "mall_skus" in s], warm  # stock is read every time
    with count_queries() as cold:  # emptied: read again, one query each
        await gql(PRODUCT, {"id": mall.product_id}, token=member_token)
    assert sum("mall_suppliers" in s for s in cold.statements) == 1, cold
    assert sum("mall_categories" in s for s in cold.statements) == 1, cold


async def test_a_change_shows_within_the_ttl_and_at_once_where_forgotten(gql, mall, monkeypatch):
    token = mall.operator.token
    monkeypatch.setattr(loaders.supplier_rows, "ttl", 0.3)
    row_cache.clear_all()
    r = await gql(PRODUCT, {"id": mall.product_id}, token=token)
    old = r.data["product"]["supplier"]["name"]
    await Supplier.filter(id=int(mall.supplier_id)).update(name="改名后的合作社")
    # Within the TTL this process answers from its copy (another process's change is not seen).
    r = await gql(PRODUCT, {"id": mall.product_id}, token=token)
    assert r.data["product"]["supplier"]["name"] == old
    await asyncio.sleep(0.35)  # past the TTL: read afresh
    r = await gql(PRODUCT, {"id": mall.product_id}, token=token)
    assert r.data["product"]["supplier"]["name"] == "改名后的合作社"
    # A change made through this process forgets the row: seen at once.
    await Category.filter(id=int(mall.category_id)).update(name="新类目")
    loaders.category_rows.forget(int(mall.category_id))
    r = await gql(PRODUCT, {"id": mall.product_id}, token=token)
    assert r.data["product"]["category"]["name"] == "新类目"


async def test_the_ttl_is_stated_and_short():
    assert loaders.CATALOGUE_CACHE_TTL_SECONDS <= 60
    assert items.ITEM_CACHE_TTL_SECONDS <= 60


async def test_an_unknown_id_is_answered_from_the_process_like_a_known_one(mall):
    # Before: a known id answered from memory, an unknown one always read the database, and
    # the time it took told which ids exist. Now both are read once per TTL.
    known, unknown = int(mall.supplier_id), 10_000_000
    row_cache.clear_all()
    with count_queries(cold=False) as cold:
        assert (await loaders.suppliers([known, unknown]))[1] is None
    assert sum("mall_suppliers" in s for s in cold.statements) == 1, cold  # one for both
    for ids in ([known], [unknown], [unknown, known]):
        with count_queries(cold=False) as warm:
            await loaders.suppliers(ids)
        assert not [s for s in warm.statements if "mall_suppliers" in s], (ids, warm)
    assert loaders.supplier_rows.cached(unknown) is None and unknown not in loaders.supplier_rows
    assert loaders.supplier_rows.cached(known) is not None


async def _next_ids(model) -> list[int]:
    """The ids the next rows of `model` will get: past the id its sequence last handed out
    (not past the last row: a cleaned table keeps its sequence), with room for gaps (ids a
    rolled-back insert took)."""
    db, table = model._meta.db, model._meta.db_table
    if db.capabilities.dialect == "postgres":
        rows = await db.execute_query_dict(
            f"SELECT last_value, is_called FROM {table}_id_seq")  # (a model's own table)
        last = rows[0]["last_value"] if rows[0]["is_called"] else rows[0]["last_value"] - 1
    else:  # SQLite: AUTOINCREMENT keeps the last id in sqlite_sequence, else max(id)
        rows = await db.execute_query_dict(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", [table])
        newest = await model.all().order_by("-id").first()
        last = max(rows[0]["seq"] if rows else 0, newest.id if newest else 0)
    return list(range(last + 1, last + 51))


async def test_a_negative_entry_expires_with_the_ttl(monkeypatch):
    monkeypatch.setattr(loaders.category_rows, "ttl", 0.2)
    row_cache.clear_all()
    ahead = await _next_ids(Category)
    assert set(await loaders.categories(ahead)) == {None}
    made = await Category.create(name="另一进程建的类目")  # as another process would: no forget
    assert made.id in ahead
    assert await loaders.categories([made.id]) == [None]  # this process: not before the TTL
    await asyncio.sleep(0.25)
    assert (await loaders.categories([made.id]))[0].name == "另一进程建的类目"


async def test_creating_a_row_forgets_that_its_id_was_not_found(factory):
    from unionhub.mall import catalogue

    row_cache.clear_all()
    ahead = await _next_ids(Supplier)
    assert set(await loaders.suppliers(ahead)) == {None}  # asked for before they exist
    created = await catalogue.create_supplier(name="新合作社", region_code="610100",
                                              region_name="西安市", certified=False)
    assert created.id in ahead
    assert (await loaders.suppliers([created.id]))[0].name == "新合作社"  # at once, not in 60 s
    ahead = await _next_ids(Category)
    assert set(await loaders.categories(ahead)) == {None}
    category = await catalogue.create_category("新类目甲")
    assert category.id in ahead
    assert (await loaders.categories([category.id]))[0].name == "新类目甲"
    # A service item, the same way.
    tree = await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(county)
    ahead = await _next_ids(ServiceItem)
    assert await items.items_by_ids(ahead) == {}
    item = await make_item(cadre, county, name="新服务事项")
    assert item.id in ahead
    assert (await items.items_by_ids([item.id]))[item.id].name == "新服务事项"


async def test_a_cached_item_shows_no_one_a_request_they_may_not_see(gql, factory):
    tree = await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(county)
    owner = await factory.account(tree.grassroots["A"][0])
    stranger = await factory.account(tree.grassroots["A"][1])
    item = await make_item(cadre, county, name="法律援助")
    req = await requests.submit(principal(owner), item.id, "d")
    mine = await gql(MINE, token=owner.token)
    assert mine.errors == [], mine.errors
    assert [e["node"]["item"]["name"] for e in mine.data["myServiceRequests"]["edges"]] == ["法律援助"]
    assert items.item_rows.cached(item.id) is not None  # warm now
    theirs = await gql(MINE, token=stranger.token)
    assert theirs.data["myServiceRequests"]["edges"] == []
    other = await gql(REQUEST, {"id": str(req.id)}, token=stranger.token)
    assert not (other.data or {}).get("serviceRequest"), other.data
    # The owner's second read answers from the cache, with the same item.
    with count_queries(cold=False) as warm:
        again = await gql(MINE, token=owner.token)
    assert again.data == mine.data
    assert not [s for s in warm.statements if "service_items" in s], warm


@pytest.mark.parametrize("name", ["mall.suppliers", "mall.categories", "services.items"])
async def test_every_cache_is_emptied_by_clear_all(name, mall):
    cache = next(c for c in row_cache._ALL if c.name == name)
    await cache.get_many([1])
    row_cache.clear_all()
    assert cache.cached(1) is None


async def test_a_full_cache_drops_the_expired_first_then_the_oldest():
    async def load(keys: list[int]) -> dict[int, str]:
        return {k: f"row {k}" for k in keys}

    cache: row_cache.RowCache[int, str] = row_cache.RowCache("test.bounded", 60, load,
                                                            max_rows=3)
    try:
        await cache.get_many([1, 2, 3])
        cache._rows[2] = (0.0, "row 2")  # expired long ago
        await cache.get_many([4])
        assert 2 not in cache and {1, 3, 4} <= set(cache._rows) and len(cache) == 3
        await cache.get_many([5])  # nothing expired: the oldest stored (1) goes
        assert 1 not in cache and len(cache) == 3 and cache.cached(5) == "row 5"
    finally:
        row_cache._ALL.remove(cache)  # type: ignore[arg-type]
