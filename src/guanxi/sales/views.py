"""Sales pages: declarations on the generic views, plus the board, calendar, conversion,
order actions, receivables, reports and import. Thin: parse, call a service, render."""

from __future__ import annotations

import calendar as calendar_module
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core import clock, exports
from guanxi.core.errors import InvalidInput, NotAllowed, StaleVersion
from guanxi.core.models import Department, User
from guanxi.core.scopes import CHANGE, VIEW, effective_scope
from guanxi.core.services.audit import history
from guanxi.core.services.records import get_visible
from guanxi.core.views import generic
from guanxi.sales import filters, forms
from guanxi.sales.models import (
    InstalmentStatus,
    Lead,
    LeadStatus,
    Opportunity,
    Order,
    OrderStatus,
    Payment,
    Product,
    Stage,
    StageHistory,
    StageKind,
    Task,
    TaskStatus,
    may_edit_catalogue,
)
from guanxi.sales.services import (
    importing,
    leads,
    opportunities,
    orders,
    payments,
    pipelines,
    products,
    receivables,
    reports,
    tasks,
)
from guanxi.sales.services.common import currency


def _error_messages(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, InvalidInput):
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.error(request, str(exc))


class SalesEdit(generic.ObjectEditView):
    """Create and edit of owned sales records: a user without any sales change scope is refused
    before the form is shown (403), not only when saving."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (
            request.user.is_authenticated
            and effective_scope(request.user, "sales", CHANGE) == "none"
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# ---------------------------------------------------------------- products


class ProductList(generic.ObjectListView):
    model = Product
    url_prefix = "sales:product"
    filterset = filters.PRODUCT_FILTERS
    list_name = "products"
    template_name = "sales/product_list.html"
    table_template = "sales/_product_table.html"
    select_related = ("category",)
    export_filename = "products"

    @staticmethod
    def export(queryset: Any, fmt: str) -> bytes:  # type: ignore[override]
        headers = [
            _("product code"),
            _("name"),
            _("English name"),
            _("category"),
            _("unit"),
            _("list price"),
            _("cost"),
            _("active"),
        ]
        rows = (
            [
                p.code,
                p.name,
                p.name_en,
                p.category.name if p.category_id else "",
                p.unit,
                p.list_price,
                p.cost,
                p.active,
            ]
            for p in queryset
        )
        return exports.write(fmt, headers, rows, "products")

    def extra_context(self) -> dict[str, Any]:
        return {"can_edit": may_edit_catalogue(self.request.user)}


class ProductEdit(generic.ObjectEditView):
    model = Product
    url_prefix = "sales:product"
    form_class = forms.ProductForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may_edit_catalogue(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def create(self, form: Any) -> Product:
        return products.create_product(actor=self.request.user, values=form.values())

    def update(self, obj: Any, form: Any, version: int) -> Product:
        return products.update_product(
            obj, actor=self.request.user, expected_version=version, changes=form.values()
        )

    def success_url(self, obj: Any) -> str:
        return reverse("sales:product_list")


class ProductDelete(generic.ObjectDeleteView):
    model = Product
    url_prefix = "sales:product"

    def delete(self, obj: Any) -> None:
        products.delete_product(obj, actor=self.request.user)


# ---------------------------------------------------------------- leads


class LeadList(generic.ObjectListView):
    model = Lead
    url_prefix = "sales:lead"
    filterset = filters.LEAD_FILTERS
    list_name = "leads"
    template_name = "sales/lead_list.html"
    table_template = "sales/_lead_table.html"
    select_related = ("owner",)
    export_filename = "leads"

    @staticmethod
    def export(queryset: Any, fmt: str) -> bytes:  # type: ignore[override]
        headers = [
            _("company"),
            _("contact person"),
            _("phone"),
            _("email"),
            _("source"),
            _("status"),
            _("estimated value"),
            _("owner"),
            _("created"),
        ]
        rows = (
            [
                x.company,
                x.contact_name,
                x.phone,
                x.email,
                x.get_source_display(),
                x.get_status_display(),
                x.estimated_value,
                str(x.owner or ""),
                x.created_at,
            ]
            for x in queryset
        )
        return exports.write(fmt, headers, rows, "leads")

    def extra_context(self) -> dict[str, Any]:
        return {
            "statuses": LeadStatus.choices,
            "assign_form": forms.AssignForm(user=self.request.user),
            "can_change": effective_scope(self.request.user, "sales", CHANGE) != "none",
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


# ---------------------------------------------------------------- opportunities


class OpportunityList(generic.ObjectListView):
    model = Opportunity
    url_prefix = "sales:opportunity"
    filterset = filters.OPPORTUNITY_FILTERS
    list_name = "opportunities"
    template_name = "sales/opportunity_list.html"
    table_template = "sales/_opportunity_table.html"
    select_related = ("customer", "stage", "owner")
    export_filename = "opportunities"

    @staticmethod
    def export(queryset: Any, fmt: str) -> bytes:  # type: ignore[override]
        headers = [
            _("name"),
            _("customer"),
            _("stage"),
            _("win probability (%)"),
            _("amount"),
            _("expected close date"),
            _("owner"),
            _("outcome"),
        ]
        rows = (
            [
                o.name,
                o.customer.name,
                o.stage.name,
                o.stage.probability,
                o.amount,
                o.expected_close_date,
                str(o.owner or ""),
                o.get_outcome_display(),
            ]
            for o in queryset
        )
        return exports.write(fmt, headers, rows, "opportunities")

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


# ---------------------------------------------------------------- tasks and calendar


class TaskList(generic.ObjectListView):
    model = Task
    url_prefix = "sales:task"
    filterset = filters.TASK_FILTERS
    list_name = "tasks"
    template_name = "sales/task_list.html"
    table_template = "sales/_task_table.html"
    select_related = ("owner", "customer")

    def extra_context(self) -> dict[str, Any]:
        return {
            "statuses": TaskStatus.choices,
            "start_of_today": tasks.day_bounds(clock.today())[0],
        }


class TaskEdit(SalesEdit):
    model = Task
    url_prefix = "sales:task"
    form_class = forms.TaskForm

    def get_form(self, obj: Any, data: Any = None) -> Any:
        initial: dict[str, Any] = {}
        for name in ("customer", "opportunity", "lead"):
            if obj is None and self.request.GET.get(name, "").isdigit():
                initial[name] = int(self.request.GET[name])
        if obj is None:
            initial.setdefault(
                "starts_at",
                timezone.localtime(clock.now()).replace(minute=0, second=0, microsecond=0)
                + dt.timedelta(hours=1),
            )
        return self.form_class(data, instance=obj, user=self.request.user, initial=initial)

    def create(self, form: Any) -> Task:
        return tasks.create_task(actor=self.request.user, values=form.values())

    def update(self, obj: Any, form: Any, version: int) -> Task:
        return tasks.update_task(
            obj, actor=self.request.user, expected_version=version, changes=form.values()
        )

    def success_url(self, obj: Any) -> str:
        return reverse("sales:task_list")


class TaskDelete(generic.ObjectDeleteView):
    model = Task
    url_prefix = "sales:task"

    def delete(self, obj: Any) -> None:
        tasks.delete_task(obj, actor=self.request.user)


class TaskDetail(generic.ObjectDetailView):
    model = Task
    url_prefix = "sales:task"
    template_name = "sales/task_detail.html"

    def extra_context(self, obj: Any) -> dict[str, Any]:
        return {
            "log_form": forms.LogActivityForm(initial={"subject": obj.subject}),
            "history": history(obj)[:20],
        }


@login_required
@require_POST
@generic.as_http_errors
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible(Task, pk, request.user, CHANGE)
    try:
        tasks.complete_task(
            task, actor=request.user, expected_version=int(request.POST.get("version") or 0) or None
        )
    except (InvalidInput, StaleVersion) as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Task completed."))
    return HttpResponseRedirect(reverse("sales:task_detail", args=[pk]))


@login_required
@require_POST
@generic.as_http_errors
def task_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a communication record from a task; the task is completed with it."""
    task = get_visible(Task, pk, request.user, CHANGE)
    form = forms.LogActivityForm(request.POST)
    if form.is_valid():
        try:
            tasks.log_activity(task, actor=request.user, values=form.cleaned_data)
        except (InvalidInput, StaleVersion, NotAllowed) as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, _("Communication record logged; the task is done."))
    return HttpResponseRedirect(reverse("sales:task_detail", args=[pk]))


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """Tasks and appointments by day, week or month, for one user or a team (department) —
    always within the viewer's scope."""
    view = request.GET.get("view", "week")
    if view not in {"day", "week", "month"}:
        view = "week"
    try:
        anchor = (
            dt.date.fromisoformat(request.GET.get("date", ""))
            if request.GET.get("date")
            else clock.today()
        )
    except ValueError:
        anchor = clock.today()
    if view == "day":
        start, end = anchor, anchor + dt.timedelta(days=1)
        previous, following = anchor - dt.timedelta(days=1), end
    elif view == "week":
        start = anchor - dt.timedelta(days=anchor.weekday())
        end = start + dt.timedelta(days=7)
        previous, following = start - dt.timedelta(days=7), end
    else:
        start = anchor.replace(day=1)
        days = calendar_module.monthrange(start.year, start.month)[1]
        end = start + dt.timedelta(days=days)
        previous, following = (start - dt.timedelta(days=1)).replace(day=1), end
    rows = Task.objects.visible_to(request.user).exclude(status=TaskStatus.CANCELLED)
    user_id, team_id = request.GET.get("user", ""), request.GET.get("team", "")
    if user_id.isdigit():
        rows = rows.filter(owner_id=int(user_id))
    elif team_id.isdigit():
        rows = rows.filter(department_id=int(team_id))
    elif not request.GET.get("all"):
        rows = rows.filter(owner=request.user)
    items = list(
        tasks.in_range(rows, start, end).select_related("owner", "customer").order_by("starts_at")
    )
    by_day: dict[dt.date, list[Task]] = {}
    for item in items:
        by_day.setdefault(timezone.localdate(item.starts_at), []).append(item)
    days_list = [start + dt.timedelta(days=i) for i in range((end - start).days)]
    # The month grid runs Monday to Sunday, padded with the neighbouring months' days.
    grid_start = start - dt.timedelta(days=start.weekday())
    grid_days = (end - grid_start).days
    grid = [grid_start + dt.timedelta(days=i) for i in range(grid_days + (-grid_days) % 7)]
    weeks = [grid[i : i + 7] for i in range(0, len(grid), 7)]
    return render(
        request,
        "sales/calendar.html",
        {
            "view": view,
            "start": start,
            "end": end - dt.timedelta(days=1),
            "previous": previous,
            "following": following,
            "days": [(d, by_day.get(d, [])) for d in days_list],
            "weeks": weeks,
            "month_start": start,
            "today": clock.today(),
            "users": User.objects.filter(is_active=True).order_by("username"),
            "teams": Department.objects.all(),
            "params": request.GET,
        },
    )


