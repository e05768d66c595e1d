"""A cadre's search of the members in a union's subtree: exact matches through blind indexes
(phone, ID number, under every live key), card numbers, or display names. Every search is
audited (who searched which union, by what kind of term, never the term itself): the audit row
is written while the page is read, and the page is answered only once the row is durable.

On PostgreSQL a name search's page is read by a statement that carries its values as
constants (`name_page_statement`): it is planned for its own term and subtree, in one round
trip. With the pattern a bound parameter, asyncpg keeps the statement prepared and after five
executions PostgreSQL may keep a generic plan made without seeing it; for a very common term
that plan reads the trigram index's whole posting list (bench/member_search_plan.py: hundreds
of times slower at 200,000 members). A statement without parameters has no generic plan, and
asyncpg keeps it prepared per connection: a term paged or searched again is not planned again
(identity migration 0015's function planned every call afresh, ~0.35 ms of PostgreSQL's CPU a
search; 0017 drops it)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tortoise.filters import escape_like
from tortoise.queryset import QuerySet

from unionhub import db
from unionhub.identity import audit
from unionhub.identity.accounts import id_number_indexes, phone_indexes
from unionhub.identity.lookup import is_card_number
from unionhub.identity.models import Member, Union
from unionhub.identity.realname import fold_full_width, is_phone, validate_phone

# (order "id" or "-id", the cursor's id or None, the row limit) -> the page's ids.
IdReader = Callable[[str, int | None, int], Awaitable[list[int]]]
T = TypeVar("T")


def _kind(term: str) -> str:
    if is_phone(term):
        return "phone"
    number = fold_full_width(term)
    if len(number) == 18 and number[:17].isascii() and number[:17].isdigit():
        return "id_number"
    return "card" if is_card_number(term) else "name"


def _classified(qs: QuerySet[Member], term: str, kind: str) -> QuerySet[Member]:
    if kind == "phone":
        return qs.filter(phone_bidx__in=phone_indexes(validate_phone(term)))
    if kind == "id_number":
        return qs.filter(id_number_bidx__in=id_number_indexes(fold_full_width(term).upper()))
    if kind == "card":
        return qs.filter(cards__number=term)
    return qs.filter(display_name__icontains=term)


@dataclass(frozen=True, slots=True)
class Search:
    """A cadre's search of a union's subtree: what its page reads (on PostgreSQL a name
    search's statement, `reader`; otherwise the ORM's queryset, built only when asked for),
    and the search's audit row."""

    union: Union
    term: str  # stripped
    kind: str | None  # None: no term, the whole subtree
    reader: IdReader | None
    actor_id: int | None

    def queryset(self) -> QuerySet[Member]:
        qs = Member.filter(union__path__startswith=self.union.path)
        return _classified(qs, self.term, self.kind) if self.kind else qs

    async def audited(self) -> None:
        """Writes the search's audit row (who searched which union, by what kind of term,
        never the term) and returns once it is durable; raises if it could not be written."""
        if self.kind is not None:
            await audit.record_reads(audit.MEMBER_SEARCH, actor_id=self.actor_id,
                                     subject_type="union", subject_ids=[self.union.id],
                                     union_id=self.union.id, detail={"by": self.kind})

    async def page(self, read: Callable[[Callable[[], QuerySet[Member]], IdReader | None],
                                        Awaitable[T]]) -> T:
        """`read(queryset, reader)`'s page of the search (`queryset` makes the ORM's queryset,
        for a page `reader` does not read), read while its audit row is written (two round
        trips at once, not one after the other): returned once both are done, so no page
        leaves before its audit row is durable, and none at all if the row failed."""
        reading = read(self.queryset, self.reader)
        if self.kind is None:
            return await reading
        _audited, found = await asyncio.gather(self.audited(), reading)
        return found


def searched(union: Union, term: str | None, *, actor_id: int | None) -> Search:
    """The search of `union`'s subtree by `term` (none: the whole subtree). Its page is read
    through `Search.page`, which writes the audit row."""
    if not term:
        return Search(union, "", None, None, actor_id)
    term = term.strip()  # (a term of spaces is a search too: audited, it matches everyone)
    kind = _kind(term)
    return Search(union, term, kind, _name_reader(union, term) if kind == "name" else None,
                  actor_id)


async def members_in(union: Union, term: str | None, *, actor_id: int | None) -> QuerySet[Member]:
    """The members of `union`'s subtree as a queryset, narrowed by a search term when one is
    given, once the search's audit row is written."""
    found = searched(union, term, actor_id=actor_id)
    await found.audited()
    return found.queryset()


def name_page_reader(union: Union, term: str | None) -> IdReader | None:
    """The reader of a name search's page of ids (`relay.keyset_page`'s `reader`), on
    PostgreSQL; None for no term, an exact search (blind indexes, where a generic plan is as
    good) or a term holding NUL (no PostgreSQL string can: the ORM's statement answers it as
    before). Its statement is the ORM's for `members_in` with constants for its values
    (tests/identity/test_member_name_search.py compares their pages)."""
    if not term:
        return None
    term = term.strip()
    return _name_reader(union, term) if _kind(term) == "name" else None


def _name_reader(union: Union, term: str) -> IdReader | None:
    if "\x00" in term or not db.is_postgres():
        return None
    subtree = escape_like(union.path) + "%"
    pattern = "%" + escape_like(term) + "%"

    async def read(order: str, bound: int | None, limit: int) -> list[int]:
        _count, rows = await db.conn().execute_query(
            name_page_statement(subtree, pattern, order.startswith("-"), bound, limit))
        return [row["id"] for row in rows]

    return read


def name_page_statement(subtree: str, pattern: str, descending: bool, bound: int | None,
                        limit: int) -> str:
    """A page of a name search's ids as one statement without parameters: `subtree` and
    `pattern` are LIKE patterns escaped for `ESCAPE '\\'`, written as string constants by
    `_constant`; the bound and the limit are integers."""
    after = "" if bound is None else f"AND m.id {'<' if descending else '>'} {int(bound)} "
    return ("SELECT m.id FROM members m JOIN unions u ON u.id = m.union_id "  # noqa: S608
            f"WHERE u.path LIKE {_constant(subtree)} ESCAPE {_BACKSLASH} "
            f"AND upper(m.display_name) LIKE upper({_constant(pattern)}) ESCAPE {_BACKSLASH} "
            f"{after}"
            f"ORDER BY m.id{' DESC' if descending else ''} LIMIT {int(limit)}")


def _constant(text: str) -> str:
    """`text` as a PostgreSQL string constant, whatever `standard_conforming_strings` says: the
    escape-string form (E'...'), in which a doubled backslash is a backslash and a doubled
    quote a quote, so nothing in `text` can end the constant. (NUL, which no PostgreSQL
    string holds, never reaches here: see `name_page_reader`.)"""
    if "\x00" in text:
        raise ValueError("a PostgreSQL string holds no NUL")
    return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


_BACKSLASH = _constant("\\")
