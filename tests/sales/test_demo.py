"""The sales demo generator: fast, idempotent, and its data keeps the module's invariants.

It runs on customers made through the customers service (not the customers demo generator), so
this test covers the sales generator alone."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db.models import F, Sum

from guanxi.core.demo import DemoContext, build_organisation
from guanxi.sales.demo import generate
from guanxi.sales.models import Instalment, Opportunity, Order, OrderLine, Payment, Task
from tests.sales.conftest import make_customer


def test_demo_builds_a_consistent_transaction_history(db):
    ctx = DemoContext(rng=random.Random(2026), seed=2026, options={})
    build_organisation(ctx)
    for i in range(40):
        make_customer(ctx.sales_reps[i % 4], f"Demo customer {i}", phone=f"139000{i:05d}")
    generate(ctx)
    assert Order.objects.count() > 10 and Payment.objects.exists() and Opportunity.objects.exists()
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
    generate(ctx)  # an already-built database is left as it is
    assert Order.objects.count() == before
