"""The shared generic view tests (tests/generic_views.py) over the sales pages: list, detail,
create, edit (with a stale edit), delete and restore, export — each with the owner, teammate,
outsider, manager, read-only user and a user with no role."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from guanxi.sales.models import Lead, Opportunity, Order, Payment, Task
from guanxi.sales.services import leads, payments, tasks
from tests.generic_views import (
    CreateViewTests,
    DeleteRestoreViewTests,
    DetailViewTests,
    EditViewTests,
    ExportViewTests,
    ListViewTests,
)
from tests.sales.conftest import make_customer, make_opportunity, make_order

ALL = (ListViewTests, DetailViewTests, CreateViewTests, EditViewTests, DeleteRestoreViewTests)


class TestLeadViews(*ALL):
    model = Lead
    url_prefix = "sales:lead"
    changed_field = "company"

    @pytest.fixture
    def factory(self, org: Any) -> Any:
        return lambda owner: leads.create_lead(
            actor=org.users[owner], values={"company": f"Lead of {owner}"}
        )

    def form_data(self) -> dict[str, Any]:
        return {"company": "Created Co", "status": "new"}

    def edit_data(self, record: Any) -> dict[str, Any]:
        return {"company": "Renamed Co", "status": "contacted"}


class TestOpportunityViews(*ALL, ExportViewTests):
    model = Opportunity
    url_prefix = "sales:opportunity"

    @pytest.fixture
    def factory(self, org: Any) -> Any:
        def make(owner: str) -> Opportunity:
            user = org.users[owner]
            customer = make_customer(user, f"Customer of {owner}")
            return make_opportunity(user, customer, "500", name=f"Deal of {owner}")

        return make

    def create_url(self, factory: Any) -> str:
        self._customer = factory("rep1").customer
        return self.url("create")

    def form_data(self) -> dict[str, Any]:
        return {"customer": self._customer.pk, "name": "New deal", "amount": "100"}

    def edit_data(self, record: Any) -> dict[str, Any]:
        return {"name": "Renamed deal", "amount": "100"}


class TestTaskViews(*ALL):
    model = Task
    url_prefix = "sales:task"
    changed_field = "subject"

    @pytest.fixture
    def factory(self, org: Any) -> Any:
        return lambda owner: tasks.create_task(
            actor=org.users[owner],
            values={"subject": f"Call for {owner}", "starts_at": "2026-03-21T10:00:00+08:00"},
        )

    def form_data(self) -> dict[str, Any]:
        return {"kind": "task", "subject": "New task", "starts_at": "2026-03-21T10:00"}

    def edit_data(self, record: Any) -> dict[str, Any]:
        return {"kind": "task", "subject": "Renamed task", "starts_at": "2026-03-22T10:00"}


class TestOrderViews(*ALL):
    model = Order
    url_prefix = "sales:order"
    changed_field = "notes"

    @pytest.fixture
    def factory(self, org: Any, catalogue: Any) -> Any:
        def make(owner: str) -> Order:
            user = org.users[owner]
            customer = make_customer(user, f"Buyer of {owner}")
            return make_order(
                user, customer, [(catalogue["router"], "1", "100", "0")], confirm=False
            )

        self._product = catalogue["router"]
        return make

    def create_url(self, factory: Any) -> str:
        self._customer = factory("rep1").customer
        return self.url("create")

    def form_data(self) -> dict[str, Any]:
        return {
            "customer": self._customer.pk,
            "order_date": "2026-03-01",
            "expiry_reminder_days": 30,
            "lines-0-product": self._product.pk,
            "lines-0-quantity": "2",
        }

    def edit_data(self, record: Any) -> dict[str, Any]:
        return {"order_date": "2026-03-02", "expiry_reminder_days": 30, "notes": "Edited notes"}


class TestPaymentViews(ListViewTests):
    """Payments have a list (and the order page) only: recorded and reversed from the order."""

    model = Payment
    url_prefix = "sales:payment"

    @pytest.fixture
    def factory(self, org: Any, catalogue: Any) -> Any:
        def make(owner: str) -> Payment:
            user = org.users[owner]
            order = make_order(
                user,
                make_customer(user, f"Payer of {owner}"),
                [(catalogue["router"], "1", "100", "0")],
            )
            return payments.record_payment(
                actor=user, order=order, values={"amount": "10", "reference": f"REF-{owner}"}
            )

        return make

    def marker(self, record: Any) -> str:
        return record.reference


@pytest.mark.parametrize("page", ["order", "payment"])
def test_order_and_payment_exports_come_from_the_declared_columns(
    page: str, org: Any, catalogue: Any, client_for: Any
) -> None:
    made = {}
    for owner in ("rep1", "rep3"):
        user = org.users[owner]
        order = make_order(
            user, make_customer(user, f"Exported {owner}"), [(catalogue["router"], "1", "100", "0")]
        )
        payments.record_payment(actor=user, order=order, values={"amount": "10"})
        made[owner] = order
    response = client_for("rep1").get(reverse(f"sales:{page}_list") + "?format=csv")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8-sig")
    header = text.splitlines()[0]
    # The pages speak the installation's language (zh-Hans): the declared, translated headers.
    assert header.startswith("订单编号,客户" if page == "order" else "回款日期,订单")
    assert made["rep1"].number in text and "Exported rep1" in text
    assert made["rep3"].number not in text and "Exported rep3" not in text
