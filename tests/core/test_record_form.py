"""Core's RecordForm, the base of the customers and sales record forms: the acting user, choices
narrowed through the scope rule, the owner select, values() for the service, and model forms
validated by the model except what the service checks (and without unique checks)."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from guanxi.core.forms import RecordForm, handover_choices
from guanxi.core.services import records
from guanxi.customers.forms import ContactForm, CustomerForm
from guanxi.sales.forms import LeadForm, OpportunityForm
from tests.testapp.models import Widget, WidgetPart

pytestmark = pytest.mark.django_db


class PartForm(RecordForm):
    label = forms.CharField(max_length=100)
    widget = forms.ModelChoiceField(queryset=Widget.objects.none())
    owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    service_fields = ("label", "widget")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.narrow("widget", Widget.objects.all())
        self.offer_owners("customers")


class WidgetForm(RecordForm, forms.ModelForm):
    """A code longer than the model's may be entered: the service shortens it."""

    code = forms.CharField(required=False, max_length=100)

    class Meta:
        model = Widget
        fields = ["name", "code"]

    service_checked = ("code",)


class StrictWidgetForm(WidgetForm):
    service_checked = ()


def widget(org: Any, owner: str, name: str) -> Widget:
    return records.create_record(
        Widget, actor=org.users[owner], values={"name": name, "owner": org.users[owner]}
    )


def test_choices_outside_the_users_scope_are_refused_like_missing_ones(org: Any) -> None:
    mine, theirs = widget(org, "rep1", "mine"), widget(org, "rep3", "theirs")
    user = org.users["rep1"]
    assert list(PartForm(user=user).fields["widget"].queryset) == [mine]  # type: ignore[attr-defined]
    refused = PartForm({"label": "x", "widget": theirs.pk}, user=user)
    assert not refused.is_valid() and "widget" in refused.errors
    accepted = PartForm({"label": "x", "widget": mine.pk, "owner": ""}, user=user)
    assert accepted.is_valid(), accepted.errors
    assert accepted.values() == {"label": "x", "widget": mine}  # service_fields only


def test_the_owner_select_offers_me_and_the_hand_over_rule_on_create_only(org: Any) -> None:
    manager = org.users["manager1"]
    offered = PartForm(user=manager).fields["owner"].choices  # type: ignore[attr-defined]
    assert offered[0][0] == "" and offered[1:] == handover_choices(manager, "customers")
    names = {label for _pk, label in offered[1:]}
    assert str(org.users["rep1"]) in names and str(org.users["rep3"]) not in names
    part = records.create_record(
        WidgetPart, actor=manager, values={"label": "p", "widget": widget(org, "rep1", "w")}
    )
    editing = PartForm(instance=part, user=manager)
    assert "owner" not in editing.fields  # the owner changes through reassign
    assert editing.initial == {"label": "p", "widget": part.widget_id, "owner": None}


def test_a_model_form_leaves_the_service_checked_fields_to_the_service(org: Any) -> None:
    rep = org.users["rep1"]
    form = WidgetForm({"name": "w", "code": "C" * 30}, user=rep)
    assert form.is_valid(), form.errors
    assert form.values() == {"name": "w", "code": "C" * 30}
    # the same input through the model's own validation: a code is at most 20 characters
    strict = StrictWidgetForm({"name": "w", "code": "C" * 30}, user=rep)
    assert not strict.is_valid() and list(strict.errors) == ["code"]
    assert not StrictWidgetForm({"name": "", "code": ""}, user=rep).is_valid()
    edited = WidgetForm(instance=widget(org, "rep1", "w"), user=rep)
    assert edited.editing and edited.user is rep


def test_customers_and_sales_forms_derive_from_the_core_base() -> None:
    for form in (CustomerForm, ContactForm, LeadForm, OpportunityForm):
        assert issubclass(form, RecordForm)
