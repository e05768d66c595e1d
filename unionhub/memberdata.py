"""What each domain holds about a member, and what it does when a membership or an account ends.

Identity owns members, but not the other domains' tables (docs/architecture.md): each domain
describes its own part in `unionhub/<domain>/memberdata.py` as `PART = MemberDataPart(...)`,
found the way periodic jobs are (`optional_domain_modules`). Identity calls the parts:

- `export(member_id)`: the domain's section of `myPersonalData`, unmasked (the owner asks);
- `close(member_id)`: inside the account-closure transaction; erase the domain's personal data
  and keep money records under the member id (the pseudonym). Raising a `DomainError` refuses
  the closure and rolls everything back (an order still being delivered);
- `membership_ended(member_id, scope_path, actor_id)`: inside the transaction that ends a membership; the
  member now belongs under `scope_path` (the holding pool), so what was granted through the old
  union is withdrawn at once.

A personal value that no longer opens (moved from another row, altered: PERSONAL_DATA_UNREADABLE,
already logged and counted by its opener) does not cost the member the rest of the copy: the
parts open their values through `readable`, which gives None for that value and names it in
the export's `unreadable` list, so the member is told what is missing and why.

All parts run on the one database connection the domains share today, so they join the
caller's transaction. A domain moved to its own database would need an outbox instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from unionhub.domains import DOMAINS, optional_domain_modules
from unionhub.errors import DomainError

T = TypeVar("T")
# identity.crypto.PersonalDataUnreadable's code (this module sits below the domains).
UNREADABLE_CODE = "PERSONAL_DATA_UNREADABLE"
# Where the values an export could not open are gathered (None outside an export).
_unreadable: ContextVar[list[str] | None] = ContextVar("memberdata_unreadable", default=None)


@dataclass(frozen=True)
class MemberDataPart:
    section: str
    export: Callable[[int], Awaitable[dict[str, Any]]]
    close: Callable[[int], Awaitable[None]] | None = None
    membership_ended: Callable[[int, str, int | None], Awaitable[None]] | None = None


def parts() -> list[MemberDataPart]:
    """Every domain's part, identity's first (DOMAINS order)."""
    return [module.PART for module in optional_domain_modules("memberdata", DOMAINS)]


@dataclass(frozen=True)
class Export:
    sections: dict[str, Any]
    unreadable: list[str]  # where a value did not open, e.g. "identity.phone"


async def export_all(member_id: int) -> Export:
    found: list[str] = []
    token = _unreadable.set(found)
    try:
        sections = {part.section: await part.export(member_id) for part in parts()}
    finally:
        _unreadable.reset(token)
    return Export(sections, found)


def readable(open_value: Callable[..., T], *args: Any, where: str) -> T | None:
    """`open_value(*args)`, or None inside an export when it is PERSONAL_DATA_UNREADABLE: `where`
    (a path such as "mall.orders[12].address", no value) joins the export's `unreadable`.
    Outside an export the refusal stands."""
    try:
        return open_value(*args)
    except DomainError as exc:
        found = _unreadable.get()
        if exc.code != UNREADABLE_CODE or found is None:
            raise
        found.append(where)
        return None


async def close_all(member_id: int) -> None:
    for part in parts():
        if part.close is not None:
            await part.close(member_id)


async def membership_ended(member_id: int, scope_path: str, actor_id: int | None) -> None:
    for part in parts():
        if part.membership_ended is not None:
            await part.membership_ended(member_id, scope_path, actor_id)


def iso(value: Any) -> Any:
    """Datetimes and dates as ISO 8601 text, for the JSON export."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def rows(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: iso(value) for key, value in row.items()} for row in values]
