"""A cadre's search of the members in a union's subtree: exact matches through blind indexes
(phone, ID number, under every live key), card numbers, or display names. Every search is
audited (who searched which union, by what kind of term, never the term itself) before its
results are answered.

On PostgreSQL a name search's page is read by `member_name_search_ids` (identity migration
0015), which plans its statement for the term it is given, in one round trip: asyncpg keeps
each statement prepared, and after five executions PostgreSQL may keep a generic plan made
without seeing the pattern; for a very common term that plan reads the trigram index's whole
posting list (bench/member_search_plan.py: hundreds of times slower at 200,000 members)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tortoise.filters import escape_like
from tortoise.queryset import QuerySet

from unionhub import db
from unionhub.errors import ValidationFailed
from unionhub.identity import audit
from unionhub.identity.accounts import id_number_indexes, phone_indexes
from unionhub.identity.lookup import is_card_number
from unionhub.identity.models import Member, Union
from unionhub.identity.realname import validate_phone

# (order "id" or "-id", the cursor's id or None, the row limit) -> the page's ids.
IdReader = Callable[[str, int | None, int], Awaitable[list[int]]]


def _kind(term: str) -> str:
    try:
        validate_phone(term)
        return "phone"
    except ValidationFailed:
        pass
    if len(term) == 18 and term[:17].isdigit():
        return "id_number"
    return "card" if is_card_number(term) else "name"


def _classified(qs: QuerySet[Member], term: str) -> tuple[str, QuerySet[Member]]:
    kind = _kind(term)
    if kind == "phone":
        return kind, qs.filter(phone_bidx__in=phone_indexes(validate_phone(term)))
    if kind == "id_number":
        return kind, qs.filter(id_number_bidx__in=id_number_indexes(term.upper()))
    if kind == "card":
        return kind, qs.filter(cards__number=term)
    return kind, qs.filter(display_name__icontains=term)


async def search(qs: QuerySet[Member], term: str, *, actor_id: int | None,
                 union: Union) -> QuerySet[Member]:
    """`qs` narrowed to the term's matches, once the search's audit row is written."""
    kind, found = _classified(qs, term)
    await audit.record_reads(audit.MEMBER_SEARCH, actor_id=actor_id, subject_type="union",
                             subject_ids=[union.id], union_id=union.id, detail={"by": kind})
    return found


async def members_in(union: Union, term: str | None, *, actor_id: int | None) -> QuerySet[Member]:
    """The members of `union`'s subtree, narrowed by a search term when one is given."""
    qs = Member.filter(union__path__startswith=union.path)
    if term:
        qs = await search(qs, term.strip(), actor_id=actor_id, union=union)
    return qs


def name_page_reader(union: Union, term: str | None) -> IdReader | None:
    """The reader of a name search's page of ids (`relay.keyset_page`'s `reader`), on
    PostgreSQL; None for no term or an exact search (blind indexes, where a generic plan is as
    good). Its statement is the ORM's for `members_in` (tests/identity/test_member_name_search.py
    compares them)."""
    if not term or _kind(term.strip()) != "name" or not db.is_postgres():
        return None
    subtree = escape_like(union.path) + "%"
    pattern = "%" + escape_like(term.strip()) + "%"

    async def read(order: str, bound: int | None, limit: int) -> list[int]:
        _count, rows = await db.conn().execute_query(
            "SELECT member_name_search_ids($1, $2, $3, $4, $5) AS id",
            [subtree, pattern, bound, order.startswith("-"), limit])
        return [row["id"] for row in rows]

    return read
