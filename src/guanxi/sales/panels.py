"""The sales panels of the customer 360° page and the home dashboard.

Each panel filters its rows through its own model's scope (orders, payments and opportunities
have owners of their own): a user who sees the customer does not thereby see its orders.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Max, Min, Sum
from django.http import HttpRequest

from guanxi.core import clock
from guanxi.core.scopes import may_act
from guanxi.sales.models import (
    REVENUE_STATUSES,
    Opportunity,
    Order,
    Payment,
    PaymentStatus,
    StageKind,
    Task,
)
from guanxi.sales.services import receivables as receivable_services
from guanxi.sales.services import tasks as task_services
from guanxi.sales.services.common import CENT, currency

LIMIT = 10


def _in_sales(request: HttpRequest) -> bool:
    return may_act(request.user, "sales", "view")


def summary(customer: Any, request: HttpRequest) -> dict[str, Any] | None:
    """Lifetime revenue, first and last purchase, over the orders the viewer may see."""
    if not _in_sales(request):
        return None
    figures = (
        Order.objects.visible_to(request.user)
        .filter(customer=customer, status__in=REVENUE_STATUSES)
        .aggregate(revenue=Sum("total"), first=Min("order_date"), last=Max("order_date"))
    )
    received = (
        Payment.objects.visible_to(request.user)
        .filter(customer=customer, status=PaymentStatus.VALID)
        .aggregate(s=Sum("amount"))["s"]
    )
    return {
        "customer": customer,
        "revenue": (figures["revenue"] or Decimal("0")).quantize(CENT),
        "received": (received or Decimal("0")).quantize(CENT),
        "first": figures["first"],
        "last": figures["last"],
        "currency": currency(),
        "status": customer.get_status_display(),
    }


def opportunities(customer: Any, request: HttpRequest) -> dict[str, Any] | None:
    if not _in_sales(request):
        return None
    rows = (
        Opportunity.objects.visible_to(request.user)
        .filter(customer=customer, outcome=StageKind.OPEN)
        .select_related("stage", "owner")
        .order_by("expected_close_date", "pk")[:LIMIT]
    )
    return {"rows": list(rows), "customer": customer}


def orders(customer: Any, request: HttpRequest) -> dict[str, Any] | None:
    if not _in_sales(request):
        return None
    rows = (
        Order.objects.visible_to(request.user)
        .filter(customer=customer)
        .select_related("owner")
        .order_by("-order_date", "-pk")[:LIMIT]
    )
    return {"rows": list(rows), "customer": customer}


def payments(customer: Any, request: HttpRequest) -> dict[str, Any] | None:
    if not _in_sales(request):
        return None
    rows = (
        Payment.objects.visible_to(request.user)
        .filter(customer=customer)
        .select_related("order")
        .order_by("-received_on", "-pk")[:LIMIT]
    )
    return {"rows": list(rows)}


def receivables(customer: Any, request: HttpRequest) -> dict[str, Any] | None:
    if not _in_sales(request):
        return None
    ageing = receivable_services.receivables(
        Order.objects.visible_to(request.user).filter(customer=customer)
    )
    return {"ageing": ageing, "buckets": ageing.buckets(), "currency": currency()}


def dashboard_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Overdue and today's tasks, and instalments due soon, in the user's own scope."""
    if not _in_sales(request):
        return None
    # Only the columns the panel shows: compiling the full Task + Customer select costs more
    # than running it on the home page, the most visited page of all.
    mine = (
        Task.objects.visible_to(request.user)
        .filter(owner=request.user)
        .select_related("customer")
        .only("id", "subject", "starts_at", "customer__id", "customer__name")
    )
    today = clock.today()
    return {
        "overdue": list(task_services.overdue(mine).order_by("starts_at")[:LIMIT]),
        "today": list(task_services.due_today(mine).order_by("starts_at")[:LIMIT]),
        "open_opportunities": Opportunity.objects.visible_to(request.user)
        .filter(owner=request.user, outcome=StageKind.OPEN)
        .count(),
        "day": today,
    }
