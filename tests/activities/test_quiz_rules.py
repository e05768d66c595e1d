"""Quiz rules of the domain: attempts per day with the best score counting, and a benefit
draw entered once by a score at or above the quiz's threshold, reproducible by the draw's
commit-reveal."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.activities.helpers import BOARD, CREATE, DRAW, create, enroll, window
from tests.activities.quiz_flows import QUESTIONS, RIGHT, SEVENTY, SUBMIT, WRONG, _answers, _start
from unionhub.activities import draws
from unionhub.activities.models import Activity, Enrollment, QuizAttempt
from unionhub.clock import utcnow

MINE = """query Mine($id: ID!) { activity(id: $id) { attemptsPerDay drawThreshold
  myQuizResult { score rank } } }"""


async def _attempt(gql, member, quiz_id, picks):
    started = await _start(gql, member, quiz_id)
    if started["errors"]:
        return started["errors"][0]["code"]
    result = await gql(SUBMIT, {"id": quiz_id, "answers": _answers(started["attempt"], picks)},
                       token=member.token)
    payload = result.data["submitQuizAnswers"]
    assert payload["errors"] == [], payload
    return payload["result"]["score"]


async def test_attempts_per_day_and_the_best_score_counts(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    quiz = await create(gql, cadre, tree.counties["A"], "QUIZ", questions=QUESTIONS,
                        attemptsPerDay=2)
    first = await factory.account(tree.grassroots["A"][0])
    second = await factory.account(tree.grassroots["A"][0])
    for m in (first, second):
        await enroll(gql, m, quiz["id"])
    assert await _attempt(gql, first, quiz["id"], SEVENTY) == 70
    assert await _attempt(gql, first, quiz["id"], RIGHT) == 100
    assert await _attempt(gql, first, quiz["id"], RIGHT) == "QUIZ_DAILY_LIMIT"
    assert await _attempt(gql, second, quiz["id"], RIGHT) == 100
    assert await _attempt(gql, second, quiz["id"], WRONG) == 0  # worse: the 100 still counts
    board = (await gql(BOARD, {"id": quiz["id"], "by": "MEMBER"}, token=first.token)).data["leaderboard"]
    # One line a member (not one an attempt), each with their best.
    assert sorted((e["member"]["id"], e["score"]) for e in board) == sorted(
        [(first.id, 100.0), (second.id, 100.0)])
    mine = (await gql(MINE, {"id": quiz["id"]}, token=second.token)).data["activity"]
    assert mine["attemptsPerDay"] == 2 and mine["myQuizResult"]["score"] == 100
    # The next Shanghai day brings new attempts.
    await QuizAttempt.filter(member_id=first.member.id).update(
        day=(await QuizAttempt.filter(member_id=first.member.id).first()).day - timedelta(days=1))
    assert await _attempt(gql, first, quiz["id"], WRONG) == 0
    bests = await QuizAttempt.filter(best=True).values_list("member_id", "score")
    assert sorted(bests) == sorted([(first.member.id, 100), (second.member.id, 100)])


async def test_concurrent_starts_make_one_attempt(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    quiz = await create(gql, cadre, tree.counties["A"], "QUIZ", questions=QUESTIONS)
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, quiz["id"])
    results = await asyncio.gather(*(_start(gql, member, quiz["id"]) for _ in range(8)))
    assert all(r["errors"] == [] for r in results)
    assert len({r["attempt"]["startedAt"] for r in results}) == 1
    assert await QuizAttempt.filter(member_id=member.member.id).count() == 1


async def test_a_high_score_enters_the_draw_once_and_the_draw_reproduces(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    draw = await create(gql, cadre, tree.counties["A"], "BENEFIT_DRAW", winnersCount=1)
    quiz = await create(gql, cadre, tree.counties["A"], "QUIZ", questions=QUESTIONS,
                        attemptsPerDay=3, drawActivityId=draw["id"], drawThreshold=90)
    high = await factory.account(tree.grassroots["A"][0])
    low = await factory.account(tree.grassroots["A"][0])
    for m in (high, low):
        await enroll(gql, m, quiz["id"])
    assert await _attempt(gql, high, quiz["id"], RIGHT) == 100
    assert await _attempt(gql, high, quiz["id"], RIGHT) == 100  # entered once, not twice
    assert await _attempt(gql, low, quiz["id"], SEVENTY) == 70
    entrants = await Enrollment.filter(activity_id=int(draw["id"])).values_list("member_id",
                                                                               flat=True)
    assert list(entrants) == [high.member.id]
    assert (await Activity.get(id=int(draw["id"]))).enrolled_count == 1
    ran = await gql(DRAW, {"id": draw["id"]}, token=cadre.token)
    assert ran.data["runDraw"]["errors"] == []
    check = await draws.verify(await Activity.get(id=int(draw["id"])))
    assert check.ok
    # After the draw, a high score no longer enters it; the score itself still stands.
    late = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, late, quiz["id"])
    assert await _attempt(gql, late, quiz["id"], RIGHT) == 100
    assert await Enrollment.filter(activity_id=int(draw["id"])).count() == 1


async def test_bad_quiz_options_are_refused(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    outsider = await factory.cadre(tree.counties["B"])
    walk = await create(gql, cadre, tree.counties["A"], "WALKING")
    draw_b = await create(gql, outsider, tree.counties["B"], "BENEFIT_DRAW", winnersCount=1)
    base = {"name": "知识竞赛", "kind": "QUIZ", "organizerId": str(tree.counties["A"].id),
            "questions": QUESTIONS, **window()}
    cases = [({"attemptsPerDay": 0}, "QUIZ_ATTEMPTS_INVALID"),
             ({"attemptsPerDay": 11}, "QUIZ_ATTEMPTS_INVALID"),
             ({"drawActivityId": walk["id"]}, "QUIZ_DRAW_INVALID"),
             ({"drawActivityId": draw_b["id"]}, "QUIZ_DRAW_INVALID"),  # outside the scope
             ({"drawActivityId": "x"}, "QUIZ_DRAW_INVALID"),
             ({"drawThreshold": 50}, "DRAW_THRESHOLD_INVALID"),  # no draw named
             ({"kind": "WALKING", "questions": None, "attemptsPerDay": 2}, "QUIZ_OPTIONS")]
    before = await Activity.all().count()
    for change, code in cases:
        result = await gql(CREATE, {"input": {**base, **change}}, token=cadre.token)
        assert [e["code"] for e in result.data["createActivity"]["errors"]] == [code], change
    own = await create(gql, cadre, tree.counties["A"], "BENEFIT_DRAW", winnersCount=1)
    over = await gql(CREATE, {"input": {**base, "drawActivityId": own["id"],
                                        "drawThreshold": 101}}, token=cadre.token)
    assert [e["code"] for e in over.data["createActivity"]["errors"]] == ["DRAW_THRESHOLD_INVALID"]
    assert await Activity.all().count() == before + 1


FREEZE = """mutation F($input: FreezeCardInput!) { freezeCard(input: $input) {
  card { status } errors { code } } }"""


async def test_a_high_score_enters_the_draw_only_where_the_draw_itself_admits(gql, factory):
    """The quiz's entry is an enrolment of the draw like any other: a member outside the
    draw's scope, or below its tier, keeps the score and gets no entry (a county's quiz open to
    every account must not carry its whole subtree into one grassroots union's VERIFIED draw)."""
    tree = await factory.tree()
    home, sibling = tree.grassroots["A"][0], tree.grassroots["A"][1]
    cadre = await factory.cadre(tree.counties["A"])
    draw = await create(gql, cadre, home, "BENEFIT_DRAW", winnersCount=1)  # VERIFIED only
    quiz = await create(gql, cadre, tree.counties["A"], "QUIZ", questions=QUESTIONS,
                        minTier="MEMBER", drawActivityId=draw["id"], drawThreshold=90)
    insider = await factory.account(home)
    outsider = await factory.account(sibling)  # in the quiz's scope, not the draw's
    frozen = await factory.account(home)  # in the draw's scope, below its tier
    froze = await gql(FREEZE, {"input": {"memberId": frozen.id, "reason": "挂失核查"}},
                      token=cadre.token)
    assert froze.data["freezeCard"]["errors"] == []
    for m in (insider, outsider, frozen):
        await enroll(gql, m, quiz["id"])
        assert await _attempt(gql, m, quiz["id"], RIGHT) == 100  # every score stands
    entrants = await Enrollment.filter(activity_id=int(draw["id"])).values_list("member_id",
                                                                               flat=True)
    assert list(entrants) == [insider.member.id]


