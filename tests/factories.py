"""Builders for test data: a small union tree and accounts in any tier.

Accounts are written through the same seed helpers as the demo data; tokens are issued by the
real token code, so tests of other features need not sign in through argon2 every time."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from unionhub.identity.models import Member, Role, Union
from unionhub.identity.seed import DemoTree, _account, seed_tree, synthetic_id_number
from unionhub.identity.tokens import issue_access_token

_phones = itertools.count(1)
_ids = itertools.count(100)


@dataclass
class Account:
    member: Member
    phone: str
    token: str
    id_number: str | None
    name: str | None

    @property
    def id(self) -> str:
        return str(self.member.id)


class Factory:
    def __init__(self, gql: Any) -> None:
        self.gql = gql
        self._tree: DemoTree | None = None

    async def tree(self) -> DemoTree:
        if self._tree is None:
            self._tree = await seed_tree()
        return self._tree

    async def account(self, union: Union | None = None, *, verified: bool = True,
                      role: Role = Role.MEMBER, cadre_org: Union | None = None,
                      name: str = "张三丰") -> Account:
        tree = await self.tree()
        union = union or (tree.all_grassroots[0] if verified else tree.pool)
        phone = f"1380000{next(_phones):04d}"
        id_number = synthetic_id_number(next(_ids), "610112") if verified else None
        member = await _account(phone, union, verified=verified, role=role, cadre_org=cadre_org,
                                name=name if verified else None, id_number=id_number)
        return Account(member=member, phone=phone, token=self.token_for(member, cadre_org),
                       id_number=id_number, name=name if verified else None)

    async def cadre(self, org: Union) -> Account:
        tree = await self.tree()
        return await self.account(tree.all_grassroots[0], role=Role.CADRE, cadre_org=org,
                                  name="李建国")

    async def operator(self) -> Account:
        return await self.account(verified=False, role=Role.OPERATOR)

    async def admin(self) -> Account:
        return await self.account(verified=False, role=Role.ADMIN)

    @staticmethod
    def token_for(member: Member, cadre_org: Union | None = None) -> str:
        return issue_access_token(member.id, member.role, cadre_org.id if cadre_org else None,
                                  cadre_org.path if cadre_org else None)
