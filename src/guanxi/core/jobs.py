"""The background job layer: Huey behind a few small functions.

Storage comes from settings: SQLite in the demo (the consumer is started by ``guanxi demo``
itself), Redis in production (``guanxi worker`` on any number of machines), in memory and run
inline during tests. Every job is idempotent: a periodic job first claims its period key in the
``JobRun`` table, whose unique constraint makes a second run — on this machine or another — a
no-op, so the same schedule can safely run on two machines at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from huey import crontab
from huey.api import Huey

from guanxi.core import clock

_huey: Huey | None = None


def get_huey() -> Huey:
    global _huey
    if _huey is None:
        _huey = _make_huey()
    return _huey


def _make_huey() -> Huey:
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    if settings.HUEY_STORAGE == "memory":
        return MemoryHuey("guanxi", immediate=True, utc=True)
    if settings.HUEY_STORAGE == "redis":
        return RedisHuey("guanxi", url=settings.REDIS_URL, utc=True)
    settings.HUEY_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("guanxi", filename=str(settings.HUEY_SQLITE_PATH), utc=True)


def claim(name: str, key: str) -> bool:
    """Claim run ``key`` of job ``name``; False if it already ran (here or on another machine)."""
    from guanxi.core.models.jobs import JobRun

    try:
        with transaction.atomic():
            JobRun.objects.create(name=name, key=key)
    except IntegrityError:
        return False
    return True


def finish(name: str, key: str, result: dict[str, Any]) -> None:
    from guanxi.core.models.jobs import JobRun

    JobRun.objects.filter(name=name, key=key).update(finished_at=timezone.now(), result=result)


def run_once(name: str, key: str, func: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    """Run ``func`` for ``key`` unless a run for that key was already claimed."""
    if not claim(name, key):
        return None
    result = func() or {}
    finish(name, key, result)
    return result


#: A daily job: takes the date it runs for, returns its result (a JSON-friendly dict).
DailyJob = Callable[..., dict[str, Any]]

_daily_jobs: dict[str, DailyJob] = {}


def daily(name: str, *, hour: int = 2, minute: int = 0) -> Callable[[DailyJob], DailyJob]:
    """Register a daily job. It runs once per local date, keyed by ``clock.today()``.

    The function takes the date it runs for, so tests call ``run_daily(name)`` inside
    ``clock.frozen(...)`` and get the same behaviour as the scheduler.
    """

    def register(func: DailyJob) -> DailyJob:
        _daily_jobs[name] = func

        @functools.wraps(func)
        def scheduled() -> dict[str, Any] | None:
            return run_daily(name)

        get_huey().periodic_task(crontab(hour=str(hour), minute=str(minute)), name=name)(scheduled)
        return func

    return register


def run_daily(name: str) -> dict[str, Any] | None:
    day = clock.today()
    return run_once(name, day.isoformat(), lambda: _daily_jobs[name](day))


def daily_job_names() -> list[str]:
    return sorted(_daily_jobs)


def background(func: Callable[..., Any]) -> Any:
    """Declare ``func`` a background task (at import time); call ``func(...)`` to enqueue it.

    Tests run it inline (MemoryHuey in immediate mode); ``func.call_local(...)`` runs it here.
    """
    return get_huey().task(name=f"{func.__module__}.{func.__qualname__}")(func)


def autodiscover() -> None:
    """Import every installed app's ``tasks`` module so its jobs are registered."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")
