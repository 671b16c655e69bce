"""Orders and contracts: CRUD, lines, confirm / deliver / cancel, the payment plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema

from guanxi.core import clock
from guanxi.core.api import paginate
from guanxi.core.scopes import CHANGE
from guanxi.core.services.records import get_visible
from guanxi.customers.models import Customer
from guanxi.sales import filters
from guanxi.sales.api import router
from guanxi.sales.api.common import (
    LineIn,
    LineOut,
    LinesIn,
    PageInfo,
    Strict,
    VersionIn,
    _etag,
    _lines,
    _name,
    _price_list_of,
    _set,
    _user,
    _version,
)
from guanxi.sales.models import (
    Instalment,
    Opportunity,
    Order,
)
from guanxi.sales.services import (
    orders,
)


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
    hold_reason: str
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
            hold_reason=o.hold_reason,
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


@router.post(
    "/orders/{order_id}/confirm",
    response=OrderDetailOut,
    summary="Confirm a draft order",
    description=(
        "Sales event hooks may refuse the confirmation (400, the reason under `fields.status`; "
        "nothing is written) or put the order on hold (200, `status` `on_hold` and "
        "`hold_reason`; release it with `/release`)."
    ),
)
def confirm_order(request: HttpRequest, order_id: int, payload: VersionIn) -> dict[str, Any]:
    o = get_visible(Order, order_id, request.user, CHANGE)
    return _order_detail(
        orders.confirm_order(o, actor=request.user, expected_version=payload.version)
    )


@router.post(
    "/orders/{order_id}/release",
    response=OrderDetailOut,
    summary="Release an order on hold, which confirms it",
    description="A hook may still refuse (400, the reason under `fields.status`).",
)
def release_order(request: HttpRequest, order_id: int, payload: VersionIn) -> dict[str, Any]:
    o = get_visible(Order, order_id, request.user, CHANGE)
    return _order_detail(
        orders.release_order(o, actor=request.user, expected_version=payload.version)
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
