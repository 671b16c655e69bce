"""The daily receivables job (frozen clock): instalment statuses kept current, overdue, reminders
once, contract expiry reminders; and ageing buckets computed when asked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from guanxi.core import clock, jobs
from guanxi.sales.models import Instalment, Order, Task
from guanxi.sales.services import orders, payments, receivables
from tests.sales.conftest import make_order


def test_daily_job_marks_overdue_and_sends_reminders_once(org, catalogue, customers):
    rep = org.users["rep1"]
    order = make_order(
        rep,
        customers["rep1"],
        [(catalogue["router"], "1", "1000", "0")],
        contract_number="HT-1",
        contract_end=dt.date(2026, 4, 20),
        expiry_reminder_days=30,
    )
    due = orders.add_instalment(
        order,
        actor=rep,
        values={"due_date": dt.date(2026, 4, 1), "amount": "600", "reminder_days": 3},
    )
    later = orders.add_instalment(
        order, actor=rep, values={"due_date": dt.date(2026, 6, 1), "amount": "400"}
    )
    payments.record_payment(actor=rep, order=order, values={"amount": "100", "instalment": due.pk})

    with clock.frozen(dt.datetime(2026, 3, 29, 2, 0)):
        result = jobs.run_daily("sales.receivables")
        assert result["instalments"] == 1 and result["contracts"] == 1
        assert jobs.run_daily("sales.receivables") is None  # claimed for the day
    reminders = Task.objects.filter(owner=rep, kind="reminder")
    assert reminders.count() == 2
    assert {t.reminder_key.split(":")[0] for t in reminders} == {"instalment", "contract"}
    assert Instalment.objects.get(pk=due.pk).status == "partly_paid"

    with clock.frozen(dt.datetime(2026, 4, 2, 2, 0)):
        result = jobs.run_daily("sales.receivables")
        assert result["statuses_changed"] == 1 and result["instalments"] == 0
    assert Instalment.objects.get(pk=due.pk).status == "overdue"
    assert Instalment.objects.get(pk=later.pk).status == "pending"
    assert Task.objects.filter(kind="reminder").count() == 2  # no duplicate reminders

    # Paid in full after the job: the stored status is stale until tomorrow's run, but what
    # the pages and the API show is computed now.
    payments.record_payment(actor=rep, order=order, values={"amount": "500", "instalment": due.pk})
    instalment = Instalment.objects.get(pk=due.pk)
    assert instalment.status_on(dt.date(2026, 4, 2)) == "paid"


def test_ageing_buckets_by_due_date(org, catalogue, customers):
    rep = org.users["rep1"]
    order = make_order(
        rep,
        customers["rep1"],
        [(catalogue["router"], "1", "1500", "0")],
        order_date=dt.date(2026, 1, 1),
    )
    today = dt.date(2026, 6, 30)
    plan = [
        ("2026-06-30", "100"),
        ("2026-06-29", "200"),
        ("2026-05-31", "300"),
        ("2026-05-30", "150"),
        ("2026-04-01", "50"),
        ("2026-03-31", "400"),
        ("2026-07-15", "250"),
    ]
    for due, amount in plan:
        orders.add_instalment(
            order, actor=rep, values={"due_date": dt.date.fromisoformat(due), "amount": amount}
        )
    # 1500 − 1450 planned = 50 outside the plan, due on the order date (180 days before).
    first = Instalment.objects.get(order=order, number=1)
    payments.record_payment(actor=rep, order=order, values={"amount": "40", "instalment": first.pk})
    ageing = receivables.receivables(Order.objects.visible_to(rep), today)
    assert ageing.totals == {
        "not_due": Decimal("310"),  # 100 − 40 due today + 250 next month
        "d1_30": Decimal("500"),  # 1 and 30 days overdue
        "d31_60": Decimal("150"),  # 31 days
        "d61_90": Decimal("50"),  # 90 days
        "d90_plus": Decimal("450"),  # 91 days + the unplanned 50 from January
    }
    assert ageing.total == Decimal("1460")
    assert receivables.receivables(Order.objects.visible_to(org.users["rep3"]), today).total == 0
    assert receivables.receivables(
        Order.objects.visible_to(org.users["manager1"]), today
    ).total == Decimal("1460")
