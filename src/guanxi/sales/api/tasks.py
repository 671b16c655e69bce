"""Tasks: the actions the declaration names (complete, log a communication record). List,
detail, create, PATCH, delete and restore are built by core from
``sales/resources_pipeline.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest

from guanxi.core.resources.api_routes import answer
from guanxi.core.resources.schemas import out_schema
from guanxi.core.scopes import CHANGE
from guanxi.core.services.records import get_visible
from guanxi.sales.api import router
from guanxi.sales.api.common import Strict, VersionIn
from guanxi.sales.models import Task
from guanxi.sales.resources_pipeline import TASKS
from guanxi.sales.services import tasks

TaskOut = out_schema(TASKS)


class LogActivityIn(Strict):
    kind: str = "call"
    subject: str | None = None
    outcome: str = ""
    next_step: str = ""
    occurred_at: dt.datetime | None = None
    next_contact_at: dt.datetime | None = None
    version: int | None = None


@router.post("/tasks/{int:task_id}/complete", response=TaskOut)
def complete_task(request: HttpRequest, task_id: int, payload: VersionIn) -> dict[str, Any]:
    t = get_visible(Task, task_id, request.user, CHANGE)
    done = tasks.complete_task(t, actor=request.user, expected_version=payload.version)
    return answer(TASKS, done, request.user)


@router.post(
    "/tasks/{int:task_id}/log-activity",
    response=TaskOut,
    summary="Log a communication record; completes the task",
)
def log_task_activity(request: HttpRequest, task_id: int, payload: LogActivityIn) -> dict[str, Any]:
    t = get_visible(Task, task_id, request.user, CHANGE)
    values = payload.model_dump(exclude_unset=True)
    version = values.pop("version", None)
    done = tasks.log_activity(t, actor=request.user, values=values, expected_version=version)
    return answer(TASKS, done, request.user)
