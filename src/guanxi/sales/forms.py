"""Forms of the sales pages (record forms on core's :class:`RecordForm`). They validate input
only; saving goes through the services. Choice fields for related records are narrowed through
the scope rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.forms import RecordForm, form_field, handover_choices
from guanxi.core.models import Department
from guanxi.core.models.records import AuditedQuerySet
from guanxi.customers import reference
from guanxi.customers.models import Customer, Source
from guanxi.sales.models import (
    Lead,
    LeadStatus,
    Opportunity,
    Order,
    PaymentMethod,
    Product,
    ProductCategory,
    Stage,
    TaskKind,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _customers() -> AuditedQuerySet:
    """The customer choices of a sales form, before the scope narrows them."""
    return Customer.objects.only("pk", "name", "code").order_by("name")


class ProductForm(RecordForm):
    code = forms.CharField(label=_("product code"), max_length=32)
    name = forms.CharField(label=_("name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    category = forms.ModelChoiceField(
        label=_("category"), queryset=ProductCategory.objects.all(), required=False
    )
    unit = forms.CharField(label=_("unit"), max_length=20, required=False)
    list_price = forms.DecimalField(
        label=_("list price"), max_digits=16, decimal_places=2, min_value=0
    )
    cost = forms.DecimalField(
        label=_("cost"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    active = forms.BooleanField(label=_("active"), required=False, initial=True)


class LeadForm(RecordForm):
    company = forms.CharField(label=_("company"), max_length=200)
    contact_name = forms.CharField(label=_("contact person"), max_length=100, required=False)
    contact_title = forms.CharField(label=_("title"), max_length=100, required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("email"), required=False)
    source = forms.ChoiceField(
        label=_("source"), choices=[("", "-"), *Source.choices], required=False
    )
    province = forms.ChoiceField(label=_("province"), required=False)
    industry = forms.ChoiceField(label=_("industry"), required=False)
    estimated_value = forms.DecimalField(
        label=_("estimated value"), max_digits=16, decimal_places=2, required=False, min_value=0
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[c for c in LeadStatus.choices if c[0] != LeadStatus.CONVERTED]
    )
    disqualify_reason = forms.CharField(
        label=_("reason disqualified"), max_length=300, required=False
    )
    notes = forms.CharField(
        label=_("notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    owner = forms.TypedChoiceField(label=_("owner"), required=False, coerce=int, empty_value=None)

    service_fields = (
        "company",
        "contact_name",
        "contact_title",
        "phone",
        "email",
        "source",
        "province",
        "industry",
        "estimated_value",
        "status",
        "disqualify_reason",
        "notes",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = form_field(self, "province", forms.ChoiceField)
        province.choices = [("", "-"), *reference.region_choices("province")]
        industry = form_field(self, "industry", forms.ChoiceField)
        industry.choices = [("", "-"), *reference.industry_choices()]
        self.offer_owners("sales")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("status") == LeadStatus.DISQUALIFIED and not data.get("disqualify_reason"):
            self.add_error("disqualify_reason", _("A disqualified lead needs a reason."))
        return data


class OpportunityForm(RecordForm):
    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.none())
    name = forms.CharField(label=_("name"), max_length=200)
    amount = forms.DecimalField(
        label=_("amount"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    expected_close_date = forms.DateField(
        label=_("expected close date"), required=False, widget=DATE
    )
    next_step = forms.CharField(label=_("next step"), max_length=300, required=False)
    competitor = forms.CharField(label=_("competitor"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    owner = forms.TypedChoiceField(label=_("owner"), required=False, coerce=int, empty_value=None)

    service_fields = ("name", "amount", "expected_close_date", "next_step", "competitor", "notes")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer_owners("sales")
        if self.editing:
            del self.fields["customer"]
        else:
            self.narrow("customer", _customers())


class StageMoveForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("stage"), queryset=Stage.objects.all())
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    lost_reason = forms.CharField(label=_("reason lost"), max_length=300, required=False)
    competitor = forms.CharField(label=_("competitor"), max_length=200, required=False)


class TaskForm(RecordForm):
    kind = forms.ChoiceField(
        label=_("type"), choices=[c for c in TaskKind.choices if c[0] != TaskKind.REMINDER]
    )
    subject = forms.CharField(label=_("subject"), max_length=200)
    starts_at = forms.DateTimeField(label=_("due / starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("ends"), required=False, widget=DATETIME)
    location = forms.CharField(label=_("location"), max_length=200, required=False)
    customer = forms.ModelChoiceField(
        label=_("customer"), queryset=Customer.objects.none(), required=False
    )
    opportunity = forms.ModelChoiceField(
        label=_("opportunity"), queryset=Opportunity.objects.none(), required=False
    )
    lead = forms.ModelChoiceField(label=_("lead"), queryset=Lead.objects.none(), required=False)
    notes = forms.CharField(
        label=_("notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.narrow("customer", _customers())
        self.narrow("opportunity", Opportunity.objects.order_by("name"))
        self.narrow("lead", Lead.objects.order_by("company"))


class LogActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("type"),
        choices=[
            ("call", _("Call (电话)")),
            ("visit", _("Visit (拜访)")),
            ("email", _("Email (邮件)")),
            ("meeting", _("Meeting (会议)")),
            ("note", _("Note (备注)")),
        ],
    )
    subject = forms.CharField(label=_("subject"), max_length=200, required=False)
    outcome = forms.CharField(
        label=_("outcome"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_step = forms.CharField(label=_("next step"), max_length=300, required=False)


class OrderForm(RecordForm):
    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.none())
    order_date = forms.DateField(label=_("order date"), widget=DATE)
    contract_number = forms.CharField(label=_("contract number"), max_length=64, required=False)
    signed_on = forms.DateField(label=_("signing date"), required=False, widget=DATE)
    contract_start = forms.DateField(label=_("contract start"), required=False, widget=DATE)
    contract_end = forms.DateField(label=_("contract end"), required=False, widget=DATE)
    customer_signatory = forms.CharField(
        label=_("customer's signatory"), max_length=100, required=False
    )
    our_signatory = forms.CharField(label=_("our signatory"), max_length=100, required=False)
    expiry_reminder_days = forms.IntegerField(
        label=_("remind days before expiry"), min_value=0, initial=30
    )
    notes = forms.CharField(
        label=_("notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    service_fields = (
        "order_date",
        "contract_number",
        "signed_on",
        "contract_start",
        "contract_end",
        "customer_signatory",
        "our_signatory",
        "expiry_reminder_days",
        "notes",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.editing:
            del self.fields["customer"]
        else:
            self.narrow("customer", _customers())


LINE_ROWS = 5


def parse_lines(data: Any) -> list[dict[str, Any]]:
    """The line rows of an order or opportunity form (lines-N-product, -quantity, ...)."""
    lines = []
    for index in range(int(data.get("line_rows", LINE_ROWS) or LINE_ROWS)):
        product = data.get(f"lines-{index}-product", "")
        if not product:
            continue
        lines.append(
            {
                "product": product,
                "quantity": data.get(f"lines-{index}-quantity") or "1",
                "unit_price": data.get(f"lines-{index}-unit_price") or None,
                "discount": data.get(f"lines-{index}-discount") or "0",
            }
        )
    return lines


class InstalmentForm(forms.Form):
    due_date = forms.DateField(label=_("due date"), widget=DATE)
    amount = forms.DecimalField(label=_("amount"), max_digits=16, decimal_places=2, min_value=0.01)
    reminder_days = forms.IntegerField(label=_("remind days before"), min_value=0, initial=3)


class PaymentForm(forms.Form):
    received_on = forms.DateField(label=_("date received"), widget=DATE)
    amount = forms.DecimalField(label=_("amount"), max_digits=16, decimal_places=2, min_value=0.01)
    method = forms.ChoiceField(label=_("method"), choices=PaymentMethod.choices)
    instalment = forms.TypedChoiceField(
        label=_("instalment"), coerce=int, empty_value=None, required=False
    )
    reference = forms.CharField(label=_("reference"), max_length=100, required=False)

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instalment = form_field(self, "instalment", forms.ChoiceField)
        instalment.choices = [("", _("the order (outside the plan)"))] + [
            (i.pk, f"#{i.number} · {i.due_date} · {i.outstanding}")
            for i in order.instalments.all()
            if i.outstanding > 0
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AssignForm(forms.Form):
    owner = forms.TypedChoiceField(
        label=_("new owner"), coerce=int, required=False, empty_value=None
    )
    team = forms.ModelChoiceField(
        label=_("or deal out in turn within team"),
        queryset=Department.objects.filter(kind="team"),
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = form_field(self, "owner", forms.ChoiceField)
        owner.choices = [("", "-"), *handover_choices(user, "sales")]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    dry_run = forms.BooleanField(label=_("Check only (dry run)"), required=False, initial=True)
    skip_invalid = forms.BooleanField(
        label=_("Import the good rows, skip the bad ones"), required=False
    )


def product_choices() -> list[Product]:
    return list(Product.objects.filter(active=True).order_by("code"))
