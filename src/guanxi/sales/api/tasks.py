"""Schedules: tasks and appointments, completing them, logging an activity from one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema

from guanxi.core import clock
from guanxi.core.api import paginate
from guanxi.core.scopes import CHANGE
from guanxi.core.services.records import get_visible
from guanxi.core.signed_in import signed_in_user
from guanxi.sales import filters
from guanxi.sales.api import router
from guanxi.sales.api.common import (
    PageInfo,
    Strict,
    VersionIn,
    _etag,
    _name,
    _set,
    _user,
    _version,
)
from guanxi.sales.models import (
    Task,
)
from guanxi.sales.services import (
    tasks,
)


class TaskOut(Schema):
    id: int
    kind: str
    subject: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    location: str
    status: str
    overdue: bool
    done_at: dt.datetime | None
    notes: str
    customer: int | None
    contact: int | None
    lead: int | None
    opportunity: int | None
    activity: int | None
    owner: int | None
    owner_name: str
    version: int

    @staticmethod
    def of(t: Task) -> dict[str, Any]:
        start_of_today = tasks.day_bounds(clock.today())[0]
        return {
            "id": t.pk,
            "kind": t.kind,
            "subject": t.subject,
            "starts_at": t.starts_at,
            "ends_at": t.ends_at,
            "location": t.location,
            "status": t.status,
            "overdue": t.status == "open" and t.starts_at < start_of_today,
            "done_at": t.done_at,
            "notes": t.notes,
            "customer": t.customer_id,
            "contact": t.contact_id,
            "lead": t.lead_id,
            "opportunity": t.opportunity_id,
            "activity": t.activity_id,
            "owner": t.owner_id,
            "owner_name": _name(t.owner),
            "version": t.version,
        }


class TaskIn(Strict):
    subject: str
    starts_at: dt.datetime
    kind: str = "task"
    ends_at: dt.datetime | None = None
    location: str = ""
    notes: str = ""
    customer: int | None = None
    contact: int | None = None
    lead: int | None = None
    opportunity: int | None = None
    owner: int | None = None


class TaskPatch(Strict):
    subject: str | None = None
    starts_at: dt.datetime | None = None
    kind: str | None = None
    ends_at: dt.datetime | None = None
    location: str | None = None
    notes: str | None = None
    customer: int | None = None
    contact: int | None = None
    lead: int | None = None
    opportunity: int | None = None
    version: int | None = None


class LogActivityIn(Strict):
    kind: str = "call"
    subject: str | None = None
    outcome: str = ""
    next_step: str = ""
    occurred_at: dt.datetime | None = None
    next_contact_at: dt.datetime | None = None
    version: int | None = None


class TaskPage(PageInfo):
    items: list[TaskOut]


@router.get("/tasks", response=TaskPage)
def list_tasks(request: HttpRequest) -> dict[str, Any]:
    user = signed_in_user(request)
    rows, info = paginate(
        request, Task.objects.visible_to(user).select_related("owner"), filters.TASK_FILTERS
    )
    return {**info, "items": [TaskOut.of(t) for t in rows]}


@router.get("/tasks/{task_id}", response=TaskOut)
def get_task(request: HttpRequest, task_id: int, response: HttpResponse) -> dict[str, Any]:
    user = signed_in_user(request)
    t = get_visible(Task, task_id, user)
    _etag(response, t.version)
    return TaskOut.of(t)


@router.post("/tasks", response={201: TaskOut})
def create_task(request: HttpRequest, payload: TaskIn) -> tuple[int, dict[str, Any]]:
    user = signed_in_user(request)
    values = _set(payload)
    owner = _user(values.pop("owner", None))
    return 201, TaskOut.of(tasks.create_task(actor=user, values=values, owner=owner))


@router.patch("/tasks/{task_id}", response=TaskOut)
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> dict[str, Any]:
    user = signed_in_user(request)
    t = get_visible(Task, task_id, user, CHANGE)
    values = _set(payload)
    version = _version(request, values)
    return TaskOut.of(tasks.update_task(t, actor=user, expected_version=version, changes=values))


@router.delete("/tasks/{task_id}", response={204: None})
def delete_task(request: HttpRequest, task_id: int) -> tuple[int, None]:
    user = signed_in_user(request)
    tasks.delete_task(get_visible(Task, task_id, user, CHANGE), actor=user)
    return 204, None


@router.post("/tasks/{task_id}/complete", response=TaskOut)
def complete_task(request: HttpRequest, task_id: int, payload: VersionIn) -> dict[str, Any]:
    user = signed_in_user(request)
    t = get_visible(Task, task_id, user, CHANGE)
    return TaskOut.of(tasks.complete_task(t, actor=user, expected_version=payload.version))


@router.post(
    "/tasks/{task_id}/log-activity",
    response=TaskOut,
    summary="Log a communication record; completes the task",
)
def log_task_activity(request: HttpRequest, task_id: int, payload: LogActivityIn) -> dict[str, Any]:
    user = signed_in_user(request)
    t = get_visible(Task, task_id, user, CHANGE)
    values = _set(payload)
    version = values.pop("version", None)
    return TaskOut.of(tasks.log_activity(t, actor=user, values=values, expected_version=version))
