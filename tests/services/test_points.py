"""The union map: nearest service points from Redis GEO, rebuilt when Redis lost the set."""

from __future__ import annotations

import math

from unionhub.cache import get_redis
from unionhub.services import points
from unionhub.services.models import PointKind

NEARBY = """query N($lat: Float!, $lon: Float!, $r: Float!) {
  nearbyServicePoints(latitude: $lat, longitude: $lon, radiusKm: $r) {
    id name kind distanceKm latitude longitude openingHours { days opens closes } union { id } } }"""
# Xi'an Bell Tower (钟楼)
LAT, LON = 34.2610, 108.9423


def north(km: float) -> float:
    """The latitude `km` due north of the Bell Tower on Redis's sphere."""
    return LAT + math.degrees(km * 1000 / points.EARTH_RADIUS_M)


async def _seed(tree):
    union = tree.counties["A"]
    made = {}
    for name, km in (("钟楼职工服务中心", 0.5), ("雁塔职工之家", 3.0), ("小寨爱心驿站", 1.2),
                     ("高新职工之家", 8.0)):
        made[name] = await points.add_point(
            union_id=union.id, name=name, kind=PointKind.WORKERS_HOME, latitude=north(km),
            longitude=LON, opening_hours=[{"days": "MON-FRI", "opens": "09:00",
                                           "closes": "17:30"}])
    return made


async def test_nearest_first_within_the_radius(gql, factory):
    tree = await factory.tree()
    await _seed(tree)
    r = await gql(NEARBY, {"lat": LAT, "lon": LON, "r": 5})
    assert r.errors == []
    found = r.data["nearbyServicePoints"]
    assert [p["name"] for p in found] == ["钟楼职工服务中心", "小寨爱心驿站", "雁塔职工之家"]
    assert [round(p["distanceKm"], 2) for p in found] == [0.5, 1.2, 3.0]
    assert found[0]["openingHours"] == [{"days": "MON-FRI", "opens": "09:00", "closes": "17:30"}]
    assert found[0]["union"]["id"] == str(tree.counties["A"].id)


async def test_radius_edge(gql, factory):
    await _seed(await factory.tree())
    # The point 3.0 km away: just outside 2.99 km, just inside 3.01 km.
    inside = await gql(NEARBY, {"lat": LAT, "lon": LON, "r": 3.01})
    outside = await gql(NEARBY, {"lat": LAT, "lon": LON, "r": 2.99})
    assert "雁塔职工之家" in [p["name"] for p in inside.data["nearbyServicePoints"]]
    assert "雁塔职工之家" not in [p["name"] for p in outside.data["nearbyServicePoints"]]
    none = await gql(NEARBY, {"lat": LAT, "lon": LON, "r": 0.4})
    assert none.data["nearbyServicePoints"] == []
    bad = await gql(NEARBY, {"lat": LAT, "lon": LON, "r": 0})
    assert bad.data == {} or bad.data["nearbyServicePoints"] is None
    assert bad.errors[0]["extensions"]["reason"] == "BAD_RADIUS"
    bad_lat = await gql(NEARBY, {"lat": 91.0, "lon": LON, "r": 1})
    assert bad_lat.errors[0]["extensions"]["reason"] == "BAD_COORDINATES"


async def test_rebuilt_from_the_database_when_redis_lost_the_set(gql, factory):
    await _seed(await factory.tree())
    redis = get_redis()
    first = await gql(NEARBY, {"lat": LAT, "lon": LON, "r": 10})
    assert await redis.zcard(points.GEO_KEY) == 4
    await redis.delete(points.GEO_KEY)  # as after a Redis restart or eviction
    again = await gql(NEARBY, {"lat": LAT, "lon": LON, "r": 10})
    assert again.data == first.data and len(again.data["nearbyServicePoints"]) == 4
    assert await redis.zcard(points.GEO_KEY) == 4


async def test_the_database_path_agrees_with_redis(factory):
    await _seed(await factory.tree())
    via_redis = await points.nearby(LAT, LON, 5)
    via_db = await points._search_db(LAT, LON, 5)
    assert [p.id for p, _ in via_redis] == [pid for pid, _ in via_db]
    for (_, d1), (_, d2) in zip(via_redis, via_db, strict=True):
        assert abs(d1 - d2) < 0.005


