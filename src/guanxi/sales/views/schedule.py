"""Schedule pages: tasks and appointments, completing and logging them, the calendar."""

from __future__ import annotations

import calendar as calendar_module
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core import clock
from guanxi.core.errors import InvalidInput, NotAllowed, StaleVersion
from guanxi.core.models import Department, User
from guanxi.core.resources import pages
from guanxi.core.scopes import CHANGE
from guanxi.core.services.audit import history
from guanxi.core.services.records import get_visible
from guanxi.core.views import generic
from guanxi.sales import forms
from guanxi.sales.models import (
    Task,
    TaskStatus,
)
from guanxi.sales.services import (
    tasks,
)
from guanxi.sales.views.bins import TaskBin, TaskRestore
from guanxi.sales.views.common import (
    SalesEdit,
    _error_messages,
)


class TaskList(generic.ObjectListView):
    model = Task
    url_prefix = "sales:task"
    resource = "tasks"
    list_name = "tasks"
    template_name = "sales/task_list.html"
    table_template = "sales/_task_table.html"
    select_related = ("customer",)

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


# ---------------------------------------------------------------- URLs of the generic pages

pages.PageSet(
    "sales", "tasks", root="tasks/", list=TaskList, detail=TaskDetail, edit=TaskEdit,
    delete=TaskDelete, restore=TaskRestore, bin=TaskBin,
)  # fmt: skip
