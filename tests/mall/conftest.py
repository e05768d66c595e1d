"""Mall fixtures: a small catalogue built through GraphQL by the mall's operator, and the
payment rails' stand-ins (tests/mall/standins): `stripe_api` for Stripe-specific tests,
`rail` for tests that run over every provider; `wechat` and `provider`
(tests/mall/wechatpay_provider.py), `ali` (tests/mall/alipay_provider.py) for the WeChat Pay and
Alipay provider tests."""

from __future__ import annotations

import contextlib
import importlib
import itertools
import pkgutil
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.mall import standins
from tests.mall.alipay_provider import ali  # noqa: F401 (a fixture: test_alipay_*)
from tests.mall.standins import Notification, StandIn
from tests.mall.standins.stripe import StripeStandIn, signed
from tests.mall.standins.stripe import standin as stripe_standin
from tests.mall.wechatpay_provider import provider, wechat  # noqa: F401 (fixtures: test_wechatpay_*)
from unionhub.identity.access import Principal
from unionhub.identity.models import Role, Union
from unionhub.mall import funds_allocation, root_funds
from unionhub.mall.providers import reset_providers

CREATE_SUPPLIER = """mutation S($input: CreateSupplierInput!) {
  createSupplier(input: $input) { supplier { id name regionCode certified } errors { code field } } }"""
CREATE_CATEGORY = """mutation C($input: CreateCategoryInput!) {
  createCategory(input: $input) { category { id name } errors { code } } }"""
CREATE_PRODUCT = """mutation P($input: CreateProductInput!) {
  createProduct(input: $input) { product { id name skus { id name priceFen stock } } errors { code field } } }"""
CREATE_CAMPAIGN = """mutation V($input: CreateVoucherCampaignInput!) {
  createVoucherCampaign(input: $input) {
    campaign { id name kind faceValueFen thresholdFen perMemberLimit issuedCount remainingVouchers }
    errors { code field message } } }"""
CLAIM = """mutation Claim($input: ClaimVoucherInput!) {
  claimVoucher(input: $input) { voucher { id status campaign { id } } errors { code field } } }"""
PLACE = """mutation Place($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    order { id status subtotalFen discountFen payableFen voucher { id status } member { id } }
    errors { code field message } } }"""
PAY = """mutation Pay($input: PayOrderInput!) {
  payOrder(input: $input) { clientSecret payment { id method status amountFen }
    checkout { provider reference clientSecret codeUrl payUrl orderString
      wechatPayParams { appId timeStamp nonceStr package signType paySign } }
    order { id status } errors { code field message } } }"""
ORDER = """query O($id: ID!) { order(id: $id) { id status subtotalFen discountFen payableFen
  paymentMethod voucher { id status } items { skuId quantity lineFen } events { kind toStatus } } }"""
ALLOCATE = """mutation A($input: AllocateUnionFundsInput!) { allocateUnionFunds(input: $input) {
  budget { year allocatedFen spentFen } errors { code field message } } }"""
APPROVE = """mutation Ap($input: ApproveUnionFundsPaymentInput!) {
  approveUnionFundsPayment(input: $input) { order { id status kind paymentMethod }
    payment { method status amountFen } errors { code field message } } }"""

ADDRESS = {"recipient": "张三丰", "phone": "13812345678", "regionCode": "610113",
           "detail": "雁塔区科技路 10 号"}
_keys = itertools.count(1)


def new_key() -> str:
    return f"order-key-{next(_keys):06d}-{uuid.uuid4().hex[:8]}"


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat()


@dataclass
class Mall:
    operator: Any  # the province cadre: runs the mall
    supplier_id: str
    uncertified_supplier_id: str
    category_id: str
    product_id: str
    sku_id: str  # price 5000 fen, certified supplier
    cheap_sku_id: str  # price 1200 fen, certified
    plain_sku_id: str  # price 3000 fen, uncertified supplier


async def _ok(result, name: str) -> dict:
    assert result.errors == [], result.errors
    body = result.data[name]
    assert body["errors"] == [], body["errors"]
    return body


