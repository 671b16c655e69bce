"""Forms of the customers pages (record forms on core's :class:`RecordForm`). They validate
input only; saving goes through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.forms import RecordForm, form_field, handover_choices
from guanxi.core.models import User
from guanxi.core.scopes import CHANGE
from guanxi.core.services.records import may_hand_over_to
from guanxi.customers import reference
from guanxi.customers.models import Activity, Contact, Customer, Kind, customer_field_label
from guanxi.customers.services import activities as activity_services
from guanxi.customers.services import contacts as contact_services
from guanxi.customers.services import customers as customer_services

#: Form sections on the edit page (the profile sections of the domain brief).
CUSTOMER_SECTIONS: list[tuple[Any, tuple[str, ...]]] = [
    (gettext_lazy("Basic"), (
        "code", "name", "name_en", "kind", "phone", "email", "website", "province", "city",
        "district", "address", "industry", "company_size", "annual_turnover", "occupation",
        "age_band", "tags", "source", "owner",
    )),
    (gettext_lazy("Classification"), (
        "relationship_type", "status", "lifecycle_status", "loyalty", "importance",
        "value_ability", "relationship_depth", "visit_frequency",
    )),
    (
        gettext_lazy("Personal profile"),
        ("family_members", "team_members", "personality", "hobbies"),
    ),
    (gettext_lazy("Business"), ("product_categories", "main_line", "brands")),
    (gettext_lazy("Sales network"), (
        "own_stores", "own_stores_revenue", "franchise_stores", "franchise_stores_revenue",
        "counters", "outlets_city", "outlets_county", "outlets_township",
    )),
    (gettext_lazy("Logistics"), (
        "logistics_company", "logistics_address", "logistics_contact", "logistics_price",
        "logistics_turnaround_days", "logistics_reputation",
    )),
    (gettext_lazy("Notes"), ("notes",)),
]  # fmt: skip


def _children_choices(code: str) -> list[tuple[str, str]]:
    return (
        [("", "-"), *((r.code, r.name) for r in reference.children(code))] if code else [("", "-")]
    )


class CustomerForm(RecordForm, forms.ModelForm):
    tags = forms.CharField(
        label=gettext_lazy("tags"),
        required=False,
        help_text=gettext_lazy("Separate tags with commas."),
    )
    owner = forms.TypedChoiceField(
        label=gettext_lazy("owner"), required=False, coerce=int, empty_value=None
    )
    website = forms.URLField(label=gettext_lazy("website"), required=False, assume_scheme="https")

    service_fields = customer_services.WRITABLE_FIELDS
    # the service checks the code against live rows (a left-empty code is generated)
    service_checked = ("code",)

    class Meta:
        model = Customer
        fields = [
            f for section in CUSTOMER_SECTIONS for f in section[1] if f not in {"tags", "owner"}
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 4}),
            "brands": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self, data: Any = None, *, instance: Customer | None = None, user: Any = None
    ) -> None:
        super().__init__(data, instance=instance, user=user)
        self.fields["code"].required = False
        self.fields["code"].help_text = gettext_lazy("Left empty, a code is generated.")
        if instance is not None:
            self.fields["tags"].initial = ", ".join(instance.tag_list)
        self.offer_owners("customers")
        self.fields["province"] = forms.ChoiceField(
            label=gettext_lazy("province"),
            required=False,
            choices=[("", "-"), *reference.region_choices("province")],
        )
        province = self._value("province")
        city = self._value("city")
        # Only the chosen province's cities (and city's districts) are valid and rendered.
        self.fields["city"] = forms.ChoiceField(
            label=gettext_lazy("city"), required=False, choices=_children_choices(province)
        )
        self.fields["district"] = forms.ChoiceField(
            label=gettext_lazy("district"), required=False, choices=_children_choices(city)
        )
        self.fields["industry"] = forms.ChoiceField(
            label=gettext_lazy("industry"),
            required=False,
            choices=[("", "-"), *reference.industry_choices()],
        )
        # Cascading selects through htmx (no inline script): a change reloads the next level.
        options_url = reverse("customers:region_options")
        self.fields["province"].widget.attrs.update(
            {"hx-get": f"{options_url}?level=city", "hx-target": "#id_city", "hx-trigger": "change"}
        )
        self.fields["city"].widget.attrs.update(
            {
                "hx-get": f"{options_url}?level=district",
                "hx-target": "#id_district",
                "hx-trigger": "change",
            }
        )
        if instance is None:
            check_url = reverse("customers:duplicate_check")
            for name in ("name", "phone", "email"):
                self.fields[name].widget.attrs.update(
                    {
                        "hx-get": check_url,
                        "hx-trigger": "change",
                        "hx-target": "#duplicate-check",
                        "hx-include": "[name=name],[name=phone],[name=email]",
                    }
                )

    def _value(self, name: str) -> str:
        if self.is_bound:
            return str(self.data.get(name, ""))
        return str(getattr(self.instance, name, "") or "")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if kind == Kind.COMPANY:
            for name in ("industry", "province"):
                if not data.get(name):
                    self.add_error(name, _("Required for a company."))
        elif kind == Kind.PERSON and not (data.get("phone") or data.get("email")):
            self.add_error("phone", _("A person needs a phone number or an email address."))
        owner_id = data.get("owner")
        if owner_id:
            owner = User.objects.filter(pk=owner_id, is_active=True).first()
            if owner is None or not may_hand_over_to(self.user, owner, "customers"):
                self.add_error("owner", _("You may not make this user the owner."))
            data["owner"] = owner
        return data


class ContactForm(RecordForm, forms.ModelForm):
    class Meta:
        model = Contact
        fields = list(contact_services.WRITABLE_FIELDS)
        widgets = {
            "birthday": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    service_checked = ("customer",)  # not on the form: the service sets it


class ActivityForm(RecordForm, forms.ModelForm):
    class Meta:
        model = Activity
        fields = list(activity_services.WRITABLE_FIELDS)
        widgets = {
            "occurred_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "next_contact_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self,
        data: Any = None,
        *,
        instance: Activity | None = None,
        user: Any = None,
        customer: Customer | None = None,
    ) -> None:
        super().__init__(data, instance=instance, user=user)
        customer = customer or (instance.customer if instance else None)
        contact = form_field(self, "contact", forms.ModelChoiceField)
        contact.queryset = (
            Contact.objects.filter(customer=customer) if customer else Contact.objects.none()
        )
        for name in ("occurred_at", "next_contact_at"):
            when = form_field(self, name, forms.DateTimeField)
            when.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]

    def _post_clean(self) -> None:
        pass  # the service validates, with the customer set


class ReassignForm(forms.Form):
    owner = forms.TypedChoiceField(label=gettext_lazy("new owner"), coerce=int)

    def __init__(self, data: Any = None, *, user: Any = None) -> None:
        super().__init__(data)
        form_field(self, "owner", forms.ChoiceField).choices = handover_choices(user, "customers")


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"))
    mapping = forms.CharField(
        label=gettext_lazy("column mapping"),
        required=False,
        help_text=gettext_lazy(
            "Optional, for headers the built-in table does not know: 客户名=name, 手机=phone"
        ),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check every row, write nothing"), required=False
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy(
            "Skip invalid rows: write the good rows, return the bad ones in an error file"
        ),
        required=False,
    )


class MergeForm(forms.Form):
    """One radio per field that differs: keep this record's value or take the other's."""

    def __init__(self, data: Any = None, *, keep: Customer, remove: Customer) -> None:
        super().__init__(data)
        from guanxi.customers.services.merging import MERGE_FIELDS

        self.differences = []
        for name in MERGE_FIELDS:
            mine, theirs = getattr(keep, name), getattr(remove, name)
            if mine == theirs or theirs in ("", None):
                continue
            label = customer_field_label(name)
            display = f"get_{name}_display"
            self.fields[f"take_{name}"] = forms.BooleanField(required=False, label=label)
            self.differences.append(
                {
                    "name": name,
                    "label": label,
                    "mine": getattr(keep, display)() if hasattr(keep, display) else mine,
                    "theirs": getattr(remove, display)() if hasattr(remove, display) else theirs,
                    "field": f"take_{name}",
                }
            )

    def chosen(self) -> list[str]:
        return [d["name"] for d in self.differences if self.cleaned_data.get(d["field"])]


def changeable_customer(user: Any, pk: Any) -> Customer:
    """For child forms: the customer the contact or activity is added to, changeable by user."""
    from guanxi.core.services.records import get_visible

    return get_visible(Customer, pk, user, CHANGE)
