"""Accounts receivable with ageing buckets, and the sales reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Schema

from guanxi.core import clock
from guanxi.sales.api import router
from guanxi.sales.models import (
    Order,
)
from guanxi.sales.services import (
    receivables,
    reports,
)


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
