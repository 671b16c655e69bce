"""Attachments of a record: upload, list, open, delete to the recycle bin, restore.

An attachment follows its record's scope: listing and downloading need the record in the
user's view scope, uploading, deleting and restoring need it in their change scope; a record
outside the view scope answers exactly like a missing one. Every check runs before any side
effect (a refused upload stores no byte). Uploads, deletes and restores are audited on the
record itself, so they show in the record's history.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import IO, Any, cast

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core import attachments as registry
from guanxi.core.attachment_types import ALLOWED, sniff
from guanxi.core.errors import InvalidInput, NotAllowed, RecordNotFound
from guanxi.core.models.attachments import Attachment, AttachmentQuerySet
from guanxi.core.models.audit import AuditEvent
from guanxi.core.models.org import User
from guanxi.core.scopes import CHANGE, VIEW, can
from guanxi.core.services import records
from guanxi.core.services.audit import record_event

__all__ = [
    "attachment_storage",
    "attachments_of",
    "delete_attachment",
    "get_attachment",
    "get_attachment_in_bin",
    "in_bin",
    "open_content",
    "record_of",
    "restore_attachment",
    "upload",
    "web_roots_containing",
]

#: the field a refused upload's message is attached to (the form's and the API's)
FIELD = "file"
_CHUNK = 1024 * 1024


def attachment_storage() -> Storage:
    """``STORAGES["attachments"]`` if declared, else a private folder (only the server's own
    user may read the files: they are never served by the web server)."""
    if "attachments" in settings.STORAGES:
        return storages["attachments"]
    return FileSystemStorage(
        location=settings.GUANXI_ATTACHMENTS_ROOT,
        base_url=None,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


def public_roots() -> list[Path]:
    """Folders the web server or whitenoise may publish: STATIC_ROOT, MEDIA_ROOT and every
    static files folder (the project's and each app's)."""
    roots = [settings.STATIC_ROOT, getattr(settings, "MEDIA_ROOT", "")]
    roots += [d[1] if isinstance(d, tuple | list) else d for d in settings.STATICFILES_DIRS]
    roots += [Path(app.path) / "static" for app in apps.get_app_configs()]
    return [Path(r).resolve() for r in roots if r]


def web_roots_containing(path: Path) -> list[Path]:
    """The public folders ``path`` lies in: none, for a private folder."""
    path = path.resolve()
    return [r for r in public_roots() if path.is_relative_to(r)]


def record_of(label: str, pk: Any, user: User, action: str = VIEW) -> models.Model:
    """The record an attachment route names, read through the scope rule: an unknown label, a
    missing record or one outside the view scope → RecordNotFound; read-only → NotAllowed."""
    model, _detail = registry.model_for(label)
    return records.get_visible(model, pk, user, action)


def attachments_of(record: models.Model) -> AttachmentQuerySet:
    """The live attachments of a record the caller has already read through the scope rule."""
    return (
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
        )
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )


def upload(record: models.Model, *, actor: User, file: File, file_name: str = "") -> Attachment:
    """Attach ``file`` to ``record``: change scope, size limit and sniffed type checked before a
    byte is stored; the file, its row and the record's audit row are written together."""
    parent = _require(record, actor, CHANGE)
    name = _clean_name(file_name or file.name or "")
    limit = settings.GUANXI_ATTACHMENT_MAX_BYTES
    if file.size is None or file.size > limit:
        raise InvalidInput(
            {FIELD: [_("The file is larger than %(limit)s.") % {"limit": _megabytes(limit)}]}
        )
    if file.size == 0:
        raise InvalidInput({FIELD: [_("The file is empty.")]})
    kind = sniff(cast(IO[bytes], file), name)
    if kind is None:
        allowed = ", ".join(ext for k in ALLOWED for ext in k.extensions)
        raise InvalidInput(
            {
                FIELD: [
                    _("This type of file cannot be attached. Allowed: %(allowed)s.")
                    % {"allowed": allowed}
                ]
            }
        )
    digest = hashlib.sha256()
    for chunk in file.chunks(_CHUNK):
        digest.update(chunk)
    file.seek(0)
    storage = attachment_storage()
    token = secrets.token_hex(16)
    stored = storage.save(f"{token[:2]}/{token}", file)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                content_type=ContentType.objects.get_for_model(type(parent)),
                object_id=parent.pk,
                file_name=name,
                stored_name=stored,
                size=file.size,
                mime_type=kind.mime_type,
                sha256=digest.hexdigest(),
                uploaded_by=actor,
            )
            _audit(parent, actor, None, _label(attachment))
    except BaseException:
        storage.delete(stored)  # nothing stays behind a failed write
        raise
    return attachment


