"""The customers API: scope on every route (404 vs 403), optimistic locking (409), explicit
writable fields, unknown query keys, and that a refused request changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from guanxi.customers.models import Activity, Contact, Customer
from tests.generic_views import audit_rows

pytestmark = pytest.mark.django_db


def patch(client: Any, url: str, data: dict, **headers: Any) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json", **headers)


def post(client: Any, url: str, data: dict) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def world(org: Any, make_customer: Any, make_contact: Any, make_activity: Any) -> dict[str, Any]:
    customer = make_customer("rep1", name="张三贸易", phone="13800138000")
    contact = make_contact(customer, name="张三")
    activity = make_activity(customer, subject="拜访")
    return {"customer": customer, "contact": contact, "activity": activity}


ROUTES = [
    ("customer", "/api/v1/customers/{}"),
    ("contact", "/api/v1/contacts/{}"),
    ("activity", "/api/v1/activities/{}"),
]


@pytest.mark.parametrize(("key", "url"), ROUTES)
def test_retrieve_by_scope(world: Any, api_for: Any, key: str, url: str) -> None:
    record = world[key]
    for persona, status in [
        ("rep1", 200),
        ("manager1", 200),
        ("service1", 200),
        ("rep2", 404),
        ("rep3", 404),
        ("manager2", 404),
    ]:
        assert api_for(persona).get(url.format(record.pk)).status_code == status, persona
    assert api_for("rep1").get(url.format(record.pk + 1000)).status_code == 404


@pytest.mark.parametrize(("key", "url"), ROUTES)
def test_update_delete_restore_by_scope_and_refusals_change_nothing(
    world: Any, api_for: Any, key: str, url: str
) -> None:
    record = world[key]
    field = {"customer": "name", "contact": "name", "activity": "subject"}[key]
    body = {field: "Changed", "version": record.version}
    for persona, status in [("rep2", 404), ("rep3", 404), ("service1", 403), ("analyst1", 403)]:
        assert patch(api_for(persona), url.format(record.pk), body).status_code == status, persona
        assert api_for(persona).delete(url.format(record.pk)).status_code == status, persona
    fresh = type(record).objects.get(pk=record.pk)
    assert fresh.version == record.version and getattr(fresh, field) != "Changed"
    assert not audit_rows(record, "update").exists() and not audit_rows(record, "delete").exists()
    response = patch(api_for("rep1"), url.format(record.pk), body)
    assert response.status_code == 200, response.content
    assert response.json()[field] == "Changed" and response.json()["version"] == record.version + 1
    assert api_for("rep1").delete(url.format(record.pk)).status_code == 204
    assert api_for("rep1").get(url.format(record.pk)).status_code == 404
    for persona in ("rep2", "service1"):
        assert api_for(persona).post(url.format(record.pk) + "/restore").status_code == 404
    assert api_for("rep1").post(url.format(record.pk) + "/restore").status_code == 200
    assert type(record).objects.filter(pk=record.pk).exists()


def test_stale_patch_is_409_naming_the_changed_fields(world: Any, api_for: Any) -> None:
    customer = world["customer"]
    url = f"/api/v1/customers/{customer.pk}"
    etag = api_for("rep1").get(url)["ETag"]
    assert etag == f'"{customer.version}"'
    assert (
        patch(
            api_for("manager1"), url, {"phone": "13900139000", "version": customer.version}
        ).status_code
        == 200
    )
    response = patch(api_for("rep1"), url, {"name": "Mine"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale_version" and "phone" in body["fields"]
    assert body["current_version"] == customer.version + 1
    assert Customer.objects.get(pk=customer.pk).name == "张三贸易"
    assert patch(api_for("rep1"), url, {"name": "Mine"}).status_code == 400  # no version at all
    ok = patch(api_for("rep1"), url, {"name": "Mine"}, HTTP_IF_MATCH=f'"{customer.version + 1}"')
    assert ok.status_code == 200 and ok["ETag"] == f'"{customer.version + 2}"'


@pytest.mark.parametrize(
    "field", ["owner", "department", "version_x", "search_text", "created_at", "id", "deleted_at"]
)
def test_server_fields_are_not_writable(world: Any, api_for: Any, org: Any, field: str) -> None:
    customer = world["customer"]
    response = patch(
        api_for("rep1"),
        f"/api/v1/customers/{customer.pk}",
        {field: org.users["rep3"].pk, "version": customer.version},
    )
    assert response.status_code == 400
    fresh = Customer.objects.get(pk=customer.pk)
    assert fresh.owner == org.users["rep1"] and fresh.version == customer.version


def test_create_and_owner_through_the_hand_over_rule(org: Any, api_for: Any) -> None:
    client = api_for("rep1")
    response = post(
        client,
        "/api/v1/customers",
        {"name": "API Co", "kind": "company", "phone": "13800138000", "tags": ["a", "b"]},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (
        created["owner"] == org.users["rep1"].pk
        and created["tags"] == ["a", "b"]
        and created["version"] == 1
    )
    assert (
        post(client, "/api/v1/customers", {"name": "X", "owner": org.users["rep3"].pk}).status_code
        == 403
    )
    ok = post(client, "/api/v1/customers", {"name": "Y", "owner": org.users["rep2"].pk})
    assert ok.status_code == 201 and ok.json()["owner"] == org.users["rep2"].pk
    assert post(client, "/api/v1/customers", {"kind": "company"}).status_code == 400
    assert (
        post(client, "/api/v1/customers", {"name": "Z", "phone": "bad phone!"}).status_code == 400
    )
    assert post(api_for("service1"), "/api/v1/customers", {"name": "S"}).status_code == 403
    assert not Customer.objects.filter(name__in=["X", "Z", "S"]).exists()


def test_reassign_routes(world: Any, org: Any, api_for: Any) -> None:
    customer = world["customer"]
    url = f"/api/v1/customers/{customer.pk}/reassign"
    assert post(api_for("rep1"), url, {"owner": org.users["rep3"].pk}).status_code == 403
    assert post(api_for("rep3"), url, {"owner": org.users["rep3"].pk}).status_code == 404
    assert post(api_for("rep1"), url, {"owner": org.users["rep2"].pk}).status_code == 200
    assert Customer.objects.get(pk=customer.pk).owner == org.users["rep2"]
    bulk = post(
        api_for("manager1"),
        "/api/v1/customers/reassign",
        {"ids": [customer.pk, 999999], "owner": org.users["rep1"].pk},
    )
    assert bulk.status_code == 403
    assert Customer.objects.get(pk=customer.pk).owner == org.users["rep2"]


def test_children_are_created_under_a_changeable_customer(world: Any, api_for: Any) -> None:
    customer = world["customer"]
    body = {"customer": customer.pk, "name": "新联系人", "mobile": "13900001111"}
    assert post(api_for("rep3"), "/api/v1/contacts", body).status_code == 404
    assert post(api_for("service1"), "/api/v1/contacts", body).status_code == 403
    assert post(api_for("rep1"), "/api/v1/contacts", body).status_code == 201
    activity = {
        "customer": customer.pk,
        "subject": "电话",
        "occurred_at": "2026-05-01T10:00:00+08:00",
        "kind": "call",
        "contact": world["contact"].pk,
    }
    assert post(api_for("rep1"), "/api/v1/activities", activity).status_code == 201
    foreign_contact = {**activity, "contact": 999999}
    assert post(api_for("rep1"), "/api/v1/activities", foreign_contact).status_code == 400
    assert Contact.objects.count() == 2 and Activity.objects.count() == 2


@pytest.mark.parametrize("url", ["/api/v1/customers", "/api/v1/contacts", "/api/v1/activities"])
def test_lists_are_scoped_and_refuse_unknown_keys(world: Any, api_for: Any, url: str) -> None:
    assert api_for("rep1").get(url).json()["count"] == 1
    assert api_for("rep3").get(url).json()["count"] == 0
    response = api_for("rep1").get(url + "?owner__password=x")
    assert response.status_code == 400 and "owner__password" in response.json()["fields"]
    assert api_for("rep1").get(url + "?sort=search_text").status_code == 400


def test_customer_list_filters_search_and_pagination(
    org: Any, make_customer: Any, api_for: Any
) -> None:
    make_customer("rep1", name="张三", importance="vip")
    for n in range(4):
        make_customer("rep1", name=f"Other {n}")
    client = api_for("rep1")
    assert [c["name"] for c in client.get("/api/v1/customers?q=zs").json()["items"]] == ["张三"]
    assert client.get("/api/v1/customers?importance=vip").json()["count"] == 1
    page = client.get("/api/v1/customers?page_size=2&page=2&sort=name").json()
    assert page["count"] == 5 and len(page["items"]) == 2 and page["page"] == 2


def test_duplicate_check_api_names_the_owner_only(world: Any, api_for: Any) -> None:
    page = api_for("rep3").get("/api/v1/customers/check?phone=138-0013-8000").json()
    assert page["count"] == 1
    found = page["items"]
    assert len(found) == 1 and found[0]["exists"] and found[0]["id"] is None
    assert found[0]["owner"] == str(world["customer"].owner)
    mine = api_for("rep1").get("/api/v1/customers/check?name=张三贸易").json()["items"]
    assert mine[0]["id"] == world["customer"].pk
    unknown = api_for("rep1").get("/api/v1/customers/check?nmae=x")
    assert unknown.status_code == 400 and "nmae" in unknown.json()["fields"]
