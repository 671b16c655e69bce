"""Create, update, delete, restore and reassign any business record — audited and scoped.

Each operation runs in one transaction: the change, its audit row, and a re-read of the record
through ``visible_to(actor, "change")``; if the result left the actor's scope the whole
transaction rolls back (a user cannot write a record out of their own reach, nor into
somebody else's).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core import audit_guard
from guanxi.core.errors import InvalidInput, NotAllowed, RecordNotFound, StaleVersion
from guanxi.core.models.audit import AuditEvent, ImportBatch
from guanxi.core.models.records import OwnedRecord
from guanxi.core.models.roles import DataScope
from guanxi.core.scopes import CHANGE, VIEW, can, effective_scope
from guanxi.core.services.audit import diff, field_values, fields_changed_since, record_event

R = TypeVar("R", bound=models.Model)


class _RecordClass(Protocol):
    """What the services use of a record model class beyond ``type[Model]``: the live and
    all-rows managers (their AuditedQuerySet methods come from ``Manager.from_queryset``, so
    mypy sees them as Any) and the model's own DoesNotExist. SoftDeleteRecord and the
    catalogue's CatalogueRecord both provide them."""

    objects: Any
    all_objects: Any
    DoesNotExist: type[ObjectDoesNotExist]


def _record_class(model: type[models.Model]) -> _RecordClass:
    return cast(_RecordClass, model)


def _attname(model: type[models.Model], name: str) -> str:
    """The column attribute of a concrete field (the audited fields are all concrete)."""
    return cast(models.Field, model._meta.get_field(name)).attname


def get_visible(model: type[R], pk: Any, user: Any, action: str = VIEW) -> R:
    """Fetch one record through the scope rule: missing or out of view scope → RecordNotFound;
    visible but not changeable (``action="change"``) → NotAllowed."""
    klass = _record_class(model)
    try:
        record = klass.objects.visible_to(user, VIEW).get(pk=pk)
    except (klass.DoesNotExist, ValueError, TypeError, ValidationError):
        raise RecordNotFound(pk) from None
    if action == CHANGE and not can(user, record, CHANGE):
        raise NotAllowed(pk)
    return record


def get_in_bin(model: type[R], pk: Any, user: Any) -> R:
    """A record in the recycle bin that the user may change (restore)."""
    klass = _record_class(model)
    rows = klass.all_objects.filter(deleted_at__isnull=False).visible_to(user, CHANGE)
    try:
        return rows.get(pk=pk)
    except (klass.DoesNotExist, ValueError, TypeError, ValidationError):
        raise RecordNotFound(pk) from None


def _validate(record: models.Model, exclude: Iterable[str] = ()) -> None:
    try:
        record.full_clean(exclude=list(exclude), validate_unique=True)
    except ValidationError as exc:
        raise InvalidInput({k: [str(m) for m in v] for k, v in exc.message_dict.items()}) from None


def _ensure_in_scope(record: models.Model, actor: Any) -> None:
    if actor is not None and not can(actor, record, CHANGE):
        raise NotAllowed(_("The record would leave your data scope."))


def _department_of(owner: Any) -> Any:
    return getattr(owner, "department", None) if owner is not None else None


def create_record(
    model: type[R],
    *,
    actor: Any,
    values: Mapping[str, Any],
    batch: ImportBatch | None = None,
    check_scope: bool = True,
) -> R:
    """Create a record, audit it, and refuse it if it falls outside the actor's change scope."""
    record = model(**values)
    if hasattr(record, "owner_id") and "owner" in values:
        cast(OwnedRecord, record).department = _department_of(values["owner"])
    _validate(record)
    with transaction.atomic():
        record.save()
        record_event(
            record,
            actor=actor,
            action=AuditEvent.Action.CREATE,
            changes=diff({}, field_values(record)),
            batch=batch,
        )
        if check_scope:
            _ensure_in_scope(record, actor)
    return record


