"""Benefit draws (普惠抽奖): fair, auditable, reproducible.

Commit-reveal: a random seed is drawn when the activity is created and only its sha256 (the
commitment) is published, before anyone enrols. The draw closes enrolment, reveals the seed
and picks the winners with a public rule anyone can recompute: order the entrants by
sha256(seed ":" member_id) and take the first N. The entrant list is fixed by the draw (its
digest is recorded), so neither the seed nor the entrants can be changed after the fact
without the recomputation showing it. The entrants are the enrolled members the draw still
admits when it runs (its scope and tier, as `enroll` checked them): a member who left the
union or its subtree, or lost the tier, since enrolling draws no ticket, and their enrolment
turns LAPSED, which the recomputation reads.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import cast

from tortoise.transactions import in_transaction

from unionhub.activities.enrolment import admits
from unionhub.activities.models import Activity, ActivityKind, Enrollment, EnrollmentStatus
from unionhub.clock import utcnow
from unionhub.errors import Conflict, NotFound, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.access import Principal, path_in_scope
from unionhub.identity.lookup import get_records

_RECORD_BATCH = 1000  # members' records read at once when a draw checks its entrants


def ticket(seed: str, member_id: int) -> str:
    return hashlib.sha256(f"{seed}:{member_id}".encode()).hexdigest()


def pick_winners(seed: str, entrants: list[int], n: int) -> list[int]:
    """The public rule: lowest tickets win; independent of the order entrants are listed in."""
    return sorted(sorted(set(entrants)), key=lambda m: ticket(seed, m))[:n]


def entrants_digest(entrants: list[int]) -> str:
    return hashlib.sha256(",".join(str(m) for m in sorted(set(entrants))).encode()).hexdigest()


def commitment_of(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


@dataclass(frozen=True)
class DrawCheck:
    commitment_ok: bool
    entrants_ok: bool
    winners_ok: bool

    @property
    def ok(self) -> bool:
        return self.commitment_ok and self.entrants_ok and self.winners_ok


def _not_found() -> NotFound:
    return NotFound("activity not found", field="activityId")


async def run_draw(activity_id: int, principal: Principal) -> Activity:
    """A cadre whose scope holds the organiser runs the draw, once. Outside that scope the
    activity reads exactly like a missing one: the refusal says nothing of which ids exist
    (callers below CADRE are refused FORBIDDEN by the tier check before this)."""
    activity = await Activity.get_or_none(id=activity_id)
    if activity is None or not path_in_scope(principal, activity.scope_path):
        raise _not_found()
    if activity.kind != ActivityKind.BENEFIT_DRAW:
        raise ValidationFailed("this activity is not a benefit draw", field="activityId",
                               code="NOT_A_DRAW")
    now = utcnow()
    async with in_transaction():
        # Closing first: an enrolment in flight either committed before (and is an entrant)
        # or finds the draw done (its conditional UPDATE requires drawn_at IS NULL).
        if await Activity.filter(id=activity.id, drawn_at__isnull=True).update(drawn_at=now) == 0:
            raise Conflict("the draw has already been run", field="activityId",
                           code="ALREADY_DRAWN")
        enrolled = cast(list[int], await Enrollment.filter(activity_id=activity.id)
                        .values_list("member_id", flat=True))
        lapsed = await _lapsed(activity, enrolled)
        if lapsed:
            await Enrollment.filter(activity_id=activity.id, member_id__in=lapsed).update(
                status=EnrollmentStatus.LAPSED)
        entrants = [m for m in enrolled if m not in lapsed]
        assert activity.draw_seed is not None and activity.winners_count is not None  # a draw has both
        winners = pick_winners(activity.draw_seed, entrants, activity.winners_count)
        digest = entrants_digest(entrants)
        await Activity.filter(id=activity.id).update(draw_entrants_digest=digest)
        if winners:
            await Enrollment.filter(activity_id=activity.id, member_id__in=winners).update(
                status=EnrollmentStatus.WON, won_at=now)
        await audit.record("activity.draw", actor_id=principal.member_id,
                           subject_type="activity", subject_id=activity.id,
                           detail={"entrants": len(entrants), "lapsed": len(lapsed),
                                   "entrants_digest": digest,
                                   "winners": winners, "commitment": activity.draw_commitment})
    return await Activity.get(id=activity.id)


async def _lapsed(activity: Activity, enrolled: list[int]) -> set[int]:
    """The enrolled members the draw no longer admits (`enrolment.admits`: its scope and tier,
    as `enroll` checked them): they left the union or its subtree, or lost the tier (a card
    cancelled or frozen), since enrolling; or their account is gone. Their enrolments turn
    LAPSED and they draw no ticket."""
    lapsed: set[int] = set()
    for i in range(0, len(enrolled), _RECORD_BATCH):
        batch = enrolled[i:i + _RECORD_BATCH]
        records = await get_records(batch)
        lapsed.update(m for m in batch
                      if (record := records.get(m)) is None or not admits(activity, record))
    return lapsed


async def entrants_of(activity_id: int) -> list[int]:
    """The draw's entrants as it fixed them: its enrolments but the lapsed ones."""
    return cast(list[int], await Enrollment.filter(activity_id=activity_id)
                .exclude(status=EnrollmentStatus.LAPSED).values_list("member_id", flat=True))


async def winners_of(activity_id: int) -> list[int]:
    return cast(list[int], await Enrollment.filter(activity_id=activity_id, status=EnrollmentStatus.WON)
                .order_by("member_id").values_list("member_id", flat=True))


async def verify(activity: Activity) -> DrawCheck:
    """Recompute the draw from the revealed seed and the enrolment records."""
    entrants = await entrants_of(activity.id)
    assert activity.draw_seed is not None  # a draw has its seed
    expected = sorted(pick_winners(activity.draw_seed, entrants, activity.winners_count or 0))
    return DrawCheck(
        commitment_ok=commitment_of(activity.draw_seed) == activity.draw_commitment,
        entrants_ok=entrants_digest(entrants) == activity.draw_entrants_digest,
        winners_ok=expected == await winners_of(activity.id),
    )


async def verified(activity_id: int) -> bool:
    return (await verify(await Activity.get(id=activity_id))).ok
