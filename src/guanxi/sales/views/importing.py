"""The order import page, its template and error files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from guanxi.core import exports
from guanxi.core.errors import InvalidInput
from guanxi.core.scopes import CHANGE, may_act
from guanxi.sales import forms
from guanxi.sales.services import (
    importing,
)


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    if not may_act(request.user, "sales", CHANGE):
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importing.import_orders(
                upload.read(),
                filename=upload.name,
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
        except InvalidInput as exc:
            for errors in exc.errors.values():
                for error in errors:
                    form.add_error("file", error)
    status = 400 if result is not None and result.errors and not result.written else 200
    return render(request, "sales/import.html", {"form": form, "result": result}, status=status)


@login_required
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in exports.CONTENT_TYPES:
        raise Http404
    return exports.file_response(importing.template_file(fmt), f"orders-template.{fmt}", fmt)


@login_required
def import_errors(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The error file of one of the user's own order-import batches."""
    from guanxi.core.models import ImportBatch, User

    user = request.user
    assert isinstance(user, User)  # login_required
    batch = ImportBatch.objects.filter(pk=pk, actor=user, kind="orders").first()
    if batch is None or fmt not in exports.CONTENT_TYPES:
        raise Http404
    return exports.file_response(
        importing.error_file_from_batch(batch, fmt), f"orders-import-{batch.pk}-errors.{fmt}", fmt
    )
