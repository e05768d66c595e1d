"""A cadre's search of the members in a union's subtree: exact matches through blind indexes
(phone, ID number, under every live key), card numbers, or display names. Every search is
audited (who searched which union, by what kind of term, never the term itself) before its
results are answered."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from unionhub.errors import ValidationFailed
from unionhub.identity import audit
from unionhub.identity.accounts import id_number_indexes, phone_indexes
from unionhub.identity.lookup import is_card_number
from unionhub.identity.models import Member, Union
from unionhub.identity.realname import validate_phone


def _classified(qs: QuerySet[Member], term: str) -> tuple[str, QuerySet[Member]]:
    try:
        return "phone", qs.filter(phone_bidx__in=phone_indexes(validate_phone(term)))
    except ValidationFailed:
        pass
    if len(term) == 18 and term[:17].isdigit():
        return "id_number", qs.filter(id_number_bidx__in=id_number_indexes(term.upper()))
    if is_card_number(term):
        return "card", qs.filter(cards__number=term)
    return "name", qs.filter(display_name__icontains=term)


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
