"""Sales fixtures: a few customers, a catalogue, and helpers that build orders and opportunities
through the services (never by writing rows directly)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from guanxi.customers.services.customers import create_customer
from guanxi.sales.models import Stage
from guanxi.sales.services import opportunities, orders, pipelines, products


@pytest.fixture(autouse=True)
def english() -> Any:
    """Service messages and report labels in English (the installation default is zh-Hans)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def frozen_today() -> Any:
    """Sales tests run on 2026-03-20 (Asia/Shanghai), so due dates and periods are fixed."""
    from guanxi.core import clock

    with clock.frozen(dt.datetime(2026, 3, 20, 10, 0)):
        yield


@pytest.fixture
def catalogue(org: Any) -> dict[str, Any]:
    admin = org.users["admin"]
    hardware = products.create_category(actor=admin, values={"name": "硬件 Hardware"})
    service = products.create_category(actor=admin, values={"name": "服务 Services"})
    return {
        "hardware": hardware,
        "services": service,
        "router": products.create_product(
            actor=admin,
            values={
                "code": "P-100",
                "name": "路由器 Router",
                "category": hardware,
                "unit": "台",
                "list_price": "1000.00",
                "cost": "600.00",
            },
        ),
        "switch": products.create_product(
            actor=admin,
            values={
                "code": "P-200",
                "name": "交换机 Switch",
                "category": hardware,
                "unit": "台",
                "list_price": "250.00",
                "cost": "100.00",
            },
        ),
        "support": products.create_product(
            actor=admin,
            values={
                "code": "S-1",
                "name": "维保 Support",
                "category": service,
                "unit": "年",
                "list_price": "300.00",
            },
        ),
    }


def make_customer(user: Any, name: str, **values: Any) -> Any:
    return create_customer(
        actor=user,
        values={"name": name, "kind": "person", "phone": values.pop("phone", ""), **values},
    )


@pytest.fixture
def customers(org: Any) -> dict[str, Any]:
    """One customer per rep (rep1, rep2 in East; rep3 in South)."""
    return {
        key: make_customer(org.users[key], f"客户 {key}", phone=f"1380000000{i}")
        for i, key in enumerate(["rep1", "rep2", "rep3"], start=1)
    }


def stage(name_start: str) -> Stage:
    pipeline = pipelines.default_pipeline()
    return Stage.objects.get(pipeline=pipeline, name__startswith=name_start)


def make_order(
    user: Any,
    customer: Any,
    lines: list[tuple[Any, str, str, str]],
    *,
    confirm: bool = True,
    order_date: dt.date | None = None,
    **values: Any,
) -> Any:
    """lines: (product, quantity, unit price, discount %)."""
    order = orders.create_order(
        actor=user,
        customer=customer,
        values={"order_date": order_date or dt.date(2026, 3, 10), **values},
        lines=[
            {"product": p, "quantity": q, "unit_price": u, "discount": d} for p, q, u, d in lines
        ],
    )
    if confirm:
        order = orders.confirm_order(order, actor=user, on=order_date)
    return order


def make_opportunity(user: Any, customer: Any, amount: str = "1000", **values: Any) -> Any:
    return opportunities.create_opportunity(
        actor=user,
        customer=customer,
        values={"name": values.pop("name", "Deal"), "amount": Decimal(amount), **values},
    )


@pytest.fixture
def world(org: Any, catalogue: dict[str, Any], customers: dict[str, Any]) -> dict[str, Any]:
    """rep1's sales records: a lead, an opportunity, a task, a confirmed order with a plan and a
    payment (the objects every scope test reads as owner, teammate, outsider, read-only)."""
    from guanxi.sales.services import leads, payments, tasks

    rep = org.users["rep1"]
    customer = customers["rep1"]
    lead = leads.create_lead(
        actor=rep, values={"company": "线索公司 Lead Co", "phone": "13900000001"}
    )
    opportunity = make_opportunity(rep, customer, "5000", name="Big deal")
    task = tasks.create_task(
        actor=rep,
        values={
            "subject": "Call back",
            "starts_at": dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC),
            "customer": customer,
        },
    )
    order = make_order(rep, customer, [(catalogue["router"], "3", "1000", "0")])
    instalment = orders.add_instalment(
        order, actor=rep, values={"due_date": dt.date(2026, 4, 1), "amount": "2000"}
    )
    payment = payments.record_payment(
        actor=rep, order=order, values={"amount": "500", "instalment": instalment.pk}
    )
    return {
        "customer": customer,
        "lead": lead,
        "opportunity": opportunity,
        "task": task,
        "order": order,
        "instalment": instalment,
        "payment": payment,
        "product": catalogue["router"],
    }
