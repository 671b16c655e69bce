"""The sales demo generator: fast, idempotent, and its data keeps the module's invariants."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Sum

from guanxi.core import demo
from guanxi.sales.models import Instalment, Opportunity, Order, OrderLine, Payment, Task


def test_demo_builds_a_consistent_transaction_history(db):
    demo.build(seed=2026, options={"customers": 120})
    assert Order.objects.count() > 50 and Payment.objects.exists() and Opportunity.objects.exists()
    assert Task.objects.filter(status="open").exists()
    line_totals = dict(
        OrderLine.objects.values("order").annotate(s=Sum("amount")).values_list("order", "s")
    )
    for pk, total in Order.objects.values_list("pk", "total"):
        assert line_totals[pk] == total
    assert not Instalment.objects.filter(paid_amount__gt=F("amount")).exists()
    paid = dict(Payment.objects.values("order").annotate(s=Sum("amount")).values_list("order", "s"))
    for pk, total in Order.objects.filter(pk__in=paid).values_list("pk", "total"):
        assert paid[pk] <= total + Decimal("0.00")
    before = Order.objects.count()
    demo.build(seed=2026, options={"customers": 120})
    assert Order.objects.count() == before
