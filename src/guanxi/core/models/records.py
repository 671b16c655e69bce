"""Abstract bases of business records: scoped, audited, soft-deleted, versioned, owned.

Every business model derives from :class:`OwnedRecord` (a record with its own owner) or from
:class:`SoftDeleteRecord` with a ``Scope.parent`` (a child that follows its parent's scope). The
querysets refuse bulk writes outside the audited services, so no path can skip the audit trail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.core import audit_guard

if TYPE_CHECKING:
    from guanxi.core.signed_in import RequestUser


class AuditedQuerySet(models.QuerySet[Any]):
    """A queryset whose bulk writes only run inside an audited service (see ``audit_guard``)."""

    def visible_to(self, user: RequestUser | None, action: str = "view") -> Self:
        """The one record-scope rule; see :mod:`guanxi.core.scopes`."""
        from guanxi.core.scopes import restrict

        return restrict(self, user, action)

    def update(self, **kwargs: Any) -> int:
        audit_guard.require_audited_write(self.model, "update")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        audit_guard.require_audited_write(self.model, "delete")
        return super().delete()

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        audit_guard.require_audited_write(self.model, "bulk_create")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        audit_guard.require_audited_write(self.model, "bulk_update")
        return super().bulk_update(objs, fields, *args, **kwargs)


class LiveManager(models.Manager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]
    """Rows not in the recycle bin: what lists, search, reports and dropdowns see."""

    def get_queryset(self) -> AuditedQuerySet:
        rows: AuditedQuerySet = super().get_queryset()  # Any: the base is built at runtime
        return rows.filter(deleted_at__isnull=True)


class AllRowsManager(models.Manager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]
    """Every row, the recycle bin included (restore and the bin's own page)."""


class RecordColumns(models.Model):
    """The bookkeeping columns of every business record, owned, child or reference data.

    ``version`` drives optimistic locking: a write is a conditional update on (id, version)
    and a stale one is refused (see :func:`guanxi.core.services.records.update_record`);
    ``deleted_at`` and ``deleted_by`` put a record in the recycle bin instead of deleting it.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    #: Fields whose changes are not written to the audit trail (bookkeeping columns).
    audit_exclude: ClassVar[frozenset[str]] = frozenset(
        {"version", "created_at", "updated_at", "deleted_at", "deleted_by", "search_text"}
    )

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class SoftDeleteRecord(RecordColumns):
    """A record that goes to a recycle bin instead of being deleted, with a version column,
    scoped through its owner or its parent."""

    objects = LiveManager()
    all_objects = AllRowsManager()

    class Scope:
        """How the scope rule reaches this model; every concrete model declares its own:
        ``module`` (a registered module code, see ``guanxi.core.modules``) and ``parent`` (the
        path to the record whose scope a child follows, or None). There is no default module:
        the ``guanxi.E004`` system check refuses a model that declares neither."""

        module: ClassVar[str]
        parent: ClassVar[str | None] = None

    class Meta(RecordColumns.Meta):
        abstract = True
        base_manager_name = "all_objects"
        default_manager_name = "objects"


class OwnedRecord(SoftDeleteRecord):
    """A record with an owner of its own; ``department`` is the owner's, kept current by the
    services that set the owner, so department scopes are one indexed filter."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(SoftDeleteRecord.Meta):
        abstract = True


class CollaboratorQuerySet(models.QuerySet["Collaborator"]):
    def visible_to(self, user: Any, action: str = "view") -> CollaboratorQuerySet:
        """Team members of the records ``user`` may ``action``, across every model with a
        team: the record's own scope decides, through the one rule."""
        from guanxi.core.team import registered_models

        condition = models.Q(pk__in=[])
        for model in registered_models():
            visible = model._default_manager.visible_to(user, action).values("pk")
            condition |= models.Q(
                content_type=ContentType.objects.get_for_model(model), object_id__in=visible
            )
        return self.filter(condition)


class Collaborator(models.Model):
    """A team member (团队成员) of one record, with read-only or read-write access."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collaborations"
    )
    can_change = models.BooleanField(_("may change"), default=False)

    objects = CollaboratorQuerySet.as_manager()

    class Meta:
        verbose_name = _("collaborator")
        verbose_name_plural = _("collaborators")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "user"], name="collaborator_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "content_type"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.content_type_id}:{self.object_id}"
