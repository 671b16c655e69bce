"""The generated API routes of the sales pipeline's declared resources (leads, opportunities,
tasks), generic cases: owner, teammate, outsider, read-only; stale version; unknown keys."""

from __future__ import annotations

from typing import Any

import pytest

from guanxi.sales.services import leads, tasks
from tests.generic_api import APICrudTests
from tests.sales.conftest import make_customer, make_opportunity


class TestLeadAPI(APICrudTests):
    resource = "leads"

    @pytest.fixture
    def factory(self, org: Any) -> Any:
        return lambda owner: leads.create_lead(
            actor=org.users[owner], values={"company": f"API lead of {owner}"}
        )

    def create_payload(self, factory: Any) -> dict[str, Any]:
        return {"company": "Generic Lead Co", "phone": "13900003333"}

    def patch_payload(self) -> dict[str, Any]:
        return {"company": "Renamed Lead Co"}


class TestOpportunityAPI(APICrudTests):
    resource = "opportunities"

    @pytest.fixture
    def factory(self, org: Any) -> Any:
        def make(owner: str) -> Any:
            user = org.users[owner]
            customer = make_customer(user, f"API customer of {owner}")
            return make_opportunity(user, customer, "800", name=f"API deal of {owner}")

        return make

    def create_payload(self, factory: Any) -> dict[str, Any]:
        return {"customer": factory("rep1").customer_id, "name": "Generic deal"}

    def patch_payload(self) -> dict[str, Any]:
        return {"name": "Renamed deal"}


class TestTaskAPI(APICrudTests):
    resource = "tasks"

    @pytest.fixture
    def factory(self, org: Any) -> Any:
        return lambda owner: tasks.create_task(
            actor=org.users[owner],
            values={"subject": f"API call for {owner}", "starts_at": "2026-03-21T10:00:00+08:00"},
        )

    def create_payload(self, factory: Any) -> dict[str, Any]:
        return {"subject": "Generic visit", "starts_at": "2026-03-23T09:00:00+08:00"}

    def patch_payload(self) -> dict[str, Any]:
        return {"subject": "Renamed visit"}
