"""Tables generated into the docs between two marker comments (docs/errors.md's codes,
docs/settings.md's variables): the replacement, and the `--write` / print entry point."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


def with_table(doc: str, begin: str, end: str, table: str) -> str:
    """`doc` with the text between its markers replaced by `table`."""
    head, _, rest = doc.partition(begin)
    _, _, tail = rest.partition(end)
    return f"{head}{begin}\n{table}{end}{tail}"


def main(doc: str, rewrite: Callable[[str], str], table: Callable[[], str]) -> None:
    """`--write`: rewrite the repository's `doc` (a path under its root); else print the table."""
    if sys.argv[1:] == ["--write"]:
        path = Path(__file__).resolve().parents[1] / doc
        path.write_text(rewrite(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(table(), end="")
