"""Customers pages: declarations on the generic views plus the few pages of their own (360°,
import, duplicates and merge, the duplicate check). Thin: parse, call a service, render."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from guanxi.core import exports
from guanxi.core.errors import InvalidInput, NotAllowed
from guanxi.core.forms import handover_choices
from guanxi.core.models import Department, ImportBatch, User
from guanxi.core.resources import pages
from guanxi.core.scopes import CHANGE, VIEW, can
from guanxi.core.services.audit import history
from guanxi.core.services.records import get_visible
from guanxi.core.views import generic
from guanxi.customers import panels, reference
from guanxi.customers.filters import CUSTOMER_FILTERS
from guanxi.customers.forms import (
    CUSTOMER_SECTIONS,
    ActivityForm,
    ContactForm,
    CustomerForm,
    ImportForm,
    MergeForm,
    ReassignForm,
    changeable_customer,
)
from guanxi.customers.models import AXES, Activity, Contact, Customer, customer_field_label
from guanxi.customers.services import activities as activity_services
from guanxi.customers.services import contacts as contact_services
from guanxi.customers.services import customers as customer_services
from guanxi.customers.services import duplicates, importing, merging


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it."""

    htmx: HtmxDetails


# ---------------------------------------------------------------- customers


class CustomerList(generic.ObjectListView):
    model = Customer
    url_prefix = "customers:customer"
    resource = "customers"
    list_name = "customers"
    template_name = "customers/customer_list.html"
    table_template = "customers/_customer_table.html"
    export_filename = "customers"

    def extra_context(self) -> dict[str, Any]:
        province = self.request.GET.get("province", "")
        city = self.request.GET.get("city", "")
        return {
            # the chosen province's cities and the chosen city's districts (after "apply")
            "cities": [(r.code, r.name) for r in reference.children(province)] if province else [],
            "districts": [(r.code, r.name) for r in reference.children(city)] if city else [],
            "axes": [
                (name, customer_field_label(name), choices.choices)
                for name, choices in AXES.items()
            ],
            "provinces": reference.region_choices("province"),
            "industries": reference.industry_choices(),
            "owners": (
                handover_choices(self.request.user, "customers")
                if can_reassign(self.request.user)
                else []
            ),
            "filter_users": User.objects.filter(is_active=True).order_by("username"),
            "departments": Department.objects.all(),
            "can_reassign": can_reassign(self.request.user),
        }


def can_reassign(user: Any) -> bool:
    from guanxi.core.scopes import may_act

    return may_act(user, "customers", CHANGE)


class CustomerDetail(generic.ObjectDetailView):
    model = Customer
    url_prefix = "customers:customer"
    template_name = "customers/customer_detail.html"

    def get_object(self, pk: Any) -> Customer:
        customer = get_visible(Customer, pk, self.request.user, VIEW)
        return customer

    def extra_context(self, obj: Any) -> dict[str, Any]:
        contacts = Contact.objects.filter(customer=obj)
        activities = Activity.objects.filter(customer=obj).select_related("contact", "created_by")[
            :100
        ]
        sections = []
        for title, names in CUSTOMER_SECTIONS:
            rows = []
            for name in names:
                if name in {"name", "code"}:
                    continue
                label = customer_field_label(name)
                display = getattr(obj, f"get_{name}_display", None)
                value: Any = display() if display else getattr(obj, name)
                if name == "industry":
                    value = obj.industry_label
                elif name in {"province", "city", "district"}:
                    value = reference.region_name(getattr(obj, name))
                elif name == "tags":
                    value = ", ".join(obj.tag_list)
                if value not in ("", None):
                    rows.append((label, value))
            if rows:
                sections.append((title, rows))
        return {
            "sections": sections,
            "contacts": contacts,
            "activities": activities,
            "history": history(obj)[:50],
            "panels": panels.panels_for(obj, self.request),
        }