@pytest.fixture
async def mall(gql, factory) -> Mall:
    tree = await factory.tree()
    operator = await factory.cadre(tree.province)
    tok = operator.token
    sup = await _ok(await gql(CREATE_SUPPLIER, {"input": {
        "name": "柞水县金米村木耳专业合作社", "regionCode": "611026", "regionName": "陕西省商洛市柞水县",
        "certified": True, "certificateNo": "SX-FP-2020-0417"}}, token=tok), "createSupplier")
    plain = await _ok(await gql(CREATE_SUPPLIER, {"input": {
        "name": "西安普通食品公司", "regionCode": "610113", "regionName": "陕西省西安市雁塔区",
        "certified": False}}, token=tok), "createSupplier")
    cat = await _ok(await gql(CREATE_CATEGORY, {"input": {"name": "特产"}}, token=tok),
                    "createCategory")
    prod = await _ok(await gql(CREATE_PRODUCT, {"input": {
        "supplierId": sup["supplier"]["id"], "categoryId": cat["category"]["id"],
        "name": "柞水木耳", "skus": [{"name": "500g 礼盒", "priceFen": 5000, "stock": 100},
                                    {"name": "100g 试吃装", "priceFen": 1200, "stock": 100}]}},
        token=tok), "createProduct")
    other = await _ok(await gql(CREATE_PRODUCT, {"input": {
        "supplierId": plain["supplier"]["id"], "categoryId": cat["category"]["id"],
        "name": "普通饼干", "skus": [{"name": "1kg", "priceFen": 3000, "stock": 100}]}},
        token=tok), "createProduct")
    skus = prod["product"]["skus"]
    return Mall(operator=operator, supplier_id=sup["supplier"]["id"],
                uncertified_supplier_id=plain["supplier"]["id"],
                category_id=cat["category"]["id"], product_id=prod["product"]["id"],
                sku_id=skus[0]["id"], cheap_sku_id=skus[1]["id"],
                plain_sku_id=other["product"]["skus"][0]["id"])


def campaign_input(union_id: str, **over: Any) -> dict:
    now = datetime.now(UTC)
    data = {"unionId": union_id, "name": "满100减20 消费扶贫券", "kind": "CLAIM",
            "faceValueFen": 2000, "thresholdFen": 10000, "budgetFen": 200000,
            "perMemberLimit": 1, "claimStartsAt": iso(now - timedelta(hours=1)),
            "claimEndsAt": iso(now + timedelta(days=7)), "validDays": 30}
    data.update(over)
    return data


async def create_campaign(gql, cadre, union_id: str, **over: Any) -> dict:
    body = await _ok(await gql(CREATE_CAMPAIGN, {"input": campaign_input(union_id, **over)},
                               token=cadre.token), "createVoucherCampaign")
    return body["campaign"]


async def claim(gql, account, campaign_id: str) -> dict:
    r = await gql(CLAIM, {"input": {"campaignId": campaign_id}}, token=account.token)
    assert r.errors == [], r.errors
    return r.data["claimVoucher"]


async def place(gql, account, items: list[tuple[str, int]], *, voucher_id: str | None = None,
                key: str | None = None, for_union_id: str | None = None) -> dict:
    data: dict[str, Any] = {"items": [{"skuId": s, "quantity": q} for s, q in items],
                            "address": ADDRESS, "idempotencyKey": key or new_key()}
    if voucher_id:
        data["voucherId"] = voucher_id
    if for_union_id:
        data["forUnionId"] = for_union_id
    r = await gql(PLACE, {"input": data}, token=account.token)
    assert r.errors == [], r.errors
    return r.data["placeOrder"]


async def allocate(gql, cadre, union_id: int | str, amount_fen: int,
                   year: int | None = None, *, fund_parent: bool = True) -> dict:
    """allocateUnionFunds by `cadre`, after (unless `fund_parent` is off) giving the same
    amount to each of the union's ancestors: a union's allocation comes out of its parent's."""
    if fund_parent:
        await fund_ancestors(int(union_id), amount_fen, year or this_funds_year(),
                             cadre.member.id)
    r = await gql(ALLOCATE, {"input": {"unionId": str(union_id), "amountFen": amount_fen,
                                       "year": year or this_funds_year()}}, token=cadre.token)
    assert r.errors == [], r.errors
    return r.data["allocateUnionFunds"]


