import datetime as dt
from decimal import Decimal

from guanxi.sales.services import orders, payments
from tests.sales.conftest import make_order


def test_order_and_payment_smoke(org, catalogue, customers):
    rep = org.users["rep1"]
    order = make_order(rep, customers["rep1"], [(catalogue["router"], "2", "1000", "10")])
    assert order.total == Decimal("1800.00")
    inst = orders.add_instalment(
        order, actor=rep, values={"due_date": dt.date(2026, 4, 1), "amount": "1000"}
    )
    payments.record_payment(actor=rep, order=order, values={"amount": "400", "instalment": inst.pk})
    inst.refresh_from_db()
    assert inst.paid_amount == Decimal("400")
