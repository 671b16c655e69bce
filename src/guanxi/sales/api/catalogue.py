"""Products, categories, price lists and pipelines (catalogue data: every signed-in user
reads it, sales managers and administrators change it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema

from guanxi.core.api import paginate
from guanxi.core.errors import InvalidInput
from guanxi.core.models import Department
from guanxi.core.scopes import CHANGE
from guanxi.core.services.records import get_visible
from guanxi.sales import filters
from guanxi.sales.api import router
from guanxi.sales.api.common import (
    PageInfo,
    Strict,
    _etag,
    _set,
    _version,
)
from guanxi.sales.models import (
    Pipeline,
    PriceList,
    Product,
    ProductCategory,
    Stage,
)
from guanxi.sales.services import (
    products,
)


class CategoryOut(Schema):
    id: int
    name: str
    name_en: str
    version: int


class CategoryIn(Strict):
    name: str
    name_en: str = ""


class ProductOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    category: int | None
    category_name: str
    unit: str
    list_price: Decimal
    cost: Decimal | None
    active: bool
    version: int

    @staticmethod
    def of(p: Product) -> dict[str, Any]:
        return {
            "id": p.pk,
            "code": p.code,
            "name": p.name,
            "name_en": p.name_en,
            "category": p.category_id,
            "category_name": p.category.name if p.category is not None else "",
            "unit": p.unit,
            "list_price": p.list_price,
            "cost": p.cost,
            "active": p.active,
            "version": p.version,
        }


class ProductIn(Strict):
    code: str
    name: str
    name_en: str = ""
    category: int | None = None
    unit: str = ""
    list_price: Decimal = Decimal("0")
    cost: Decimal | None = None
    active: bool = True


class ProductPatch(Strict):
    code: str | None = None
    name: str | None = None
    name_en: str | None = None
    category: int | None = None
    unit: str | None = None
    list_price: Decimal | None = None
    cost: Decimal | None = None
    active: bool | None = None
    version: int | None = None


class ProductPage(PageInfo):
    items: list[ProductOut]


@router.get(
    "/products", response=ProductPage, summary="The product catalogue (every signed-in user)"
)
def list_products(request: HttpRequest) -> dict[str, Any]:
    rows, info = paginate(
        request,
        Product.objects.visible_to(request.user).select_related("category"),
        filters.PRODUCT_FILTERS,
    )
    return {**info, "items": [ProductOut.of(p) for p in rows]}


@router.get("/products/{product_id}", response=ProductOut)
def get_product(request: HttpRequest, product_id: int, response: HttpResponse) -> dict[str, Any]:
    product = get_visible(Product, product_id, request.user)
    _etag(response, product.version)
    return ProductOut.of(product)


@router.post("/products", response={201: ProductOut}, summary="Sales managers and administrators")
def create_product(request: HttpRequest, payload: ProductIn) -> tuple[int, dict[str, Any]]:
    product = products.create_product(actor=request.user, values=_set(payload))
    return 201, ProductOut.of(product)


@router.patch("/products/{product_id}", response=ProductOut)
def update_product(request: HttpRequest, product_id: int, payload: ProductPatch) -> dict[str, Any]:
    product = get_visible(Product, product_id, request.user, CHANGE)
    values = _set(payload)
    version = _version(request, values)
    return ProductOut.of(
        products.update_product(
            product, actor=request.user, expected_version=version, changes=values
        )
    )


@router.delete("/products/{product_id}", response={204: None})
def delete_product(request: HttpRequest, product_id: int) -> tuple[int, None]:
    products.delete_product(
        get_visible(Product, product_id, request.user, CHANGE), actor=request.user
    )
    return 204, None


@router.get("/product-categories", response=list[CategoryOut])
def list_categories(request: HttpRequest) -> Any:
    return [
        {"id": c.pk, "name": c.name, "name_en": c.name_en, "version": c.version}
        for c in ProductCategory.objects.visible_to(request.user)
    ]


@router.post("/product-categories", response={201: CategoryOut})
def create_category(request: HttpRequest, payload: CategoryIn) -> tuple[int, dict[str, Any]]:
    c = products.create_category(actor=request.user, values=_set(payload))
    return 201, {"id": c.pk, "name": c.name, "name_en": c.name_en, "version": c.version}


class PriceOut(Schema):
    product: int
    product_code: str
    price: Decimal


class PriceListOut(Schema):
    id: int
    name: str
    active: bool
    notes: str
    version: int
    prices: list[PriceOut]


class PriceListIn(Strict):
    name: str
    active: bool = True
    notes: str = ""


class PriceIn(Strict):
    price: Decimal


def _price_list(p: PriceList) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "active": p.active,
        "notes": p.notes,
        "version": p.version,
        "prices": [
            {"product": i.product_id, "product_code": i.product.code, "price": i.price}
            for i in p.items.all()
            if i.deleted_at is None
        ],
    }


@router.get("/price-lists", response=list[PriceListOut], summary="Price lists and their prices")
def list_price_lists(request: HttpRequest) -> Any:
    rows = PriceList.objects.visible_to(request.user).prefetch_related("items__product")
    return [_price_list(p) for p in rows]


@router.post("/price-lists", response={201: PriceListOut}, summary="Sales managers, administrators")
def create_price_list(request: HttpRequest, payload: PriceListIn) -> tuple[int, dict[str, Any]]:
    created = products.create_price_list(actor=request.user, values=_set(payload))
    return 201, _price_list(created)


@router.put("/price-lists/{price_list_id}/prices/{product_id}", response=PriceListOut)
def set_price(
    request: HttpRequest, price_list_id: int, product_id: int, payload: PriceIn
) -> dict[str, Any]:
    price_list = get_visible(PriceList, price_list_id, request.user, CHANGE)
    product = get_visible(Product, product_id, request.user)
    products.set_price(
        actor=request.user, price_list=price_list, product=product, price=payload.price
    )
    return _price_list(PriceList.objects.prefetch_related("items__product").get(pk=price_list.pk))


class StageOut(Schema):
    id: int
    name: str
    position: int
    probability: int
    kind: str


class PipelineOut(Schema):
    id: int
    name: str
    is_default: bool
    departments: list[int]
    stages: list[StageOut]


@router.get("/pipelines", response=list[PipelineOut], summary="Stage groups and their stages")
def list_pipelines(request: HttpRequest) -> Any:
    rows = Pipeline.objects.visible_to(request.user).prefetch_related("stages", "departments")
    return [
        {
            "id": p.pk,
            "name": p.name,
            "is_default": p.is_default,
            "departments": [d.pk for d in p.departments.all()],
            "stages": [
                {
                    "id": s.pk,
                    "name": s.name,
                    "position": s.position,
                    "probability": s.probability,
                    "kind": s.kind,
                }
                for s in p.stages.all()
                if s.deleted_at is None
            ],
        }
        for p in rows
    ]


class StageIn(Strict):
    name: str
    probability: int = 0
    kind: str = "open"


class PipelineIn(Strict):
    name: str
    is_default: bool = False
    departments: list[int] = []
    stages: list[StageIn]


class StagePatch(Strict):
    name: str | None = None
    probability: int | None = None
    position: int | None = None
    version: int | None = None


def _pipeline(p: Pipeline) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "is_default": p.is_default,
        "departments": [d.pk for d in p.departments.all()],
        "stages": [
            {"id": s.pk, "name": s.name, "position": s.position, "probability": s.probability,
             "kind": s.kind}
            for s in p.stages.all()
            if s.deleted_at is None
        ],
    }  # fmt: skip


@router.post("/pipelines", response={201: PipelineOut}, summary="A stage group for departments")
def create_pipeline(request: HttpRequest, payload: PipelineIn) -> tuple[int, dict[str, Any]]:
    from guanxi.sales.services import pipelines

    departments = list(Department.objects.filter(pk__in=payload.departments))
    if len(departments) != len(set(payload.departments)):
        raise InvalidInput({"departments": [_("No such department.")]})
    created = pipelines.create_pipeline(
        actor=request.user,
        name=payload.name,
        stages=[stage.model_dump() for stage in payload.stages],
        departments=departments,
        is_default=payload.is_default,
    )
    return 201, _pipeline(
        Pipeline.objects.prefetch_related("stages", "departments").get(pk=created.pk)
    )


@router.patch(
    "/stages/{stage_id}", response=StageOut, summary="Rename, re-weigh or reorder a stage"
)
def update_stage(request: HttpRequest, stage_id: int, payload: StagePatch) -> dict[str, Any]:
    from guanxi.sales.services import pipelines

    stage = get_visible(Stage, stage_id, request.user, CHANGE)
    values = _set(payload)
    version = _version(request, values)
    stage = pipelines.update_stage(
        stage, actor=request.user, expected_version=version, changes=values
    )
    return {"id": stage.pk, "name": stage.name, "position": stage.position,
            "probability": stage.probability, "kind": stage.kind}  # fmt: skip