def update_record(
    record: R,
    *,
    actor: Any,
    expected_version: int | None,
    changes: Mapping[str, Any],
    batch: ImportBatch | None = None,
    action: str = AuditEvent.Action.UPDATE,
    check_scope: bool = True,
) -> R:
    """Apply ``changes`` if the stored row still has ``expected_version`` (optimistic locking).

    The write is one conditional UPDATE on (id, version), so of two writers holding the same
    version exactly one wins on SQLite and PostgreSQL alike; the loser gets StaleVersion naming
    the fields changed since its copy. ``expected_version=None`` is for internal callers that
    re-read the row inside their own transaction.
    """
    model = type(record)
    klass = _record_class(model)
    with transaction.atomic():
        current = klass.all_objects.get(pk=record.pk)
        version = current.version if expected_version is None else expected_version
        before = field_values(current)
        for name, value in changes.items():
            setattr(current, name, value)
        if "owner" in changes and hasattr(current, "department_id"):
            current.department = _department_of(changes["owner"])
        _validate(current)
        after = field_values(current)
        changed = diff(before, after)
        if not changed:
            if current.version != version:
                raise StaleVersion(fields_changed_since(current, version), current.version)
            return current
        columns = {name: getattr(current, _attname(model, name)) for name in changed}
        with audit_guard.audited_writes():
            updated = klass.all_objects.filter(pk=current.pk, version=version).update(
                **{_attname(model, n): v for n, v in columns.items()},
                version=F("version") + 1,
                updated_at=timezone.now(),
            )
        if updated == 0:
            fresh = klass.all_objects.get(pk=record.pk)
            raise StaleVersion(fields_changed_since(fresh, version), fresh.version)
        current.version = version + 1
        record_event(current, actor=actor, action=action, changes=changed, batch=batch)
        if check_scope:
            _ensure_in_scope(current, actor)
    return current


def soft_delete(record: R, *, actor: Any, batch: ImportBatch | None = None) -> R:
    """Move a record to the recycle bin (restorable; unique constraints apply to live rows)."""
    return _set_deleted(record, actor=actor, deleted=True, batch=batch)


def restore(record: R, *, actor: Any) -> R:
    """Bring a record back from the recycle bin."""
    return _set_deleted(record, actor=actor, deleted=False, batch=None)


def _set_deleted(record: R, *, actor: Any, deleted: bool, batch: ImportBatch | None) -> R:
    klass = _record_class(type(record))
    with transaction.atomic():
        current = klass.all_objects.select_for_update().get(pk=record.pk)
        if current.is_deleted == deleted:
            return current
        stamp = timezone.now() if deleted else None
        with audit_guard.audited_writes():
            klass.all_objects.filter(pk=current.pk).update(
                deleted_at=stamp,
                deleted_by=actor if deleted and getattr(actor, "pk", None) else None,
                version=F("version") + 1,
            )
        current.refresh_from_db()
        action = AuditEvent.Action.DELETE if deleted else AuditEvent.Action.RESTORE
        record_event(
            current,
            actor=actor,
            action=action,
            changes={"deleted_at": [None, stamp.isoformat()] if stamp else ["deleted", None]},
            batch=batch,
        )
    return current


def may_hand_over_to(actor: Any, new_owner: Any, module: str) -> bool:
    """Whether ``actor`` may make ``new_owner`` the owner of a record of ``module``.

    A representative hands over only within their own department; managers within their
    department subtree; users with the "all" change scope (administrators) anywhere.
    """
    if new_owner is None or not new_owner.is_active:
        return False
    scope = effective_scope(actor, module, CHANGE)
    if scope == DataScope.ALL:
        return True
    if scope == DataScope.NONE or actor.department_id is None or new_owner.department_id is None:
        return False
    if scope == DataScope.DEPARTMENT_TREE:
        return new_owner.department.is_within(actor.department)
    return new_owner.department_id == actor.department_id


def reassign(records: Iterable[R], *, actor: Any, new_owner: Any, module: str) -> list[R]:
    """Give records a new owner, all or nothing: every record must be changeable by the actor
    and the new owner within the actor's reach (bulk actions check every id)."""
    records = list(records)
    if not may_hand_over_to(actor, new_owner, module):
        raise NotAllowed(_("You may not hand records over to this user."))
    done: list[R] = []
    with transaction.atomic():
        for record in records:
            if not can(actor, record, CHANGE):
                raise NotAllowed(_("You may not change record %(id)s.") % {"id": record.pk})
            done.append(
                update_record(
                    record,
                    actor=actor,
                    expected_version=None,
                    changes={"owner": new_owner},
                    action=AuditEvent.Action.REASSIGN,
                    check_scope=False,  # handing over may take it out of the actor's reach
                )
            )
    return done
