"""Unions are ranked on their articles' reads (`articleReads`, Hebei's 阅读量), and a guest's
read counted as a device id the app sends: anyone, without signing in, could make up a
thousand device ids and lift any union's figure by a thousand a day. Guests' reads still
count in an article's `readCount`; the scorecards and rankings now sum members' reads only."""

from __future__ import annotations

from tests.content.helpers import READ, published
from unionhub.clock import today_shanghai
from unionhub.content import reads
from unionhub.content.models import Article

RANKING = """query R($u: ID!, $p: String!) { unionRanking(parentId: $u, period: $p) {
  union { id } articleReads } }"""


async def test_made_up_devices_do_not_lift_a_unions_reads(gql, factory):
    tree = await factory.tree()
    county = tree.counties["A"]
    province = await factory.cadre(tree.province)
    article = await published(gql, await factory.cadre(county), province, county, kind="NEWS")
    for i in range(30):  # one script, thirty "devices"
        result = await gql(READ, {"id": article, "d": f"made-up-device-{i:04d}"})
        assert result.data["markArticleRead"]["counted"] is True
    members = [await factory.account(tree.grassroots["A"][0]) for _ in range(2)]
    for member in members:
        assert (await gql(READ, {"id": article}, token=member.token)).data[
            "markArticleRead"]["counted"] is True
    assert await reads.flush_reads() == 32
    assert (await Article.get(id=int(article))).read_count == 32  # how much it is read

    period = today_shanghai().strftime("%Y-%m")
    result = await gql(RANKING, {"u": str(tree.cities["xian"].id), "p": period},
                       token=province.token)
    assert result.errors == [], result.body
    figures = {c["union"]["id"]: c["articleReads"] for c in result.data["unionRanking"]}
    assert figures[str(county.id)] == 2  # what unions are ranked on: members' reads
