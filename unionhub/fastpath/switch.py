"""Which fast-path parts serve: all of them by default, none under `UNIONHUB_FAST_PATH=0`.

Each part can also be turned off alone (`UNIONHUB_FAST_PATH_OFF=spans,redis`), so that bench/
can measure what each one buys (bench/fastpath_ab.py). Off, a part's work is done by the
library's public path instead, with the same answers, spans and audit rows
(tests/test_fast_path_modes.py):

- execute:   strawberry's `Schema.execute` and its extensions runner (fastpath/execution.py)
- compiled:  graphql-core's executor (fastpath/compiled.py; needs `execute` on)
- resolvers: strawberry's resolver wrappers (fastpath/lean.py; read when a schema is built)
- spans:     the SDK's spans (fastpath/lean_span.py)
- redis:     redis-py's pool (fastpath/shared_redis.py)
- audit:     a pool connection per audit batch through Tortoise (fastpath/held_connection.py)
- metrics:   the SDK's histograms (fastpath/hot_metrics.py; read once, when metrics are set up)
- orm:       Tortoise's queryset for the screens' by-key loads (fastpath/orm_rows.py)
- keyset:    Tortoise's queryset for plain keyset pages (fastpath/keyset_rows.py, and the related
             rows read with them: fastpath/attached_rows.py)
- onetrip:   one statement per plain read (fastpath/one_trip.py: a request's keyset reads queued
             in the same turn sent as one statement)
- release:   asyncpg's shielded pool release (fastpath/pool_release.py: in place when it cannot
             suspend)

Readers look the flags up per use (`switch.ON.spans`: two attribute reads), so a test can
serve both modes in one process (`configure`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

COMPONENTS = ("execute", "compiled", "resolvers", "spans", "redis", "audit", "metrics", "orm",
              "keyset", "onetrip", "release")


@dataclass(frozen=True, slots=True)
class Switches:
    execute: bool = True
    compiled: bool = True
    resolvers: bool = True
    spans: bool = True
    redis: bool = True
    audit: bool = True
    metrics: bool = True
    orm: bool = True
    keyset: bool = True
    onetrip: bool = True
    release: bool = True

    @classmethod
    def of(cls, fast_path: bool, off: tuple[str, ...] = ()) -> Switches:
        unknown = set(off) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"unknown fast-path parts {sorted(unknown)}; choose from "
                             f"{', '.join(COMPONENTS)}")
        return cls(**{name: fast_path and name not in off for name in COMPONENTS})


ON: Switches


def configure(settings: Any) -> Switches:
    """The switches from settings (`fast_path`, `fast_path_off`), for the whole process."""
    global ON
    from unionhub.settings import fast_path_parts

    ON = Switches.of(settings.fast_path, fast_path_parts(settings.fast_path_off))
    return ON


def set_switches(switches: Switches) -> Switches:
    """Sets the switches; returns the ones they replace (tests serve both modes in turn)."""
    global ON
    previous = globals().get("ON")
    ON = switches
    return previous if previous is not None else Switches()


def __getattr__(name: str) -> Any:
    # The first reader configures from the environment's settings (create_app configures
    # from its own settings).
    if name == "ON":
        from unionhub.settings import get_settings

        return configure(get_settings())
    raise AttributeError(name)
