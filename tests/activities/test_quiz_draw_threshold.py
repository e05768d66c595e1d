"""A quiz naming a draw has a threshold its points can reach."""

from __future__ import annotations

from tests.activities.helpers import CREATE, create, window
from unionhub.activities.models import Activity


async def test_a_draw_the_default_threshold_puts_out_of_reach_is_refused(gql, factory):
    # A quiz of 50 points naming a draw without a threshold took the default 90: no score
    # could ever enter the draw, and nothing said so.
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    draw = await create(gql, cadre, tree.counties["A"], "BENEFIT_DRAW", winnersCount=1)
    small = [{"text": "问题一", "options": ["是", "否"], "answer": [0], "points": 25},
             {"text": "问题二", "options": ["是", "否"], "answer": [1], "points": 25}]
    base = {"name": "小测验", "kind": "QUIZ", "organizerId": str(tree.counties["A"].id),
            "questions": small, "drawActivityId": draw["id"], **window()}
    before = await Activity.all().count()
    r = await gql(CREATE, {"input": base}, token=cadre.token)
    assert [(e["code"], e["field"]) for e in r.data["createActivity"]["errors"]] == [
        ("DRAW_THRESHOLD_INVALID", "drawThreshold")]
    assert await Activity.all().count() == before
    ok = await gql(CREATE, {"input": {**base, "drawThreshold": 50}}, token=cadre.token)
    assert ok.data["createActivity"]["errors"] == []
