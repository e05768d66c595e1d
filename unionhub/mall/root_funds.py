"""The root union's allocation under maker and checker (工会经费 from outside the tree).

Every other union's funds come out of its parent's (mall.funds_allocation); the root's is the
source of all union money in the province, so one person never sets it alone:

- An ADMIN proposes the root's allocation for a year (amount and reason): a PENDING proposal,
  audited, on no budget or ledger.
- Another ADMIN approves it (then, in one transaction, the proposal becomes APPROVED, the
  root's budget grows by the amount and its ledger gets an ALLOCATION entry naming the
  checker) or rejects it with a note. The proposer cannot decide it (SELF_APPROVAL, and a
  CHECK on the table); they may withdraw it while it is pending.
- A proposal pending longer than PROPOSAL_MAX_AGE (30 days) is no longer approved
  (PROPOSAL_EXPIRED): what it was made for may not hold any more. It can still be rejected or
  withdrawn, and the maker proposes it again.
- A proposal leaves PENDING by one conditional UPDATE (`status = 'PENDING'`): of two
  approvals, or an approval and a withdrawal, racing, the second waits on the row and then
  finds it decided (PROPOSAL_NOT_PENDING). So it is approved at most once.
- Every step writes an audit row (actor, amount, trace id) in its own transaction; the reason
  and the note stay on the proposal's row, never in the audit row's detail.

Lock order: an approval locks the proposal's row, then the root's budget row; nothing else
locks proposals, so it joins the allocations' ancestors-first order without a cycle.
"""

from __future__ import annotations

from datetime import timedelta

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from unionhub.clock import utcnow
from unionhub.errors import AccessDenied, Conflict, InvalidTransition, NotFound, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.access import Principal, require_authenticated
from unionhub.identity.orgs import get_union
from unionhub.mall.enums import RootFundsProposalStatus as Status
from unionhub.mall.funds_allocation import check_input, credit
from unionhub.mall.funds_models import RootFundsProposal, UnionFundsBudget
from unionhub.plaintext import check_plain

MIN_TEXT, MAX_TEXT = 2, 200  # the reason and a rejection's note
# A proposal pending longer is no longer approved: the year, amount and reason it was made
# for may not hold any more (the maker proposes it again; it can still be rejected or withdrawn).
PROPOSAL_MAX_AGE_DAYS = 30
PROPOSAL_MAX_AGE = timedelta(days=PROPOSAL_MAX_AGE_DAYS)


def _admin(principal: Principal) -> int:
    actor_id = require_authenticated(principal)
    if not principal.is_admin:
        raise AccessDenied("the root union's funds are proposed and decided by admins")
    return actor_id


def _reason(value: str) -> str:
    text = value.strip()
    if len(text) < MIN_TEXT:
        raise ValidationFailed(f"say why, in {MIN_TEXT}–{MAX_TEXT} characters", field="reason",
                               code="REASON_REQUIRED")
    if len(text) > MAX_TEXT:
        raise ValidationFailed(f"at most {MAX_TEXT} characters", field="reason",
                               code="REASON_TOO_LONG")
    return check_plain(text, "reason", lines=True)


def _note(value: str) -> str:
    text = value.strip()
    if len(text) < MIN_TEXT:
        raise ValidationFailed(f"say why, in {MIN_TEXT}–{MAX_TEXT} characters", field="note",
                               code="NOTE_REQUIRED")
    if len(text) > MAX_TEXT:
        raise ValidationFailed(f"at most {MAX_TEXT} characters", field="note",
                               code="NOTE_TOO_LONG")
    return check_plain(text, "note", lines=True)


async def _proposal(proposal_id: int) -> RootFundsProposal:
    found = await RootFundsProposal.get_or_none(id=proposal_id)
    if found is None:
        raise NotFound("no such proposal", field="proposalId", code="PROPOSAL_NOT_FOUND")
    return found


def _still_pending(found: RootFundsProposal) -> None:
    """As read before the step's transaction; `_decide` holds to it under a racing step."""
    if found.status != Status.PENDING:
        raise _not_pending()


def _not_pending() -> InvalidTransition:
    return InvalidTransition("this proposal was approved, rejected or withdrawn already",
                             field="proposalId", code="PROPOSAL_NOT_PENDING")


def _expired() -> Conflict:
    return Conflict(f"this proposal is older than {PROPOSAL_MAX_AGE_DAYS} days and can no "
                    f"longer be approved: propose it again", field="proposalId",
                    code="PROPOSAL_EXPIRED")


def _still_fresh(found: RootFundsProposal) -> None:
    if utcnow() - found.proposed_at > PROPOSAL_MAX_AGE:
        raise _expired()


