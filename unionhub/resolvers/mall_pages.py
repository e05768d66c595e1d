"""The mall's paged lists (Relay connections) that replace plain lists: the caller's and a
member's vouchers, a member's orders, the suppliers. The queries are the mall's own
(mall/vouchers.py, the models); the paging is unionhub/schema/relay.py."""

from __future__ import annotations

from typing import Annotated

import strawberry

from unionhub.fastpath.attached_rows import Children, Parent
from unionhub.identity.access import require_authenticated
from unionhub.mall import vouchers
from unionhub.mall.models import Order, OrderItem, Supplier, VoucherCampaign, VoucherStatus
from unionhub.schema import mall_types as t
from unionhub.schema.relay import After, Before, Connection, First, Last, connection, keyset_page


async def _voucher_page(info: strawberry.Info, member_id: int, union_path: str,
                        status: VoucherStatus | None, first: int | None,
                        after: str | None, last: int | None = None,
                        before: str | None = None) -> Connection[t.Voucher]:
    wanted = VoucherStatus(status) if status is not None else None
    campaigns = Parent(VoucherCampaign, "campaign_id")  # read with the page
    rows, page = await keyset_page(vouchers.shown_as(member_id, wanted, union_path), first,
                                   after, newest_first=True, last=last, before=before,
                                   attach=campaigns)
    shown = await t.shown_vouchers(info, rows, union_path, None, campaigns.found)
    return connection(shown, [r.id for r in rows], page)


async def my_vouchers_connection(info: strawberry.Info,
                                 status: Annotated[VoucherStatus | None, strawberry.argument(
                                     description="Only this status (as shown now); null for "
                                                 "all.")] = None,
                                 first: First = None, after: After = None, last: Last = None,
                                 before: Before = None) -> Connection[t.Voucher]:
    member_id = require_authenticated(info.context.principal)
    rec = await info.context.caller_record()
    return await _voucher_page(info, member_id, rec.union_path if rec else "", status, first,
                               after, last, before)


async def member_vouchers(info: strawberry.Info, member_id: int,
                          status: VoucherStatus | None, first: int | None,
                          after: str | None, last: int | None = None,
                          before: str | None = None) -> Connection[t.Voucher]:
    """A member's vouchers, for the member or a cadre in scope (the caller checks)."""
    rec = await info.context.members.load(member_id)
    return await _voucher_page(info, member_id, rec.union_path if rec else "", status, first,
                               after, last, before)


async def member_orders(info: strawberry.Info, member_id: int, first: int | None,
                        after: str | None, last: int | None = None,
                        before: str | None = None) -> Connection[t.Order]:
    items = Children(OrderItem, "order_id")  # the lines read with the page
    rows, page = await keyset_page(Order.filter(member_id=member_id), first, after,
                                   newest_first=True, last=last, before=before, attach=items)
    return connection([t.Order.of(r, items.found.get(r.id)) for r in rows],
                      [r.id for r in rows], page)


async def suppliers_connection(info: strawberry.Info, first: First = None, after: After = None,
                               last: Last = None,
                               before: Before = None) -> Connection[t.Supplier]:
    rows, page = await keyset_page(Supplier.all(), first, after, last=last, before=before)
    return connection([t.Supplier.of(s) for s in rows], [s.id for s in rows], page)
