"""One error shape (issue 24, point 2): every refusal carries `extensions.code`, every 4xx/5xx
body is a GraphQL response in JSON, and the codes' table in docs/errors.md is the registry's
(`unionhub.error_codes`), which holds every code the code base answers with."""

from __future__ import annotations

import ast
from pathlib import Path

import httpx
import pytest

from unionhub import error_codes
from unionhub.app import create_app
from unionhub.schema.persisted import operation_hash
from unionhub.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
ISSUE_CODES = {  # issue 24's list: each must exist
    "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "DEPTH_LIMIT",
    "ALIAS_LIMIT", "COST_LIMIT", "TOKEN_LIMIT", "ROOT_FIELD_LIMIT", "PERSISTED_QUERY_NOT_FOUND",
    "UNAUTHENTICATED", "FORBIDDEN", "RATE_LIMITED", "SERVICE_UNAVAILABLE",
    "INTERNAL_SERVER_ERROR"}


@pytest.fixture(scope="module")
def tight_app():
    return create_app(settings=Settings(max_query_depth=3, max_query_aliases=2,
                                        max_query_tokens=60, max_root_fields=2,
                                        max_query_cost=50), manage_connections=False)


async def _post(app, body, headers=None) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as client:
        return await client.post("/graphql", json=body, headers=headers or {})


def _codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json()["errors"]]


LIMITED = {
    "DEPTH_LIMIT": "{ unions { children { children { children { name } } } } }",
    "ALIAS_LIMIT": "{ a: unions { id } b: unions { id } c: unions { id } }",
    "TOKEN_LIMIT": "{ unions { " + "id " * 80 + "} }",
    "ROOT_FIELD_LIMIT": "{ unions { id } u2: unions { id } u3: unions { id } }",
    "COST_LIMIT": "{ unions { children { children { id } } } }",
    "GRAPHQL_PARSE_FAILED": "{ unions { name ",
    "GRAPHQL_VALIDATION_FAILED": "{ unions { nope } }",
}


@pytest.mark.parametrize("code", list(LIMITED))
async def test_every_limit_and_document_error_has_its_code(tight_app, code, factory):
    await factory.tree()
    response = await _post(tight_app, {"query": LIMITED[code]})
    assert response.status_code == 200  # application/json: as before
    assert code in _codes(response), response.json()
    # The same under graphql-response+json: a request error, no data, a 4xx.
    strict = await _post(tight_app, {"query": LIMITED[code]},
                         {"accept": "application/graphql-response+json"})
    assert strict.status_code == 400 and "data" not in strict.json()
    assert code in _codes(strict)


async def test_variables_that_do_not_coerce_are_bad_user_input(gql):
    result = await gql("query U($id: ID!) { union(id: $id) { name } }", {"id": {"x": 1}})
    assert result.error_codes() == ["BAD_USER_INPUT"]
    missing = await gql("query U($id: ID!) { union(id: $id) { name } }", {})
    assert missing.error_codes() == ["BAD_USER_INPUT"]


async def test_denials_persisted_queries_and_masked_errors_have_codes(http, gql, factory):
    tree = await factory.tree()
    guest = await gql("{ me { displayName } }")
    assert guest.error_codes() == ["UNAUTHENTICATED"]
    plumbing = await http.post("/graphql", json={"query": "{ _service { sdl } }"})
    assert _codes(plumbing) == ["FORBIDDEN"]
    unknown = await http.post("/graphql", json={"extensions": {"persistedQuery": {
        "version": 1, "sha256Hash": operation_hash("{ unions { id } }")}}})
    assert _codes(unknown) == ["PERSISTED_QUERY_NOT_FOUND"]
    member = await factory.account(tree.all_grassroots[0])
    forbidden = await gql("{ slowOperations(first: 1) { traceId } }", token=member.token)
    assert forbidden.error_codes() == ["FORBIDDEN"]


async def test_a_masked_error_says_internal_server_error(gql, factory):
    from unionhub.identity.lookup import invalidate_member
    from unionhub.identity.models import Member

    tree = await factory.tree()
    cadre = await factory.cadre(tree.province)
    member = await factory.account()
    await Member.filter(id=member.member.id).update(phone_enc="x9:QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB")  # no such key
    await invalidate_member(member.member.id)
    result = await gql("query Lookup($id: ID!) { member(id: $id) { id phone } }",
                       {"id": member.id}, token=cadre.token)
    assert result.error_codes() == ["INTERNAL_SERVER_ERROR"]


