"""Reference data: records nobody owns, such as a price list, product categories or pipelines.

They are scoped by one rule of their own (see :class:`ReferenceQuerySet`): every signed-in,
active user may read them (a rep needs the price list and the stages), and only users whose
change scope in the model's module reaches at least their department subtree — the module's
managers and administrators — may change them. The module is the subclass's ``Scope.module``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from guanxi.core.models.records import AuditedQuerySet, RecordColumns

#: Change scopes that make a user an editor of a module's reference data.
REFERENCE_EDITOR_SCOPES = frozenset({"department_tree", "all"})


def may_edit_reference(user: Any, module: str) -> bool:
    """A manager or administrator of ``module`` (change scope of a subtree or all)."""
    from guanxi.core.scopes import CHANGE, effective_scope

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return effective_scope(user, module, CHANGE) in REFERENCE_EDITOR_SCOPES


class ReferenceQuerySet(AuditedQuerySet):
    """The reference-data scope rule: read by every signed-in user, changed by its editors."""

    def visible_to(self, user: Any, action: str = "view") -> ReferenceQuerySet:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if action == "view":
            return self
        return self if may_edit_reference(user, self.model.Scope.module) else self.none()


class ReferenceManager(models.Manager.from_queryset(ReferenceQuerySet)):  # type: ignore[misc]
    """Rows not in the recycle bin."""

    def get_queryset(self) -> ReferenceQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class ReferenceAllManager(models.Manager.from_queryset(ReferenceQuerySet)):  # type: ignore[misc]
    """Every row, the recycle bin included."""


class ReferenceRecord(RecordColumns):
    """Versioned, audited, soft-deleted like :class:`SoftDeleteRecord`, but scoped by the
    reference-data rule instead of an owner or a parent (so it is no SoftDeleteRecord, which
    the system check guanxi.E002 requires to have one); the core record services work on it
    unchanged. A subclass names its module in ``Scope.module`` (checked by guanxi.E004).
    """

    objects = ReferenceManager()
    all_objects = ReferenceAllManager()

    class Scope:
        """``module``: whose change scope edits the data (no default: each module names its
        own); reference data has no parent."""

        module: ClassVar[str]
        parent: ClassVar[str | None] = None
        rule: ClassVar[str] = "reference"

    class Meta(RecordColumns.Meta):
        abstract = True
        base_manager_name = "all_objects"
        default_manager_name = "objects"
