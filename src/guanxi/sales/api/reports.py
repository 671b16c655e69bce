"""Accounts receivable with ageing buckets, and the sales reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema

from guanxi.core import access, clock
from guanxi.core.resources import lists
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


AgeingPage = lists.page_schema(
    "AgeingPage",
    ReceivableOut,
    today=dt.date,
    currency=str,
    buckets=dict[str, Decimal],
    total=Decimal,
)


class ReceivablesQuery(lists.PageQuery):
    owner: int | None = None
    customer: int | None = None


@router.get("/receivables", response=AgeingPage, summary="Accounts receivable with ageing buckets")
def list_receivables(request: HttpRequest, query: Query[ReceivablesQuery]) -> dict[str, Any]:
    from guanxi.sales.services.common import currency

    rows = Order.objects.visible_to(request.user)
    if query.owner is not None:
        rows = rows.filter(owner_id=query.owner)
    if query.customer is not None:
        rows = rows.filter(customer_id=query.customer)
    today = clock.today()
    ageing = receivables.receivables(rows, today)
    page = lists.page_of(
        request,
        ageing.rows,
        ReceivablesQuery,
        lambda r: {
            "order": r.order.pk,
            "order_number": r.order.number,
            "customer": r.order.customer_id,
            "customer_name": r.order.customer.name,
            "instalment": r.instalment.pk if r.instalment else None,
            "due_date": r.due_date,
            "amount": r.amount,
            "days_overdue": r.days_overdue,
            "bucket": r.bucket,
        },
    )
    return {
        **page,
        "today": today,
        "currency": currency(),
        "buckets": ageing.totals,
        "total": ageing.total,
    }


ReportPage = lists.page_schema(
    "ReportPage",
    list[Any],
    name=str,
    title=str,
    definition=str,
    start=dt.date,
    end=dt.date,
    columns=list[str],
)


class ReportQuery(lists.PageQuery):
    start: dt.date | None = None
    end: dt.date | None = None
    limit: int | None = None


@router.get(
    "/reports/{name}", response=ReportPage, summary="A sales report over the caller's scope"
)
def get_report(request: HttpRequest, name: str, query: Query[ReportQuery]) -> dict[str, Any]:
    lists.check_keys(request, ReportQuery)
    params = {k: v for k, v in request.GET.lists() if k not in ("page", "page_size")}
    report = reports.run(name, request.user, params)
    page = lists.page_of(
        request, report.rows, ReportQuery, lambda row: [reports.json_cell(v) for v in row]
    )
    return {
        **page,
        "name": report.name,
        "title": str(report.title),
        "definition": str(report.definition),
        "start": report.start,
        "end": report.end,
        "columns": [str(c) for c in report.columns],
    }


# Both read only what the caller's scope holds (the report over visible orders).
access.declare_many("api", {"list_receivables": access.SIGNED_IN, "get_report": access.SCOPED})
