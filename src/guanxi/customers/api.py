"""The customers module's hand-written API routes: the actions its declarations name.

List, detail, create, PATCH, delete and restore of customers, contacts and activities are built
by core from ``customers/resources.py``; what stays here is not CRUD: the duplicate check,
reassignment and the import.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict

from guanxi.core import imports, jobs
from guanxi.core.errors import InvalidInput, NotAllowed
from guanxi.core.models import ImportBatch, JobRun, User
from guanxi.core.resources import lists
from guanxi.core.resources.api_routes import active_user
from guanxi.core.scopes import CHANGE, may_act
from guanxi.core.services.records import get_visible
from guanxi.customers.models import Customer
from guanxi.customers.services import customers as customer_services
from guanxi.customers.services import duplicates, importing
from guanxi.customers.tasks import IMPORT_JOB, import_key, run_import

router = Router(tags=["customers"])

_STRICT = ConfigDict(extra="forbid")


class ReassignIn(Schema):
    model_config = _STRICT
    owner: int


class BulkReassignIn(Schema):
    model_config = _STRICT
    ids: list[int]
    owner: int


class RowErrorOut(Schema):
    line: int
    column: str
    value: str
    reason: str


class ImportOut(Schema):
    batch_id: int | None
    job_id: int | None = None  # a background import's progress: GET /api/v1/jobs/{job_id}
    status: str
    dry_run: bool
    counts: dict[str, int]
    errors: list[RowErrorOut]


class ExistingOut(Schema):
    exists: bool
    owner: str
    reason: str
    id: int | None


class MessageOut(Schema):
    detail: str


# ------------------------------------------------------------------ customers


class CheckQuery(lists.PageQuery):
    name: str = ""
    phone: str = ""
    email: str = ""


@router.get(
    "/customers/check",
    response=lists.page_schema("DuplicateCheckPage", ExistingOut),
    summary="Duplicate check (查重) before creating",
)
def check_customer(request: HttpRequest, query: Query[CheckQuery]) -> dict[str, Any]:
    found = duplicates.check_duplicates(
        request.user, name=query.name, phone=query.phone, email=query.email
    )
    return lists.page_of(
        request,
        found,
        CheckQuery,
        lambda f: {
            "exists": True,
            "owner": f.owner,
            "reason": f.reason,
            "id": f.customer.pk if f.customer else None,
        },
    )


@router.post("/customers/{int:customer_id}/reassign", response=MessageOut)
def reassign_customer(
    request: HttpRequest, customer_id: int, payload: ReassignIn
) -> dict[str, str]:
    customer = get_visible(Customer, customer_id, request.user, CHANGE)
    customer_services.reassign_customers(
        [customer], actor=request.user, new_owner=active_user(payload.owner)
    )
    return {"detail": _("Owner changed.")}


@router.post("/customers/reassign", response=MessageOut, summary="Bulk reassign, all or nothing")
def bulk_reassign(request: HttpRequest, payload: BulkReassignIn) -> dict[str, str]:
    if not payload.ids:
        raise InvalidInput({"ids": [_("Select at least one record.")]})
    customer_services.reassign_by_ids(
        payload.ids, actor=request.user, new_owner=active_user(payload.owner)
    )
    return {"detail": _("Owner changed.")}


@router.post(
    "/customers/import", response={200: ImportOut, 202: ImportOut}, summary="Import CSV/XLSX"
)
def import_customers(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
    dry_run: bool = Form(False),
    skip_invalid: bool = Form(False),
    mapping: str = Form(""),
) -> Status:
    if not may_act(request.user, "customers", CHANGE):
        raise NotAllowed(_("You may not import customers."))
    if file.size is not None and file.size > imports.MAX_UPLOAD_BYTES:
        raise InvalidInput({"file": [_("The file is too large.")]})
    data = file.read()
    parsed_mapping = imports.parse_mapping(mapping)
    threshold = getattr(settings, "GUANXI_IMPORT_BACKGROUND_BYTES", 512 * 1024)
    if len(data) > threshold:
        # Checked now so a malformed file is refused before it is queued.
        importing.read(data, file.name or "", parsed_mapping)
        actor = request.user
        assert isinstance(actor, User)  # the API authenticates every call
        batch = ImportBatch.objects.create(
            kind="customers", actor=actor, file_name=(file.name or "")[:255],
            file_sha256=imports.sha256(data), status="queued",
        )  # fmt: skip
        jobs.queue_run(
            IMPORT_JOB, import_key(batch.pk), user=actor, batch=batch, message=_("Queued")
        )
        run_import(
            batch.pk, data, file.name or "", request.user.pk, dry_run, skip_invalid, parsed_mapping
        )
        batch.refresh_from_db()
        return Status(202, _batch_out(batch, dry_run))
    result = importing.import_customers(
        data, filename=file.name or "", actor=request.user, dry_run=dry_run,
        skip_invalid=skip_invalid, mapping=parsed_mapping,
    )  # fmt: skip
    status = "checked" if dry_run else ("done" if result.written else "failed")
    return Status(
        200,
        {
            "batch_id": result.batch_id,
            "status": status,
            "dry_run": dry_run,
            "counts": result.counts(),
            "errors": [e.as_dict() for e in result.errors],
        },
    )


def _batch_out(batch: ImportBatch, dry_run: bool = False) -> dict[str, Any]:
    counts = {k: v for k, v in batch.counts.items() if isinstance(v, int)}
    errors = [{k: e[k] for k in ("line", "column", "value", "reason")} for e in batch.errors]
    run = JobRun.objects.filter(name=IMPORT_JOB, key=import_key(batch.pk)).first()
    return {
        "batch_id": batch.pk,
        "job_id": run.pk if run is not None else None,
        "status": batch.status,
        "dry_run": dry_run,
        "counts": counts,
        "errors": errors,
    }


@router.get(
    "/customers/imports/{int:batch_id}", response=ImportOut, summary="Status of an import batch"
)
def import_status(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    batch = get_object_or_404(ImportBatch, pk=batch_id, actor=request.user, kind="customers")
    return _batch_out(batch)


__all__ = ["router"]
