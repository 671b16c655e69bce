"""Attachments (附件) of records: the models that switched them on, and the attachments panel.

    from guanxi.core import attachments
    attachments.enable(Customer, "customers:customer_detail")

The panel template is ``core/_attachments_panel.html``; a module shows it on the record's page
with `panel_context`. Uploads, downloads, deletes and restores go to the core views in
`guanxi.core.views.attachments` and the API in `guanxi.core.attachments_api`, which read the
record through the scope rule first (see `guanxi.core.services.attachments`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.errors import RecordNotFound
from guanxi.core.scopes import CHANGE, can

#: model label ("customers.customer") -> (model, URL name of its detail page)
_MODELS: dict[str, tuple[type[models.Model], str]] = {}


def enable(model: type[models.Model], detail_url_name: str) -> None:
    """Switch attachments on for a record model; its detail page takes the record's pk."""
    _MODELS[model._meta.label_lower] = (model, detail_url_name)


def model_for(label: str) -> tuple[type[models.Model], str]:
    """The model and detail URL name for a label; a label not switched on is a 404."""
    try:
        return _MODELS[label]
    except KeyError:
        raise RecordNotFound(label) from None


def enabled_models() -> list[type[models.Model]]:
    return [model for model, _detail in _MODELS.values()]


def detail_url(model: type[models.Model], pk: Any) -> str:
    """The record's own page, where the attachments panel is shown."""
    return reverse(model_for(model._meta.label_lower)[1], args=[pk])


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"), widget=forms.ClearableFileInput(attrs={"id": "attachment-file"})
    )


def panel_context(record: Any, request: HttpRequest) -> dict[str, Any]:
    """The attachments panel's context: the record's files, and the upload form and delete
    buttons only for those who may change the record."""
    from guanxi.core.services.attachments import attachments_of

    label = type(record)._meta.label_lower
    may_change = can(request.user, record, CHANGE)
    return {
        "record": record,
        "label": label,
        "attachments": attachments_of(record),
        "may_change": may_change,
        "form": AttachmentForm() if may_change else None,
        "upload_url": reverse("core:attachment_upload", args=[label, record.pk]),
    }
