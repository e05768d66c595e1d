"""The fast path: every part of UnionHub that reaches into a library's internals for speed.

Each module here stands in for a library's own path (graphql-core's executor, strawberry's
execute, the OpenTelemetry SDK's spans, redis-py's pool, Tortoise's pool) and is capped in
pyproject.toml at the versions it was written against. `UNIONHUB_FAST_PATH=0` serves with the
libraries' public paths only (docs/architecture.md, "The fast path").
"""
