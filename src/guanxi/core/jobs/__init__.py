"""The background job layer: Huey behind a few small functions.

Storage comes from settings: SQLite in the demo (the consumer is started by ``guanxi demo``
itself), Redis in production (``guanxi worker`` on any number of machines), in memory and run
inline during tests. Every job is idempotent: a run first takes a *lease* on its (name, key)
row in ``JobRun`` — the unique constraint and conditional UPDATEs make the claim exclusive on
any number of machines — and renews it with a heartbeat while it works. A run whose process
died stops renewing; once the lease has expired the next worker takes it over and marks the
batch it left failed (``recover_stalled_runs``, itself an interval job). The same row carries
the progress (done, total, message) that ``/jobs/<id>/`` and ``GET /api/v1/jobs/{id}`` show.

Modules register jobs in their ``tasks`` module: ``@jobs.daily(name)`` (once per local date) and
``@jobs.every(name, minutes=N)`` (once per N-minute slot), and ``@jobs.background`` for tasks
enqueued by a request.
"""

from guanxi.core.jobs.leases import (
    DEFAULT_TTL,
    Lease,
    LeaseLost,
    acquire,
    current_lease,
    queue_run,
    run_once,
)
from guanxi.core.jobs.queue import autodiscover, background, get_huey
from guanxi.core.jobs.schedule import (
    daily,
    daily_job_names,
    every,
    interval_job_names,
    recover_stalled_runs,
    run_daily,
    run_interval,
    slot_start,
)

__all__ = [
    "DEFAULT_TTL",
    "Lease",
    "LeaseLost",
    "acquire",
    "autodiscover",
    "background",
    "current_lease",
    "daily",
    "daily_job_names",
    "every",
    "get_huey",
    "interval_job_names",
    "queue_run",
    "recover_stalled_runs",
    "run_daily",
    "run_interval",
    "run_once",
    "slot_start",
]
