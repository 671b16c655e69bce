"""Periodic jobs: daily ones (once per local date) and interval ones (once per N-minute slot).

A module registers them from its ``tasks`` module; each becomes a Huey periodic task whose run
is keyed by its period (the date, or the slot's start in UTC), so two machines running the same
schedule do the work once. The job function takes its period, so tests call ``run_daily`` or
``run_interval`` inside ``clock.frozen(...)`` and get what the scheduler would do.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from huey import crontab

from guanxi.core import clock
from guanxi.core.jobs.leases import DEFAULT_TTL, acquire, run_once, stopped_message
from guanxi.core.jobs.queue import get_huey
from guanxi.core.models.jobs import JobRun

JobFunc = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class PeriodicJob:
    """A registered job: its function and how a run's key maps to the period it covers."""

    name: str
    func: JobFunc
    minutes: int | None  # None: daily
    ttl: dt.timedelta

    def key_at(self, now: dt.datetime) -> str:
        if self.minutes is None:
            return timezone.localdate(now).isoformat()
        return slot_start(now, self.minutes).isoformat()

    def period(self, key: str) -> dt.date | dt.datetime:
        if self.minutes is None:
            return dt.date.fromisoformat(key)
        return dt.datetime.fromisoformat(key)

    def run(self, key: str) -> dict[str, Any] | None:
        return run_once(self.name, key, lambda lease: self.func(self.period(key)), ttl=self.ttl)


_jobs: dict[str, PeriodicJob] = {}


def _epoch_minutes(at: dt.datetime) -> int:
    if at.tzinfo is None:  # Huey hands the scheduler naive UTC times (utc=True)
        at = at.replace(tzinfo=dt.UTC)
    return int(at.timestamp()) // 60


def slot_start(at: dt.datetime, minutes: int) -> dt.datetime:
    """Start (UTC) of the ``minutes``-long slot holding ``at``; slots are counted from the epoch,
    so every machine agrees on them whatever its clock's time zone."""
    epoch = _epoch_minutes(at)
    return dt.datetime.fromtimestamp((epoch - epoch % minutes) * 60, tz=dt.UTC)


def _register(job: PeriodicJob, validate: Callable[[dt.datetime], bool]) -> None:
    if job.name in _jobs and _jobs[job.name].func is not job.func:
        raise ValueError(f"job {job.name!r} is registered twice")
    _jobs[job.name] = job

    @functools.wraps(job.func)
    def scheduled() -> dict[str, Any] | None:
        return job.run(job.key_at(clock.now()))

    get_huey().periodic_task(validate, name=job.name)(scheduled)


def daily(
    name: str, *, hour: int = 2, minute: int = 0, ttl: dt.timedelta = DEFAULT_TTL
) -> Callable[[JobFunc], JobFunc]:
    """Register a daily job: ``func(day)`` runs once per local date, keyed by that date."""

    def register(func: JobFunc) -> JobFunc:
        _register(PeriodicJob(name, func, None, ttl), crontab(hour=str(hour), minute=str(minute)))
        return func

    return register


def every(
    name: str, *, minutes: int, ttl: dt.timedelta = DEFAULT_TTL
) -> Callable[[JobFunc], JobFunc]:
    """Register an interval job: ``func(slot)`` runs once per ``minutes``-long slot, keyed by
    the slot's start. The scheduler fires it at each slot's first minute."""
    if not 1 <= minutes <= 24 * 60:
        raise ValueError("an interval job runs every 1 to 1440 minutes")

    def on_slot_start(at: dt.datetime) -> bool:
        return _epoch_minutes(at) % minutes == 0

    def register(func: JobFunc) -> JobFunc:
        _register(PeriodicJob(name, func, minutes, ttl), on_slot_start)
        return func

    return register


def run_daily(name: str) -> dict[str, Any] | None:
    job = _jobs[name]
    return job.run(job.key_at(clock.now()))


def run_interval(name: str) -> dict[str, Any] | None:
    job = _jobs[name]
    if job.minutes is None:
        raise ValueError(f"{name!r} is a daily job")
    return job.run(job.key_at(clock.now()))


def daily_job_names() -> list[str]:
    return sorted(n for n, j in _jobs.items() if j.minutes is None)


def interval_job_names() -> dict[str, int]:
    """Interval jobs and their interval in minutes."""
    return {n: j.minutes for n, j in sorted(_jobs.items()) if j.minutes is not None}


def recover_stalled_runs(limit: int = 100) -> dict[str, int]:
    """Take over runs whose lease expired (their worker died): a periodic job's run is done
    again for the same period; any other run (a request's import …) is marked failed, and the
    batch it left with it (``acquire`` does that on take-over)."""
    stalled = JobRun.objects.filter(
        status=JobRun.Status.RUNNING, lease_expires_at__lt=clock.now()
    ).values_list("name", "key")[:limit]
    rerun = failed = 0
    for name, key in list(stalled):
        job = _jobs.get(name)
        if job is not None:
            rerun += job.run(key) is not None
            continue
        lease = acquire(name, key)
        if lease is not None and lease.fail(stopped_message()):
            failed += 1
    return {"rerun": rerun, "failed": failed}
