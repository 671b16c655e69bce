"""The demo generator: every axis covered, one audited batch, ids usable afterwards."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db.models import Count

from guanxi.core.demo import DemoContext, build_organisation
from guanxi.core.models import AuditEvent, ImportBatch
from guanxi.customers.demo import generate
from guanxi.customers.filters import CUSTOMER_FILTERS
from guanxi.customers.models import AXES, Activity, Contact, Customer
from guanxi.customers.services.customers import create_customer

pytestmark = pytest.mark.django_db


def test_demo_customers(db: Any) -> None:
    ctx = DemoContext(rng=random.Random(3), seed=3, options={"customers": 400})
    build_organisation(ctx)
    progress: list[tuple[int, int]] = []
    ctx.progress = lambda label, done, total: progress.append((done, total))
    generate(ctx)
    assert Customer.objects.count() == 400 and progress[-1] == (400, 400)
    assert Contact.objects.exists() and Activity.objects.exists()
    for axis, choices in AXES.items():
        seen = set(Customer.objects.values_list(axis, flat=True))
        if axis in {
            "kind",
            "status",
            "importance",
            "loyalty",
            "relationship_type",
            "lifecycle_status",
        }:
            assert seen >= set(choices.values), axis
    owners = dict(Customer.objects.values_list("owner__username").annotate(n=Count("pk")))
    assert {"rep1", "rep2", "rep3", "rep4", "manager1"} <= set(owners)
    for customer in Customer.objects.exclude(owner=None)[:50]:
        assert customer.department_id == customer.owner.department_id
        customer.full_clean(validate_unique=False, validate_constraints=False)
    batch = ImportBatch.objects.get(kind="demo")
    assert batch.counts["customers"] == 400
    assert AuditEvent.objects.filter(batch=batch, action="create").count() == 400
    # searchable, and the id sequences continue after the bulk path
    name = Customer.objects.exclude(name_en__gt="").filter(kind="person").first().name
    found = CUSTOMER_FILTERS.apply(Customer.objects.all(), {"q": name})
    assert name in [c.name for c in found]
    created = create_customer(actor=ctx.admin, values={"name": "After the demo"})
    assert created.pk > Customer.objects.exclude(pk=created.pk).order_by("-pk").first().pk
    generate(ctx)  # an already-built database is left as it is
    assert Customer.objects.count() == 401
