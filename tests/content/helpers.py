"""Shared GraphQL documents and set-up for the content tests."""

from __future__ import annotations

ARTICLE = "id kind status title pinned readCount union { id }"
CREATE = f"""mutation C($i: CreateArticleInput!) {{ createArticle(input: $i) {{
  article {{ {ARTICLE} }} errors {{ code field }} }} }}"""
PUBLISH = f"""mutation P($id: ID!) {{ publishArticle(input: {{articleId: $id}}) {{
  article {{ {ARTICLE} }} errors {{ code field }} }} }}"""
PIN = f"""mutation P($id: ID!, $p: Boolean!) {{ pinArticle(input: {{articleId: $id, pinned: $p}}) {{
  article {{ {ARTICLE} }} errors {{ code field }} }} }}"""
WITHDRAW = f"""mutation W($id: ID!, $r: String!) {{ withdrawArticle(input: {{articleId: $id, reason: $r}}) {{
  article {{ {ARTICLE} }} errors {{ code field }} }} }}"""
READ = f"""mutation R($id: ID!, $d: String) {{ markArticleRead(input: {{articleId: $id, deviceId: $d}}) {{
  counted article {{ {ARTICLE} }} errors {{ code field }} }} }}"""
FEED = f"""query F($u: ID, $k: ArticleKind, $first: Int, $after: String) {{
  articles(unionId: $u, kind: $k, first: $first, after: $after) {{
    edges {{ cursor node {{ {ARTICLE} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
ONE = f"""query A($id: ID!) {{ article(id: $id) {{ {ARTICLE} }} }}"""


async def write(gql, cadre, union, *, kind="NOTICE", title="通知", body="正文") -> str:
    result = await gql(CREATE, {"i": {"unionId": str(union.id), "kind": kind, "title": title,
                                      "body": body}}, token=cadre.token)
    assert result.data["createArticle"]["errors"] == [], result.body
    return result.data["createArticle"]["article"]["id"]


async def published(gql, author, checker, union, **kwargs) -> str:
    article_id = await write(gql, author, union, **kwargs)
    result = await gql(PUBLISH, {"id": article_id}, token=checker.token)
    assert result.data["publishArticle"]["errors"] == [], result.body
    return article_id
