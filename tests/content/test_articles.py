"""News and notices through GraphQL: maker and checker, visibility, the feed, bad input."""

from __future__ import annotations

from tests.content.helpers import CREATE, FEED, ONE, PIN, PUBLISH, READ, WITHDRAW, published, write
from unionhub.content.models import Article, ArticleStatus
from unionhub.identity.models import AuditLog


async def test_maker_and_checker(gql, factory):
    tree = await factory.tree()
    county_a = tree.counties["A"]
    author = await factory.cadre(county_a)
    colleague = await factory.cadre(county_a)
    city = await factory.cadre(tree.cities["xian"])
    below = await factory.cadre(tree.grassroots["A"][0])
    outsider = await factory.cadre(tree.counties["B"])
    article_id = await write(gql, author, county_a)

    async def publish(cadre):
        result = await gql(PUBLISH, {"id": article_id}, token=cadre.token)
        return result.data["publishArticle"]

    assert (await publish(author))["errors"] == [{"code": "SELF_PUBLISH_FORBIDDEN",
                                                  "field": "articleId"}]
    # Outside the scope, or below the article's union: answered as if it did not exist.
    for cadre in (outsider, below):
        assert (await publish(cadre))["errors"] == [{"code": "ARTICLE_NOT_FOUND",
                                                     "field": "articleId"}]
    assert (await Article.get(id=article_id)).status == ArticleStatus.DRAFT
    done = await publish(city)  # a cadre of an ancestor union checks it
    assert done["errors"] == [] and done["article"]["status"] == "PUBLISHED"
    assert (await publish(colleague))["errors"] == [{"code": "ARTICLE_WRONG_STATUS",
                                                     "field": "articleId"}]
    row = await Article.get(id=article_id)
    assert (row.publisher_id, row.author_id) == (city.member.id, author.member.id)
    audit = await AuditLog.filter(action="content.article_published").values_list(
        "actor_id", "subject_id")
    assert audit == [(city.member.id, article_id)]


async def test_notices_stay_in_their_subtree_news_is_public(gql, factory):
    tree = await factory.tree()
    author, checker = await factory.cadre(tree.counties["A"]), await factory.cadre(tree.province)
    notice = await published(gql, author, checker, tree.counties["A"], kind="NOTICE")
    news = await published(gql, author, checker, tree.counties["A"], kind="NEWS", title="新闻")
    inside = await factory.account(tree.grassroots["A"][0])
    outside = await factory.account(tree.grassroots["B"][0])
    target = str(tree.grassroots["A"][0].id)

    async def seen(token, union=target):
        result = await gql(FEED, {"u": union}, token=token)
        assert result.errors == [], result.body
        return {e["node"]["id"] for e in result.data["articles"]["edges"]}

    assert await seen(inside.token) == {notice, news}
    assert await seen(inside.token, None) == {notice, news}  # the caller's own union
    assert await seen(outside.token) == {news}  # browsing another union's chain
    assert await seen(outside.token, None) == set()  # county B's chain has nothing
    assert await seen(None) == {news}
    assert (await gql(ONE, {"id": notice})).data["article"] is None
    assert (await gql(ONE, {"id": notice}, token=outside.token)).data["article"] is None
    assert (await gql(ONE, {"id": notice}, token=inside.token)).data["article"]["id"] == notice
    refused = await gql(READ, {"id": notice}, token=outside.token)
    assert refused.data["markArticleRead"]["errors"] == [{"code": "ARTICLE_NOT_FOUND",
                                                          "field": "articleId"}]
    missing = await gql(READ, {"id": "999999"}, token=outside.token)
    assert missing.data["markArticleRead"]["errors"] == refused.data["markArticleRead"]["errors"]
    # A guest must say which union's feed.
    assert (await gql(FEED, {})).error_codes() == ["BAD_USER_INPUT"]


