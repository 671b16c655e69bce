"""The customer 360° page's sales panels (each through its own scope), the home dashboard, and
a customer merge moving the sales records."""

from __future__ import annotations

import datetime as dt

from guanxi.customers.services.merging import merge_customers
from guanxi.sales.models import Opportunity, Order, Payment, Task
from guanxi.sales.services import payments, tasks
from tests.sales.conftest import make_customer, make_opportunity, make_order


def test_panels_filter_each_record_through_its_own_scope(org, catalogue, customers, client_for):
    rep1, manager = org.users["rep1"], org.users["manager1"]
    customer = customers["rep1"]
    mine = make_order(
        rep1, customer, [(catalogue["router"], "1", "1000", "0")], order_date=dt.date(2026, 1, 5)
    )
    payments.record_payment(actor=rep1, order=mine, values={"amount": "400", "reference": "MY-PAY"})
    theirs = make_order(
        manager, customer, [(catalogue["router"], "1", "5000", "0")], order_date=dt.date(2026, 2, 5)
    )
    make_opportunity(manager, customer, "7777", name="Manager's deal")
    make_opportunity(rep1, customer, "1234", name="My deal")
    page = client_for("rep1").get(f"/customers/{customer.pk}/").content.decode()
    assert mine.number in page and theirs.number not in page
    assert "My deal" in page and "Manager&#x27;s deal" not in page and "Manager's deal" not in page
    assert "1000.00" in page and "6000.00" not in page  # lifetime revenue over what rep1 sees
    assert "2026-01-05" in page and "600.00" in page  # first purchase; receivable
    manager_page = client_for("manager1").get(f"/customers/{customer.pk}/").content.decode()
    assert (
        theirs.number in manager_page
        and "6000.00" in manager_page
        and "Manager&#x27;s deal" in manager_page
    )
    # A user outside the sales scope sees the customer page without sales panels.
    assert client_for("rep2").get(f"/customers/{customer.pk}/").status_code == 404


def test_dashboard_lists_overdue_and_today(org, customers, client_for):
    rep = org.users["rep1"]
    tasks.create_task(
        actor=rep,
        values={"subject": "Overdue call", "starts_at": dt.datetime(2026, 3, 18, 9, tzinfo=dt.UTC)},
    )
    tasks.create_task(
        actor=rep,
        values={
            "subject": "Today's visit",
            "starts_at": dt.datetime(2026, 3, 20, 7, tzinfo=dt.UTC),
        },
    )
    tasks.create_task(
        actor=rep,
        values={"subject": "Next week", "starts_at": dt.datetime(2026, 3, 27, 7, tzinfo=dt.UTC)},
    )
    page = client_for("rep1").get("/").content.decode()
    assert "Overdue call" in page and "Today&#x27;s visit" in page and "Next week" not in page
    assert "Overdue call" not in client_for("rep2").get("/").content.decode()


def test_merge_moves_opportunities_orders_payments_and_tasks(org, catalogue):
    admin = org.users["admin"]
    keep = make_customer(admin, "Keep Co", phone="13800000031")
    remove = make_customer(admin, "Remove Co", phone="13800000032")
    order = make_order(admin, remove, [(catalogue["router"], "1", "100", "0")])
    payments.record_payment(actor=admin, order=order, values={"amount": "50"})
    make_opportunity(admin, remove)
    tasks.create_task(
        actor=admin,
        values={
            "subject": "t",
            "starts_at": dt.datetime(2026, 3, 21, tzinfo=dt.UTC),
            "customer": remove,
        },
    )
    merge_customers(keep, remove, actor=admin)
    for model in (Order, Payment, Opportunity, Task):
        assert model.objects.filter(customer=keep).count() == 1, model
        assert not model.objects.filter(customer=remove).exists(), model
