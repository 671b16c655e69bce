"""Files attached to a business record (附件): stored privately, scoped through their record.

An attachment has no owner of its own: it inherits its record's scope (security.md, children
without an owner). The one scope rule reaches it through :meth:`AttachmentQuerySet.visible_to`,
which narrows to the attachments of records ``visible_to(user, action)`` of every model that
switched attachments on, so a record in the recycle bin hides its attachments too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def visible_to(self, user: Any, action: str = "view") -> AttachmentQuerySet:
        """Attachments of the live records the user may ``action`` (view or change)."""
        from guanxi.core.attachments import enabled_models

        condition = Q(pk__in=[])
        for model in enabled_models():
            live: Any = model._default_manager  # a record model's live-row manager
            parents = live.visible_to(user, action).values("pk")
            condition |= Q(
                content_type=ContentType.objects.get_for_model(model), object_id__in=parents
            )
        return self.filter(condition)


class LiveAttachments(models.Manager.from_queryset(AttachmentQuerySet)):  # type: ignore[misc]
    """Attachments not in the recycle bin: what a record's panel and the API list show."""

    def get_queryset(self) -> AttachmentQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class AllAttachments(models.Manager.from_queryset(AttachmentQuerySet)):  # type: ignore[misc]
    """Every attachment, the recycle bin included (restore and the bin's page)."""


class Attachment(models.Model):
    """One uploaded file of one record. ``stored_name`` is random (never the user's file name)
    and relative to the private attachments storage; ``content_type`` was sniffed from the
    bytes when uploaded, never taken from the client."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("record type")
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    file_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    size = models.PositiveBigIntegerField(_("size"))
    mime_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = LiveAttachments()
    all_objects = AllAttachments()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        base_manager_name = "all_objects"
        default_manager_name = "objects"
        indexes = [models.Index(fields=["content_type", "object_id", "uploaded_at"])]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")
