"""The job layer: idempotent daily jobs driven by a controllable clock."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from guanxi.core import clock, jobs
from guanxi.core.models import JobRun


def test_daily_job_runs_once_per_day_even_if_scheduled_twice(db):
    store = SessionStore()
    store.create()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(days=1)
    )
    with clock.frozen(dt.datetime(2026, 3, 1, 3, 0)):
        first = jobs.run_daily("core.purge_expired_sessions")
        second = jobs.run_daily("core.purge_expired_sessions")
    assert first == {"sessions": 1, "attempts": 0, "day": "2026-03-01"}
    assert second is None  # claimed already: a second machine does nothing
    with clock.frozen(dt.datetime(2026, 3, 2, 3, 0)):
        assert jobs.run_daily("core.purge_expired_sessions")["day"] == "2026-03-02"
    assert JobRun.objects.filter(name="core.purge_expired_sessions").count() == 2


def test_claim_is_exclusive(db):
    assert jobs.claim("x", "k") is True
    assert jobs.claim("x", "k") is False


def test_registered_daily_jobs_are_known_to_the_scheduler():
    assert "core.purge_expired_sessions" in jobs.daily_job_names()
    periodic = {t.__name__ for t in jobs.get_huey()._registry._periodic_tasks}
    assert "core.purge_expired_sessions" in periodic


def test_background_tasks_run_inline_in_tests(db):
    calls = []

    def remember(value):
        calls.append(value)
        return value * 2

    task = jobs.background(remember)
    result = task(21)
    assert calls == [21]
    assert result() == 42
