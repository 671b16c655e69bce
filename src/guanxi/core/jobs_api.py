"""API of job progress: one run (its owner or an administrator) and the caller's recent runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from guanxi.core.models.jobs import JobRun
from guanxi.core.resources import lists
from guanxi.core.services import job_runs
from guanxi.core.signed_in import signed_in_user

router = Router(tags=["platform"])


class JobOut(Schema):
    id: int
    name: str
    status: str
    done: int
    total: int
    percent: int | None
    message: str
    error: str
    result: dict[str, Any]
    batch_id: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class JobPage(Schema):
    items: list[JobOut]
    count: int
    page: int
    page_size: int


def job_out(run: JobRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "name": run.name,
        "status": run.status,
        "done": run.done,
        "total": run.total,
        "percent": run.percent,
        "message": run.message,
        "error": run.error,
        "result": run.result,
        "batch_id": run.batch_id,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
    }


@router.get("/jobs", response=JobPage, summary="The caller's recent background jobs")
def list_jobs(request: HttpRequest) -> dict[str, Any]:
    mine = job_runs.recent_runs(signed_in_user(request))
    runs = job_runs.JOB_RUN_FILTERS.apply(mine, request.GET)
    return lists.page(request, runs, job_out)


@router.get(
    "/jobs/{int:job_id}",
    response=JobOut,
    summary="Progress of a background job (its owner or an administrator; others 404)",
)
def get_job(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return job_out(job_runs.get_run(signed_in_user(request), job_id))