class CustomerEdit(generic.ObjectEditView):
    model = Customer
    url_prefix = "customers:customer"
    form_class = CustomerForm
    template_name = "customers/customer_form.html"

    def render_form(self, form: Any, obj: Any, status: int = 200, **extra: Any) -> HttpResponse:
        extra.setdefault(
            "sections",
            [(t, [form[n] for n in names if n in form.fields]) for t, names in CUSTOMER_SECTIONS],
        )
        return super().render_form(form, obj, status, **extra)

    def create(self, form: Any) -> Customer:
        return customer_services.create_customer(
            actor=self.request.user, values=form.values(), owner=form.cleaned_data.get("owner")
        )

    def update(self, obj: Any, form: Any, version: int) -> Customer:
        return customer_services.update_customer(
            obj, actor=self.request.user, expected_version=version, changes=form.values()
        )


class CustomerDelete(generic.ObjectDeleteView):
    model = Customer
    url_prefix = "customers:customer"

    def delete(self, obj: Any) -> None:
        customer_services.delete_customer(obj, actor=self.request.user)


class CustomerRestore(generic.ObjectRestoreView):
    model = Customer
    url_prefix = "customers:customer"

    def restore(self, obj: Any) -> None:
        customer_services.restore_customer(obj, actor=self.request.user)


class CustomerBin(generic.RecycleBinView):
    model = Customer
    url_prefix = "customers:customer"


class CustomerBulkReassign(generic.BulkActionView):
    model = Customer
    url_prefix = "customers:customer"

    def run(self, ids: list[int]) -> str:
        try:
            owner_id = int(self.request.POST.get("owner", ""))
        except ValueError:
            raise InvalidInput({"owner": [_("Choose the new owner.")]}) from None
        owner = User.objects.filter(pk=owner_id, is_active=True).first()
        if owner is None:
            raise InvalidInput({"owner": [_("Choose the new owner.")]})
        done = customer_services.reassign_by_ids(ids, actor=self.request.user, new_owner=owner)
        return _("%(n)s customers handed over to %(owner)s.") % {"n": len(done), "owner": owner}


class SavedFilters(generic.SavedFilterView):
    filtersets: ClassVar[dict] = {
        "customers": (CUSTOMER_FILTERS, Customer, "customers:customer_list")
    }


@login_required
@generic.as_http_errors
def customer_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_visible(Customer, pk, request.user, CHANGE)
    form = ReassignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        owner = User.objects.filter(pk=form.cleaned_data["owner"], is_active=True).first()
        try:
            customer_services.reassign_customers([customer], actor=request.user, new_owner=owner)
        except NotAllowed as exc:
            form.add_error("owner", str(exc))
        else:
            messages.success(request, _("Owner changed to %(owner)s.") % {"owner": owner})
            if can(request.user, customer, VIEW):
                return HttpResponseRedirect(reverse("customers:customer_detail", args=[pk]))
            return HttpResponseRedirect(reverse("customers:customer_list"))
    return render(request, "customers/reassign.html", {"form": form, "object": customer})


# ---------------------------------------------------------------- regions and duplicate check


@login_required
def region_options(request: HttpRequest) -> HttpResponse:
    """<option>s of the children of a region (htmx: the city and district selects)."""
    if request.GET.get("level") == "district":
        parent = request.GET.get("city", "")
    else:
        parent = request.GET.get("province", "")
    children = reference.children(parent) if parent in reference.regions() else []
    return render(request, "customers/_region_options.html", {"children": children})


@login_required
def duplicate_check(request: HtmxHttpRequest) -> HttpResponse:
    """查重: does a customer with this name, phone or email exist (and who owns it)?"""
    found = duplicates.check_duplicates(
        request.user,
        name=request.GET.get("name", ""),
        phone=request.GET.get("phone", ""),
        email=request.GET.get("email", ""),
    )
    template = (
        "customers/_duplicate_check.html" if request.htmx else "customers/duplicate_check.html"
    )
    return render(request, template, {"found": found, "params": request.GET})


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    candidates = duplicates.find_duplicates(request.user)
    return render(request, "customers/duplicates.html", {"candidates": candidates})


