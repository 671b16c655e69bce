"""Payments received: record, edit the descriptive fields, reverse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema

from guanxi.core.api import paginate
from guanxi.core.scopes import CHANGE
from guanxi.core.services.records import get_visible
from guanxi.core.signed_in import signed_in_user
from guanxi.sales import filters
from guanxi.sales.api import router
from guanxi.sales.api.common import (
    PageInfo,
    Strict,
    _etag,
    _name,
    _set,
    _user,
    _version,
)
from guanxi.sales.models import (
    Order,
    Payment,
)
from guanxi.sales.services import (
    payments,
)


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
    user = signed_in_user(request)
    rows, info = paginate(
        request,
        Payment.objects.visible_to(user).select_related("order", "owner"),
        filters.PAYMENT_FILTERS,
    )
    return {**info, "items": [PaymentOut.of(p) for p in rows]}


@router.get("/payments/{payment_id}", response=PaymentOut)
def get_payment(request: HttpRequest, payment_id: int, response: HttpResponse) -> dict[str, Any]:
    user = signed_in_user(request)
    p = get_visible(Payment, payment_id, user)
    _etag(response, p.version)
    return PaymentOut.of(p)


@router.post("/payments", response={201: PaymentOut}, summary="Record a payment received (回款)")
def record_payment(request: HttpRequest, payload: PaymentIn) -> tuple[int, dict[str, Any]]:
    user = signed_in_user(request)
    values = _set(payload)
    order = get_visible(Order, values.pop("order"), user)
    owner = _user(values.pop("owner", None))
    return 201, PaymentOut.of(
        payments.record_payment(actor=user, order=order, values=values, owner=owner)
    )


@router.patch("/payments/{payment_id}", response=PaymentOut)
def update_payment(request: HttpRequest, payment_id: int, payload: PaymentPatch) -> dict[str, Any]:
    user = signed_in_user(request)
    p = get_visible(Payment, payment_id, user, CHANGE)
    values = _set(payload)
    version = _version(request, values)
    return PaymentOut.of(
        payments.update_payment(p, actor=user, expected_version=version, changes=values)
    )


@router.post(
    "/payments/{payment_id}/reverse",
    response=PaymentOut,
    summary="Reverse (冲销); the record stays",
)
def reverse_payment(request: HttpRequest, payment_id: int, payload: ReverseIn) -> dict[str, Any]:
    user = signed_in_user(request)
    p = get_visible(Payment, payment_id, user, CHANGE)
    return PaymentOut.of(
        payments.reverse_payment(
            p, actor=user, reason=payload.reason, expected_version=payload.version
        )
    )
