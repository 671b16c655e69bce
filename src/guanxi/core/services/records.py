"""Create, update, delete, restore and reassign any business record — audited and scoped.

Each operation runs in one transaction: the change, its audit row, and a re-read of the record
through ``visible_to(actor, "change")``; if the result left the actor's scope the whole
transaction rolls back (a user cannot write a record out of their own reach, nor into
somebody else's).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

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
from guanxi.core.services.audit import (
    diff,
    field_values,
    fields_changed_since,
    record_created,
    record_event,
)
from guanxi.core.services.bulk_insert import Inserter
from guanxi.core.services.record_checks import errors_of_many, relation_errors

R = TypeVar("R", bound=models.Model)


class _RecordClass(Protocol):
    """What the services use of a record model class beyond ``type[Model]``: the live and
    all-rows managers (their AuditedQuerySet methods come from ``Manager.from_queryset``, so
    mypy sees them as Any) and the model's own DoesNotExist. SoftDeleteRecord and
    ReferenceRecord both provide them."""

    objects: Any
    all_objects: Any
    DoesNotExist: type[ObjectDoesNotExist]
    Scope: Any


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


class InvalidRecord(InvalidInput):
    """One record of a bulk create is invalid; ``index`` is its position in the input."""

    def __init__(self, index: int, errors: dict[str, list[str]]) -> None:
        self.index = index
        super().__init__(errors)


#: Records per scope query of a bulk create (well under SQLite's 999 parameters).
_SCOPE_CHUNK = 500


@dataclass
class Checked(Generic[R]):
    """Unsaved records built from values, each with what its checks found (empty: valid):
    what :func:`check_records` returns and :func:`create_checked` writes. An import checks
    every row before it writes any, so the records it writes are the ones it checked."""

    model: type[R]
    records: list[R]
    errors: list[dict[str, list[str]]]
    #: foreign keys set after the check (a parent written meanwhile), checked when written
    later: frozenset[str] = frozenset()


def check_records(
    model: type[R], values_list: Sequence[Mapping[str, Any]], *, later: Iterable[str] = ()
) -> Checked[R]:
    """Build records and ``full_clean`` each, without a query per record: foreign keys are
    checked for all records together, one query per field, with Django's own messages. Unique
    and check constraints are left to the database (see :func:`create_checked`). The foreign
    keys in ``later`` (a parent that does not exist yet) are checked by create_checked."""
    later = frozenset(later)
    for name in later:
        if not model._meta.get_field(name).many_to_one:
            raise ValueError(f"{model.__name__}.{name} is not a foreign key")
    records = [model(**values) for values in values_list]
    owned = bool(records) and hasattr(records[0], "owner_id")
    for record, values in zip(records, values_list, strict=True):
        if owned and "owner" in values:
            cast(OwnedRecord, record).department = _department_of(values["owner"])
    return Checked(model, records, errors_of_many(model, records, later=later), later)


def create_records(
    model: type[R],
    *,
    actor: Any,
    values_list: Sequence[Mapping[str, Any]],
    batch: ImportBatch | None = None,
) -> list[R]:
    """Create many records at once, audited and scoped like :func:`create_record`, all or
    none: :func:`check_records`, then :func:`create_checked`."""
    return create_checked(check_records(model, values_list), actor=actor, batch=batch)


def create_checked(
    checked: Checked[R],
    *,
    actor: Any,
    batch: ImportBatch | None = None,
    indexes: Sequence[int] | None = None,
) -> list[R]:
    """Write checked records (those at ``indexes``, by default all), all or none.

    Each record gets its own create audit row, as :func:`create_record` writes it, but the
    writes are multi-row INSERTs (records, then audit rows) and the scope re-read is one query
    per 500 records: an import pays a few statements per chunk instead of several per row.
    Raises InvalidRecord for the first record whose checks failed, NotAllowed if any record
    falls outside the actor's change scope; an IntegrityError (a unique or check constraint)
    rolls the whole call back too. Callers wanting a field message for a taken value check it
    first, as the import checks codes against the live customers.
    """
    chosen = range(len(checked.records)) if indexes is None else indexes
    records = []
    for index in chosen:
        if checked.errors[index]:
            raise InvalidRecord(index, checked.errors[index])
        record = checked.records[index]
        if not record._state.adding:
            raise ValueError(f"record {index} of the checked {checked.model.__name__}s is saved")
        records.append(record)
    if not records:
        return records
    model = checked.model
    if checked.later:
        late = relation_errors(model, records, checked.later)
        for index, found in zip(chosen, late, strict=True):
            if found:
                raise InvalidRecord(index, found)
    with transaction.atomic():
        with audit_guard.audited_writes():
            Inserter(model).create(records)
        record_created(model, records, actor=actor, batch=batch)
        _ensure_all_in_scope(model, records, actor)
    return records


def _ensure_all_in_scope(model: type[models.Model], records: list[Any], actor: Any) -> None:
    """The bulk form of ``_ensure_in_scope``: one re-read per 500 records through the scope
    rule. A child follows its parent's scope, so its parents are re-read instead (SQLite plans
    "these children of those visible parents" as a product of the two lists)."""
    if actor is None:
        return
    klass = _record_class(model)
    parent = getattr(klass.Scope, "parent", None)
    if parent:
        field = model._meta.get_field(parent)
        ids = {getattr(record, cast(models.ForeignKey, field).attname) for record in records}
        _ensure_ids_in_scope(cast(type[models.Model], field.related_model), ids, actor, live=True)
    else:
        _ensure_ids_in_scope(model, {record.pk for record in records}, actor, live=False)


def _ensure_ids_in_scope(model: type[models.Model], ids: set[Any], actor: Any, live: bool) -> None:
    klass = _record_class(model)
    if not getattr(klass.Scope, "parent", None) and (
        effective_scope(actor, klass.Scope.module, CHANGE) == DataScope.ALL
    ):
        return  # nothing to narrow, as in scopes.can
    # A parent must be live to make its children visible (scopes.restrict reads objects).
    rows = klass.objects if live else klass.all_objects
    if None in ids:  # a child without a parent is in nobody's scope
        raise NotAllowed(_("The record would leave your data scope."))
    listed = sorted(ids)
    for start in range(0, len(listed), _SCOPE_CHUNK):
        chunk = listed[start : start + _SCOPE_CHUNK]
        if rows.filter(pk__in=chunk).visible_to(actor, CHANGE).count() != len(chunk):
            raise NotAllowed(_("The record would leave your data scope."))


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
