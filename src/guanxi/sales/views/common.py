"""Shared pieces of the sales pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from guanxi.core.errors import InvalidInput
from guanxi.core.scopes import CHANGE, may_act
from guanxi.core.views import generic


def _error_messages(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, InvalidInput):
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.error(request, str(exc))


class SalesEdit(generic.ObjectEditView):
    """Create and edit of owned sales records: a user without any sales change scope is refused
    before the form is shown (403), not only when saving."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not may_act(request.user, "sales", CHANGE):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
