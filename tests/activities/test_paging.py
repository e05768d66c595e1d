"""Activities' paged lists through GraphQL (issue 24, point 4): the leaderboards (live in
Redis, quiz rankings in SQL), a member's enrolments and a union's activities."""

from __future__ import annotations

from tests.activities.helpers import BOARD, STEPS, board_query, create, day, enroll
from tests.activities.quiz_flows import SUBMIT, _answers, _quiz, _start
from tests.paging import assert_pages, connection_query, walk


async def _old_board(gql, activity_id: str, by: str, token: str) -> list[dict]:
    r = await gql(BOARD, {"id": activity_id, "by": by, "first": 100}, token=token)
    assert r.errors == [], r.body
    return r.data["leaderboard"]


async def test_a_walking_leaderboard_pages_with_competition_ranks(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    walk_ = await create(gql, cadre, tree.counties["A"])
    walkers = [await factory.account(tree.grassroots["A"][i % 2]) for i in range(7)]
    for i, account in enumerate(walkers):
        await enroll(gql, account, walk_["id"])
        steps = 4000 + 1000 * (i // 2)  # pairs tie: ranks 1, 1, 3, 3, 5, 5, 7
        r = await gql(STEPS, {"id": walk_["id"], "date": day(1), "steps": steps},
                      token=account.token)
        assert r.data["submitSteps"]["errors"] == [], r.body
    for by in ("MEMBER", "UNION"):
        expected = await _old_board(gql, walk_["id"], by, walkers[0].token)
        if by == "MEMBER":
            assert sorted(e["rank"] for e in expected) == [1, 2, 2, 4, 4, 6, 6]
            await assert_pages(gql, board_query(), "leaderboardConnection",
                               {"id": walk_["id"], "by": by}, walkers[0].token,
                               _tie_order(expected), backward=False)
        else:
            assert len(expected) == 2
            got = await walk(gql, board_query(), "leaderboardConnection",
                             {"id": walk_["id"], "by": by}, walkers[0].token, size=1)
            assert got == expected


def _tie_order(entries: list[dict]) -> list[dict]:
    """Redis lists equal scores by member key, descending as text; ranks are what matter."""
    return sorted(entries, key=lambda e: (e["rank"], -e["score"], _rev(e["member"]["id"])))


def _rev(text: str) -> list[int]:
    return [-ord(c) for c in text] + [0]


async def test_a_quiz_leaderboard_pages_in_sql_with_shared_ranks(gql, factory):
    tree, quiz = await _quiz(gql, factory)
    accounts = [await factory.account(tree.grassroots["A"][0]) for _ in range(6)]
    picks = [[[0], [1], [0, 1]], [[1], [1], [0]], [[0], [0], [0, 1]], [[0], [1], [0, 1]],
             [[1], [1], [0]], [[0], [0], [0]]]
    for account, chosen in zip(accounts, picks, strict=True):
        await enroll(gql, account, quiz["id"])
        attempt = (await _start(gql, account, quiz["id"]))["attempt"]
        r = await gql(SUBMIT, {"id": quiz["id"], "answers": _answers(attempt, chosen)},
                      token=account.token)
        assert r.data["submitQuizAnswers"]["errors"] == [], r.body
    expected = await _old_board(gql, quiz["id"], "MEMBER", accounts[0].token)
    assert len(expected) == 6
    await assert_pages(gql, board_query(), "leaderboardConnection",
                       {"id": quiz["id"], "by": "MEMBER"}, accounts[0].token, expected,
                       backward=False)
    unions = await walk(gql, board_query(), "leaderboardConnection",
                        {"id": quiz["id"], "by": "UNION"}, accounts[0].token, size=1)
    assert unions == await _old_board(gql, quiz["id"], "UNION", accounts[0].token)


async def test_enrolments_and_a_unions_activities_page_newest_first(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    member = await factory.account(tree.grassroots["A"][0])
    made = [await create(gql, cadre, tree.counties["A"], name=f"活动{i}") for i in range(5)]
    enrolled = [(await enroll(gql, member, a["id"]))["enrollment"]["id"] for a in made]
    query = connection_query("activitiesConnection", variables="$m: ID!",
                             outer="member(id: $m)")
    await assert_pages(gql, query, "member.activitiesConnection", {"m": member.id},
                       member.token, enrolled[::-1])
    await assert_pages(gql, query, "member.activitiesConnection", {"m": member.id},
                       cadre.token, enrolled[::-1])
    query = connection_query("activitiesConnection", variables="$u: ID!",
                             outer="union(id: $u)")
    await assert_pages(gql, query, "union.activitiesConnection",
                       {"u": str(tree.counties["A"].id)}, member.token,
                       [a["id"] for a in reversed(made)])
    # The root list, which paged before this round, pages both ways too.
    await assert_pages(gql, connection_query("activities", "unionId: $u", "$u: ID"),
                       "activities", {"u": str(tree.counties["A"].id)}, member.token,
                       [a["id"] for a in reversed(made)])
    guest = await gql(connection_query("activities"), {"last": 0})
    assert guest.errors[0]["extensions"]["reason"] == "BAD_PAGE_SIZE"  # a guest's empty list
    # A guest sees no activity: an empty page, still under the page-size rule.
    r = await gql(query, {"u": str(tree.counties["A"].id), "first": 5})
    assert r.data["union"]["activitiesConnection"]["edges"] == []
    r = await gql(query, {"u": str(tree.counties["A"].id), "first": 0})
    assert r.errors[0]["extensions"]["reason"] == "BAD_PAGE_SIZE"
