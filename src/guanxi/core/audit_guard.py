"""Guards the audited models against bulk writes that would skip the audit trail.

Audit rows are written by the services in the same transaction as the change. A plain
``QuerySet.update()`` or ``bulk_create()`` would skip them silently (the common audit libraries
miss bulk writes), so the audited querysets raise unless a service opened
:func:`audited_writes` — the one place that promises to write the audit rows itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

_allowed: ContextVar[int] = ContextVar("guanxi_audited_writes", default=0)


class UnauditedWriteError(RuntimeError):
    """A bulk write on an audited model was attempted outside an audited service."""


@contextlib.contextmanager
def audited_writes() -> Iterator[None]:
    token = _allowed.set(_allowed.get() + 1)
    try:
        yield
    finally:
        _allowed.reset(token)


def require_audited_write(model: type, operation: str) -> None:
    if _allowed.get() <= 0:
        raise UnauditedWriteError(
            f"{model.__name__}.objects.{operation}() skips the audit trail; "
            "call the service in guanxi.core.services.records instead"
        )
