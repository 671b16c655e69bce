"""The platform's own periodic jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sessions.models import Session
from django.utils import timezone

from guanxi.core import jobs


@jobs.daily("core.purge_expired_sessions", hour=3)
def purge_expired_sessions(day: dt.date) -> dict[str, Any]:
    """Delete expired database sessions and old login-failure records (idempotent)."""
    from axes.models import AccessAttempt

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    cutoff = timezone.now() - dt.timedelta(days=30)
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    return {"sessions": deleted, "attempts": attempts, "day": day.isoformat()}


@jobs.every("core.recover_stalled_jobs", minutes=5)
def recover_stalled_jobs(slot: dt.datetime) -> dict[str, Any]:
    """Take over runs whose worker died (lease expired): redo periodic ones, fail the rest."""
    return {**jobs.recover_stalled_runs(), "slot": slot.isoformat()}
