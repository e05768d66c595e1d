"""Proposed hot-path changes, applied at start-up so they can be measured beside the code as
it is, without editing unionhub/. Each patch is a prototype of a change recommended in the
benchmark report; once the real change lands in unionhub/, its patch here becomes a no-op to
delete.

    BENCH_PATCHES=rules,unions,audit,gcfreeze python bench/experiments.py --port 18200

Patches:
  rules     build the depth and alias validation rules once, so ValidationCache hits
            (QueryDepthLimiter/MaxAliasesLimiter as factories make a new rule class per
            request: the cache key changes and every request is validated from scratch).
  unions    a process-local TTL cache of Union rows behind the `unions` DataLoader (the warm
            lookup otherwise queries PostgreSQL for `union { name }` on every request).
  audit     buffer audit rows and write them in batches (bulk_create every 50 ms) instead of
            one INSERT inside every unmasked idNumber read.
  jwtcache  remember verified access tokens (token → Principal, until min(exp, 60 s)) so
            the HS256 check and claim parsing run once per token, not once per request.
  onetrip   get_record_by_card in one Redis round trip (a Lua script: card key → member id →
            member document) instead of GET then MGET, each with its own span.
  noreset   asyncpg pool without its reset query on release (RESET ALL, UNLISTEN, advisory
            unlock...: one more round trip after every Tortoise query, since Tortoise
            acquires and releases a pool connection per query). Safe only while no code keeps
            session state (LISTEN, session advisory locks, SET without LOCAL).
  gcfreeze  gc.collect(); gc.freeze() once start-up is done (STACK-NOTES: p99 at saturation).
  noasgispan  serve without OpenTelemetry's ASGI middleware (no HTTP server span; the operation
            span becomes the root). Issue 8 asks for operation, resolver, DB and Redis spans;
            the real change would extract the incoming traceparent in OperationTracing.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

UNION_TTL_SECONDS = 60.0
AUDIT_FLUSH_SECONDS = 0.05


def patch_rules() -> None:
    from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, QueryDepthLimiter
    from strawberry.extensions.max_aliases import create_validator as alias_rule
    from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

    from unionhub.schema import builder

    original = builder._extensions

    def _extensions(limits: Any, production: bool, manifest: dict[str, str],
                    safelist_only: bool) -> list[Any]:
        # The rule classes are made once per schema: the ValidationCache key stays equal.
        rules = [depth_rule(limits.max_depth, None, None), alias_rule(limits.max_aliases)]
        out: list[Any] = []
        added = False
        for ext in original(limits, production, manifest, safelist_only):
            probe = ext() if callable(ext) and not isinstance(ext, type) else None
            if isinstance(probe, (QueryDepthLimiter, MaxAliasesLimiter)):
                if not added:
                    out.append(lambda: AddValidationRules(rules))
                    added = True
                continue
            out.append(ext)
        return out

    builder._extensions = _extensions


def patch_unions() -> None:
    from unionhub.identity.orgs import unions_by_ids
    from unionhub.schema import context

    cache: dict[int, tuple[Any, float]] = {}

    async def _load_unions(ids: list[int]) -> list[Any]:
        now = time.monotonic()
        missing = [i for i in ids if i not in cache or cache[i][1] < now]
        if missing:
            found = await unions_by_ids(missing)
            for i in missing:
                if i in found:
                    cache[i] = (found[i], now + UNION_TTL_SECONDS)
        return [cache[i][0] if i in cache else None for i in ids]

    context._load_unions = _load_unions


def patch_audit() -> None:
    from unionhub.identity import audit
    from unionhub.identity.models import AuditLog
    from unionhub.observability.context import current_trace_id

    pending: list[AuditLog] = []
    state: dict[str, Any] = {"task": None}

    async def flush_soon() -> None:
        await asyncio.sleep(AUDIT_FLUSH_SECONDS)
        batch = pending[:]
        del pending[:]
        state["task"] = None
        if batch:
            await AuditLog.bulk_create(batch)

    def enqueue(rows: list[AuditLog]) -> None:
        pending.extend(rows)
        if state["task"] is None:
            state["task"] = asyncio.get_running_loop().create_task(flush_soon())

    async def record(action: str, *, actor_id: int | None, subject_type: str,
                     subject_id: str | int, detail: dict[str, Any] | None = None) -> None:
        enqueue([AuditLog(action=action, actor_id=actor_id, subject_type=subject_type,
                          subject_id=str(subject_id), trace_id=current_trace_id(),
                          detail=detail or {})])

    async def record_many(action: str, *, actor_id: int | None, subject_type: str,
                          subject_ids: list[str | int], trace_id: str | None = None) -> None:
        trace_id = trace_id or current_trace_id()
        enqueue([AuditLog(action=action, actor_id=actor_id, subject_type=subject_type,
                          subject_id=str(i), trace_id=trace_id, detail={}) for i in subject_ids])

    audit.record = record
    if hasattr(audit, "record_many"):  # the working tree batches a request's reads through it
        audit.record_many = record_many


def patch_jwtcache() -> None:
    import jwt

    from unionhub.identity import tokens
    from unionhub.schema import context

    original = tokens.principal_from_token
    cache: dict[str, tuple[Any, float]] = {}

    def principal_from_token(token: str) -> Any:
        now = time.time()
        hit = cache.get(token)
        if hit is not None and hit[1] > now:
            return hit[0]
        principal = original(token)  # raises for bad or expired tokens: never cached
        exp = jwt.decode(token, options={"verify_signature": False}).get("exp", now)
        if len(cache) > 10_000:
            cache.clear()
        cache[token] = (principal, min(float(exp), now + 60))
        return principal

    tokens.principal_from_token = principal_from_token
    context.principal_from_header = tokens.principal_from_header  # resolves the patched name


_ONE_TRIP = """
local id = redis.call('GET', KEYS[1])
if not id then return false end
return {id, redis.call('GET', ARGV[1] .. id) or false}
"""


def patch_onetrip() -> None:
    from unionhub.cache import get_redis, safe
    from unionhub.identity import lookup
    from unionhub.resolvers import identity as resolvers

    original = lookup.get_record_by_card
    prefix = lookup._KEY.format("")
    scripts: dict[str, Any] = {}

    async def get_record_by_card(card_number: str) -> Any:
        redis = get_redis()
        if scripts.get("client") is not redis:  # EVALSHA, loaded once per client
            scripts.update(client=redis, script=redis.register_script(_ONE_TRIP))
        found = await safe(scripts["script"](keys=[lookup._CARD_KEY.format(card_number)],
                                             args=[prefix]), None)
        if found and found[1]:
            record = lookup.MemberRecord.from_json(found[1])
            return record if record.card_number == card_number else None
        return await original(card_number)  # any miss: the existing path fills the cache

    lookup.get_record_by_card = get_record_by_card
    resolvers.get_record_by_card = get_record_by_card


def patch_noreset() -> None:
    from tortoise.backends.asyncpg.client import AsyncpgDBClient

    original = AsyncpgDBClient.create_pool

    async def _keep_session(connection: Any) -> None:
        # asyncpg still rolls back an open transaction and drops listeners before this.
        return None

    async def create_pool(self: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("reset", _keep_session)
        return await original(self, **kwargs)

    AsyncpgDBClient.create_pool = create_pool


PATCHES = {"noreset": patch_noreset, "rules": patch_rules, "unions": patch_unions, "audit": patch_audit,
           "jwtcache": patch_jwtcache, "onetrip": patch_onetrip}


def apply(names: list[str]) -> list[str]:
    applied = []
    for name in names:
        if name in PATCHES:
            PATCHES[name]()
            applied.append(name)
    return applied


def create_app() -> Any:
    names = [n for n in os.environ.get("BENCH_PATCHES", "").split(",") if n]
    apply(names)
    from unionhub.app import create_app as real_create_app

    app = real_create_app()
    if "noasgispan" in names:
        app = app.app  # the Starlette app inside OpenTelemetryMiddleware
    if "gcfreeze" in names:
        gc.collect()
        gc.freeze()
    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18200)
    args = parser.parse_args()
    os.chdir(Path(__file__).resolve().parent)
    # The same call shape as unionhub.cli._serve: 1 worker, no access log.
    uvicorn.run("experiments:create_app", factory=True, host=args.host, port=args.port,
                workers=1, access_log=False)


if __name__ == "__main__":
    main()