@login_required
@generic.as_http_errors
def merge(request: HttpRequest, keep: int, remove: int) -> HttpResponse:
    keep_obj = get_visible(Customer, keep, request.user, CHANGE)
    remove_obj = get_visible(Customer, remove, request.user, CHANGE)
    if keep_obj.pk == remove_obj.pk:
        raise Http404
    form = MergeForm(request.POST or None, keep=keep_obj, remove=remove_obj)
    if request.method == "POST" and form.is_valid():
        try:
            kept = merging.merge_customers(
                keep_obj,
                remove_obj,
                actor=request.user,
                take_from_removed=form.chosen(),
                keep_version=int(request.POST.get("keep_version") or 0) or None,
                remove_version=int(request.POST.get("remove_version") or 0) or None,
            )
        except InvalidInput as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Merged into %(name)s; the other record is in the recycle bin.") % {"name": kept},
            )
            return HttpResponseRedirect(reverse("customers:customer_detail", args=[kept.pk]))
    context = {
        "form": form,
        "keep": keep_obj,
        "remove": remove_obj,
        "moving": {
            "contacts": Contact.objects.filter(customer=remove_obj).count(),
            "activities": Activity.objects.filter(customer=remove_obj).count(),
        },
    }
    return render(request, "customers/merge.html", context)


