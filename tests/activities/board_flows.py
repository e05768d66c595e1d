"""A walking activity with steps submitted through GraphQL and its leaderboard read back, for
the leaderboard tests (eviction, rebuild races)."""

from __future__ import annotations

from tests.activities.helpers import BOARD, STEPS, create, day, enroll


async def _walk_with_steps(gql, factory, walkers: int = 5):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    walk = await create(gql, cadre, tree.province)
    unions = [tree.grassroots["A"][0], tree.grassroots["B"][0]]
    accounts = []
    for i in range(walkers):
        account = await factory.account(unions[i % 2])
        await enroll(gql, account, walk["id"])
        await _submit(gql, account, walk["id"], 0, 2000 + 1000 * i)
        accounts.append(account)
    return walk, accounts


async def _submit(gql, account, activity_id, offset, steps) -> None:
    result = await gql(STEPS, {"id": activity_id, "date": day(offset), "steps": steps},
                       token=account.token)
    assert result.errors == [] and result.data["submitSteps"]["errors"] == [], result


async def _board(gql, walk, account, by: str) -> list[tuple[int, float]]:
    result = await gql(BOARD, {"id": walk["id"], "by": by, "first": 50}, token=account.token)
    assert result.errors == [], result.errors
    return [(e["rank"], e["score"]) for e in result.data["leaderboard"]]
