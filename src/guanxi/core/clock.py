"""The time every job and time-dependent service asks for, so tests can set it.

``now()`` is the real time unless a test froze it with :func:`frozen`. The override is a
context variable, so it is local to the test's thread and never leaks between workers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[dt.datetime | None] = ContextVar("guanxi_clock", default=None)


def now() -> dt.datetime:
    value = _frozen.get()
    return value if value is not None else timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    token = _frozen.set(at)
    try:
        yield
    finally:
        _frozen.reset(token)
