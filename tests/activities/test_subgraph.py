"""The activities subgraph alone: Member.activities and Union.activities resolve from the key."""

from __future__ import annotations

import httpx

from tests.activities.helpers import create, enroll
from unionhub.app import create_app
from unionhub.settings import get_settings

ENTITIES = """query E($reps: [_Any!]!) { _entities(representations: $reps) {
  ... on Member { id activities { status activity { name } } }
  ... on Union { id activities { name } }
} }"""


async def test_entities_resolve_from_the_key_in_the_activities_subgraph(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    made = await create(gql, cadre, tree.counties["A"], "EVENT", name="职工运动会")
    member = await factory.account(tree.grassroots["A"][0])
    await enroll(gql, member, made["id"])

    app = create_app(subgraph="activities", manage_connections=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as client:
        router = {"X-UnionHub-Router": get_settings().router_secret}
        sdl = (await client.post("/graphql", json={"query": "{ _service { sdl } }"},
                                 headers=router)).json()
        text = sdl["data"]["_service"]["sdl"]
        assert 'type Member @key(fields: "id")' in text and "createActivity" in text
        assert "displayName" not in text  # identity's fields are not this subgraph's
        reps = [{"__typename": "Member", "id": member.id},
                {"__typename": "Union", "id": str(tree.counties["A"].id)}]
        response = await client.post("/graphql", json={"query": ENTITIES,
                                                       "variables": {"reps": reps}},
                                     headers={"Authorization": f"Bearer {member.token}", **router})
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["_entities"] == [
        {"id": member.id, "activities": [{"status": "ENROLLED", "activity": {"name": "职工运动会"}}]},
        {"id": str(tree.counties["A"].id), "activities": [{"name": "职工运动会"}]},
    ]