# ---------------------------------------------------------------- orders and payments


class OrderList(generic.ObjectListView):
    model = Order
    url_prefix = "sales:order"
    filterset = filters.ORDER_FILTERS
    list_name = "orders"
    template_name = "sales/order_list.html"
    table_template = "sales/_order_table.html"
    select_related = ("customer", "owner")
    export_filename = "orders"

    @staticmethod
    def export(queryset: Any, fmt: str) -> bytes:  # type: ignore[override]
        headers = [
            _("order number"),
            _("customer"),
            _("order date"),
            _("status"),
            _("total"),
            _("contract number"),
            _("contract end"),
            _("owner"),
        ]
        rows = (
            [
                o.number,
                o.customer.name,
                o.order_date,
                o.get_status_display(),
                o.total,
                o.contract_number,
                o.contract_end,
                str(o.owner or ""),
            ]
            for o in queryset
        )
        return exports.write(fmt, headers, rows, "orders")

    def extra_context(self) -> dict[str, Any]:
        return {"statuses": OrderStatus.choices, "currency": currency()}


class OrderDetail(generic.ObjectDetailView):
    model = Order
    url_prefix = "sales:order"
    template_name = "sales/order_detail.html"

    def extra_context(self, obj: Any) -> dict[str, Any]:
        today = clock.today()
        instalments = list(obj.instalments.all())
        paid = orders.paid_total(obj)
        return {
            "lines": obj.lines.select_related("product"),
            "instalments": [(i, InstalmentStatus(i.status_on(today)).label) for i in instalments],
            "payments": Payment.objects.visible_to(self.request.user)
            .filter(order=obj)
            .select_related("owner"),
            "paid": paid,
            "outstanding": obj.total - paid,
            "currency": currency(),
            "history": history(obj)[:50],
            "products": forms.product_choices(),
            "line_rows": range(forms.LINE_ROWS),
            "instalment_form": forms.InstalmentForm(
                initial={"due_date": today + dt.timedelta(days=30)}
            ),
            "payment_form": forms.PaymentForm(order=obj, initial={"received_on": today}),
            "deal_date": orders.deal_date(obj.customer),
        }