async def fund_ancestors(union_id: int, amount_fen: int, year: int, actor_id: int) -> None:
    """Allocate `amount_fen` down the union's ancestors, root first, through the domain's own
    rules: the root's proposed by `actor_id` as an admin and approved by another admin id (the
    domain reads ids, not accounts), each other's by a cadre of its parent."""
    chain: list[Union] = []
    parent_id = (await Union.get(id=union_id)).parent_id
    while parent_id is not None:
        chain.append(await Union.get(id=parent_id))
        parent_id = chain[-1].parent_id
    for union, above in zip(reversed(chain), [None, *reversed(chain)], strict=False):
        if above is None:
            await fund_root(union.id, amount_fen, year, actor_id)
            continue
        await funds_allocation.allocate(
            Principal(member_id=actor_id, role=Role.CADRE, scope_path=above.path,
                      scope_org_id=above.id), union.id, year, amount_fen)


async def fund_root(root_id: int, amount_fen: int, year: int, maker_id: int) -> None:
    """The root union's allocation, maker and checker: proposed by `maker_id`, approved by
    the next id."""
    proposal = await root_funds.propose(Principal(member_id=maker_id, role=Role.ADMIN),
                                        root_id, year, amount_fen, "年度经费拨付")
    await root_funds.approve(Principal(member_id=maker_id + 1, role=Role.ADMIN), proposal.id)


def this_funds_year() -> int:
    from unionhub.mall.union_funds import funds_year

    return funds_year()


async def approve(gql, approver, order_id: str) -> dict:
    r = await gql(APPROVE, {"input": {"orderId": order_id}}, token=approver.token)
    assert r.errors == [], r.errors
    return r.data["approveUnionFundsPayment"]


async def paid_bulk_order(gql, factory, items: list[tuple[str, int]], *,
                          maker=None) -> tuple[Any, dict]:
    """A bulk order for grassroots union A/0, placed by a county A cadre (or `maker`), funded by
    a county cadre and approved by a city cadre: the order, PAID from union funds."""
    tree = await factory.tree()
    union = tree.grassroots["A"][0]
    maker = maker or await factory.cadre(tree.counties["A"])
    await allocate(gql, await factory.cadre(tree.counties["A"]), union.id, 10_000_000)
    order = (await place(gql, maker, items, for_union_id=str(union.id)))["order"]
    approved = await approve(gql, await factory.cadre(tree.cities["xian"]), order["id"])
    assert approved["errors"] == [], approved["errors"]
    return maker, approved["order"]


async def sku_stock(gql, product_id: str) -> dict[str, int]:
    r = await gql("query P($id: ID!) { product(id: $id) { skus { id stock } } }",
                  {"id": product_id})
    return {s["id"]: s["stock"] for s in r.data["product"]["skus"]}


# --- the payment rails' stand-ins ---------------------------------------------------------

# Every stand-in module present: the lifecycle tests run over each (test_payment_lifecycle
# also checks that every provider the registry knows has one). A module named _* is a part of
# a stand-in (standins/_wechatpay_keys.py), not a rail.
RAILS = tuple(sorted(m.name for m in pkgutil.iter_modules(standins.__path__)
                     if not m.name.startswith("_")))


@contextlib.asynccontextmanager
async def registered(stand_in: AbstractContextManager[Any]) -> AsyncIterator[Any]:
    """A stand-in (a module's `standin(...)`) behind the app's own provider registry: providers
    built before it, or with its settings, are dropped on the way in and out."""
    await reset_providers()
    with stand_in as entered:
        yield entered
    await reset_providers()


@pytest.fixture
async def stripe_api(monkeypatch) -> AsyncIterator[StripeStandIn]:
    async with registered(stripe_standin(monkeypatch)) as stand_in:
        yield stand_in


@pytest.fixture(params=RAILS)
async def rail(request, monkeypatch) -> AsyncIterator[StandIn]:
    """Each provider's stand-in in turn, its method routed to its provider."""
    module = importlib.import_module(f"tests.mall.standins.{request.param}")
    async with registered(module.standin(monkeypatch)) as stand_in:
        yield stand_in


async def deliver(http, event: dict, **kw: Any) -> httpx.Response:
    """A Stripe event, signed, to the Stripe webhook."""
    return await send(http, "/webhooks/stripe", signed(event, **kw))


async def send(http, path: str, notification: Notification) -> httpx.Response:
    return await http.post(path, content=notification.body, headers=notification.headers)
