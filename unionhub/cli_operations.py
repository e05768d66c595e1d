"""`unionhub operations add`: register persisted operations (front-end builds) in the
manifest. Every operation must parse and validate against the platform schema before anything
is written: a broken entry would register nothing a client can run, and would stop the gateway
at its next start (deploy/OPERATORS.md)."""

from __future__ import annotations

import argparse


def add_operations(parser: argparse.ArgumentParser, files: list[str],
                   manifest: str | None) -> None:
    from unionhub.schema.persisted import add_to_manifest, operation_sources
    from unionhub.settings import get_settings

    path = manifest or get_settings().persisted_operations_file
    if not path:
        parser.error("give --manifest or set UNIONHUB_PERSISTED_OPERATIONS_FILE")
    try:
        sources = operation_sources(files)
    except OSError as exc:  # a file that is missing or unreadable
        parser.exit(1, f"unionhub: cannot read {exc.filename}: {exc.strerror}\n")
    except ValueError as exc:  # a manifest whose keys are not its texts' sha256
        parser.exit(1, f"unionhub: {exc}\n")
    problem = _first_invalid(sources)
    if problem:
        parser.exit(1, f"unionhub: {problem}; nothing registered\n")
    digests = add_to_manifest(path, [q for _, q in sources])
    for (file, _), digest in zip(sources, digests, strict=True):
        print(f"{digest}  {file}")


def _first_invalid(sources: list[tuple[str, str]]) -> str | None:
    """The first operation that does not parse or validate against the platform schema."""
    from graphql import GraphQLError, parse, validate

    from unionhub.schema.builder import build_schema

    schema = build_schema()._schema
    for file, text in sources:
        try:
            document = parse(text)
        except GraphQLError as exc:
            return f"{file}: not a GraphQL document ({exc.message})"
        errors = validate(schema, document)
        if errors:
            return f"{file}: does not validate against the schema ({errors[0].message})"
    return None
