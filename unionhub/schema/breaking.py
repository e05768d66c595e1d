"""The breaking-change check (issue 24): the committed schema snapshot against the schema of
the last release, with graphql-core's `find_breaking_changes`.

Front-end apps in users' hands keep sending the operations they were built with, so a
removed field, a changed type or a new required argument breaks them. A breaking change is
allowed only when it is listed, with its reason, in
`unionhub/schema/released/intended-breaking-changes.toml` (docs/frontend.md, "Schema
changes": deprecate, keep for six months, then remove and list the removal there).

    python -m unionhub.schema.breaking            # CI: exit 1 on an unmarked breaking change
    python -m unionhub.schema.breaking --release  # at a release: the snapshot becomes the base
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from graphql import GraphQLSchema, build_schema, find_breaking_changes

SCHEMA_DIR = Path(__file__).resolve().parent
SNAPSHOT = SCHEMA_DIR / "snapshots" / "platform.graphql"
RELEASED = SCHEMA_DIR / "released" / "platform.graphql"
INTENDED = SCHEMA_DIR / "released" / "intended-breaking-changes.toml"


def load_sdl(sdl: str) -> GraphQLSchema:
    # The printed platform schema uses the federation directives without defining them.
    return build_schema(sdl, assume_valid_sdl=True)


def breaking_changes(old: GraphQLSchema, new: GraphQLSchema) -> list[str]:
    """Every breaking change from `old` to `new`, described as graphql-core words it."""
    return sorted(c.description for c in find_breaking_changes(old, new))


def intended(path: Path = INTENDED) -> dict[str, str]:
    """description -> reason of the listed intended changes (a reason is required)."""
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("change", [])
    listed: dict[str, str] = {}
    for entry in entries:
        description, reason = entry.get("description", ""), entry.get("reason", "").strip()
        if not description or not reason:
            raise ValueError(f"{path.name}: every change needs a description and a reason")
        listed[description] = reason
    return listed


@dataclass(frozen=True)
class Report:
    unmarked: list[str]  # breaking and not listed: the check fails
    marked: list[str]    # breaking and listed with a reason
    stale: list[str]     # listed but no longer breaking (remove after the next release)

    @property
    def ok(self) -> bool:
        return not self.unmarked

    def lines(self) -> list[str]:
        out = [f"UNMARKED breaking change: {c}" for c in self.unmarked]
        out += [f"intended breaking change: {c}" for c in self.marked]
        out += [f"listed but not breaking (stale entry): {c}" for c in self.stale]
        return out


def check(new_sdl: str, old_sdl: str | None = None,
          listed: dict[str, str] | None = None) -> Report:
    old = load_sdl(old_sdl if old_sdl is not None else RELEASED.read_text(encoding="utf-8"))
    listed = intended() if listed is None else listed
    changes = breaking_changes(old, load_sdl(new_sdl))
    return Report(unmarked=[c for c in changes if c not in listed],
                  marked=[c for c in changes if c in listed],
                  stale=sorted(set(listed) - set(changes)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m unionhub.schema.breaking",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--release", action="store_true",
                        help="copy the snapshot to the released schema (at a release)")
    args = parser.parse_args(argv)
    if args.release:
        shutil.copyfile(SNAPSHOT, RELEASED)
        print(f"{RELEASED.relative_to(SCHEMA_DIR.parents[1])} is now the snapshot; empty "
              f"{INTENDED.name} of the changes this release shipped")
        return 0
    report = check(SNAPSHOT.read_text(encoding="utf-8"))
    for line in report.lines():
        print(line)
    if not report.ok:
        print(f"{len(report.unmarked)} breaking change(s) not marked intended: deprecate "
              f"instead, or list them with a reason in {INTENDED.relative_to(SCHEMA_DIR.parents[1])}",
              file=sys.stderr)
        return 1
    print(f"no unmarked breaking change against {RELEASED.relative_to(SCHEMA_DIR.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
