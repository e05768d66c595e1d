"""The catalogue: managed by the mall's operating org, browsed by anyone."""

from __future__ import annotations

from tests.mall.conftest import CREATE_PRODUCT, CREATE_SUPPLIER
from unionhub import row_cache

PRODUCTS = """query P($search: String, $cat: ID, $first: Int, $after: String) {
  products(search: $search, categoryId: $cat, first: $first, after: $after) {
    edges { cursor node { id name supplier { name regionCode certified } category { name }
                          skus { priceFen stock } } }
    pageInfo { hasNextPage endCursor } } }"""


async def test_guests_browse_search_and_page(gql, mall):
    first = await gql(PRODUCTS, {"first": 1})
    assert first.errors == []
    page = first.data["products"]
    assert len(page["edges"]) == 1 and page["pageInfo"]["hasNextPage"] is True
    node = page["edges"][0]["node"]
    assert node["supplier"] == {"name": "柞水县金米村木耳专业合作社", "regionCode": "611026",
                                "certified": True}
    assert node["skus"] == [{"priceFen": 5000, "stock": 100}, {"priceFen": 1200, "stock": 100}]
    second = await gql(PRODUCTS, {"first": 1, "after": page["pageInfo"]["endCursor"]})
    assert second.data["products"]["edges"][0]["node"]["name"] == "普通饼干"
    assert second.data["products"]["pageInfo"]["hasNextPage"] is False

    by_region = await gql(PRODUCTS, {"search": "柞水"})
    assert [e["node"]["name"] for e in by_region.data["products"]["edges"]] == ["柞水木耳"]
    by_cat = await gql(PRODUCTS, {"cat": mall.category_id})
    assert len(by_cat.data["products"]["edges"]) == 2
    bad = await gql(PRODUCTS, {"after": "not-a-cursor"})
    assert bad.errors[0]["extensions"]["reason"] == "BAD_CURSOR"


async def test_only_the_mall_operator_manages_the_catalogue(gql, factory, mall):
    tree = await factory.tree()
    county_cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account()
    data = {"input": {"name": "某合作社", "regionCode": "611026", "regionName": "柞水县",
                      "certified": False}}
    denied = await gql(CREATE_SUPPLIER, data, token=county_cadre.token)
    assert denied.error_codes() == ["FORBIDDEN"]
    as_member = await gql(CREATE_SUPPLIER, data, token=member.token)
    assert as_member.error_codes() == ["FORBIDDEN"]


async def test_bad_catalogue_input_is_a_specific_error(gql, mall):
    tok = mall.operator.token
    uncertified = await gql(CREATE_SUPPLIER, {"input": {
        "name": "无证合作社", "regionCode": "61102", "regionName": "柞水县", "certified": False}},
        token=tok)
    assert uncertified.data["createSupplier"]["errors"] == [
        {"code": "REGION_CODE_FORMAT", "field": "regionCode"}]
    no_cert = await gql(CREATE_SUPPLIER, {"input": {
        "name": "无证合作社", "regionCode": "611026", "regionName": "柞水县", "certified": True}},
        token=tok)
    assert no_cert.data["createSupplier"]["errors"][0]["code"] == "CERTIFICATE_REQUIRED"
    bad_price = await gql(CREATE_PRODUCT, {"input": {
        "supplierId": mall.supplier_id, "categoryId": mall.category_id, "name": "X",
        "skus": [{"name": "a", "priceFen": 0, "stock": 1}]}}, token=tok)
    assert bad_price.data["createProduct"]["errors"] == [
        {"code": "PRICE_OUT_OF_RANGE", "field": "skus[0].priceFen"}]
    products = await gql("{ products { edges { node { id } } } }")
    assert len(products.data["products"]["edges"]) == 2  # nothing written


async def test_restock_never_goes_below_zero(gql, mall):
    q = """mutation R($input: RestockSkuInput!) { restockSku(input: $input) {
      sku { stock } errors { code } } }"""
    up = await gql(q, {"input": {"skuId": mall.sku_id, "delta": 5}}, token=mall.operator.token)
    assert up.data["restockSku"]["sku"]["stock"] == 105
    down = await gql(q, {"input": {"skuId": mall.sku_id, "delta": -106}},
                     token=mall.operator.token)
    assert down.data["restockSku"]["errors"] == [{"code": "INSUFFICIENT_STOCK"}]


async def test_products_page_makes_the_same_number_of_queries_for_2_or_12_products(gql, mall,
                                                                                 spans):
    async def count() -> tuple[int, int]:
        spans.clear()
        row_cache.clear_all()  # the cold path: suppliers and categories are cached per process
        r = await gql(PRODUCTS, {"first": 50})
        n = len(r.data["products"]["edges"])
        return n, sum(1 for s in spans.get_finished_spans() if s.attributes.get("db.system"))

    n_small, small = await count()
    for i in range(10):
        await gql(CREATE_PRODUCT, {"input": {
            "supplierId": mall.supplier_id, "categoryId": mall.category_id, "name": f"木耳{i}",
            "skus": [{"name": "a", "priceFen": 100, "stock": 1}, {"name": "b", "priceFen": 200, "stock": 1}]}},
            token=mall.operator.token)
    n_large, large = await count()
    assert (n_small, n_large) == (2, 12) and small == large > 0
