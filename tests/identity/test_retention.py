"""identity.retention deletes what has outlived its use, and nothing else: SMS codes expired
over a day, send windows two days old, and refresh-token families only whole and only once
every token of them is long past any refresh (max age + refresh TTL). A family revoked in the
last day stays (the revocation fallback reads it); a live session still refreshes after a
purge. Before, none of these rows was ever deleted."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from datetime import timedelta

from tests.identity.account_flows import REFRESH, _login, register
from unionhub.clock import utcnow
from unionhub.identity import retention
from unionhub.identity.models import RefreshToken, SmsCode, SmsPurpose, SmsSendWindow
from unionhub.settings import get_settings

DAY = timedelta(days=1)


def _lifetime() -> timedelta:
    s = get_settings()
    return timedelta(seconds=s.session_max_age_seconds + s.refresh_token_ttl_seconds)


async def _family(member_id: int, expires, *, tokens: int = 2, revoked_at=None) -> str:
    family = secrets.token_hex(8)
    for i in range(tokens):
        await RefreshToken.create(
            member_id=member_id, family=family, expires_at=expires + timedelta(hours=i),
            token_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
            used_at=expires if i < tokens - 1 else None, revoked_at=revoked_at,
            session_started_at=expires - timedelta(days=30))
    return family


async def test_codes_and_windows_go_when_their_use_is_over(factory):
    now = utcnow()
    for age in (3 * DAY, 2 * DAY, timedelta(hours=23), -timedelta(minutes=5)):  # last: live
        await SmsCode.create(phone_bidx=f"bidx-{age}", purpose=SmsPurpose.LOGIN,
                             code_hash="h", expires_at=now - age)
    for i, age in enumerate((5 * DAY, 3 * DAY, DAY, timedelta(minutes=1))):
        await SmsSendWindow.create(phone_bidx=f"w{i}", last_sent_at=now - age,
                                   day="2026-01-01", day_count=1)

    purged = await retention.purge_expired(now)
    assert (purged.sms_codes, purged.sms_send_windows) == (2, 2)
    assert sorted(await SmsCode.all().values_list("expires_at", flat=True)) == [
        now - timedelta(hours=23), now + timedelta(minutes=5)]
    assert sorted(await SmsSendWindow.all().values_list("phone_bidx", flat=True)) == ["w2", "w3"]
    assert await retention.purge_expired(now) == retention.Purged(0, 0, 0)  # idempotent


async def test_refresh_families_go_whole_and_only_when_dead(gql, factory):
    await factory.tree()
    await register(gql, "13812345678")
    live = await _login(gql)  # a session of today: must still refresh after the purge
    [member_id] = await RefreshToken.all().distinct().values_list("member_id", flat=True)
    now = utcnow()
    long_dead = now - _lifetime() - 2 * DAY
    dead = await _family(member_id, long_dead, tokens=3)
    revoked_today = await _family(member_id, long_dead, revoked_at=now - timedelta(hours=2))
    # Expired, but not long enough for every token of a family to be past refreshing.
    recent = await _family(member_id, now - _lifetime() + DAY)
    behind_the_revoked = await _family(member_id, long_dead + timedelta(hours=5))

    purged = await retention.purge_expired(now)
    assert purged.refresh_tokens == 5
    families = set(await RefreshToken.all().values_list("family", flat=True))
    assert dead not in families and behind_the_revoked not in families
    assert {revoked_today, recent} <= families
    assert await RefreshToken.filter(family=revoked_today).count() == 2  # whole, not in part

    r = await gql(REFRESH, {"input": {"refreshToken": live["refreshToken"]}})
    assert r.data["refreshToken"]["errors"] == []
    # A day later the revoked family goes too.
    assert (await retention.purge_expired(now + 2 * DAY)).refresh_tokens == 2


async def test_a_batch_of_kept_families_does_not_stop_the_purge(factory, monkeypatch):
    account = await factory.account()
    now = utcnow()
    long_dead = now - _lifetime() - 3 * DAY
    monkeypatch.setattr(retention, "BATCH", 2)  # two kept families fill the first batch
    for i in range(2):
        await _family(account.member.id, long_dead + timedelta(minutes=i), tokens=1,
                      revoked_at=now)
    dead = [await _family(account.member.id, long_dead + timedelta(hours=2 + i), tokens=1)
            for i in range(3)]
    assert (await retention.purge_expired(now)).refresh_tokens == 3
    assert not await RefreshToken.filter(family__in=dead).exists()


async def test_concurrent_purges_delete_each_row_once(factory):
    now = utcnow()
    for i in range(30):
        await SmsCode.create(phone_bidx=f"c{i}", purpose=SmsPurpose.LOGIN, code_hash="h",
                             expires_at=now - 3 * DAY)
    results = await asyncio.gather(*(retention.purge_expired(now) for _ in range(4)))
    assert sum(r.sms_codes for r in results) == 30
    assert not await SmsCode.exists()
