"""API of record attachments (附件): list and upload on a record, download, delete, restore.

The routes naming an attachment by id come first: ``/attachments/{id}/content`` must not be
read as ``/attachments/{label}/{pk}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from guanxi.core.errors import InvalidInput
from guanxi.core.filters import FilterSet
from guanxi.core.models.attachments import Attachment
from guanxi.core.resources import lists
from guanxi.core.scopes import CHANGE, VIEW
from guanxi.core.services import attachments as service
from guanxi.core.signed_in import signed_in_user

router = Router(tags=["platform"])

ATTACHMENT_FILTERS = FilterSet(
    filters={},
    sorts={"uploaded_at": "uploaded_at", "file_name": "file_name", "size": "size"},
    default_sort="-uploaded_at",
)


class AttachmentOut(Schema):
    id: int
    record: str
    record_id: int
    file_name: str
    size: int
    content_type: str
    sha256: str
    uploaded_by: int | None
    uploaded_at: dt.datetime
    deleted_at: dt.datetime | None
    content_url: str


class AttachmentPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[AttachmentOut]


def _out(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "record": attachment.content_type.app_label + "." + attachment.content_type.model,
        "record_id": attachment.object_id,
        "file_name": attachment.file_name,
        "size": attachment.size,
        "content_type": attachment.mime_type,
        "sha256": attachment.sha256,
        "uploaded_by": attachment.uploaded_by_id,
        "uploaded_at": attachment.uploaded_at,
        "deleted_at": attachment.deleted_at,
        "content_url": f"/api/v1/attachments/{attachment.pk}/content",
    }


@router.get(
    "/attachments/{int:attachment_id}/content",
    summary="Download an attachment's file (after the record's scope check)",
    response={200: None},
)
def download_attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    from guanxi.core.views.attachments import file_response

    attachment = service.get_attachment(attachment_id, signed_in_user(request))
    return file_response(attachment, inline=False)


@router.delete(
    "/attachments/{int:attachment_id}",
    response=AttachmentOut,
    summary="Move an attachment to the recycle bin (needs change on its record)",
)
def delete_attachment(request: HttpRequest, attachment_id: int) -> dict[str, Any]:
    user = signed_in_user(request)
    attachment = service.get_attachment(attachment_id, user, CHANGE)
    return _out(service.delete_attachment(attachment, actor=user))


@router.post(
    "/attachments/{int:attachment_id}/restore",
    response=AttachmentOut,
    summary="Restore an attachment from the recycle bin",
)
def restore_attachment(request: HttpRequest, attachment_id: int) -> dict[str, Any]:
    user = signed_in_user(request)
    attachment = service.get_attachment_in_bin(attachment_id, user)
    return _out(service.restore_attachment(attachment, actor=user))


@router.get(
    "/attachments/{label}/{int:pk}",
    response=AttachmentPage,
    summary="Attachments of a record (label: customers.customer, sales.opportunity, ...)",
)
def list_attachments(
    request: HttpRequest,
    label: str,
    pk: int,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[
        int, Query(ge=1, le=settings.GUANXI_API_MAX_PAGE_SIZE)
    ] = settings.GUANXI_API_PAGE_SIZE,
    sort: Annotated[
        str, Query(description="uploaded_at, file_name or size; - descends")
    ] = ATTACHMENT_FILTERS.default_sort,
) -> dict[str, Any]:
    record = service.record_of(label, pk, signed_in_user(request), VIEW)
    queryset = service.attachments_of(record).select_related("content_type")
    return lists.page(request, ATTACHMENT_FILTERS.apply(queryset, request.GET), _out)


@router.post(
    "/attachments/{label}/{int:pk}",
    response={201: AttachmentOut},
    summary="Attach a file to a record (multipart field: file)",
)
def upload_attachment(
    request: HttpRequest,
    label: str,
    pk: int,
    file: Annotated[UploadedFile, File()],
) -> Status[dict[str, Any]]:
    user = signed_in_user(request)
    record = service.record_of(label, pk, user, CHANGE)
    if not file.name:
        raise InvalidInput({service.FIELD: [_("The file needs a name.")]})
    return Status(201, _out(service.upload(record, actor=user, file=file)))
