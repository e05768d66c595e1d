"""Online key rotation through the real CLI: killed half way (SIGKILL) and resumed, a second
run refused while one is alive, lookups by blind index and reads of ciphertexts answering
throughout, and every value under the new key at the end."""

from __future__ import annotations

import asyncio
import signal
import time

import pytest

from tests.crypto.key_switch import _switch_to_a_new_key, restore_settings  # noqa: F401
from tests.factories import Factory
from tests.processes import ROOT, run, unionhub
from unionhub.crypto import rotation
from unionhub.identity import audit, audit_integrity
from unionhub.identity.models import AuditLog, KeyRotation, Member
from unionhub.identity.seed import seed_members
from unionhub.settings import get_settings

LOGIN = """mutation($i: LoginInput!) { login(input: $i) { member { id } errors { code } } }"""
SEARCH = """query($u: ID!, $s: String) { members(unionId: $u, search: $s) {
  edges { node { id } } } }"""
BY_ID = "query($id: ID!) { member(id: $id) { phone idNumber } }"
SEEDED = 1200


async def _lookups_answer(gql, probe, cadre, union_id: int) -> None:
    login = await gql(LOGIN, {"i": {"phone": probe.phone, "password": "demo-pass-2026"}})
    assert login.data["login"]["errors"] == [] and login.data["login"]["member"]["id"] == probe.id
    found = await gql(SEARCH, {"u": str(union_id), "s": probe.phone}, token=cadre.token)
    assert [e["node"]["id"] for e in found.data["members"]["edges"]] == [probe.id], found.body
    by_id_number = await gql(SEARCH, {"u": str(union_id), "s": probe.id_number},
                             token=cadre.token)
    assert [e["node"]["id"] for e in by_id_number.data["members"]["edges"]] == [probe.id]
    read = await gql(BY_ID, {"id": probe.id}, token=cadre.token)
    assert read.data["member"] == {"phone": probe.phone, "idNumber": probe.id_number}


@pytest.mark.usefixtures("restore_settings")
async def test_rotation_killed_half_way_resumes_with_lookups_answering_throughout(
        gql, factory: Factory, monkeypatch):
    tree = await factory.tree()
    await seed_members(SEEDED, tree.all_grassroots)
    union = tree.grassroots["A"][0]
    probe = await factory.account(union)
    cadre = await factory.cadre(tree.province)
    total = await Member.all().count()
    old_key = get_settings().current_key_id

    env = _switch_to_a_new_key(monkeypatch)
    assert (await rotation.remaining())["members"] == total

    process = await asyncio.create_subprocess_exec(
        *unionhub("keys", "rotate", "--batch", "40", "--pause", "0.05"), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    # Lookups while the rotation runs, until about a third of the rows have moved.
    deadline = time.monotonic() + 60
    while True:
        await _lookups_answer(gql, probe, cadre, union.id)
        done = await KeyRotation.filter(status="RUNNING").values_list("rows_rotated", flat=True)
        if done and done[0] >= total // 3:
            break
        assert process.returncode is None, "the rotation finished before it could be killed"
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    await process.wait()

    left = (await rotation.remaining())["members"]
    assert 0 < left < total, "killed half way: some rows moved, some not"
    status = await rotation.status()
    assert set(status["members"]["phone_bidx"]) == {old_key, "r2"}
    await _lookups_answer(gql, probe, cadre, union.id)

    # The killed run's heartbeat is fresh: a second run is refused, specifically.
    with pytest.raises(rotation.RotationRunning):
        await rotation.rotate()
    refused = await run("keys", "rotate", env=env)
    assert refused.returncode == 1 and "ROTATION_RUNNING" in refused.stderr, refused.stderr
    assert (await rotation.remaining())["members"] == left  # changed nothing

    # The operator, knowing the runner is dead, resumes once it has been silent for a second.
    await asyncio.sleep(1.5)
    resumed = await run("keys", "rotate", "--batch", "200",
                        env={**env, "UNIONHUB_KEY_ROTATION_STALE_SECONDS": "1"})
    assert resumed.returncode == 0, resumed.stderr
    assert " 0 left" in resumed.stdout
    assert (await rotation.remaining()) == {"members": 0, "mall_orders": 0,
                                            "service_requests": 0}
    status = await rotation.status()
    assert {column: set(keys) for column, keys in status["members"].items()} == {
        "phone_enc": {"r2"}, "phone_bidx": {"r2"}, "name_enc": {"r2"}, "id_number_enc": {"r2"},
        "id_number_bidx": {"r2"}}
    runs = await KeyRotation.all()
    assert [(r.status, r.target_key_id) for r in runs] == [("DONE", "r2")]
    assert runs[0].rows_rotated == total  # resumed where it stopped: no row twice
    await _lookups_answer(gql, probe, cadre, union.id)
    actions = await AuditLog.filter(subject_type="key").order_by("seq") \
        .values_list("action", flat=True)
    assert actions == [audit.KEY_ROTATION_START, audit.KEY_ROTATION_START,
                       audit.KEY_ROTATION_FINISH]
    assert (await audit_integrity.verify()).ok

    shown = await run("keys", "status", env=env)
    assert shown.returncode == 0 and '"r2":' in shown.stdout and f'"{old_key}"' not in shown.stdout


@pytest.mark.usefixtures("restore_settings")
async def test_two_concurrent_rotations_one_runs_the_other_is_refused(
        factory: Factory, monkeypatch):
    tree = await factory.tree()
    await seed_members(300, tree.all_grassroots)
    _switch_to_a_new_key(monkeypatch)
    outcomes = await asyncio.gather(rotation.rotate(batch=50), rotation.rotate(batch=50),
                                    return_exceptions=True)
    refused = [o for o in outcomes if isinstance(o, rotation.RotationRunning)]
    done = [o for o in outcomes if isinstance(o, rotation.RotationResult)]
    assert len(refused) == 1 and len(done) == 1, outcomes
    assert refused[0].code == "ROTATION_RUNNING"
    assert done[0].left == {"members": 0, "mall_orders": 0, "service_requests": 0}
    assert await KeyRotation.all().count() == 1
    # Nothing left to do: a later run finds every row under the key already.
    again = await rotation.rotate()
    assert again.rows_rotated == 0 and await KeyRotation.filter(status="DONE").count() == 2
