"""Leases on job runs: an exclusive claim with an owner token, a heartbeat and an expiry.

A worker that takes a run holds it while it renews the lease (every heartbeat or progress
report moves the expiry ``ttl`` ahead). A worker whose process died stops renewing; after the
expiry the next claimer takes the run over, and a batch the dead run left queued or running is
marked failed so nobody waits on it. Every write checks the owner token, so a worker that lost
its lease (it stalled past the expiry and was taken over) learns it from ``LeaseLost`` and never
overwrites the new owner's progress.

Time comes from :mod:`guanxi.core.clock`, so tests expire leases by moving the clock.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from guanxi.core import clock
from guanxi.core.models.audit import ImportBatch
from guanxi.core.models.jobs import JobRun
from guanxi.core.models.org import User

#: How long a lease lasts without a heartbeat; long jobs renew it as they progress.
DEFAULT_TTL = dt.timedelta(minutes=10)

#: Batch states a dead run may have left behind.
UNFINISHED_BATCH = ("queued", "running")

_current: ContextVar[Lease | None] = ContextVar("guanxi_job_lease", default=None)


class LeaseLost(Exception):
    """Another worker took this run over (the lease expired); stop without writing more."""


def stopped_message() -> str:
    return _("The worker running this job stopped before it finished. Start it again.")


@dataclass(frozen=True)
class Lease:
    """The running worker's hold on one ``JobRun``; its methods renew or end the hold."""

    run_id: int
    name: str
    key: str
    token: str
    ttl: dt.timedelta
    took_over: bool = False

    def _mine(self) -> Any:
        return JobRun.objects.filter(
            pk=self.run_id, owner_token=self.token, status=JobRun.Status.RUNNING
        )

    def _renewed(self) -> dict[str, Any]:
        now = clock.now()
        return {"heartbeat_at": now, "lease_expires_at": now + self.ttl}

    def heartbeat(self) -> None:
        """Push the expiry ``ttl`` ahead; raise :class:`LeaseLost` if the run is no longer ours."""
        if not self._mine().update(**self._renewed()):
            raise LeaseLost(self.name, self.key)

    def report(
        self, done: int | None = None, total: int | None = None, message: str | None = None
    ) -> None:
        """Store progress (and renew the lease in the same UPDATE)."""
        changes = self._renewed()
        if done is not None:
            changes["done"] = max(0, done)
        if total is not None:
            changes["total"] = max(0, total)
        if message is not None:
            changes["message"] = str(message)[:200]
        if not self._mine().update(**changes):
            raise LeaseLost(self.name, self.key)

    def reporter(self) -> Callable[[str, int, int], None]:
        """A ``progress(label, done, total)`` callback, the shape imports and the demo use."""
        return lambda label, done, total: self.report(done, total, label)

    def finish(self, result: dict[str, Any], message: str = "") -> bool:
        """Mark the run done; False if it was no longer ours (or already ended)."""
        changes: dict[str, Any] = {
            "status": JobRun.Status.DONE,
            "finished_at": clock.now(),
            "result": result,
        }
        if message:
            changes["message"] = message[:200]
        return bool(self._mine().update(**changes))

    def fail(self, error: str, result: dict[str, Any] | None = None) -> bool:
        """Mark the run failed with ``error``; False if it was no longer ours."""
        return bool(
            self._mine().update(
                status=JobRun.Status.FAILED,
                finished_at=clock.now(),
                error=error,
                result=result or {},
            )
        )


def current_lease() -> Lease | None:
    """The lease of the job running in this context (``run_once``), for heartbeats and progress."""
    return _current.get()


def queue_run(
    name: str,
    key: str,
    *,
    user: User | None = None,
    batch: ImportBatch | None = None,
    message: str = "",
) -> JobRun:
    """Record a run a request is about to enqueue, so its progress is readable at once."""
    return JobRun.objects.create(
        name=name, key=key, status=JobRun.Status.QUEUED, user=user, batch=batch, message=message
    )


def acquire(
    name: str,
    key: str,
    *,
    ttl: dt.timedelta = DEFAULT_TTL,
    user: User | None = None,
    batch: ImportBatch | None = None,
) -> Lease | None:
    """Take the lease on run ``key`` of job ``name``, or None if another worker holds it or the
    run has ended. A queued run is started; an expired one is taken over."""
    now = clock.now()
    token = secrets.token_hex(16)
    lease_fields: dict[str, Any] = {
        "status": JobRun.Status.RUNNING,
        "owner_token": token,
        "started_at": now,
        "heartbeat_at": now,
        "lease_expires_at": now + ttl,
    }
    try:
        # First claim: the unique (name, key) constraint lets exactly one INSERT succeed, on
        # this machine or another; the others fall through to the conditional UPDATE below.
        with transaction.atomic():
            run = JobRun.objects.create(
                name=name, key=key, user=user, batch=batch, attempts=1, **lease_fields
            )
        return Lease(run.pk, name, key, token, ttl)
    except IntegrityError:
        pass
    current = (
        JobRun.objects.filter(name=name, key=key)
        .values("pk", "status", "owner_token", "lease_expires_at", "batch_id")
        .first()
    )
    if current is None:
        return None
    rows = JobRun.objects.filter(pk=current["pk"], owner_token=current["owner_token"])
    expires: dt.datetime | None = current["lease_expires_at"]
    if current["status"] == JobRun.Status.QUEUED:
        rows = rows.filter(status=JobRun.Status.QUEUED)
    elif current["status"] == JobRun.Status.RUNNING and expires is not None and expires < now:
        rows = rows.filter(status=JobRun.Status.RUNNING, lease_expires_at__lt=now)
    else:
        return None  # held by a live worker, or finished
    # The race: two workers read the same queued or expired row. The UPDATE repeats in its
    # WHERE what each of them read (owner token, status, expired), so only one changes the row:
    # PostgreSQL re-checks the WHERE after the loser waited on the row lock, SQLite has a single
    # writer. A heartbeat that lands first moves the expiry and makes both updates miss.
    if not rows.update(attempts=F("attempts") + 1, **lease_fields):
        return None
    took_over = current["status"] == JobRun.Status.RUNNING
    if took_over and current["batch_id"] is not None:
        _fail_left_batch(current["batch_id"])
    return Lease(current["pk"], name, key, token, ttl, took_over=took_over)


def _fail_left_batch(batch_id: int) -> None:
    """A dead run's import batch stays "running" forever unless someone says it failed."""
    ImportBatch.objects.filter(pk=batch_id, status__in=UNFINISHED_BATCH).update(
        status="failed",
        finished_at=clock.now(),
        errors=[{"line": 0, "column": "", "value": "", "reason": stopped_message()}],
    )


def run_once(
    name: str,
    key: str,
    func: Callable[[Lease], dict[str, Any] | None],
    *,
    ttl: dt.timedelta = DEFAULT_TTL,
    user: User | None = None,
    batch: ImportBatch | None = None,
) -> dict[str, Any] | None:
    """Run ``func`` under a lease on ``key``; None if another worker holds or finished it.

    An exception marks the run failed (and propagates, so the worker logs it); a worker that
    lost its lease meanwhile stops quietly, the new owner reports the outcome.
    """
    lease = acquire(name, key, ttl=ttl, user=user, batch=batch)
    if lease is None:
        return None
    context = _current.set(lease)
    try:
        result = func(lease) or {}
    except LeaseLost:
        return None
    except Exception as exc:
        lease.fail(str(exc) or exc.__class__.__name__)
        raise
    finally:
        _current.reset(context)
    lease.finish(result)
    return result