def get_attachment(pk: Any, user: User, action: str = VIEW) -> Attachment:
    """A live attachment through its record's scope: outside the view scope → RecordNotFound,
    visible but the record not changeable (``action="change"``) → NotAllowed."""
    try:
        attachment = Attachment.objects.visible_to(user, VIEW).get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise RecordNotFound(pk) from None
    if action == CHANGE and not can(user, parent_of(attachment), CHANGE):
        raise NotAllowed(pk)
    return attachment


def in_bin(user: User) -> AttachmentQuerySet:
    """Attachments in the recycle bin whose record the user may change (so may restore)."""
    return (
        Attachment.all_objects.filter(deleted_at__isnull=False)
        .visible_to(user, CHANGE)
        .select_related("deleted_by", "content_type")
        .order_by("-deleted_at", "-pk")
    )


def get_attachment_in_bin(pk: Any, user: User) -> Attachment:
    try:
        return in_bin(user).get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise RecordNotFound(pk) from None


def parent_of(attachment: Attachment) -> Any:
    """The record an attachment belongs to (live rows only: a binned record hides its files)."""
    model = attachment.content_type.model_class()
    if model is None:
        raise RecordNotFound(attachment.pk)
    return model._default_manager.get(pk=attachment.object_id)


def open_content(attachment: Attachment) -> IO[bytes]:
    """The stored bytes, for a caller that has read the attachment through the scope rule."""
    return attachment_storage().open(attachment.stored_name, "rb")


def delete_attachment(attachment: Attachment, *, actor: User) -> Attachment:
    """Move an attachment to the recycle bin (its file is kept until it is purged)."""
    current = get_attachment(attachment.pk, actor, CHANGE)
    parent = parent_of(current)
    with transaction.atomic():
        updated = Attachment.objects.filter(pk=current.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now(), deleted_by=actor
        )
        if updated:  # a concurrent delete already wrote the audit row
            _audit(parent, actor, _label(current), _label(current, binned=True))
    current.refresh_from_db()
    return current


def restore_attachment(attachment: Attachment, *, actor: User) -> Attachment:
    """Bring an attachment back from the recycle bin onto its record."""
    current = get_attachment_in_bin(attachment.pk, actor)
    parent = parent_of(current)
    with transaction.atomic():
        updated = Attachment.all_objects.filter(pk=current.pk, deleted_at__isnull=False).update(
            deleted_at=None, deleted_by=None
        )
        if updated:
            _audit(parent, actor, _label(current, binned=True), _label(current))
    current.refresh_from_db()
    return current


def _require(record: models.Model, actor: User, action: str) -> models.Model:
    """Re-read the record through the scope rule (callers may hand in any instance)."""
    if type(record) not in registry.enabled_models():
        raise RecordNotFound(record.pk)
    return records.get_visible(type(record), record.pk, actor, action)


def _clean_name(name: str) -> str:
    """The user's file name as a label only: no folders, no control characters, bounded."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().strip(".")
    if not base:
        raise InvalidInput({FIELD: [_("The file needs a name.")]})
    if len(base) > 255:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 254 - len(ext)] + dot + ext) if dot and len(ext) < 16 else base[:255]
    return base


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _label(attachment: Attachment, binned: bool = False) -> str:
    # the audit trail stores data, not the actor's language (as the team members' rows do)
    label = f"{attachment.file_name} (#{attachment.pk})"
    return f"{label} (recycle bin)" if binned else label


def _audit(record: models.Model, actor: User, before: str | None, after: str | None) -> None:
    record_event(
        record,
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        changes={"attachments": [before, after]},
    )
