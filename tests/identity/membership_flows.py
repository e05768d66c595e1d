"""Membership through GraphQL, for the tests that join, transfer and create unions: a worker in
the holding pool, an application by join code and its review, a transfer's request and review,
a union's creation, the member as they see themselves."""

from __future__ import annotations

APPLY = """mutation Apply($input: ApplyToJoinInput!) {
  applyToJoin(input: $input) {
    application { id status reason dueAt union { id } member { id } }
    errors { code field message }
  }
}"""
REVIEW = """mutation Review($input: ReviewJoinApplicationInput!) {
  reviewJoinApplication(input: $input) {
    application { id status reason reviewedAt }
    errors { code field message }
  }
}"""
REQUEST_TRANSFER = """mutation T($input: RequestTransferInput!) {
  requestTransfer(input: $input) {
    transfer { id status reason fromUnion { id } toUnion { id } }
    errors { code field message }
  }
}"""
REVIEW_TRANSFER = """mutation RT($input: ReviewTransferInput!) {
  reviewTransfer(input: $input) {
    transfer { id status reason reviewReason } errors { code field message } }
}"""
CREATE_UNION = """mutation CU($input: CreateUnionInput!) {
  createUnion(input: $input) {
    union { id name level regionCode parent { id } joinCode }
    warnings
    errors { code field message }
  }
}"""
BY_CARD = "query C($c: String!) { member(cardNo: $c) { id union { id } } }"
ME = "query Me { me { id tier joinedAt union { id } card { number status } } }"


def codes(payload: dict) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def applicant(factory):
    """A real-name verified worker who belongs to no union yet (waits in the holding pool)."""
    tree = await factory.tree()
    return await factory.account(tree.pool, verified=True)


async def apply(gql, account, join_code: str) -> dict:
    r = await gql(APPLY, {"input": {"joinCode": join_code}}, token=account.token)
    assert r.errors == []
    return r.data["applyToJoin"]


async def review(gql, cadre, application_id: str, approve: bool, reason: str | None = None):
    return await gql(REVIEW, {"input": {"applicationId": application_id, "approve": approve,
                                        "reason": reason}}, token=cadre.token)


async def me(gql, account) -> dict:
    r = await gql(ME, token=account.token)
    assert r.errors == []
    return r.data["me"]


LEAVE = """mutation L($input: LeaveUnionInput!) { leaveUnion(input: $input) {
  member { id union { id } } errors { code field } } }"""
