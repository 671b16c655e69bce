"""Writing the audit trail (called by the services, never by signals)."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Collection, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from guanxi.core.models.audit import AuditEvent, ImportBatch
from guanxi.core.models.org import User
from guanxi.core.services.bulk_insert import Inserter

_PLAIN = (str, int, bool, float, type(None))


def json_value(value: Any) -> Any:
    """A JSON-friendly copy of a field value, for the old → new columns."""
    if type(value) in _PLAIN:  # most values; checked first, imports audit thousands of rows
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def field_values(record: models.Model) -> dict[str, Any]:
    """The audited fields of a record as JSON values, keyed by field name (``attname``)."""
    excluded: Collection[str] = getattr(record, "audit_exclude", frozenset())
    values = {}
    for field in record._meta.concrete_fields:
        if field.primary_key or field.name in excluded:
            continue
        values[field.name] = json_value(getattr(record, field.attname))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record_event(
    record: models.Model,
    *,
    actor: User | None,
    action: str,
    changes: dict[str, list[Any]],
    batch: ImportBatch | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        object_repr=str(record)[:200],
        version=getattr(record, "version", None),
        changes=changes,
        batch=batch,
    )


def record_created(
    model: type[models.Model],
    records: Sequence[models.Model],
    *,
    actor: User | None,
    batch: ImportBatch | None = None,
) -> None:
    """A CREATE event per record, as ``record_event`` writes it, in multi-row INSERTs."""
    content_type_id = ContentType.objects.get_for_model(model).pk
    actor_id = actor.pk if actor is not None and actor.pk else None
    batch_id = batch.pk if batch is not None else None
    excluded: Collection[str] = getattr(model, "audit_exclude", frozenset())
    audited = [
        (field.name, field.attname)
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in excluded
    ]
    now = timezone.now()
    rows = []
    for record in records:
        # diff({}, field_values(record)) in one pass: every field that has a value, from None
        changes = {}
        for name, attname in audited:
            value = getattr(record, attname)
            if value is not None:
                changes[name] = [None, json_value(value)]
        rows.append(
            {
                "at": now,
                "actor_id": actor_id,
                "action": AuditEvent.Action.CREATE.value,
                "content_type_id": content_type_id,
                "object_id": record.pk,
                "object_repr": str(record)[:200],
                "version": getattr(record, "version", None),
                "changes": changes,
                "batch_id": batch_id,
            }
        )
    Inserter(AuditEvent).insert(rows, returning=False)


def history(record: models.Model) -> models.QuerySet[AuditEvent]:
    """The change history of one record, newest first (the 360° page's history panel)."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    ).select_related("actor", "batch")


def fields_changed_since(record: models.Model, version: int) -> list[str]:
    """Fields changed by writes after ``version``: what a stale-write message names."""
    names: set[str] = set()
    for changes in history(record).filter(version__gt=version).values_list("changes", flat=True):
        names.update(changes)
    return sorted(names)
