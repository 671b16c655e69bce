"""The generated API routes of orders, instalments and payments (generic cases), and what their
declarations add: an order's own answer carries its lines, plan and paid amount (the list does
not), only drafts are deleted, payments are reversed and never deleted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from guanxi.sales.models import Order, Payment
from guanxi.sales.services import orders, payments
from tests.generic_api import (
    APICreateTests,
    APICrudTests,
    APIDetailTests,
    APIListTests,
    APIPatchTests,
    send,
)
from tests.sales.conftest import make_customer, make_order


@pytest.fixture
def order_of(org: Any, catalogue: Any) -> Any:
    """order_of(owner, confirm) → an order of 100.00 for a new customer of that owner."""

    def make(owner: str, confirm: bool = True) -> Order:
        user = org.users[owner]
        customer = make_customer(user, f"Buyer of {owner}")
        return make_order(user, customer, [(catalogue["router"], "1", "100", "0")], confirm=confirm)

    return make


class TestOrderAPI(APICrudTests):
    resource = "orders"

    @pytest.fixture
    def factory(self, order_of: Any, catalogue: Any) -> Any:
        self._product = catalogue["switch"]
        return lambda owner: order_of(owner, confirm=False)  # only drafts go to the bin

    def create_payload(self, factory: Any) -> dict[str, Any]:
        return {
            "customer": factory("rep1").customer_id,
            "lines": [{"product": self._product.pk, "quantity": "2"}],
        }

    def patch_payload(self) -> dict[str, Any]:
        return {"notes": "Deliver to the east gate"}


class TestInstalmentAPI(APICrudTests):
    resource = "instalments"

    @pytest.fixture
    def factory(self, order_of: Any, org: Any) -> Any:
        def make(owner: str) -> Any:
            order = order_of(owner)
            return orders.add_instalment(
                order, actor=org.users[owner], values={"due_date": "2026-04-01", "amount": "40"}
            )

        return make

    def create_payload(self, factory: Any) -> dict[str, Any]:
        return {"order": factory("rep1").order_id, "due_date": "2026-05-01", "amount": "10"}

    def patch_payload(self) -> dict[str, Any]:
        return {"reminder_days": 7}


class TestPaymentAPI(APIListTests, APIDetailTests, APICreateTests, APIPatchTests):
    resource = "payments"

    @pytest.fixture
    def factory(self, order_of: Any, org: Any) -> Any:
        return lambda owner: payments.record_payment(
            actor=org.users[owner], order=order_of(owner), values={"amount": "10"}
        )

    def create_payload(self, factory: Any) -> dict[str, Any]:
        return {"order": factory("rep1").order_id, "amount": "1", "method": "cash"}

    def patch_payload(self) -> dict[str, Any]:
        return {"reference": "BANK-REF-2"}


def test_an_order_answer_carries_lines_plan_and_paid_but_the_list_does_not(order_of, org, api_for):
    rep = org.users["rep1"]
    order = order_of("rep1")
    instalment = orders.add_instalment(
        order, actor=rep, values={"due_date": dt.date(2026, 3, 1), "amount": "60"}
    )
    payments.record_payment(
        actor=rep, order=order, values={"amount": "25", "instalment": instalment.pk}
    )
    api = api_for("rep1")
    detail = api.get(f"/api/v1/orders/{order.pk}").json()
    assert [line["product_name"] for line in detail["lines"]] == ["路由器 Router"]
    assert detail["lines"][0]["amount"] == "100.00" and detail["lines"][0]["product"]
    [plan] = detail["instalments"]
    assert plan["status"] == "overdue" and plan["outstanding"] == "35.00"  # due 1 March
    assert detail["paid"] == "25.00" and detail["outstanding"] == "75.00"
    assert detail["currency"] == "CNY" and detail["customer_name"] == "Buyer of rep1"
    listed = api.get("/api/v1/orders").json()["items"][0]
    assert listed["id"] == order.pk and listed["total"] == "100.00"
    assert not {"lines", "instalments", "paid", "outstanding"} & set(listed)
    # An action answers like the detail route.
    delivered = send(api, "post", f"/api/v1/orders/{order.pk}/deliver", {})
    assert delivered.status_code == 200, delivered.content
    assert delivered.json()["status"] == "delivered" and delivered.json()["paid"] == "25.00"


def test_only_a_draft_order_is_deleted(order_of, api_for):
    confirmed = order_of("rep1")
    refused = send(api_for("rep1"), "delete", f"/api/v1/orders/{confirmed.pk}")
    assert refused.status_code == 400 and "status" in refused.json()["fields"]
    assert Order.objects.filter(pk=confirmed.pk).exists()


def test_a_payment_is_reversed_never_deleted(order_of, org, api_for):
    payment = payments.record_payment(
        actor=org.users["rep1"], order=order_of("rep1"), values={"amount": "10"}
    )
    api = api_for("rep1")
    assert send(api, "delete", f"/api/v1/payments/{payment.pk}").status_code == 405
    assert send(api, "post", f"/api/v1/payments/{payment.pk}/restore").status_code == 404
    assert Payment.objects.filter(pk=payment.pk).exists()
    reversed_ = send(api, "post", f"/api/v1/payments/{payment.pk}/reverse", {"reason": "Bounced"})
    assert reversed_.status_code == 200 and reversed_.json()["status"] == "reversed"
    # The amount is not PATCHable: a wrong amount is reversed and recorded again.
    patch = send(api, "patch", f"/api/v1/payments/{payment.pk}", {"amount": "5", "version": 2})
    assert patch.status_code == 400 and "amount" in patch.json()["fields"]


def test_an_order_from_a_price_list_and_a_hidden_customer_is_refused(order_of, api_for):
    api = api_for("rep1")
    hidden = order_of("rep3").customer_id
    refused = send(api, "post", "/api/v1/orders", {"customer": hidden})
    assert refused.status_code == 400 and "customer" in refused.json()["fields"]
    mine = order_of("rep1").customer_id
    no_list = send(api, "post", "/api/v1/orders", {"customer": mine, "price_list": 999999})
    assert no_list.status_code == 400 and "price_list" in no_list.json()["fields"]


def test_a_restored_instalment_must_still_fit_the_plan(order_of, org, api_for):
    rep = org.users["rep1"]
    order = order_of("rep1")
    first = orders.add_instalment(
        order, actor=rep, values={"due_date": "2026-04-01", "amount": "70"}
    )
    api = api_for("rep1")
    assert send(api, "delete", f"/api/v1/instalments/{first.pk}").status_code == 204
    orders.add_instalment(order, actor=rep, values={"due_date": "2026-04-01", "amount": "50"})
    refused = send(api, "post", f"/api/v1/instalments/{first.pk}/restore")
    assert refused.status_code == 400 and "amount" in refused.json()["fields"]
