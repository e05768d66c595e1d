"""`unionhub sandbox sms PHONE` in the embedded mode: a server process on SQLite with its
in-process fakeredis, and the CLI as a separate process reading the code the server's sandbox
"sent" (so the sandbox's store cannot be fakeredis)."""

from __future__ import annotations

import asyncio
import os
import tempfile

import httpx

from tests.processes import ROOT, free_port, run, unionhub, wait_healthy

PHONE = "13812345678"
REQUEST = """mutation { requestSmsCode(input: {phone: "13812345678", purpose: REGISTER}) {
  retryAfterSeconds errors { code } } }"""
REGISTER = """mutation R($code: String!) { register(input: {phone: "13812345678",
  password: "long-enough-1", smsCode: $code}) { accessToken errors { code } } }"""


def _embedded_env(folder: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "UNIONHUB_REDIS_URL", "UNIONHUB_SMS_PROVIDER")}
    env["DATABASE_URL"] = f"sqlite://{folder}/embedded.sqlite3"
    env["UNIONHUB_ENV"] = "development"
    return env


async def test_the_cli_prints_the_code_the_server_sent():
    with tempfile.TemporaryDirectory(prefix="unionhub-sandbox-") as folder:
        env = _embedded_env(folder)
        migrated = await run("migrate", env=env)
        assert migrated.returncode == 0, migrated.stderr
        none_yet = await run("sandbox", "sms", PHONE, env=env)
        assert none_yet.returncode != 0 and "no live code" in none_yet.stderr
        port = free_port()
        server = await asyncio.create_subprocess_exec(
            *unionhub("serve", "--port", str(port)), cwd=ROOT, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
                await wait_healthy(client, server)
                sent = (await client.post("/graphql", json={"query": REQUEST})).json()
                assert sent["data"]["requestSmsCode"] == {"retryAfterSeconds": 60, "errors": []}
                printed = await run("sandbox", "sms", PHONE, env=env)
                assert printed.returncode == 0, printed.stderr
                code = printed.stdout.strip()
                assert len(code) == 6 and code.isdigit() and "REGISTER" in printed.stderr
                signed_up = (await client.post("/graphql", json={
                    "query": REGISTER, "variables": {"code": code}})).json()
                assert signed_up["data"]["register"]["errors"] == []
                # Used up: no live code is left to print.
                after = await run("sandbox", "sms", PHONE, env=env)
                assert after.returncode != 0 and "no live code" in after.stderr
        finally:
            if server.returncode is None:
                server.terminate()
            await server.wait()


async def test_the_cli_refuses_when_the_sandbox_is_not_in_use():
    env = dict(os.environ, UNIONHUB_SMS_PROVIDER="tencent", UNIONHUB_SMS_SIGN_NAME="s",
               UNIONHUB_SMS_TEMPLATE_ID="1", UNIONHUB_TENCENTCLOUD_SECRET_ID="id",
               UNIONHUB_TENCENTCLOUD_SECRET_KEY="key", UNIONHUB_TENCENT_SMS_SDK_APP_ID="1400")
    result = await run("sandbox", "sms", PHONE, env=env)
    assert result.returncode != 0 and "not in use" in result.stderr
