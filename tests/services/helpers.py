"""Shared set-up for services tests: items and requests written through the domain (with a
chosen clock where a test needs one), behaviour checked through GraphQL."""

from __future__ import annotations

from datetime import datetime

from unionhub.identity.access import Principal
from unionhub.identity.tokens import principal_from_header
from unionhub.services import items
from unionhub.services.models import ServiceCategory, ServiceItem, TimeLimitUnit


def principal(account) -> Principal:
    return principal_from_header(f"Bearer {account.token}")


async def make_item(cadre, union, *, name: str = "劳动争议法律咨询",
                    category: ServiceCategory = ServiceCategory.LEGAL_AID, time_limit: int = 3,
                    unit: TimeLimitUnit = TimeLimitUnit.WORKING_DAYS,
                    required_fields: list[str] | None = None) -> ServiceItem:
    return await items.create_item(principal(cadre), union_id=union.id, name=name,
                                   category=category, time_limit=time_limit, unit=unit,
                                   required_fields=required_fields or [])


def at(text: str) -> datetime:
    """A Shanghai wall-clock time, e.g. at("2026-11-20 10:00")."""
    from unionhub.clock import SHANGHAI

    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


REQUEST_FIELDS = """id status details submittedAt deadline deadlineProvisional overdue rating ratingComment resolution
rejectReason escalated fieldValues { name value } item { id name timeLimitHours }
handledBy { id } events { action at note actor { id } }"""
PAYLOAD = f"request {{ {REQUEST_FIELDS} }} errors {{ code field message }}"
