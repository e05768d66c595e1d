"""Demo news and notices: written by county A's cadre, published by the province's (maker and
checker), so the feed, pinning and the scorecards' content figures have something to show."""

from __future__ import annotations

from datetime import timedelta

from unionhub.clock import utcnow
from unionhub.content.articles import ancestor_columns
from unionhub.content.models import Article, ArticleKind, ArticleStatus
from unionhub.identity.seed import DemoTree
from unionhub.identity.stats import cadre_ids

# (where, kind, title, body, pinned, days ago)
_ARTICLES = [
    ("A", ArticleKind.NOTICE, "关于开展2026年度会员实名认证工作的通知",
     "各基层工会：请组织会员在网上职工之家完成实名认证，年底前完成率达到90%以上。", True, 2),
    ("A", ArticleKind.NEWS, "雁塔区总工会举办新就业形态劳动者专场招聘会",
     "本次招聘会吸引快递、外卖、网约车等行业企业参加，提供岗位1200余个。", False, 5),
    ("A", ArticleKind.NEWS, "“网上健步走”活动火热进行中",
     "全区已有数千名职工报名参加健步走活动，欢迎更多会员加入。", False, 9),
    ("A0", ArticleKind.NOTICE, "软件园联合工会关于发放节日慰问品的通知",
     "请各分会于本周五前报送会员名单，慰问品通过工会商城统一采购配送。", False, 1),
]


async def seed_demo(tree: DemoTree) -> None:
    author = next(iter(await cadre_ids(tree.counties["A"].id)), None)
    publisher = next(iter(await cadre_ids(tree.province.id)), None)
    if author is None or publisher is None:
        return
    now = utcnow()
    unions = {"A": tree.counties["A"], "A0": tree.grassroots["A"][0]}
    await Article.bulk_create([
        Article(union_id=unions[where].id, union_path=unions[where].path, kind=kind, title=title,
                body=body, pinned=pinned, status=ArticleStatus.PUBLISHED, author_id=author,
                publisher_id=publisher, published_at=now - timedelta(days=ago),
                **ancestor_columns(unions[where].path))
        for where, kind, title, body, pinned, ago in _ARTICLES
    ])
