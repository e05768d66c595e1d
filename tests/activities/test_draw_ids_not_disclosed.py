"""A benefit draw outside the cadre's scope answers runDraw exactly as an activity that does
not exist (activity(id:) already answers null for one the caller may not see), and is not
drawn."""

from __future__ import annotations

from tests.activities.helpers import DRAW, create
from unionhub.activities.models import Activity
from unionhub.identity.models import AuditLog

MISSING = "987654321"


async def test_a_draw_outside_the_scope_answers_as_a_missing_one_and_is_not_run(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    draw = await create(gql, cadre, tree.counties["A"], "BENEFIT_DRAW", winnersCount=1)
    outsiders = [await factory.cadre(tree.counties["B"]),  # a neighbouring county
                 await factory.cadre(tree.grassroots["A"][0])]  # below the organiser
    for outsider in outsiders:
        existing = await gql(DRAW, {"id": draw["id"]}, token=outsider.token)
        missing = await gql(DRAW, {"id": MISSING}, token=outsider.token)
        assert existing.told() == missing.told()
        assert existing.told()[1][0][0]["code"] == "NOT_FOUND"
    row = await Activity.get(id=int(draw["id"]))
    assert (row.drawn_at, row.draw_entrants_digest) == (None, None)
    assert await AuditLog.filter(action="activity.draw").count() == 0
    member = await factory.account(tree.grassroots["A"][0])  # below CADRE: the tier says no
    assert (await gql(DRAW, {"id": draw["id"]}, token=member.token)).error_codes() == \
        ["FORBIDDEN"]