async def _decide(found: RootFundsProposal, status: Status, actor_id: int,
                  note: str | None = None) -> None:
    """PENDING → `status`, once: the row's lock makes a racing decision wait, and the
    condition refuses it after. Call inside the step's transaction."""
    moved = await RootFundsProposal.filter(id=found.id, status=Status.PENDING).update(
        status=status, decided_by_id=actor_id, decided_at=utcnow(), note=note)
    if not moved:
        raise _not_pending()


async def _decide_approval(found: RootFundsProposal, actor_id: int) -> None:
    """PENDING → APPROVED as `_decide`, while the proposal is younger than PROPOSAL_MAX_AGE
    (in the same condition)."""
    now = utcnow()
    moved = await RootFundsProposal.filter(
        id=found.id, status=Status.PENDING, proposed_at__gte=now - PROPOSAL_MAX_AGE,
    ).update(status=Status.APPROVED, decided_by_id=actor_id, decided_at=now)
    if not moved:
        if (await RootFundsProposal.get(id=found.id)).status == Status.PENDING:
            raise _expired()
        raise _not_pending()


async def _audit(action: str, actor_id: int | None, found: RootFundsProposal) -> None:
    await audit.record(action, actor_id=actor_id, subject_type="root_funds_proposal",
                       subject_id=found.id, union_id=found.union_id,
                       detail={"year": found.year, "amount_fen": found.amount_fen,
                               "maker_id": found.proposed_by_id})


async def propose(principal: Principal, union_id: int, year: int, amount_fen: int,
                  reason: str) -> RootFundsProposal:
    """The maker's step: a PENDING proposal of the root's allocation for `year`."""
    actor_id = _admin(principal)
    check_input(year, amount_fen)
    text = _reason(reason)
    union = await get_union(union_id)
    if union.parent_id is not None:
        raise Conflict("only the root union's funds are proposed; a union's come from its "
                       "parent (allocateUnionFunds)", field="unionId", code="NOT_ROOT_UNION")
    async with in_transaction():
        made = await RootFundsProposal.create(union_id=union.id, year=year,
                                              amount_fen=amount_fen, reason=text,
                                              proposed_by_id=actor_id)
        await _audit(audit.ROOT_FUNDS_PROPOSE, actor_id, made)
    return made


async def approve(principal: Principal, proposal_id: int) -> RootFundsProposal:
    """The checker's step: the amount goes on the root's budget and ledger."""
    actor_id = _admin(principal)
    found = await _proposal(proposal_id)
    if found.proposed_by_id == actor_id:
        raise Conflict("the admin who proposed the root union's funds cannot approve them",
                       field="proposalId", code="SELF_APPROVAL")
    _still_pending(found)
    _still_fresh(found)
    async with in_transaction():
        await _decide_approval(found, actor_id)
        await credit(found.union_id, found.year, int(found.amount_fen), actor_id)
        await _audit(audit.ROOT_FUNDS_APPROVE, actor_id, found)
    return await RootFundsProposal.get(id=found.id)


async def reject(principal: Principal, proposal_id: int, note: str) -> RootFundsProposal:
    """The checker's refusal, with the reason the proposer is shown; nothing moves."""
    actor_id = _admin(principal)
    text = _note(note)
    found = await _proposal(proposal_id)
    if found.proposed_by_id == actor_id:
        raise Conflict("the admin who proposed the root union's funds withdraws them rather "
                       "than rejecting them", field="proposalId", code="SELF_APPROVAL")
    _still_pending(found)
    async with in_transaction():
        await _decide(found, Status.REJECTED, actor_id, text)
        await _audit(audit.ROOT_FUNDS_REJECT, actor_id, found)
    return await RootFundsProposal.get(id=found.id)


async def withdraw(principal: Principal, proposal_id: int) -> RootFundsProposal:
    """The maker takes back a pending proposal; nothing moves."""
    actor_id = _admin(principal)
    found = await _proposal(proposal_id)
    if found.proposed_by_id != actor_id:
        raise Conflict("only the admin who proposed it withdraws it; reject it instead",
                       field="proposalId", code="NOT_PROPOSER")
    _still_pending(found)
    async with in_transaction():
        await _decide(found, Status.WITHDRAWN, actor_id)
        await _audit(audit.ROOT_FUNDS_WITHDRAW, actor_id, found)
    return await RootFundsProposal.get(id=found.id)


def listed(principal: Principal, status: Status | None) -> QuerySet[RootFundsProposal]:
    """The proposals in `status` (None: all), oldest first: ADMINs only."""
    _admin(principal)
    found = RootFundsProposal.all()
    return found.filter(status=status) if status is not None else found


async def budget(proposal: RootFundsProposal) -> UnionFundsBudget | None:
    """The root's budget for the proposal's year as it stands (None: nothing allocated)."""
    return await UnionFundsBudget.get_or_none(union_id=proposal.union_id, year=proposal.year)
