"""The generic view cases for customers, contacts and activities, with the three personas."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from guanxi.customers.models import Activity, Contact, Customer
from tests.generic_views import (
    CreateViewTests,
    DeleteRestoreViewTests,
    DetailViewTests,
    EditViewTests,
    ExportViewTests,
    ListViewTests,
)

pytestmark = pytest.mark.django_db

CUSTOMER_FORM = {
    "name": "广州华兴贸易有限公司",
    "kind": "company",
    "relationship_type": "business",
    "status": "potential",
    "lifecycle_status": "potential",
    "loyalty": "new",
    "importance": "ordinary",
    "relationship_depth": "basic",
    "industry": "51",
    "province": "440000",
    "city": "440100",
    "district": "440106",
    "phone": "020-3888 1234",
    "email": "info@huaxing.example.cn",
    "tags": "华南, 经销商",
}


class TestCustomerViews(
    ListViewTests,
    DetailViewTests,
    CreateViewTests,
    EditViewTests,
    DeleteRestoreViewTests,
    ExportViewTests,
):
    model = Customer
    url_prefix = "customers:customer"

    @pytest.fixture
    def factory(self, make_customer: Any) -> Any:
        return lambda owner: make_customer(
            owner, name=f"Firm of {owner}", industry="51", province="440000"
        )

    def form_data(self) -> dict[str, Any]:
        return dict(CUSTOMER_FORM)

    def edit_data(self, record: Any) -> dict[str, Any]:
        return {**CUSTOMER_FORM, "code": record.code, "name": "Renamed Trading Co."}


class TestContactViews(
    ListViewTests, DetailViewTests, CreateViewTests, EditViewTests, DeleteRestoreViewTests
):
    model = Contact
    url_prefix = "customers:contact"

    @pytest.fixture
    def factory(self, make_customer: Any, make_contact: Any) -> Any:
        def make(owner: str) -> Contact:
            return make_contact(
                make_customer(owner), name=f"Contact of {owner}", mobile="13800138000"
            )

        return make

    def create_url(self, factory: Any) -> str:
        parent = factory("rep1").customer
        return reverse("customers:contact_create", args=[parent.pk])

    def form_data(self) -> dict[str, Any]:
        return {
            "name": "李四",
            "title": "采购经理",
            "mobile": "139 0000 1111",
            "email": "li@example.cn",
        }

    def edit_data(self, record: Any) -> dict[str, Any]:
        return {"name": "李四四", "mobile": record.mobile}


class TestActivityViews(
    ListViewTests, DetailViewTests, CreateViewTests, EditViewTests, DeleteRestoreViewTests
):
    model = Activity
    url_prefix = "customers:activity"
    changed_field = "subject"

    @pytest.fixture
    def factory(self, make_customer: Any, make_activity: Any) -> Any:
        return lambda owner: make_activity(make_customer(owner), subject=f"Visit for {owner}")

    def create_url(self, factory: Any) -> str:
        parent = factory("rep1").customer
        return reverse("customers:activity_create", args=[parent.pk])

    def form_data(self) -> dict[str, Any]:
        return {
            "kind": "visit",
            "occurred_at": "2026-05-04T10:30",
            "subject": "上门拜访",
            "outcome": "有意向",
        }

    def edit_data(self, record: Any) -> dict[str, Any]:
        return {
            "kind": record.kind,
            "occurred_at": "2026-05-05T09:00",
            "subject": "Follow-up visit",
        }


def test_list_filters_by_city_and_district_once_a_province_is_chosen(
    make_customer: Any, client_for: Any
) -> None:
    make_customer("rep1", name="天河客户", province="440000", city="440100", district="440106")
    make_customer("rep1", name="深圳客户", province="440000", city="440300")
    client = client_for("rep1")
    page = client.get("/customers/").content.decode()
    assert 'name="city"' not in page  # no province chosen yet
    page = client.get("/customers/?province=440000").content.decode()
    assert 'name="city"' in page and "广州市" in page and "天河客户" in page and "深圳客户" in page
    page = client.get("/customers/?province=440000&city=440100").content.decode()
    assert "天河客户" in page and "深圳客户" not in page
    assert 'name="district"' in page and "天河区" in page
    page = client.get("/customers/?province=440000&city=440100&district=440106").content.decode()
    assert "天河客户" in page
