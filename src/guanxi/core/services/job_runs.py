"""Who may read a job run's progress: the user who started it, or an administrator."""

from __future__ import annotations

from django.db.models import QuerySet

from guanxi.core.errors import RecordNotFound
from guanxi.core.filters import Filter, FilterSet
from guanxi.core.models.jobs import JobRun
from guanxi.core.models.org import User
from guanxi.core.services.org import can_manage_organisation

#: The recent-jobs list: newest first, filterable by status and job name.
JOB_RUN_FILTERS = FilterSet(
    filters={"status": Filter("status", many=True), "name": Filter("name")},
    sorts={"created": "created_at", "name": "name", "status": "status"},
    default_sort="-created",
)


def runs_visible_to(user: User) -> QuerySet[JobRun]:
    """Administrators see every run; everyone else the runs they started (never a scheduler's)."""
    runs = JobRun.objects.select_related("user")
    if can_manage_organisation(user):
        return runs
    return runs.filter(user=user)


def get_run(user: User, run_id: int) -> JobRun:
    """One run, or :class:`RecordNotFound` — the same for a missing run and someone else's."""
    run = runs_visible_to(user).filter(pk=run_id).first()
    if run is None:
        raise RecordNotFound(run_id)
    return run


def recent_runs(user: User) -> QuerySet[JobRun]:
    """The user's own runs (also for administrators: their list is about their work)."""
    return JobRun.objects.filter(user=user).select_related("user")
