"""Background jobs of the customers module: a large import runs as a batch with a status."""

from __future__ import annotations

from typing import Any

from guanxi.core.jobs import background


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
    """Run one queued import; the batch row carries its status, counts and errors.

    The file travels in the job's payload (not on a local disk), so any worker may run it.
    """
    from guanxi.core.errors import GuanxiError
    from guanxi.core.models import ImportBatch, User
    from guanxi.customers.services.importing import import_customers

    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status not in {"queued"}:
        return {"skipped": True}  # already ran (a retried job is a no-op)
    batch.status = "running"
    batch.save(update_fields=["status"])
    user = User.objects.get(pk=user_id)
    try:
        result = import_customers(
            data, filename=filename, actor=user, dry_run=dry_run, skip_invalid=skip_invalid,
            mapping=mapping, batch=batch,
        )  # fmt: skip
    except GuanxiError as exc:
        batch.status = "failed"
        batch.errors = [{"line": 0, "column": "", "value": "", "reason": str(exc)}]
        batch.save(update_fields=["status", "errors"])
        return {"failed": str(exc)}
    return result.counts()
