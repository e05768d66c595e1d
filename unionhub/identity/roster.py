"""Who is in which union, for other domains: counts for rates, ids for set-based work, and
whether an account is still open inside a domain's transaction.

Only ids and counts leave here: never personal data."""

from __future__ import annotations

from tortoise.functions import Count
from tortoise.queryset import QuerySet

from unionhub import db
from unionhub.identity.accounts import phone_indexes
from unionhub.identity.models import Member


def _joined(union_ids: list[int]) -> QuerySet[Member]:
    # Holding-pool applicants not yet taken in have no joined_at.
    return Member.filter(union_id__in=list(union_ids), joined_at__isnull=False)


async def member_counts(union_ids: list[int]) -> dict[int, int]:
    """Members who have joined each union; unions with none are absent. One grouped query."""
    if not union_ids:
        return {}
    rows = await _joined(union_ids).annotate(n=Count("id")).group_by("union_id") \
        .values("union_id", "n")
    return {row["union_id"]: row["n"] for row in rows}


async def member_ids(union_ids: list[int], limit: int | None = None) -> list[tuple[int, int]]:
    """(member id, union id) of joined members, by id; for set-based seeding and grants."""
    qs = _joined(union_ids).order_by("id")
    if limit is not None:
        qs = qs.limit(limit)
    return [(m, u) for m, u in await qs.values_list("id", "union_id")]


async def member_id_by_phone(phone: str) -> int | None:
    row = await Member.get_or_none(phone_bidx__in=phone_indexes(phone)).only("id")
    return row.id if row else None


async def hold_open_account(member_id: int) -> bool:
    """Inside the caller's transaction, before it writes what the member gives (an order's
    address, a request's details): is the account still open? On PostgreSQL the member's row is
    then held FOR SHARE until the transaction ends. A closeAccount (which locks the row FOR
    UPDATE, then erases what each domain holds) committed since the caller read the member's
    record is seen, and one still to come waits for the caller's commit and then erases (or
    refuses for) what it wrote: nothing written lands on a closed account, unerased. SQLite has
    one writer at a time."""
    postgres = db.is_postgres()
    found = await db.conn().execute_query_dict(
        "SELECT id FROM members WHERE id = {} AND closed_at IS NULL{}".format(  # noqa: S608
            "$1" if postgres else "?", " FOR SHARE" if postgres else ""), [member_id])
    return bool(found)
