"""The union map (工会地图): service points, searched through Redis GEO.

The database holds the points; Redis holds a GEO set of them (member = point id) that is
rebuilt from the database whenever the key is missing (Redis restarted, flushed or evicted).
A rebuild writes a temporary key and RENAMEs it into place, so readers never see half a set.
When Redis is unreachable, the search runs on the database (bounding box on the indexed
coordinates, then the exact distance) and still answers.

A rebuild that read the points before a new one committed must not install its set after
that point's change dropped the old one: the set would miss the point until the next change.
Every change sets a new generation token (GEN_KEY) with the drop; a rebuild reads the token
before the points and swaps only if it is unchanged, in one script on the tag's slot. The
set also expires (GEO_TTL_SECONDS), so a change whose drop Redis did not take heals.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from typing import Any

from unionhub.cache import FAILURES, fell_back, get_redis, safe
from unionhub.errors import ValidationFailed
from unionhub.identity import orgs
from unionhub.identity.access import Principal, require_scope
from unionhub.plaintext import check_plain
from unionhub.services.models import PointKind, ServicePoint

GEO_KEY = "services:points:{geo}:v1"  # a hash tag: the rebuild's RENAME stays in one slot
GEN_KEY = "services:points:{geo}:gen"  # the generation token, on the same slot
GEO_TTL_SECONDS = 3600
MAX_RADIUS_KM = 100.0
MAX_RESULTS = 50
# Redis computes GEO distances with this Earth radius (src/geohash_helper.c); the database
# fallback uses the same so both paths agree at the radius edge.
EARTH_RADIUS_M = 6372797.560856
_MAX_LAT = 85.05112878
_GEOADD_BATCH = 1000

ADDRESS_MAX = 200  # the column's width: longer text failed in the database as an internal error
# A point's public service line as printed ("12351", "029-8765 4321", "+86 29 8765 4321"),
# at most the column's 20 characters.
_PHONE = re.compile(r"^(?=(?:\D*\d){3})[0-9 +\-()]{3,20}$")
_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def _check_coordinates(latitude: float, longitude: float) -> None:
    if not (-_MAX_LAT <= latitude <= _MAX_LAT) or math.isnan(latitude):
        raise ValidationFailed("latitude out of range", field="latitude", code="BAD_COORDINATES")
    if not (-180.0 <= longitude <= 180.0) or math.isnan(longitude):
        raise ValidationFailed("longitude out of range", field="longitude",
                               code="BAD_COORDINATES")


def _check_hours(opening_hours: list[dict[str, str]]) -> list[dict[str, str]]:
    """[{"days": "MON-FRI", "opens": "09:00", "closes": "17:30"}] in Shanghai time."""
    cleaned = []
    for slot in opening_hours:
        days, opens, closes = slot.get("days", ""), slot.get("opens", ""), slot.get("closes", "")
        first, _, last = days.partition("-")
        ok = first in _WEEKDAYS and (not last or last in _WEEKDAYS)
        ok = ok and _is_hhmm(opens) and _is_hhmm(closes) and opens < closes
        if not ok:
            raise ValidationFailed("opening hours look like MON-FRI 09:00–17:30",
                                   field="openingHours", code="BAD_OPENING_HOURS")
        cleaned.append({"days": days, "opens": opens, "closes": closes})
    return cleaned


def _is_hhmm(value: str) -> bool:
    return (len(value) == 5 and value[2] == ":" and value[:2].isdigit() and value[3:].isdigit()
            and int(value[:2]) < 24 and int(value[3:]) < 60)


async def create_point(principal: Principal, *, union_id: int, name: str, kind: PointKind,
                       latitude: float, longitude: float, address: str = "",
                       opening_hours: list[dict[str, str]] | None = None,
                       phone: str | None = None) -> ServicePoint:
    union = await orgs.get_union(union_id)
    require_scope(principal, union.path)
    return await add_point(union_id=union.id, name=name, kind=kind, latitude=latitude,
                           longitude=longitude, address=address,
                           opening_hours=opening_hours or [], phone=phone)


async def add_point(*, union_id: int, name: str, kind: PointKind, latitude: float,
                    longitude: float, address: str = "",
                    opening_hours: list[dict[str, Any]] | None = None,
                    phone: str | None = None) -> ServicePoint:
    _check_coordinates(latitude, longitude)
    name = name.strip()
    if not 2 <= len(name) <= 100:
        raise ValidationFailed("name must be 2–100 characters", field="name", code="NAME_FORMAT")
    check_plain(name, "name")
    address = check_plain(address.strip(), "address")
    if len(address) > ADDRESS_MAX:
        raise ValidationFailed(f"an address has at most {ADDRESS_MAX} characters",
                               field="address", code="ADDRESS_TOO_LONG")
    phone = (phone or "").strip() or None
    if phone is not None and not _PHONE.match(phone):
        raise ValidationFailed("a service line is 3 to 20 digits, spaces, +, - or brackets",
                               field="phone", code="PHONE_FORMAT")
    point = await ServicePoint.create(
        union_id=union_id, name=name, kind=kind, latitude=latitude, longitude=longitude,
        address=address, opening_hours=_check_hours(opening_hours or []),
        phone=phone,
    )
    await points_changed()
    return point


# KEYS: the generation, the set. ARGV: a fresh token.
_CHANGED = """
redis.call('SET', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return 1
"""
# KEYS: the built set, the set, the generation. ARGV: the token read before the points, the TTL.
_SWAP = """
if (redis.call('GET', KEYS[3]) or '') ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 0
end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[2]))
return 1
"""


async def points_changed() -> None:
    """Call after a point change commits. Drops the GEO set rather than adding to it (adding to
    a missing key would make a set of this point alone; the next search rebuilds it whole),
    and a rebuild that read the points before the change will not install its set. A fresh
    token rather than a counter: one evicted and counted up again could repeat a value."""
    await safe(get_redis().eval(_CHANGED, 2, GEN_KEY, GEO_KEY,  # type: ignore[arg-type]  # redis-py types eval as sync or async
                                uuid.uuid4().hex), 0)


@dataclass(frozen=True)
class GeoBuild:
    """The active points as read for a rebuild, and the generation token read before them."""

    generation: str
    rows: list[tuple[int, float, float]]


async def read_points() -> GeoBuild:
    generation = await get_redis().get(GEN_KEY) or ""  # before the points, never after
    rows = await ServicePoint.filter(active=True).order_by("id").values_list(
        "id", "longitude", "latitude")
    return GeoBuild(generation, [(int(i), float(lon), float(lat)) for i, lon, lat in rows])


async def install(build: GeoBuild) -> bool:
    """Write the points into a fresh GEO set and swap it in, unless a point changed since the
    build's token was read (False: the set stays missing, the next search rebuilds)."""
    if not build.rows:
        return True  # no points: a missing set answers nothing, as it should
    redis = get_redis()
    temp = f"{GEO_KEY}:build:{uuid.uuid4().hex}"
    try:
        for start in range(0, len(build.rows), _GEOADD_BATCH):
            flat: list[Any] = []
            for point_id, lon, lat in build.rows[start:start + _GEOADD_BATCH]:
                flat.extend((lon, lat, str(point_id)))
            await redis.geoadd(temp, flat)
        swapped = await redis.eval(_SWAP, 3, temp, GEO_KEY, GEN_KEY,  # type: ignore[misc]  # redis-py types eval as sync or async
                                   build.generation, str(GEO_TTL_SECONDS))
    finally:
        await safe(redis.delete(temp), 0)
    return bool(swapped)


