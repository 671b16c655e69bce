"""Importing customers and their contacts from CSV or XLSX (data migration and cleaning, §7).

Every row is validated before anything is written. The write is one transaction with an
import batch; by default one bad row means nothing is written, with ``skip_invalid`` the good
rows are written and the bad ones come back in an error file with a reason column. A row whose
code, or normalised phone, email or name + province matches a live customer updates that
customer, so re-running a file changes nothing (no audit rows for unchanged records).

The rows are read and checked in :mod:`.import_rows` and written in :mod:`.import_writes`
(new customers in audited bulk chunks).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core import imports
from guanxi.core.errors import InvalidInput
from guanxi.core.imports import RowError, Table
from guanxi.core.models import ImportBatch
from guanxi.core.models.org import User
from guanxi.customers.services.import_rows import (
    ALIASES,
    IMPORT_FIELDS,
    TEMPLATE_FIELDS,
    CustomerIndex,
    ImportResult,
    parse_rows,
    validate,
)
from guanxi.customers.services.import_writes import Abort, Progress, Writer

__all__ = ["ImportResult", "Progress", "import_customers", "read", "template_file"]


def read(
    data: bytes, filename: str, mapping: Mapping[str, str] | None = None
) -> tuple[Table, imports.ColumnMap]:
    table = imports.read_table(data, filename)
    colmap = imports.map_columns(table.headers, ALIASES, mapping, IMPORT_FIELDS)
    if "name" not in colmap.fields.values() and "code" not in colmap.fields.values():
        raise InvalidInput({"file": [_("The file needs a name column (客户名称 / name).")]})
    return table, colmap


def import_customers(
    data: bytes,
    *,
    filename: str,
    actor: User,
    dry_run: bool = False,
    skip_invalid: bool = False,
    mapping: Mapping[str, str] | None = None,
    batch: ImportBatch | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate every row, then (unless a dry run) write them in one transaction."""
    progress = progress or (lambda label, done, total: None)
    table, colmap = read(data, filename, mapping)
    result = ImportResult(dry_run=dry_run, total=len(table.rows), ignored_columns=colmap.ignored)
    result.error_format = table.format
    index = CustomerIndex()
    rows = parse_rows(table, colmap, actor)
    checks = validate(rows, colmap, table, index, actor)
    progress(_("Checked"), len(rows), len(rows))
    for row in rows:
        result.errors.extend(row.errors)
    good = [row for row in rows if not row.errors]
    result.skipped = len(rows) - len(good)
    if dry_run:
        if batch is not None:
            _finish(batch, result, "checked", table)
        return _with_error_file(result, table)
    if batch is None:
        # The batch records the attempt (who, when, which file, what was wrong) even when the
        # atomic mode then writes no customer at all.
        batch = ImportBatch.objects.create(
            kind="customers", actor=actor if getattr(actor, "pk", None) else None,
            file_name=filename[:255], file_sha256=imports.sha256(data), status="running",
        )  # fmt: skip
    result.batch_id = batch.pk
    if result.errors and not skip_invalid:
        _finish(batch, result, "failed", table)
        return _with_error_file(result, table)
    writer = Writer(
        actor=actor, batch=batch, result=result, index=index, skip_invalid=skip_invalid,
        progress=progress, total=len(good),
    )  # fmt: skip
    try:
        with transaction.atomic():
            writer.write(good, checks)
            if result.errors and not skip_invalid:
                raise Abort
    except Abort:
        result.created = result.updated = result.unchanged = 0
        _finish(batch, result, "failed", table)
        return _with_error_file(result, table)
    result.written = True
    _finish(batch, result, "done", table)
    return _with_error_file(result, table)


def _finish(batch: ImportBatch, result: ImportResult, status: str, table: Table) -> None:
    """Store the outcome on the batch, with the bad rows' cells so the error file can be
    downloaded later (the API's status endpoint, another app server)."""
    cells = dict(table.rows)
    errors = []
    for error in result.errors[:2000]:
        item = error.as_dict()
        item["cells"] = cells.get(error.line, [])
        errors.append(item)
    batch.status = status
    batch.finished_at = timezone.now()
    batch.counts = {**result.counts(), "headers": table.headers}
    batch.errors = errors
    batch.save(update_fields=["status", "finished_at", "counts", "errors"])


def error_file_from_batch(batch: ImportBatch, fmt: str) -> bytes:
    headers = list(batch.counts.get("headers", []))
    table = Table(headers, [], fmt)
    seen: set[int] = set()
    errors = []
    for item in batch.errors:
        errors.append(RowError(item["line"], item["column"], item["value"], item["reason"]))
        if item["line"] not in seen:
            seen.add(item["line"])
            table.rows.append((item["line"], list(item.get("cells", []))))
    return imports.error_file(fmt, headers, table, errors)


def _with_error_file(result: ImportResult, table: Table) -> ImportResult:
    if result.errors:
        result.error_file = imports.error_file(
            result.error_format, table.headers, table, result.errors
        )
    return result


def template_file(fmt: str) -> bytes:
    """An empty import template: the field headers and one example row."""
    from guanxi.core import exports

    example = {
        "name": "张三贸易有限公司", "kind": "company", "status": "potential",
        "importance": "ordinary", "industry": "51", "province": "广东省", "city": "广州市",
        "district": "天河区",
        "phone": "13800138000", "email": "info@example.com", "tags": "华南,经销商",
        "annual_turnover": "5000000", "contact_name": "张三", "contact_title": "总经理",
        "contact_mobile": "13800138000",
    }  # fmt: skip
    return exports.write(
        fmt, list(TEMPLATE_FIELDS), [[example.get(f, "") for f in TEMPLATE_FIELDS]], "customers"
    )
