"""Background jobs of the customers module: a large import runs as a batch with a status."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from guanxi.core import jobs
from guanxi.core.jobs import background

#: The job name of a background import; its run key is ``import_key(batch_id)``.
IMPORT_JOB = "customers.import"


def import_key(batch_id: int) -> str:
    return f"batch:{batch_id}"


@background
def run_import(
    batch_id: int,
    data: bytes,
    filename: str,
    user_id: int,
    dry_run: bool,
    skip_invalid: bool,
    mapping: dict[str, str],
) -> dict[str, Any]:
    """Run one queued import under a job lease; the batch row carries its status, counts and
    errors, the job run its progress (readable at ``/api/v1/jobs/{id}``).

    The file travels in the job's payload (not on a local disk), so any worker may run it. If
    the worker dies, the lease expires and ``core.recover_stalled_jobs`` marks the batch failed.
    """
    from guanxi.core.errors import GuanxiError
    from guanxi.core.models import ImportBatch, User
    from guanxi.customers.services.importing import import_customers

    batch = ImportBatch.objects.get(pk=batch_id)
    user = User.objects.get(pk=user_id)

    def work(lease: jobs.Lease) -> dict[str, Any]:
        if batch.status != "queued":
            return {"skipped": True}  # already ran (a retried job is a no-op)
        batch.status = "running"
        batch.save(update_fields=["status"])
        with translation.override(user.language or settings.LANGUAGE_CODE):
            try:
                result = import_customers(
                    data, filename=filename, actor=user, dry_run=dry_run,
                    skip_invalid=skip_invalid, mapping=mapping, batch=batch,
                    progress=lease.reporter(),
                )  # fmt: skip
            except GuanxiError as exc:
                batch.status = "failed"
                batch.errors = [{"line": 0, "column": "", "value": "", "reason": str(exc)}]
                batch.save(update_fields=["status", "errors"])
                lease.fail(str(exc))
                return {"failed": str(exc)}
            if batch.status == "failed":
                lease.fail(_("The file has errors; nothing was written."), result.counts())
        return result.counts()

    outcome = jobs.run_once(IMPORT_JOB, import_key(batch_id), work, user=user, batch=batch)
    return outcome if outcome is not None else {"skipped": True}
