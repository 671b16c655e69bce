"""The sales catalogue's resources: products, categories, price lists, pipelines and stages.

Reference data: every signed-in user reads it; sales managers and administrators change it (the
services check). Core builds the API routes, pages' URLs and exports from these declarations.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ConfigDict

from guanxi.core.resources import (
    Action,
    Column,
    Computed,
    Resource,
    ScopeKind,
    Services,
    register,
)
from guanxi.sales import filters
from guanxi.sales.models import (
    Competitor,
    Pipeline,
    PriceList,
    Product,
    ProductCategory,
    Stage,
)
from guanxi.sales.services import competitors, pipelines, products


class StageIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str
    probability: int = 0
    kind: str = "open"


class StageOut(Schema):
    id: int
    name: str
    position: int
    probability: int
    kind: str


class PriceOut(Schema):
    product: int
    product_code: str
    price: Decimal


def _stages(pipeline: Pipeline) -> list[dict[str, Any]]:
    return [
        {"id": s.pk, "name": s.name, "position": s.position, "probability": s.probability,
         "kind": s.kind}
        for s in pipeline.stages.all()
        if s.deleted_at is None
    ]  # fmt: skip


def _prices(price_list: PriceList) -> list[dict[str, Any]]:
    return [
        {"product": i.product_id, "product_code": i.product.code, "price": i.price}
        for i in price_list.items.all()
        if i.deleted_at is None
    ]


PRODUCTS = Resource(
    model=Product,
    name="products",
    singular="product",
    read=("id", *products.PRODUCT_FIELDS, "version"),
    write=products.PRODUCT_FIELDS,
    required=("code", "name"),
    computed=(Computed("category_name", str, lambda p: p.category.name if p.category_id else ""),),
    filterset=filters.PRODUCT_FILTERS,
    services=Services(
        create=products.create_product,
        update=products.update_product,
        delete=products.delete_product,
        restore=products.restore_product,
    ),
    scope=ScopeKind.REFERENCE,
    columns=(
        Column(_("product code"), lambda p: p.code),
        Column(_("name"), lambda p: p.name),
        Column(_("English name"), lambda p: p.name_en),
        Column(_("category"), lambda p: p.category.name if p.category_id else ""),
        Column(_("unit"), lambda p: p.unit),
        Column(_("list price"), lambda p: p.list_price),
        Column(_("cost"), lambda p: p.cost),
        Column(_("active"), lambda p: p.active),
    ),
    select_related=("category",),
    summary="The product catalogue (every signed-in user)",
    tags=("sales",),
)

CATEGORIES = Resource(
    model=ProductCategory,
    name="categories",
    path="product-categories",
    singular="category",
    read=("id", *products.CATEGORY_FIELDS, "version"),
    write=products.CATEGORY_FIELDS,
    required=("name",),
    filterset=filters.CATEGORY_FILTERS,
    services=Services(create=products.create_category, update=products.update_category),
    scope=ScopeKind.REFERENCE,
    tags=("sales",),
)

PRICE_LISTS = Resource(
    model=PriceList,
    name="price_lists",
    path="price-lists",
    singular="price_list",
    read=("id", "name", "active", "notes", "version"),
    write=("name", "active", "notes"),
    required=("name",),
    computed=(Computed("prices", list[PriceOut], _prices),),
    filterset=filters.PRICE_LIST_FILTERS,
    services=Services(create=products.create_price_list),
    scope=ScopeKind.REFERENCE,
    actions=(Action("set_price", "scoped"),),
    prefetch_related=("items__product",),
    summary="Price lists and their prices",
    tags=("sales",),
)

PIPELINES = Resource(
    model=Pipeline,
    name="pipelines",
    singular="pipeline",
    read=("id", "name", "is_default"),
    write=("name", "is_default"),
    required=("name",),
    create_extra={"stages": list[StageIn], "departments": list[int]},
    computed=(
        Computed("departments", list[int], lambda p: [d.pk for d in p.departments.all()]),
        Computed("stages", list[StageOut], _stages),
    ),
    filterset=filters.PIPELINE_FILTERS,
    services=Services(create=pipelines.create_pipeline_from),
    operations=frozenset({"list", "detail", "create"}),
    scope=ScopeKind.REFERENCE,
    prefetch_related=("stages", "departments"),
    summary="Stage groups and their stages",
    tags=("sales",),
)

STAGES = Resource(
    model=Stage,
    name="stages",
    singular="stage",
    read=("id", "pipeline", "name", "position", "probability", "kind", "version"),
    write=("name", "probability", "position"),
    filterset=filters.STAGE_FILTERS,
    services=Services(update=pipelines.update_stage),
    operations=frozenset({"list", "detail", "update"}),
    scope=ScopeKind.REFERENCE,
    summary="Stages of every pipeline (rename, re-weigh or reorder with PATCH)",
    tags=("sales",),
)


COMPETITORS = Resource(
    model=Competitor,
    name="competitors",
    singular="competitor",
    read=("id", *competitors.FIELDS, "version"),
    write=competitors.FIELDS,
    required=("name",),
    filterset=filters.COMPETITOR_FILTERS,
    services=Services(
        create=competitors.create_competitor,
        update=competitors.update_competitor,
        delete=competitors.delete_competitor,
        restore=competitors.restore_competitor,
    ),
    scope=ScopeKind.REFERENCE,
    columns=(
        Column(_("name"), lambda c: c.name, sort="name"),
        Column(_("English name"), lambda c: c.name_en),
        Column(_("website"), lambda c: c.website),
        Column(_("strengths"), lambda c: c.strengths),
        Column(_("weaknesses"), lambda c: c.weaknesses),
        Column(_("updated"), lambda c: c.updated_at, sort="updated"),
    ),
    summary="The competitors deals are lost to (every signed-in user)",
    tags=("sales",),
)


def register_all() -> None:
    for resource in (PRODUCTS, CATEGORIES, PRICE_LISTS, PIPELINES, STAGES, COMPETITORS):
        register(resource)
