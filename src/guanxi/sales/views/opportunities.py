"""Opportunity pages: list, detail with stage history, edit, stage moves, the pipeline board."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core import clock, team
from guanxi.core.errors import InvalidInput, StaleVersion
from guanxi.core.models import User
from guanxi.core.resources import pages
from guanxi.core.scopes import CHANGE
from guanxi.core.services.audit import history
from guanxi.core.services.records import get_visible
from guanxi.core.views import generic
from guanxi.sales import forms
from guanxi.sales.models import (
    Opportunity,
    Order,
    Stage,
    StageHistory,
    StageKind,
    Task,
)
from guanxi.sales.services import (
    opportunities,
    pipelines,
)
from guanxi.sales.services.common import currency
from guanxi.sales.views.bins import OpportunityBin, OpportunityRestore
from guanxi.sales.views.common import (
    SalesEdit,
    _error_messages,
)


class OpportunityList(generic.ObjectListView):
    model = Opportunity
    url_prefix = "sales:opportunity"
    resource = "opportunities"
    list_name = "opportunities"
    template_name = "sales/opportunity_list.html"
    table_template = "sales/_opportunity_table.html"
    export_filename = "opportunities"

    def extra_context(self) -> dict[str, Any]:
        return {
            "stages": Stage.objects.select_related("pipeline").order_by("pipeline_id", "position"),
            "outcomes": StageKind.choices,
        }


class OpportunityDetail(generic.ObjectDetailView):
    model = Opportunity
    url_prefix = "sales:opportunity"
    template_name = "sales/opportunity_detail.html"

    def extra_context(self, obj: Any) -> dict[str, Any]:
        return {
            "lines": obj.lines.select_related("product"),
            "stage_history": StageHistory.objects.filter(opportunity=obj).select_related(
                "stage", "moved_by"
            ),
            "stages": pipelines.stages_of(obj.pipeline),
            "tasks": Task.objects.visible_to(self.request.user).filter(opportunity=obj)[:20],
            "orders": Order.objects.visible_to(self.request.user).filter(opportunity=obj),
            "history": history(obj)[:50],
            "products": forms.product_choices(),
            "line_rows": range(forms.LINE_ROWS),
            "team": team.panel_context(obj, self.request),
        }


class OpportunityEdit(SalesEdit):
    model = Opportunity
    url_prefix = "sales:opportunity"
    form_class = forms.OpportunityForm
    template_name = "sales/lines_form.html"

    def get_form(self, obj: Any, data: Any = None) -> Any:
        initial = {}
        if obj is None and self.request.GET.get("customer", "").isdigit():
            initial["customer"] = int(self.request.GET["customer"])
        return self.form_class(data, instance=obj, user=self.request.user, initial=initial)

    def render_form(self, form: Any, obj: Any, status: int = 200, **extra: Any) -> HttpResponse:
        if obj is None:
            extra.setdefault("products", forms.product_choices())
            extra.setdefault("line_rows", range(forms.LINE_ROWS))
        return super().render_form(form, obj, status, **extra)

    def create(self, form: Any) -> Opportunity:
        owner_id = form.cleaned_data.get("owner")
        owner = User.objects.filter(pk=owner_id, is_active=True).first() if owner_id else None
        return opportunities.create_opportunity(
            actor=self.request.user,
            customer=form.cleaned_data["customer"],
            values=form.values(),
            owner=owner,
            lines=forms.parse_lines(self.request.POST) or None,
        )

    def update(self, obj: Any, form: Any, version: int) -> Opportunity:
        values = form.values()
        if obj.lines.exists():
            values.pop("amount", None)
        return opportunities.update_opportunity(
            obj, actor=self.request.user, expected_version=version, changes=values
        )


class OpportunityDelete(generic.ObjectDeleteView):
    model = Opportunity
    url_prefix = "sales:opportunity"

    def delete(self, obj: Any) -> None:
        opportunities.delete_opportunity(obj, actor=self.request.user)


@login_required
@require_POST
@generic.as_http_errors
def opportunity_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a card (the board's drag or keyboard move, or the detail page's stage buttons).
    htmx/fetch callers get JSON; a plain form post is redirected back."""
    opportunity = get_visible(Opportunity, pk, request.user, CHANGE)
    form = forms.StageMoveForm(request.POST)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"detail": _("Choose a stage.")}, status=400)
        raise Http404
    try:
        moved = opportunities.move_stage(
            opportunity,
            actor=request.user,
            stage=form.cleaned_data["stage"],
            expected_version=form.cleaned_data.get("version"),
            lost_reason=form.cleaned_data.get("lost_reason", ""),
            competitor=form.cleaned_data.get("competitor", ""),
        )
    except StaleVersion as exc:
        if wants_json:
            return JsonResponse({"detail": str(exc), "version": exc.current_version}, status=409)
        messages.error(request, str(exc))
    except InvalidInput as exc:
        if wants_json:
            return JsonResponse(
                {
                    "detail": " ".join(m for v in exc.errors.values() for m in v),
                    "fields": exc.errors,
                },
                status=400,
            )
        _error_messages(request, exc)
    else:
        if wants_json:
            return JsonResponse(
                {
                    "id": moved.pk,
                    "stage": moved.stage_id,
                    "version": moved.version,
                    "outcome": moved.outcome,
                }
            )
        messages.success(request, _("Moved to %(stage)s.") % {"stage": moved.stage})
    back = request.POST.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("sales:opportunity_detail", args=[pk])
    return HttpResponseRedirect(back)


