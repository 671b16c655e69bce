"""Lead pages: list with bulk and round-robin assignment, detail, edit, conversion."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.core.errors import InvalidInput, NotAllowed, StaleVersion
from guanxi.core.models import User
from guanxi.core.resources import pages
from guanxi.core.scopes import CHANGE, may_act
from guanxi.core.services.audit import history
from guanxi.core.services.records import get_visible
from guanxi.core.views import generic
from guanxi.sales import forms
from guanxi.sales.models import (
    Lead,
    LeadStatus,
    Task,
)
from guanxi.sales.services import (
    leads,
)
from guanxi.sales.views.bins import LeadBin, LeadRestore
from guanxi.sales.views.common import (
    SalesEdit,
    _error_messages,
)


class LeadList(generic.ObjectListView):
    model = Lead
    url_prefix = "sales:lead"
    resource = "leads"
    list_name = "leads"
    template_name = "sales/lead_list.html"
    table_template = "sales/_lead_table.html"
    export_filename = "leads"

    def extra_context(self) -> dict[str, Any]:
        return {
            "statuses": LeadStatus.choices,
            "assign_form": forms.AssignForm(user=self.request.user),
            "can_change": may_act(self.request.user, "sales", CHANGE),
        }


class LeadDetail(generic.ObjectDetailView):
    model = Lead
    url_prefix = "sales:lead"
    template_name = "sales/lead_detail.html"

    def extra_context(self, obj: Any) -> dict[str, Any]:
        return {
            "history": history(obj)[:50],
            "tasks": Task.objects.visible_to(self.request.user)
            .filter(lead=obj)
            .select_related("owner")[:20],
        }


class LeadEdit(SalesEdit):
    model = Lead
    url_prefix = "sales:lead"
    form_class = forms.LeadForm

    def create(self, form: Any) -> Lead:
        owner_id = form.cleaned_data.get("owner")
        owner = User.objects.filter(pk=owner_id, is_active=True).first() if owner_id else None
        return leads.create_lead(actor=self.request.user, values=form.values(), owner=owner)

    def update(self, obj: Any, form: Any, version: int) -> Lead:
        return leads.update_lead(
            obj, actor=self.request.user, expected_version=version, changes=form.values()
        )


class LeadDelete(generic.ObjectDeleteView):
    model = Lead
    url_prefix = "sales:lead"

    def delete(self, obj: Any) -> None:
        leads.delete_lead(obj, actor=self.request.user)


class LeadAssign(generic.BulkActionView):
    """Bulk assignment to one owner, or round robin within a team; all or nothing."""

    model = Lead
    url_prefix = "sales:lead"

    def run(self, ids: list[int]) -> str:
        form = forms.AssignForm(self.request.POST, user=self.request.user)
        if not form.is_valid():
            raise InvalidInput({"owner": [_("Choose the new owner or a team.")]})
        team = form.cleaned_data.get("team")
        if team is not None:
            done = leads.assign_round_robin(ids, actor=self.request.user, team=team)
            return _("%(n)s leads dealt out within %(team)s.") % {"n": len(done), "team": team}
        owner = User.objects.filter(pk=form.cleaned_data.get("owner") or 0, is_active=True).first()
        if owner is None:
            raise InvalidInput({"owner": [_("Choose the new owner or a team.")]})
        done = leads.assign_leads(ids, actor=self.request.user, new_owner=owner)
        return _("%(n)s leads handed over to %(owner)s.") % {"n": len(done), "owner": owner}


@login_required
@generic.as_http_errors
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """Convert a qualified lead: shows the duplicate check (查重) and offers to attach to an
    existing customer the user may change, or to create a new one."""
    lead = get_visible(Lead, pk, request.user, CHANGE)
    found = leads.duplicates_for(lead, request.user)
    if request.method == "POST":
        choice = request.POST.get("customer", "")
        try:
            converted = leads.convert_lead(
                lead,
                actor=request.user,
                existing_customer=int(choice) if choice.isdigit() else None,
                create_new_customer=choice == "new",
                opportunity={"name": request.POST.get("opportunity_name") or lead.company},
                expected_version=int(request.POST.get("version") or 0) or None,
            )
        except leads.DuplicateCustomers:
            messages.error(
                request, _("Matching customers exist: choose one, or create a new customer.")
            )
        except (InvalidInput, StaleVersion, NotAllowed) as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, _("Lead converted."))
            return HttpResponseRedirect(
                reverse("customers:customer_detail", args=[converted.converted_customer_id])
            )
    return render(request, "sales/lead_convert.html", {"object": lead, "found": found})


# ---------------------------------------------------------------- URLs of the generic pages

pages.PageSet(
    "sales", "leads", root="leads/", list=LeadList, detail=LeadDetail, edit=LeadEdit,
    delete=LeadDelete, restore=LeadRestore, bin=LeadBin, bulk={"assign": LeadAssign},
)  # fmt: skip
