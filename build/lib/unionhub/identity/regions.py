"""The GB/T 2260 table: which region codes exist, their names and levels, and which are retired.

The table is `data/gb2260.csv` (its header names the sources and the date). Unions are created
only with current codes at their own level; a union created before its code was retired keeps
it (`Union.regionRetired` says so). ID numbers are not checked here: people keep the numbers
issued under codes that were retired later.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str  # NATIONAL | PROVINCE | CITY | COUNTY
    retired_after: str | None  # the last GB/T 2260 revision (YYYYMM) listing a retired code

    @property
    def retired(self) -> bool:
        return self.retired_after is not None


@cache
def _table() -> dict[str, Region]:
    text = resources.files("unionhub.identity").joinpath("data/gb2260.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["code"]: Region(row["code"], row["name"], row["level"],
                                row["retired_after"] or None) for row in rows}


def region(code: str) -> Region | None:
    return _table().get(code)


def region_name(code: str) -> str | None:
    found = _table().get(code)
    return found.name if found else None


def region_retired(code: str) -> bool:
    found = _table().get(code)
    return found is not None and found.retired
