"""Leads: conversion with the duplicate check, round robin and bulk assignment, disqualifying."""

from __future__ import annotations

import pytest

from guanxi.core.errors import InvalidInput, NotAllowed
from guanxi.customers.models import Contact, Customer
from guanxi.sales.models import Lead, LeadRoundRobin, Opportunity
from guanxi.sales.services import leads
from tests.sales.conftest import make_customer


def qualified(user, **values):
    lead = leads.create_lead(
        actor=user,
        values={
            "company": "华兴贸易有限公司",
            "contact_name": "张三",
            "phone": "13811112222",
            "estimated_value": "8000",
            **values,
        },
    )
    return leads.update_lead(
        lead, actor=user, expected_version=lead.version, changes={"status": "qualified"}
    )


def test_only_a_qualified_lead_converts_into_customer_contact_and_opportunity(org):
    rep = org.users["rep1"]
    lead = leads.create_lead(actor=rep, values={"company": "New Co"})
    with pytest.raises(InvalidInput):
        leads.convert_lead(lead, actor=rep)
    lead = qualified(rep)
    converted = leads.convert_lead(
        lead, actor=rep, opportunity={"expected_close_date": "2026-06-30"}
    )
    assert converted.status == "converted" and converted.converted_at is not None
    customer = converted.converted_customer
    assert (
        customer.name == "华兴贸易有限公司"
        and customer.owner == rep
        and customer.status == "intention"
    )
    contact = Contact.objects.get(customer=customer)
    assert contact.name == "张三" and contact.mobile == "13811112222" and contact.is_primary
    opportunity = converted.converted_opportunity
    assert (
        opportunity.customer == customer
        and opportunity.amount == 8000
        and opportunity.contact == contact
    )
    assert str(opportunity.expected_close_date) == "2026-06-30"
    with pytest.raises(InvalidInput):  # a converted lead is history
        leads.update_lead(converted, actor=rep, expected_version=None, changes={"notes": "x"})


def test_duplicate_check_stops_conversion_and_offers_the_existing_customer(org):
    rep = org.users["rep1"]
    existing = make_customer(rep, "华兴贸易有限公司", phone="13811112222")
    lead = qualified(rep)
    with pytest.raises(leads.DuplicateCustomers) as caught:
        leads.convert_lead(lead, actor=rep)
    assert caught.value.found[0].customer == existing
    assert Customer.objects.count() == 1 and not Opportunity.objects.exists()
    converted = leads.convert_lead(lead, actor=rep, existing_customer=existing.pk)
    assert converted.converted_customer == existing
    assert Customer.objects.count() == 1
    assert Opportunity.objects.get().customer == existing


def test_duplicate_outside_scope_names_the_owner_only_and_cannot_be_attached(org):
    rep3, rep1 = org.users["rep3"], org.users["rep1"]
    theirs = make_customer(rep3, "华兴贸易有限公司", phone="13811112222")
    lead = qualified(rep1)
    with pytest.raises(leads.DuplicateCustomers) as caught:
        leads.convert_lead(lead, actor=rep1)
    found = caught.value.found[0]
    assert found.customer is None and found.owner == str(rep3)
    with pytest.raises(InvalidInput):
        leads.convert_lead(lead, actor=rep1, existing_customer=theirs.pk)
    converted = leads.convert_lead(lead, actor=rep1, create_new_customer=True)
    assert converted.converted_customer != theirs and Customer.objects.count() == 2


def test_disqualifying_needs_a_reason(org):
    rep = org.users["rep1"]
    lead = leads.create_lead(actor=rep, values={"company": "X"})
    with pytest.raises(InvalidInput):
        leads.disqualify_lead(lead, actor=rep, reason=" ")
    with pytest.raises(InvalidInput):
        leads.update_lead(
            lead, actor=rep, expected_version=None, changes={"status": "disqualified"}
        )
    lead = leads.disqualify_lead(lead, actor=rep, reason="no budget")
    assert lead.status == "disqualified" and lead.disqualify_reason == "no budget"
    lead = leads.update_lead(
        lead, actor=rep, expected_version=None, changes={"status": "contacted"}
    )
    assert lead.disqualify_reason == ""
    with pytest.raises(InvalidInput):
        leads.update_lead(lead, actor=rep, expected_version=None, changes={"status": "converted"})


def test_round_robin_deals_leads_in_turn_and_continues_where_it_stopped(org):
    manager = org.users["manager1"]
    team = org.departments["east_team"]
    batch = [leads.create_lead(actor=manager, values={"company": f"L{i}"}) for i in range(5)]
    done = leads.assign_round_robin([x.pk for x in batch], actor=manager, team=team)
    owners = [x.owner.username for x in done]
    assert owners == ["rep1", "rep2", "rep1", "rep2", "rep1"]
    more = [leads.create_lead(actor=manager, values={"company": f"M{i}"}) for i in range(2)]
    done = leads.assign_round_robin([x.pk for x in more], actor=manager, team=team)
    assert [x.owner.username for x in done] == ["rep2", "rep1"]
    assert LeadRoundRobin.objects.get(department=team).last_user.username == "rep1"


def test_round_robin_and_bulk_assignment_are_all_or_nothing(org):
    manager, rep1 = org.users["manager1"], org.users["rep1"]
    mine = leads.create_lead(actor=manager, values={"company": "mine"})
    south = leads.create_lead(actor=org.users["rep3"], values={"company": "south"})
    with pytest.raises(NotAllowed):  # an id outside the manager's scope: nothing changes
        leads.assign_leads([mine.pk, south.pk], actor=manager, new_owner=rep1)
    assert Lead.objects.get(pk=mine.pk).owner == manager
    with pytest.raises(NotAllowed):  # a rep cannot deal out to another department's team
        leads.assign_round_robin([mine.pk], actor=rep1, team=org.departments["south_team"])
    with pytest.raises(NotAllowed):  # nor hand over to someone outside their department
        leads.assign_leads([mine.pk], actor=manager, new_owner=org.users["rep3"])
    leads.assign_leads([mine.pk], actor=manager, new_owner=rep1)
    assert Lead.objects.get(pk=mine.pk).owner == rep1
