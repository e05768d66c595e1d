"""The `unionhub` command: `sdl`, `serve --subgraph`, `seed --members`, run as real processes
against the test database and Redis (the environment conftest set up)."""

from __future__ import annotations

import asyncio
import os
import signal

import httpx
import pytest

from tests.processes import ROOT, free_port, run, stopped, unionhub, wait_healthy
from tests.schema_print import printed, snapshot_path
from tests.sms import sms_code
from unionhub.identity.codes import luhn_check_digit
from unionhub.identity.models import Member, MemberCard
from unionhub.identity.seed import SYNTHETIC_PREFIX, seed_members
from unionhub.schema.builder import build_schema
from unionhub.settings import get_settings


async def test_sdl_prints_the_subgraph_sdl():
    result = await run("sdl", "--subgraph", "identity")
    assert result.returncode == 0, result.stderr
    assert result.stdout == printed("identity")
    assert result.stdout == snapshot_path("identity").read_text(encoding="utf-8")
    assert result.stdout.startswith(
        'schema @link(url: "https://specs.apollo.dev/federation/v2.9"')


async def test_sdl_refuses_an_unknown_subgraph():
    result = await run("sdl", "--subgraph", "nosuch")
    assert result.returncode == 2 and "invalid choice" in result.stderr


async def test_serve_one_subgraph(factory):
    tree = await factory.tree()
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *unionhub("serve", "--subgraph", "identity", "--port", str(port)), cwd=ROOT,
        env=dict(os.environ), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            await wait_healthy(client, process)
            assert (await client.get("/ready")).json()["status"] == "ok"
            query = "query Roots { unions { name } _service { sdl } }"
            response = await client.post("/graphql", json={"query": query}, headers={
                "X-UnionHub-Router": get_settings().router_secret})
            body = response.json()
            assert response.status_code == 200, body
            assert body["data"]["unions"] == [{"name": tree.province.name}]
            assert len(body["extensions"]["traceId"]) == 32
            # Only the identity subgraph is served: its SDL, and its root fields alone.
            assert body["data"]["_service"]["sdl"] == build_schema("identity").as_str()
            fields = await client.post("/graphql", json={
                "query": '{ __type(name: "Query") { fields(includeDeprecated: true) { name } } }'})
            served = {f["name"] for f in fields.json()["data"]["__type"]["fields"]}
            assert served == _query_field_names("identity")
    finally:
        err = await stopped(process)
    stderr = err.decode()
    # uvicorn shuts down gracefully, then re-raises SIGTERM to exit with it.
    assert process.returncode in (0, -signal.SIGTERM), stderr
    assert "Application shutdown complete" in stderr


def _query_field_names(subgraph: str) -> set[str]:
    schema = build_schema(subgraph)
    return set(schema._schema.query_type.fields)


async def test_seed_members_is_set_based_and_resumable(gql, factory):
    tree = await factory.tree()
    before = await Member.all().count()
    steps: list[int] = []
    added = await seed_members(25, tree.all_grassroots, batch_size=10, progress=steps.append)
    assert added == 25 and steps == [10, 10, 5]
    assert await Member.all().count() == before + 25
    cards = await MemberCard.all().values_list("number", flat=True)
    assert len(cards) == len(set(cards)) >= 25
    assert all(luhn_check_digit(n[:-1]) == n[-1] for n in cards)
    # Spread over every grassroots union, all verified members with an active card.
    seeded = await Member.filter(display_name__startswith=SYNTHETIC_PREFIX)
    assert {m.union_id for m in seeded} == {u.id for u in tree.all_grassroots}
    assert all(m.verified_at is not None and m.id_number_bidx for m in seeded)

    # A second run adds only what is missing; ids continue, so sign-up still works after it.
    assert await seed_members(25, tree.all_grassroots) == 0
    assert await seed_members(30, tree.all_grassroots, batch_size=10) == 5
    code = await sms_code(gql, "13811112222")
    reg = await gql("""mutation R($code: String!) { register(input: {phone: "13811112222",
                       password: "long-enough-1", smsCode: $code}) { member { id } errors { code } } }""",
                    {"code": code})
    assert reg.data["register"]["errors"] == []
    assert int(reg.data["register"]["member"]["id"]) > max(m.id for m in seeded)

    # A seeded member is found by card through the hot lookup, by a cadre in scope.
    member = seeded[0]
    card = await MemberCard.get(member_id=member.id)
    cadre = await factory.cadre(tree.province)
    found = await gql("query C($c: String!) { member(cardNo: $c) { id tier } }",
                      {"c": card.number}, token=cadre.token)
    assert found.data["member"] == {"id": str(member.id), "tier": "VERIFIED"}


