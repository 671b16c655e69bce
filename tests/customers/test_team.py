"""Team members (团队成员) of a customer: the panel, the pages' and API's rules, the audit."""

from __future__ import annotations

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from guanxi.core.models import AuditEvent
from guanxi.core.models.records import Collaborator
from tests.generic_api import APIListTests

LABEL = "customers.customer"


def _add(client, customer, user, can_change=False):
    return client.post(
        reverse("core:team_add", args=[LABEL, customer.pk]),
        {"user": user.pk, "can_change": "1" if can_change else "0"},
    )


def _members(customer):
    rows = Collaborator.objects.filter(
        content_type=ContentType.objects.get_for_model(type(customer)), object_id=customer.pk
    )
    return {row.user.username: row.can_change for row in rows}


def _detail(customer):
    return reverse("customers:customer_detail", args=[customer.pk])


def _edit(customer):
    return reverse("customers:customer_edit", args=[customer.pk])


def test_owner_lends_read_then_write_access_and_takes_it_back(org, client_for, make_customer):
    customer = make_customer("rep1", name="华东贸易")
    rep3 = client_for("rep3")  # another department: outside rep3's scope
    assert rep3.get(_detail(customer)).status_code == 404

    response = _add(client_for("rep1"), customer, org.users["rep3"])
    assert response.status_code == 302 and response["Location"] == _detail(customer)
    assert _members(customer) == {"rep3": False}
    assert rep3.get(_detail(customer)).status_code == 200
    assert rep3.get(_edit(customer)).status_code == 403

    _add(client_for("rep1"), customer, org.users["rep3"], can_change=True)
    assert _members(customer) == {"rep3": True}
    assert rep3.get(_edit(customer)).status_code == 200

    remove = reverse("core:team_remove", args=[LABEL, customer.pk, org.users["rep3"].pk])
    assert client_for("rep1").post(remove).status_code == 302
    assert _members(customer) == {}
    assert rep3.get(_detail(customer)).status_code == 404

    changes = [
        e.changes["collaborators"]
        for e in AuditEvent.objects.filter(object_id=customer.pk, action="update").order_by("pk")
        if "collaborators" in e.changes
    ]
    rep3_name = str(org.users["rep3"])
    assert changes == [
        [None, f"{rep3_name} (read-only)"],
        [f"{rep3_name} (read-only)", f"{rep3_name} (read-write)"],
        [f"{rep3_name} (read-write)", None],
    ]


def test_only_the_owners_scope_may_change_the_team(org, client_for, make_customer):
    customer = make_customer("rep1")
    _add(client_for("rep1"), customer, org.users["rep3"], can_change=True)
    # a read-write team member cannot pass access on
    assert _add(client_for("rep3"), customer, org.users["rep4"]).status_code == 403
    # service agents see every customer but change none
    assert _add(client_for("service1"), customer, org.users["rep4"]).status_code == 403
    # another department's manager does not even see the customer
    assert _add(client_for("manager2"), customer, org.users["rep4"]).status_code == 404
    # rep1's manager may
    assert _add(client_for("manager1"), customer, org.users["rep4"]).status_code == 302
    assert _members(customer) == {"rep3": True, "rep4": False}


def test_the_owner_cannot_be_added_and_nothing_is_written(org, client_for, make_customer):
    customer = make_customer("rep1")
    before = AuditEvent.objects.count()
    org.users["manager1"].language = "en"
    org.users["manager1"].save(update_fields=["language"])
    manager = client_for("manager1")
    response = _add(manager, customer, org.users["rep1"])
    assert response.status_code == 302
    assert _members(customer) == {}
    assert AuditEvent.objects.count() == before
    page = manager.get(response["Location"]).content.decode()
    assert "The owner already has full access to this record." in page


def test_unknown_record_kinds_are_not_found(client_for, make_customer):
    customer = make_customer("rep1")
    url = reverse("core:team_add", args=["core.user", customer.pk])
    assert client_for("admin").post(url, {"user": 1}).status_code == 404


