"""Payments recorded at the same moment never overpay an instalment or an order (row locks
serialise them; each is checked against what the others already paid)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from guanxi.core.errors import InvalidInput
from guanxi.sales.models import Instalment, Payment
from guanxi.sales.services import orders, payments
from tests.sales.conftest import make_order


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_payments_never_overpay(org, catalogue, customers):
    rep = org.users["rep1"]
    order = make_order(rep, customers["rep1"], [(catalogue["router"], "1", "1500", "0")])
    instalment = orders.add_instalment(
        order, actor=rep, values={"due_date": dt.date(2026, 4, 1), "amount": "1000"}
    )
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(10)

    def pay(i: int) -> None:
        values = {"amount": "200", "instalment": instalment.pk} if i % 2 == 0 else {"amount": "200"}
        try:
            barrier.wait()
            payments.record_payment(actor=rep, order=order, values=values)
            result = "paid"
        except InvalidInput:
            result = "refused"
        except Exception as exc:  # any other failure is a bug
            result = f"error {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    # 1000 on the instalment (5 × 200) and 500 outside the plan (2 × 200): 7 paid, 3 refused.
    assert outcomes.count("paid") == 7 and outcomes.count("refused") == 3, outcomes
    assert Instalment.objects.get(pk=instalment.pk).paid_amount == Decimal("1000.00")
    assert sum(p.amount for p in Payment.objects.filter(order=order)) == Decimal("1400.00")
