"""What tests/test_bad_text_walk.py sends each mutation: its caller (a tier of the demo-like
accounts) and an input that is valid but for the field the walk spoils. Setting up what an
input names (an order to ship, an application to review) goes through the API or the domain,
as a person would. A mutation missing here fails the walk until it is listed, or put in
UNCOVERED with the reason."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tests.sms import SANDBOX_CAPTCHA
from unionhub.activities.models import Activity, ActivityKind
from unionhub.clock import utcnow
from unionhub.content.models import Article, ArticleStatus
from unionhub.identity.access import Principal
from unionhub.identity.models import Member
from unionhub.identity.privacy import CURRENT
from unionhub.identity.seed import synthetic_id_number
from unionhub.mall.models import Sku
from unionhub.schema.builder import build_schema
from unionhub.services import requests
from unionhub.services.models import ServiceItem

# Opaque values: looked up or compared, never stored as typed. They need only not crash.
OPAQUE = {"smsCode", "refreshToken", "captcha.ticket", "captcha.randstr", "password",
          "newPassword", "currentPhoneCode", "idempotencyKey", "payerOpenId", "deviceId",
          "joinCode"}
# A phone typed to sign in is a lookup key: refusing it on its field would tell a stranger
# that no account has it, so these answer INVALID_CREDENTIALS on no field (a code, no crash).
OPAQUE_IN = {("login", "phone")}

# A login refused is audited (docs/architecture.md: failed sign-ins), whatever the phone typed.
WRITES = {"login": ("audit_log", "audit_chain_head"), "loginBySms": ("audit_log", "audit_chain_head")}
# Form values are refused on the form field's own name (policyNo), not the input's path.
FORM_FIELDS = {("submitServiceRequest", "fields.name"), ("submitServiceRequest", "fields.value")}

# Mutations the walk does not send, and why.
UNCOVERED = {
    "resolvePaymentException": "needs a payment exception, which only a rail's failure opens "
                               "(tests/mall/test_payment_exceptions.py); its note has "
                               "check_plain in mall.payment_exceptions all the same",
}

_serial = itertools.count(1)


@dataclass
class Ctx:
    gql: Any
    tree: Any
    tokens: dict[str, str]
    members: dict[str, Member]
    factory: Any

    async def call(self, mutation: str, tier: str, value: dict[str, Any],
                   select: str = "") -> dict[str, Any]:
        """A setup step through the API, which must succeed."""
        query = (f"mutation M($input: {input_type(mutation)}!) {{ {mutation}(input: $input) "
                 f"{{ {select} errors {{ code field }} }} }}")
        result = await self.gql(query, {"input": value}, token=self.tokens.get(tier))
        assert result.errors == [] and result.data[mutation]["errors"] == [], (
            mutation, result.body)
        return result.data[mutation]

    def principal(self, tier: str) -> Principal:
        from unionhub.identity.tokens import principal_from_header

        return principal_from_header(f"Bearer {self.tokens[tier]}")


Builder = Callable[[Ctx], Awaitable[dict[str, Any]]]


def _phone() -> str:
    return f"1371234{next(_serial):04d}"


async def _const(value: dict[str, Any]) -> dict[str, Any]:
    return value


def const(value: dict[str, Any]) -> Builder:
    return lambda ctx: _const(value)


async def _target(ctx: Ctx) -> dict[str, Any]:
    # A member of its own: a spoiled call that is taken must not spoil the next mutation's caller.
    target = await ctx.factory.account(ctx.tree.grassroots["A"][0])
    return {"memberId": target.id, "reason": "违反会员纪律"}


async def _sku(ctx: Ctx) -> int:
    sku = await Sku.filter(stock__gt=10).order_by("id").first()
    assert sku is not None
    return sku.id


async def _order(ctx: Ctx, *, paid: bool = False) -> str:
    data = await ctx.call("placeOrder", "VERIFIED", {
        "items": [{"skuId": str(await _sku(ctx)), "quantity": 1}],
        "address": {"recipient": "张三丰", "phone": "13900000002", "regionCode": "610113",
                    "detail": "科技路1号"}, "idempotencyKey": f"walk-order-{next(_serial):04d}"},
        "order { id }")
    order_id = data["order"]["id"]
    if paid:
        from unionhub.mall.models import Order, OrderStatus

        await Order.filter(id=int(order_id)).update(status=OrderStatus.PAID)
    return order_id


async def _place(ctx: Ctx) -> dict[str, Any]:
    return {"items": [{"skuId": str(await _sku(ctx)), "quantity": 1}],
            "address": {"recipient": "张三丰", "phone": "13900000002", "regionCode": "610113",
                        "detail": "科技路1号"}, "idempotencyKey": "walk-order-bad-input"}


async def _application(ctx: Ctx) -> dict[str, Any]:
    newcomer = await ctx.factory.account(ctx.tree.pool)
    union = ctx.tree.grassroots["A"][0]
    await ctx.gql("mutation M($i: ApplyToJoinInput!) { applyToJoin(input: $i) { errors { code } } }",
                  {"i": {"joinCode": union.join_code}}, token=newcomer.token)
    from unionhub.identity.models import JoinApplication

    application = await JoinApplication.filter(member_id=newcomer.member.id).first()
    assert application is not None
    return {"applicationId": str(application.id), "approve": False, "reason": "资料不全"}


async def _transfer(ctx: Ctx) -> dict[str, Any]:
    mover = await ctx.factory.account(ctx.tree.grassroots["A"][0])
    await ctx.gql("mutation M($i: RequestTransferInput!) { requestTransfer(input: $i) "
                  "{ errors { code } } }", {"i": {"toUnionId": str(ctx.tree.grassroots["A"][1].id)}},
                  token=mover.token)
    from unionhub.identity.models import TransferRequest

    transfer = await TransferRequest.filter(member_id=mover.member.id).first()
    assert transfer is not None
    return {"transferId": str(transfer.id), "approve": False, "reason": "暂缓调动"}


async def _proposal(ctx: Ctx) -> dict[str, Any]:
    data = await ctx.call("proposeRootUnionFunds", "ADMIN2", {
        "unionId": str(ctx.tree.province.id), "year": 2026, "amountFen": 100,
        "reason": "年度经费"}, "proposal { id }")
    return {"proposalId": data["proposal"]["id"], "note": "金额有误"}


async def _request(ctx: Ctx, *, done: bool = False) -> str:
    item = await ServiceItem.filter(union_id=ctx.tree.counties["A"].id).order_by("id").first()
    if item is None:
        item = await ServiceItem.all().order_by("id").first()
    assert item is not None
    member = ctx.principal("VERIFIED")
    fields = {name: "某公司" for name in item.required_fields}
    req = await requests.submit(member, item.id, "拖欠工资", fields)
    cadre = ctx.principal("PROVINCE")
    await requests.accept(cadre, req.id)
    if done:
        await requests.complete(cadre, req.id, "已办结")
    return str(req.id)


async def _submit(ctx: Ctx) -> dict[str, Any]:
    item = await ServiceItem.filter(required_fields__not="[]").order_by("id").first()
    if item is None:
        item = await ServiceItem.all().order_by("id").first()
    assert item is not None
    names = list(item.required_fields) or ["employer"]
    return {"itemId": str(item.id), "details": "拖欠工资",
            "fields": [{"name": n, "value": "某公司"} for n in names]}


async def _activity(kind: ActivityKind) -> str:
    activity = await Activity.filter(kind=kind).order_by("id").first()
    assert activity is not None, kind
    return str(activity.id)


async def _reading(ctx: Ctx) -> dict[str, Any]:
    now = utcnow()
    data = await ctx.call("createActivity", "PROVINCE", {
        "name": "读书月", "kind": "READING", "startsAt": (now - timedelta(days=1)).isoformat(),
        "endsAt": (now + timedelta(days=9)).isoformat(), "dailyMinuteCap": 120,
        "minTier": "MEMBER"}, "activity { id }")
    activity_id = data["activity"]["id"]
    await ctx.call("enroll", "VERIFIED", {"activityId": activity_id})
    from unionhub.clock import SHANGHAI

    return {"activityId": activity_id, "date": now.astimezone(SHANGHAI).date().isoformat(),
            "minutes": 30, "title": "平凡的世界"}


async def _article(ctx: Ctx, *, published: bool) -> str:
    article = await Article.filter(status=ArticleStatus.PUBLISHED if published
                                   else ArticleStatus.DRAFT).order_by("id").first()
    if article is None:
        data = await ctx.call("createArticle", "PROVINCE", {
            "unionId": str(ctx.tree.province.id), "kind": "NEWS", "title": "通知",
            "body": "正文"}, "article { id }")
        if published:
            await ctx.call("publishArticle", "PROVINCE2", {"articleId": data["article"]["id"]})
        return data["article"]["id"]
    return str(article.id)


def _later(days: int) -> str:
    return (utcnow() + timedelta(days=days)).isoformat()


async def _campaign(ctx: Ctx) -> dict[str, Any]:
    return {"unionId": str(ctx.tree.province.id), "name": "职工消费券", "kind": "CLAIM",
            "faceValueFen": 1000, "budgetFen": 100000, "claimStartsAt": _later(0),
            "claimEndsAt": _later(10), "validDays": 30}


async def _product(ctx: Ctx) -> dict[str, Any]:
    from unionhub.mall.models import Category, Supplier

    supplier = await Supplier.all().order_by("id").first()
    category = await Category.all().order_by("id").first()
    assert supplier and category
    return {"supplierId": str(supplier.id), "categoryId": str(category.id), "name": "木耳",
            "description": "秦岭", "skus": [{"name": "250g", "priceFen": 100, "stock": 1}]}


async def _quiz(ctx: Ctx) -> dict[str, Any]:
    now = utcnow()
    return {"name": "知识竞赛", "kind": "QUIZ", "startsAt": (now + timedelta(days=1)).isoformat(),
            "endsAt": (now + timedelta(days=9)).isoformat(), "description": "工会法",
            "questions": [{"text": "工会法哪年颁布？", "options": ["1992", "2001"],
                           "answer": [0]}], "timeLimitSeconds": 300, "attemptsPerDay": 1}


async def _union(ctx: Ctx) -> dict[str, Any]:
    from unionhub.identity.seed import synthetic_credit_code

    return {"name": "雁塔区新业态工会", "level": "GRASSROOTS", "regionCode": "610113",
            "parentId": str(ctx.tree.counties["A"].id),
            "creditCode": synthetic_credit_code("610113", 7)}


async def _point(ctx: Ctx) -> dict[str, Any]:
    return {"unionId": str(ctx.tree.counties["A"].id), "name": "职工之家",
            "kind": "WORKERS_HOME", "latitude": 34.22, "longitude": 108.96,
            "address": "雁塔路1号", "phone": "029-87654321",
            "openingHours": [{"days": "MON-FRI", "opens": "09:00", "closes": "17:00"}]}


async def _verify(ctx: Ctx) -> dict[str, Any]:
    return {"name": "王小明", "idNumber": synthetic_id_number(901, "610113"),
            "consentVersion": CURRENT.version}


def _with(build: Callable[[Ctx], Awaitable[Any]], shape: Callable[[Any], dict[str, Any]]
          ) -> Builder:
    async def run(ctx: Ctx) -> dict[str, Any]:
        return shape(await build(ctx))
    return run


CASES: dict[str, tuple[str, Builder]] = {
    "requestSmsCode": ("GUEST", lambda ctx: _const({"phone": _phone(), "purpose": "REGISTER",
                                                    "captcha": dict(SANDBOX_CAPTCHA)})),
    "loginBySms": ("GUEST", const({"phone": "13900000002", "smsCode": "123456"})),
    "resetPassword": ("GUEST", const({"phone": "13900000002", "smsCode": "123456",
                                      "newPassword": "new-pass-2026"})),
    "changePhone": ("VERIFIED", lambda ctx: _const({"newPhone": _phone(), "smsCode": "123456",
                                                    "password": "demo-pass-2026"})),
    "closeAccount": ("MEMBER", const({"password": "demo-pass-2026", "smsCode": "123456"})),
    "freezeCard": ("COUNTY", _target),
    "unfreezeCard": ("COUNTY", _target),
    "leaveUnion": ("COUNTY", _target),
    "register": ("GUEST", lambda ctx: _const({"phone": _phone(), "password": "walk-pass-2026",
                                              "smsCode": "123456"})),
    "login": ("GUEST", const({"phone": "13900000002", "password": "demo-pass-2026"})),
    "refreshToken": ("GUEST", const({"refreshToken": "r" * 40})),
    "verifyIdentity": ("MEMBER", _verify),
    "applyToJoin": ("VERIFIED", const({"joinCode": "ABCDEF"})),
    "reviewJoinApplication": ("COUNTY", _application),
    "requestTransfer": ("VERIFIED", lambda ctx: _const({
        "toUnionId": str(ctx.tree.grassroots["B"][0].id), "reason": "工作调动"})),
    "reviewTransfer": ("COUNTY", _transfer),
    "createUnion": ("COUNTY", _union),
    "setUnionAutoApprove": ("COUNTY", lambda ctx: _const({
        "unionId": str(ctx.tree.grassroots["A"][0].id), "enabled": True})),
    "assignRole": ("ADMIN", lambda ctx: _const({
        "memberId": str(ctx.members["VERIFIED"].id), "role": "CADRE",
        "cadreOrgId": str(ctx.tree.grassroots["A"][0].id)})),
    "revokeSessions": ("ADMIN", lambda ctx: _const({"memberId": str(ctx.members["VERIFIED"].id)})),
    "proposeRootUnionFunds": ("ADMIN", lambda ctx: _const({
        "unionId": str(ctx.tree.province.id), "year": 2026, "amountFen": 100,
        "reason": "年度经费"})),
    "approveRootUnionFunds": ("ADMIN", _proposal),
    "rejectRootUnionFunds": ("ADMIN", _proposal),
    "withdrawRootUnionFunds": ("ADMIN2", _proposal),
    "createSupplier": ("PROVINCE", const({"name": "合作社", "regionCode": "611026",
                                          "regionName": "柞水县", "certified": True,
                                          "certificateNo": "SX-FP-2020-0999"})),
    "createCategory": ("PROVINCE", const({"name": "粮油"})),
    "createProduct": ("PROVINCE", _product),
    "restockSku": ("PROVINCE", _with(_sku, lambda s: {"skuId": str(s), "delta": 1})),
    "createVoucherCampaign": ("PROVINCE", _campaign),
    "grantVouchers": ("COUNTY", const({"campaignId": "2"})),
    "claimVoucher": ("VERIFIED", const({"campaignId": "1"})),
    "placeOrder": ("VERIFIED", _place),
    "payOrder": ("VERIFIED", _with(_order, lambda o: {"orderId": o, "method": "WECHAT_PAY",
                                                      "payerOpenId": "o-walk"})),
    "cancelOrder": ("VERIFIED", _with(_order, lambda o: {"orderId": o})),
    "shipOrder": ("PROVINCE", _with(lambda ctx: _order(ctx, paid=True),
                                    lambda o: {"orderId": o, "trackingNo": "SF1234567890"})),
    "confirmReceipt": ("VERIFIED", _with(_order, lambda o: {"orderId": o})),
    "allocateUnionFunds": ("PROVINCE", lambda ctx: _const({
        "unionId": str(ctx.tree.cities["xian"].id), "year": 2026, "amountFen": 100})),
    "approveUnionFundsPayment": ("PROVINCE", _with(_order, lambda o: {"orderId": o})),
    "refundOrder": ("VERIFIED", _with(lambda ctx: _order(ctx, paid=True),
                                      lambda o: {"orderId": o, "reason": "不想要了"})),
    "submitServiceRequest": ("VERIFIED", _submit),
    "acceptServiceRequest": ("PROVINCE", _with(_request, lambda r: {"requestId": r})),
    "startServiceRequest": ("PROVINCE", _with(_request, lambda r: {"requestId": r})),
    "completeServiceRequest": ("PROVINCE", _with(_request, lambda r: {
        "requestId": r, "resolution": "已办结"})),
    "rejectServiceRequest": ("PROVINCE", _with(_request, lambda r: {
        "requestId": r, "reason": "不属受理范围"})),
    "rateServiceRequest": ("VERIFIED", _with(lambda ctx: _request(ctx, done=True), lambda r: {
        "requestId": r, "rating": 5, "comment": "很好"})),
    "createServiceItem": ("COUNTY", lambda ctx: _const({
        "unionId": str(ctx.tree.counties["A"].id), "name": "心理疏导", "category": "COUNSELLING",
        "timeLimit": 16, "timeLimitUnit": "WORKING_HOURS", "requiredFields": ["employer"],
        "description": "每周二"})),
    "createServicePoint": ("COUNTY", _point),
    "createActivity": ("PROVINCE", _quiz),
    "enroll": ("VERIFIED", _with(lambda ctx: _activity(ActivityKind.EVENT),
                                 lambda a: {"activityId": a})),
    "submitSteps": ("VERIFIED", _with(lambda ctx: _activity(ActivityKind.WALKING),
                                      lambda a: {"activityId": a, "date": "2026-06-01",
                                                 "steps": 100})),
    "recordReading": ("VERIFIED", _reading),
    "startQuiz": ("VERIFIED", _with(lambda ctx: _activity(ActivityKind.QUIZ),
                                    lambda a: {"activityId": a})),
    "submitQuizAnswers": ("VERIFIED", _with(lambda ctx: _activity(ActivityKind.QUIZ), lambda a: {
        "activityId": a, "answers": [{"questionId": "1", "choices": [0]}], "attemptId": "1"})),
    "runDraw": ("PROVINCE", _with(lambda ctx: _activity(ActivityKind.BENEFIT_DRAW),
                                  lambda a: {"activityId": a})),
    "createArticle": ("PROVINCE", lambda ctx: _const({
        "unionId": str(ctx.tree.province.id), "kind": "NEWS", "title": "通知", "body": "正文",
        "coverUrl": "https://img.example.cn/a.png"})),
    "publishArticle": ("PROVINCE2", _with(lambda ctx: _article(ctx, published=False),
                                          lambda a: {"articleId": a})),
    "pinArticle": ("PROVINCE", _with(lambda ctx: _article(ctx, published=True),
                                     lambda a: {"articleId": a, "pinned": True})),
    "withdrawArticle": ("PROVINCE", _with(lambda ctx: _article(ctx, published=True),
                                          lambda a: {"articleId": a, "reason": "内容有误"})),
    "markArticleRead": ("VERIFIED", _with(lambda ctx: _article(ctx, published=True),
                                          lambda a: {"articleId": a, "deviceId": "dev-1"})),
}

_SCHEMA = build_schema()._schema


def input_type(mutation: str) -> str:
    return str(_SCHEMA.mutation_type.fields[mutation].args["input"].type.of_type)
