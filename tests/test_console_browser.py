"""The console in a real browser (issue 20): console/e2e/run.mjs drives Debian's Chromium
through playwright-core against `unionhub serve` over the demo seed, in safelist mode with the
console's persisted-documents manifest registered by `unionhub operations add` (so every
operation the console sends is a registered one). Screenshots go to
console/test-results/screenshots/. Skipped when node, the console's node_modules or
/usr/bin/chromium are missing (.ci/run installs them)."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import httpx
import pytest

from tests.identity.standins import tencent
from tests.processes import ROOT, free_port, run, unionhub, wait_healthy
from unionhub.mall.models import PaymentExceptionKind
from unionhub.mall.payment_exceptions import open_exception

CONSOLE = ROOT / "console"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = CONSOLE / "test-results" / "screenshots"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (CONSOLE / "node_modules" / "playwright-core").exists()
    or not Path(CHROMIUM).exists(),
    reason="needs node, `npm ci --prefix console` and Debian's chromium")


async def _browse(tmp_path: Path, *scenarios: str, server_env: dict[str, str] | None = None,
                  browser_env: dict[str, str] | None = None) -> None:
    """`unionhub serve` over the seeded database in safelist mode (plus `server_env`), and
    run.mjs's `scenarios` (none: its default set) against it (plus `browser_env`); fails on any
    check the script reports failed."""
    manifest = tmp_path / "operations.json"
    added = await run("operations", "add", str(CONSOLE / "src/gql/persisted-documents.json"),
                      "--manifest", str(manifest))
    assert added.returncode == 0, added.stderr
    port = free_port()
    env = {**os.environ, "UNIONHUB_PERSISTED_OPERATIONS_FILE": str(manifest),
           "UNIONHUB_PERSISTED_OPERATIONS_ONLY": "true",
           "UNIONHUB_SLOW_OPERATION_THRESHOLD_MS": "0",  # every operation is "slow": a list to open
           "UNIONHUB_SMS_RESEND_SECONDS": "0",  # four codes in a row: the captcha step
           **(server_env or {})}
    server = await asyncio.create_subprocess_exec(
        *unionhub("serve", "--port", str(port)), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            await wait_healthy(client, server)
            # Safelist mode is on: a text the console did not register is refused.
            other = await client.post("/graphql", json={"query": "{ unions { id } }"})
            assert other.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
        browser = await asyncio.create_subprocess_exec(
            "node", str(CONSOLE / "e2e/run.mjs"), *scenarios, cwd=CONSOLE,
            env={**os.environ, "BASE_URL": base, "SCREENSHOTS": str(SHOTS), "CHROMIUM": CHROMIUM,
                 "UNIONHUB_CLI": unionhub()[0], "SAFELIST": "1", **(browser_env or {})},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        async with asyncio.timeout(150):
            out, _ = await browser.communicate()
        report = out.decode()
        print(report)  # each check, shown with -s or on failure
        assert browser.returncode == 0, report
        assert " 0 failed" in report, report
    finally:
        if server.returncode is None:
            server.terminate()
        async with asyncio.timeout(20):
            await server.wait()


async def test_console_in_a_browser(tmp_path):
    seeded = await run("seed", "--demo")
    assert seeded.returncode == 0, seeded.stderr
    await open_exception(PaymentExceptionKind.UNKNOWN_ORDER, provider="sandbox",
                         reason="no order for this trade", provider_ref="sbx-e2e-1",
                         amount_fen=1990)
    await _browse(tmp_path)


async def test_root_funds_by_two_admins_in_a_browser(tmp_path):
    """The demo's two admins on the root union's funds page: A proposes and is refused
    SELF_APPROVAL on their own, B is refused NOT_PROPOSER and NOTE_REQUIRED, rejects one and
    approves the other, and the root's budget on screen grows by its amount (run.mjs
    rootFunds)."""
    seeded = await run("seed", "--demo")
    assert seeded.returncode == 0, seeded.stderr
    await _browse(tmp_path, "rootFunds")


async def test_the_captcha_script_is_gone_once_signed_in(tmp_path):
    """With Tencent's captcha configured, its script (a stand-in served in its place by run.mjs,
    which keeps reporting from every page it runs in) is loaded for the SMS code at sign-in,
    and runs no more once the person is signed in: the signed-in console is a fresh page without
    it (run.mjs tencentCaptcha). The ticket it hands over is checked by the server against
    Tencent's API stand-in, through its SDK."""
    seeded = await run("seed", "--demo")
    assert seeded.returncode == 0, seeded.stderr
    async with tencent.serving_captcha() as (cloud, url):
        solved = cloud.solve_captcha()
        await _browse(tmp_path, "tencentCaptcha", server_env={
            **tencent.CAPTCHA_ENV,
            "UNIONHUB_TENCENT_CAPTCHA_ENDPOINT": url,
            "UNIONHUB_SMS_CODES_BEFORE_CAPTCHA": "0",  # the first code needs the captcha
        }, browser_env={"CAPTCHA_TICKET": solved["ticket"], "CAPTCHA_RANDSTR": solved["randstr"]})
        assert [c["Ticket"] for c in cloud.captcha_checks] == [solved["ticket"]]
