"""Which leaderboard an activity has, by kind: daily-count activities (steps, reading) rank
from Redis (`leaderboards`), quizzes from their best attempts (`quizzes`: equal score and
time share a rank; unions by their members' mean best score). Other kinds have none."""

from __future__ import annotations

from unionhub.activities import board_reads, quizzes
from unionhub.activities.leaderboards import Board, Entry
from unionhub.activities.models import DAILY_COUNT_KINDS, Activity, ActivityKind


async def top(activity: Activity, by: Board, first: int) -> list[Entry]:
    """The board's first `first` places (rank, score, member or union id)."""
    if activity.kind in DAILY_COUNT_KINDS:
        return await board_reads.top(activity, by, first)
    if activity.kind == ActivityKind.QUIZ and by == Board.MEMBER:
        return [Entry(rank=rank, score=score, key=key)
                for rank, score, key in quizzes.ranked(await quizzes.ranking(activity, first))]
    if activity.kind == ActivityKind.QUIZ:
        return await quiz_unions(activity, first)
    return []


async def quiz_unions(activity: Activity, first: int | None) -> list[Entry]:
    """The quiz's union board in `quizzes.union_ranking`'s order (equal means: more
    participants first, then by id), so the cut-off at `first` is the ranking's; equal means
    share a competition rank."""
    entries: list[Entry] = []
    for i, (key, score) in enumerate(await quizzes.union_ranking(activity, first)):
        tied = entries and entries[-1].score == score
        entries.append(Entry(rank=entries[-1].rank if tied else i + 1, score=score, key=key))
    return entries


def ranks_unions_for_members(activity: Activity) -> bool:
    """Whether a member has a place on the UNION board (their union's): daily counts only."""
    return activity.kind in DAILY_COUNT_KINDS


async def place_of(activity: Activity, by: Board, member_id: int,
                   union_id: int) -> Entry | None:
    """The member's place (by MEMBER), or their union's (by UNION: `union_id`, the union they
    enrolled with, else their own). Quizzes rank members only."""
    if ranks_unions_for_members(activity):
        return await board_reads.rank_of(activity, by, member_id if by == Board.MEMBER else union_id)
    if activity.kind == ActivityKind.QUIZ and by == Board.MEMBER:
        attempt = await quizzes.best_attempt(activity.id, member_id)
        if attempt is None:
            return None
        return Entry(rank=await quizzes.rank_of(activity, attempt), score=float(attempt.score or 0),
                     key=member_id)
    return None
