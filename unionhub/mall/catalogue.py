"""The catalogue: certified suppliers with region codes, categories, products and SKUs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tortoise.expressions import F, Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from unionhub.db_replicas import replica_read
from unionhub.errors import NotFound, ValidationFailed
from unionhub.mall.loaders import category_rows, supplier_rows
from unionhub.mall.models import Category, Product, Sku, Supplier
from unionhub.plaintext import check_plain

_REGION_RE = re.compile(r"^\d{6}$")
MAX_PRICE_FEN = 10_000_000  # ¥100,000 per unit: anything above is a typo
MAX_CERTIFICATE_NO = 40  # the column's width
MAX_DESCRIPTION = 2000  # a product page's text, as a service item's (the column has no width)


def _name(value: str, field: str, low: int = 1, high: int = 100) -> str:
    value = value.strip()
    if not low <= len(value) <= high:
        raise ValidationFailed(f"{field} must be {low}–{high} characters", field=field,
                               code="NAME_FORMAT")
    return check_plain(value, field)


def _certificate_no(value: str | None) -> str | None:
    value = (value or "").strip() or None
    if value is not None and len(value) > MAX_CERTIFICATE_NO:  # was an internal error
        raise ValidationFailed(f"a certificate number has at most {MAX_CERTIFICATE_NO} "
                               "characters", field="certificateNo", code="CERTIFICATE_NO_FORMAT")
    return None if value is None else check_plain(value, "certificateNo")


def _description(value: str) -> str:
    value = value.strip()
    if len(value) > MAX_DESCRIPTION:
        raise ValidationFailed(f"a description has at most {MAX_DESCRIPTION} characters",
                               field="description", code="DESCRIPTION_TOO_LONG")
    return check_plain(value, "description", lines=True)


async def create_supplier(*, name: str, region_code: str, region_name: str, certified: bool,
                          certificate_no: str | None = None) -> Supplier:
    if not _REGION_RE.match(region_code):
        raise ValidationFailed("region code must be 6 digits (GB/T 2260)", field="regionCode",
                               code="REGION_CODE_FORMAT")
    if certified and not (certificate_no or "").strip():
        raise ValidationFailed("a certified supplier needs its certificate number",
                               field="certificateNo", code="CERTIFICATE_REQUIRED")
    supplier = await Supplier.create(name=_name(name, "name"), region_code=region_code,
                                     region_name=_name(region_name, "regionName", 2, 60),
                                     certified=certified,
                                     certificate_no=_certificate_no(certificate_no))
    supplier_rows.forget(supplier.id)  # its id may be cached as not found (row_cache.py)
    return supplier


async def create_category(name: str, sort: int = 0) -> Category:
    name = _name(name, "name", 1, 40)
    category, _ = await Category.get_or_create(name=name, defaults={"sort": sort})
    category_rows.forget(category.id)  # a new id may be cached as not found (row_cache.py)
    return category


@dataclass(frozen=True)
class SkuSpec:
    name: str
    price_fen: int
    stock: int


def _check_sku(spec: SkuSpec, price_field: str, stock_field: str) -> None:
    if not 0 < spec.price_fen <= MAX_PRICE_FEN:
        raise ValidationFailed("price must be a positive number of fen", field=price_field,
                               code="PRICE_OUT_OF_RANGE")
    if spec.stock < 0:
        raise ValidationFailed("stock cannot be negative", field=stock_field,
                               code="NEGATIVE_STOCK")


async def create_product(*, supplier_id: int, category_id: int, name: str, description: str,
                         skus: list[SkuSpec]) -> Product:
    if not skus:
        raise ValidationFailed("a product needs at least one SKU", field="skus",
                               code="SKUS_REQUIRED")
    name, description = _name(name, "name"), _description(description)
    sku_names = [_name(s.name, f"skus[{i}].name", 1, 60) for i, s in enumerate(skus)]
    for i, spec in enumerate(skus):
        _check_sku(spec, f"skus[{i}].priceFen", f"skus[{i}].stock")  # the input paths
    if not await Supplier.exists(id=supplier_id):
        raise NotFound("supplier not found", field="supplierId")
    if not await Category.exists(id=category_id):
        raise NotFound("category not found", field="categoryId")
    async with in_transaction():
        product = await Product.create(supplier_id=supplier_id, category_id=category_id,
                                       name=name, description=description)
        await Sku.bulk_create([Sku(product_id=product.id, name=sku_name, price_fen=s.price_fen,
                                   stock=s.stock) for s, sku_name in zip(skus, sku_names,
                                                                         strict=True)])
    return product


async def restock(sku_id: int, delta: int) -> Sku:
    """Add (or remove) stock with an expression, never read-modify-write; stock stays >= 0."""
    if delta == 0:
        raise ValidationFailed("delta must not be zero", field="delta", code="ZERO_DELTA")
    qs = Sku.filter(id=sku_id)
    if delta < 0:
        qs = qs.filter(stock__gte=-delta)
    if not await qs.update(stock=F("stock") + delta):
        if not await Sku.exists(id=sku_id):
            raise NotFound("SKU not found", field="skuId")
        raise ValidationFailed("not enough stock to remove", field="delta",
                               code="INSUFFICIENT_STOCK")
    return await Sku.get(id=sku_id)


async def set_price(sku_id: int, price_fen: int) -> Sku:
    _check_sku(SkuSpec("x", price_fen, 0), "priceFen", "stock")
    if not await Sku.filter(id=sku_id).update(price_fen=price_fen):
        raise NotFound("SKU not found", field="skuId")
    return await Sku.get(id=sku_id)


def search_products(category_id: int | None = None, search: str | None = None) -> QuerySet[Product]:
    """Active products, optionally in a category and matching a term in the product's name,
    its supplier's name or the supplier's region name."""
    qs = Product.filter(active=True)
    if category_id is not None:
        qs = qs.filter(category_id=category_id)
    term = (search or "").strip()
    if term:
        qs = qs.filter(Q(name__icontains=term) | Q(supplier__name__icontains=term)
                       | Q(supplier__region_name__icontains=term))
    return qs


@replica_read
async def get_product(product_id: int) -> Product | None:
    return await Product.get_or_none(id=product_id, active=True)


async def categories() -> list[Category]:
    return await Category.all().order_by("sort", "id")


async def suppliers() -> list[Supplier]:
    return await Supplier.all().order_by("id")