class OrderEdit(SalesEdit):
    model = Order
    url_prefix = "sales:order"
    form_class = forms.OrderForm
    template_name = "sales/lines_form.html"

    def get_form(self, obj: Any, data: Any = None) -> Any:
        initial: dict[str, Any] = {"order_date": clock.today()} if obj is None else {}
        if obj is None and self.request.GET.get("customer", "").isdigit():
            initial["customer"] = int(self.request.GET["customer"])
        return self.form_class(data, instance=obj, user=self.request.user, initial=initial)

    def render_form(self, form: Any, obj: Any, status: int = 200, **extra: Any) -> HttpResponse:
        if obj is None:
            extra.setdefault("products", forms.product_choices())
            extra.setdefault("line_rows", range(forms.LINE_ROWS))
            opportunity_id = self.request.GET.get("opportunity", "") or self.request.POST.get(
                "opportunity", ""
            )
            extra.setdefault("opportunity_id", opportunity_id if opportunity_id.isdigit() else "")
        return super().render_form(form, obj, status, **extra)

    def post(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        opportunity_id = request.POST.get("opportunity", "")
        if pk is None and opportunity_id.isdigit():
            opportunity = get_visible(Opportunity, opportunity_id, request.user)
            try:
                order = orders.create_order(
                    actor=request.user,
                    opportunity=opportunity,
                    values={"order_date": clock.today()},
                )
            except InvalidInput as exc:
                _error_messages(request, exc)
                return HttpResponseRedirect(
                    reverse("sales:opportunity_detail", args=[opportunity.pk])
                )
            messages.success(request, _("%(name)s created.") % {"name": order})
            return HttpResponseRedirect(reverse("sales:order_detail", args=[order.pk]))
        return super().post(request, pk)

    def create(self, form: Any) -> Order:
        return orders.create_order(
            actor=self.request.user,
            customer=form.cleaned_data["customer"],
            values=form.values(),
            lines=forms.parse_lines(self.request.POST),
        )

    def update(self, obj: Any, form: Any, version: int) -> Order:
        return orders.update_order(
            obj, actor=self.request.user, expected_version=version, changes=form.values()
        )


class OrderDelete(generic.ObjectDeleteView):
    model = Order
    url_prefix = "sales:order"

    def delete(self, obj: Any) -> None:
        orders.delete_order(obj, actor=self.request.user)


ORDER_ACTIONS = {"confirm", "deliver", "cancel", "lines", "instalment", "payment"}


@login_required
@require_POST
@generic.as_http_errors
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The order page's buttons: confirm, deliver, cancel, lines, add an instalment, record a
    payment. Each runs one service; refusals come back as messages."""
    if action not in ORDER_ACTIONS:
        raise Http404
    order = get_visible(Order, pk, request.user, VIEW if action == "payment" else CHANGE)
    version = int(request.POST.get("version") or 0) or None
    try:
        if action == "confirm":
            orders.confirm_order(order, actor=request.user, expected_version=version)
            messages.success(request, _("Order confirmed."))
        elif action == "deliver":
            orders.deliver_order(order, actor=request.user, expected_version=version)
            messages.success(request, _("Order delivered."))
        elif action == "cancel":
            orders.cancel_order(
                order,
                actor=request.user,
                reason=request.POST.get("reason", ""),
                expected_version=version,
            )
            messages.success(request, _("Order cancelled."))
        elif action == "lines":
            orders.replace_lines(
                order,
                actor=request.user,
                lines=forms.parse_lines(request.POST),
                expected_version=version,
            )
            messages.success(request, _("Lines saved."))
        elif action == "instalment":
            form = forms.InstalmentForm(request.POST)
            if not form.is_valid():
                raise InvalidInput({k: [str(e) for e in v] for k, v in form.errors.items()})
            orders.add_instalment(order, actor=request.user, values=form.cleaned_data)
            messages.success(request, _("Instalment added."))
        else:
            form = forms.PaymentForm(request.POST, order=order)
            if not form.is_valid():
                raise InvalidInput({k: [str(e) for e in v] for k, v in form.errors.items()})
            payments.record_payment(actor=request.user, order=order, values=form.cleaned_data)
            messages.success(request, _("Payment recorded."))
    except (InvalidInput, StaleVersion) as exc:
        _error_messages(request, exc)
    return HttpResponseRedirect(reverse("sales:order_detail", args=[pk]))


class PaymentList(generic.ObjectListView):
    model = Payment
    url_prefix = "sales:payment"
    filterset = filters.PAYMENT_FILTERS
    list_name = "payments"
    template_name = "sales/payment_list.html"
    table_template = "sales/_payment_table.html"
    select_related = ("order", "customer", "owner")
    export_filename = "payments"

    @staticmethod
    def export(queryset: Any, fmt: str) -> bytes:  # type: ignore[override]
        headers = [
            _("date received"),
            _("order"),
            _("customer"),
            _("amount"),
            _("method"),
            _("reference"),
            _("status"),
        ]
        rows = (
            [
                p.received_on,
                p.order.number,
                p.customer.name,
                p.amount,
                p.get_method_display(),
                p.reference,
                p.get_status_display(),
            ]
            for p in queryset
        )
        return exports.write(fmt, headers, rows, "payments")

    def extra_context(self) -> dict[str, Any]:
        return {"currency": currency()}


@login_required
@require_POST
@generic.as_http_errors
def payment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_visible(Payment, pk, request.user, CHANGE)
    try:
        payments.reverse_payment(payment, actor=request.user, reason=request.POST.get("reason", ""))
    except (InvalidInput, StaleVersion) as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Payment reversed."))
    return HttpResponseRedirect(reverse("sales:order_detail", args=[payment.order_id]))


@login_required
def receivables_page(request: HttpRequest) -> HttpResponse:
    """Accounts receivable with ageing buckets, over the orders the user may see."""
    ageing = receivables.receivables(Order.objects.visible_to(request.user))
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in exports.CONTENT_TYPES:
            raise Http404
        headers = [
            _("order"),
            _("customer"),
            _("instalment"),
            _("due date"),
            _("days overdue"),
            _("ageing"),
            _("open amount"),
        ]
        labels = dict(receivables.BUCKETS)
        rows = (
            [
                r.order.number,
                r.order.customer.name,
                r.instalment.number if r.instalment else "",
                r.due_date,
                r.days_overdue,
                str(labels[r.bucket]),
                r.amount,
            ]
            for r in ageing.rows
        )
        return exports.file_response(
            exports.write(fmt, headers, rows, "receivables"), f"receivables.{fmt}", fmt
        )
    return render(
        request,
        "sales/receivables.html",
        {"ageing": ageing, "buckets": ageing.buckets(), "currency": currency()},
    )


# ---------------------------------------------------------------- reports


@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    return render(request, "sales/reports.html", {"reports": reports.REPORTS.values()})


@login_required
def report_page(request: HttpRequest, name: str) -> HttpResponse:
    """One report: a table, an SVG bar chart drawn by ``static/sales/charts.js`` from data handed
    over with json_script (no inline script), and CSV/XLSX export."""
    if name not in reports.REPORTS:
        raise Http404
    try:
        result = reports.run(name, request.user, request.GET)
    except InvalidInput as exc:
        return render(
            request,
            "sales/report.html",
            {"errors": exc.errors, "spec": reports.REPORTS[name], "params": request.GET},
            status=400,
        )
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in exports.CONTENT_TYPES:
            raise Http404
        content = exports.write(fmt, [str(c) for c in result.columns], result.rows, name)
        return exports.file_response(content, f"{name}-{result.start}-{result.end}.{fmt}", fmt)
    chart = {
        "labels": [str(row[result.chart_label]) for row in result.rows],
        "series": [
            {"name": str(result.columns[i]), "values": [float(row[i] or 0) for row in result.rows]}
            for i in result.chart_values
        ],
    }
    return render(
        request,
        "sales/report.html",
        {
            "report": result,
            "spec": reports.REPORTS[name],
            "chart": chart,
            "params": request.GET,
            "currency": currency(),
        },
    )


# ---------------------------------------------------------------- import


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    if effective_scope(request.user, "sales", CHANGE) == "none":
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importing.import_orders(
                upload.read(),
                filename=upload.name,
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
        except InvalidInput as exc:
            for errors in exc.errors.values():
                for error in errors:
                    form.add_error("file", error)
    status = 400 if result is not None and result.errors and not result.written else 200
    return render(request, "sales/import.html", {"form": form, "result": result}, status=status)


@login_required
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in exports.CONTENT_TYPES:
        raise Http404
    return exports.file_response(importing.template_file(fmt), f"orders-template.{fmt}", fmt)


@login_required
def import_errors(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The error file of one of the user's own order-import batches."""
    from guanxi.core.models import ImportBatch

    batch = ImportBatch.objects.filter(pk=pk, actor=request.user, kind="orders").first()
    if batch is None or fmt not in exports.CONTENT_TYPES:
        raise Http404
    return exports.file_response(
        importing.error_file_from_batch(batch, fmt), f"orders-import-{batch.pk}-errors.{fmt}", fmt
    )


# ---------------------------------------------------------------- recycle bins


class LeadBin(generic.RecycleBinView):
    model = Lead
    url_prefix = "sales:lead"


class LeadRestore(generic.ObjectRestoreView):
    model = Lead
    url_prefix = "sales:lead"

    def restore(self, obj: Any) -> None:
        leads.restore_lead(obj, actor=self.request.user)


class OpportunityBin(generic.RecycleBinView):
    model = Opportunity
    url_prefix = "sales:opportunity"


class OpportunityRestore(generic.ObjectRestoreView):
    model = Opportunity
    url_prefix = "sales:opportunity"

    def restore(self, obj: Any) -> None:
        opportunities.restore_opportunity(obj, actor=self.request.user)


class TaskBin(generic.RecycleBinView):
    model = Task
    url_prefix = "sales:task"


class TaskRestore(generic.ObjectRestoreView):
    model = Task
    url_prefix = "sales:task"

    def restore(self, obj: Any) -> None:
        tasks.restore_task(obj, actor=self.request.user)


class OrderBin(generic.RecycleBinView):
    model = Order
    url_prefix = "sales:order"


class OrderRestore(generic.ObjectRestoreView):
    model = Order
    url_prefix = "sales:order"

    def restore(self, obj: Any) -> None:
        orders.restore_order(obj, actor=self.request.user)
