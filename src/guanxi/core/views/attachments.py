"""Pages of record attachments (附件): upload, download, delete, restore and the recycle bin.

Every view reads the record or the attachment through the scope rule before anything else
(`guanxi.core.services.attachments`); out of scope is a 404 exactly like missing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.core import attachments
from guanxi.core.errors import InvalidInput
from guanxi.core.models.attachments import Attachment
from guanxi.core.scopes import CHANGE
from guanxi.core.services import attachments as service
from guanxi.core.signed_in import signed_in_user
from guanxi.core.views.generic import as_http_errors

#: Served files may not run anything nor load anything, even if a browser rendered them.
DOWNLOAD_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def file_response(attachment: Attachment, *, inline: bool) -> FileResponse:
    """The stored file as a download (inline only for images), never sniffed by the browser."""
    response = FileResponse(
        service.open_content(attachment),
        as_attachment=not (inline and attachment.is_image),
        filename=attachment.file_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
@as_http_errors
def attachment_upload(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    record = service.record_of(label, pk, user, CHANGE)
    form = attachments.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            attachment = service.upload(record, actor=user, file=form.cleaned_data["file"])
        except InvalidInput as exc:
            messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
        else:
            messages.success(request, _("%(name)s attached.") % {"name": attachment.file_name})
    return HttpResponseRedirect(attachments.detail_url(type(record), record.pk))


@login_required
@require_GET
@as_http_errors
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    attachment = service.get_attachment(pk, signed_in_user(request))
    return file_response(attachment, inline=request.GET.get("download") != "1")


@login_required
@require_POST
@as_http_errors
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    attachment = service.get_attachment(pk, user, CHANGE)
    service.delete_attachment(attachment, actor=user)
    messages.success(
        request, _("%(name)s moved to the recycle bin.") % {"name": attachment.file_name}
    )
    return HttpResponseRedirect(_record_url(attachment))


@login_required
@require_POST
@as_http_errors
def attachment_restore(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    attachment = service.get_attachment_in_bin(pk, user)
    service.restore_attachment(attachment, actor=user)
    messages.success(request, _("%(name)s restored.") % {"name": attachment.file_name})
    return HttpResponseRedirect(reverse("core:attachment_bin"))


@login_required
@require_GET
def attachment_bin(request: HttpRequest) -> HttpResponse:
    """The attachments in the bin whose record the user may change."""
    page = Paginator(service.in_bin(signed_in_user(request)), 50).get_page(request.GET.get("page"))
    rows: list[dict[str, Any]] = [
        {"attachment": a, "record_url": _record_url(a)} for a in page.object_list
    ]
    return render(request, "core/attachments_bin.html", {"page": page, "rows": rows})


def _record_url(attachment: Attachment) -> str:
    model = attachment.content_type.model_class()
    assert model is not None  # visible attachments belong to an enabled model
    return attachments.detail_url(model, attachment.object_id)
