"""GraphQL types of the services subgraph's service points (the union map)."""

from __future__ import annotations

import strawberry

from unionhub.schema.docs import PAYLOAD_ERRORS
from unionhub.schema.entities import UnionRef, union_entity
from unionhub.schema.errors import UserError
from unionhub.services.models import PointKind
from unionhub.services.models import ServicePoint as PointRow

PointKindEnum = strawberry.enum(PointKind, name="ServicePointKind",
                                description="The kind of a service point.")


@strawberry.type(description="Opening hours on some days, Asia/Shanghai time.")
class OpeningHours:
    days: str = strawberry.field(description="A day or range: MON-FRI, SAT, ...")
    opens: str = strawberry.field(description="HH:MM.")
    closes: str = strawberry.field(description="HH:MM, after opens.")


@strawberry.type(description=(
    "A place members can go (service centre, workers' home, care station). Public."))
class ServicePoint:
    id: strawberry.ID = strawberry.field(description="The point's id.")
    name: str = strawberry.field(description="Its name.")
    kind: PointKind = strawberry.field(description="Its kind.")
    latitude: float = strawberry.field(description="WGS-84 degrees.")
    longitude: float = strawberry.field(description="WGS-84 degrees.")
    address: str = strawberry.field(description="Its street address.")
    phone: str | None = strawberry.field(description="Its public phone.")
    opening_hours: list[OpeningHours] = strawberry.field(description="When it is open.")
    distance_km: float | None = strawberry.field(
        description="Distance from the searched point in km (4 decimals); null elsewhere.")
    union_id: strawberry.Private[int]

    @strawberry.field(description="The union that runs it.")
    def union(self, info: strawberry.Info) -> UnionRef:
        return union_entity(info, self.union_id)

    @classmethod
    def of(cls, row: PointRow, distance_km: float | None = None) -> ServicePoint:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, kind=row.kind,
                   latitude=row.latitude, longitude=row.longitude, address=row.address,
                   phone=row.phone,
                   opening_hours=[OpeningHours(**slot) for slot in row.opening_hours],
                   distance_km=None if distance_km is None else round(distance_km, 4),
                   union_id=row.union_id)


@strawberry.type(description="The result of createServicePoint.")
class ServicePointPayload:
    point: ServicePoint | None = strawberry.field(
        default=None, description="The new point; null on errors.")
    errors: list[UserError] = strawberry.field(description=PAYLOAD_ERRORS)