async def test_a_high_score_enters_only_a_draw_the_member_could_enrol_in(gql, factory):
    """The draw's entry is an enrolment like any other: a quiz open to more members than its
    draw (a city-wide quiz naming a county's draw, a MEMBER-tier quiz naming a VERIFIED-tier
    draw) enters only those in the draw's scope and tier."""
    tree = await factory.tree()
    city_cadre = await factory.cadre(tree.cities["xian"])
    draw = await create(gql, city_cadre, tree.counties["A"], "BENEFIT_DRAW", winnersCount=1)
    quiz = await create(gql, city_cadre, tree.cities["xian"], "QUIZ", questions=QUESTIONS,
                        minTier="MEMBER", drawActivityId=draw["id"], drawThreshold=90)
    inside = await factory.account(tree.grassroots["A"][0])
    other_county = await factory.account(tree.grassroots["B"][0])
    unverified = await factory.account(tree.grassroots["A"][0], verified=False)
    for m in (inside, other_county, unverified):
        assert (await enroll(gql, m, quiz["id"]))["errors"] == []
    # Neither may enrol in the draw directly: it is not even visible to the other county.
    assert (await enroll(gql, other_county, draw["id"]))["errors"][0]["code"] == "NOT_FOUND"
    assert (await enroll(gql, unverified, draw["id"]))["errors"][0]["code"] == "TIER_REQUIRED"
    for m in (inside, other_county, unverified):
        assert await _attempt(gql, m, quiz["id"], RIGHT) == 100  # the scores stand
    entrants = await Enrollment.filter(activity_id=int(draw["id"])).values_list("member_id",
                                                                               flat=True)
    assert list(entrants) == [inside.member.id]
    assert (await Activity.get(id=int(draw["id"]))).enrolled_count == 1


