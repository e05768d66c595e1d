"""Persisted operations: a build-time manifest (safelist) and automatic persisted queries.

Front-end builds register their operations in a manifest (sha256 of the text → text). A
request may then send only `extensions.persistedQuery.sha256Hash`. Automatic persisted queries
(Apollo's APQ protocol) cache any other operation by hash in Redis: a miss answers
PERSISTED_QUERY_NOT_FOUND and the client resends the text, so Redis holds nothing that
matters. A text is stored only once its operation has parsed, validated and passed the limits,
and only if it carries no string literal (a client that inlines a phone or a password instead
of a variable must not leave it in Redis for a week), within `APQ_MAX_BYTES`, and within
`APQ_REGISTRATIONS` new texts per client address: anything else runs unstored, and its client
keeps sending the text. In safelist mode only manifest operations run, whatever text a caller sends, with one
exception: the federation router, proven by the router secret. Behind a gateway, the subgraphs
receive the query planner's own documents, which are in no manifest; the safelist of client
operations is then the gateway's (its persisted documents), and a subgraph that refused the
planner would refuse every request.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from graphql import DocumentNode, GraphQLError, StringValueNode, Visitor, visit
from graphql.language.visitor import BREAK

from unionhub.cache import get_redis, safe
from unionhub.client_address import client_address
from unionhub.errors import RateLimited
from unionhub.ratelimit import Rule, count

_APQ_KEY = "apq:v1:{}"
APQ_TTL_SECONDS = 7 * 24 * 3600
APQ_MAX_BYTES = 32 * 1024  # the front-ends' largest operation is ~1 KB
# New texts stored per client address: an app registers each of its operations once a week,
# and the first client to register one spares the others.
APQ_REGISTRATIONS = Rule("apq_register", limit=60, window_seconds=60)


def operation_hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def load_manifest(path: str | Path | None) -> dict[str, str]:
    if not path or not Path(path).exists():
        return {}
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    manifest = {}
    for digest, query in data.items():
        if operation_hash(query) != digest:
            raise ValueError(f"persisted operation {digest[:12]}… does not match its text")
        manifest[digest] = query
    return manifest


def read_persisted_documents(path: str | Path) -> list[str]:
    """The operations of GraphQL Code Generator's persisted-documents manifest (client preset,
    `hashAlgorithm: 'sha256'`): JSON of "sha256:<hex>" (or bare hex) → text. Every key must be
    its text's hash: a manifest made with another algorithm is refused, not registered under
    hashes the client would never send."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a persisted-documents manifest is a JSON object")
    queries = []
    for key, query in data.items():
        if not isinstance(query, str) or key.removeprefix("sha256:") != operation_hash(query):
            raise ValueError(f"{path}: {key[:19]}… is not the sha256 of its text")
        queries.append(query)
    return queries


def operation_sources(files: list[str]) -> list[tuple[str, str]]:
    """(file, operation text) of `unionhub operations add`'s arguments: a `.graphql` file is
    one operation, a `.json` file a code generator's persisted-documents manifest."""
    sources: list[tuple[str, str]] = []
    for f in files:
        if f.endswith(".json"):
            sources += [(f, q) for q in read_persisted_documents(f)]
        else:
            sources.append((f, Path(f).read_text(encoding="utf-8").strip()))
    return sources


def add_to_manifest(path: str | Path, queries: list[str]) -> list[str]:
    manifest = load_manifest(path)
    digests = []
    for query in queries:
        digest = operation_hash(query)
        manifest[digest] = query
        digests.append(digest)
    # Written beside it, then renamed over it: an interrupted write leaves the old manifest
    # whole, not truncated JSON that would stop the gateway at its next start.
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True),
                       encoding="utf-8")
    partial.replace(target)
    return digests


def _error(code: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


async def resolve_persisted(ctx: Any, manifest: dict[str, str],
                            safelist_only: bool) -> str | None:
    """Before parsing: a `persistedQuery` hash becomes its text (manifest, then APQ in Redis);
    in safelist mode anything outside the manifest is refused, except from the router. Returns
    the hash of a text sent to be registered (`register` stores it once the operation has
    validated), else None."""
    if safelist_only and getattr(ctx.context, "is_router", False):
        safelist_only = False
    persisted = (ctx.operation_extensions or {}).get("persistedQuery")
    if persisted is not None:
        return await _resolve(ctx, persisted, manifest, safelist_only)
    if safelist_only and (not ctx.query or operation_hash(ctx.query) not in manifest):
        raise _error("PERSISTED_QUERY_REQUIRED", "this server runs only registered operations")
    return None


async def _resolve(ctx: Any, persisted: Any, manifest: dict[str, str],
                   safelist_only: bool) -> str | None:
    digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    if not isinstance(digest, str) or persisted.get("version", 1) != 1:
        raise _error("PERSISTED_QUERY_INVALID", "persistedQuery needs version 1 and sha256Hash")
    if ctx.query:
        if operation_hash(ctx.query) != digest:
            raise _error("PERSISTED_QUERY_HASH_MISMATCH", "the query does not match its hash")
        if digest in manifest:
            return None
        if safelist_only:
            raise _error("PERSISTED_QUERY_REQUIRED", "this server runs only registered operations")
        return digest
    query = manifest.get(digest)
    if query is None and not safelist_only:
        query = await safe(get_redis().get(_APQ_KEY.format(digest)), None)
    if query is None:
        raise _error("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
    ctx.query = query
    return None


class _StringLiteral(Visitor):
    found = False

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> Any:
        self.found = True
        return BREAK


def storable(query: str, document: DocumentNode) -> bool:
    """Whether an operation's text may be kept in Redis: within `APQ_MAX_BYTES` and without a
    string literal anywhere (arguments, input objects, variables' defaults, directives)."""
    if len(query.encode()) > APQ_MAX_BYTES:
        return False
    finder = _StringLiteral()
    visit(document, finder)
    return not finder.found


async def register(ctx: Any, digest: str) -> bool:
    """Stores a validated operation's text under its hash for `APQ_TTL_SECONDS`, when it is
    `storable` and its client address is within `APQ_REGISTRATIONS`; whether it was stored."""
    if ctx.query is None or ctx.graphql_document is None:
        return False
    if not storable(ctx.query, ctx.graphql_document):
        return False
    address = client_address(getattr(ctx.context, "request", None))
    if address is not None:
        try:
            await count(APQ_REGISTRATIONS, address)
        except RateLimited:
            return False
    stored = await safe(get_redis().set(_APQ_KEY.format(digest), ctx.query,
                                        ex=APQ_TTL_SECONDS), None)
    return bool(stored)
