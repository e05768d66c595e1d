"""A cadre's name search's page of ids read through the ORM (one prepared statement: PostgreSQL's
default plan choice goes generic after five executions) against the way the members screen reads
it now, `member_search.name_page_reader` (the statement with its values as constants, planned for
its own term; until the evening of 2026-12-05 identity migration 0015's function, which planned
each call afresh; before that `SET LOCAL plan_cache_mode = force_custom_plan` in a short
transaction: the same plans, four round trips).

    .venv/bin/python bench/member_search_plan.py --db bench_fixes --rounds 7 --runs 30

Terms: the seeded synthetic names are `示例会员` + a six-letter code (unionhub/identity/seed.py),
so `示例会员` matches every one of them, `示例会员A` about 1 in 31 and `示例会员AB2` a few.
Prints the median ms per page read of each term and mode, and the plan each mode used.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this tree's unionhub


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="bench_fixes")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--runs", type=int, default=30, help="page reads per term, mode, round")
    parser.add_argument("--terms", default="示例会员,示例会员A,示例会员AB2")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.db}"

    from tortoise.transactions import in_transaction

    from unionhub import db
    from unionhub.identity import member_search
    from unionhub.identity.models import Member, Union
    from unionhub.schema.relay import keyset_page

    await db.init_db()
    province = await Union.filter(parent_id=None).order_by("id").first()
    assert province is not None
    print(f"{await Member.all().count()} members, database {args.db}")
    terms = args.terms.split(",")
    queries = {t: await member_search.members_in(province, t, actor_id=None) for t in terms}
    readers = {t: member_search.name_page_reader(province, t) for t in terms}

    async def read(term: str, planned: bool) -> float:
        start = time.perf_counter()
        ids, _ = await keyset_page(queries[term], 20, None, count=False, ids=True,
                                   reader=readers[term] if planned else None)
        assert ids or term.endswith("2")
        return (time.perf_counter() - start) * 1000

    # Past the five custom plans on every pooled connection, the narrow terms first: after
    # five costly custom plans PostgreSQL takes the generic one, as it does in service when a
    # connection's first searches are specific codes.
    for term in reversed(terms):
        for _ in range(8):
            await read(term, False)
            await read(term, True)
    medians: dict[tuple[str, bool], list[float]] = {}
    for round_ in range(args.rounds):
        for term in terms:
            modes = (False, True) if round_ % 2 == 0 else (True, False)
            for planned in modes:
                times = [await read(term, planned) for _ in range(args.runs)]
                medians.setdefault((term, planned), []).append(statistics.median(times))
    print(f"{'term':<12} {'ORM ms':>11} {'function ms':>15} {'ratio':>7}")
    for term in terms:
        default = statistics.median(medians[(term, False)])
        planned = statistics.median(medians[(term, True)])
        print(f"{term:<12} {default:>11.2f} {planned:>15.2f} {default / planned:>7.1f}")

    # The plans behind the figures: a statement prepared as asyncpg does, run six times with
    # the middle term, then with the broadest. (The literals are the seeded path and terms.)
    sql = queries[terms[0]].only("id").order_by("id").limit(21).sql()

    def execute(term: str) -> str:
        return f"EXECUTE s('{province.path}%', '%{term}%', 21)"

    async with in_transaction() as tx:
        await tx.execute_script(f"PREPARE s(text, text, int) AS {sql}")
        for _ in range(6):
            await tx.execute_query(execute(terms[len(terms) // 2]))
        for mode in ("auto", "force_custom_plan"):
            await tx.execute_script(f"SET LOCAL plan_cache_mode = {mode}")
            plan = await tx.execute_query_dict(f"EXPLAIN (ANALYZE, COSTS OFF) {execute(terms[0])}")
            print(f"\n{mode} ({terms[0]}):")
            print("\n".join(r["QUERY PLAN"] for r in plan))
        await tx.execute_script("DEALLOCATE s")
    await db.close_db()


if __name__ == "__main__":
    asyncio.run(main())
