"""`unionhub`: migrate, seed, serve, print SDL, run the job worker, and `up` (the quick start's
all-in-one)."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import re
import sys
from collections.abc import Awaitable, Callable

from unionhub.cli_args import Parser, non_negative, port_number, positive
from unionhub.domains import DOMAINS

SIGPIPE_EXIT = 141  # 128 + SIGPIPE: what a shell reports for a tool that stopped on `| head`


class Refused(Exception):
    """A user mistake the CLI answers with one line and exit status 1, no traceback."""


def _run(coro_factory: Callable[[], Awaitable[None]], *, connect: bool = True) -> None:
    from unionhub import cache, db

    async def main() -> None:
        if connect:
            await db.init_db()
        try:
            if connect:
                await _require_migrated()
            await coro_factory()
        finally:
            if connect:  # rows the command wrote in transactions, linked before the pool closes
                from unionhub.identity import audit_linker, revocation

                await audit_linker.finish()
                await revocation.finish()
            # Always close: an open aiosqlite thread would keep the process from exiting.
            await db.close_db()
            await cache.close_redis()

    asyncio.run(main())


async def _require_migrated() -> None:
    from asyncpg import PostgresError

    from unionhub import db

    try:
        await db.ping()  # (the migration recorder takes any failure for "no migrations yet")
    except OSError as exc:  # refused, unknown host, no such database (Tortoise's error)
        raise Refused(f"cannot reach the database in DATABASE_URL: {exc.strerror or exc}") from None
    except PostgresError as exc:  # a role or password the server refuses
        raise Refused(f"the database in DATABASE_URL refused the connection: {exc}") from None
    pending = await db.pending_migrations()
    if pending:
        raise Refused(f"the database is not migrated ({len(pending)} migrations pending): "
                      "run `unionhub migrate` first")


async def _check_database() -> None:
    """Before serving: the database is reachable and migrated (connects, checks, closes)."""


async def _migrate() -> None:
    from unionhub import db

    await db.migrate()
    print("migrations applied")


async def _makemigrations() -> None:
    from tortoise.cli.cli import CLIContext, makemigrations

    await makemigrations(CLIContext(config="unionhub.db.TORTOISE_ORM", config_file=None),
                         (), False, None)


async def _seed(demo: bool, members: int) -> None:
    from tqdm import tqdm

    from unionhub.identity import seed as identity_seed
    from unionhub.identity.accounts import phone_index
    from unionhub.identity.models import Member, Union, UnionLevel

    if demo:
        if await Member.filter(phone_bidx=phone_index("13900000001")).exists():
            print("demo data already present; skipping")
        else:
            tree = await identity_seed.seed_demo()
            for domain in DOMAINS[1:]:
                module = importlib.import_module(f"unionhub.{domain}.seed")
                await module.seed_demo(tree)
            print("demo data seeded")
    if members:
        unions = await Union.filter(level=UnionLevel.GRASSROOTS, is_holding_pool=False)
        if not unions:
            unions = [(await identity_seed.seed_tree()).all_grassroots[0]]
        with tqdm(total=members, unit="member", desc="seeding") as bar:
            done = await identity_seed.seed_members(members, unions, progress=bar.update)
        print(f"{done} members added")
    if demo or members:  # the cockpit's member figures count them now, not at the job's next run
        from unionhub.identity.member_figures import refresh

        await refresh()


async def _grant_vouchers(campaign_id: int) -> None:
    from tqdm import tqdm

    from unionhub.errors import Conflict
    from unionhub.mall.campaigns import check_grant_covers_scope, continue_grant
    from unionhub.mall.models import CampaignKind, VoucherCampaign

    campaign = await VoucherCampaign.get_or_none(id=campaign_id)
    if campaign is None or campaign.kind != CampaignKind.GRANT:
        raise SystemExit(f"campaign {campaign_id} is not a GRANT campaign")
    if not campaign.grant_requested:  # a resumed grant has passed the check already
        try:
            await check_grant_covers_scope(campaign)
        except Conflict as short:
            raise SystemExit(f"campaign {campaign_id}: {short.code}: {short.message}") from None
    await VoucherCampaign.filter(id=campaign_id).update(grant_requested=True)
    room = campaign.max_vouchers - campaign.issued_count
    with tqdm(total=room, unit="voucher", desc="granting") as bar:
        done = False
        while not done:
            progress = await continue_grant(campaign_id, time_budget_s=1.0)
            bar.update(progress.granted)
            done = progress.done
    print(f"campaign {campaign_id}: {progress.campaign.issued_count} vouchers issued")


async def _sandbox_sms(phone: str) -> None:
    from unionhub.identity.sms_providers.sandbox import latest_live_code
    from unionhub.settings import get_settings

    if get_settings().sms_provider != "sandbox":
        raise SystemExit("the sandbox SMS provider is not in use (UNIONHUB_SMS_PROVIDER)")
    found = await latest_live_code(phone)
    if found is None:
        raise SystemExit(f"no live code for {phone}: ask for one with requestSmsCode")
    code, purpose = found
    print(f"purpose: {purpose.value}", file=sys.stderr)
    print(code)  # alone on stdout: CODE=$(unionhub sandbox sms PHONE)


def _require_free_port(host: str, port: int) -> None:
    """Binds the address once (as uvicorn will, with SO_REUSEADDR) so a port in use is one
    line here instead of uvicorn's logged error."""
    import errno
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror:
        raise Refused(f"unknown host {host!r}: give --host an address of this machine "
                      "(make up HOST=...)") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise Refused(f"port {port} on {host} is in use: choose another with --port "
                              "(make up PORT=...)") from None
            if exc.errno == errno.EACCES:
                raise Refused(f"not allowed to listen on port {port}: choose one above 1023 "
                              "with --port (make up PORT=...)") from None
            raise Refused(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _check_workers(workers: int) -> None:
    """Several worker processes share state only through Redis and PostgreSQL. Without
    REDIS_URL each would keep its own in-process Redis: one worker's member-cache
    invalidations, rate limits and persisted queries would never reach the others (stale
    scopes and tiers for up to the cache TTL), and each would run the periodic jobs."""
    if workers < 1:
        raise SystemExit("--workers must be at least 1")
    from unionhub.settings import get_settings

    if workers > 1 and not get_settings().redis_url:
        raise SystemExit("--workers above 1 needs REDIS_URL: in the embedded mode each process "
                         "would keep its own in-process Redis (caches, rate limits) that the "
                         "others never see. Set REDIS_URL, or serve with one worker.")


def _serve(subgraph: str | None, host: str, port: int, workers: int) -> None:
    import uvicorn

    _check_workers(workers)
    _require_free_port(host, port)

    if subgraph is None:
        factory = "unionhub.app:create_app"
    else:
        import os

        os.environ["UNIONHUB_SUBGRAPH"] = subgraph
        factory = "unionhub.app:create_subgraph_app"
    from unionhub.observability.logs import log_config
    from unionhub.settings import get_settings

    # No access log: it costs ~40 µs a request and would log URLs (docs/library-notes.md).
    # Every logger's lines as JSON with the trace id, in each worker process too.
    settings = get_settings()
    uvicorn.run(factory, factory=True, host=host, port=port, workers=workers, access_log=False,
                log_config=log_config(settings.log_level, settings.log_sql_parameters))


def _sdl(subgraph: str | None) -> None:
    from unionhub.schema.builder import build_schema

    print(build_schema(subgraph).as_str())


def _gateway(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    from pathlib import Path

    from unionhub import gateway

    gateway.require_installed()
    urls = gateway.default_urls()
    for item in args.subgraph_url:
        domain, _, url = item.partition("=")
        if domain not in urls or not url:
            parser.error(f"--subgraph-url wants DOMAIN=URL with DOMAIN in {DOMAINS}")
        urls[domain] = url
    gateway.run(urls, args.host, args.port, Path(args.supergraph).resolve())


def main(argv: list[str] | None = None) -> None:
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from unionhub.db import UnsupportedDatabase
    from unionhub.identity.provider_errors import ProviderConfigurationError
    from unionhub.mall.providers.base import PaymentConfigurationError
    from unionhub.settings import InsecureProductionSettings

    try:
        _main(argv)
        sys.stdout.flush()  # a closed pipe shows here, not at exit where it cannot be caught
    except (PaymentConfigurationError, ProviderConfigurationError,
            InsecureProductionSettings) as refused:
        # Configuration the service cannot run with: one clear line (it names settings,
        # never their values), no traceback.
        raise SystemExit(f"unionhub refuses to start: {refused}") from None
    except (Refused, UnsupportedDatabase) as mistake:
        raise SystemExit(f"unionhub: {mistake}") from None
    except ValidationError as invalid:  # a setting from the environment that does not parse
        names = ", ".join(_setting_name(e["loc"]) for e in invalid.errors())
        raise SystemExit(f"unionhub: invalid setting {names}: {invalid.errors()[0]['msg']}"
                         ) from None  # (the messages, never the values: they may be secrets)
    except SettingsError as invalid:  # a JSON setting (a list, a map) that does not parse
        field = re.search(r'field "(\w+)"', str(invalid))
        name = _setting_name((field.group(1),)) if field else "(unknown)"
        raise SystemExit(f"unionhub: invalid setting {name}: not valid JSON "
                         "(docs/settings.md)") from None  # (never the value: it may be a key)
    except BrokenPipeError:
        # The reader went away (`unionhub sdl | head`): stop quietly, as Unix tools do.
        # Python would flush stdout again at exit and complain: point it at /dev/null.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(SIGPIPE_EXIT) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None


def _setting_name(loc: tuple[int | str, ...]) -> str:
    name = str(loc[0]) if loc else "?"
    return name.upper() if name in ("database_url", "redis_url") else f"UNIONHUB_{name.upper()}"


def _warn_unknown_settings() -> None:
    """A UNIONHUB_* name nothing reads is a typo until shown otherwise (production refuses it
    with the rest of its settings: settings_production.py)."""
    from unionhub.settings_env import unknown_variables

    if os.environ.get("UNIONHUB_ENV", "").lower() != "production":
        for name in unknown_variables(os.environ):
            print(f"unionhub: warning: {name} is not a setting; nothing reads it "
                  "(docs/settings.md lists them)", file=sys.stderr)


def _main(argv: list[str] | None = None) -> None:
    parser = Parser(prog="unionhub", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("makemigrations", help="write migrations for model changes (development)")
    seed = sub.add_parser("seed", help="seed demo or synthetic data")
    seed.add_argument("--demo", action="store_true", help="the demo data of docs/contract.md")
    seed.add_argument("--members", type=non_negative, default=0, metavar="N",
                      help="add synthetic members until there are N of them")
    for name in ("serve", "up"):
        p = sub.add_parser(name, help="serve GraphQL" if name == "serve"
                           else "migrate, seed the demo data if absent, and serve")
        p.add_argument("--subgraph", choices=DOMAINS, default=None,
                       help="serve one domain's subgraph (default: the whole platform)")
        p.add_argument("--host", default="127.0.0.1", help="address to listen on")
        p.add_argument("--port", type=port_number, default=8000, help="port to listen on")
        p.add_argument("--workers", type=positive, default=1,
                       help="uvicorn worker processes, one per core (above 1 needs REDIS_URL)")
    sub.add_parser("worker", help="run the periodic jobs on arq (needs REDIS_URL)")
    ops = sub.add_parser("operations", help="register persisted operations (front-end builds)")
    ops.add_argument("action", choices=["add"])
    ops.add_argument("files", nargs="+", help=".graphql files, one operation each, or persisted-documents .json "
                     "manifests (GraphQL Code Generator's client preset, sha256)")
    ops.add_argument("--manifest", default=None,
                     help="manifest path (default: UNIONHUB_PERSISTED_OPERATIONS_FILE)")
    sdl = sub.add_parser("sdl", help="print the schema (a subgraph's SDL with --subgraph)")
    sdl.add_argument("--subgraph", choices=DOMAINS, default=None,
                     help="one domain's subgraph SDL (default: the platform schema)")
    grant = sub.add_parser("grant-vouchers", help="issue a GRANT voucher campaign to its whole "
                           "scope (resumable; the worker does the same in the background)")
    grant.add_argument("campaign_id", type=positive, help="the campaign's id")
    gw = sub.add_parser("gateway", help="compose the subgraphs and serve them through Hive Gateway")
    gw.add_argument("--host", default="127.0.0.1", help="address to listen on")
    gw.add_argument("--port", type=port_number, default=4000, help="port to listen on")
    gw.add_argument("--subgraph-url", action="append", default=[], metavar="DOMAIN=URL",
                    help="a subgraph's URL (default: http://127.0.0.1:8001.. in DOMAINS order)")
    gw.add_argument("--supergraph", default="supergraph.graphql", help="where to write it")
    sandbox = sub.add_parser("sandbox", help="development sandboxes: try payments and SMS "
                             "without a real provider (refused in production)")
    sandbox_commands = sandbox.add_subparsers(dest="sandbox_command", required=True)
    from unionhub.mall.sandbox_cli import add_commands as add_payment_sandbox

    add_payment_sandbox(sandbox_commands)  # pay, refund-result
    sandbox_sms = sandbox_commands.add_parser(
        "sms", help="print the latest live code the sandbox SMS provider sent to PHONE")
    sandbox_sms.add_argument("phone")
    sandbox_sms.set_defaults(sandbox_run=lambda a: _run(lambda: _sandbox_sms(a.phone)))
    from unionhub import cli_security
    from unionhub.mall import sales_cli

    cli_security.add_parsers(sub)
    sales_cli.add_parsers(sub)
    args = parser.parse_args(argv)
    _warn_unknown_settings()
    if cli_security.dispatch(args, _run) or sales_cli.dispatch(args, _run):
        return

    if args.command == "migrate":
        _run(_migrate, connect=False)
    elif args.command == "makemigrations":
        _run(_makemigrations, connect=False)
    elif args.command == "seed":
        if not (args.demo or args.members):
            parser.error("seed needs --demo and/or --members N")
        _run(lambda: _seed(args.demo, args.members))
    elif args.command == "operations":
        from unionhub.cli_operations import add_operations

        add_operations(parser, args.files, args.manifest)
    elif args.command == "grant-vouchers":
        _run(lambda: _grant_vouchers(args.campaign_id))
    elif args.command == "sdl":
        _sdl(args.subgraph)
    elif args.command == "worker":
        from unionhub.worker import main as run_worker
        from unionhub.worker import worker_settings

        settings = worker_settings()  # once: it starts the metrics server on its port
        if not settings["cron_jobs"]:  # arq refuses to start with nothing registered
            print("no periodic jobs registered; nothing to run")
            return
        _run(_check_database)  # the jobs would fail on every run against an unmigrated one
        run_worker(settings)
    elif args.command == "up":
        _check_workers(args.workers)
        _require_free_port(args.host, args.port)  # before the migrations and the seed
        _run(_migrate, connect=False)
        _run(lambda: _seed(True, 0))
        print(f"serving GraphQL at http://{args.host}:{args.port}/graphql")
        _serve(args.subgraph, args.host, args.port, args.workers)
    elif args.command == "serve":
        _run(_check_database)
        _serve(args.subgraph, args.host, args.port, args.workers)
    elif args.command == "gateway":
        _gateway(parser, args)
    elif args.command == "sandbox":
        args.sandbox_run(args)  # each sandbox subcommand sets its own runner


if __name__ == "__main__":
    main(sys.argv[1:])
