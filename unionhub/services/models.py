"""Services models: items an org offers its subtree, members' requests, their step log, and
service points of the union map.

References into identity are plain ids (member_id, union ids) so the subgraph stays separable.
A request carries the ids of its handling org's ancestors by depth (`org_d0`..`org_d4`, copied
from the org's materialized path): "every request handled in X's subtree" is an equality on an
indexed column, and ranking X's children is one GROUP BY on the next column.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

MAX_DEPTH = 5  # national, province, city, county, grassroots


class ServiceCategory(StrEnum):
    LEGAL_AID = "LEGAL_AID"  # 法律援助
    COUNSELLING = "COUNSELLING"  # 心理咨询
    MUTUAL_AID_INSURANCE = "MUTUAL_AID_INSURANCE"  # 互助保障
    HARDSHIP_ASSISTANCE = "HARDSHIP_ASSISTANCE"  # 困难帮扶
    SKILLS_TRAINING = "SKILLS_TRAINING"  # 技能培训
    JOB_POSTINGS = "JOB_POSTINGS"  # 就业招聘
    MODEL_WORKERS = "MODEL_WORKERS"  # 劳模事务
    MATCHMAKING = "MATCHMAKING"  # 婚恋交友
    EBOOKS = "EBOOKS"  # 电子书


class TimeLimitUnit(StrEnum):
    WORKING_HOURS = "WORKING_HOURS"
    WORKING_DAYS = "WORKING_DAYS"


class RequestStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    ACCEPTED = "ACCEPTED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    REJECTED = "REJECTED"


OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS)


class RequestAction(StrEnum):
    SUBMITTED = "SUBMITTED"
    ACCEPTED = "ACCEPTED"
    STARTED = "STARTED"
    COMPLETED = "COMPLETED"
    REJECTED = "REJECTED"
    RATED = "RATED"
    ESCALATED = "ESCALATED"


class PointKind(StrEnum):
    SERVICE_CENTER = "SERVICE_CENTER"  # 职工服务中心
    WORKERS_HOME = "WORKERS_HOME"  # 职工之家
    CARE_STATION = "CARE_STATION"  # 爱心驿站


class ServiceItem(Model):
    id = fields.BigIntField(primary_key=True)
    union_id = fields.BigIntField()  # the offering org; its subtree may request
    union_path = fields.CharField(max_length=255)
    name = fields.CharField(max_length=100)
    category = fields.CharEnumField(ServiceCategory, max_length=24)
    description = fields.TextField(default="")
    time_limit = fields.IntField()
    time_limit_unit = fields.CharEnumField(TimeLimitUnit, max_length=16)
    # Names of the fields a request must carry (e.g. ["employer", "dispute"]).
    required_fields: fields.JSONField[list[str]] = fields.JSONField(default=list)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "service_items"
        indexes = (Index(fields=("union_id", "category")),)
        constraints = (CheckConstraint(check="time_limit > 0", name="service_item_time_limit"),)


class ServiceRequest(Model):
    id = fields.BigIntField(primary_key=True)
    item: fields.ForeignKeyRelation[ServiceItem] = fields.ForeignKeyField(
        "services.ServiceItem", related_name="requests", on_delete=fields.RESTRICT
    )
    item_id: int
    member_id = fields.BigIntField()
    member_union_id = fields.BigIntField()
    handling_union_id = fields.BigIntField()
    handling_path = fields.CharField(max_length=255)
    org_d0 = fields.BigIntField(null=True)
    org_d1 = fields.BigIntField(null=True)
    org_d2 = fields.BigIntField(null=True)
    org_d3 = fields.BigIntField(null=True)
    org_d4 = fields.BigIntField(null=True)
    status = fields.CharEnumField(RequestStatus, max_length=12, default=RequestStatus.SUBMITTED)
    # The member's words, sealed and bound to this request's id (services.personal): the
    # details, and the form's values as one JSON object. "" for none, or erased by a closure.
    details_enc = fields.TextField(default="")
    field_values_enc = fields.TextField(default="")
    submitted_at = fields.DatetimeField()
    deadline = fields.DatetimeField()
    # The deadline is an estimate: computed into a year whose holiday notice the calendar did
    # not carry (workcalendar); settled when it does (deadlines.settle_provisional).
    deadline_provisional = fields.BooleanField(default=False)
    accepted_at = fields.DatetimeField(null=True)
    started_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    rejected_at = fields.DatetimeField(null=True)
    # What the cadres wrote about it (completing, rejecting): personal data as the member's
    # own words are, sealed the same way (services.personal, migration 0006); null for none.
    # The COMPLETED and REJECTED steps keep no copy.
    resolution_enc = fields.TextField(null=True)
    reject_reason_enc = fields.TextField(null=True)
    rating = fields.SmallIntField(null=True)
    # The requester's words with the rating, sealed like the details (services.personal);
    # null for none, or erased by a closure. The RATED step keeps no copy.
    rating_comment_enc = fields.TextField(null=True)
    rated_at = fields.DatetimeField(null=True)
    escalated_at = fields.DatetimeField(null=True)
    escalated_to_id = fields.BigIntField(null=True)
    # The client's key for a retried submission, the member's own (services/idempotency.py),
    # and a keyed hash of what it asked for: the details may name people. Null without a key.
    idempotency_key = fields.CharField(max_length=64, null=True)
    request_fingerprint = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "service_requests"
        # NULLs never collide: requests without a key are not limited.
        unique_together = (("member_id", "idempotency_key"),)
        indexes = (
            Index(fields=("member_id", "id")),
            Index(fields=("handling_union_id", "status", "deadline")),
            # the escalation job's scan and the overdue filter: open requests by deadline
            Index(fields=("status", "deadline")),
            # estimates to flag and to settle, by deadline (deadlines.settle_provisional)
            Index(fields=("deadline_provisional", "deadline")),
            # a cadre's list of a subtree, newest first, paged by id
            *(Index(fields=(f"org_d{d}", "id")) for d in range(MAX_DEPTH)),
            # Scorecards read (org_dN, submitted_at) covering indexes that carry status,
            # completed_at, deadline and rating (index-only scans): migration 0002 writes them
            # per dialect, since Tortoise's Index cannot say INCLUDE.
        )
        constraints = (
            CheckConstraint(check="rating IS NULL OR rating BETWEEN 1 AND 5",
                            name="service_request_rating_range"),
        )


class ServiceRequestEvent(Model):
    # One row per step of a request (who, what, when): the audit trail and the support view.
    # Each step happens at most once per request, which the unique key also enforces.

    id = fields.BigIntField(primary_key=True)
    request: fields.ForeignKeyRelation[ServiceRequest] = fields.ForeignKeyField(
        "services.ServiceRequest", related_name="events", on_delete=fields.CASCADE
    )
    request_id: int
    action = fields.CharEnumField(RequestAction, max_length=12)
    actor_id = fields.BigIntField(null=True)  # null: the system (escalation job)
    at = fields.DatetimeField()
    note = fields.TextField(null=True)

    class Meta:
        table = "service_request_events"
        unique_together = (("request", "action"),)


class ServicePoint(Model):
    id = fields.BigIntField(primary_key=True)
    union_id = fields.BigIntField(db_index=True)
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(PointKind, max_length=16)
    latitude = fields.FloatField()
    longitude = fields.FloatField()
    address = fields.CharField(max_length=200, default="")
    # [{"days": "MON-FRI", "opens": "09:00", "closes": "17:30"}, ...] in Shanghai time
    opening_hours: fields.JSONField[list[dict[str, str]]] = fields.JSONField(default=list)
    phone = fields.CharField(max_length=20, null=True)  # the point's public service line
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "service_points"
        indexes = (Index(fields=("latitude", "longitude")),)
        constraints = (
            CheckConstraint(check="latitude BETWEEN -85.05112878 AND 85.05112878",
                            name="service_point_latitude"),
            CheckConstraint(check="longitude BETWEEN -180 AND 180",
                            name="service_point_longitude"),
        )
