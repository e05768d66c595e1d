"""docs/contract.md against the served schema: the shapes it promises to front-end teams (its
```graphql blocks) are what the code serves, and it spells out every promised name.

A field in a block must be served with exactly the written type; an argument or input field
written must be served with exactly that type, and one not written must be optional (a client
built against the contract never sends it); an enum's written values must all be served. The
served schema may add around them (new fields, optional arguments, enum values)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    is_non_null_type,
)

from tests.schema_print import printed
from unionhub.schema import breaking

DOC = Path(__file__).resolve().parents[1] / "docs" / "contract.md"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# What the contract with the app, mini-program and portal teams names: each must have its
# shape written in docs/contract.md (so a clone of the repository holds the whole contract).
PROMISED_QUERIES = _words(
    "me member members union unions serviceItems myServiceRequests serviceRequests "
    "nearbyServicePoints unionScorecard unionRanking activities activity leaderboard products "
    "product voucherCampaigns myVouchers myOrders order mallReport slowOperations auditLog "
    "myPersonalData unionFundsLedger paymentExceptions articles article")
PROMISED_MUTATIONS = _words(
    "register login refreshToken verifyIdentity applyToJoin reviewJoinApplication "
    "requestTransfer reviewTransfer reportCardLost submitServiceRequest acceptServiceRequest "
    "completeServiceRequest rejectServiceRequest rateServiceRequest createActivity enroll "
    "submitSteps submitQuizAnswers createVoucherCampaign grantVouchers claimVoucher placeOrder "
    "payOrder cancelOrder shipOrder confirmReceipt refundOrder requestSmsCode loginBySms "
    "resetPassword changePhone logout logoutEverywhere revokeSessions closeAccount reissueCard "
    "freezeCard unfreezeCard leaveUnion approveUnionFundsPayment allocateUnionFunds "
    "resolvePaymentException markArticleRead setUnionAutoApprove recordReading")
PROMISED_TYPES = _words(
    "Member MemberCard RegisterInput LoginInput VerifyIdentityInput AuthPayload UserError Union "
    "Tier UnionLevel ServiceItem ServiceRequest ServicePoint Scorecard SubmitServiceRequestInput "
    "AcceptServiceRequestInput CompleteServiceRequestInput RejectServiceRequestInput "
    "RateServiceRequestInput RequestStatus ServiceRequestPayload Activity StepRecord "
    "LeaderboardEntry EnrollInput SubmitStepsInput ActivityKind LeaderboardScope "
    "EnrollmentPayload StepRecordPayload Product Sku VoucherCampaign Voucher Order "
    "ClaimVoucherInput PlaceOrderInput OrderItemInput AddressInput CancelOrderInput "
    "PayOrderInput PaymentMethod CampaignKind VoucherStatus OrderStatus VoucherPayload "
    "OrderPayload PaymentPayload PaymentCheckout SlowOperation PageInfo SmsPurpose OrderKind "
    "PaymentExceptionAction")

_BLOCK = re.compile(r"```graphql\n(.*?)```", re.S)
_DEFINITION = re.compile(r"\b(type|input|enum)\s+(\w+)[^{]*\{(.*?)\}", re.S)
_FIELD = re.compile(r"(\w+)\s*(?:\(([^)]*)\))?\s*:\s*([\w\[\]!]+)")
_ARGUMENT = re.compile(r"(\w+)\s*:\s*([\w\[\]!]+)")


def written_definitions() -> list[tuple[str, str, str]]:
    """(kind, name, body) of every definition in the doc's graphql blocks, comments cut."""
    found = []
    for block in _BLOCK.findall(DOC.read_text(encoding="utf-8")):
        text = "\n".join(line.split("#", 1)[0] for line in block.splitlines())
        found.extend(_DEFINITION.findall(text))
    return found


@pytest.fixture(scope="module")
def served() -> GraphQLSchema:
    return breaking.load_sdl(printed(None))


def _required(value: GraphQLArgument | GraphQLInputField) -> bool:
    """Non-null without a default (an SDL-built schema keeps defaults on the AST node)."""
    node = value.ast_node
    return is_non_null_type(value.type) and (node is None or node.default_value is None)


def _divergences(schema: GraphQLSchema, kind: str, name: str, body: str) -> list[str]:
    served = schema.type_map.get(name)
    if served is None:
        return [f"{name}: not served"]
    if kind == "enum":
        assert isinstance(served, GraphQLEnumType), name
        return [f"{name}.{v}: not served" for v in body.split() if v not in served.values]
    assert isinstance(served, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType)
    out = []
    for field_name, arguments, written_type in _FIELD.findall(body):
        field = served.fields.get(field_name)
        where = f"{name}.{field_name}"
        if field is None:
            out.append(f"{where}: not served")
            continue
        if str(field.type) != written_type:
            out.append(f"{where}: written {written_type}, served {field.type}")
        if isinstance(served, GraphQLInputObjectType):
            continue
        written_args = dict(_ARGUMENT.findall(arguments))
        for arg_name, arg in field.args.items():
            if arg_name in written_args:
                if str(arg.type) != written_args.pop(arg_name):
                    out.append(f"{where}({arg_name}): served {arg.type}")
            elif _required(arg):
                out.append(f"{where}({arg_name}): served required, not written")
        out.extend(f"{where}({arg_name}): not served" for arg_name in written_args)
    if isinstance(served, GraphQLInputObjectType):
        written = {f for f, _, _ in _FIELD.findall(body)}
        out.extend(f"{name}.{f}: served required, not written"
                   for f, field in served.fields.items() if f not in written and _required(field))
    return out


def test_every_written_shape_is_served(served):
    definitions = written_definitions()
    assert definitions, "docs/contract.md writes no shapes"
    divergences = [d for definition in definitions for d in _divergences(served, *definition)]
    assert divergences == []


def test_the_doc_writes_the_shape_of_every_promised_name():
    definitions = written_definitions()
    fields = {(name, f) for kind, name, body in definitions if kind != "enum"
              for f, _, _ in _FIELD.findall(body)}
    declared = {name for _, name, _ in definitions}
    missing = ([f"Query.{q}" for q in PROMISED_QUERIES if ("Query", q) not in fields]
               + [f"Mutation.{m}" for m in PROMISED_MUTATIONS if ("Mutation", m) not in fields]
               + [t for t in PROMISED_TYPES if t not in declared])
    assert missing == []


def test_a_divergence_is_caught(served):
    """The checker itself: a wrong nullability, a missing argument, a required input field
    left out and an unknown enum value are each named."""
    assert _divergences(served, "type", "Query", "me: Member! member(id: ID!, x: Int): Member") == [
        "Query.me: written Member!, served Member", "Query.member(id): served ID",
        "Query.member(x): not served"]
    assert _divergences(served, "input", "LoginInput", "phone: String!") == [
        "LoginInput.password: served required, not written"]
    assert _divergences(served, "enum", "Tier", "GUEST ROOT") == ["Tier.ROOT: not served"]
