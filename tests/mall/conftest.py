"""Mall fixtures: a small catalogue built through GraphQL by the mall's operator, and a
Stripe stand-in (respx routes answering with Stripe's documented object shapes)."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import respx
import stripe

from unionhub.mall import payments
from unionhub.settings import get_settings

STRIPE_BASE = "http://stripe.test"
WEBHOOK_SECRET = "whsec_test_unionhub_mall"

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
    order { id status } errors { code field message } } }"""
ORDER = """query O($id: ID!) { order(id: $id) { id status subtotalFen discountFen payableFen
  paymentMethod voucher { id status } items { skuId quantity lineFen } events { kind toStatus } } }"""

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


async def sku_stock(gql, product_id: str) -> dict[str, int]:
    r = await gql("query P($id: ID!) { product(id: $id) { skus { id stock } } }",
                  {"id": product_id})
    return {s["id"]: s["stock"] for s in r.data["product"]["skus"]}


# --- the Stripe stand-in -------------------------------------------------------------------

@dataclass
class StripeStandIn:
    """Answers /v1/payment_intents and /v1/refunds like Stripe (object shapes from Stripe's
    API reference), replaying the first answer for a repeated Idempotency-Key."""

    intents: dict[str, dict] = field(default_factory=dict)
    refunds: dict[str, dict] = field(default_factory=dict)
    requests: list[tuple[str, dict, str | None]] = field(default_factory=list)
    fail_with: int | None = None  # answer the next intent with this HTTP status
    _replay: dict[str, dict] = field(default_factory=dict)
    _n: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _form(self, request: httpx.Request) -> dict[str, Any]:
        return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}

    def create_intent(self, request: httpx.Request) -> httpx.Response:
        key = request.headers.get("Idempotency-Key")
        form = self._form(request)
        self.requests.append(("payment_intent", form, key))
        if self.fail_with is not None:
            status, self.fail_with = self.fail_with, None
            return httpx.Response(status, json={"error": {
                "type": "invalid_request_error", "code": "payment_method_unactivated",
                "message": "The payment method type provided: alipay is invalid."}})
        if key in self._replay:
            return httpx.Response(200, json=self._replay[key])
        pi_id = f"pi_{next(self._n):08d}TEST"
        types = [v for k, v in form.items() if k.startswith("payment_method_types")]
        intent = {
            "id": pi_id, "object": "payment_intent", "amount": int(form["amount"]),
            "amount_received": 0, "currency": form["currency"], "status": "requires_payment_method",
            "client_secret": f"{pi_id}_secret_{uuid.uuid4().hex[:12]}",
            "payment_method_types": types,
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            "livemode": False, "created": int(time.time()), "last_payment_error": None,
        }
        self.intents[pi_id] = intent
        self._replay[key] = intent
        return httpx.Response(200, json=intent)

    def create_refund(self, request: httpx.Request) -> httpx.Response:
        key = request.headers.get("Idempotency-Key")
        form = self._form(request)
        self.requests.append(("refund", form, key))
        if key in self._replay:
            return httpx.Response(200, json=self._replay[key])
        intent = self.intents[form["payment_intent"]]
        refund = {"id": f"re_{next(self._n):08d}TEST", "object": "refund",
                  "amount": intent["amount"], "currency": intent["currency"],
                  "payment_intent": intent["id"], "status": "pending",
                  "created": int(time.time()), "metadata": {}}
        self.refunds[refund["id"]] = refund
        self._replay[key] = refund
        return httpx.Response(200, json=refund)

    def event(self, type_: str, intent_id: str, *, event_id: str | None = None,
              **over: Any) -> dict:
        intent = dict(self.intents[intent_id])
        if type_ == "payment_intent.succeeded":
            intent.update(status="succeeded", amount_received=intent["amount"])
        elif type_ == "payment_intent.payment_failed":
            intent.update(status="requires_payment_method", last_payment_error={
                "code": "card_declined", "message": "Your card was declined."})
        if type_ == "charge.refunded":
            obj = {"id": f"ch_{intent_id[3:]}", "object": "charge", "amount": intent["amount"],
                   "amount_refunded": intent["amount"], "currency": intent["currency"],
                   "payment_intent": intent_id, "refunded": True, "status": "succeeded"}
        else:
            obj = intent
        obj.update(over)
        return {"id": event_id or f"evt_{uuid.uuid4().hex[:24]}", "object": "event",
                "api_version": "2024-06-20", "created": int(time.time()), "livemode": False,
                "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
                "type": type_, "data": {"object": obj}}


@pytest.fixture
def stripe_api(monkeypatch) -> StripeStandIn:
    settings = get_settings()
    monkeypatch.setattr(settings, "stripe_api_base", STRIPE_BASE)
    monkeypatch.setattr(settings, "stripe_api_key", "sk_test_unionhub")
    monkeypatch.setattr(settings, "stripe_webhook_secret", WEBHOOK_SECRET)
    payments.reset_client()
    standin = StripeStandIn()
    with respx.mock(base_url=STRIPE_BASE, assert_all_called=False) as router:
        router.post("/v1/payment_intents").mock(side_effect=standin.create_intent)
        router.post("/v1/refunds").mock(side_effect=standin.create_refund)
        yield standin
    payments.reset_client()


def signed(event: dict, secret: str = WEBHOOK_SECRET, timestamp: int | None = None,
           ) -> tuple[str, dict]:
    body = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp)
    return body, {"Stripe-Signature": header, "Content-Type": "application/json"}


async def deliver(http, event: dict, **kw: Any) -> httpx.Response:
    body, headers = signed(event, **kw)
    return await http.post("/webhooks/stripe", content=body, headers=headers)