@login_required
@require_POST
@generic.as_http_errors
def opportunity_lines(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_visible(Opportunity, pk, request.user, CHANGE)
    try:
        opportunities.replace_lines(
            opportunity,
            actor=request.user,
            lines=forms.parse_lines(request.POST),
            expected_version=int(request.POST.get("version") or 0) or None,
        )
    except (InvalidInput, StaleVersion) as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Product lines saved."))
    return HttpResponseRedirect(reverse("sales:opportunity_detail", args=[pk]))


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The pipeline board (kanban): open opportunities by stage, plus the end states.

    A card moves by drag and drop, or by keyboard (focus a card, ← / → move it one stage);
    ``static/sales/board.js`` posts the move and reverts the card if it is refused.
    """
    pipeline_id = request.GET.get("pipeline", "")
    visible_pipelines = list(pipelines.Pipeline.objects.visible_to(request.user))
    pipeline = next(
        (p for p in visible_pipelines if str(p.pk) == pipeline_id), None
    ) or pipelines.pipeline_for(request.user)
    stages = pipelines.stages_of(pipeline)
    closed_since = clock.today() - dt.timedelta(days=30)
    cards = (
        Opportunity.objects.visible_to(request.user)
        .filter(pipeline=pipeline)
        .exclude(~Q(outcome=StageKind.OPEN), closed_on__lt=closed_since)
        .select_related("customer", "owner", "stage")
        .order_by("expected_close_date", "pk")
    )
    by_stage: dict[int, list[Opportunity]] = {s.pk: [] for s in stages}
    for card in cards:
        by_stage.setdefault(card.stage_id, []).append(card)
    columns = []
    for stage in stages:
        rows = by_stage.get(stage.pk, [])
        columns.append({"stage": stage, "cards": rows, "total": sum((c.amount for c in rows), 0)})
    return render(
        request,
        "sales/board.html",
        {
            "pipeline": pipeline,
            "pipelines": visible_pipelines,
            "columns": columns,
            "currency": currency(),
            "move_url": reverse("sales:opportunity_move", args=[0]).replace("/0/", "/{id}/"),
        },
    )


# ---------------------------------------------------------------- URLs of the generic pages

pages.PageSet(
    "sales", "opportunities", root="opportunities/", list=OpportunityList,
    detail=OpportunityDetail, edit=OpportunityEdit, delete=OpportunityDelete,
    restore=OpportunityRestore, bin=OpportunityBin,
)  # fmt: skip
