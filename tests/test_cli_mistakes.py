"""User mistakes with the `unionhub` command: each is one clear line on stderr and a non-zero
exit, never a traceback. Run as real processes (tests/test_cli.py's `run`)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess

import pytest

from tests.processes import ROOT, free_port, run, unionhub


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The refusal's single line (asserting there is exactly one, and no traceback)."""
    text = result.stderr.strip()
    assert text and "\n" not in text and "Traceback" not in text, result.stderr
    return text


@pytest.mark.parametrize("command", [("serve", "--port", "9"), ("grant-vouchers", "1"),
                                     ("worker",)])
async def test_serving_an_unmigrated_database_says_to_migrate(tmp_path, command):
    # (the worker needs a REDIS_URL before anything; the check stops it before it connects)
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path}/fresh.sqlite3",
           "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:1/0"}
    result = await run(*command, env=env)
    assert result.returncode == 1 and "unionhub migrate" in one_line(result)


async def test_seed_before_migrate_says_to_migrate(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path}/fresh.sqlite3"}
    result = await run("seed", "--demo", env=env)
    assert result.returncode == 1
    line = one_line(result)
    assert "not migrated" in line and "unionhub migrate" in line
    migrated = await run("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    # Migrated, the same database takes the seed (the check does not refuse a good database).
    seeded = await run("seed", "--members", "3", env=env)
    assert seeded.returncode == 0, seeded.stderr
    assert "3 members added" in seeded.stdout


@pytest.mark.parametrize("url", ["mysql://root@127.0.0.1/unionhub", "oracle://x@y/z", "nonsense"])
@pytest.mark.parametrize("command", [("migrate",), ("seed", "--demo"), ("serve", "--port", "9")])
async def test_an_unsupported_database_url(url, command):
    result = await run(*command, env={**os.environ, "DATABASE_URL": url})
    assert result.returncode == 1
    line = one_line(result)
    assert line.startswith("unionhub: DATABASE_URL has") and "postgres://" in line
    assert "aiomysql" not in line


async def test_an_unreachable_database(tmp_path):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": f"postgres://unionhub:secret-pw@127.0.0.1:{port}/x"}
    result = await run("seed", "--demo", env=env)
    assert result.returncode == 1
    line = one_line(result)
    assert "cannot reach the database" in line and "secret-pw" not in line


@pytest.mark.parametrize(("args", "says"), [
    (("seed", "--members", "-5"), "--members: must be 0 or more, not -5"),
    (("seed", "--members", "many"), "--members: must be a whole number"),
    (("serve", "--workers", "0"), "--workers: must be 1 or more"),
    (("serve", "--port", "70000"), "--port: must be a port number"),
    (("up", "--port", "-1"), "--port: must be a port number"),
    (("grant-vouchers", "-3"), "campaign_id: must be 1 or more"),
    # keys rotate: a batch of 0 or less used to run (-5 crashed with a traceback and left the
    # rotation marked running for a minute); a negative pause ran without one.
    (("keys", "rotate", "--batch", "0"), "--batch: must be 1 or more"),
    (("keys", "rotate", "--batch", "-5"), "--batch: must be 1 or more"),
    (("keys", "rotate", "--pause", "-1"), "--pause: must be 0 seconds or more"),
    (("keys", "rotate", "--pause", "nan"), "--pause: must be 0 seconds or more"),
    # A negative limit ended in Tortoise's "LIMIT must not be negative" traceback.
    (("mall", "check-sales-summary", "--limit", "-1"), "--limit: must be 0 or more"),
    # A mistyped anchor used to answer "audit chain BROKEN" (exit 1): a false tamper alarm.
    (("audit", "verify", "--anchor", "garbage"), "--anchor: must be a head printed by"),
    (("audit", "verify", "--anchor", "12:abc"), "--anchor: must be a head printed by"),
])
async def test_bad_numbers_are_refused_before_anything_runs(args, says):
    result = await run(*args)
    assert result.returncode == 2
    line = one_line(result)
    assert says in line and "--help" in line


async def test_an_invalid_setting_is_named_without_its_value():
    result = await run("serve", env={**os.environ, "UNIONHUB_MAX_QUERY_COST": "lots"})
    assert result.returncode == 1
    line = one_line(result)
    assert "UNIONHUB_MAX_QUERY_COST" in line and "lots" not in line


@pytest.mark.parametrize(("variable", "value"), [
    ("UNIONHUB_RETIRED_KEYS", '{"v0": {"suite": "aes", "data_key": "SECRET-KEY-TEXT"'),
    ("UNIONHUB_CORS_ORIGINS", "https://app.example.org"),  # a list is JSON
])
async def test_a_setting_that_is_not_json_is_named_without_its_value(variable, value):
    """It used to end in pydantic-settings' SettingsError traceback."""
    result = await run("keys", "status", env={**os.environ, variable: value})
    assert result.returncode == 1
    line = one_line(result)
    assert line == f"unionhub: invalid setting {variable}: not valid JSON (docs/settings.md)"


async def test_gateway_without_npm_install(tmp_path):
    result = await run("gateway", env={**os.environ, "UNIONHUB_GATEWAY_DIR": str(tmp_path)})
    assert result.returncode == 1
    line = one_line(result)
    assert "not installed" in line  # Node itself, or `npm ci --prefix deploy/gateway`


@pytest.mark.parametrize("command", ["serve", "up"])
async def test_a_port_in_use(command):
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = await run(command, "--port", str(port))
    assert result.returncode == 1
    line = one_line(result)
    assert f"port {port} on 127.0.0.1 is in use" in line and "PORT=" in line


async def test_help_shows_the_defaults():
    result = await run("serve", "--help")
    assert result.returncode == 0
    assert "(default: 8000)" in result.stdout and "(default: 127.0.0.1)" in result.stdout
    assert "(default: 1)" in result.stdout and "(default: None)" not in result.stdout
    gateway = await run("gateway", "--help")
    assert "(default: 4000)" in gateway.stdout and "supergraph.graphql" in gateway.stdout


def test_make_up_passes_port_and_host():
    dry = subprocess.run(["make", "-n", "up", "PORT=8123", "HOST=0.0.0.0"], cwd=ROOT,  # noqa: S607
                         capture_output=True, text=True, check=True)
    assert "unionhub up --host 0.0.0.0 --port 8123" in dry.stdout
    default = subprocess.run(["make", "-n", "up"], cwd=ROOT,  # noqa: S607
                             capture_output=True, text=True, check=True)
    assert "unionhub up --host 127.0.0.1 --port 8000" in default.stdout


async def test_a_closed_pipe_ends_quietly():
    """`unionhub sdl | head`: the reader is gone before the schema is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: the first write fails with EPIPE
    try:
        process = await asyncio.create_subprocess_exec(
            *unionhub("sdl"), cwd=ROOT, env=dict(os.environ), stdout=write_end,
            stderr=asyncio.subprocess.PIPE)
    finally:
        os.close(write_end)
    async with asyncio.timeout(120):
        _, err = await process.communicate()
    assert err.decode() == ""
    assert process.returncode == 141  # as a tool stopped by SIGPIPE, so `set -o pipefail` sees it


@pytest.mark.parametrize(("text", "says"), [
    (None, "cannot read"),  # the file is not there
    ("query { me { id } ", "not a GraphQL document"),
    ("query Me { me { noSuchField } }", "does not validate against the schema"),
])
async def test_operations_add_refuses_what_no_client_could_run(tmp_path, text, says):
    """A broken operation used to be registered (exit 0), and would stop the gateway at its
    next start: now nothing is written, in one line."""
    good = tmp_path / "me.graphql"
    good.write_text("query Me { me { id } }")
    bad = tmp_path / "bad.graphql"
    if text is not None:
        bad.write_text(text)
    manifest = tmp_path / "ops.json"
    result = await run("operations", "add", str(good), str(bad), "--manifest", str(manifest))
    assert result.returncode == 1
    line = one_line(result)
    assert says in line and "bad.graphql" in line
    assert not manifest.exists()
