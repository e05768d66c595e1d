"""The domains that make up the platform; each is a Tortoise app and a federation subgraph.

Order matters: identity first, since every other domain extends its entities.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from types import ModuleType

DOMAINS: tuple[str, ...] = ("identity", "mall", "services", "activities", "content")


def models_module(domain: str) -> str:
    return f"unionhub.{domain}.models"


def migrations_module(domain: str) -> str:
    return f"unionhub.{domain}.migrations"


def optional_domain_modules(submodule: str,
                            domains: Iterable[str] = DOMAINS) -> Iterator[ModuleType]:
    """Each domain's `unionhub.<domain>.<submodule>` where the domain has one (routes, jobs):
    a missing module is skipped, an import error inside an existing one is raised."""
    for domain in domains:
        name = f"unionhub.{domain}.{submodule}"
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def check_domains_startup(settings: object, domains: Iterable[str] = DOMAINS) -> None:
    """Each domain's `startup.check(settings)`: configuration it cannot run without is
    refused before the process serves anything."""
    for module in optional_domain_modules("startup", domains):
        module.check(settings)


async def close_domains(domains: Iterable[str] = DOMAINS) -> None:
    """Each domain's `startup.close()`: clients it opened (payment providers' HTTP)."""
    for module in optional_domain_modules("startup", domains):
        await module.close()
