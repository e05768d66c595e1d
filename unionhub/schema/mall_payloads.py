"""GraphQL payload types of the mall's mutations (what each returns: the object made or
changed, and `errors`), apart from the object types in mall_types.py to keep modules small."""

from __future__ import annotations

import strawberry

from unionhub.mall.providers.base import Checkout
from unionhub.schema.docs import PAYLOAD_ERRORS
from unionhub.schema.errors import UserError
from unionhub.schema.mall_types import (
    Category,
    Order,
    Payment,
    Product,
    Sku,
    Supplier,
    Voucher,
    VoucherCampaign,
)


@strawberry.type(description="The result of createSupplier.")
class SupplierPayload:
    supplier: Supplier | None = strawberry.field(default=None, description=(
        "The new supplier; null on errors."))
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of createCategory.")
class CategoryPayload:
    category: Category | None = strawberry.field(default=None, description=(
        "The new category; null on errors."))
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of createProduct.")
class ProductPayload:
    product: Product | None = strawberry.field(default=None, description=(
        "The new product; null on errors."))
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of restockSku.")
class SkuPayload:
    sku: Sku | None = strawberry.field(default=None, description=(
        "The SKU with its new stock; null on errors."))
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of createVoucherCampaign.")
class VoucherCampaignPayload:
    campaign: VoucherCampaign | None = strawberry.field(
        default=None, description="The new campaign; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of grantVouchers.")
class GrantVouchersPayload:
    campaign: VoucherCampaign | None = strawberry.field(
        default=None, description="The campaign after this call; null on errors.")
    granted: int = strawberry.field(default=0, description="Vouchers issued by this call.")
    done: bool = strawberry.field(
        default=False, description="False: the worker goes on from where this call stopped.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of claimVoucher.")
class VoucherPayload:
    voucher: Voucher | None = strawberry.field(default=None, description=(
        "The claimed voucher; null on errors."))
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="The result of a mutation on an order.")
class OrderPayload:
    order: Order | None = strawberry.field(
        default=None, description="The order as it stands; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)


@strawberry.type(description="wx.requestPayment's parameters, signed by the merchant.")
class WeChatPayParams:
    app_id: str = strawberry.field(description="appId.")
    time_stamp: str = strawberry.field(description="timeStamp (Unix seconds, as a string).")
    nonce_str: str = strawberry.field(description="nonceStr.")
    package: str = strawberry.field(description="package (prepay_id=…).")
    sign_type: str = strawberry.field(description="signType (RSA).")
    pay_sign: str = strawberry.field(description="paySign.")


@strawberry.type(description="What the app needs to take the member to the payment rail; "
                             "only the fields of the provider's channel are set.")
class PaymentCheckout:
    provider: str = strawberry.field(description="stripe, wechatpay, alipay or sandbox.")
    reference: str = strawberry.field(description="The payment's id at the provider.")
    client_secret: str | None = strawberry.field(description="Stripe: confirm with Stripe.js.")
    code_url: str | None = strawberry.field(description="WeChat Pay NATIVE: show as a QR code.")
    wechat_pay_params: WeChatPayParams | None = strawberry.field(
        description="WeChat Pay JSAPI / mini program: pass to wx.requestPayment.")
    pay_url: str | None = strawberry.field(
        description="Alipay PAGE / WAP, and the sandbox rail: open this URL.")
    order_string: str | None = strawberry.field(description="Alipay APP: give to the Alipay SDK.")

    @classmethod
    def of(cls, provider: str, checkout: Checkout) -> PaymentCheckout:
        params = checkout.jsapi_params
        return cls(provider=provider, reference=checkout.provider_ref,
                   client_secret=checkout.client_secret, code_url=checkout.code_url,
                   wechat_pay_params=WeChatPayParams(
                       app_id=params["appId"], time_stamp=params["timeStamp"],
                       nonce_str=params["nonceStr"], package=params["package"],
                       sign_type=params["signType"], pay_sign=params["paySign"],
                   ) if params else None,
                   pay_url=checkout.pay_url, order_string=checkout.order_string)


@strawberry.type(description="The result of payOrder.")
class PaymentPayload:
    payment: Payment | None = strawberry.field(default=None, description=(
        "The payment started; null on errors."))
    order: Order | None = strawberry.field(default=None,
                                           description="The order paid for; null on errors.")
    checkout: PaymentCheckout | None = strawberry.field(default=None, description=(
        "What the app opens to pay; null on errors and for UNION_FUNDS."))
    client_secret: str | None = strawberry.field(
        default=None, description="Stripe's PaymentIntent client secret (also in checkout).")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)