async def test_feed_pins_first_pages_without_gaps_and_drops_withdrawn(gql, factory):
    tree = await factory.tree()
    author, checker = await factory.cadre(tree.counties["A"]), await factory.cadre(tree.province)
    ids = [await published(gql, author, checker, tree.counties["A"], kind="NEWS",
                           title=f"第{i}篇") for i in range(7)]
    pinned = ids[2]
    result = await gql(PIN, {"id": pinned, "p": True}, token=checker.token)
    assert result.data["pinArticle"]["article"]["pinned"] is True
    gone = ids[4]
    result = await gql(WITHDRAW, {"id": gone, "r": "内容有误"}, token=checker.token)
    assert result.data["withdrawArticle"]["article"]["status"] == "WITHDRAWN"
    member = await factory.account(tree.grassroots["A"][0])
    pages, after = [], None
    while True:
        page = (await gql(FEED, {"first": 2, "after": after}, token=member.token)).data["articles"]
        pages.append([e["node"]["id"] for e in page["edges"]])
        # A new article published between pages goes to the top, not into the pages read.
        await published(gql, author, checker, tree.counties["A"], kind="NEWS", title="插入")
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    seen = [i for p in pages for i in p]
    expected = [pinned] + [i for i in reversed(ids) if i not in (pinned, gone)]
    assert seen == expected
    again = await gql(PIN, {"id": gone, "p": True}, token=checker.token)
    assert again.data["pinArticle"]["errors"] == [{"code": "ARTICLE_WRONG_STATUS",
                                                   "field": "articleId"}]


async def test_bad_input_changes_nothing(gql, factory):
    tree = await factory.tree()
    cadre = await factory.cadre(tree.counties["A"])
    base = {"unionId": str(tree.counties["A"].id), "kind": "NEWS", "title": "标题", "body": "正文"}
    cases = [({"title": "  "}, "TITLE_REQUIRED", "title"),
             ({"title": "长" * 101}, "TITLE_TOO_LONG", "title"),
             ({"body": ""}, "BODY_REQUIRED", "body"),
             ({"body": "字" * 20_001}, "BODY_TOO_LONG", "body"),
             ({"coverUrl": "javascript:alert(1)"}, "BAD_COVER_URL", "coverUrl")]
    for change, code, field in cases:
        result = await gql(CREATE, {"i": {**base, **change}}, token=cadre.token)
        assert result.data["createArticle"]["errors"] == [{"code": code, "field": field}], change
    outside = await gql(CREATE, {"i": {**base, "unionId": str(tree.counties["B"].id)}},
                        token=cadre.token)
    assert outside.error_codes() == ["FORBIDDEN"]
    member = await factory.account(tree.grassroots["A"][0])
    assert (await gql(CREATE, {"i": base}, token=member.token)).error_codes() == ["FORBIDDEN"]
    empty = await gql(WITHDRAW, {"id": "1", "r": " "}, token=cadre.token)
    assert empty.data["withdrawArticle"]["errors"][0]["code"] == "ARTICLE_NOT_FOUND"
    assert await Article.all().count() == 0


async def test_control_characters_are_refused_and_change_nothing(gql, factory):
    # A NUL (which no PostgreSQL text holds) used to reach the database and fail as an
    # internal error; a right-to-left override made a title read backwards.
    tree = await factory.tree()
    author, checker = await factory.cadre(tree.counties["A"]), await factory.cadre(tree.province)
    base = {"unionId": str(tree.counties["A"].id), "kind": "NEWS", "title": "标题",
            "body": "第一段\n\t第二段"}
    cases = [({"title": "标\x00题"}, "CONTROL_CHARACTER", "title"),
             ({"title": "标题\u202e反"}, "CONTROL_CHARACTER", "title"),
             ({"title": "标\n题"}, "CONTROL_CHARACTER", "title"),
             ({"body": "正\x00文"}, "CONTROL_CHARACTER", "body"),
             ({"body": "正\x1b[31m文"}, "CONTROL_CHARACTER", "body"),
             ({"coverUrl": "https://img.example/a\x00.png"}, "BAD_COVER_URL", "coverUrl")]
    for change, code, field in cases:
        result = await gql(CREATE, {"i": {**base, **change}}, token=author.token)
        assert result.errors == [], change
        assert result.data["createArticle"]["errors"] == [{"code": code, "field": field}], change
    assert await Article.all().count() == 0
    article_id = await published(gql, author, checker, tree.counties["A"], body=base["body"])
    bad = await gql(WITHDRAW, {"id": article_id, "r": "有误\x00"}, token=checker.token)
    assert bad.errors == []
    assert bad.data["withdrawArticle"]["errors"] == [{"code": "CONTROL_CHARACTER",
                                                      "field": "reason"}]
    assert (await Article.get(id=int(article_id))).status == "PUBLISHED"
