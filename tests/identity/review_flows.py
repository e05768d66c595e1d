"""Transfers and join applications with their reviews, in the short form the review-queue and
audit tests use."""

from __future__ import annotations

REQUEST = ("mutation($i: RequestTransferInput!) { requestTransfer(input: $i) {"
           " transfer { id } errors { code } } }")
REVIEW_TRANSFER = ("mutation($i: ReviewTransferInput!) { reviewTransfer(input: $i) {"
                   " errors { code } } }")
APPLY = ("mutation($i: ApplyToJoinInput!) { applyToJoin(input: $i) {"
         " application { id } errors { code } } }")
REVIEW_JOIN = ("mutation($i: ReviewJoinApplicationInput!) { reviewJoinApplication(input: $i) {"
               " errors { code } } }")


async def _transfer(gql, account, to_union, reason: str | None = None) -> str:
    r = await gql(REQUEST, {"i": {"toUnionId": str(to_union.id), "reason": reason}},
                  token=account.token)
    assert r.data["requestTransfer"]["errors"] == [], r.body
    return r.data["requestTransfer"]["transfer"]["id"]


async def _review_transfer(gql, cadre, transfer_id: str, approve: bool, reason=None) -> None:
    r = await gql(REVIEW_TRANSFER, {"i": {"transferId": transfer_id, "approve": approve,
                                          "reason": reason}}, token=cadre.token)
    assert r.data["reviewTransfer"]["errors"] == [], r.body
