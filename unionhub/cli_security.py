"""`unionhub audit verify|anchor|archive` and `unionhub keys rotate|status` (issue 17)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable

from unionhub.cli_args import audit_anchor, positive, seconds


def add_parsers(sub: argparse._SubParsersAction) -> None:
    audit = sub.add_parser("audit", help="check or anchor the audit log's hash chain")
    audit.add_argument("action", choices=["verify", "anchor", "archive"],
                       help="verify: check every row's hash, name the first broken row "
                            "(exit 1), or rows left unlinked too long (exit 2); anchor: "
                            "print the head (keep it outside the database); "
                            "archive: move rows past UNIONHUB_AUDIT_RETENTION_DAYS to the archive")
    audit.add_argument("--anchor", default=None, metavar="SEQ:HASH", type=audit_anchor,
                       help="verify: a head printed earlier by `audit anchor` must still be "
                            "in the chain")
    keys = sub.add_parser("keys", help="rotate the personal-data keys, or count rows per key")
    keys.add_argument("action", choices=["rotate", "status"])
    keys.add_argument("--batch", type=positive, default=1000, help="rows per transaction")
    keys.add_argument("--pause", type=seconds, default=0.0,
                      help="seconds to wait between batches (to spare a busy database)")


def dispatch(args: argparse.Namespace,
             run: Callable[[Callable[[], Awaitable[None]]], None]) -> bool:
    """Runs the command if it is one of these; False otherwise."""
    if args.command == "audit":
        run(lambda: _audit(args.action, args.anchor))
    elif args.command == "keys":
        run(lambda: _keys(args.action, args.batch, args.pause))
    else:
        return False
    return True


async def _audit(action: str, anchor: str | None) -> None:
    from unionhub.identity import audit_integrity

    if action == "anchor":
        print(await audit_integrity.anchor())
    elif action == "archive":
        moved = await audit_integrity.archive_expired()
        print(f"{moved} audit rows archived")
    else:
        report = await audit_integrity.verify(anchor)
        if not report.ok:
            print(f"audit chain BROKEN after {report.rows} good rows: {report.breach}")
            raise SystemExit(1)
        print(f"audit chain intact: {report.rows} rows, head {report.head_seq}:"
              f"{report.head_hash}")
        unlinked = report.unlinked
        if unlinked.rows:
            print(f"{unlinked.rows} committed rows awaiting the linker (oldest "
                  f"{unlinked.oldest_age or 0:.0f} s)")
        if unlinked.alarm:
            print(f"ALARM: {unlinked.stale} rows unlinked for longer than "
                  "UNIONHUB_AUDIT_UNLINKED_ALARM_SECONDS: linking is failing")
            raise SystemExit(2)


async def _keys(action: str, batch: int, pause: float) -> None:
    from tqdm import tqdm

    from unionhub.crypto import rotation
    from unionhub.crypto.keyring import keyring

    if action == "status":
        ring = keyring()
        print(f"current key: {ring.current.id} ({ring.current.suite.cipher}, "
              f"{ring.current.suite.mac}); retired: "
              f"{', '.join(k.id for k in ring.live[1:]) or 'none'}")
        print(json.dumps(await rotation.status(), indent=2, sort_keys=True))
        return
    bar = tqdm(unit="row", desc=f"rotating to key {keyring().current.id}")

    def started(total: int) -> None:
        bar.total = total
        bar.refresh()

    try:
        result = await rotation.rotate(batch=batch, pause=pause, progress=bar.update, on_start=started)
    except rotation.RotationRunning as refused:
        bar.close()
        raise SystemExit(f"{refused.code}: {refused}") from None
    bar.close()
    left = sum(result.left.values())
    print(f"rotation {result.rotation_id} to key {result.target_key_id}: "
          f"{result.rows_rotated} rows rotated, {left} left")
    for table, ids in result.unreadable.items():  # ids only: the runbook says what to do
        print(f"{table}: {len(ids)} rows whose values do not authenticate under their row, "
              f"left as they are: ids {', '.join(map(str, ids))}")
    if left or result.unreadable:
        raise SystemExit(1)
