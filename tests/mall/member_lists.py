"""A member with vouchers and service requests, for the tests of the home screen's lists."""

from __future__ import annotations

from typing import Any

from tests.mall.conftest import claim, create_campaign
from tests.services.helpers import make_item, principal
from unionhub.services import requests


async def _member_with_lists(gql: Any, factory: Any, tree: Any = None,
                             requests_made: int = 3) -> Any:
    tree = tree or await factory.tree()
    county = tree.counties["A"]
    cadre = await factory.cadre(tree.province)
    member = await factory.account(tree.grassroots["A"][0])
    campaign = await create_campaign(gql, cadre, str(tree.province.id), perMemberLimit=2)
    for _ in range(2):
        assert (await claim(gql, member, campaign["id"]))["errors"] == []
    item = await make_item(await factory.cadre(county), county, name="职工法律援助")
    for n in range(requests_made):
        await requests.submit(principal(member), item.id, f"第{n}次")
    return tree, member, item