async def test_seed_members_command_shows_progress(factory):
    await factory.tree()
    result = await run("seed", "--members", "40")
    assert result.returncode == 0, result.stderr
    assert "40 members added" in result.stdout
    assert "seeding" in result.stderr and "40/40" in result.stderr  # tqdm's bar
    assert await Member.filter(display_name__startswith=SYNTHETIC_PREFIX).count() == 40
    again = await run("seed", "--members", "40")
    assert again.returncode == 0 and "0 members added" in again.stdout


async def test_seed_needs_something_to_do():
    result = await run("seed")
    assert result.returncode == 2 and "--demo" in result.stderr


@pytest.mark.parametrize("command", ["serve", "up"])
async def test_serve_refuses_an_unknown_subgraph(command):
    result = await run(command, "--subgraph", "nosuch", "--port", "9")
    assert result.returncode == 2 and "invalid choice" in result.stderr


@pytest.mark.parametrize("command", ["serve", "worker"])
async def test_a_payment_rail_without_its_keys_stops_the_service(command):
    env = {**os.environ, "UNIONHUB_PAYMENT_PROVIDERS": '{"WECHAT_PAY": "wechatpay"}',
           "UNIONHUB_WECHATPAY_MCHID": "1900000109", "REDIS_URL": "redis://127.0.0.1:1/0"}
    result = await run(command, *(["--port", "9"] if command == "serve" else []), env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("unionhub refuses to start: WeChat Pay is configured")
    assert "UNIONHUB_WECHATPAY_APIV3_KEY" in result.stderr and "Traceback" not in result.stderr
    assert "1900000109" not in result.stderr  # names settings, never values


async def test_worker_needs_redis():
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "UNIONHUB_REDIS_URL")}
    result = await run("worker", env=env)
    assert result.returncode == 1 and "needs REDIS_URL" in result.stderr


DEMO_LOGIN = """mutation L($i: LoginInput!) {
  login(input: $i) { accessToken errors { code } member { id tier union { name } } } }"""
DEMO_ACCOUNTS = {  # docs/contract.md, Demo data
    "13900000001": "MEMBER", "13900000002": "VERIFIED", "13900000003": "CADRE",
    "13900000004": "CADRE", "13900000005": "OPERATOR", "13900000006": "VERIFIED",
    "13900000007": "ADMIN", "13900000008": "ADMIN",
}


async def test_seed_demo_creates_the_contract_accounts(gql):
    result = await run("seed", "--demo")
    assert result.returncode == 0, result.stderr
    assert "demo data seeded" in result.stdout
    assert await Member.all().count() >= 2000 + len(DEMO_ACCOUNTS)
    sessions = {}
    for phone, tier in DEMO_ACCOUNTS.items():
        login = await gql(DEMO_LOGIN, {"i": {"phone": phone, "password": "demo-pass-2026"}})
        assert login.data["login"]["errors"] == [], phone
        assert login.data["login"]["member"]["tier"] == tier, phone
        sessions[phone] = login.data["login"]
    # The county-A cadre sees the county-A member in full and not the county-B one.
    lookup = "query M($id: ID!) { member(id: $id) { phone } }"
    cadre = sessions["13900000003"]["accessToken"]
    a = await gql(lookup, {"id": sessions["13900000002"]["member"]["id"]}, token=cadre)
    assert a.data["member"] == {"phone": "13900000002"}
    b = await gql(lookup, {"id": sessions["13900000006"]["member"]["id"]}, token=cadre)
    assert b.data["member"] is None
    again = await run("seed", "--demo")
    assert again.returncode == 0 and "already present" in again.stdout
