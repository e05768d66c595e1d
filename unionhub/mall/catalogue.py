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

_REGION_RE = re.compile(r"^\d{6}$")
MAX_PRICE_FEN = 10_000_000  # ¥100,000 per unit: anything above is a typo


def _name(value: str, field: str, low: int = 1, high: int = 100) -> str:
    value = value.strip()
    if not low <= len(value) <= high:
        raise ValidationFailed(f"{field} must be {low}–{high} characters", field=field,
                               code="NAME_FORMAT")
    return value


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
                                     certificate_no=(certificate_no or "").strip() or None)
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
    for i, spec in enumerate(skus):
        _check_sku(spec, f"skus[{i}].priceFen", f"skus[{i}].stock")  # the input paths
    if not await Supplier.exists(id=supplier_id):
        raise NotFound("supplier not found", field="supplierId")
    if not await Category.exists(id=category_id):
        raise NotFound("category not found", field="categoryId")
    async with in_transaction():
        product = await Product.create(supplier_id=supplier_id, category_id=category_id,
                                       name=_name(name, "name"), description=description.strip())
        await Sku.bulk_create([Sku(product_id=product.id, name=_name(s.name, "skus.name", 1, 60),
                                   price_fen=s.price_fen, stock=s.stock) for s in skus])
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
