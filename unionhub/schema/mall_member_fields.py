"""The mall's fields of the Member entity: vouchers and recent orders."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from unionhub.identity.access import Tier, path_in_scope
from unionhub.mall import models as m
from unionhub.resolvers import mall_pages as pages
from unionhub.schema.mall_types import (
    Order,
    Voucher,
    VoucherStatusEnum,
    load_related,
    shown_vouchers,
)
from unionhub.schema.permissions import gql_field
from unionhub.schema.relay import MAX_PAGE, After, Before, Connection, First, Last, replaced_by

# --- the mall's fields of Member -----------------------------------------------------------

async def _visible(self: Any, info: strawberry.Info) -> bool:
    """The member, and cadres whose scope holds the member."""
    principal = info.context.principal
    if principal.member_id is not None and str(principal.member_id) == str(self.id):
        return True
    rec = self.rec or await info.context.members.load(int(self.id))
    return rec is not None and path_in_scope(principal, rec.union_path)


@strawberry.type
class MallMemberFields:
    @gql_field(tier=Tier.MEMBER, description="Every voucher of the member in one list, newest "
                                             "first; null unless self or a cadre whose scope "
                                             "holds the member.",
               deprecation_reason=replaced_by("vouchersConnection"))
    async def vouchers(self, info: strawberry.Info,
                       status: Annotated[VoucherStatusEnum | None, strawberry.argument(description=(
                           "Only this status (as shown now); null for all."))] = None,
                       ) -> list[Voucher] | None:
        if not await _visible(self, info):
            return None
        rec = self.rec or await info.context.members.load(int(self.id))
        rows = await load_related(info, "vouchers_of_member", int(self.id))
        return await shown_vouchers(info, rows, rec.union_path if rec else "",
                                    m.VoucherStatus(status) if status else None)

    @gql_field(tier=Tier.MEMBER, description="The member's newest orders (up to 10); null unless "
                                             "self or a cadre whose scope holds the member.")
    async def orders(self, info: strawberry.Info) -> list[Order] | None:
        if not await _visible(self, info):
            return None
        return [Order.of(o) for o in await load_related(info, "recent_orders_of_member", int(self.id))]

    @gql_field(tier=Tier.MEMBER, description="The member's vouchers, newest first, with the "
                                             "status shown now; `status` keeps those shown "
                                             f"with it. At most {MAX_PAGE} a page. Null "
                                             "unless self or a cadre whose scope holds the "
                                             "member.")
    async def vouchers_connection(self, info: strawberry.Info,
                                  status: Annotated[VoucherStatusEnum | None, strawberry.argument(
                                      description="Only this status (as shown now); null for "
                                                  "all.")] = None,
                                  first: First = None, after: After = None, last: Last = None,
                                  before: Before = None) -> Connection[Voucher] | None:
        if not await _visible(self, info):
            return None
        return await pages.member_vouchers(info, int(self.id), status, first, after, last,
                                           before)

    @gql_field(tier=Tier.MEMBER, description=f"All the member's orders, newest first, at most "
                                             f"{MAX_PAGE} a page (`orders` is the newest 10 "
                                             "for a summary). Null unless self or a cadre "
                                             "whose scope holds the member.")
    async def orders_connection(self, info: strawberry.Info, first: First = None,
                                after: After = None, last: Last = None,
                                before: Before = None) -> Connection[Order] | None:
        if not await _visible(self, info):
            return None
        return await pages.member_orders(info, int(self.id), first, after, last, before)