# ---------------------------------------------------------------- import


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    if not can_reassign(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > importing.imports.MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is too large."))
        else:
            try:
                result = importing.import_customers(
                    upload.read(),
                    filename=upload.name,
                    actor=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                    skip_invalid=form.cleaned_data["skip_invalid"],
                    mapping=importing.imports.parse_mapping(form.cleaned_data["mapping"]),
                )
            except InvalidInput as exc:
                for field, errors in exc.errors.items():
                    for error in errors:
                        form.add_error("file" if field not in form.fields else field, error)
    status = 400 if result is not None and result.errors and not result.written else 200
    return render(request, "customers/import.html", {"form": form, "result": result}, status=status)


@login_required
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in exports.CONTENT_TYPES:
        raise Http404
    return exports.file_response(importing.template_file(fmt), f"customers-template.{fmt}", fmt)


@login_required
def import_errors(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The error file of one of the user's own import batches."""
    user = request.user
    assert isinstance(user, User)  # login_required
    batch = ImportBatch.objects.filter(pk=pk, actor=user, kind="customers").first()
    if batch is None or fmt not in exports.CONTENT_TYPES:
        raise Http404
    content = importing.error_file_from_batch(batch, fmt)
    return exports.file_response(content, f"import-{batch.pk}-errors.{fmt}", fmt)


# ---------------------------------------------------------------- contacts and activities


class ContactList(generic.ObjectListView):
    model = Contact
    url_prefix = "customers:contact"
    resource = "contacts"
    list_name = "contacts"
    template_name = "customers/contact_list.html"
    table_template = "customers/_contact_table.html"
    select_related = ("customer",)


class ActivityList(generic.ObjectListView):
    model = Activity
    url_prefix = "customers:activity"
    resource = "activities"
    list_name = "activities"
    template_name = "customers/activity_list.html"
    table_template = "customers/_activity_table.html"
    select_related = ("customer", "contact", "created_by")


class _ChildEdit(generic.ObjectEditView):
    """A contact or activity form: created under a customer the user may change."""

    def get(self, request: HttpRequest, pk: Any = None, customer: Any = None) -> HttpResponse:
        self.customer = changeable_customer(request.user, customer) if customer else None
        return super().get(request, pk)

    def post(self, request: HttpRequest, pk: Any = None, customer: Any = None) -> HttpResponse:
        self.customer = changeable_customer(request.user, customer) if customer else None
        return super().post(request, pk)

    def render_form(self, form: Any, obj: Any, status: int = 200, **extra: Any) -> HttpResponse:
        extra.setdefault("customer", self.customer or (obj.customer if obj else None))
        return super().render_form(form, obj, status, **extra)

    def success_url(self, obj: Any) -> str:
        return reverse("customers:customer_detail", args=[obj.customer_id])


class ContactEdit(_ChildEdit):
    model = Contact
    url_prefix = "customers:contact"
    form_class = ContactForm
    template_name = "customers/child_form.html"

    def create(self, form: Any) -> Contact:
        assert self.customer is not None  # the create URL names the customer
        return contact_services.create_contact(
            actor=self.request.user, customer=self.customer, values=form.values()
        )

    def update(self, obj: Any, form: Any, version: int) -> Contact:
        return contact_services.update_contact(
            obj, actor=self.request.user, expected_version=version, changes=form.values()
        )


class ActivityEdit(_ChildEdit):
    model = Activity
    url_prefix = "customers:activity"
    form_class = ActivityForm
    template_name = "customers/child_form.html"

    def get_form(self, obj: Any, data: Any = None) -> Any:
        return ActivityForm(data, instance=obj, user=self.request.user, customer=self.customer)

    def create(self, form: Any) -> Activity:
        assert self.customer is not None  # the create URL names the customer
        return activity_services.create_activity(
            actor=self.request.user, customer=self.customer, values=form.values()
        )

    def update(self, obj: Any, form: Any, version: int) -> Activity:
        return activity_services.update_activity(
            obj, actor=self.request.user, expected_version=version, changes=form.values()
        )


class ContactDelete(generic.ObjectDeleteView):
    model = Contact
    url_prefix = "customers:contact"

    def delete(self, obj: Any) -> None:
        contact_services.delete_contact(obj, actor=self.request.user)

    def after_delete_url(self, obj: Any) -> str:
        return reverse("customers:customer_detail", args=[obj.customer_id])


class ActivityDelete(generic.ObjectDeleteView):
    model = Activity
    url_prefix = "customers:activity"

    def delete(self, obj: Any) -> None:
        activity_services.delete_activity(obj, actor=self.request.user)

    def after_delete_url(self, obj: Any) -> str:
        return reverse("customers:customer_detail", args=[obj.customer_id])


class ContactRestore(generic.ObjectRestoreView):
    model = Contact
    url_prefix = "customers:contact"

    def restore(self, obj: Any) -> None:
        contact_services.restore_contact(obj, actor=self.request.user)


class ActivityRestore(generic.ObjectRestoreView):
    model = Activity
    url_prefix = "customers:activity"

    def restore(self, obj: Any) -> None:
        activity_services.restore_activity(obj, actor=self.request.user)


class ContactBin(generic.RecycleBinView):
    model = Contact
    url_prefix = "customers:contact"


class ActivityBin(generic.RecycleBinView):
    model = Activity
    url_prefix = "customers:activity"


class ContactDetail(generic.ObjectDetailView):
    model = Contact
    url_prefix = "customers:contact"
    template_name = "customers/contact_detail.html"

    def extra_context(self, obj: Any) -> dict[str, Any]:
        return {"history": history(obj)[:50]}


class ActivityDetail(generic.ObjectDetailView):
    model = Activity
    url_prefix = "customers:activity"
    template_name = "customers/activity_detail.html"

    def extra_context(self, obj: Any) -> dict[str, Any]:
        return {"history": history(obj)[:50]}


# ---------------------------------------------------------------- URLs of the generic pages

pages.PageSet(
    "customers", "customers", root="", list=CustomerList, detail=CustomerDetail,
    edit=CustomerEdit, delete=CustomerDelete, restore=CustomerRestore, bin=CustomerBin,
    bulk={"reassign": CustomerBulkReassign},
)  # fmt: skip
pages.PageSet(
    "customers", "contacts", root="contacts/", list=ContactList, detail=ContactDetail,
    edit=ContactEdit, delete=ContactDelete, restore=ContactRestore, bin=ContactBin,
    create_path="<int:customer>/contacts/new/",
)  # fmt: skip
pages.PageSet(
    "customers", "activities", root="activities/", list=ActivityList, detail=ActivityDetail,
    edit=ActivityEdit, delete=ActivityDelete, restore=ActivityRestore, bin=ActivityBin,
    create_path="<int:customer>/activities/new/",
)  # fmt: skip
