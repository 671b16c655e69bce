"""Core's extension points used from a second app (tests.testapp) that the customers module
never imports: a contributed field, a gated field and an extra scope path."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.core.scopes import CHANGE, can
from guanxi.core.services import records
from guanxi.customers.services.customers import create_customer
from tests.generic_api import APICreateTests, APIDetailTests, APIListTests
from tests.testapp.models import CustomerScore, Ticket


@pytest.fixture
def scored(org):
    rep1 = org.users["rep1"]
    made = []
    for name, score in [("Low Co", 1), ("High Co", 9), ("Mid Co", 5)]:
        customer = create_customer(actor=rep1, values={"name": name, "kind": "company"})
        CustomerScore.objects.create(customer=customer, score=score)
        made.append(customer)
    create_customer(actor=rep1, values={"name": "Unscored Co", "kind": "company"})
    return made


def names(response):
    return [item["name"] for item in response.json()["items"]]


def test_contributed_field_is_read_sorted_and_filtered_in_one_query(client_for, scored):
    client = client_for("rep1")  # a view scope in the widgets module: the field's gate is open
    response = client.get("/api/v1/customers?sort=-test_score&test_score=5")
    assert response.status_code == 200, response.content
    assert names(response) == ["High Co", "Mid Co"]
    assert [i["test_score"] for i in response.json()["items"]] == [9, 5]
    detail = client.get(f"/api/v1/customers/{scored[0].pk}").json()
    assert detail["test_score"] == 1
    with CaptureQueriesContext(connection) as plain:
        client.get("/api/v1/customers?sort=name")
    with CaptureQueriesContext(connection) as contributed:
        client.get("/api/v1/customers?sort=-test_score&test_score=1")
    assert len(contributed) == len(plain)


def test_contributed_field_appears_in_the_page_export(client_for, scored):
    response = client_for("rep1").get("/customers/?format=csv&sort=name")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    column = rows[0].index("test score")
    by_name = {row[1]: row[column] for row in rows[1:]}
    assert by_name["High Co"] == "9" and by_name["Unscored Co"] == ""


def test_gated_field_is_absent_and_its_keys_unknown_without_the_module(client_for, scored):
    client = client_for("manager1")  # sees rep1's customers, has no scope in widgets
    listed = client.get("/api/v1/customers")
    assert listed.status_code == 200
    assert all("test_score" not in item for item in listed.json()["items"])
    assert "test_score" not in client.get(f"/api/v1/customers/{scored[0].pk}").json()
    by_sort = client.get("/api/v1/customers?sort=test_score")
    assert by_sort.status_code == 400 and "sort" in by_sort.json()["fields"]
    by_filter = client.get("/api/v1/customers?test_score=1")
    assert by_filter.status_code == 400 and "test_score" in by_filter.json()["fields"]
    assert by_filter.json() == client.get("/api/v1/customers?no_such_key=1").json() | {
        "fields": {"test_score": by_filter.json()["fields"]["test_score"]}
    }
    page = client.get("/customers/?format=csv")
    assert "test score" not in page.content.decode("utf-8-sig").splitlines()[0]


def test_scope_path_lets_the_customer_owner_read_but_not_change(org, client_for, scored):
    admin = org.users["admin"]
    ticket = records.create_record(
        Ticket, actor=admin, values={"customer": scored[0], "title": "Broken", "owner": admin}
    )
    rep1, rep3 = client_for("rep1"), client_for("rep3")
    assert [t["title"] for t in rep1.get("/api/v1/test_tickets").json()["items"]] == ["Broken"]
    assert rep1.get(f"/api/v1/test_tickets/{ticket.pk}").status_code == 200
    assert rep3.get(f"/api/v1/test_tickets/{ticket.pk}").status_code == 404
    assert rep3.get("/api/v1/test_tickets").json()["count"] == 0
    assert not can(org.users["rep1"], ticket, CHANGE)
    assert can(admin, ticket, CHANGE)


def test_generated_create_resolves_a_record_reference_through_the_scope(client_for, scored):
    manager = client_for("admin")
    created = manager.post(
        "/api/v1/test_tickets",
        {"title": "Call back", "customer": scored[1].pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    outsider = client_for("rep3").post(
        "/api/v1/test_tickets",
        {"title": "Nope", "customer": scored[1].pk},
        content_type="application/json",
    )
    assert outsider.status_code in (400, 403)
    assert Ticket.objects.filter(title="Nope").count() == 0


class TestTicketAPI(APIListTests, APIDetailTests, APICreateTests):
    """The generic cases hold for a resource declared by a second app as well."""

    resource = "test_tickets"
    creator = "admin"

    @pytest.fixture
    def factory(self, org):
        def make(owner: str) -> Ticket:
            user = org.users[owner]
            customer = create_customer(actor=user, values={"name": f"Firm of {owner}"})
            return records.create_record(
                Ticket,
                actor=org.users["admin"],
                values={"customer": customer, "title": f"Ticket of {owner}", "owner": user},
            )

        return make

    def create_payload(self, factory):
        return {"title": "New ticket", "customer": factory("rep1").customer_id}


def test_a_declaration_switches_attachments_on(org, client_for, scored):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rep1 = org.users["rep1"]
    ticket = records.create_record(
        Ticket,
        actor=org.users["admin"],
        values={"customer": scored[0], "title": "T", "owner": rep1},
    )
    url = f"/api/v1/attachments/testapp.ticket/{ticket.pk}"
    admin = client_for("admin")
    upload = SimpleUploadedFile("note.txt", b"hello", content_type="text/plain")
    assert admin.post(url, {"file": upload}).status_code == 201
    assert client_for("rep1").get(url).json()["count"] == 1
    assert client_for("rep3").get(url).status_code == 404
    not_enabled = client_for("admin").get(f"/api/v1/attachments/testapp.customerscore/{ticket.pk}")
    assert not_enabled.status_code == 404
