"""Shared set-up for services tests: items and requests written through the domain (with a
chosen clock where a test needs one), behaviour checked through GraphQL."""

from __future__ import annotations

from datetime import datetime

from unionhub import row_cache
from unionhub.identity.access import Principal
from unionhub.identity.orgs import clear_union_cache
from unionhub.identity.tokens import principal_from_header
from unionhub.services import items, scorecards
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
SUBMIT = f"""mutation S($input: SubmitServiceRequestInput!) {{
  submitServiceRequest(input: $input) {{ {PAYLOAD} }} }}"""
ACCEPT = f"""mutation A($id: ID!) {{
  acceptServiceRequest(input: {{requestId: $id}}) {{ {PAYLOAD} }} }}"""
START = f"""mutation B($id: ID!) {{
  startServiceRequest(input: {{requestId: $id}}) {{ {PAYLOAD} }} }}"""
COMPLETE = f"""mutation C($id: ID!, $r: String!) {{
  completeServiceRequest(input: {{requestId: $id, resolution: $r}}) {{ {PAYLOAD} }} }}"""
REJECT = f"""mutation R($id: ID!, $r: String!) {{
  rejectServiceRequest(input: {{requestId: $id, reason: $r}}) {{ {PAYLOAD} }} }}"""
RATE = f"""mutation T($id: ID!, $n: Int!, $c: String) {{
  rateServiceRequest(input: {{requestId: $id, rating: $n, comment: $c}}) {{ {PAYLOAD} }} }}"""
CREATE = """mutation C($input: CreateServiceItemInput!) { createServiceItem(input: $input) {
  item { id name category timeLimit timeLimitUnit timeLimitHours requiredFields offeredBy { id } }
  errors { code field } } }"""


def db_queries(spans) -> int:
    return sum(1 for s in spans.get_finished_spans() if (s.attributes or {}).get("db.system"))


async def _count(gql, spans, query, variables, token) -> int:
    spans.clear()
    clear_union_cache()  # measure the cold path: union rows are cached per process otherwise
    row_cache.clear_all()  # and so are service items
    scorecards.forget_rankings()  # and rankings (services.scorecards)
    r = await gql(query, variables, token=token)
    assert r.errors == [], r.errors
    return db_queries(spans)
