"""Orders: totals from lines (Decimal, discounts), status rules, the customer's deal status,
payment plans that cannot exceed the order, partial payments, reversal and cancellation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from guanxi.core.errors import InvalidInput
from guanxi.customers.models import Customer
from guanxi.sales.models import Instalment, Order, OrderLine, Payment
from guanxi.sales.services import orders, payments
from guanxi.sales.services.common import line_amount
from tests.sales.conftest import make_opportunity, make_order, stage


def test_line_amounts_round_half_up_and_total_is_the_sum_of_lines(org, catalogue, customers):
    assert line_amount(Decimal("3"), Decimal("33.33"), Decimal("12.5")) == Decimal("87.49")
    assert line_amount(Decimal("1"), Decimal("0.05"), Decimal("50")) == Decimal("0.03")
    rep = org.users["rep1"]
    order = make_order(
        rep,
        customers["rep1"],
        [
            (catalogue["router"], "3", "33.33", "12.5"),
            (catalogue["switch"], "2", "250", "0"),
            (catalogue["support"], "1", "", "10"),
        ],
        confirm=False,
    )
    # 87.49 + 500.00 + 270.00 (list price 300 less 10 %)
    assert order.total == Decimal("857.49")
    assert order.total == sum(line.amount for line in OrderLine.objects.filter(order=order))
    order = orders.replace_lines(
        order,
        actor=rep,
        lines=[{"product": catalogue["switch"], "quantity": "4", "discount": "25"}],
        expected_version=order.version,
    )
    assert order.total == Decimal("750.00") == orders.recomputed_total(order)
    assert OrderLine.all_objects.filter(order=order, deleted_at__isnull=False).count() == 3


def test_bad_lines_are_refused_naming_the_line(org, catalogue, customers):
    rep = org.users["rep1"]
    for bad, field in [
        ({"quantity": "0"}, "quantity"),
        ({"discount": "101"}, "discount"),
        ({"unit_price": "-1"}, "unit_price"),
        ({"product": 999999}, "product"),
    ]:
        line = {"product": catalogue["router"].pk, "quantity": "1", **bad}
        with pytest.raises(InvalidInput) as caught:
            orders.create_order(actor=rep, customer=customers["rep1"], values={}, lines=[line])
        assert f"lines.0.{field}" in caught.value.errors
    assert not Order.all_objects.exists()


def test_confirming_needs_lines_and_marks_the_customer_current_and_dealt(org, catalogue, customers):
    rep = org.users["rep1"]
    customer = customers["rep1"]
    assert customer.status == "potential"
    empty = orders.create_order(actor=rep, customer=customer, values={})
    with pytest.raises(InvalidInput):
        orders.confirm_order(empty, actor=rep)
    assert orders.deal_date(customer) is None
    order = make_order(
        rep, customer, [(catalogue["router"], "1", "100", "0")], order_date=dt.date(2026, 2, 3)
    )
    customer.refresh_from_db()
    assert customer.status == "current" and order.confirmed_on == dt.date(2026, 2, 3)
    assert orders.deal_date(customer) == dt.date(2026, 2, 3)
    # Lines of a confirmed order no longer change; a second confirmation is refused.
    with pytest.raises(InvalidInput):
        orders.replace_lines(order, actor=rep, lines=[], expected_version=None)
    with pytest.raises(InvalidInput):
        orders.confirm_order(order, actor=rep)
    # The cooperation can end (已终止合作); a later confirmed order makes it current again.
    orders.mark_customer_terminated(Customer.objects.get(pk=customer.pk), actor=rep)
    assert Customer.objects.get(pk=customer.pk).status == "terminated"
    make_order(
        rep, customer, [(catalogue["router"], "1", "100", "0")], order_date=dt.date(2026, 5, 1)
    )
    assert Customer.objects.get(pk=customer.pk).status == "current"
    assert orders.deal_date(customer) == dt.date(2026, 2, 3)


def test_the_first_order_marks_a_customer_dealt_even_if_the_rep_cannot_edit_the_customer(
    org, catalogue, customers
):
    # rep1 sells to rep2's customer? rep1 cannot see it at all (own scope) — the manager can.
    manager = org.users["manager1"]
    customer = customers["rep2"]
    make_order(manager, customer, [(catalogue["router"], "1", "100", "0")])
    assert Customer.objects.get(pk=customer.pk).status == "current"


def test_an_order_from_a_won_opportunity_takes_its_customer_and_lines(org, catalogue, customers):
    from guanxi.sales.services import opportunities

    rep = org.users["rep1"]
    opportunity = opportunities.create_opportunity(
        actor=rep,
        customer=customers["rep1"],
        values={"name": "Routers"},
        lines=[{"product": catalogue["router"], "quantity": "2", "discount": "10"}],
    )
    assert opportunity.amount == Decimal("1800.00")
    with pytest.raises(InvalidInput):
        orders.create_order(actor=rep, opportunity=opportunity, values={})
    opportunity = opportunities.move_stage(opportunity, actor=rep, stage=stage("Won"))
    order = orders.create_order(actor=rep, opportunity=opportunity, values={})
    assert order.customer == customers["rep1"] and order.total == Decimal("1800.00")
    # A won opportunity with an order stays won.
    with pytest.raises(InvalidInput):
        opportunities.move_stage(opportunity, actor=rep, stage=stage("Proposal"))


def test_payment_plan_cannot_add_up_to_more_than_the_order(org, catalogue, customers):
    rep = org.users["rep1"]
    order = make_order(rep, customers["rep1"], [(catalogue["router"], "1", "1000", "0")])
    first = orders.add_instalment(
        order, actor=rep, values={"due_date": dt.date(2026, 4, 1), "amount": "600"}
    )
    assert first.number == 1
    with pytest.raises(InvalidInput):
        orders.add_instalment(
            order, actor=rep, values={"due_date": dt.date(2026, 5, 1), "amount": "400.01"}
        )
    second = orders.add_instalment(
        order, actor=rep, values={"due_date": dt.date(2026, 5, 1), "amount": "400"}
    )
    assert second.number == 2
    with pytest.raises(InvalidInput):
        orders.update_instalment(
            first, actor=rep, expected_version=first.version, changes={"amount": "601"}
        )
    assert orders.planned_total(order) == Decimal("1000")


def test_partial_payments_statuses_and_no_overpayment(org, catalogue, customers):
    rep = org.users["rep1"]
    order = make_order(rep, customers["rep1"], [(catalogue["router"], "1", "1000", "0")])
    instalment = orders.add_instalment(
        order, actor=rep, values={"due_date": dt.date(2026, 4, 1), "amount": "600"}
    )
    today = dt.date(2026, 3, 20)
    assert instalment.status_on(today) == "pending"
    payments.record_payment(
        actor=rep,
        order=order,
        values={"amount": "200", "instalment": instalment.pk, "method": "wechat"},
    )
    instalment.refresh_from_db()
    assert instalment.paid_amount == Decimal("200") and instalment.status == "partly_paid"
    with pytest.raises(InvalidInput):  # over the instalment's open 400
        payments.record_payment(
            actor=rep, order=order, values={"amount": "400.01", "instalment": instalment.pk}
        )
    payments.record_payment(
        actor=rep, order=order, values={"amount": "400", "instalment": instalment.pk}
    )
    instalment.refresh_from_db()
    assert instalment.status == "paid" and instalment.status_on(dt.date(2027, 1, 1)) == "paid"
    # Outside the plan only the unplanned 400 may be paid.
    with pytest.raises(InvalidInput):
        payments.record_payment(actor=rep, order=order, values={"amount": "400.01"})
    payments.record_payment(actor=rep, order=order, values={"amount": "400", "method": "cash"})
    assert orders.paid_total(order) == Decimal("1000")
    with pytest.raises(InvalidInput):
        payments.record_payment(actor=rep, order=order, values={"amount": "0.01"})


def test_payments_need_a_confirmed_order_and_a_reversal_keeps_history(org, catalogue, customers):
    rep = org.users["rep1"]
    draft = make_order(
        rep, customers["rep1"], [(catalogue["router"], "1", "1000", "0")], confirm=False
    )
    with pytest.raises(InvalidInput):
        payments.record_payment(actor=rep, order=draft, values={"amount": "10"})
    order = orders.confirm_order(draft, actor=rep)
    instalment = orders.add_instalment(
        order, actor=rep, values={"due_date": dt.date(2026, 4, 1), "amount": "1000"}
    )
    payment = payments.record_payment(
        actor=rep, order=order, values={"amount": "300", "instalment": instalment.pk}
    )
    with pytest.raises(InvalidInput):  # cancelling needs the payments reversed first
        orders.cancel_order(order, actor=rep, reason="customer withdrew")
    with pytest.raises(InvalidInput):
        payments.reverse_payment(payment, actor=rep, reason="")
    payments.reverse_payment(payment, actor=rep, reason="bounced")
    payment.refresh_from_db()
    instalment.refresh_from_db()
    assert payment.status == "reversed" and payment.reversed_on is not None
    assert instalment.paid_amount == 0 and orders.paid_total(order) == 0
    with pytest.raises(InvalidInput):
        payments.reverse_payment(payment, actor=rep, reason="again")
    cancelled = orders.cancel_order(order, actor=rep, reason="customer withdrew")
    assert cancelled.status == "cancelled" and cancelled.cancelled_on is not None
    # History stays: the order, its lines, plan and the reversed payment are all still there.
    assert Order.objects.filter(pk=order.pk).exists()
    assert OrderLine.objects.filter(order=order).count() == 1
    assert Instalment.objects.filter(order=order).count() == 1
    assert Payment.objects.filter(order=order).count() == 1
    with pytest.raises(InvalidInput):
        orders.update_order(cancelled, actor=rep, expected_version=None, changes={"notes": "x"})
    with pytest.raises(InvalidInput):
        orders.delete_order(cancelled, actor=rep)


def test_only_draft_orders_go_to_the_bin_and_numbers_are_unique(org, catalogue, customers):
    rep = org.users["rep1"]
    draft = orders.create_order(actor=rep, customer=customers["rep1"], values={"number": "SO-X1"})
    with pytest.raises(InvalidInput):
        orders.create_order(actor=rep, customer=customers["rep1"], values={"number": "SO-X1"})
    orders.delete_order(draft, actor=rep)
    assert not Order.objects.filter(pk=draft.pk).exists()
    again = orders.create_order(actor=rep, customer=customers["rep1"], values={"number": "SO-X1"})
    assert again.pk != draft.pk


def test_an_opportunity_amount_follows_its_lines(org, catalogue, customers):
    from guanxi.sales.services import opportunities

    rep = org.users["rep1"]
    opportunity = make_opportunity(rep, customers["rep1"], "999")
    assert opportunity.amount == Decimal("999")
    opportunity = opportunities.replace_lines(
        opportunity,
        actor=rep,
        lines=[{"product": catalogue["support"], "quantity": "2"}],
        expected_version=None,
    )
    assert opportunity.amount == Decimal("600.00")
    with pytest.raises(InvalidInput):
        opportunities.update_opportunity(
            opportunity, actor=rep, expected_version=None, changes={"amount": "1"}
        )


def test_price_lists_price_lines_by_default_and_only_editors_change_them(
    org, catalogue, customers, api_for
):
    from guanxi.core.errors import NotAllowed
    from guanxi.sales.services import products

    admin, rep = org.users["admin"], org.users["rep1"]
    dealers = products.create_price_list(actor=admin, values={"name": "经销商价 Dealers"})
    products.set_price(actor=admin, price_list=dealers, product=catalogue["router"], price="850")
    products.set_price(actor=admin, price_list=dealers, product=catalogue["router"], price="800")
    with pytest.raises(NotAllowed):
        products.set_price(actor=rep, price_list=dealers, product=catalogue["router"], price="1")
    order = orders.create_order(
        actor=rep,
        customer=customers["rep1"],
        values={},
        price_list=dealers,
        lines=[
            {"product": catalogue["router"], "quantity": "2"},
            {"product": catalogue["switch"], "quantity": "1"},
            {"product": catalogue["router"], "quantity": "1", "unit_price": "999"},
        ],
    )
    prices = list(order.lines.values_list("unit_price", flat=True))
    assert prices == [Decimal("800.00"), Decimal("250.00"), Decimal("999.00")]
    assert order.total == Decimal("2849.00")
    api = api_for("rep1")
    listed = api.get("/api/v1/price-lists").json()["items"]
    assert listed[0]["prices"] == [
        {"product": catalogue["router"].pk, "product_code": "P-100", "price": "800.00"}
    ]
    body = {
        "customer": customers["rep1"].pk,
        "price_list": dealers.pk,
        "lines": [{"product": catalogue["router"].pk}],
    }
    created = api.post("/api/v1/orders", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["total"] == "800.00"
    url = f"/api/v1/price-lists/{dealers.pk}/prices/{catalogue['switch'].pk}"
    assert api.put(url, {"price": "1"}, content_type="application/json").status_code == 403
    assert (
        api_for("manager1").put(url, {"price": "200"}, content_type="application/json").status_code
        == 200
    )


def test_an_older_historical_order_moves_the_deal_date_back(org, catalogue, customers):
    rep = org.users["rep1"]
    customer = customers["rep1"]
    make_order(
        rep, customer, [(catalogue["router"], "1", "100", "0")], order_date=dt.date(2026, 5, 1)
    )
    assert Customer.objects.get(pk=customer.pk).dealt_on == dt.date(2026, 5, 1)
    make_order(
        rep, customer, [(catalogue["router"], "1", "100", "0")], order_date=dt.date(2025, 3, 9)
    )
    assert Customer.objects.get(pk=customer.pk).dealt_on == dt.date(2025, 3, 9)
    make_order(
        rep, customer, [(catalogue["router"], "1", "100", "0")], order_date=dt.date(2026, 8, 1)
    )
    assert Customer.objects.get(pk=customer.pk).dealt_on == dt.date(2025, 3, 9)
