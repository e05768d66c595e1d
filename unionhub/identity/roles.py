"""Role changes: who is a cadre (and of which org), an operator or an admin. Admins only,
each change audited; the member's sessions are revoked so the new role takes effect at the next
sign-in rather than riding on tokens issued for the old one."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from unionhub.errors import AccessDenied, NotFound, ValidationFailed
from unionhub.identity import audit
from unionhub.identity.access import Principal
from unionhub.identity.lookup import invalidate_member
from unionhub.identity.models import Member, Role, Union
from unionhub.identity.sessions import revoke_member_sessions


async def assign_role(principal: Principal, member_id: int, role: Role,
                      cadre_org_id: int | None = None) -> Member:
    if not principal.is_admin:
        raise AccessDenied("only an admin changes roles")
    if role == Role.CADRE and cadre_org_id is None:
        raise ValidationFailed("a cadre needs the org they work at", field="cadreOrgId",
                               code="CADRE_ORG_REQUIRED")
    if role != Role.CADRE and cadre_org_id is not None:
        raise ValidationFailed("only cadres have an org", field="cadreOrgId",
                               code="CADRE_ORG_NOT_ALLOWED")
    if member_id == principal.member_id:
        raise ValidationFailed("admins do not change their own role", field="memberId",
                               code="SELF_ROLE_CHANGE")
    async with in_transaction():
        # Not a closed account: it is erased (no phone, no password) and would become a cadre
        # or admin of no one, listed among its org's cadres, answered as "not found" after
        # the change had committed.
        member = await Member.select_for_update().get_or_none(id=member_id, closed_at=None)
        if member is None:
            raise NotFound("member not found", field="memberId")
        if cadre_org_id is not None and not await Union.exists(id=cadre_org_id):
            raise NotFound("union not found", field="cadreOrgId")
        before = {"role": member.role.value, "org": member.cadre_org_id}
        member.role = role
        member.cadre_org_id = cadre_org_id
        await member.save(update_fields=["role", "cadre_org_id", "updated_at"])
        await audit.record(audit.ROLE_CHANGE, actor_id=principal.member_id,
                           subject_type="member", subject_id=member_id, union_id=member.union_id,
                           detail={"from": before, "to": {"role": role.value, "org": cadre_org_id}})
        await revoke_member_sessions(member_id, reason="role_change",
                                     actor_id=principal.member_id)
    await invalidate_member(member_id)
    return member