async def rebuild_geo_index() -> bool:
    """Every active point into a fresh GEO set, swapped in; False when a point changed
    meanwhile (nothing installed)."""
    return await install(await read_points())


async def _search_redis(latitude: float, longitude: float,
                        radius_km: float) -> list[tuple[int, float]]:
    redis = get_redis()
    if not await redis.exists(GEO_KEY) and not await rebuild_geo_index():
        # A point changed while this rebuild read: its set is stale. This search reads the
        # database; the next one rebuilds.
        return await _search_db(latitude, longitude, radius_km)
    hits = await redis.geosearch(GEO_KEY, longitude=longitude, latitude=latitude,
                                 radius=radius_km, unit="km", sort="ASC", count=MAX_RESULTS,
                                 withdist=True)
    return [(int(member), float(dist)) for member, dist in hits]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine, as Redis computes it."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a)) / 1000.0


async def _search_db(latitude: float, longitude: float,
                     radius_km: float) -> list[tuple[int, float]]:
    dlat = math.degrees(radius_km * 1000 / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(latitude)), 1e-6)
    rows = await ServicePoint.filter(
        active=True, latitude__gte=latitude - dlat, latitude__lte=latitude + dlat,
        longitude__gte=longitude - dlon, longitude__lte=longitude + dlon,
    ).values_list("id", "latitude", "longitude")
    found = [(pid, distance_km(latitude, longitude, lat, lon)) for pid, lat, lon in rows]
    found = [(pid, d) for pid, d in found if d <= radius_km]
    return sorted(found, key=lambda hit: (hit[1], hit[0]))[:MAX_RESULTS]


async def nearby(latitude: float, longitude: float,
                 radius_km: float) -> list[tuple[ServicePoint, float]]:
    """Active points within `radius_km`, nearest first, at most MAX_RESULTS."""
    _check_coordinates(latitude, longitude)
    if not (0 < radius_km <= MAX_RADIUS_KM) or math.isnan(radius_km):
        raise ValidationFailed(f"radius must be above 0 and at most {MAX_RADIUS_KM:g} km",
                               field="radiusKm", code="BAD_RADIUS")
    try:
        hits = await _search_redis(latitude, longitude, radius_km)
    except FAILURES as exc:
        fell_back(exc)
        hits = await _search_db(latitude, longitude, radius_km)
    points = {p.id: p for p in await ServicePoint.filter(id__in=[h[0] for h in hits],
                                                         active=True)}
    return [(points[pid], dist) for pid, dist in hits if pid in points]
