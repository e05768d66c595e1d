"""Ciphertexts bound to their row: a member's phone or ID number moved into another member's
row by a raw SQL UPDATE (someone with write access to the database) is refused on every path,
specifically, logged and counted without personal data, and never audited as a read; values
written before binding read during the transition, until refused; `keys rotate` binds them
and leaves moved values where they are."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from datetime import timedelta

import asyncpg
import pytest

from tests.metrics_helpers import assert_alert_watches, total
from tests.pg_locks import until_waiting
from unionhub import db
from unionhub.clock import utcnow
from unionhub.crypto import rotation
from unionhub.db import conn
from unionhub.identity import audit
from unionhub.identity.crypto import decrypt, encrypt
from unionhub.identity.lookup import invalidate_member
from unionhub.identity.models import AuditLog, Member
from unionhub.mall.models import Order
from unionhub.mall.orders import address_of
from unionhub.settings import reset_settings_cache

READ = "query M($id: ID!) { member(id: $id) { id phone idNumber } }"
NAME = "query M($id: ID!) { member(id: $id) { name } }"
REFUSED = "unionhub.personal_data.refused"


@pytest.fixture
def unbound_refused(monkeypatch):
    def switch() -> None:
        monkeypatch.setenv("UNIONHUB_ACCEPT_UNBOUND_CIPHERTEXTS", "0")
        reset_settings_cache()

    yield switch
    monkeypatch.undo()
    reset_settings_cache()


async def _set(member_id: int, **values: str) -> None:
    """A raw UPDATE, as a compromised account or a bad migration would write it."""
    sets = ", ".join(f"{column} = '{value}'" for column, value in values.items())
    await conn().execute_script(f"UPDATE members SET {sets} WHERE id = {member_id:d}")
    await invalidate_member(member_id)  # (the cached copy's TTL, run out)


async def _columns(member_id: int) -> dict[str, str]:
    return (await Member.filter(id=member_id).values("phone_enc", "id_number_enc"))[0]


async def test_a_ciphertext_swapped_between_two_members_is_refused(gql, factory, caplog):
    tree = await factory.tree()
    a = await factory.account(tree.grassroots["A"][0], name="张三丰")
    b = await factory.account(tree.grassroots["A"][0], name="王小明")
    cadre = await factory.cadre(tree.counties["A"])
    stranger = await factory.cadre(tree.counties["B"])
    untouched = await factory.account(tree.grassroots["A"][0])
    before_a, before_b = await _columns(a.member.id), await _columns(b.member.id)
    refused_before = total(REFUSED, {"purpose": "id_number"})
    await _set(a.member.id, **before_b)
    await _set(b.member.id, **before_a)

    caplog.set_level(logging.WARNING, logger="unionhub.identity.crypto")
    for member in (a, b):
        r = await gql(READ, {"id": member.id}, token=cadre.token)
        assert r.data["member"] is None
        assert set(r.error_codes()) == {"PERSONAL_DATA_UNREADABLE"}, r.body
        text = json.dumps(r.body, ensure_ascii=False)
        for other in (a, b):  # neither member's value, whole or masked
            assert other.phone[-4:] not in text and other.id_number[-4:] not in text
    # The owner's own screens refuse it too; the fields not moved still answer. Their export
    # answers without the moved values, naming them (memberdata.readable), and shows neither's.
    me = await gql("{ me { id phone } }", token=b.token)
    assert me.error_codes() == ["PERSONAL_DATA_UNREADABLE"]
    export = await gql("{ myPersonalData }", token=b.token)
    assert export.errors == []
    exported = export.data["myPersonalData"]
    assert exported["unreadable"] == ["identity.phone", "identity.id_number"]
    assert exported["identity"]["identity"]["legal_name"] == "王小明"
    for other in (a, b):
        assert other.phone not in str(exported) and other.id_number not in str(exported)
    named = await gql(NAME, {"id": b.id}, token=cadre.token)
    assert named.errors == [] and named.data["member"]["name"] == "王小明"
    # Nothing audited as an unmasked phone or ID-number read of either.
    reads = await AuditLog.filter(action__in=[audit.PHONE_READ, audit.ID_NUMBER_READ],
                                  subject_id__in=[a.id, b.id]).count()
    assert reads == 0
    # Logged and counted, with the member's id and the field, no value.
    lines = [r.getMessage() for r in caplog.records if "personal data refused" in r.getMessage()]
    assert any(f"member {b.id}" in line and "id_number" in line for line in lines), lines
    for secret in (a.phone, b.phone, a.id_number, b.id_number, "张三丰", "王小明"):
        assert all(secret not in line for line in lines)
    assert total(REFUSED, {"purpose": "id_number"}) > refused_before
    assert_alert_watches("UnionHubPersonalDataRefused", REFUSED,
                         {"purpose": "id_number", "reason": "unauthenticated"})
    # A stranger learns nothing: the same answer as for a member never touched.
    shown = [await gql(READ, {"id": m.id}, token=stranger.token) for m in (b, untouched)]
    assert shown[0].body["data"] == shown[1].body["data"]
    assert shown[0].error_codes() == shown[1].error_codes()

    await _set(a.member.id, **before_a)  # put back where they belong: read again
    await _set(b.member.id, **before_b)
    r = await gql(READ, {"id": b.id}, token=cadre.token)
    assert r.errors == [] and r.data["member"]["idNumber"] == b.id_number


async def test_unbound_values_read_during_the_transition_until_refused(
        gql, factory, unbound_refused):
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    cadre = await factory.cadre(tree.counties["A"])
    # As the previous release wrote them: bound to their purpose only.
    await _set(member.member.id, phone_enc=encrypt(member.phone, "phone", owner=None),
               id_number_enc=encrypt(member.id_number, "id_number", owner=None))
    r = await gql(READ, {"id": member.id}, token=cadre.token)
    assert r.errors == []
    assert r.data["member"] == {"id": member.id, "phone": member.phone,
                                "idNumber": member.id_number}

    unbound_refused()  # the operator's switch, once `keys rotate` has bound every row
    await invalidate_member(member.member.id)
    before = total(REFUSED, {"purpose": "phone", "reason": "unbound"})
    r = await gql(READ, {"id": member.id}, token=cadre.token)
    assert set(r.error_codes()) == {"PERSONAL_DATA_UNREADABLE"}
    assert total(REFUSED, {"purpose": "phone", "reason": "unbound"}) == before + 1
    assert_alert_watches("UnionHubPersonalDataRefused", REFUSED,
                         {"purpose": "phone", "reason": "unbound"})


async def _unbound_order(member: Member, address: dict[str, str]) -> Order:
    return await Order.create(
        member_id=member.id, union_id=member.union_id, union_path="/1/", subtotal_fen=100,
        payable_fen=100, idempotency_key="before-binding", address_region="610113",
        address_enc=encrypt(json.dumps(address, ensure_ascii=False), "mall_address", owner=None),
        expires_at=utcnow() + timedelta(minutes=30))


async def test_rotation_binds_unbound_rows_and_leaves_moved_ones(
        factory, unbound_refused, caplog):
    from unionhub.identity.seed import seed_members

    tree = await factory.tree()
    await seed_members(30, tree.all_grassroots)
    members = await Member.all().order_by("id")
    plain = {m.id: (decrypt(m.phone_enc, "phone", owner=m.id),
                    decrypt(m.id_number_enc, "id_number", owner=m.id)) for m in members}
    for m in members:  # every row as the previous release wrote it
        phone, number = plain[m.id]
        await _set(m.id, phone_enc=encrypt(phone, "phone", owner=None),
                   id_number_enc=encrypt(number, "id_number", owner=None))
    moved, source = members[3], members[4]  # a bound value moved into another row
    await _set(moved.id, id_number_enc=encrypt(plain[source.id][1], "id_number",
                                               owner=source.id))
    address = {"recipient": "王小明", "phone": "13812345678", "region_code": "610113",
               "detail": "科技路 1 号"}
    order = await _unbound_order(members[0], address)
    closed = await factory.account(tree.grassroots["A"][0])  # erased: nothing to bind
    await _set(closed.member.id, phone_enc="", id_number_enc="")
    assert await rotation.remaining() == {"members": len(members), "mall_orders": 1,
                                         "service_requests": 0}
    key = (await rotation.status())["members"]["phone_enc"]
    assert set(key) == {f"{next(iter(key)).split()[0]} (unbound)"}

    caplog.set_level(logging.WARNING, logger="unionhub.identity.crypto")
    result = await rotation.rotate(batch=7)
    assert result.unreadable == {"members": [moved.id]}
    assert result.left == {"members": 1, "mall_orders": 0,
                           "service_requests": 0}  # the moved row, left as it was
    assert result.rows_rotated == len(members)  # every other row, and the order
    assert any(f"members row {moved.id}" in r.getMessage() for r in caplog.records)
    current = next(iter(key)).split()[0]
    assert (await rotation.status())["members"]["phone_enc"] == {
        current: len(members) - 1, f"{current} (unbound)": 1}

    unbound_refused()  # bound rows read with unbound values refused
    for m in await Member.all().order_by("id"):
        if m.id != moved.id and m.id in plain:
            assert (decrypt(m.phone_enc, "phone", owner=m.id),
                    decrypt(m.id_number_enc, "id_number", owner=m.id)) == plain[m.id]
    assert address_of(await Order.get(id=order.id)).__dict__ == address
    again = await rotation.rotate()
    assert again.rows_rotated == 0 and again.unreadable == {"members": [moved.id]}


async def test_binding_never_overwrites_a_write_made_while_it_runs(factory):
    """The service changes a member's phone while `keys rotate` binds the old one: the rotation
    read the row before the change committed and waits on its lock to write; it must not put
    the old phone back."""
    if not db.is_postgres():
        pytest.skip("holds a row lock from a second PostgreSQL connection")
    tree = await factory.tree()
    member = await factory.account(tree.grassroots["A"][0])
    await _set(member.member.id, phone_enc=encrypt(member.phone, "phone", owner=None))
    changed = encrypt("13900002222", "phone", owner=member.member.id)
    writer = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await writer.execute("BEGIN")
        await writer.execute("UPDATE members SET phone_enc = $1 WHERE id = $2", changed,
                             member.member.id)
        run = asyncio.create_task(rotation.rotate())
        await until_waiting(writer, unless=run)
        assert not run.done(), run.result()  # its UPDATE waits on the changed row
        await writer.execute("COMMIT")
        result = await run
    finally:
        await writer.close()
    assert (await Member.get(id=member.member.id)).phone_enc == changed
    assert result.left == {"members": 0, "mall_orders": 0, "service_requests": 0}
    assert result.unreadable == {}