def test_the_panel_lists_members_and_offers_the_form_to_managers_only(
    org, client_for, make_customer
):
    customer = make_customer("rep1")
    _add(client_for("rep1"), customer, org.users["rep3"])
    owner_page = client_for("rep1").get(_detail(customer)).content.decode()
    assert "团队成员" in owner_page  # the heading, in either language
    assert str(org.users["rep3"]) in owner_page
    assert reverse("core:team_add", args=[LABEL, customer.pk]) in owner_page
    # the owner is not offered as a team member
    assert f'<option value="{org.users["rep1"].pk}"' not in owner_page
    service_page = client_for("service1").get(_detail(customer)).content.decode()
    assert str(org.users["rep3"]) in service_page
    assert reverse("core:team_add", args=[LABEL, customer.pk]) not in service_page


@pytest.mark.parametrize("via_api_user", ["rep1", "manager1"])
def test_team_api(org, api_for, make_customer, via_api_user):
    customer = make_customer("rep1")
    api = api_for(via_api_user)
    url = f"/api/v1/team/{LABEL}/{customer.pk}/{org.users['rep3'].pk}"
    response = api.put(url, json.dumps({"can_change": True}), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == [
        {
            "user_id": org.users["rep3"].pk,
            "username": "rep3",
            "display_name": str(org.users["rep3"]),
            "can_change": True,
        }
    ]
    team_url = f"/api/v1/team-members?record={LABEL}:{customer.pk}"
    listed = api_for("rep3").get(team_url)
    assert listed.status_code == 200 and listed.json()["items"][0]["username"] == "rep3"
    assert listed.json()["count"] == 1
    assert listed.json()["items"][0]["record"] == f"{LABEL}:{customer.pk}"
    member_url = f"/api/v1/team-members/{listed.json()['items'][0]['id']}"
    assert api_for("rep3").get(member_url).json()["can_change"] is True
    assert api_for("rep4").get(member_url).status_code == 404  # not on the team, not in scope
    assert api.delete(url).json() == []
    # Off the team, rep3 no longer sees the customer, so nor its team.
    assert api_for("rep3").get(team_url).json()["count"] == 0
    assert api_for("rep3").get(member_url).status_code == 404
    bad = api_for("rep1").get("/api/v1/team-members?record=nonsense")
    assert bad.status_code == 400 and "record" in bad.json()["fields"]


def test_team_api_refusals(org, api_for, make_customer):
    customer = make_customer("rep1")
    url = f"/api/v1/team/{LABEL}/{customer.pk}/{org.users['rep3'].pk}"
    body = json.dumps({"can_change": False})
    assert api_for("service1").put(url, body, content_type="application/json").status_code == 403
    assert api_for("rep3").put(url, body, content_type="application/json").status_code == 404
    missing = f"/api/v1/team/{LABEL}/{customer.pk}/999999"
    response = api_for("rep1").put(missing, body, content_type="application/json")
    assert response.status_code == 400 and "user_id" in response.json()["fields"]
    assert _members(customer) == {}


def test_opportunities_have_a_team_too(org, client_for, make_customer):
    from guanxi.sales.services.opportunities import create_opportunity

    customer = make_customer("rep1")
    opportunity = create_opportunity(
        actor=org.users["rep1"], customer=customer, values={"name": "华东年度采购"}
    )
    detail = reverse("sales:opportunity_detail", args=[opportunity.pk])
    assert client_for("rep3").get(detail).status_code == 404
    add = reverse("core:team_add", args=["sales.opportunity", opportunity.pk])
    response = client_for("rep1").post(add, {"user": org.users["rep3"].pk, "can_change": "0"})
    assert response.status_code == 302 and response["Location"] == detail
    page = client_for("rep3").get(detail)
    assert page.status_code == 200 and "团队成员" in page.content.decode()


class TestTeamMemberAPI(APIListTests):
    """The generic list cases: a member is seen by whoever may see the record."""

    resource = "team_members"

    @pytest.fixture
    def factory(self, org, make_customer):
        from guanxi.core.models import Collaborator
        from guanxi.core.services.collaborators import set_team_member

        def make(owner: str) -> Collaborator:
            customer = make_customer(owner)
            set_team_member(
                customer, actor=org.users[owner], user=org.users["manager2"], can_change=False
            )
            return Collaborator.objects.get(object_id=customer.pk, user=org.users["manager2"])

        return make
