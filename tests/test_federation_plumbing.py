"""_entities and _service answer the federation router only: anyone else could enumerate
members (display names, unions, masked personal data) by id through them."""

from __future__ import annotations

ENTITIES = """query E($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id displayName } } }"""


async def _post(http, query, variables=None, headers=None):
    response = await http.post("/graphql", json={"query": query, "variables": variables or {}},
                               headers=headers or {})
    return response.json()


async def test_entities_are_refused_without_the_router_credential(http, factory):
    member = await factory.account()
    reps = {"r": [{"__typename": "Member", "id": member.id}]}
    for headers in ({}, {"Authorization": f"Bearer {member.token}"},
                    {"X-UnionHub-Router": "a guess"}):
        body = await _post(http, ENTITIES, reps, headers)
        assert body.get("data") is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    hidden = await _post(http, "query S { ...F } fragment F on Query { _service { sdl } }")
    assert hidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_router_resolves_entities(http, factory):
    from unionhub.settings import get_settings

    member = await factory.account()
    body = await _post(http, ENTITIES, {"r": [{"__typename": "Member", "id": member.id}]},
                       {"X-UnionHub-Router": get_settings().router_secret})
    assert body["data"]["_entities"] == [{"id": member.id, "displayName": member.member.display_name}]