async def test_a_high_score_enters_the_draw_only_while_its_enrolment_is_open(gql, factory):
    """The draw's window holds as on `enroll`: once the draw has ended (though not yet drawn),
    a high score keeps its points and makes no entry, as `enroll` answers ENROLMENT_CLOSED."""
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    draw = await create(gql, cadre, tree.counties["A"], "BENEFIT_DRAW", winnersCount=1)
    quiz = await create(gql, cadre, tree.counties["A"], "QUIZ", questions=QUESTIONS,
                        drawActivityId=draw["id"], drawThreshold=90)
    early, late = [await factory.account(tree.grassroots["A"][0]) for _ in range(2)]
    for m in (early, late):
        await enroll(gql, m, quiz["id"])
    assert await _attempt(gql, early, quiz["id"], RIGHT) == 100  # the draw is open: an entry
    ended = utcnow() - timedelta(minutes=1)
    await Activity.filter(id=int(draw["id"])).update(ends_at=ended)  # ended, not drawn
    assert (await enroll(gql, await factory.account(tree.grassroots["A"][0]), draw["id"]))[
        "errors"] == [{"code": "ENROLMENT_CLOSED", "field": "activityId"}]
    assert await _attempt(gql, late, quiz["id"], RIGHT) == 100  # the score stands
    entrants = await Enrollment.filter(activity_id=int(draw["id"])).values_list("member_id",
                                                                               flat=True)
    assert list(entrants) == [early.member.id]
    assert (await Activity.get(id=int(draw["id"]))).enrolled_count == 1
