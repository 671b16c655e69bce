"""The Huey instance behind the job layer, and background tasks enqueued by requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from huey.api import Huey

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


def background(func: Callable[..., Any]) -> Any:
    """Declare ``func`` a background task (at import time); call ``func(...)`` to enqueue it.

    Tests run it inline (MemoryHuey in immediate mode); ``func.call_local(...)`` runs it here.
    """
    return get_huey().task(name=f"{func.__module__}.{func.__qualname__}")(func)


def autodiscover() -> None:
    """Import every installed app's ``tasks`` module so its jobs are registered."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")
