"""The delivery address of a mall order, as GraphQL shows it: its personal fields by the rule
of `mall.addresses` (in clear and audited, or masked), decided per order and caller."""

from __future__ import annotations

import strawberry

from unionhub.identity.access import Principal
from unionhub.identity.lookup import MemberRecord
from unionhub.mall import addresses, orders
from unionhub.mall import models as m

_ADDRESS_RULE = ("in clear for the buyer and the cadres whose scope holds the buyer now "
                 "(those reads audited), masked for anyone else who may see the order")


@strawberry.type(description="A delivery address, as given with the order. The recipient's "
                             f"name and phone and the street address are personal data: "
                             f"{_ADDRESS_RULE} (mall.addresses).")
class Address:
    clear: strawberry.Private[orders.Address]
    shown: strawberry.Private[addresses.Shown]
    order_id: strawberry.Private[int]
    buyer_id: strawberry.Private[int]
    buyer_union_id: strawberry.Private[int | None]

    @strawberry.field(description="The recipient's name; masked (张*丰) unless in clear (see "
                                  "Address).")
    def recipient(self, info: strawberry.Info) -> str:
        return self._personal(info, "recipient")

    @strawberry.field(description="The recipient's phone; masked (138****5678) unless in clear "
                                  "(see Address).")
    def phone(self, info: strawberry.Info) -> str:
        return self._personal(info, "phone")

    @strawberry.field(description="6-digit GB/T 2260 region code (a county: not masked).")
    def region_code(self) -> str:
        return self.clear.region_code

    @strawberry.field(description="Street address; masked (雁塔区****) unless in clear (see "
                                  "Address).")
    def detail(self, info: strawberry.Info) -> str:
        return self._personal(info, "detail")

    def _personal(self, info: strawberry.Info, field: str) -> str:
        """Synchronous when masked or the buyer's own; a clear value for anyone else only
        after its audit row has committed."""
        value: str = getattr(self.clear, field)
        if self.shown is addresses.Shown.MASKED:
            return addresses.masked(field, value)
        if self.shown is addresses.Shown.OWN or not value:
            return value
        return self._audited(info, field, value)  # type: ignore[return-value]

    async def _audited(self, info: strawberry.Info, field: str, value: str) -> str:
        await addresses.record_read(info.context.principal, order_id=self.order_id,
                                    buyer_id=self.buyer_id, buyer_union_id=self.buyer_union_id,
                                    field=field)
        return value


def _address(row: m.Order, shown: addresses.Shown, union_id: int | None) -> Address:
    return Address(clear=orders.address_of(row), shown=shown, order_id=row.id,
                   buyer_id=row.member_id, buyer_union_id=union_id)


def _address_for(row: m.Order, principal: Principal, buyer: MemberRecord | None) -> Address:
    """`buyer`: the buyer's member record now (None once there is no such member)."""
    return _address(row, addresses.shown(principal, row.member_id,
                                         buyer.union_path if buyer else None),
                    buyer.union_id if buyer else None)


ADDRESS_FIELD = f"The delivery address: seen with the order, its personal fields {_ADDRESS_RULE}."


def address_of_order(info: strawberry.Info, row: m.Order) -> Address:
    """Synchronous unless the answer depends on where the buyer is now (a cadre's read):
    then after the buyer's record (the request's DataLoader, one batch for a page)."""
    principal, buyer_id = info.context.principal, row.member_id
    if not addresses.needs_buyer_union(principal, buyer_id):
        return _address(row, addresses.shown(principal, buyer_id, None), None)
    return _after_buyer_record(info, row)  # type: ignore[return-value]


async def _after_buyer_record(info: strawberry.Info, row: m.Order) -> Address:
    buyer = await info.context.members.load(row.member_id)
    return _address_for(row, info.context.principal, buyer)
