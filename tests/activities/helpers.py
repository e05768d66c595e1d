"""Shared GraphQL operations and builders for the activities tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.paging import connection_query
from unionhub.clock import today_shanghai, utcnow

CREATE = """mutation Create($input: CreateActivityInput!) {
  createActivity(input: $input) {
    activity { id name kind capacity enrolledCount minTier status organizer { id name }
               draw { commitment seed winnersCount } }
    errors { code field message }
  }
}"""
ENROLL = """mutation Enroll($id: ID!) {
  enroll(input: {activityId: $id}) { enrollment { id status } errors { code field } }
}"""
STEPS = """mutation Steps($id: ID!, $date: Date!, $steps: Int!) {
  submitSteps(input: {activityId: $id, date: $date, steps: $steps}) {
    record { date steps countedSteps } errors { code field }
  }
}"""
BOARD = """query Board($id: ID!, $by: LeaderboardScope!, $first: Int) {
  leaderboard(activityId: $id, by: $by, first: $first) {
    rank score member { id } union { id }
  }
}"""


def window(days_before: int = 10, days_after: int = 20) -> dict[str, str]:
    now = utcnow()
    return {"startsAt": (now - timedelta(days=days_before)).isoformat(),
            "endsAt": (now + timedelta(days=days_after)).isoformat()}


async def create(gql: Any, cadre: Any, organizer: Any, kind: str = "WALKING",
                 **extra: Any) -> dict[str, Any]:
    body = {"name": extra.pop("name", f"测试活动 {kind}"), "kind": kind,
            "organizerId": str(organizer.id), **window(), **extra}
    result = await gql(CREATE, {"input": body}, token=cadre.token)
    assert result.errors == [], result.errors
    payload = result.data["createActivity"]
    assert payload["errors"] == [], payload["errors"]
    return payload["activity"]


async def enroll(gql: Any, account: Any, activity_id: str) -> dict[str, Any]:
    result = await gql(ENROLL, {"id": activity_id}, token=account.token)
    assert result.errors == [], result.errors
    return result.data["enroll"]


def day(offset: int) -> str:
    """The Shanghai date `offset` days before today."""
    return (today_shanghai() - timedelta(days=offset)).isoformat()


DRAW = """mutation Draw($id: ID!) {
  runDraw(input: {activityId: $id}) {
    activity { enrolledCount draw { commitment seed entrantsDigest drawnAt winnersCount
                                   winners { id } verified } }
    errors { code }
  }
}"""
READ = """mutation R($id: ID!, $d: Date!, $m: Int!, $t: String!) {
  recordReading(input: {activityId: $id, date: $d, minutes: $m, title: $t}) {
    record { date minutes title } errors { code field } } }"""


def _sql(spans) -> int:
    return sum(1 for s in spans.get_finished_spans()
               if any(k.startswith("db.system") and v in ("sqlite", "postgresql")
                      for k, v in (s.attributes or {}).items()))


BOARD_NODE = "rank score member { id } union { id }"


def board_query() -> str:
    """A leaderboard's connection query, paged forward ($id, $by, $first, $after)."""
    return connection_query("leaderboardConnection", "activityId: $id, by: $by",
                            "$id: ID!, $by: LeaderboardScope!", node=BOARD_NODE, backward=False)
