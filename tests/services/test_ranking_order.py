"""unionRanking orders by the on-time rate as it is served (4 decimals), as the cockpit's
ranking does: two unions showing the same rate are ordered by volume completed, not by digits
nobody sees."""

from __future__ import annotations

from unionhub.services.scorecards import Scorecard, ranking_key


def _card(union_id: int, completed: int, on_time: int) -> Scorecard:
    return Scorecard(union_id=union_id, period="2026-11", verified_members=0,
                     requests_received=completed, requests_completed=completed,
                     completed_on_time=on_time, mean_rating=None)


def test_unions_showing_the_same_rate_are_ranked_by_volume_not_hidden_digits():
    fewer = _card(1, 10_000, 6_667)  # 0.6667 exactly
    more = _card(2, 60_000, 40_001)  # 0.666683…, shown as 0.6667 too
    assert fewer.on_time_rate > more.on_time_rate  # (hidden digits)
    assert round(fewer.on_time_rate, 4) == round(more.on_time_rate, 4)
    assert [c.union_id for c in sorted([fewer, more], key=ranking_key)] == [2, 1]


def test_a_higher_shown_rate_still_ranks_first_and_nothing_completed_last():
    best = _card(1, 3, 3)
    second = _card(2, 100_000, 99_990)  # 0.9999
    idle = _card(3, 0, 0)
    assert [c.union_id for c in sorted([idle, second, best], key=ranking_key)] == [1, 2, 3]