async def test_a_new_point_shows_up_and_cadres_create_in_scope(gql, factory):
    tree = await factory.tree()
    await _seed(tree)
    await points.nearby(LAT, LON, 5)  # the set exists now
    cadre = await factory.cadre(tree.counties["A"])
    create = """mutation C($input: CreateServicePointInput!) { createServicePoint(input: $input) {
      point { id name kind } errors { code field } } }"""
    variables = {"input": {"unionId": str(tree.counties["A"].id), "name": "大雁塔爱心驿站",
                           "kind": "CARE_STATION", "latitude": north(0.1), "longitude": LON,
                           "openingHours": [{"days": "MON-SUN", "opens": "08:00",
                                             "closes": "20:00"}]}}
    made = await gql(create, variables, token=cadre.token)
    assert made.data["createServicePoint"]["errors"] == []
    r = await gql(NEARBY, {"lat": LAT, "lon": LON, "r": 5})
    assert r.data["nearbyServicePoints"][0]["name"] == "大雁塔爱心驿站"
    outsider = await factory.cadre(tree.counties["B"])
    denied = await gql(create, variables, token=outsider.token)
    assert denied.error_codes() == ["FORBIDDEN"]
    variables["input"]["openingHours"] = [{"days": "EVERYDAY", "opens": "8", "closes": "20"}]
    bad = await gql(create, variables, token=cadre.token)
    assert bad.data["createServicePoint"]["errors"][0]["code"] == "BAD_OPENING_HOURS"


async def test_answers_from_the_database_when_redis_is_down(gql, factory, monkeypatch):
    import redis.asyncio as aioredis

    from unionhub import cache

    await _seed(await factory.tree())
    with_redis = await gql(NEARBY, {"lat": LAT, "lon": LON, "r": 5})
    # A real client pointed at a port where no Redis listens: every command fails.
    down = aioredis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5,
                                   decode_responses=True)
    monkeypatch.setattr(cache, "_client", down)
    without = await gql(NEARBY, {"lat": LAT, "lon": LON, "r": 5})
    await down.aclose()
    assert without.errors == []
    names = [p["name"] for p in without.data["nearbyServicePoints"]]
    assert names == [p["name"] for p in with_redis.data["nearbyServicePoints"]]
    assert [round(p["distanceKm"], 2) for p in without.data["nearbyServicePoints"]] == \
        [0.5, 1.2, 3.0]


async def test_answers_from_the_database_when_a_redis_cluster_is_down(gql, factory,
                                                                       monkeypatch):
    """A cluster client that reaches no node raises RedisClusterException (not a
    RedisError): the search falls back to the database as on one server."""
    from redis.asyncio.cluster import RedisCluster

    from unionhub import cache

    await _seed(await factory.tree())
    down = RedisCluster.from_url("redis://127.0.0.1:1", socket_connect_timeout=0.5,
                                 decode_responses=True)
    monkeypatch.setattr(cache, "_client", down)
    without = await gql(NEARBY, {"lat": LAT, "lon": LON, "r": 5})
    await down.aclose()
    assert without.errors == []
    assert [p["name"] for p in without.data["nearbyServicePoints"]] == [
        "钟楼职工服务中心", "小寨爱心驿站", "雁塔职工之家"]


# --- a rebuild racing a point change ----------------------------------------------------------
# A rebuild reads the points, then writes and swaps its set. A point committed between the two,
# whose change dropped the old set, was missing from the swapped-in set until the next change
# (it had no expiry). The interleaving is driven here through the rebuild's two steps, as a
# rebuild between them would see it: no pause of the shared Redis is needed.

async def test_a_rebuild_that_read_before_a_new_point_does_not_install_its_set(factory):
    tree = await factory.tree()
    await _seed(tree)
    redis = get_redis()
    build = await points.read_points()  # a search's rebuild read the four points ...
    late = await points.add_point(union_id=tree.counties["A"].id, name="钟楼西爱心驿站",
                                  kind=PointKind.CARE_STATION, latitude=north(0.2),
                                  longitude=LON)  # ... then this one committed
    assert await points.install(build) is False  # its set would miss the new point
    assert not await redis.exists(points.GEO_KEY)
    found = await points.nearby(LAT, LON, 5)
    assert found[0][0].id == late.id
    assert await redis.zcard(points.GEO_KEY) == 5  # rebuilt whole by the next search


async def test_the_set_expires_and_its_keys_share_a_slot(factory):
    from redis.crc import key_slot

    await _seed(await factory.tree())
    await points.nearby(LAT, LON, 5)
    ttl = await get_redis().ttl(points.GEO_KEY)
    assert 0 < ttl <= points.GEO_TTL_SECONDS  # a change whose drop Redis missed heals
    slots = {key_slot(k.encode()) for k in (points.GEO_KEY, points.GEN_KEY,
                                            f"{points.GEO_KEY}:build:x")}
    assert len(slots) == 1
