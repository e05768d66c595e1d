"""WeChat Pay's notification resources and query answers → `PaymentFact`s."""

from __future__ import annotations

from typing import Any

from unionhub.mall.providers.base import FactKind, PaymentFact

# A refund WeChat ended without the money going back (ABNORMAL: the payer's card was closed;
# CLOSED: closed by WeChat or the merchant): a person settles it.
FAILED_REFUND_STATES = frozenset({"ABNORMAL", "CLOSED"})
# A refund request refused for good (v3 申请退款), by HTTP status and code. 400
# INVALID_REQUEST is a business rule it breaks, chiefly 申请退款金额超过订单可退金额, more than
# the trade has left (a refund made in the merchant portal, its notice not here yet); 403
# USER_ACCOUNT_ABNORMAL is the payer's account closed or frozen (用户账户异常或已注销: "商户可
# 自行处理退款", the money cannot go back the way it came). Asked again the same way each is
# refused again: REFUND_FAILED for a person, as Alipay's and Stripe's refusals are. (403
# NOT_ENOUGH, the merchant's balance, passes once it is funded: retried.)
REFUND_REFUSED_CODES = frozenset({(400, "INVALID_REQUEST"), (403, "USER_ACCOUNT_ABNORMAL")})


def notification_fact(event_id: str, event_type: str, data: dict[str, Any]) -> PaymentFact:
    if event_type == "TRANSACTION.SUCCESS" and data["trade_state"] == "SUCCESS":
        return paid_fact(event_id, event_type, data)
    if event_type == "REFUND.SUCCESS" and data["refund_status"] == "SUCCESS":
        return refund_fact(event_id, event_type, data, FactKind.REFUNDED)
    if event_type in ("REFUND.ABNORMAL", "REFUND.CLOSED") \
            and data.get("refund_status") in FAILED_REFUND_STATES:
        return PaymentFact(event_id=event_id, event_type=event_type,
                           kind=FactKind.REFUND_FAILED, provider_ref=str(data["out_trade_no"]),
                           failure_code=str(data["refund_status"]),
                           detail={"out_refund_no": str(data.get("out_refund_no", ""))})
    # Anything new: verified, kept for operators.
    ids = {k: str(data[k]) for k in ("out_trade_no", "out_refund_no") if data.get(k)}
    return PaymentFact(event_id=event_id, event_type=event_type, kind=None,
                       provider_ref=data.get("out_trade_no"), detail=ids)


def paid_fact(event_id: str, event_type: str, trade: dict[str, Any]) -> PaymentFact:
    amount = trade["amount"]
    return PaymentFact(
        event_id=event_id, event_type=event_type, kind=FactKind.SUCCEEDED,
        provider_ref=str(trade["out_trade_no"]), amount_fen=int(amount["total"]),
        currency=str(amount.get("currency") or "CNY").lower(),
        detail={"transaction_id": str(trade.get("transaction_id", ""))})


def refund_fact(event_id: str, event_type: str, refund: dict[str, Any],
                 kind: FactKind) -> PaymentFact:
    amount = refund["amount"]
    return PaymentFact(
        event_id=event_id, event_type=event_type, kind=kind,
        provider_ref=str(refund["out_trade_no"]),
        full_refund=int(amount["refund"]) == int(amount["total"]),
        # This refund's own amount: WeChat Pay states no running total for the trade.
        refund_fen=int(amount["refund"]),
        detail={"out_refund_no": str(refund.get("out_refund_no", "")),
                "refund_id": str(refund.get("refund_id", ""))})