REFUSED = {  # (method, body, headers) -> (status, code)
    "malformed JSON": ("POST", b"{not json", {"content-type": "application/json"}, 400,
                       "BAD_REQUEST"),
    "batch": ("POST", b'[{"query": "{ unions { id } }"}]', {"content-type": "application/json"},
              400, "BAD_REQUEST"),
    "query not a string": ("POST", b'{"query": 7}', {"content-type": "application/json"}, 400,
                           "BAD_REQUEST"),
    "no query": ("POST", b"{}", {"content-type": "application/json"}, 400, "BAD_REQUEST"),
    "unknown operation": ("POST", b'{"query": "query A { unions { id } }", "operationName": "B"}',
                          {"content-type": "application/json"}, 400, "BAD_REQUEST"),
    "unsupported content type": ("POST", b"query=x", {"content-type": "application/xml"}, 400,
                                 "BAD_REQUEST"),
    "CSRF": ("POST", b'{"query": "{ unions { id } }"}', {"content-type": "text/plain"}, 400,
             "CSRF_PREVENTED"),
    "too large": ("POST", b'{"query": "' + b" " * 3000 + b'{ unions { id } }"}',
                  {"content-type": "application/json"}, 413, "PAYLOAD_TOO_LARGE"),
    "PUT": ("PUT", b"{}", {"content-type": "application/json"}, 405, "METHOD_NOT_ALLOWED"),
}


@pytest.mark.parametrize("accept", [None, "application/graphql-response+json"])
@pytest.mark.parametrize("case", list(REFUSED))
async def test_every_refusal_is_a_graphql_response(small_app, case, accept):
    method, content, headers, status, code = REFUSED[case]
    if accept:
        headers = {**headers, "accept": accept}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=small_app),
                                 base_url="http://test") as client:
        response = await client.request(method, "/graphql", content=content, headers=headers)
    assert response.status_code == status, response.text
    media = accept or "application/json"
    assert response.headers["content-type"] == f"{media}; charset=utf-8"
    body = response.json()
    assert set(body) == {"errors"} and body["errors"][0]["extensions"]["code"] == code
    assert body["errors"][0]["message"]


async def test_a_mutation_over_get_is_405_with_a_graphql_body(http):
    response = await http.get("/graphql", params={"query": "mutation { logout }"},
                              headers={"X-UnionHub-Request": "1"})
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert _codes(response) == ["METHOD_NOT_ALLOWED"]


# --- the registry, the code base and the doc -------------------------------------------------

_EMITTERS = {"limit_error", "_error", "_reject", "send_refusal", "_Refusal", "_refuse"}


def _constants(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def _is_code(value: str) -> bool:
    return value.isupper() and value.replace("_", "").isalpha() and len(value) > 3


def emitted_codes() -> dict[str, str]:
    """Every `extensions.code` the package can answer with, read from its source: `"code"`
    keys of dict literals, `graphql_code` attributes, the first code-like argument of the
    error helpers, and the codes `http_refusal`-like functions return."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "unionhub").rglob("*.py")):
        if "migrations" in path.parts or "providers" in path.parts:
            continue  # (providers: the payment rails' own reply formats, not GraphQL)
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values: list[str] = []
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "code":
                        values += _constants(value)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "graphql_code" for t in targets):
                    values += _constants(node.value) if node.value else []
            elif isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in _EMITTERS:
                    values += [v for a in node.args for v in _constants(a) if _is_code(v)]
            elif isinstance(node, ast.FunctionDef) and "refusal" in node.name:
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Return) and isinstance(inner.value, ast.Tuple):
                        values += [v for e in inner.value.elts for v in _constants(e)
                                   if _is_code(v)]
            for value in values:
                found.setdefault(value, where)
    return found


def test_every_code_in_the_code_base_is_in_the_registry():
    emitted = emitted_codes()
    unknown = {code: where for code, where in emitted.items() if code not in error_codes.BY_CODE}
    assert not unknown, (f"add these to unionhub/error_codes.py (and run `python -m "
                         f"unionhub.error_codes --write`): {unknown}")
    # The scan finds what it should (a scan that found nothing would pass the check above).
    assert {"COST_LIMIT", "CSRF_PREVENTED", "BAD_USER_INPUT", "DEPTH_LIMIT",
            "METHOD_NOT_ALLOWED", "UNAUTHENTICATED", "TOKEN_LIMIT"} <= set(emitted)


def test_the_issue_codes_are_registered():
    assert set(error_codes.BY_CODE) >= ISSUE_CODES


def test_the_docs_table_is_generated_from_the_registry():
    doc = (ROOT / error_codes.DOC).read_text(encoding="utf-8")
    assert doc == error_codes.with_table(doc), (
        "docs/errors.md drifted from unionhub/error_codes.py: run "
        "`.venv/bin/python -m unionhub.error_codes --write`")
    for code in error_codes.BY_CODE:
        assert f"| `{code}` |" in doc
