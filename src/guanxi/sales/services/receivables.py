"""Accounts receivable (应收账款): what is open on confirmed orders, aged by due date.

Computed when asked from amounts, payments and dates (never a stored status): an instalment is
due on its due date; the part of an order outside its payment plan is due on the order date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from guanxi.core import clock
from guanxi.sales.models import REVENUE_STATUSES, Instalment, Order, Payment, PaymentStatus

BUCKETS: list[tuple[str, Any]] = [
    ("not_due", _("Not due")),
    ("d1_30", _("1–30 days overdue")),
    ("d31_60", _("31–60 days overdue")),
    ("d61_90", _("61–90 days overdue")),
    ("d90_plus", _("Over 90 days overdue")),
]


def bucket_of(due: dt.date, today: dt.date) -> str:
    days = (today - due).days
    if days <= 0:
        return "not_due"
    if days <= 30:
        return "d1_30"
    if days <= 60:
        return "d31_60"
    if days <= 90:
        return "d61_90"
    return "d90_plus"


@dataclass
class Receivable:
    order: Order
    due_date: dt.date
    amount: Decimal
    instalment: Instalment | None
    bucket: str

    @property
    def days_overdue(self) -> int:
        return max((clock.today() - self.due_date).days, 0)


@dataclass
class Ageing:
    rows: list[Receivable] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), Decimal("0")).quantize(Decimal("0.01"))

    def buckets(self) -> list[tuple[str, Any, Decimal]]:
        return [(key, label, self.totals.get(key, Decimal("0"))) for key, label in BUCKETS]


def receivables(orders: Any, today: dt.date | None = None) -> Ageing:
    """Open amounts of the given orders (a queryset already scoped by the caller), aged.

    Three queries whatever the number of orders: the orders, their live instalments and the sum
    of each order's valid payments made outside the plan.
    """
    today = today or clock.today()
    open_orders = orders.filter(status__in=REVENUE_STATUSES)
    rows = list(
        open_orders.select_related("customer")
        .only("pk", "number", "total", "order_date", "status", "customer__name", "customer__code")
        .order_by("order_date", "pk")
    )
    plans: dict[int, list[Instalment]] = defaultdict(list)
    instalments = Instalment.objects.filter(order__in=open_orders.values("pk")).only(
        "pk", "order_id", "number", "due_date", "amount", "paid_amount"
    )
    for instalment in instalments.order_by("number"):
        plans[instalment.order_id].append(instalment)
    unplanned_paid = dict(
        Payment.objects.filter(
            order__in=open_orders.values("pk"), status=PaymentStatus.VALID, instalment__isnull=True
        )
        .values("order")
        .annotate(s=Sum("amount"))
        .values_list("order", "s")
    )
    ageing = Ageing(totals={key: Decimal("0.00") for key, _label in BUCKETS})
    for order in rows:
        planned = Decimal("0")
        for instalment in plans[order.pk]:
            planned += instalment.amount
            open_amount = instalment.amount - instalment.paid_amount
            if open_amount > 0:
                _add(ageing, order, instalment.due_date, open_amount, instalment, today)
        unplanned_open = order.total - planned - (unplanned_paid.get(order.pk) or Decimal("0"))
        if unplanned_open > 0:
            _add(ageing, order, order.order_date, unplanned_open, None, today)
    return ageing


def _add(
    ageing: Ageing, order: Order, due: dt.date, amount: Decimal, instalment: Any, today: dt.date
) -> None:
    bucket = bucket_of(due, today)
    ageing.rows.append(Receivable(order, due, amount, instalment, bucket))
    ageing.totals[bucket] += amount
