"""What the revoked-session check adds to every authenticated request (issue 16, point 4).

    .venv/bin/python bench/revocation_check.py

In process, no server: the per-request work of `http_view` and `tokens.principal_from_token`
on a token already in the verified-token cache (the hot lookup's case), for

- a token without a session id (what every request cost before: the check short-circuits),
- a token with one, against revocation sets of 0, 1,000 and 100,000 ids, plus the freshness
  test (`REVOKED.must_catch_up()`, a clock read) the view makes first.

The set is kept fresh for the run, so no Redis or database read happens: those are amortised,
one per process per second at most, in a background task (see identity/revocation.py).
For the whole request, run bench/ab.py with the tree before this change as A and this tree as B
(B signs in, so both servers are driven with a token that carries a session id):

    git worktree add /tmp/before <commit before "Sign-out and revocation">
    .venv/bin/python bench/ab.py /tmp/before . --rounds 5

Figures need a quiet machine: on a busy one the spread between runs exceeds the difference.
"""

from __future__ import annotations

import secrets
import time
import timeit

from unionhub.identity.models import Role
from unionhub.identity.revocation import REVOKED
from unionhub.identity.tokens import issue_access_token, principal_from_token


def per_call_ns(statement, number: int = 200_000) -> float:
    best = min(timeit.repeat(statement, number=number, repeat=5))
    return best / number * 1e9


def main() -> None:
    legacy = issue_access_token(7, Role.MEMBER, None, None)
    with_sid = issue_access_token(7, Role.MEMBER, None, None, session_id=secrets.token_hex(16))
    principal_from_token(legacy), principal_from_token(with_sid)  # into the verified cache
    REVOKED.fresh_at = time.monotonic() + 3600  # fresh for the run: no I/O is measured

    def request(token: str):
        def one() -> None:
            if REVOKED.must_catch_up():
                raise AssertionError("the copy went stale during the run")
            principal_from_token(token)
        return one

    print(f"{'case':58} {'ns/request':>10}")
    print(f"{'token without sid (the check short-circuits)':58} "
          f"{per_call_ns(lambda: principal_from_token(legacy)):10.0f}")
    for size in (0, 1_000, 100_000):
        REVOKED.revoked = {secrets.token_hex(16): time.time() for _ in range(size)}
        print(f"{f'token with sid + freshness test, {size:,} revoked ids':58} "
              f"{per_call_ns(request(with_sid)):10.0f}")


if __name__ == "__main__":
    main()
