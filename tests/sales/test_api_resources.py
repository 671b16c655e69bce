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


def test_assignment_actions_answer_with_the_declared_lead_shape(org, api_for, customers):
    """The hand-written actions beside the generated routes: bulk assignment, round robin and
    bulk reassignment; they answer with the same lead schema as the generated detail."""
    from tests.generic_api import send

    manager = api_for("manager1")
    rep1, rep2 = org.users["rep1"], org.users["rep2"]
    batch = [leads.create_lead(actor=rep1, values={"company": f"RR {i}"}) for i in range(2)]
    ids = [x.pk for x in batch]
    assigned = send(manager, "post", "/api/v1/leads/assign", {"ids": ids, "owner": rep2.pk})
    assert assigned.status_code == 200, assigned.content
    assert set(leads.Lead.objects.filter(pk__in=ids).values_list("owner", flat=True)) == {rep2.pk}
    nobody = send(manager, "post", "/api/v1/leads/assign", {"ids": ids, "owner": 999_999})
    assert nobody.status_code == 400 and "owner" in nobody.json()["fields"]
    dealt = send(
        manager,
        "post",
        "/api/v1/leads/round-robin",
        {"ids": ids, "team": org.departments["east_team"].pk},
    )
    assert dealt.status_code == 200, dealt.content
    detail = manager.get(f"/api/v1/leads/{ids[0]}").json()
    assert set(dealt.json()[0]) == set(detail)
    assert {row["owner"] for row in dealt.json()} == {rep1.pk, rep2.pk}
    deal = make_opportunity(rep1, customers["rep1"], "100", name="Handed over")
    moved = send(
        manager, "post", "/api/v1/opportunities/reassign", {"ids": [deal.pk], "owner": rep2.pk}
    )
    assert moved.status_code == 200, moved.content
    deal.refresh_from_db()
    assert deal.owner_id == rep2.pk
    # rep3 is outside east: reassigning east's deal is refused and changes nothing.
    body = {"ids": [deal.pk], "owner": org.users["rep3"].pk}
    refused = send(api_for("rep3"), "post", "/api/v1/opportunities/reassign", body)
    assert refused.status_code in (403, 404)
    deal.refresh_from_db()
    assert deal.owner_id == rep2.pk


def test_opportunity_lines_travel_with_the_record(org, api_for, customers, catalogue):
    """Create with lines and a price list, replace the lines: every answer carries the lines,
    the list too (prefetched, so the list's query count stays flat)."""
    from tests.generic_api import send

    api = api_for("rep1")
    body = {
        "customer": customers["rep1"].pk,
        "name": "Lines deal",
        "lines": [{"product": catalogue["switch"].pk, "quantity": "4"}],
    }
    created = send(api, "post", "/api/v1/opportunities", body)
    assert created.status_code == 201, created.content
    deal = created.json()
    assert deal["amount"] == "1000.00" and deal["lines"][0]["product_name"] == "交换机 Switch"
    no_list = send(api, "post", "/api/v1/opportunities", {**body, "price_list": 999_999})
    assert no_list.status_code == 400 and "price_list" in no_list.json()["fields"]
    replaced = send(
        api,
        "put",
        f"/api/v1/opportunities/{deal['id']}/lines",
        {"lines": [{"product": catalogue["router"].pk}], "version": deal["version"]},
    )
    assert replaced.status_code == 200, replaced.content
    assert [x["product"] for x in replaced.json()["lines"]] == [catalogue["router"].pk]
    listed = api.get("/api/v1/opportunities").json()["items"]
    assert [x["lines"][0]["amount"] for x in listed if x["id"] == deal["id"]] == ["1000.00"]
