"""The generated API routes of the customers module's declared resources, generic cases."""

from __future__ import annotations

from typing import Any

import pytest

from tests.generic_api import APICrudTests


class TestCustomerAPI(APICrudTests):
    resource = "customers"

    @pytest.fixture
    def factory(self, make_customer: Any) -> Any:
        return lambda owner: make_customer(owner, name=f"API firm of {owner}")

    def create_payload(self, factory: Any) -> dict[str, Any]:
        return {"name": "Generic Trading Co.", "kind": "company", "phone": "13800138001"}

    def patch_payload(self) -> dict[str, Any]:
        return {"name": "Renamed Generic Co."}


class TestContactAPI(APICrudTests):
    resource = "contacts"

    @pytest.fixture
    def factory(self, make_customer: Any, make_contact: Any) -> Any:
        return lambda owner: make_contact(make_customer(owner), name=f"Contact of {owner}")

    def create_payload(self, factory: Any) -> dict[str, Any]:
        return {"customer": factory("rep1").customer_id, "name": "王五"}

    def patch_payload(self) -> dict[str, Any]:
        return {"title": "采购总监"}


class TestActivityAPI(APICrudTests):
    resource = "activities"

    @pytest.fixture
    def factory(self, make_customer: Any, make_activity: Any) -> Any:
        return lambda owner: make_activity(make_customer(owner), subject=f"Call for {owner}")

    def create_payload(self, factory: Any) -> dict[str, Any]:
        return {
            "customer": factory("rep1").customer_id,
            "subject": "电话回访",
            "occurred_at": "2026-05-04T10:30:00+08:00",
        }

    def patch_payload(self) -> dict[str, Any]:
        return {"subject": "上门拜访"}
