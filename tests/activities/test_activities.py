"""Creating activities, and who sees them: members in scope, cadres over their scope."""

from __future__ import annotations

from tests.activities.helpers import CREATE, create, enroll, window

LIST = """query List($unionId: ID, $kind: ActivityKind, $status: ActivityStatus, $first: Int, $after: String) {
  activities(unionId: $unionId, kind: $kind, status: $status, first: $first, after: $after) {
    edges { cursor node { id name kind } } pageInfo { hasNextPage endCursor }
  }
}"""
ONE = "query One($id: ID!) { activity(id: $id) { id name organizer { name } } }"


async def test_cadre_creates_for_their_scope_only(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    made = await create(gql, cadre, tree.counties["A"], capacity=50)
    assert made["kind"] == "WALKING" and made["capacity"] == 50 and made["enrolledCount"] == 0
    assert made["organizer"]["name"] == tree.counties["A"].name and made["status"] == "OPEN"

    outside = await gql(CREATE, {"input": {"name": "越界活动", "kind": "EVENT",
                                           "organizerId": str(tree.counties["B"].id), **window()}},
                        token=cadre.token)
    assert outside.error_codes() == ["FORBIDDEN"]
    member = await factory.account(tree.grassroots["A"][0])
    denied = await gql(CREATE, {"input": {"name": "会员活动", "kind": "EVENT", **window()}},
                       token=member.token)
    assert denied.error_codes() == ["FORBIDDEN"]


async def test_bad_input_comes_back_as_user_errors_and_writes_nothing(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    org = str(tree.counties["A"].id)
    cases = [
        ({"name": "倒置窗口", "kind": "EVENT", "startsAt": window()["endsAt"],
          "endsAt": window()["startsAt"]}, "WINDOW_ORDER"),
        ({"name": "过去活动", "kind": "EVENT", **window(10, -1)}, "WINDOW_PAST"),
        ({"name": "零容量", "kind": "EVENT", "capacity": 0, **window()}, "CAPACITY_INVALID"),
        ({"name": "抽奖", "kind": "BENEFIT_DRAW", **window()}, "WINNERS_COUNT_INVALID"),
        ({"name": "空测验", "kind": "QUIZ", **window()}, "QUIZ_QUESTIONS"),
        ({"name": "坏答案", "kind": "QUIZ", **window(), "questions": [
            {"text": "1+1?", "options": ["1", "2"], "answer": [2]}]}, "QUESTION_ANSWER_KEY"),
        ({"name": "步数上限", "kind": "WALKING", "dailyStepCap": 100000, **window()},
         "STEP_CAP_INVALID"),
    ]
    for body, code in cases:
        result = await gql(CREATE, {"input": {"organizerId": org, **body}}, token=cadre.token)
        assert result.data["createActivity"]["errors"][0]["code"] == code, body
        if code == "QUESTION_ANSWER_KEY":  # the input path, with the list index
            assert result.data["createActivity"]["errors"][0]["field"] == "questions[0].answer"
        assert result.data["createActivity"]["activity"] is None
    listed = await gql(LIST, {}, token=cadre.token)
    assert listed.data["activities"]["edges"] == []


async def test_visible_only_to_members_in_scope(gql, factory):
    tree = await factory.tree()
    county_a = await factory.cadre(tree.counties["A"])
    province = await factory.cadre(tree.province)
    a_event = await create(gql, county_a, tree.counties["A"], "EVENT", name="雁塔区活动")
    p_quiz = await create(gql, province, tree.province, "QUIZ", name="全省竞赛", questions=[
        {"text": "工会法哪年颁布?", "options": ["1950", "1992"], "answer": [1]}])
    in_a = await factory.account(tree.grassroots["A"][0])
    in_b = await factory.account(tree.grassroots["B"][0])

    def names(result):
        return {e["node"]["name"] for e in result.data["activities"]["edges"]}

    assert names(await gql(LIST, {}, token=in_a.token)) == {"雁塔区活动", "全省竞赛"}
    assert names(await gql(LIST, {}, token=in_b.token)) == {"全省竞赛"}
    assert names(await gql(LIST, {})) == set()  # guests: every activity is for its members
    assert names(await gql(LIST, {"kind": "QUIZ"}, token=in_a.token)) == {"全省竞赛"}
    assert names(await gql(LIST, {"unionId": str(tree.counties["A"].id)},
                           token=in_a.token)) == {"雁塔区活动"}
    # The county B cadre neither sees nor can open county A's activity.
    b_cadre = await factory.cadre(tree.counties["B"])
    assert (await gql(ONE, {"id": a_event["id"]}, token=in_b.token)).data["activity"] is None
    assert (await gql(ONE, {"id": a_event["id"]}, token=in_a.token)).data["activity"]["id"]
    refused = await enroll(gql, in_b, a_event["id"])
    assert refused["errors"][0]["code"] == "NOT_FOUND"
    assert (await enroll(gql, in_a, p_quiz["id"]))["errors"] == []
    # A cadre sees what they organise even when their own union lies elsewhere (the factory's
    # cadres belong to a union under county A).
    await create(gql, b_cadre, tree.counties["B"], "EVENT", name="碑林区活动")
    assert "碑林区活动" in names(await gql(LIST, {}, token=b_cadre.token))
    assert "碑林区活动" not in names(await gql(LIST, {}, token=in_a.token))


async def test_relay_pagination_newest_first(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    for i in range(5):
        await create(gql, cadre, tree.counties["A"], "EVENT", name=f"活动{i}")
    member = await factory.account(tree.grassroots["A"][0])
    seen, after = [], None
    while True:
        page = (await gql(LIST, {"first": 2, "after": after}, token=member.token)).data["activities"]
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"活动{i}" for i in reversed(range(5))]
    bad = await gql(LIST, {"first": 1000}, token=member.token)
    assert bad.errors and bad.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_minimum_tier_and_closed_activities(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    verified_only = await create(gql, cadre, tree.province, "READING")
    open_to_all = await create(gql, cadre, tree.province, "READING", minTier="MEMBER")
    unverified = await factory.account(verified=False)  # in the holding pool
    assert (await enroll(gql, unverified, verified_only["id"]))["errors"][0]["code"] == \
        "TIER_REQUIRED"
    assert (await enroll(gql, unverified, open_to_all["id"]))["errors"] == []
    again = await enroll(gql, unverified, open_to_all["id"])
    assert again["errors"][0]["code"] == "ALREADY_ENROLLED"
    guest = await gql("mutation { enroll(input: {activityId: \"1\"}) { errors { code } } }")
    assert guest.error_codes() == ["UNAUTHENTICATED"]


async def test_status_filter(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    await create(gql, cadre, tree.counties["A"], "EVENT", name="进行中")
    await create(gql, cadre, tree.counties["A"], "EVENT", name="即将开始", **window(-5, 6))
    member = await factory.account(tree.grassroots["A"][0])
    for status, expected in (("OPEN", ["进行中"]), ("UPCOMING", ["即将开始"]), ("ENDED", [])):
        result = await gql(LIST, {"status": status}, token=member.token)
        assert [e["node"]["name"] for e in result.data["activities"]["edges"]] == expected
