"""The sales API: /api/v1/products, leads, opportunities, tasks, orders, payments, receivables
and reports.

Lists share the pages' filter sets (unknown query keys → 400 naming the key); every route starts
from the scope rule (out of view scope → 404 like missing; visible but not changeable → 403);
writes carry the version (a ``version`` field or If-Match) and a stale one answers 409. Owner,
department, version, totals, statuses and timestamps are not client-writable: they change
through the dedicated routes (assign, stage, confirm, cancel, reverse ...).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import ConfigDict

from guanxi.core import clock
from guanxi.core.api import paginate
from guanxi.core.errors import InvalidInput
from guanxi.core.models import Department, User
from guanxi.core.scopes import CHANGE
from guanxi.core.services.records import get_in_bin, get_visible
from guanxi.customers.models import Customer
from guanxi.sales import filters
from guanxi.sales.models import (
    Instalment,
    Lead,
    Opportunity,
    Order,
    Payment,
    Pipeline,
    PriceList,
    Product,
    ProductCategory,
    Stage,
    StageHistory,
    Task,
)
from guanxi.sales.services import (
    leads,
    opportunities,
    orders,
    payments,
    products,
    receivables,
    reports,
    tasks,
)

router = Router(tags=["sales"])


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


# ------------------------------------------------------------------ helpers


def _version(request: HttpRequest, payload: dict[str, Any]) -> int:
    """The version the client's copy was read at: the body's ``version`` or If-Match."""
    version = payload.pop("version", None)
    if version is None:
        header = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
        if header.isdigit():
            version = int(header)
    if version is None:
        raise InvalidInput(
            {"version": [_("Send the version you edited (a version field or If-Match).")]}
        )
    return int(version)


def _set(schema: Any) -> dict[str, Any]:
    return schema.model_dump(exclude_unset=True)


def _user(user_id: int | None, field: str = "owner") -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise InvalidInput({field: [_("No active user with this id.")]})
    return user


def _price_list_of(request: HttpRequest, price_list_id: int | None) -> PriceList | None:
    if price_list_id is None:
        return None
    found = PriceList.objects.visible_to(request.user).filter(pk=price_list_id, active=True).first()
    if found is None:
        raise InvalidInput({"price_list": [_("No such active price list.")]})
    return found


def _etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


def _name(user: Any) -> str:
    return str(user) if user is not None else ""


class PageInfo(Schema):
    count: int
    page: int
    page_size: int


class MessageOut(Schema):
    detail: str


class BulkAssignIn(Strict):
    ids: list[int]
    owner: int


# ------------------------------------------------------------------ products


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
            "category_name": p.category.name if p.category_id else "",
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


# ------------------------------------------------------------------ leads


class LeadOut(Schema):
    id: int
    source: str
    company: str
    contact_name: str
    contact_title: str
    phone: str
    email: str
    province: str
    city: str
    industry: str
    estimated_value: Decimal | None
    status: str
    disqualify_reason: str
    notes: str
    owner: int | None
    owner_name: str
    converted_customer: int | None
    converted_opportunity: int | None
    version: int
    created_at: dt.datetime

    @staticmethod
    def of(lead: Lead) -> dict[str, Any]:
        data = {f: getattr(lead, f) for f in leads.WRITABLE_FIELDS}
        data.update(
            id=lead.pk,
            owner=lead.owner_id,
            owner_name=_name(lead.owner),
            converted_customer=lead.converted_customer_id,
            converted_opportunity=lead.converted_opportunity_id,
            version=lead.version,
            created_at=lead.created_at,
        )
        return data


class LeadIn(Strict):
    company: str
    source: str = ""
    contact_name: str = ""
    contact_title: str = ""
    phone: str = ""
    email: str = ""
    province: str = ""
    city: str = ""
    industry: str = ""
    estimated_value: Decimal | None = None
    status: str = "new"
    notes: str = ""
    owner: int | None = None


class LeadPatch(Strict):
    company: str | None = None
    source: str | None = None
    contact_name: str | None = None
    contact_title: str | None = None
    phone: str | None = None
    email: str | None = None
    province: str | None = None
    city: str | None = None
    industry: str | None = None
    estimated_value: Decimal | None = None
    status: str | None = None
    disqualify_reason: str | None = None
    notes: str | None = None
    version: int | None = None


class LeadPage(PageInfo):
    items: list[LeadOut]


class DisqualifyIn(Strict):
    reason: str
    version: int | None = None


class ConvertIn(Strict):
    existing_customer: int | None = None
    create_new_customer: bool = False
    create_opportunity: bool = True
    opportunity_name: str | None = None
    opportunity_amount: Decimal | None = None
    expected_close_date: dt.date | None = None
    version: int | None = None


class DuplicateOut(Schema):
    exists: bool
    owner: str
    reason: str
    id: int | None


class RoundRobinIn(Strict):
    ids: list[int]
    team: int


@router.get("/leads", response=LeadPage)
def list_leads(request: HttpRequest) -> dict[str, Any]:
    rows, info = paginate(
        request, Lead.objects.visible_to(request.user).select_related("owner"), filters.LEAD_FILTERS
    )
    return {**info, "items": [LeadOut.of(x) for x in rows]}


@router.get("/leads/{lead_id}", response=LeadOut)
def get_lead(request: HttpRequest, lead_id: int, response: HttpResponse) -> dict[str, Any]:
    lead = get_visible(Lead, lead_id, request.user)
    _etag(response, lead.version)
    return LeadOut.of(lead)


@router.post("/leads", response={201: LeadOut})
def create_lead(request: HttpRequest, payload: LeadIn) -> tuple[int, dict[str, Any]]:
    values = _set(payload)
    owner = _user(values.pop("owner", None))
    return 201, LeadOut.of(leads.create_lead(actor=request.user, values=values, owner=owner))


@router.patch("/leads/{lead_id}", response=LeadOut)
def update_lead(request: HttpRequest, lead_id: int, payload: LeadPatch) -> dict[str, Any]:
    lead = get_visible(Lead, lead_id, request.user, CHANGE)
    values = _set(payload)
    version = _version(request, values)
    return LeadOut.of(
        leads.update_lead(lead, actor=request.user, expected_version=version, changes=values)
    )


@router.delete("/leads/{lead_id}", response={204: None})
def delete_lead(request: HttpRequest, lead_id: int) -> tuple[int, None]:
    leads.delete_lead(get_visible(Lead, lead_id, request.user, CHANGE), actor=request.user)
    return 204, None


@router.post("/leads/{lead_id}/restore", response=LeadOut)
def restore_lead(request: HttpRequest, lead_id: int) -> dict[str, Any]:
    return LeadOut.of(
        leads.restore_lead(get_in_bin(Lead, lead_id, request.user), actor=request.user)
    )


@router.post("/leads/{lead_id}/disqualify", response=LeadOut)
def disqualify_lead(request: HttpRequest, lead_id: int, payload: DisqualifyIn) -> dict[str, Any]:
    lead = get_visible(Lead, lead_id, request.user, CHANGE)
    return LeadOut.of(
        leads.disqualify_lead(
            lead, actor=request.user, reason=payload.reason, expected_version=payload.version
        )
    )


@router.get(
    "/leads/{lead_id}/duplicates", response=list[DuplicateOut], summary="查重 before converting"
)
def lead_duplicates(request: HttpRequest, lead_id: int) -> Any:
    lead = get_visible(Lead, lead_id, request.user)
    return [
        {
            "exists": True,
            "owner": f.owner,
            "reason": f.reason,
            "id": f.customer.pk if f.customer else None,
        }
        for f in leads.duplicates_for(lead, request.user)
    ]


@router.post(
    "/leads/{lead_id}/convert",
    response={200: LeadOut, 409: Any},
    summary="Convert a qualified lead",
)
def convert_lead(request: HttpRequest, lead_id: int, payload: ConvertIn) -> Any:
    lead = get_visible(Lead, lead_id, request.user, CHANGE)
    opportunity: dict[str, Any] = {}
    if payload.opportunity_name:
        opportunity["name"] = payload.opportunity_name
    if payload.opportunity_amount is not None:
        opportunity["amount"] = payload.opportunity_amount
    if payload.expected_close_date is not None:
        opportunity["expected_close_date"] = payload.expected_close_date
    try:
        lead = leads.convert_lead(
            lead,
            actor=request.user,
            existing_customer=payload.existing_customer,
            create_new_customer=payload.create_new_customer,
            create_opportunity=payload.create_opportunity,
            opportunity=opportunity,
            expected_version=payload.version,
        )
    except leads.DuplicateCustomers as exc:
        return 409, {
            "code": "duplicate_customer",
            "detail": _(
                "Matching customers exist: attach the lead to one (existing_customer) or "
                "create a new customer anyway (create_new_customer)."
            ),
            "matches": [
                {"owner": f.owner, "reason": f.reason, "id": f.customer.pk if f.customer else None}
                for f in exc.found
            ],
        }
    return 200, LeadOut.of(lead)


@router.post("/leads/assign", response=MessageOut, summary="Bulk assignment, all or nothing")
def assign_leads(request: HttpRequest, payload: BulkAssignIn) -> dict[str, str]:
    if not payload.ids:
        raise InvalidInput({"ids": [_("Select at least one record.")]})
    leads.assign_leads(payload.ids, actor=request.user, new_owner=_user(payload.owner))
    return {"detail": _("Owner changed.")}


@router.post(
    "/leads/round-robin", response=list[LeadOut], summary="Deal leads out in turn within a team"
)
def round_robin(request: HttpRequest, payload: RoundRobinIn) -> Any:
    team = Department.objects.filter(pk=payload.team).first()
    if team is None:
        raise InvalidInput({"team": [_("No such team.")]})
    done = leads.assign_round_robin(payload.ids, actor=request.user, team=team)
    return [LeadOut.of(x) for x in done]


# ------------------------------------------------------------------ opportunities


class LineIn(Strict):
    product: int
    quantity: Decimal = Decimal("1")
    unit_price: Decimal | None = None
    discount: Decimal = Decimal("0")
    description: str = ""


class LineOut(Schema):
    id: int
    product: int
    product_name: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    amount: Decimal


def _lines(rows: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": x.pk,
            "product": x.product_id,
            "product_name": x.product.name,
            "description": x.description,
            "quantity": x.quantity,
            "unit_price": x.unit_price,
            "discount": x.discount,
            "amount": x.amount,
        }
        for x in rows
    ]


class OpportunityOut(Schema):
    id: int
    name: str
    customer: int
    customer_name: str
    contact: int | None
    pipeline: int
    stage: int
    stage_name: str
    probability: int
    outcome: str
    amount: Decimal
    weighted_amount: Decimal
    opened_on: dt.date
    expected_close_date: dt.date | None
    closed_on: dt.date | None
    next_step: str
    lost_reason: str
    competitor: str
    notes: str
    owner: int | None
    owner_name: str
    version: int

    @staticmethod
    def of(o: Opportunity) -> dict[str, Any]:
        return {
            "id": o.pk,
            "name": o.name,
            "customer": o.customer_id,
            "customer_name": o.customer.name,
            "contact": o.contact_id,
            "pipeline": o.pipeline_id,
            "stage": o.stage_id,
            "stage_name": o.stage.name,
            "probability": o.stage.probability,
            "outcome": o.outcome,
            "amount": o.amount,
            "weighted_amount": o.weighted_amount,
            "opened_on": o.opened_on,
            "expected_close_date": o.expected_close_date,
            "closed_on": o.closed_on,
            "next_step": o.next_step,
            "lost_reason": o.lost_reason,
            "competitor": o.competitor,
            "notes": o.notes,
            "owner": o.owner_id,
            "owner_name": _name(o.owner),
            "version": o.version,
        }


class OpportunityDetailOut(OpportunityOut):
    lines: list[LineOut]


class OpportunityIn(Strict):
    customer: int
    name: str
    contact: int | None = None
    amount: Decimal | None = None
    expected_close_date: dt.date | None = None
    next_step: str = ""
    competitor: str = ""
    notes: str = ""
    owner: int | None = None
    stage: int | None = None
    price_list: int | None = None
    lines: list[LineIn] | None = None


class OpportunityPatch(Strict):
    name: str | None = None
    contact: int | None = None
    amount: Decimal | None = None
    expected_close_date: dt.date | None = None
    next_step: str | None = None
    competitor: str | None = None
    notes: str | None = None
    version: int | None = None


class StageMoveIn(Strict):
    stage: int
    version: int | None = None
    lost_reason: str = ""
    competitor: str = ""


class LinesIn(Strict):
    lines: list[LineIn]
    version: int | None = None


class HistoryOut(Schema):
    stage: int
    stage_name: str
    entered_at: dt.datetime
    left_at: dt.datetime | None
    days: float | None


class OpportunityPage(PageInfo):
    items: list[OpportunityOut]


def _opportunity_rows(request: HttpRequest) -> Any:
    return Opportunity.objects.visible_to(request.user).select_related("customer", "stage", "owner")


@router.get("/opportunities", response=OpportunityPage)
def list_opportunities(request: HttpRequest) -> dict[str, Any]:
    rows, info = paginate(request, _opportunity_rows(request), filters.OPPORTUNITY_FILTERS)
    return {**info, "items": [OpportunityOut.of(o) for o in rows]}


def _opportunity_detail(o: Opportunity) -> dict[str, Any]:
    return {**OpportunityOut.of(o), "lines": _lines(o.lines.select_related("product"))}


@router.get("/opportunities/{opportunity_id}", response=OpportunityDetailOut)
def get_opportunity(
    request: HttpRequest, opportunity_id: int, response: HttpResponse
) -> dict[str, Any]:
    o = get_visible(Opportunity, opportunity_id, request.user)
    _etag(response, o.version)
    return _opportunity_detail(o)


@router.post("/opportunities", response={201: OpportunityDetailOut})
def create_opportunity(request: HttpRequest, payload: OpportunityIn) -> tuple[int, dict[str, Any]]:
    values = _set(payload)
    customer = get_visible(Customer, values.pop("customer"), request.user)
    owner = _user(values.pop("owner", None))
    stage_id = values.pop("stage", None)
    stage = Stage.objects.filter(pk=stage_id).first() if stage_id else None
    if stage_id and stage is None:
        raise InvalidInput({"stage": [_("No such stage.")]})
    lines = values.pop("lines", None)
    price_list = _price_list_of(request, values.pop("price_list", None))
    o = opportunities.create_opportunity(
        actor=request.user,
        customer=customer,
        values=values,
        owner=owner,
        stage=stage,
        lines=lines,
        price_list=price_list,
    )
    return 201, _opportunity_detail(o)


@router.patch("/opportunities/{opportunity_id}", response=OpportunityDetailOut)
def update_opportunity(
    request: HttpRequest, opportunity_id: int, payload: OpportunityPatch
) -> dict[str, Any]:
    o = get_visible(Opportunity, opportunity_id, request.user, CHANGE)
    values = _set(payload)
    version = _version(request, values)
    o = opportunities.update_opportunity(
        o, actor=request.user, expected_version=version, changes=values
    )
    return _opportunity_detail(o)


@router.delete("/opportunities/{opportunity_id}", response={204: None})
def delete_opportunity(request: HttpRequest, opportunity_id: int) -> tuple[int, None]:
    o = get_visible(Opportunity, opportunity_id, request.user, CHANGE)
    opportunities.delete_opportunity(o, actor=request.user)
    return 204, None


@router.post("/opportunities/{opportunity_id}/restore", response=OpportunityOut)
def restore_opportunity(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    o = get_in_bin(Opportunity, opportunity_id, request.user)
    return OpportunityOut.of(opportunities.restore_opportunity(o, actor=request.user))


@router.post(
    "/opportunities/{opportunity_id}/stage", response=OpportunityOut, summary="Move to a stage"
)
def move_opportunity(
    request: HttpRequest, opportunity_id: int, payload: StageMoveIn
) -> dict[str, Any]:
    o = get_visible(Opportunity, opportunity_id, request.user, CHANGE)
    stage = Stage.objects.filter(pk=payload.stage).first()
    if stage is None:
        raise InvalidInput({"stage": [_("No such stage.")]})
    o = opportunities.move_stage(
        o,
        actor=request.user,
        stage=stage,
        expected_version=payload.version,
        lost_reason=payload.lost_reason,
        competitor=payload.competitor,
    )
    return OpportunityOut.of(o)


@router.put("/opportunities/{opportunity_id}/lines", response=OpportunityDetailOut)
def replace_opportunity_lines(
    request: HttpRequest, opportunity_id: int, payload: LinesIn
) -> dict[str, Any]:
    o = get_visible(Opportunity, opportunity_id, request.user, CHANGE)
    o = opportunities.replace_lines(
        o,
        actor=request.user,
        lines=[line.model_dump() for line in payload.lines],
        expected_version=payload.version,
    )
    return _opportunity_detail(o)


@router.get(
    "/opportunities/{opportunity_id}/history", response=list[HistoryOut], summary="Stage history"
)
def opportunity_history(request: HttpRequest, opportunity_id: int) -> Any:
    o = get_visible(Opportunity, opportunity_id, request.user)
    rows = StageHistory.objects.filter(opportunity=o).select_related("stage")
    return [
        {
            "stage": h.stage_id,
            "stage_name": h.stage.name,
            "entered_at": h.entered_at,
            "left_at": h.left_at,
            "days": h.duration_days,
        }
        for h in rows
    ]


@router.post(
    "/opportunities/reassign", response=MessageOut, summary="Bulk reassign, all or nothing"
)
def reassign_opportunities(request: HttpRequest, payload: BulkAssignIn) -> dict[str, str]:
    if not payload.ids:
        raise InvalidInput({"ids": [_("Select at least one record.")]})
    opportunities.reassign_opportunities(
        payload.ids, actor=request.user, new_owner=_user(payload.owner)
    )
    return {"detail": _("Owner changed.")}


# ------------------------------------------------------------------ tasks


class TaskOut(Schema):
    id: int
    kind: str
    subject: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    location: str
    status: str
    overdue: bool
    done_at: dt.datetime | None
    notes: str
    customer: int | None
    contact: int | None
    lead: int | None
    opportunity: int | None
    activity: int | None
    owner: int | None
    owner_name: str
    version: int

    @staticmethod
    def of(t: Task) -> dict[str, Any]:
        start_of_today = tasks.day_bounds(clock.today())[0]
        return {
            "id": t.pk,
            "kind": t.kind,
            "subject": t.subject,
            "starts_at": t.starts_at,
            "ends_at": t.ends_at,
            "location": t.location,
            "status": t.status,
            "overdue": t.status == "open" and t.starts_at < start_of_today,
            "done_at": t.done_at,
            "notes": t.notes,
            "customer": t.customer_id,
            "contact": t.contact_id,
            "lead": t.lead_id,
            "opportunity": t.opportunity_id,
            "activity": t.activity_id,
            "owner": t.owner_id,
            "owner_name": _name(t.owner),
            "version": t.version,
        }


class TaskIn(Strict):
    subject: str
    starts_at: dt.datetime
    kind: str = "task"
    ends_at: dt.datetime | None = None
    location: str = ""
    notes: str = ""
    customer: int | None = None
    contact: int | None = None
    lead: int | None = None
    opportunity: int | None = None
    owner: int | None = None


class TaskPatch(Strict):
    subject: str | None = None
    starts_at: dt.datetime | None = None
    kind: str | None = None
    ends_at: dt.datetime | None = None
    location: str | None = None
    notes: str | None = None
    customer: int | None = None
    contact: int | None = None
    lead: int | None = None
    opportunity: int | None = None
    version: int | None = None


class VersionIn(Strict):
    version: int | None = None


class LogActivityIn(Strict):
    kind: str = "call"
    subject: str | None = None
    outcome: str = ""
    next_step: str = ""
    occurred_at: dt.datetime | None = None
    next_contact_at: dt.datetime | None = None
    version: int | None = None


class TaskPage(PageInfo):
    items: list[TaskOut]


@router.get("/tasks", response=TaskPage)
def list_tasks(request: HttpRequest) -> dict[str, Any]:
    rows, info = paginate(
        request, Task.objects.visible_to(request.user).select_related("owner"), filters.TASK_FILTERS
    )
    return {**info, "items": [TaskOut.of(t) for t in rows]}


@router.get("/tasks/{task_id}", response=TaskOut)
def get_task(request: HttpRequest, task_id: int, response: HttpResponse) -> dict[str, Any]:
    t = get_visible(Task, task_id, request.user)
    _etag(response, t.version)
    return TaskOut.of(t)


@router.post("/tasks", response={201: TaskOut})
def create_task(request: HttpRequest, payload: TaskIn) -> tuple[int, dict[str, Any]]:
    values = _set(payload)
    owner = _user(values.pop("owner", None))
    return 201, TaskOut.of(tasks.create_task(actor=request.user, values=values, owner=owner))


@router.patch("/tasks/{task_id}", response=TaskOut)
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> dict[str, Any]:
    t = get_visible(Task, task_id, request.user, CHANGE)
    values = _set(payload)
    version = _version(request, values)
    return TaskOut.of(
        tasks.update_task(t, actor=request.user, expected_version=version, changes=values)
    )


@router.delete("/tasks/{task_id}", response={204: None})
def delete_task(request: HttpRequest, task_id: int) -> tuple[int, None]:
    tasks.delete_task(get_visible(Task, task_id, request.user, CHANGE), actor=request.user)
    return 204, None


@router.post("/tasks/{task_id}/complete", response=TaskOut)
def complete_task(request: HttpRequest, task_id: int, payload: VersionIn) -> dict[str, Any]:
    t = get_visible(Task, task_id, request.user, CHANGE)
    return TaskOut.of(tasks.complete_task(t, actor=request.user, expected_version=payload.version))


@router.post(
    "/tasks/{task_id}/log-activity",
    response=TaskOut,
    summary="Log a communication record; completes the task",
)
def log_task_activity(request: HttpRequest, task_id: int, payload: LogActivityIn) -> dict[str, Any]:
    t = get_visible(Task, task_id, request.user, CHANGE)
    values = _set(payload)
    version = values.pop("version", None)
    return TaskOut.of(
        tasks.log_activity(t, actor=request.user, values=values, expected_version=version)
    )


# ------------------------------------------------------------------ orders


class InstalmentOut(Schema):
    id: int
    number: int
    due_date: dt.date
    amount: Decimal
    paid_amount: Decimal
    outstanding: Decimal
    status: str
    reminder_days: int
    version: int

    @staticmethod
    def of(i: Instalment, today: dt.date) -> dict[str, Any]:
        return {
            "id": i.pk,
            "number": i.number,
            "due_date": i.due_date,
            "amount": i.amount,
            "paid_amount": i.paid_amount,
            "outstanding": i.outstanding,
            "status": i.status_on(today),
            "reminder_days": i.reminder_days,
            "version": i.version,
        }


class OrderOut(Schema):
    id: int
    number: str
    customer: int
    customer_name: str
    contact: int | None
    opportunity: int | None
    order_date: dt.date
    status: str
    total: Decimal
    currency: str
    confirmed_on: dt.date | None
    delivered_on: dt.date | None
    cancelled_on: dt.date | None
    cancel_reason: str
    contract_number: str
    signed_on: dt.date | None
    contract_start: dt.date | None
    contract_end: dt.date | None
    customer_signatory: str
    our_signatory: str
    expiry_reminder_days: int
    notes: str
    owner: int | None
    owner_name: str
    version: int

    @staticmethod
    def of(o: Order) -> dict[str, Any]:
        from guanxi.sales.services.common import currency

        data = {f: getattr(o, f) for f in orders.WRITABLE_FIELDS if f != "contact"}
        data.update(
            id=o.pk,
            number=o.number,
            customer=o.customer_id,
            customer_name=o.customer.name,
            contact=o.contact_id,
            opportunity=o.opportunity_id,
            status=o.status,
            total=o.total,
            currency=currency(),
            confirmed_on=o.confirmed_on,
            delivered_on=o.delivered_on,
            cancelled_on=o.cancelled_on,
            cancel_reason=o.cancel_reason,
            owner=o.owner_id,
            owner_name=_name(o.owner),
            version=o.version,
        )
        return data


class OrderDetailOut(OrderOut):
    lines: list[LineOut]
    instalments: list[InstalmentOut]
    paid: Decimal
    outstanding: Decimal


class OrderIn(Strict):
    customer: int | None = None
    opportunity: int | None = None
    number: str | None = None
    order_date: dt.date | None = None
    contact: int | None = None
    contract_number: str = ""
    signed_on: dt.date | None = None
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    customer_signatory: str = ""
    our_signatory: str = ""
    expiry_reminder_days: int = 30
    notes: str = ""
    owner: int | None = None
    price_list: int | None = None
    lines: list[LineIn] | None = None


class OrderPatch(Strict):
    order_date: dt.date | None = None
    contact: int | None = None
    contract_number: str | None = None
    signed_on: dt.date | None = None
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    customer_signatory: str | None = None
    our_signatory: str | None = None
    expiry_reminder_days: int | None = None
    notes: str | None = None
    version: int | None = None


class CancelIn(Strict):
    reason: str
    version: int | None = None


class InstalmentIn(Strict):
    due_date: dt.date
    amount: Decimal
    number: int | None = None
    reminder_days: int = 3
    notes: str = ""


class InstalmentPatch(Strict):
    due_date: dt.date | None = None
    amount: Decimal | None = None
    reminder_days: int | None = None
    notes: str | None = None
    version: int | None = None


class OrderPage(PageInfo):
    items: list[OrderOut]


@router.get("/orders", response=OrderPage)
def list_orders(request: HttpRequest) -> dict[str, Any]:
    rows, info = paginate(
        request,
        Order.objects.visible_to(request.user).select_related("customer", "owner"),
        filters.ORDER_FILTERS,
    )
    return {**info, "items": [OrderOut.of(o) for o in rows]}


def _order_detail(o: Order) -> dict[str, Any]:
    today = clock.today()
    paid = orders.paid_total(o)
    return {
        **OrderOut.of(o),
        "lines": _lines(o.lines.select_related("product")),
        "instalments": [InstalmentOut.of(i, today) for i in o.instalments.all()],
        "paid": paid,
        "outstanding": o.total - paid if o.is_revenue else Decimal("0"),
    }


@router.get("/orders/{order_id}", response=OrderDetailOut)
def get_order(request: HttpRequest, order_id: int, response: HttpResponse) -> dict[str, Any]:
    o = get_visible(Order, order_id, request.user)
    _etag(response, o.version)
    return _order_detail(o)


@router.post(
    "/orders",
    response={201: OrderDetailOut},
    summary="A draft order, directly or from a won opportunity",
)
def create_order(request: HttpRequest, payload: OrderIn) -> tuple[int, dict[str, Any]]:
    values = _set(payload)
    customer_id = values.pop("customer", None)
    opportunity_id = values.pop("opportunity", None)
    owner = _user(values.pop("owner", None))
    lines = values.pop("lines", None)
    opportunity = get_visible(Opportunity, opportunity_id, request.user) if opportunity_id else None
    customer = (
        get_visible(Customer, customer_id, request.user)
        if customer_id and not opportunity
        else None
    )
    o = orders.create_order(
        actor=request.user,
        customer=customer,
        opportunity=opportunity,
        values=values,
        lines=lines,
        owner=owner,
        price_list=_price_list_of(request, values.pop("price_list", None)),
    )
    return 201, _order_detail(o)


@router.patch("/orders/{order_id}", response=OrderDetailOut)
def update_order(request: HttpRequest, order_id: int, payload: OrderPatch) -> dict[str, Any]:
    o = get_visible(Order, order_id, request.user, CHANGE)
    values = _set(payload)
    version = _version(request, values)
    return _order_detail(
        orders.update_order(o, actor=request.user, expected_version=version, changes=values)
    )


@router.delete(
    "/orders/{order_id}", response={204: None}, summary="Drafts only; cancel a confirmed order"
)
def delete_order(request: HttpRequest, order_id: int) -> tuple[int, None]:
    orders.delete_order(get_visible(Order, order_id, request.user, CHANGE), actor=request.user)
    return 204, None


@router.put(
    "/orders/{order_id}/lines", response=OrderDetailOut, summary="Replace a draft order's lines"
)
def replace_order_lines(request: HttpRequest, order_id: int, payload: LinesIn) -> dict[str, Any]:
    o = get_visible(Order, order_id, request.user, CHANGE)
    o = orders.replace_lines(
        o,
        actor=request.user,
        lines=[line.model_dump() for line in payload.lines],
        expected_version=payload.version,
    )
    return _order_detail(o)


@router.post("/orders/{order_id}/confirm", response=OrderDetailOut)
def confirm_order(request: HttpRequest, order_id: int, payload: VersionIn) -> dict[str, Any]:
    o = get_visible(Order, order_id, request.user, CHANGE)
    return _order_detail(
        orders.confirm_order(o, actor=request.user, expected_version=payload.version)
    )


@router.post("/orders/{order_id}/deliver", response=OrderDetailOut)
def deliver_order(request: HttpRequest, order_id: int, payload: VersionIn) -> dict[str, Any]:
    o = get_visible(Order, order_id, request.user, CHANGE)
    return _order_detail(
        orders.deliver_order(o, actor=request.user, expected_version=payload.version)
    )


@router.post("/orders/{order_id}/cancel", response=OrderDetailOut)
def cancel_order(request: HttpRequest, order_id: int, payload: CancelIn) -> dict[str, Any]:
    o = get_visible(Order, order_id, request.user, CHANGE)
    return _order_detail(
        orders.cancel_order(
            o, actor=request.user, reason=payload.reason, expected_version=payload.version
        )
    )


@router.post(
    "/orders/{order_id}/instalments",
    response={201: InstalmentOut},
    summary="Add to the payment plan",
)
def add_instalment(
    request: HttpRequest, order_id: int, payload: InstalmentIn
) -> tuple[int, dict[str, Any]]:
    o = get_visible(Order, order_id, request.user, CHANGE)
    values = _set(payload)
    i = orders.add_instalment(o, actor=request.user, values=values)
    return 201, InstalmentOut.of(i, clock.today())


@router.patch("/instalments/{instalment_id}", response=InstalmentOut)
def update_instalment(
    request: HttpRequest, instalment_id: int, payload: InstalmentPatch
) -> dict[str, Any]:
    i = get_visible(Instalment, instalment_id, request.user, CHANGE)
    values = _set(payload)
    version = _version(request, values)
    i = orders.update_instalment(i, actor=request.user, expected_version=version, changes=values)
    return InstalmentOut.of(i, clock.today())


@router.delete("/instalments/{instalment_id}", response={204: None})
def delete_instalment(request: HttpRequest, instalment_id: int) -> tuple[int, None]:
    orders.delete_instalment(
        get_visible(Instalment, instalment_id, request.user, CHANGE), actor=request.user
    )
    return 204, None


# ------------------------------------------------------------------ payments


class PaymentOut(Schema):
    id: int
    order: int
    order_number: str
    instalment: int | None
    customer: int
    received_on: dt.date
    amount: Decimal
    method: str
    reference: str
    status: str
    reversed_on: dt.date | None
    reversal_reason: str
    notes: str
    owner: int | None
    owner_name: str
    version: int

    @staticmethod
    def of(p: Payment) -> dict[str, Any]:
        return {
            "id": p.pk,
            "order": p.order_id,
            "order_number": p.order.number,
            "instalment": p.instalment_id,
            "customer": p.customer_id,
            "received_on": p.received_on,
            "amount": p.amount,
            "method": p.method,
            "reference": p.reference,
            "status": p.status,
            "reversed_on": p.reversed_on,
            "reversal_reason": p.reversal_reason,
            "notes": p.notes,
            "owner": p.owner_id,
            "owner_name": _name(p.owner),
            "version": p.version,
        }


class PaymentIn(Strict):
    order: int
    amount: Decimal
    received_on: dt.date | None = None
    method: str = "bank"
    reference: str = ""
    notes: str = ""
    instalment: int | None = None
    owner: int | None = None


class PaymentPatch(Strict):
    method: str | None = None
    reference: str | None = None
    notes: str | None = None
    received_on: dt.date | None = None
    version: int | None = None


class ReverseIn(Strict):
    reason: str
    version: int | None = None


class PaymentPage(PageInfo):
    items: list[PaymentOut]


@router.get("/payments", response=PaymentPage)
def list_payments(request: HttpRequest) -> dict[str, Any]:
    rows, info = paginate(
        request,
        Payment.objects.visible_to(request.user).select_related("order", "owner"),
        filters.PAYMENT_FILTERS,
    )
    return {**info, "items": [PaymentOut.of(p) for p in rows]}


@router.get("/payments/{payment_id}", response=PaymentOut)
def get_payment(request: HttpRequest, payment_id: int, response: HttpResponse) -> dict[str, Any]:
    p = get_visible(Payment, payment_id, request.user)
    _etag(response, p.version)
    return PaymentOut.of(p)


@router.post("/payments", response={201: PaymentOut}, summary="Record a payment received (回款)")
def record_payment(request: HttpRequest, payload: PaymentIn) -> tuple[int, dict[str, Any]]:
    values = _set(payload)
    order = get_visible(Order, values.pop("order"), request.user)
    owner = _user(values.pop("owner", None))
    return 201, PaymentOut.of(
        payments.record_payment(actor=request.user, order=order, values=values, owner=owner)
    )


@router.patch("/payments/{payment_id}", response=PaymentOut)
def update_payment(request: HttpRequest, payment_id: int, payload: PaymentPatch) -> dict[str, Any]:
    p = get_visible(Payment, payment_id, request.user, CHANGE)
    values = _set(payload)
    version = _version(request, values)
    return PaymentOut.of(
        payments.update_payment(p, actor=request.user, expected_version=version, changes=values)
    )


@router.post(
    "/payments/{payment_id}/reverse",
    response=PaymentOut,
    summary="Reverse (冲销); the record stays",
)
def reverse_payment(request: HttpRequest, payment_id: int, payload: ReverseIn) -> dict[str, Any]:
    p = get_visible(Payment, payment_id, request.user, CHANGE)
    return PaymentOut.of(
        payments.reverse_payment(
            p, actor=request.user, reason=payload.reason, expected_version=payload.version
        )
    )


# ------------------------------------------------------------------ receivables and reports


class ReceivableOut(Schema):
    order: int
    order_number: str
    customer: int
    customer_name: str
    instalment: int | None
    due_date: dt.date
    amount: Decimal
    days_overdue: int
    bucket: str


class AgeingOut(Schema):
    today: dt.date
    currency: str
    buckets: dict[str, Decimal]
    total: Decimal
    rows: list[ReceivableOut]


@router.get("/receivables", response=AgeingOut, summary="Accounts receivable with ageing buckets")
def list_receivables(
    request: HttpRequest, owner: int | None = None, customer: int | None = None
) -> dict[str, Any]:
    from guanxi.sales.services.common import currency

    rows = Order.objects.visible_to(request.user)
    if owner is not None:
        rows = rows.filter(owner_id=owner)
    if customer is not None:
        rows = rows.filter(customer_id=customer)
    today = clock.today()
    ageing = receivables.receivables(rows, today)
    return {
        "today": today,
        "currency": currency(),
        "buckets": ageing.totals,
        "total": ageing.total,
        "rows": [
            {
                "order": r.order.pk,
                "order_number": r.order.number,
                "customer": r.order.customer_id,
                "customer_name": r.order.customer.name,
                "instalment": r.instalment.pk if r.instalment else None,
                "due_date": r.due_date,
                "amount": r.amount,
                "days_overdue": r.days_overdue,
                "bucket": r.bucket,
            }
            for r in ageing.rows
        ],
    }


class ReportOut(Schema):
    name: str
    title: str
    definition: str
    start: dt.date
    end: dt.date
    columns: list[str]
    rows: list[list[Any]]


@router.get("/reports/{name}", response=ReportOut, summary="A sales report over the caller's scope")
def get_report(request: HttpRequest, name: str) -> dict[str, Any]:
    report = reports.run(name, request.user, request.GET)
    return {
        "name": report.name,
        "title": str(report.title),
        "definition": str(report.definition),
        "start": report.start,
        "end": report.end,
        "columns": [str(c) for c in report.columns],
        "rows": [[reports.json_cell(v) for v in row] for row in report.rows],
    }


__all__ = ["router"]
